// lib.mjs — what the browser tests share: the environment, the harness's
// "ok   what" / "FAIL what: why" lines, signing in, and Debian's chromium
// launched headless through playwright-core (no browser is ever downloaded).
import { chromium } from 'playwright-core';

export const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
export const base = env('WEB_BASE');
export const shots = env('SHOTS');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1920, height: 1080 };
let failed = 0;

export function check(what, ok, why = '') {
  if (ok) console.log(`  ok   ${what}`);
  else { failed++; console.log(`  FAIL ${what}${why ? ': ' + why : ''}`); }
}

export async function signIn(browser, name, viewport, password = `pw-${name}`) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/work`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  return { context, page };
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
