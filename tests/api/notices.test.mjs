// notices.test.mjs - public notices (公示, docs/notices.md): a 低保 notice built
// from the demo's 2018 payments, published for a window, listed on the portal
// only inside it, its stored page and hash unchanged when the records change
// afterwards, objections becoming cases inside the window and refused outside,
// scope (a village cadre only for their own village), bad input refused with
// nothing stored, and the audit of publish and close.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql, sqlExec, DENGTA_CODE, DATANG_CODE } from './lib.mjs';

let srv, cfgDir, staff, dengta, auditor, dengtaId, datangId;
let ipSeq = 0;
const newIp = () => { ipSeq++; return `10.19.${ipSeq >> 8}.${ipSeq & 255}`; };
let phoneSeq = 0;
const newPhone = () => `1380019${String(++phoneSeq).padStart(4, '0')}`;

// Today and n days from today as Asia/Shanghai dates (the server's notion of a window day).
const shDate = (days = 0) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
const count = (q) => sql(srv.db, q)[0].n;
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

before(async () => {
  cfgDir = mkdtempSync(path.join(tmpdir(), 'zhenwu-notices-'));
  const cfg = path.join(cfgDir, 'zhenwu.conf');
  writeFileSync(cfg, 'trust_proxy = 1\n');
  // the scanner every second: it closes notices whose window has ended (notices-1.8)
  srv = await startServer({ demoCases: true, extraArgs: ['--config', cfg, '--reminder-interval', '1'] });
  [staff, dengta, auditor] = await Promise.all(['staff', 'dengta', 'auditor'].map((u) => login(srv.url, u)));
  dengtaId = sql(srv.db, `SELECT id FROM areas WHERE code = '${DENGTA_CODE}'`)[0].id;
  datangId = sql(srv.db, `SELECT id FROM areas WHERE code = '${DATANG_CODE}'`)[0].id;
});

after(async () => {
  if (srv) await srv.stop();
  if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
});

const pub = () => new Client(srv.url);
const object = (id, body, ip = newIp()) => pub().post(`/api/v1/portal/notices/${id}/objections`, body, { 'x-real-ip': ip });
const dibao = (village, period = '2018-06', extra = {}) => ({ kind: 'dibao', villageId: village, period, ...extra });

// The 低保 households of a village in a month, as the ledger has them.
function dibaoLedger(village, period) {
  return sql(srv.db, `SELECT p.household_id AS hid, hp.name AS name, p.persons AS persons, p.amount_fen AS fen
    FROM payments p JOIN households h ON h.id = p.household_id JOIN persons hp ON hp.id = h.head_person_id
    WHERE p.programme = 'dibao' AND p.village_id = ${village} AND p.period = '${period}' ORDER BY p.household_id`);
}

test('notices-1.1 kinds: four kinds, the 低保 window 7 days by default', async () => {
  const r = await staff.get('/api/v1/notices/kinds');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.map((k) => k.code), ['dibao', 'monitoring', 'payments', 'funds']);
  const d = r.body.items.find((k) => k.code === 'dibao');
  assert.equal(d.days, 7);
  assert.ok(!d.columns.includes('id_number') && d.columns.includes('name_full'));
});

