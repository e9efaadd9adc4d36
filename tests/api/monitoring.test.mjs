// 防返贫 monitoring (docs/registry.md, DOMAIN.md section 4): the screening of the
// registry, alerts from the three ways in, the identification procedure run to
// the county decision (the household becomes monitored), the assistance plan,
// the elimination criteria and procedure, and scope.  Real server, real database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sql, sqlExec, elapseClock, DENGTA_CODE, DATANG_CODE } from './lib.mjs';
import { idnum } from '../lib/idnum.mjs';

let seq = 300;
const nextId = (birth = '19750101') => { seq += 2; return idnum(`500236${birth}${String(seq % 1000).padStart(3, '0')}`); };

// Dates in Asia/Shanghai as YYYY-MM-DD.
const ymd = (d) => d.toISOString().slice(0, 10);
const today = () => ymd(new Date(Date.now() + 8 * 3600e3));
// `months` calendar months before today, the day clamped to the month's end (as the server does).
function monthsBack(months, plusDays = 0) {
  const [y, m, d] = today().split('-').map(Number);
  let mm = m - months; let yy = y;
  while (mm < 1) { mm += 12; yy -= 1; }
  const last = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  const t = new Date(Date.UTC(yy, mm - 1, Math.min(d, last)) + plusDays * 86400e3);
  return ymd(t);
}

let srv, staff, leader, dengta, datang, assist, tree, dengtaArea;
before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, assist] = await Promise.all(
    ['staff', 'leader', 'dengta', 'datang', 'assist'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  assert.ok(tree.villages.get(DATANG_CODE));
});
after(async () => { if (srv) await srv.stop(); });

// A household in 灯塔村 with one working member (the head).
async function household(over = {}, labour = 'normal') {
  const r = await staff.post('/api/v1/households', { areaId: dengtaArea.id, address: '灯塔村二组3号', categories: ['tuopin'], ...over });
  expectStatus(r, 201, 'household');
  const p = await staff.post(`/api/v1/households/${r.body.id}/persons`, {
    name: `户主${seq}`, idNumber: nextId(), relation: 'head', labour, joinedOn: '2010-01-01',
  });
  expectStatus(p, 201, 'head');
  return { ...r.body, head: p.body };
}
const income = async (h, assessedOn, perPersonFen) => expectStatus(await staff.post(`/api/v1/households/${h.id}/incomes`,
  { assessedOn, wagesFen: perPersonFen, businessFen: 0, propertyFen: 0, transfersFen: 0, expensesFen: 0, members: 1 }), 201, 'income');
const alertsOf = async (h, c = staff) => {
  const r = await c.get(`/api/v1/monitoring/alerts?householdId=${h.id}`);
  expectStatus(r, 200);
  return r.body.items;
};

test('mon-1 screening: under the line, failed guarantee, sharp drop; equal to the line is not under; no repeats', async () => {
  const below = await household();
  await income(below, '2026-01-10', 599999);
  const equal = await household();
  await income(equal, '2026-01-10', 600000);
  const drop = await household();
  await income(drop, '2025-01-10', 1000000);
  await income(drop, '2026-01-10', 700000); // exactly 30 %: a sharp drop
  const small = await household();
  await income(small, '2025-01-10', 1000000);
  await income(small, '2026-01-10', 700001); // 29.9999 %: not one
  const housing = await household();
  expectStatus(await staff.post(`/api/v1/households/${housing.id}/guarantees`, { kind: 'housing', rating: 'C', checkedOn: '2026-03-01' }), 201);
  const fixed = await household(); // failed once, then passed: the newest check counts
  await staff.post(`/api/v1/households/${fixed.id}/guarantees`, { kind: 'housing', rating: 'D', checkedOn: '2025-03-01' });
  await staff.post(`/api/v1/households/${fixed.id}/guarantees`, { kind: 'housing', rating: 'A', checkedOn: '2026-03-01' });

  const r = await staff.post('/api/v1/monitoring/screen', {});
  expectStatus(r, 200);
  assert.ok(r.body.alerts >= 3 && r.body.households >= 3, JSON.stringify(r.body));

  const a1 = await alertsOf(below);
  assert.deepEqual(a1.map((a) => [a.source, a.rule, a.status]), [['screening', 'income_below_line', 'open']]);
  assert.equal(a1[0].ruleName, '人均纯收入低于监测线');
  assert.equal(a1[0].detail, '2026 年人均纯收入 5999.99 元，低于监测线 6000.00 元');
  assert.equal(a1[0].household.code, below.code);
  assert.deepEqual(await alertsOf(equal), [], 'equal to the line is not under it');
  const a3 = await alertsOf(drop);
  assert.deepEqual(a3.map((a) => a.rule), ['income_drop']);
  assert.match(a3[0].detail, /下降 30%/);
  assert.deepEqual(await alertsOf(small), []);
  assert.deepEqual((await alertsOf(housing)).map((a) => a.rule), ['guarantee_housing']);
  assert.deepEqual(await alertsOf(fixed), []);

  // screening again raises nothing new for them
  const again = await staff.post('/api/v1/monitoring/screen', {});
  expectStatus(again, 200);
  assert.equal(again.body.alerts, 0);
  assert.equal((await alertsOf(below)).length, 1);
  // a village cadre of another village does not see them
  expectStatus(await datang.get(`/api/v1/monitoring/alerts?householdId=${below.id}`), 200);
  assert.deepEqual((await datang.get(`/api/v1/monitoring/alerts?householdId=${below.id}`)).body.items, []);
  // bad filters
  expectError(await staff.get('/api/v1/monitoring/alerts?status=closed'), 400, 'invalid_input', 'status');
  expectError(await staff.get('/api/v1/monitoring/alerts?page=0'), 400, 'invalid_input', 'page');
  // the assistance cadre sees only the households paired with them
  const mine = await assist.get('/api/v1/monitoring/alerts');
  expectStatus(mine, 200);
  assert.ok(mine.body.items.every((a) => a.household.id !== below.id));
});

