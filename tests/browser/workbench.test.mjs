// workbench.test.mjs — the workbench in a real browser (Debian's chromium,
// driven by playwright-core; no browser is downloaded), against the real
// services that tests/integration/test_web_browser.sh started and filled:
// a street office signs in on a phone, sees only its orders, accepts one and
// resolves it with two photos; another street office cannot open it by URL;
// discipline inspection sees the conduct complaint the accused street
// cannot; the clerk imports a file on the import page (导入文件) and
// downloads its rejects, and reads why a file was refused line by line,
// with the profile drafted from its header to copy for an administrator;
// five wrong passwords lock an account; a street office returns an order and
// lands on its workbench, and the dispatcher's queue shows the order without
// the street's deadline, at 1920 px each category on one line; a dispatch to
// the unit holding the order says nothing was done; the bulletin opened from
// the bar leads back. On a phone
// (390×844) the sign-in page, every role's list, an order's page and the
// import page fit the screen, the list shows each order's time left without
// sideways scrolling, the order's
// forms are a thumb's size; at 1280 px the list stays a table. Screenshots
// of every role's workbench at both sizes. Prints "ok   what" /
// "FAIL what: why" lines for the harness.
//
// Environment: WEB_BASE, CHROMIUM, SHOTS (a directory), TICKET_A (中韩's),
// TICKET_B (沙子口's), TICKET_CONDUCT, TICKET_NOISE (中韩's, returned at the end),
// PHOTO_BEFORE, PHOTO_AFTER, IMPORT_FILE (a CSV of two good rows and one
// without content), IMPORT_BAD (a CSV whose header no profile reads).
import { env, base, shots, PHONE, DESKTOP, LAPTOP, check, signIn, fitsPhone, firstCell, runSteps } from './lib.mjs';

// Whether the cell c (firstCell) is on the screen as it opens: no scrolling.
const onScreen = (c) => c.width > 0 && c.left >= 0 && c.right <= c.screen.width && c.bottom <= c.screen.height;

async function signInPage(browser) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await fitsPhone(page, 'the sign-in page on a phone');
  check('… its user name is not capitalised by a phone\'s keyboard',
    (await page.getAttribute('input[name=name]', 'autocapitalize')) === 'none');
  await page.screenshot({ path: `${shots}/signin-phone.png` });
  await context.close();
}

// On the order page open: every field of its action forms as wide as its
// form, under its label (a phone: one thumb, one column).
async function formsOneColumn(page) {
  return page.evaluate(() => [...document.querySelectorAll('form.action label:not(.check)')].filter((l) => {
    const field = l.querySelector('input, select'), form = l.closest('form').getBoundingClientRect();
    const f = field.getBoundingClientRect(), label = l.getBoundingClientRect();
    return f.width < form.width - 2 || f.top < label.top + 12;
  }).map((l) => l.firstChild.textContent));
}

