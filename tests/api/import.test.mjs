// import.test.mjs - POST /api/v1/cases/import: the county's rectification list
// (三单一台账) registered in bulk from CSV.  A dry run reports row by row in
// Chinese and keeps nothing; a commit registers every row or none (unless
// skipInvalid), each case through the engine, scoped and audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql, DENGTA_CODE, DATANG_CODE, assertCountsExact } from './lib.mjs';

let srv, staff, dengta;
before(async () => {
  srv = await startServer();
  [staff, dengta] = await Promise.all([login(srv.url, 'staff'), login(srv.url, 'dengta')]);
});
after(async () => { if (srv) await srv.stop(); });

const HEAD = '来源清单编号,区划代码,标题,内容,类别,整改时限,问题描述';
const GOOD = [
  `XC-01,${DENGTA_CODE},村务公开不及时,县委巡察组反馈：村务公开栏未按期更新,巡视巡察,2030-12-31,村务公开栏未按期更新`,
  `XC-02,${DATANG_CODE},"集体资金管理不规范，审批不全",县委巡察组反馈：集体资金支出审批手续不全,inspection,2030-12-20,支出审批手续不全`,
];
const csv = (rows, head = HEAD) => new TextEncoder().encode(`\ufeff${[head, ...rows].join('\r\n')}\r\n`);
const post = (c, body, q = '') => c.post(`/api/v1/cases/import?type=rectification${q}`, body, { 'content-type': 'text/csv' });
const rectCount = () => sql(srv.db, "SELECT count(*) AS n FROM cases WHERE type = 'rectification'")[0].n;

test('import-1.1 a dry run reports every row and keeps nothing', async () => {
  const before = rectCount();
  const r = await post(staff, csv([...GOOD, `XC-03,999999999999,坏的区划,内容,巡视巡察,2030-01-01,问题`, '', `XC-04,${DENGTA_CODE},日期错,内容,巡视巡察,2030-13-01,问题`, `XC-05,${DENGTA_CODE},,没有标题,巡视巡察,2030-01-01,问题`]));
  expectStatus(r, 200);
  assert.deepEqual([r.body.rows, r.body.valid, r.body.invalid, r.body.committed], [5, 2, 3, false]);
  assert.deepEqual(r.body.problems.map((p) => [p.row, p.column]), [[4, '区划代码'], [6, '整改时限'], [7, '标题']]);
  assert.match(r.body.problems[0].message, /区划代码不存在/);
  assert.match(r.body.problems[1].message, /YYYY-MM-DD/);
  assert.match(r.body.problems[2].message, /标题/);
  assert.equal(rectCount(), before, 'nothing kept');
});

test('import-1.2 a commit with a bad row keeps nothing; fixed, it registers every row through the engine', async () => {
  const before = rectCount();
  const bad = await post(staff, csv([...GOOD, `XC-03,${DENGTA_CODE},时限错,内容,巡视巡察,明年,问题`]), '&commit=1');
  expectStatus(bad, 400);
  assert.equal(bad.body.error.code, 'invalid_input');
  assert.match(bad.body.error.message, /未导入任何一行/);
  assert.equal(bad.body.problems.length, 1);
  assert.equal(rectCount(), before);
  const ok = await post(staff, csv(GOOD), '&commit=1');
  expectStatus(ok, 201);
  assert.deepEqual([ok.body.valid, ok.body.committed, ok.body.created.length], [2, true, 2]);
  assert.equal(rectCount(), before + 2);
  const k = (await staff.get(`/api/v1/cases/${ok.body.created[1].id}`)).body;
  assert.equal(k.serial, ok.body.created[1].serial);
  assert.match(k.serial, /^羊市改〔\d{4}〕\d+号$/);
  assert.equal(k.title, '集体资金管理不规范，审批不全', 'a quoted cell with a comma');
  assert.equal(k.category, 'inspection');
  assert.equal(k.state.code, 'listed');
  assert.deepEqual([k.fields.source_ref, k.fields.deadline, k.fields.problem], ['XC-02', '2030-12-20', '支出审批手续不全']);
  // the deadline given in the list is the clock's when the item is assigned
  const a = await staff.post(`/api/v1/cases/${k.id}/actions/assign`, { assigneeId: dengta.me.id, fields: { task: '完善审批手续', responsible: dengta.me.id } }, { 'if-match': `"v${k.version}"` });
  expectStatus(a, 200);
  assert.equal(a.body.clocks.find((x) => x.code === 'rectify').dueAt, '2030-12-20T23:59:59+08:00');
  const au = sql(srv.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'import'")[0].n;
  assert.equal(au, 1, 'the committed import is audited once (and each case on its own)');
});

test('import-1.3 skipInvalid keeps the valid rows; scope: a village cadre cannot import for another village', async () => {
  const before = rectCount();
  const r = await post(staff, csv([GOOD[0], `XC-09,${DENGTA_CODE},未知类别,内容,不存在的类别,2030-01-01,问题`]), '&commit=1&skipInvalid=1');
  expectStatus(r, 201);
  assert.deepEqual([r.body.valid, r.body.invalid], [1, 1]);
  assert.equal(rectCount(), before + 1);
  const d = await post(dengta, csv([GOOD[1]]), '&commit=1');
  expectStatus(d, 400);
  assert.equal(d.body.problems[0].column, '区划代码');
  assert.match(d.body.problems[0].message, /管辖范围/);
  assert.equal(rectCount(), before + 1);
});

test('import-1.4 a bad file: unknown column, missing columns, no rows, not UTF-8, unknown type, no body', async () => {
  expectError(await post(staff, csv(GOOD, `${HEAD},备注`)), 400, 'invalid_input', 'file');
  expectError(await post(staff, csv([], '区划代码,标题')), 400, 'invalid_input', 'file');
  expectError(await post(staff, csv([])), 400, 'invalid_input', 'file');
  expectError(await post(staff, new Uint8Array([0xc4, 0xe3, 0xba, 0xc3, 0x0a])), 400, 'invalid_utf8', 'file');
  expectError(await staff.post('/api/v1/cases/import?type=nosuch', csv(GOOD), { 'content-type': 'text/csv' }), 400, 'invalid_input', 'type');
  expectError(await staff.post('/api/v1/cases/import?type=rectification', undefined), 400, 'invalid_input', 'file');
  // a commit in which no row is valid keeps nothing and says so
  const none = await post(staff, csv([`XC-10,999999999999,坏区划,内容,巡视巡察,2030-01-01,问题`]), '&commit=1&skipInvalid=1');
  expectStatus(none, 400);
  assert.match(none.body.error.message, /没有可导入的行/);
  const assist = await login(srv.url, 'assist');
  expectError(await post(assist, csv(GOOD)), 403, 'forbidden');
});

test('import-2.1 the indicators\' counters after cases imported from a department\'s sheet: equal to a recount, and every counted indicator equal from either', () => {
  assertCountsExact(srv.db);
});