test('mon-2 alerts from an application, a visit and a department list; bad input changes nothing', async () => {
  const h = await household();
  const n0 = sql(srv.db, 'SELECT count(*) AS n FROM monitor_alerts')[0].n;
  const bad = [
    [{ householdId: h.id, source: 'phone', rule: 'disaster', detail: 'x' }, 'source'],
    [{ householdId: h.id, source: 'apply', rule: 'income_below_line', detail: 'x' }, 'rule'],
    [{ householdId: h.id, source: 'apply', rule: 'nope', detail: 'x' }, 'rule'],
    [{ householdId: h.id, source: 'visit', rule: 'disaster' }, 'detail'],
    [{ source: 'department', rule: 'disaster' }, 'householdId'],
    [{ householdId: h.id, source: 'apply', rule: 'disaster', detail: 'x'.repeat(2001) }, 'detail'],
    [{ householdId: 'x', source: 'apply', rule: 'disaster', detail: 'x' }, 'householdId'],
  ];
  for (const [body, field] of bad) expectError(await staff.post('/api/v1/monitoring/alerts', body), 400, 'invalid_input', field);
  expectError(await staff.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'apply', rule: 'disaster', detail: 'x', more: 1 }), 400, 'unknown_field');
  expectError(await staff.post('/api/v1/monitoring/alerts', { idNumber: nextId(), source: 'department', rule: 'disability' }), 404, 'not_found');
  expectError(await datang.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'disaster', detail: '房屋受损' }), 404, 'not_found');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM monitor_alerts')[0].n, n0);

  const a = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'apply', rule: 'medical_bills', detail: '住院自付 3.2 万元' });
  expectStatus(a, 201);
  assert.equal(a.body.sourceName, '农户申请');
  assert.equal(a.body.detail, '住院自付 3.2 万元');
  expectError(await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'medical_bills', detail: '再报' }), 409, 'conflict');
  // a department's alert needs no detail
  const d = await staff.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'department', rule: 'disaster' });
  expectStatus(d, 201);
  assert.equal(d.body.detail, null);
  // dismiss: reason required; then not open any more
  expectError(await staff.post(`/api/v1/monitoring/alerts/${d.body.id}/dismiss`, { reason: '' }), 400, 'invalid_input', 'reason');
  const dm = await staff.post(`/api/v1/monitoring/alerts/${d.body.id}/dismiss`, { reason: '核实无灾情' });
  expectStatus(dm, 200);
  assert.equal(dm.body.status, 'dismissed');
  assert.equal(dm.body.dismissedReason, '核实无灾情');
  expectError(await staff.post(`/api/v1/monitoring/alerts/${d.body.id}/dismiss`, { reason: '再次' }), 409, 'invalid_transition');
  expectError(await datang.post(`/api/v1/monitoring/alerts/${a.body.id}/dismiss`, { reason: '越权' }), 404, 'not_found');
});

