// bulletin.test.mjs — the bulletin's page (the file `jiesu bulletin --out`
// wrote, as tests/integration/test_report_http.sh made it) in a real browser,
// as the district's leaders read it: on a phone (390×844) the page never
// scrolls sideways, each wide table scrolling inside its own box; printed on
// A4 every column of every table is on the paper, none cut off at the edge
// of a box that scrolled on the screen. Screenshots bulletin-phone.png and
// bulletin-print.png.
//
// Environment (besides lib.mjs's): BULLETIN (the HTML file).
import { env, shots, PHONE, check, runSteps } from './lib.mjs';

const A4_WIDTH = 718;   // CSS pixels inside Chromium's default margins on A4 (210 mm)

// What reaches past the page's width, and what is cut at the edge of its box.
const spill = (page) => page.evaluate(() => {
  const name = (e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '');
  return {
    wide: document.documentElement.scrollWidth,
    inner: innerWidth,
    past: [...document.querySelectorAll('table, svg')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
      .map((e) => `${name(e)} to ${e.getBoundingClientRect().right.toFixed(0)} px${e.closest('div.wide') ? ' (in its box)' : ''}`),
    cut: [...document.querySelectorAll('body *')].filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${name(e)} ${e.scrollWidth} px in ${e.clientWidth}`),
  };
});

async function phone(browser) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`file://${env('BULLETIN')}`);
  const r = await spill(page);
  check(`at 390 px the page does not scroll sideways (${r.wide} px of ${r.inner})`, r.wide <= r.inner);
  const loose = r.past.filter((s) => !s.endsWith('(in its box)'));
  check('… every table wider than the phone scrolls inside its own box (the orders\' too)',
    loose.length === 0, loose.join(', '));
  await page.screenshot({ path: `${shots}/bulletin-phone.png`, fullPage: true });
  await context.close();
}

async function paper(browser) {
  const context = await browser.newContext({ viewport: { width: A4_WIDTH, height: 1000 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`file://${env('BULLETIN')}`);
  await page.emulateMedia({ media: 'print' });
  const r = await spill(page);
  check('printed on A4, no table reaches past the paper', r.past.length === 0, r.past.join(', '));
  check('… and no box cuts a table off (超期数, 重复率 on the paper)', r.cut.length === 0, r.cut.join(', '));
  const last = await page.$$eval('table.ranking tr:first-child th:last-child', (ths) => ths.map((th) => {
    const b = th.getBoundingClientRect();
    return `${th.textContent} ${b.right <= innerWidth + 1 ? 'on' : 'off'} the paper`;
  }));
  check('… the ranking tables\' last column, 超期数, on the paper',
    last.length > 0 && last.every((s) => s === '超期数 on the paper'), last.join(', '));
  await page.screenshot({ path: `${shots}/bulletin-print.png`, fullPage: true });
  await page.pdf({ path: `${shots}/bulletin-a4.pdf`, format: 'A4', printBackground: true });
  await context.close();
}

await runSteps([phone, paper]);