test('notices-1.2 a 低保 notice from the 2018 payments: draft, publish, portal in its window, hash kept', async () => {
  const ledger = dibaoLedger(dengtaId, '2018-06');
  assert.ok(ledger.length >= 5, `demo has 灯塔村 低保 households: ${ledger.length}`);
  const pv = await staff.post('/api/v1/notices/preview', dibao(dengtaId));
  expectStatus(pv, 200);
  assert.equal(pv.body.count, ledger.length);
  assert.equal(count('SELECT count(*) AS n FROM notices'), 0, 'a preview stores nothing');

  const c = await staff.post('/api/v1/notices', dibao(dengtaId));
  expectStatus(c, 201);
  const id = c.body.id;
  assert.equal(c.body.status.code, 'draft');
  assert.equal(c.body.rows, ledger.length);
  assert.equal(c.body.title, '灯塔村2018年6月低保对象公示');
  // a draft is not public
  expectError(await pub().get(`/api/v1/portal/notices/${id}`), 404, 'not_found');

  const p = await staff.post(`/api/v1/notices/${id}/publish`, {});
  expectStatus(p, 200);
  assert.equal(p.body.status.code, 'published');
  assert.equal(p.body.windowStart, shDate(0));
  assert.equal(p.body.windowEnd, shDate(6), '7 days, both ends included');
  const page = p.body.page;
  assert.equal(p.body.sha256, sha256(page));
  // names in full (the 低保 rule), persons and amounts; the totals line
  for (const l of ledger) {
    assert.ok(page.includes(`<td>${l.name}</td>`), `full name ${l.name} on the 低保 notice`);
    assert.ok(page.includes(`${Math.floor(l.fen / 100)}.${String(l.fen % 100).padStart(2, '0')}`), `amount of ${l.name}`);
  }
  const total = ledger.reduce((s, l) => s + l.fen, 0);
  assert.ok(page.includes(`共${ledger.length}户${ledger.reduce((s, l) => s + l.persons, 0)}人`));
  assert.ok(page.includes(`合计${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}元`));

  // the portal lists it for the village, and shows the stored page and hash
  const list = await pub().get(`/api/v1/portal/notices?villageId=${dengtaId}`);
  expectStatus(list, 200);
  assert.deepEqual(list.body.items.map((n) => n.id), [id]);
  const other = await pub().get(`/api/v1/portal/notices?villageId=${datangId}`);
  assert.deepEqual(other.body.items, []);
  const one = await pub().get(`/api/v1/portal/notices/${id}`);
  expectStatus(one, 200);
  assert.equal(one.body.sha256, p.body.sha256);
  assert.equal(one.body.rowsData, undefined, 'the public JSON carries no rows');
  assert.equal(one.body.html, `/api/v1/portal/notices/${id}/html`);
  const html = await pub().get(`/api/v1/portal/notices/${id}/html`);
  expectStatus(html, 200);
  assert.equal(html.text, page);
  assert.equal(html.headers.get('x-notice-sha256'), p.body.sha256);
  const pdf = await pub().bytes(`/api/v1/portal/notices/${id}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');

  // the records change afterwards: the published text and hash do not
  const head = ledger[0];
  sqlExec(srv.db, `UPDATE persons SET name = '改名后' WHERE id = (SELECT head_person_id FROM households WHERE id = ${head.hid})`);
  sqlExec(srv.db, `UPDATE payments SET amount_fen = amount_fen + 100 WHERE programme = 'dibao' AND village_id = ${dengtaId} AND period = '2018-06'`);
  const again = await staff.get(`/api/v1/notices/${id}`);
  assert.equal(again.body.page, page);
  assert.equal(again.body.sha256, p.body.sha256);
  assert.equal((await pub().get(`/api/v1/portal/notices/${id}/html`)).text, page);
  assert.ok(!page.includes('改名后'));
  // published once: a second publish is refused, nothing changes
  expectError(await staff.post(`/api/v1/notices/${id}/publish`, {}), 409, 'invalid_transition');
  assert.equal(sql(srv.db, `SELECT sha256 FROM notices WHERE id = ${id}`)[0].sha256, p.body.sha256);
  // restore the ledger for the other tests
  sqlExec(srv.db, `UPDATE persons SET name = '${head.name}' WHERE id = (SELECT head_person_id FROM households WHERE id = ${head.hid})`);
  sqlExec(srv.db, `UPDATE payments SET amount_fen = amount_fen - 100 WHERE programme = 'dibao' AND village_id = ${dengtaId} AND period = '2018-06'`);

  // publishing is audited with the hash and the window
  const audit = sql(srv.db, `SELECT action, after_json FROM audit_log WHERE entity = 'notice' AND entity_id = '${id}' ORDER BY id`);
  assert.deepEqual(audit.map((a) => a.action), ['create', 'publish']);
  assert.equal(JSON.parse(audit[1].after_json).sha256, p.body.sha256);
});

test('notices-1.3 objections: a case inside the window, visible on the notice; refused outside', async () => {
  const c = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-07'));
  expectStatus(c, 201);
  const id = c.body.id;
  // before publishing: not found for the public, nothing stored
  expectError(await object(id, { name: '李四', phone: newPhone(), content: '名单中有人家庭条件很好' }), 404, 'not_found');
  expectStatus(await staff.post(`/api/v1/notices/${id}/publish`, {}), 200);
  const cases0 = count(`SELECT count(*) AS n FROM cases WHERE type = 'objection'`);
  const objectorPhone = newPhone();
  const r = await object(id, { name: '李四', phone: objectorPhone, content: '名单中有人家庭条件很好，不应享受低保' });
  expectStatus(r, 201);
  assert.match(r.body.serial, /异/);
  assert.match(r.body.trackingCode, /^[23456789A-Z]{10}$/);
  const k = sql(srv.db, `SELECT c.id, c.type, c.area_id, c.requester_name, c.title FROM cases c WHERE c.serial = '${r.body.serial}'`)[0];
  assert.equal(k.type, 'objection');
  assert.equal(k.area_id, dengtaId);
  assert.equal(k.requester_name, '李四');
  assert.match(k.title, /灯塔村2018年7月低保对象公示/);
  assert.equal(count(`SELECT count(*) AS n FROM cases WHERE type = 'objection'`), cases0 + 1);
  // the console shows it on the notice with its serial; the case opens for the staff
  const d = await staff.get(`/api/v1/notices/${id}`);
  assert.deepEqual(d.body.objectionList.map((o) => [o.caseId, o.serial]), [[k.id, r.body.serial]]);
  assert.equal(d.body.objectionList[0].requester, '李*');
  expectStatus(await staff.get(`/api/v1/cases/${k.id}`), 200);
  // not an Open311 request (it names 低保 households): not listed, not found by id, not a
  // service of the catalogue; the objector follows it with the tracking code and reads the answer
  const o311 = await pub().get('/open311/v2/requests.json');
  expectStatus(o311, 200);
  assert.ok(!o311.body.some((x) => x.service_request_id === String(k.id)), 'no objection in the Open311 list');
  assert.equal((await pub().get(`/open311/v2/requests/${k.id}.json`)).status, 404);
  assert.ok(!(await pub().get('/open311/v2/services.json')).body.some((x) => x.service_code === 'notice_objection'));
  assert.ok(!(await pub().get('/api/v1/portal/services')).body.items.some((x) => x.code === 'notice_objection'));
  expectError(await pub().post('/api/v1/portal/requests', { service: 'notice_objection', villageId: dengtaId, name: '李四', phone: newPhone(), content: '直接提交的公示异议不应受理' }), 400, 'invalid_input', 'service');
  const answer = '经核实，该户收入低于保障标准，异议不成立。';
  for (const [code, body] of [['verify', {}], ['dismiss', { fields: { verification: '入户核实收入', answer } }]]) {
    const kase = (await staff.get(`/api/v1/cases/${k.id}`)).body;
    expectStatus(await staff.post(`/api/v1/cases/${k.id}/actions/${code}`, body, { 'if-match': `"v${kase.version}"` }), 200, code);
  }
  const t = await pub().post('/api/v1/portal/track', { code: r.body.trackingCode, phoneLast4: objectorPhone.slice(-4) });
  expectStatus(t, 200);
  assert.equal(t.body.answer.text, answer, 'the objector reads the answer');
  // bad objection input: 400, nothing stored
  expectError(await object(id, { name: '李四', phone: '12', content: '名单中有人家庭条件很好' }), 400, 'invalid_input', 'phone');
  expectError(await object(id, { name: '李四', phone: newPhone(), content: '短' }), 400, 'invalid_input', 'content');
  // the window has ended (moved back as if published 10 days ago): off the portal, refused
  sqlExec(srv.db, `UPDATE notices SET window_start = '${shDate(-10)}', window_end = '${shDate(-4)}' WHERE id = ${id}`);
  assert.ok(!(await pub().get(`/api/v1/portal/notices?villageId=${dengtaId}`)).body.items.some((n) => n.id === id));
  expectError(await pub().get(`/api/v1/portal/notices/${id}`), 404, 'not_found');
  const late = await object(id, { name: '王五', phone: newPhone(), content: '我对公示名单有异议' });
  expectError(late, 409, 'invalid_transition');
  assert.match(late.body.error.message, /不在公示期内/);
  assert.equal(count(`SELECT count(*) AS n FROM cases WHERE type = 'objection'`), cases0 + 1);
  assert.equal(count(`SELECT count(*) AS n FROM notice_objections WHERE notice_id = ${id}`), 1);
});

test('notices-1.4 a window in the future: not listed until it starts', async () => {
  const c = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-08'));
  const p = await staff.post(`/api/v1/notices/${c.body.id}/publish`, { start: shDate(2), end: shDate(8) });
  expectStatus(p, 200);
  assert.equal(p.body.windowStart, shDate(2));
  assert.ok(!(await pub().get('/api/v1/portal/notices')).body.items.some((n) => n.id === c.body.id));
  expectError(await object(c.body.id, { name: '赵六', phone: newPhone(), content: '公示还没开始我就有异议' }), 409, 'invalid_transition');
  sqlExec(srv.db, `UPDATE notices SET window_start = '${shDate(0)}' WHERE id = ${c.body.id}`);
  assert.ok((await pub().get('/api/v1/portal/notices')).body.items.some((n) => n.id === c.body.id));
});

test('notices-1.5 close: off the portal, audited, not again', async () => {
  const c = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-09'));
  const id = c.body.id;
  expectError(await staff.post(`/api/v1/notices/${id}/close`), 409, 'invalid_transition');
  expectStatus(await staff.post(`/api/v1/notices/${id}/publish`, {}), 200);
  const cl = await staff.post(`/api/v1/notices/${id}/close`);
  expectStatus(cl, 200);
  assert.equal(cl.body.status.code, 'closed');
  expectError(await pub().get(`/api/v1/portal/notices/${id}`), 404, 'not_found');
  expectError(await object(id, { name: '李四', phone: newPhone(), content: '名单中有人家庭条件很好' }), 409, 'invalid_transition');
  expectError(await staff.post(`/api/v1/notices/${id}/close`), 409, 'invalid_transition');
  const audit = sql(srv.db, `SELECT action FROM audit_log WHERE entity = 'notice' AND entity_id = '${id}' ORDER BY id`);
  assert.deepEqual(audit.map((a) => a.action), ['create', 'publish', 'close']);
  // a correction is a new notice naming the old one
  const fix = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-09', { replacesId: id, note: '本公示更正此前发布的名单。' }));
  expectStatus(fix, 201);
  assert.equal(fix.body.replacesId, id);
});

test('notices-1.6 scope: a village cadre publishes only for their own village', async () => {
  const n0 = count('SELECT count(*) AS n FROM notices');
  expectError(await dengta.post('/api/v1/notices', dibao(datangId)), 403, 'forbidden');
  expectError(await dengta.post('/api/v1/notices/preview', dibao(datangId)), 403, 'forbidden');
  assert.equal(count('SELECT count(*) AS n FROM notices'), n0);
  // the township's draft for 大淌村: invisible to 灯塔村's cadre, who cannot publish it
  const other = await staff.post('/api/v1/notices', dibao(datangId));
  expectStatus(other, 201);
  expectError(await dengta.get(`/api/v1/notices/${other.body.id}`), 404, 'not_found');
  expectError(await dengta.post(`/api/v1/notices/${other.body.id}/publish`, {}), 404, 'not_found');
  assert.equal(sql(srv.db, `SELECT status FROM notices WHERE id = ${other.body.id}`)[0].status, 'draft');
  const mine = (await dengta.get('/api/v1/notices?pageSize=100')).body.items;
  assert.ok(mine.length > 0 && mine.every((n) => n.village.id === dengtaId), 'the cadre lists only 灯塔村');
  // their own village: allowed
  const own = await dengta.post('/api/v1/notices', dibao(dengtaId, '2018-10'));
  expectStatus(own, 201);
  expectStatus(await dengta.post(`/api/v1/notices/${own.body.id}/publish`, {}), 200);
  // no notice right at all: the grid worker
  const grid = await login(srv.url, 'grid');
  expectError(await grid.get('/api/v1/notices'), 403, 'forbidden');
});

test('notices-1.7 bad input: 400 with the field, nothing stored', async () => {
  const n0 = count('SELECT count(*) AS n FROM notices');
  expectError(await staff.post('/api/v1/notices', { kind: 'salary', villageId: dengtaId, period: '2018-06' }), 400, 'invalid_input', 'kind');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2017-06')), 400, 'invalid_input', 'rows');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2018-13')), 400, 'invalid_input', 'period');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, null)), 400, 'invalid_input', 'period');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2018-06', { householdIds: [] })), 400, 'invalid_input', 'householdIds');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2018-06', { householdIds: [999999] })), 400, 'invalid_input', 'householdIds');
  expectError(await staff.post('/api/v1/notices', { kind: 'funds', villageId: dengtaId, rows: [] }), 400, 'invalid_input', 'rows');
  expectError(await staff.post('/api/v1/notices', { kind: 'funds', villageId: dengtaId, rows: [{ project: '道路硬化', amountFen: -5 }] }), 400, 'invalid_input', 'rows');
  expectError(await staff.post('/api/v1/notices', { kind: 'payments', villageId: dengtaId, period: '2018' }), 400, 'invalid_input', 'programme');
  expectError(await staff.post('/api/v1/notices', { ...dibao(dengtaId), idNumber: 'x' }), 400, 'unknown_field');
  assert.equal(count('SELECT count(*) AS n FROM notices'), n0);
  // a chosen subset of the records
  const ledger = dibaoLedger(dengtaId, '2018-11');
  const sub = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-11', { householdIds: [ledger[0].hid, ledger[1].hid] }));
  expectStatus(sub, 201);
  assert.equal(sub.body.rows, 2);
  // window end before start, a start in the past: 400, still a draft
  const id = sub.body.id;
  expectError(await staff.post(`/api/v1/notices/${id}/publish`, { start: shDate(3), end: shDate(1) }), 400, 'invalid_input', 'end');
  expectError(await staff.post(`/api/v1/notices/${id}/publish`, { start: shDate(-1) }), 400, 'invalid_input', 'start');
  expectError(await staff.post(`/api/v1/notices/${id}/publish`, { start: 'tomorrow' }), 400, 'invalid_input', 'start');
  // a window longer than 90 days
  const long = await staff.post(`/api/v1/notices/${id}/publish`, { start: shDate(0), end: shDate(90) });
  expectError(long, 400, 'invalid_input', 'end');
  assert.match(long.body.error.message, /90/);
  expectStatus(await staff.post(`/api/v1/notices/${id}/publish`, { start: shDate(1), end: shDate(90) }), 200); // 90 days: allowed
  const row = sql(srv.db, `SELECT status, sha256, html FROM notices WHERE id = ${sub.body.id}`)[0];
  assert.equal(row.status, 'published');
  // a correction must name a published notice the user may see: not a draft, not another village's, not a missing one
  const draft = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-05'));
  expectStatus(draft, 201);
  const datangNotice = await staff.post('/api/v1/notices', dibao(datangId, '2018-05'));
  expectStatus(await staff.post(`/api/v1/notices/${datangNotice.body.id}/publish`, {}), 200);
  const n1 = count('SELECT count(*) AS n FROM notices');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2018-05', { replacesId: draft.body.id })), 400, 'invalid_input', 'replacesId');
  expectError(await staff.post('/api/v1/notices', dibao(dengtaId, '2018-05', { replacesId: 999999 })), 400, 'invalid_input', 'replacesId');
  expectError(await dengta.post('/api/v1/notices', dibao(dengtaId, '2018-05', { replacesId: datangNotice.body.id })), 400, 'invalid_input', 'replacesId');
  assert.equal(count('SELECT count(*) AS n FROM notices'), n1);
  // list filters outside their lists
  expectError(await staff.get('/api/v1/notices?status=foo'), 400, 'invalid_input', 'status');
  expectError(await staff.get('/api/v1/notices?kind=salary'), 400, 'invalid_input', 'kind');
  expectError(await staff.get('/api/v1/notices?villageId=abc'), 400, 'invalid_input', 'villageId');
  const closedOnly = await staff.get('/api/v1/notices?status=closed&pageSize=100');
  expectStatus(closedOnly, 200);
  assert.ok(closedOnly.body.items.every((n) => n.status.code === 'closed'));
  // the server keeps serving
  expectStatus(await staff.get('/api/v1/notices/kinds'), 200);
});

test('notices-1.8 a notice closes by itself the day after its window, as the system, audited; its PDF is drawn once', async () => {
  const c = await staff.post('/api/v1/notices', dibao(dengtaId, '2018-10'));
  const id = c.body.id;
  expectStatus(await staff.post(`/api/v1/notices/${id}/publish`, {}), 200);
  // the same page: the same bytes, from the cache after the first drawing
  const a = await pub().bytes(`/api/v1/portal/notices/${id}/pdf`);
  const b = await pub().bytes(`/api/v1/portal/notices/${id}/pdf`);
  assert.equal(a.status, 200);
  assert.equal(a.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(a.bytes.equals(b.bytes), 'the same PDF twice');
  const staffPdf = await staff.bytes(`/api/v1/notices/${id}/pdf`);
  assert.ok(staffPdf.bytes.equals(a.bytes), 'the console prints the same page');
  // still open on its last day; a week on, the scanner closes it
  sqlExec(srv.db, `UPDATE notices SET window_start = '${shDate(-7)}', window_end = '${shDate(0)}' WHERE id = ${id}`);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await staff.get(`/api/v1/notices/${id}`)).body.status.code, 'published');
  sqlExec(srv.db, `UPDATE notices SET window_start = '${shDate(-8)}', window_end = '${shDate(-1)}' WHERE id = ${id}`);
  let st;
  for (let i = 0; i < 50; i++) {
    st = (await staff.get(`/api/v1/notices/${id}`)).body.status.code;
    if (st === 'closed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(st, 'closed');
  const row = sql(srv.db, `SELECT status, closed_by, closed_at FROM notices WHERE id = ${id}`)[0];
  assert.equal(row.closed_by, null, 'closed by the system, not a user');
  assert.ok(Number(row.closed_at) > 0);
  const audit = sql(srv.db, `SELECT action, username, user_id FROM audit_log WHERE entity = 'notice' AND entity_id = '${id}' ORDER BY id`);
  assert.deepEqual(audit.map((x) => [x.action, x.username, x.user_id]),
    [['create', 'staff', audit[0].user_id], ['publish', 'staff', audit[0].user_id], ['close', '(系统)', null]]);
  expectError(await pub().get(`/api/v1/portal/notices/${id}`), 404, 'not_found');
  expectError(await object(id, { name: '周八', phone: newPhone(), content: '公示期已过还想提异议' }), 409, 'invalid_transition');
});