test('mon-2b a department alert found by a member\'s ID number', async () => {
  const h = await household();
  const full = (await leader.get(`/api/v1/persons/${h.head.id}/id-number`)).body.idNumber;
  const r = await staff.post('/api/v1/monitoring/alerts', { idNumber: full.toLowerCase(), source: 'department', rule: 'unemployment', detail: '人社部门失业名单' });
  expectStatus(r, 201);
  assert.equal(r.body.household.id, h.id);
  assert.equal(r.body.personId, h.head.id);
});

// Takes an action on a case as client c with fields; returns the case.
async function act(c, id, action, fields, comment = '办理') {
  const k = await c.get(`/api/v1/cases/${id}`);
  const r = await c.post(`/api/v1/cases/${id}/actions/${action}`, { comment, ...(fields ? { fields } : {}) }, { 'if-match': k.headers.get('etag') });
  return r;
}

test('mon-3 identification from an alert to the county decision sets the household monitored', async () => {
  const h = await household();
  const a = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'disaster', detail: '暴雨冲毁房屋' });
  expectStatus(a, 201);
  const a2 = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'apply', rule: 'medical_bills', detail: '住院' });
  expectError(await datang.post(`/api/v1/monitoring/alerts/${a.body.id}/case`, {}), 404, 'not_found');
  const k = await staff.post(`/api/v1/monitoring/alerts/${a.body.id}/case`, {});
  expectStatus(k, 201);
  assert.equal(k.body.type, 'identification');
  assert.equal(k.body.category, 'visit');
  assert.match(k.body.title, /户防返贫监测对象识别$/);
  // the household's alerts are all taken into the case; a second case is refused
  for (const x of await alertsOf(h)) { assert.equal(x.status, 'case'); assert.equal(x.caseId, k.body.id); }
  expectError(await staff.post(`/api/v1/monitoring/alerts/${a2.body.id}/case`, {}), 409, 'invalid_transition');
  const hh = (await staff.get(`/api/v1/households/${h.id}`)).body;
  assert.deepEqual(hh.cases.map((c) => c.id), [k.body.id], 'the case is linked to the household');

  const id = k.body.id;
  const dengtaName = dengta.me.name;
  // two people: the second verifier may not be the first
  const same = await act(dengta, id, 'verify', { verifier1: dengta.me.id, verifier2: dengtaName, verify_note: '入户核实' });
  expectError(same, 400, 'invalid_input', 'verifier2');
  assert.equal((await staff.get(`/api/v1/cases/${id}`)).body.state.code, 'registered', 'refused: unchanged');
  expectStatus(await act(dengta, id, 'verify', { verifier1: dengta.me.id, verifier2: '王组长', verify_note: '房屋倒塌，住亲戚家' }), 200);
  expectStatus(await act(staff, id, 'check_data', { data_check: '无财政供养人员，无车辆' }), 200);
  expectStatus(await act(dengta, id, 'review', { review_note: '村民代表会议同意' }), 200);
  expectStatus(await act(dengta, id, 'publish', { notice_from: today() }), 200);
  // the notice runs its 7 days before 公示期满 can be recorded
  const early = await act(dengta, id, 'notice_end', { notice_result: '公示7日无异议' });
  expectError(early, 409, 'period_running');
  assert.match(early.body.error.message, /^“公示期”至 \d{4}-\d\d-\d\d 届满，期满前不能“公示期满”$/);
  assert.equal((await staff.get(`/api/v1/cases/${id}`)).body.state.code, 'publicizing', 'refused: unchanged');
  elapseClock(srv.db, id, 'notice');
  expectStatus(await act(dengta, id, 'notice_end', { notice_result: '公示7日无异议' }), 200);
  expectStatus(await act(staff, id, 'township_review', { township_opinion: '同意' }), 200);
  // an unknown risk name in the free list refuses the decision and changes nothing
  const badRisk = await act(leader, id, 'county_decide', { category: '突发严重困难户', risk: '因灾', risk_more: '因穷', county_opinion: '同意' });
  expectError(badRisk, 400, 'invalid_input', 'risk_more');
  assert.equal((await staff.get(`/api/v1/households/${h.id}`)).body.monitor.status, 'none');
  const done = await act(leader, id, 'county_decide', { category: '突发严重困难户', risk: '因灾', risk_more: '因病、因学', county_opinion: '同意纳入' });
  expectStatus(done, 200);
  assert.equal(done.body.state.code, 'decided');
  const m = (await staff.get(`/api/v1/households/${h.id}`)).body.monitor;
  assert.equal(m.status, 'monitored');
  assert.equal(m.category, 'sudden');
  assert.deepEqual(m.risks.map((r) => r.code), ['illness', 'schooling', 'disaster'], 'in the order of defs');
  assert.equal(m.since, today());
  // a monitored household's new alert cannot open another identification
  const a3 = await staff.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'labour', detail: '主要劳动力外出' });
  expectStatus(a3, 201);
  expectError(await staff.post(`/api/v1/monitoring/alerts/${a3.body.id}/case`, {}), 409, 'invalid_transition');
  // screening skips monitored households
  await income(h, '2026-02-01', 100000);
  await staff.post('/api/v1/monitoring/screen', {});
  assert.ok((await alertsOf(h)).every((x) => x.rule !== 'income_below_line'));
});

