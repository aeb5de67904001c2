// Load each page of the built book in Debian's headless Chromium, offline, and report as JSON:
// - axe-core violations (WCAG 2.0/2.1/2.2 A and AA and best practices) in four modes: light at 1280 px,
//   dark at 1280 px, a 390 px phone, and light with every folded block (code, solutions, self-check) opened;
// - console errors, failed responses, and every request that tried to leave the local server;
// - sideways scrolling at 390 px and clipped table headers at 1280 px;
// - on the first page: the navigation opens at 390 px with the table of contents and focus inside it,
//   and Escape closes it; every control that takes keyboard focus shows a visible focus ring.
// With SHOTS=dir, a full-page screenshot of each page in each mode goes there.
// Usage: node tests/browser/browser_checks.js http://127.0.0.1:8123 page1.html page2.html ...  > report.json
const { chromium } = require('playwright-core');
const AxeBuilder = require('@axe-core/playwright').default;
const path = require('path');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const MODES = {
  light: { viewport: { width: 1280, height: 900 }, theme: 'light' },
  dark: { viewport: { width: 1280, height: 900 }, theme: 'dark' },
  phone: { viewport: { width: 390, height: 844 }, theme: 'light', isMobile: true, hasTouch: true },
  opened: { viewport: { width: 1280, height: 900 }, theme: 'light', open: true },
};

async function newContext(browser, mode, base, external) {
  const context = await browser.newContext({ viewport: mode.viewport, isMobile: !!mode.isMobile, hasTouch: !!mode.hasTouch });
  await context.addInitScript((theme) => { localStorage.setItem('mode', theme); localStorage.setItem('theme', theme); }, mode.theme);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.add(url);
    return route.abort();
  });
  return context;
}

async function openEverything(page) {
  await page.evaluate(() => {
    document.querySelectorAll('details').forEach((d) => { d.open = true; });
    document.querySelectorAll('.toggle-hidden').forEach((e) => e.classList.remove('toggle-hidden'));
    document.querySelectorAll('button.toggle-button').forEach((b) => { if (b.getAttribute('aria-expanded') === 'false') b.click(); });
  });
}

async function checkNavigation(browser, base, page0, external) {
  const context = await newContext(browser, MODES.phone, base, external);
  const page = await context.newPage();
  await page.goto(`${base}/${page0}`, { waitUntil: 'load' });
  const result = { opened: false, tocLinks: 0, focusInside: false, closedByEscape: false };
  const toggle = page.locator('.primary-toggle:visible').first();
  if (await toggle.count()) {
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const dialog = page.locator('#pst-primary-sidebar-modal');
    result.opened = await dialog.evaluate((d) => d.open).catch(() => false);
    result.tocLinks = await page.locator('#pst-primary-sidebar-modal nav a:visible').count();
    result.focusInside = await page.evaluate(() => !!document.activeElement && !!document.activeElement.closest('#pst-primary-sidebar-modal'));
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
    result.closedByEscape = !(await dialog.evaluate((d) => d.open).catch(() => true));
  }
  await context.close();
  return result;
}

async function checkFocusRings(browser, base, page0, external) {
  // Tab through the page and record every focused control whose focus leaves no visible mark.
  const context = await newContext(browser, MODES.light, base, external);
  const page = await context.newPage();
  await page.goto(`${base}/${page0}`, { waitUntil: 'load' });
  const missing = [];
  let lostToBody = 0;
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { body: true };
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || (style.boxShadow && style.boxShadow !== 'none');
      const visible = el.offsetParent !== null || style.position === 'fixed';
      return { ring, visible, name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].slice(0, 3).join('.')}` };
    });
    if (state.body) { lostToBody += 1; continue; }
    if (state.visible && !state.ring) missing.push(state.name);
  }
  await context.close();
  return { missing: [...new Set(missing)], lostToBody };
}

(async () => {
  const [base, ...pages] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: FLAGS });
  const external = new Set();
  const report = { pages: {}, external: [], violations: 0, violationsByMode: {}, navigation: null, focus: null };
  for (const [modeName, mode] of Object.entries(MODES)) {
    report.violationsByMode[modeName] = 0;
    const context = await newContext(browser, mode, base, external);
    for (const p of pages) {
      const page = await context.newPage();
      const consoleErrors = [];
      const failed = [];
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
      await page.goto(`${base}/${p}`, { waitUntil: 'load' });
      if (mode.open) await openEverything(page);
      const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const violations = axe.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
        help: v.help, target: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      const count = violations.reduce((a, v) => a + v.nodes, 0);
      report.violations += count;
      report.violationsByMode[modeName] += count;
      const layout = await page.evaluate(() => ({
        sideways: document.scrollingElement.scrollWidth - window.innerWidth,
        clippedHeaders: [...document.querySelectorAll('.bd-article th')]
          .filter((th) => th.scrollWidth > th.clientWidth + 1).map((th) => th.textContent.trim()).slice(0, 5),
      }));
      const entry = report.pages[p] || (report.pages[p] = {});
      entry[modeName] = { violations, consoleErrors, failed, sideways: layout.sideways, clippedHeaders: layout.clippedHeaders };
      if (process.env.SHOTS) {
        await page.screenshot({ path: path.join(process.env.SHOTS, `${p.replace(/[\/]/g, '_')}.${modeName}.png`), fullPage: true });
      }
      await page.close();
    }
    await context.close();
  }
  report.navigation = await checkNavigation(browser, base, pages[0], external);
  report.focus = await checkFocusRings(browser, base, pages[0], external);
  await browser.close();
  report.external = [...external].sort();
  console.log(JSON.stringify(report, null, 2));
})().catch((e) => { console.error(e); process.exit(2); });
