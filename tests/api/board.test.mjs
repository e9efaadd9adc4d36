// board.test.mjs - GET /api/v1/cases/overdue-board (open, yellow, red and the
// oldest overdue in days per village and township, per case type, in scope),
// my to-do list GET /api/v1/cases?mine=1 (open cases assigned to me, nearest
// running deadline first, cases without a running clock last, paged) and the
// list's from/to filter on the registration date (Asia/Shanghai, `to` included).
// Deadlines and registration times are set in the test database (test data).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectStatus, expectError, areaTree, children, sqlExec, DENGTA_CODE, DATANG_CODE, TOWNSHIP_CODE } from './lib.mjs';

const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);
let srv, staff, leader, dengta, datang, admin, tree;
const K = {};

async function create(type, areaId, title, extra = {}) {
  const r = await staff.post('/api/v1/cases', { type, title, content: `${title}：情况`, areaId, ...extra });
  expectStatus(r, 201, `create ${title}:`);
  return r.body;
}

async function act(c, kase, action, body) {
  const g = await c.get(`/api/v1/cases/${kase.id}`);
  const r = await c.post(`/api/v1/cases/${kase.id}/actions/${action}`, body, { 'if-match': g.headers.get('etag') });
  expectStatus(r, 200, `${action}:`);
  return r.body;
}

