// tests/e2e/board.test.mjs - the leader's day with an overdue case: the bell
// in the header counts the reminder the scanner raised, the 通知 page links to
// the case, the 超期看板 shows the village's overdue case and a click on the
// number opens the case list filtered by that village and overdue, then the
// case.  Real `zhenwu serve` (--reminder-interval 1), Debian's chromium, axe on
// every page, screenshots under tests/out/e2e/.  The case's deadline is moved
// into the past in the test database (test data set-up).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { sqlExec } from '../api/lib.mjs';
import { launch, newPage, closePage, visit, settle, loginAs } from './browser.mjs';

let server, browser, base, leaderApi;
const kase = {};

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  return c;
}

before(async () => {
  server = await startServer({ extraArgs: ['--reminder-interval', '1'] });
  base = server.url;
  browser = await launch();
  const staff = await apiAs('staff');
  const dengta = await apiAs('dengta');
  leaderApi = await apiAs('leader');
  const me = (await dengta.get('/api/v1/me')).body;
  const s = await staff.get(`/api/v1/search?q=${encodeURIComponent('灯塔村')}`);
  const area = s.body.items.find((x) => x.entity === 'area' && x.title === '灯塔村');
  const c = await staff.post('/api/v1/cases', { type: 'supervision', title: '灯塔村人居环境整治督办', content: '限期清理河道垃圾。', areaId: area.id });
  assert.equal(c.status, 201, c.text);
  const a = await staff.post(`/api/v1/cases/${c.body.id}/actions/assign`, {
    assigneeId: me.id, fields: { requirement: '十日内清理完毕', deadline: '2026-12-31' },
  }, { 'if-match': c.headers.get('etag') });
  assert.equal(a.status, 200, a.text);
  Object.assign(kase, { id: a.body.id, serial: a.body.serial, areaId: area.id });
  const due = Math.floor(Date.now() / 1000) - 3 * 86400 - 600;
  sqlExec(server.db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${due - 2 * 86400} WHERE case_id = ${kase.id}`);
  // the scanner raises overdue + escalation levels 1 and 2 (after 1 and 3 days) for the leader
  for (let i = 0; ; i++) {
    const r = await leaderApi.get('/api/v1/notifications');
    if (r.body.unread >= 3) break;
    assert.ok(i < 80, `the reminders did not arrive: ${r.text}`);
    await new Promise((res) => setTimeout(res, 250));
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the leader sees the overdue case on the board and clicks through to it', async () => {
  const page = await newPage(browser);
  await loginAs(page, base, 'leader', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '超期看板' }).click();
  await page.locator('h1.page-title', { hasText: '超期看板' }).waitFor();
  const table = page.locator('[data-test="board-table"]');
  const row = table.locator('.el-table__body .el-table__row', { hasText: '灯塔村' });
  await row.waitFor();
  await settle(page);
  const api = (await leaderApi.get('/api/v1/cases/overdue-board')).body;
  const dt = api.items.find((x) => x.area.name === '灯塔村');
  assert.deepEqual([dt.open, dt.red, dt.oldestOverdueDays], [1, 1, 3]);
  const cells = (await row.locator('td').allInnerTexts()).map((s) => s.trim());
  assert.equal(cells[0], '灯塔村');
  assert.deepEqual(cells.slice(1, 5), ['1', '0', '1', '3']);
  assert.match(cells[5], /督办 1，超期 1/);
  // a village without cases shows zeros
  const other = (await table.locator('.el-table__body .el-table__row', { hasText: '楼门村' }).locator('td').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(other.slice(1, 5), ['0', '0', '0', '—']);
  await visit(page, 'board-leader');

  await page.locator(`[data-test="board-red-${api.items.find((x) => x.area.name === '灯塔村').area.code}"]`).click();
  await page.waitForURL((u) => new URL(u).pathname === '/cases');
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('areaId'), String(kase.areaId));
  assert.equal(q.get('overdue'), '1');
  const list = page.locator('[data-test="case-table"]');
  await list.locator('[data-test="case-serial"]', { hasText: kase.serial }).waitFor();
  await settle(page);
  assert.deepEqual((await list.locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()), [kase.serial]);
  await visit(page, 'board-case-list-overdue');
  await list.locator('[data-test="case-serial"]', { hasText: kase.serial }).click();
  await page.waitForURL(new RegExp(`/cases/${kase.id}$`));
  await page.locator('[data-test="case-clocks"]').waitFor();
  await visit(page, 'board-case');
  await closePage(page);
});

test('the bell shows the unread reminders; the 通知 page opens the case and marks it read', async () => {
  const before = (await leaderApi.get('/api/v1/notifications?pageSize=50')).body;
  assert.ok(before.unread >= 3);
  const page = await newPage(browser);
  await loginAs(page, base, 'leader', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  const badge = page.locator('[data-test="bell-count"] .el-badge__content');
  await badge.waitFor();
  assert.equal((await badge.innerText()).trim(), String(before.unread));
  await visit(page, 'bell-unread');
  await page.locator('[data-test="bell"]').click();
  await page.locator('h1.page-title', { hasText: '通知' }).waitFor();
  const overdue = before.items.find((n) => n.kind === 'overdue');
  const link = page.locator(`[data-test="note-${overdue.id}"]`);
  await link.waitFor();
  await settle(page);
  assert.equal((await link.innerText()).replace(/\s+/g, ''), `${overdue.title}${overdue.body}`.replace(/\s+/g, ''));
  assert.match(await link.innerText(), new RegExp(`办件 ${kase.serial.replace(/[()]/g, '\\$&')}「灯塔村人居环境整治督办」的“督办时限”已于`));
  await visit(page, 'notifications');
  await link.click();
  await page.waitForURL(new RegExp(`/cases/${kase.id}$`));
  await page.waitForFunction((n) => {
    const b = document.querySelector('[data-test="bell-count"] .el-badge__content');
    return b && b.textContent.trim() === String(n);
  }, before.unread - 1);
  const after = (await leaderApi.get('/api/v1/notifications?pageSize=50')).body;
  assert.equal(after.unread, before.unread - 1);
  assert.equal(after.items.find((n) => n.id === overdue.id).read, true);
  await closePage(page);
});
