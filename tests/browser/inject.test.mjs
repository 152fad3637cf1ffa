// inject.test.mjs — what a citizen wrote, in a real browser (Debian's
// chromium, driven by playwright-core), against the services and orders
// tests/integration/test_web_inject.sh started and filed: the pages that
// show a complaint's content, address and caller's name carrying tags,
// attributes and quotes, and a person's display name carrying a tag, open
// no dialog, grow no element of the citizen's and break no policy of the
// page; the dashboard's own script still draws the wall board under the
// policy that allows it alone.
//
// Environment (besides lib.mjs's): TICKET (the street office's order),
// MANUAL (the order waiting for the dispatcher).
import { env, base, LAPTOP, check, signIn, runSteps } from './lib.mjs';

// Opens path in page; what it did: dialogs opened, elements the citizen
// wrote, the policy's refusals seen in the console, the page's own style
// sheets (<style>) the policy let apply of how many it has.
async function visit(page, path) {
  const dialogs = [], refused = [];
  const onDialog = (d) => { dialogs.push(d.message()); d.dismiss(); };
  const onConsole = (m) => { if (/Content Security Policy/.test(m.text())) refused.push(m.text()); };
  page.on('dialog', onDialog);
  page.on('console', onConsole);
  await page.goto(`${base}${path}`);
  await page.waitForLoadState('load');
  const grown = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload]').length +
    [...document.querySelectorAll('b')].filter((b) => b.textContent === '某').length);
  const styles = await page.evaluate(() => [...document.querySelectorAll('style')].map(
    (s) => (s.sheet && s.sheet.cssRules.length > 0 ? 1 : 0)));
  page.off('dialog', onDialog);
  page.off('console', onConsole);
  return { dialogs, refused, grown, styles };
}

function clean(what, r) {
  check(`${what}: no dialog opened`, r.dialogs.length === 0, r.dialogs.join(', '));
  check(`${what}: no element of the citizen's`, r.grown === 0, `${r.grown} found`);
  check(`${what}: nothing the page's policy refused`, r.refused.length === 0, r.refused.join(' | '));
  const applied = r.styles.reduce((a, b) => a + b, 0);
  check(`${what}: its own style sheets applied (${applied} of ${r.styles.length})`,
    r.styles.length > 0 && applied === r.styles.length, JSON.stringify(r.styles));
}

async function handler(browser) {
  const { context, page } = await signIn(browser, 'zhong', LAPTOP);
  clean('the street office\'s list', await visit(page, '/work'));
  clean('the order page and its history', await visit(page, `/work/order?t=${encodeURIComponent(env('TICKET'))}`));
  await context.close();
}

async function dispatcher(browser) {
  const { context, page } = await signIn(browser, 'paidan', LAPTOP);
  clean('the manual queue', await visit(page, '/work'));
  clean('the waiting order\'s page', await visit(page, `/work/order?t=${encodeURIComponent(env('MANUAL'))}`));
  const board = await visit(page, '/');
  clean('the dashboard', board);
  await page.waitForFunction(() => document.querySelector('#board .updated').textContent !== '正在读取…',
    null, { timeout: 10000 });
  const said = await page.textContent('#board .updated');
  check('… whose board its own script drew (更新于 …)', /^更新于 /.test(said.trim()), said);
  await context.close();
}

await runSteps([handler, dispatcher]);