test('mon-4 the assistance plan: measures per person with a cadre and dates; status with If-Match', async () => {
  const h = await household();
  const cadre = await staff.post('/api/v1/assist-cadres', { name: '刘干部', unit: '县农业农村委', phone: '13912345678' });
  expectStatus(cadre, 201);
  const url = `/api/v1/households/${h.id}/measures`;
  const n0 = sql(srv.db, 'SELECT count(*) AS n FROM assist_measures')[0].n;
  const base = { personId: h.head.id, kind: 'employment', description: '推荐县内务工', cadreId: cadre.body.id, startOn: '2026-03-01' };
  for (const [body, field] of [
    [{ ...base, kind: 'lottery' }, 'kind'],
    [{ ...base, description: '' }, 'description'],
    [{ ...base, startOn: '2026-02-30' }, 'startOn'],
    [{ ...base, endOn: '2026-01-01' }, 'endOn'],
    [{ ...base, personId: 999999 }, 'personId'],
    [{ ...base, cadreId: 999999 }, 'cadreId'],
  ]) expectError(await staff.post(url, body), 400, 'invalid_input', field);
  expectError(await datang.post(url, base), 404, 'not_found');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM assist_measures')[0].n, n0);

  const r = await staff.post(url, { ...base, endOn: '2026-12-31' });
  expectStatus(r, 201);
  assert.equal(r.body.status, 'planned');
  assert.equal(r.body.kindName, '就业帮扶（务工奖补）');
  assert.equal(r.body.person.id, h.head.id);
  assert.equal(r.body.cadre.name, '刘干部');
  const mid = r.body.id;
  const patch = (body, etag) => staff.patch(`/api/v1/measures/${mid}`, body, etag ? { 'if-match': etag } : {});
  expectError(await patch({ status: 'done', doneOn: '2026-04-01' }), 428, 'precondition_required');
  expectError(await patch({ status: 'done' }, '"v1"'), 400, 'invalid_input', 'doneOn');
  expectError(await patch({ status: 'doing', doneOn: '2026-04-01' }, '"v1"'), 400, 'invalid_input', 'doneOn');
  expectError(await patch({ status: 'done', doneOn: '2026-02-01' }, '"v1"'), 400, 'invalid_input', 'doneOn');
  expectError(await patch({ status: 'over' }, '"v1"'), 400, 'invalid_input', 'status');
  const ok = await patch({ status: 'done', doneOn: '2026-04-01' }, '"v1"');
  expectStatus(ok, 200);
  assert.equal(ok.body.status, 'done');
  assert.equal(ok.body.doneOn, '2026-04-01');
  assert.equal(ok.headers.get('etag'), '"v2"');
  expectError(await patch({ status: 'doing' }, '"v1"'), 412, 'stale_version');
  expectError(await datang.patch(`/api/v1/measures/${mid}`, { status: 'doing' }, { 'if-match': '"v2"' }), 404, 'not_found');
  const list = await staff.get(url);
  expectStatus(list, 200);
  assert.deepEqual(list.body.items.map((m) => [m.id, m.status]), [[mid, 'done']]);
  expectError(await datang.get(url), 404, 'not_found');
});

