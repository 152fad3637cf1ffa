// workbench.test.mjs — the workbench in a real browser (Debian's chromium,
// driven by playwright-core; no browser is downloaded), against the real
// services that tests/integration/test_web_browser.sh started and filled:
// a street office signs in on a phone, sees only its orders, accepts one and
// resolves it with two photos; another street office cannot open it by URL;
// discipline inspection sees the conduct complaint the accused street
// cannot; five wrong passwords lock an account. Screenshots at phone and
// desktop size. Prints "ok   what" / "FAIL what: why" lines for the harness.
//
// Environment: WEB_BASE, CHROMIUM, SHOTS (a directory), TICKET_A (中韩's),
// TICKET_B (沙子口's), TICKET_CONDUCT, PHOTO_BEFORE, PHOTO_AFTER.
import { env, base, shots, PHONE, DESKTOP, check, signIn, runSteps } from './lib.mjs';

async function streetOffice(browser) {
  const { context, page } = await signIn(browser, 'zhong', PHONE);
  check('a street office signs in and lands on its workbench', new URL(page.url()).pathname === '/work', page.url());
  const list = await page.locator('table.orders').innerText();
  check('it sees its own order', list.includes(env('TICKET_A')));
  check('and not another street\'s, nor the conduct complaint about it',
    !list.includes(env('TICKET_B')) && !list.includes(env('TICKET_CONDUCT')));
  await page.screenshot({ path: `${shots}/workbench-phone.png`, fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`the list fits a phone's width (${width} px)`, width <= PHONE.width + 1);

  await Promise.all([page.waitForURL(/\/work\/order/), page.click(`a:text("${env('TICKET_A')}")`)]);
  await Promise.all([page.waitForURL(/done=accept/), page.click('form.action button[value=accept]')]);
  check('accepting it says so', await page.locator('.msg.ok').innerText().then((t) => t.includes('已签收')));
  check('the order is then 办理中', (await page.locator('dl').innerText()).includes('办理中'));
  const resolve = page.locator('form.action:has(button[value=resolve])');
  await resolve.locator('input[name=reason]').fill('垃圾已清运，垃圾桶已更换');
  await resolve.locator('input[name=photo_before]').setInputFiles(env('PHOTO_BEFORE'));
  await resolve.locator('input[name=photo_after]').setInputFiles(env('PHOTO_AFTER'));
  await Promise.all([page.waitForURL(/done=resolve/), resolve.locator('button[value=resolve]').click()]);
  check('resolving it with two photos says so', (await page.locator('.msg.ok').innerText()).includes('已办结'));
  const images = page.locator('.photos img');
  check('the order shows the two photos', (await images.count()) === 2);
  const loaded = await images.evaluateAll((imgs) => imgs.every((i) => i.complete && i.naturalWidth > 0));
  check('both photos load in the browser', loaded);
  await page.screenshot({ path: `${shots}/order-phone.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${shots}/order-desktop.png`, fullPage: true });
  await page.goto(`${base}/work`);
  await page.screenshot({ path: `${shots}/workbench-desktop.png` });
  await context.close();
}

async function otherStreet(browser) {
  const { context, page } = await signIn(browser, 'sha', DESKTOP);
  const res = await page.goto(`${base}/work/order?t=${env('TICKET_A')}`);
  check('another street office typing the order\'s URL gets 404', res.status() === 404, String(res.status()));
  check('… and sees nothing of it', !(await page.content()).includes('海尔路178号'));
  const conduct = await page.goto(`${base}/work/order?t=${env('TICKET_CONDUCT')}`);
  check('… nor of the conduct complaint', conduct.status() === 404);
  await context.close();
}

async function discipline(browser) {
  const { context, page } = await signIn(browser, 'jiwei', DESKTOP);
  check('discipline inspection lists the conduct complaint',
    (await page.locator('table.orders').innerText()).includes(env('TICKET_CONDUCT')));
  const res = await page.goto(`${base}/work/order?t=${env('TICKET_CONDUCT')}`);
  check('… and opens it', res.status() === 200 && (await page.content()).includes('态度恶劣'));
  await page.screenshot({ path: `${shots}/discipline-desktop.png`, fullPage: true });
  const accused = await browser.newContext({ viewport: DESKTOP });
  const p2 = await accused.newPage();
  await p2.goto(`${base}/signin`);
  await p2.fill('input[name=name]', 'zhong');
  await p2.fill('input[name=password]', 'pw-zhong');
  await Promise.all([p2.waitForLoadState('load'), p2.click('button[type=submit]')]);
  const r2 = await p2.goto(`${base}/work/order?t=${env('TICKET_CONDUCT')}`);
  check('the street office it accuses cannot open it', r2.status() === 404);
  await accused.close();
  await context.close();
}

async function lockout(browser) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  let text = '';
  for (let i = 1; i <= 5; i++) {
    await page.goto(`${base}/signin`);
    await page.fill('input[name=name]', 'locked-out');
    await page.fill('input[name=password]', `wrong-${i}`);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    text = await page.locator('.msg.err').innerText();
  }
  check('five wrong passwords lock the account', text.includes('账号已锁定'), text);
  await page.screenshot({ path: `${shots}/locked-phone.png` });
  await page.goto(`${base}/signin`);
  await page.fill('input[name=name]', 'locked-out');
  await page.fill('input[name=password]', 'pw-locked-out');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  check('… and then the right one is refused too', new URL(page.url()).pathname === '/signin' &&
    (await page.locator('.msg.err').innerText()).includes('账号已锁定'));
  await context.close();
}

await runSteps([streetOffice, otherStreet, discipline, lockout]);
