// Open the unzipped site archive from disk (file://), as a school machine without a server would,
// run a search and report how many results the page lists. No network: every request outside file:// is refused.
// Usage: node tests/browser/search_from_disk.js /path/to/moscow-pyongyang "Shtykov"   -> {"results": N, "errors": [...]}
const { chromium } = require('playwright-core');
const path = require('path');

(async () => {
  const [site, query] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'] });
  const context = await browser.newContext();
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const url = 'file://' + path.resolve(site, 'search.html') + '?q=' + encodeURIComponent(query);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0
    || /did not match|found 0/i.test(document.body.innerText), null, { timeout: 30000 }).catch(() => {});
  const results = await page.locator('#search-results li').count();
  await browser.close();
  console.log(JSON.stringify({ results, errors, outside }));
})().catch((e) => { console.error(e); process.exit(2); });