test('mon-5 elimination: criteria checked by the system, exactly six months, refused under six months', async () => {
  const h = await household();
  const T = monthsBack(6);
  // monitored today: the monitoring criterion fails, nothing else done
  sqlExec(srv.db, `UPDATE households SET monitor_status = 'monitored', monitor_category = 'edge', monitor_since = '${monthsBack(6, 1)}' WHERE id = ${h.id}`);
  await income(h, T, 600000); // equal to the line, exactly six months ago
  let c = await staff.get(`/api/v1/households/${h.id}/elimination-check`);
  expectStatus(c, 200);
  const by = (x) => Object.fromEntries(x.body.criteria.map((k) => [k.code, k.ok]));
  assert.deepEqual(by(c), { income: true, measure: false, monitored: false, labour: true });
  assert.equal(c.body.ok, false);
  const refused = await staff.post(`/api/v1/households/${h.id}/elimination`, {});
  expectError(refused, 409, 'invalid_transition');
  assert.match(refused.body.error.message, /至少落实一项帮扶措施/);
  assert.match(refused.body.error.message, /纳入监测满六个月/);
  assert.doesNotMatch(refused.body.error.message, /收入持续稳定/);

  // exactly six months: passes; plus a measure done
  sqlExec(srv.db, `UPDATE households SET monitor_since = '${T}' WHERE id = ${h.id}`);
  const m = await staff.post(`/api/v1/households/${h.id}/measures`, { kind: 'industry', description: '养殖奖补', startOn: T });
  await staff.patch(`/api/v1/measures/${m.body.id}`, { status: 'done', doneOn: today() }, { 'if-match': '"v1"' });
  // a later record below the line breaks the income criterion
  await income(h, monthsBack(2), 599999);
  c = await staff.get(`/api/v1/households/${h.id}/elimination-check`);
  assert.deepEqual(by(c), { income: false, measure: true, monitored: true, labour: true });
  assert.match(c.body.criteria[0].detail, /低于/);
  await income(h, monthsBack(1), 800000); // newer, but the dip in between still counts
  assert.equal(by(await staff.get(`/api/v1/households/${h.id}/elimination-check`)).income, false);
  sqlExec(srv.db, `DELETE FROM incomes WHERE household_id = ${h.id} AND per_person = 599999`);
  c = await staff.get(`/api/v1/households/${h.id}/elimination-check`);
  assert.equal(c.body.ok, true, JSON.stringify(c.body));

  expectError(await datang.get(`/api/v1/households/${h.id}/elimination-check`), 404, 'not_found');
  expectError(await datang.post(`/api/v1/households/${h.id}/elimination`, {}), 404, 'not_found');
  const k = await staff.post(`/api/v1/households/${h.id}/elimination`, {});
  expectStatus(k, 201);
  assert.equal(k.body.type, 'elimination');
  expectError(await staff.post(`/api/v1/households/${h.id}/elimination`, {}), 409, 'conflict');
  const id = k.body.id;
  expectStatus(await act(dengta, id, 'verify', { verifier1: dengta.me.id, verifier2: '李组长', verify_note: '收入稳定' }), 200);
  expectStatus(await act(dengta, id, 'review', { review_note: '同意' }), 200);
  expectStatus(await act(dengta, id, 'publish', { notice_from: today() }), 200);
  expectError(await act(dengta, id, 'notice_end', { notice_result: '无异议' }), 409, 'period_running');
  elapseClock(srv.db, id, 'notice');
  expectStatus(await act(dengta, id, 'notice_end', { notice_result: '无异议' }), 200);
  expectStatus(await act(staff, id, 'township_review', { township_opinion: '同意' }), 200);
  const done = await act(leader, id, 'county_approve', { county_opinion: '同意标注风险消除' });
  expectStatus(done, 200);
  const hh = (await staff.get(`/api/v1/households/${h.id}`)).body;
  assert.equal(hh.monitor.status, 'eliminated');
  assert.equal(hh.monitor.eliminatedOn, today());
});

test('mon-5b a household without labour capacity is not marked eliminated', async () => {
  const h = await household({}, 'none');
  sqlExec(srv.db, `UPDATE households SET monitor_status = 'monitored', monitor_since = '2020-01-01' WHERE id = ${h.id}`);
  const c = await staff.get(`/api/v1/households/${h.id}/elimination-check`);
  const lab = c.body.criteria.find((k) => k.code === 'labour');
  assert.equal(lab.ok, false);
  assert.equal(lab.detail, '现有成员 1 人，其中有劳动能力 0 人');
  const inc = c.body.criteria.find((k) => k.code === 'income');
  assert.equal(inc.ok, false, 'no income record at all');
  expectError(await staff.post(`/api/v1/households/${h.id}/elimination`, {}), 409, 'invalid_transition');
});