// A supervision case of area areaId assigned to user, its task clock due at `due` (warning 2 days before).
async function supervision(areaId, title, user, due) {
  const k = await create('supervision', areaId, title);
  const a = await act(staff, k, 'assign', { assigneeId: user.me.id, fields: { requirement: '按期完成', deadline: '2026-12-31' } });
  sqlExec(srv.db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${due - 2 * DAY} WHERE case_id = ${a.id}`);
  return a;
}

before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, admin] = await Promise.all(['staff', 'leader', 'dengta', 'datang', 'admin'].map((u) => login(srv.url, u)));
  tree = await areaTree(admin);
  const dt = tree.villages.get(DENGTA_CODE).id, dg = tree.villages.get(DATANG_CODE).id;
  const grid = (await children(admin, dt)).find((a) => a.level === 'grid');
  const t = now();
  K.red = await supervision(dt, '灯塔村超期督办', dengta, t - 5 * DAY - 600);        // red, 5 days
  K.yellow = await supervision(dt, '灯塔村临期督办', dengta, t + DAY);               // yellow
  K.green = await supervision(dt, '灯塔村正常督办', dengta, t + 3 * DAY);            // green
  K.noclock = await supervision(dt, '灯塔村暂无计时督办', dengta, t + 10 * DAY);
  sqlExec(srv.db, `UPDATE case_clocks SET stopped_at = ${t} WHERE case_id = ${K.noclock.id}`); // no running clock
  K.gridCase = await create('dispute', grid.id, '网格内邻里纠纷');                  // open, no clock: counts for 灯塔村
  K.datangRed = await supervision(dg, '大淌村超期督办', datang, t - 2 * DAY - 60);  // red, 2 days
  K.town = await create('dispute', tree.township.id, '镇本级纠纷');                  // the township row
  K.closed = await supervision(dt, '灯塔村已撤销督办', dengta, t - 9 * DAY);
  await act(leader, K.closed, 'cancel', { fields: { cancel_reason: '重复立项' } });
});

after(async () => { if (srv) await srv.stop(); });

const row = (b, code) => b.items.find((x) => x.area.code === code);
const nums = (x) => [x.open, x.yellow, x.red, x.oldestOverdueDays];

test('board-1.1 the leader sees the township and every village, with counts from the cases made', async () => {
  const r = await leader.get('/api/v1/cases/overdue-board');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.map((x) => x.area.code), [TOWNSHIP_CODE, ...[...tree.villages.keys()].sort()]);
  assert.deepEqual(nums(row(r.body, DENGTA_CODE)), [5, 1, 1, 5]);
  assert.deepEqual(nums(row(r.body, DATANG_CODE)), [1, 0, 1, 2]);
  assert.deepEqual(nums(row(r.body, TOWNSHIP_CODE)), [1, 0, 0, null]);
  assert.deepEqual(nums(row(r.body, '500236126202')), [0, 0, 0, null]);
  assert.deepEqual(nums(r.body.totals), [7, 1, 2, 5]);
  const dt = row(r.body, DENGTA_CODE);
  assert.equal(dt.area.name, '灯塔村');
  assert.equal(dt.area.level, 'village');
  assert.deepEqual(dt.byType.map((x) => [x.type, x.typeName, ...nums(x)]), [
    ['dispute', '矛盾纠纷', 1, 0, 0, null],
    ['supervision', '督办', 4, 1, 1, 5],
  ].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
});

test('board-1.2 the board\'s red number is the list\'s overdue filter for that village', async () => {
  const dt = tree.villages.get(DENGTA_CODE).id;
  const list = await leader.get(`/api/v1/cases?areaId=${dt}&overdue=1&pageSize=200`);
  expectStatus(list, 200);
  assert.deepEqual(list.body.items.map((k) => k.id), [K.red.id]);
});

test('board-1.3 a village cadre sees only their village; areaId narrows; out of scope is 404', async () => {
  const r = await dengta.get('/api/v1/cases/overdue-board');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.map((x) => x.area.code), [DENGTA_CODE]);
  assert.deepEqual(nums(r.body.totals), [5, 1, 1, 5]);
  assert.ok(!r.text.includes('大淌村'));
  const one = await leader.get(`/api/v1/cases/overdue-board?areaId=${tree.villages.get(DATANG_CODE).id}`);
  expectStatus(one, 200);
  assert.deepEqual(one.body.items.map((x) => x.area.code), [DATANG_CODE]);
  expectError(await dengta.get(`/api/v1/cases/overdue-board?areaId=${tree.villages.get(DATANG_CODE).id}`), 404, 'not_found');
  expectError(await (await login(srv.url, 'auditor')).get('/api/v1/cases/overdue-board'), 403, 'forbidden');
});

test('list-1.1 mine=1: my open cases, nearest running deadline first, no running clock last, paged', async () => {
  const r = await dengta.get('/api/v1/cases?mine=1');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.map((k) => k.title), ['灯塔村超期督办', '灯塔村临期督办', '灯塔村正常督办', '灯塔村暂无计时督办']);
  assert.equal(r.body.pager.total, 4);
  const p2 = await dengta.get('/api/v1/cases?mine=1&pageSize=2&page=2');
  assert.deepEqual(p2.body.items.map((k) => k.id), [K.green.id, K.noclock.id]);
  assert.equal(p2.body.pager.pageCount, 2);
  const d = await datang.get('/api/v1/cases?mine=1');
  assert.deepEqual(d.body.items.map((k) => k.id), [K.datangRed.id]);
  const l = await leader.get('/api/v1/cases?mine=1');
  assert.equal(l.body.pager.total, 0);
  expectError(await dengta.get('/api/v1/cases?mine=x'), 400, 'invalid_input', 'mine');
  // every open case in scope, by deadline (the console's 我的待办 without "only mine"): closed ones absent
  const all = await leader.get('/api/v1/cases?open=1&sort=deadline&pageSize=200');
  expectStatus(all, 200);
  assert.deepEqual(all.body.items.slice(0, 4).map((k) => k.id), [K.red.id, K.datangRed.id, K.yellow.id, K.green.id]);
  assert.ok(!all.body.items.some((k) => k.id === K.closed.id));
  assert.equal(all.body.pager.total, 7);
  expectError(await leader.get('/api/v1/cases?sort=oldest'), 400, 'invalid_input', 'sort');
});

test('list-1.2 from/to filter the registration date in Asia/Shanghai, the to day included', async () => {
  // 2026-03-01 10:00, 2026-03-02 23:30 and 2026-03-03 00:10 local time (UTC+8)
  const at = (s) => Date.parse(s) / 1000;
  const a = await create('dispute', tree.villages.get(DENGTA_CODE).id, '三月一日登记');
  const b = await create('dispute', tree.villages.get(DENGTA_CODE).id, '三月二日深夜登记');
  const c = await create('dispute', tree.villages.get(DENGTA_CODE).id, '三月三日凌晨登记');
  sqlExec(srv.db, `UPDATE cases SET created_at = ${at('2026-03-01T10:00:00+08:00')} WHERE id = ${a.id}`);
  sqlExec(srv.db, `UPDATE cases SET created_at = ${at('2026-03-02T23:30:00+08:00')} WHERE id = ${b.id}`);
  sqlExec(srv.db, `UPDATE cases SET created_at = ${at('2026-03-03T00:10:00+08:00')} WHERE id = ${c.id}`);
  const ids = async (q) => {
    const r = await leader.get(`/api/v1/cases?pageSize=200&${q}`);
    expectStatus(r, 200, q);
    return r.body.items.map((k) => k.id).sort((x, y) => x - y);
  };
  assert.deepEqual(await ids('from=2026-03-01&to=2026-03-02'), [a.id, b.id]);
  assert.deepEqual(await ids('from=2026-03-02&to=2026-03-03'), [b.id, c.id]);
  assert.deepEqual(await ids('from=2026-03-03&to=2026-03-03'), [c.id]);
  assert.deepEqual(await ids('to=2026-03-02'), [a.id, b.id]);
  const fromC = await ids('from=2026-03-03');
  assert.ok(fromC.includes(c.id) && !fromC.includes(a.id) && !fromC.includes(b.id));
  expectError(await leader.get('/api/v1/cases?from=2026-02-30'), 400, 'invalid_input', 'from');
  expectError(await leader.get('/api/v1/cases?from=2026-03-03&to=2026-03-01'), 400, 'invalid_input', 'to');
});
