// lib.mjs — what the browser tests share: the environment, the harness's
// "ok   what" / "FAIL what: why" lines, signing in, what a phone's screen
// asks of a page, and Debian's chromium launched headless through
// playwright-core (no browser is ever downloaded).
import { chromium } from 'playwright-core';

export const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
export const base = env('WEB_BASE');
export const shots = env('SHOTS');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1920, height: 1080 };
export const LAPTOP = { width: 1280, height: 800 };
let failed = 0;

export function check(what, ok, why = '') {
  if (ok) console.log(`  ok   ${what}`);
  else { failed++; console.log(`  FAIL ${what}${why ? ': ' + why : ''}`); }
}

export async function signIn(browser, name, viewport, password = `pw-${name}-pass`) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/work`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  return { context, page };
}

// What a phone asks of the page open (what: its name in the checks): nothing
// wider than the screen, nothing inside it that scrolls sideways, every
// button a thumb can press (40 px tall at least).
export async function fitsPhone(page, what) {
  const r = await page.evaluate(() => {
    const shown = (e) => e.getClientRects().length > 0;
    const name = (e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '');
    const sideways = [...document.querySelectorAll('body *')].filter((e) =>
      /auto|scroll/.test(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1).map(name);
    const small = [...document.querySelectorAll('button')].filter(shown)
      .map((b) => ({ text: b.textContent.trim(), height: b.getBoundingClientRect().height }))
      .filter((b) => b.height < 40).map((b) => `${b.text} ${b.height.toFixed(0)} px`);
    return { wide: document.documentElement.scrollWidth, inner: innerWidth, sideways, small };
  });
  check(`${what}: nothing wider than the phone (${r.wide} px of ${r.inner})`, r.wide <= r.inner);
  check(`${what}: nothing in it scrolls sideways`, r.sideways.length === 0, r.sideways.join(', '));
  check(`${what}: every button at least 40 px tall`, r.small.length === 0, r.small.join(', '));
}

// The first order's cell under header in the list (table.orders) as shown:
// its text and where it is on the screen.
export async function firstCell(page, header) {
  return page.evaluate((h) => {
    const t = document.querySelector('table.orders');
    const i = [...t.querySelectorAll('thead th')].findIndex((th) => th.textContent.trim() === h);
    const td = t.querySelector('tbody tr').children[i];
    const r = td.getBoundingClientRect();
    return { text: td.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
             width: r.width, screen: { width: innerWidth, height: innerHeight } };
  }, header);
}

// Runs each step (a function of the browser) in turn, a step that throws
// counted as failed; exits 1 when any check failed.
export async function runSteps(steps) {
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=zh-CN'],
  });
  try {
    for (const step of steps) {
      try { await step(browser); } catch (e) { check(`${step.name} ran to its end`, false, e.message.split('\n')[0]); }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