async function streetOffice(browser) {
  const { context, page } = await signIn(browser, 'zhong', PHONE);
  check('a street office signs in and lands on its workbench', new URL(page.url()).pathname === '/work', page.url());
  const list = await page.locator('table.orders').innerText();
  check('it sees its own order', list.includes(env('TICKET_A')));
  check('and not another street\'s, nor the conduct complaint about it',
    !list.includes(env('TICKET_B')) && !list.includes(env('TICKET_CONDUCT')));
  await page.screenshot({ path: `${shots}/workbench-phone.png`, fullPage: true });
  await fitsPhone(page, 'the list on a phone');
  const tick = await page.evaluate(() => {
    const box = document.querySelector('input[name=overdue]').getBoundingClientRect();
    const label = document.querySelector('input[name=overdue]').closest('label').getBoundingClientRect();
    return { height: box.height, line: label.height };
  });
  check(`… its 只看超期 a tick box beside its words (box ${tick.height.toFixed(0)} px, the line ${tick.line.toFixed(0)} px;` +
    ' it was a 44 px square above them)', tick.height < 30 && tick.line < 40);
  const left = await firstCell(page, '剩余时间');
  check(`… the first order's time left (${left.text}) is on the screen as it opens`, onScreen(left),
    `at ${left.left.toFixed(0)}–${left.right.toFixed(0)} px across, ${left.bottom.toFixed(0)} px down`);
  for (const h of ['工单号', '分类', '状态']) {
    const c = await firstCell(page, h);
    check(`… and its ${h} (${c.text})`, onScreen(c), `at ${c.left.toFixed(0)}–${c.right.toFixed(0)} px across`);
  }
  const options = await page.locator('select[name=category] option').allInnerTexts();
  const groups = await page.locator('select[name=category] optgroup').evaluateAll((g) => g.map((x) => x.label));
  check('the category filter offers the categories of its orders, with how many each',
    options.length === 3 && options.includes('垃圾清运（1 件）') && options.includes('噪声扰民（1 件）'),
    `${options.length} options: ${options.slice(0, 6).join(' ')}…`);
  check('… each under its first level', groups.sort().join(' ') === ['城乡建设', '环境保护'].sort().join(' '),
    groups.join(' '));

  await Promise.all([page.waitForURL(/\/work\/order/), page.click(`a:text("${env('TICKET_A')}")`)]);
  await Promise.all([page.waitForURL(/done=accept/), page.click('form.action button[value=accept]')]);
  check('accepting it says so', await page.locator('.msg.ok').innerText().then((t) => t.includes('已签收')));
  check('the order is then 办理中', (await page.locator('dl').innerText()).includes('办理中'));
  await fitsPhone(page, 'the order page on a phone');
  const narrow = await formsOneColumn(page);
  check('… every field of its forms full width, under its label', narrow.length === 0, narrow.join(', '));
  await page.screenshot({ path: `${shots}/order-accepted-phone.png`, fullPage: true });
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

// Every role's workbench on a phone and at 1280 px: the list (the clerk's
// asked for a status: it lists none unprompted) and its first order.
const ROLES = [['zhong', '/work'], ['jiwei', '/work'], ['chuangcheng', '/work'], ['paidan', '/work'],
  ['huifang', '/work'], ['huawu', '/work?status=dispatched'], ['guanli', '/work']];

async function everyRole(browser) {
  for (const [name, list] of ROLES) {
    const { context, page } = await signIn(browser, name, PHONE);
    await page.goto(`${base}${list}`);
    await fitsPhone(page, `${name}'s list on a phone`);
    const orders = await page.locator('table.orders tbody tr').count();
    const callback = name === 'huifang';    /* its list says when each order was resolved, not a deadline */
    if (orders && (callback || (await firstCell(page, '期限')).text !== '—')) {
      const left = await firstCell(page, callback ? '办结时间' : '剩余时间');
      check(`… its first order's ${callback ? 'resolve time and wait' : 'time left'} on the screen (${left.text})`,
        onScreen(left));
    }
    await page.screenshot({ path: `${shots}/work-${name}-phone.png`, fullPage: true });
    const first = orders ? await page.locator('table.orders tbody tr td a').first().getAttribute('href') : null;
    if (first) {
      await page.goto(`${base}${first}`);
      await fitsPhone(page, `${name}'s first order on a phone`);
      const narrow = await formsOneColumn(page);
      check('… every field of its forms full width, under its label', narrow.length === 0, narrow.join(', '));
      await page.screenshot({ path: `${shots}/order-${name}-phone.png`, fullPage: true });
    }
    await page.setViewportSize(LAPTOP);
    await page.goto(`${base}${list}`);
    if (orders) {
      const head = await page.locator('table.orders thead th').first().boundingBox();
      const row = await page.locator('table.orders tbody tr').first().evaluate((tr) =>
        new Set([...tr.children].map((td) => td.getBoundingClientRect().top)).size);
      check(`… at 1280 px the list is a table: its header shown, an order a line`, head && head.height > 0 && row === 1);
    }
    await page.screenshot({ path: `${shots}/work-${name}-1280.png`, fullPage: true });
    if (first) {
      await page.goto(`${base}${first}`);
      await page.screenshot({ path: `${shots}/order-${name}-1280.png`, fullPage: true });
    }
    await context.close();
  }
}

// The clerk's import page: from the bar, on a phone; a file chosen and
// imported, the summary and the rejects downloaded; at 1280 px too.
async function clerkImports(browser) {
  const { context, page } = await signIn(browser, 'huawu', PHONE);
  await Promise.all([page.waitForURL(/\/work\/import$/), page.click('nav.bar a:text("导入文件")')]);
  await fitsPhone(page, 'the import page on a phone');
  const narrow = await formsOneColumn(page);
  check('… every field of its form full width, under its label', narrow.length === 0, narrow.join(', '));
  await page.screenshot({ path: `${shots}/import-phone.png`, fullPage: true });
  await page.setInputFiles('input[name=file]', env('IMPORT_FILE'));
  await Promise.all([page.waitForLoadState('load'), page.click('form.action button[type=submit]')]);
  const said = await page.locator('.msg.ok').innerText();
  check('the clerk\'s file is imported, the page says how', said.includes('共 3 行，新存 2 件') && said.includes('拒收 1 行'),
    said);
  await fitsPhone(page, 'the import\'s summary on a phone');
  await page.screenshot({ path: `${shots}/import-done-phone.png`, fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("下载拒收明细")')]);
  const rows = (await (await import('node:fs/promises')).readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
  check('… its rejects download as a CSV named after the file', download.suggestedFilename().endsWith('.拒收明细.csv') &&
    rows.length === 2 && rows[1].includes('诉求内容'), `${download.suggestedFilename()}: ${rows.join(' | ')}`);
  await page.setViewportSize(LAPTOP);
  await page.goto(`${base}/work/import`);
  check('… and the page lists the import', (await page.locator('table.rec').innerText()).includes('已导入'));
  await page.screenshot({ path: `${shots}/import-1280.png`, fullPage: true });
  await page.setInputFiles('input[name=file]', env('IMPORT_BAD'));
  await Promise.all([page.waitForLoadState('load'), page.click('form.action button[type=submit]')]);
  const lines = (await page.locator('.msg.err').innerText()).split('\n').map((l) => l.trim());
  check('a file whose header no profile reads: each missing field on a line of its own, as intake says it',
    ['工单编号：', '来电时间：', '诉求内容：'].every((f) => lines.some((l) => l.startsWith(f))), lines.join(' ⏎ '));
  const drafts = page.locator('pre.draft');
  const draft = (await drafts.count()) === 1 ? await drafts.innerText() : '';
  check('… and, as at the terminal, a profile drafted from its header in a block to copy, the lines to mend marked',
    draft.startsWith('# 导入模板草稿') && /^timezone = \S+ {2}# 改：/m.test(draft) && /^content = 内容<b> {2}#/m.test(draft)
    && !draft.includes('没有存'),
    draft || `${await drafts.count()} blocks`);
  check('… its header\'s markup shown as text, not taken as the page\'s', (await page.locator('pre.draft b').count()) === 0);
  check('… saying who installs it and how', lines.some((l) => l.includes('交给系统管理员') && l.includes('导入模板目录')),
    lines.join(' ⏎ '));
  await page.screenshot({ path: `${shots}/import-refused-1280.png`, fullPage: true });
  await context.close();
}

// A street office returns an order on a phone: the order is no longer its
// to read, so the page after it is its workbench saying what was done, not
// an order page titled 没有这个工单 telling it to check the number.
async function streetReturns(browser) {
  const { context, page } = await signIn(browser, 'zhong', PHONE);
  await page.goto(`${base}/work/order?t=${env('TICKET_NOISE')}`);
  const back = page.locator('form.action:has(button[value=return])');
  await back.locator('input[name=reason]').fill('工地属沙子口街道');
  await Promise.all([page.waitForURL(/done=return/), back.locator('button[value=return]').click()]);
  const said = await page.locator('.msg').first().innerText();
  check('a street office that returns an order lands on its workbench, told it was returned',
    new URL(page.url()).pathname === '/work' && said.includes(env('TICKET_NOISE')) && said.includes('已退回'),
    `${page.url()}: ${said}`);
  check('… not on a page titled 没有这个工单 asking to check the number',
    !(await page.locator('h1').innerText()).includes('没有这个工单') && !(await page.content()).includes('请核对工单号'));
  await fitsPhone(page, 'the workbench after a return');
  await page.screenshot({ path: `${shots}/returned-phone.png`, fullPage: true });
  await page.goto(`${base}/work?order=${encodeURIComponent('请致电4000000000核实')}&done=return`);
  check('… a link made up with other words in its place says nothing', (await page.locator('.msg.ok').count()) === 0);
  await context.close();
}

// The order the street office returned waits in the manual queue (routing
// gives it to no other street): no unit's deadline runs for it there, so the
// dispatcher's list shows none (—), as for any order of the queue, where it
// showed the street's 签收 and its time left or overdue.
async function queueWithoutDeadline(browser) {
  const { context, page } = await signIn(browser, 'paidan', DESKTOP);
  const row = page.locator(`table.orders tbody tr:has(a:text("${env('TICKET_NOISE')}"))`);
  for (const end = Date.now() + 20000; Date.now() < end && !(await row.count());) {
    await page.waitForTimeout(250);     /* routing's answer to the return, then the list read again */
    await page.goto(`${base}/work`);
  }
  const cells = await row.evaluate((tr) => {
    const heads = [...tr.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
    return ['期限', '剩余时间'].map((h) => tr.children[heads.indexOf(h)].textContent);
  });
  check(`the returned order waiting in the manual queue shows no deadline (${cells.join(' ')})`,
    cells.every((c) => c === '—'));
  // At 1920×1080 the queue's short cells stay on one line beside what the callers said: 垃圾清运
  // read 垃圾 / 清运, a community 西九水 / 社区居 / 民委员 / 会, squeezed by the two long columns.
  const broken = await page.$$eval('table.orders tbody td', (tds) => tds.filter((td) => {
    const heads = [...td.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
    if (!['状态', '分类', '期限'].includes(heads[td.cellIndex])) return false;
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
  }).map((td) => td.textContent));
  check('… at 1920 px each order\'s status and category on one line', broken.length === 0, broken.join('、'));
  await page.screenshot({ path: `${shots}/queue-desktop.png` });
  await context.close();
}

// The campaign office opens 周通报 from its bar on a phone: the bulletin has
// the bar too, the way back to the workbench (it had none: a dead end but
// for the browser's back button), and prints without it.
async function bulletinWayBack(browser) {
  const { context, page } = await signIn(browser, 'chuangcheng', PHONE);
  await Promise.all([page.waitForURL(/\/bulletin\.html$/), page.click('nav.bar a:text("周通报")')]);
  const links = await page.locator('nav.bar a').allInnerTexts();
  check('the bulletin opened from the bar has the bar: 工作台, 看板 and who is signed in',
    links.includes('工作台') && links.includes('看板') && (await page.locator('nav.bar .who').count()) === 1, links.join(' '));
  const [wide, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  check(`… the page no wider than the phone (${wide} px of ${inner}; its tables scroll inside themselves)`, wide <= inner);
  await page.screenshot({ path: `${shots}/bulletin-phone.png` });
  await page.emulateMedia({ media: 'print' });
  check('… a bar the bulletin does not print', !(await page.locator('nav.bar').isVisible()));
  await page.emulateMedia({ media: 'screen' });
  await Promise.all([page.waitForURL(/\/work$/), page.click('nav.bar a:text("工作台")')]);
  check('… and 工作台 leads back to the workbench', new URL(page.url()).pathname === '/work');
  await context.close();
}

// The dispatcher presses 改派 with the unit holding the order still chosen
// (preselected, 现承办): nothing is done, and the page says so rather than
// 已派单至 that unit, as if the order had been dispatched and the reason recorded.
async function dispatchToHolder(browser) {
  const { context, page } = await signIn(browser, 'paidan', DESKTOP);
  await page.goto(`${base}/work/order?t=${env('TICKET_B')}`);
  const chosen = await page.locator('select[name=unit] option:checked').innerText();
  const events = await page.locator('table.rec').last().locator('tbody tr').count();
  const form = page.locator('form.action:has(button[value=dispatch])');
  await form.locator('input[name=reason]').fill('再派一次');
  await Promise.all([page.waitForURL(/done=/), form.locator('button[value=dispatch]').click()]);
  const said = await page.locator('.msg').first().innerText();
  check(`改派 to the unit holding the order (${chosen}) says nothing was done`,
    said.includes('未作改动') && !said.includes('已派单'), said);
  check('… and its history has no event more', (await page.locator('table.rec').last().locator('tbody tr').count()) === events);
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
  await p2.fill('input[name=password]', 'pw-zhong-pass');
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
  await page.fill('input[name=password]', 'pw-locked-out-pass');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  check('… and then the right one is refused too', new URL(page.url()).pathname === '/signin' &&
    (await page.locator('.msg.err').innerText()).includes('账号已锁定'));
  await context.close();
}

await runSteps([signInPage, streetOffice, everyRole, clerkImports, otherStreet, discipline, lockout, streetReturns,
  queueWithoutDeadline, dispatchToHolder, bulletinWayBack]);
