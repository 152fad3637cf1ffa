// board.test.mjs — the wall board in a real browser (Debian's chromium,
// driven by playwright-core), against the services that
// tests/integration/test_web_board.sh started and filled. The campaign
// office's screen at 1920×1080: each unit's overdue orders and open alerts
// equal PostgreSQL's counts of what it may see, the lists as long as the
// counts, large type, each open alert with the deadline it climbed; then a
// new order is filed and made overdue and the screen shows it without being
// reloaded. On a phone (390×844): the same
// board, nothing scrolling sideways. The ranking tables below it at 390 and
// 1280 px: no cell broken onto a second line (the box scrolls sideways
// instead). Screenshots of both, and of a ranking table on the phone.
//
// Environment (besides lib.mjs's): PG_CONNINFO (psql), OPEN311 (the POST
// URL), CLERK_KEY (a clerk's API token).
import { execFileSync } from 'node:child_process';
import { env, base, shots, PHONE, DESKTOP, check, signIn, runSteps } from './lib.mjs';

const sql = (q) => execFileSync('psql', [env('PG_CONNINFO'), '-XtAq', '-v', 'ON_ERROR_STOP=1', '-c', q],
  { encoding: 'utf8' }).trim();

// What the campaign office of 370212 may see, counted as the README says:
// open orders with an unmet, unpaused deadline of their current cycle past
// due on escalation's clock, for the deadline's unit (else the owner); open
// remind and supervise alerts, for the unit they are about. Never a
// complaint for discipline inspection. "code overdue alerts" per line.
const EXPECTED = `
  WITH od AS (
    SELECT DISTINCT c.id, coalesce(d.unit_id, (SELECT a.unit_id FROM assignments a WHERE a.complaint_id = c.id
                                                 AND a.active AND a.role = 'owner')) AS unit_id
      FROM complaints c JOIN deadlines d ON d.complaint_id = c.id AND d.cycle = c.cycle
     WHERE d.met_at IS NULL AND d.paused_at IS NULL AND d.due_at < esc_now()
       AND c.status IN ('dispatched', 'accepted', 'waiting') AND NOT complaint_for_discipline(c)
  ), al AS (
    SELECT a.unit_id FROM alerts a JOIN complaints c ON c.id = a.complaint_id
     WHERE a.acked_at IS NULL AND a.rung IN ('remind', 'supervise') AND NOT complaint_for_discipline(c)
  )
  SELECT u.code || ' ' || (SELECT count(*) FROM od WHERE od.unit_id = u.id)
                || ' ' || (SELECT count(*) FROM al WHERE al.unit_id = u.id)
    FROM units u WHERE u.kind = 'street' AND u.code LIKE '370212%' ORDER BY u.code`;

// The figures the page shows, "code overdue alerts" per street office's row.
const shown = (page) => page.$$eval('#board table.units tbody tr', (rows, streets) => rows
  .filter((r) => streets.includes(r.dataset.unit))
  .map((r) => `${r.dataset.unit} ${r.querySelector('.overdue').textContent} ${r.querySelector('.alerts').textContent}`)
  .sort().join('\n'), sql("SELECT string_agg(code, ',') FROM units WHERE kind = 'street' AND code LIKE '370212%'").split(','));

// Waits (a condition, checked as the page redraws itself) until the page
// shows what PostgreSQL counts; the last of both.
async function agrees(page, seconds = 20) {
  let want = '', got = '';
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    want = sql(EXPECTED);
    got = await shown(page);
    if (got === want) break;
    await page.waitForTimeout(500);
  }
  return { want, got };
}

