// Load each page of the built book in Debian's headless Chromium, offline, and report:
// axe-core accessibility violations, every request that tried to leave 127.0.0.1, console errors,
// and (with SHOTS=dir) a full-page screenshot of each page.
// Usage: node .ci/browser_checks.js http://127.0.0.1:8123 page1.html page2.html ...  > report.json
const { chromium } = require('playwright-core');
const AxeBuilder = require('@axe-core/playwright').default;
const path = require('path');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

(async () => {
  const [base, ...pages] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const external = new Set();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.add(url);
    return route.abort();
  });
  const report = { pages: {}, external: [], violations: 0 };
  for (const p of pages) {
    const page = await context.newPage();
    const consoleErrors = [];
    const failed = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(`${base}/${p}`, { waitUntil: 'load' });
    const axe = await new AxeBuilder({ page }).analyze();
    const violations = axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      help: v.help, target: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    report.violations += violations.reduce((a, v) => a + v.nodes, 0);
    report.pages[p] = { violations, consoleErrors, failed };
    if (process.env.SHOTS) {
      await page.screenshot({ path: path.join(process.env.SHOTS, p.replace(/[\/]/g, '_') + '.png'), fullPage: true });
    }
    await page.close();
  }
  await browser.close();
  report.external = [...external].sort();
  console.log(JSON.stringify(report, null, 2));
})().catch((e) => { console.error(e); process.exit(2); });