async function wall(browser) {
  const { context, page } = await signIn(browser, 'chuangcheng', DESKTOP);
  await page.goto(`${base}/?refresh=2`);
  await page.waitForFunction(() => document.querySelector('#board .updated').textContent.startsWith('更新于'));
  const updated = await page.locator('#board .updated').innerText();
  check(`the board says when it was read (${updated})`, /^更新于 \d\d:\d\d:\d\d/.test(updated));
  let { want, got } = await agrees(page);
  check('every street\'s overdue orders and open alerts equal PostgreSQL\'s counts', got === want && want !== '',
    `page:\n${got}\nPostgreSQL:\n${want}`);
  check('… some of them not 0', /\s[1-9]/.test(got));
  const total = await page.locator('#board .total.overdue b').innerText();
  const listed = await page.locator('#board table.overdue tbody tr').count();
  check(`the overdue list is as long as the total (${listed}, ${total})`, String(listed) === total);
  const board = await page.locator('#board').innerText();
  check('rungs in Chinese, no codes', /督办/.test(board) && !/remind|supervise|env\.garbage/.test(board));
  // Which deadline each open alert climbed: an order late to be accepted and then to be resolved
  // has a 督办 of each, two rows alike (rung, ticket, unit, time, category) before.
  const heads = await page.$$eval('#board table.alerts thead th', (ths) => ths.map((th) => th.textContent));
  const kinds = await page.$$eval('#board table.alerts tbody tr', (rows, i) => rows.map((r) =>
    (r.cells[i] || r.cells[0]).textContent), heads.indexOf('时限'));
  check('each open alert names the deadline it climbed (签收: every order here is late to be accepted)',
    heads.includes('时限') && kinds.length > 0 && kinds.every((k) => k === '签收'), `${heads.join(' ')}: ${kinds.join(' ')}`);
  const size = await page.$eval('#board table.units td', (td) => parseFloat(getComputedStyle(td).fontSize));
  check(`large type on a wall screen (${size} px)`, size >= 20);
  await page.screenshot({ path: `${shots}/board-desktop.png` });

  await page.evaluate(() => { window.notReloaded = true; });
  const before = Number(await page.locator('#board tr[data-unit="370212001"] .overdue').innerText());
  const form = new URLSearchParams({ api_key: env('CLERK_KEY'), service_code: 'env.garbage',
    description: '海尔路182号垃圾无人清运', address_string: '崂山区中韩街道海尔路182号' });
  const filed = await (await fetch(env('OPEN311'), { method: 'POST', body: form })).json();
  const ticket = filed[0].service_request_id;
  for (const end = Date.now() + 30000; Date.now() < end && sql(`SELECT status FROM complaints WHERE ticket_no = '${ticket}'`) === 'new';)
    await page.waitForTimeout(200);
  sql(`UPDATE esc_clock SET offset_seconds = (SELECT extract(epoch FROM d.due_at - now())::int + 30 FROM deadlines d
       JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = '${ticket}' AND d.kind = 'accept')`);
  await page.waitForFunction((t) => document.querySelector('#board table.overdue').textContent.includes(t),
    ticket, { timeout: 20000 });
  const after = Number(await page.locator('#board tr[data-unit="370212001"] .overdue').innerText());
  check(`a new overdue order appears by itself (中韩 ${before} → ${after}), the page not reloaded`,
    after === before + 1 && await page.evaluate(() => window.notReloaded === true));
  ({ want, got } = await agrees(page));
  check('… and the figures still equal PostgreSQL\'s', got === want, `page:\n${got}\nPostgreSQL:\n${want}`);

  // A read that fails is said in Chinese, the last figures kept: before, the network's failure read
  // 更新失败（Failed to fetch）, the browser's English, and a proxy's 502 服务器应答 502.
  const failed = (text) => page.waitForFunction((t) => {
    const said = document.querySelector('#board .updated');
    return said.classList.contains('stale') && said.textContent.includes(t);
  }, text, { timeout: 20000 }).then(() => true, () => false);
  await page.route('**/api/board', (r) => r.abort('failed'));
  check('the network failing, the board says so in Chinese and keeps the last figures',
    await failed('更新失败（连不上报表服务，请检查网络），仍显示上次数据'));
  check('… its figures still there', (await shown(page)) === got);
  await page.unroute('**/api/board');
  await page.route('**/api/board', (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502</h1>' }));
  check('a proxy answering 502, the board says the service is not reachable for now',
    await failed('更新失败（报表服务暂时不可用，HTTP 502）'));
  await page.unroute('**/api/board');
  const again = await page.waitForFunction(() => document.querySelector('#board .updated').textContent.startsWith('更新于'),
    null, { timeout: 20000 }).then(() => true, () => false);
  check('… and it reads again by itself once the service answers', again);
  await context.close();
}

// The cells of the dashboard's ranking tables that break onto a second line
// (a unit's name one character a line, at a phone's width, before): their texts.
const wrappedRankings = (page) => page.$$eval('table.ranking th, table.ranking td', (cells) => cells
  .filter((c) => {
    const range = document.createRange();
    range.selectNodeContents(c);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
  }).map((c) => c.textContent));

async function rankings(page, size) {
  const wrapped = await wrappedRankings(page);
  const rows = await page.locator('table.ranking tr').count();
  check(`at ${size} the ranking tables' ${rows} rows have every cell on one line` +
    `${wrapped.length ? ` (wrapped: ${wrapped.slice(0, 3).join('、')}…)` : ''}`, rows > 2 && wrapped.length === 0);
}

async function desktop(browser) {
  const { context, page } = await signIn(browser, 'chuangcheng', { width: 1280, height: 900 });
  await page.goto(`${base}/`);
  await rankings(page, '1280 px');
  await context.close();
}

async function phone(browser) {
  const { context, page } = await signIn(browser, 'chuangcheng', PHONE);
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.querySelector('#board .updated').textContent.startsWith('更新于'));
  const { want, got } = await agrees(page);
  check('on a phone the same figures', got === want, `page:\n${got}\nPostgreSQL:\n${want}`);
  const [width, inner] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  check(`nothing scrolls sideways on a phone (${width} <= ${inner})`, width <= inner);
  const right = await page.$eval('#board table.units', (t) => t.getBoundingClientRect().right);
  check(`the counts by unit fit a phone's width, no column hidden (${right} <= ${inner})`, right <= inner);
  await rankings(page, '390 px');
  await page.locator('.wide:has(table.ranking)').first().screenshot({ path: `${shots}/ranking-phone.png` });
  await page.locator('#board').screenshot({ path: `${shots}/board-phone.png` });
  await context.close();
}

await runSteps([wall, desktop, phone]);
