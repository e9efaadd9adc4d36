// The benefits ledger (docs/registry.md, Benefits; docs/benefits.md): programmes, a
// 低保 application for a household run to approval (which enrols the household),
// the monthly 低保 run (standard minus per-person income, times persons covered),
// review, issue with If-Match, the bank's sheet (masked), payments entered by hand,
// totals by programme and village, scope, bad input, and the demo's 2018 figures.
// Real server, real database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sql, elapseClock, DENGTA_CODE, DATANG_CODE, HAN } from './lib.mjs';
import { idnum } from '../lib/idnum.mjs';

let seq = 600;
const nextId = (birth = '19700101') => idnum(`500236${birth}${String((seq += 2) % 1000).padStart(3, '0')}`);

// The month of today in Asia/Shanghai (the enrolment starts on the approval day).
const MONTH = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
const YEAR = MONTH.slice(0, 4);

let srv, staff, leader, dengta, datang, grid, tree, dengtaArea, datangArea;
before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, grid] = await Promise.all(
    ['staff', 'leader', 'dengta', 'datang', 'grid'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
});
after(async () => {
  if (process.env.BEN_LOG && srv) console.log(srv.stderr.split('\n').filter((l) => /error/.test(l)).join('\n'));
  if (srv) await srv.stop();
});

const count = (table) => sql(srv.db, `SELECT count(*) AS n FROM ${table}`)[0].n;

// A household of `members` persons in a village; its head's ID number; optionally an income.
async function household(members, { area = dengtaArea, perPersonYearFen = null, name = '王低保' } = {}) {
  let r = await staff.post('/api/v1/households', { areaId: area.id, address: `${area.name}二组3号`, categories: ['dibao'] });
  expectStatus(r, 201, 'household');
  const h = r.body;
  const ids = [];
  for (let i = 0; i < members; i++) {
    const idNumber = nextId(i === 0 ? '19600101' : '19900101');
    ids.push(idNumber);
    r = await staff.post(`/api/v1/households/${h.id}/persons`, {
      name: i === 0 ? name : `${name.slice(0, 1)}成员${i}`, idNumber, relation: i === 0 ? 'head' : 'son',
      labour: 'weak', health: 'chronic', insuredMedical: true, insuredSerious: true, joinedOn: '2010-01-01',
    });
    expectStatus(r, 201, 'person');
  }
  if (perPersonYearFen !== null) {
    r = await staff.post(`/api/v1/households/${h.id}/incomes`, {
      assessedOn: `${YEAR}-01-15`, wagesFen: perPersonYearFen * members, businessFen: 0, propertyFen: 0,
      transfersFen: 0, expensesFen: 0, members,
    });
    expectStatus(r, 201, 'income');
  }
  return { ...h, headId: ids[0], members };
}

// Takes action `code` on case id as client c with fields.
async function act(c, id, code, fields = {}) {
  const k = (await c.get(`/api/v1/cases/${id}`)).body;
  const r = await c.post(`/api/v1/cases/${id}/actions/${code}`, { comment: `${code}：测试`, fields }, { 'if-match': `"v${k.version}"` });
  expectStatus(r, 200, `${code}:`);
  return r.body;
}

// Applies for 低保 for household h and runs the procedure to approval covering `persons`.
async function enrol(h, persons) {
  const r = await staff.post(`/api/v1/households/${h.id}/applications`, { programme: 'dibao' });
  expectStatus(r, 201, 'application');
  const id = r.body.id;
  await act(staff, id, 'accept');
  await act(staff, id, 'investigate', {
    visit_record: '入户查看住房、家电和劳动力情况', neighbour_record: '走访邻居三户，情况属实',
    data_check: '车辆、工商、存款信息核查无异常', initial_opinion: '建议批准', covered_persons: persons,
  });
  await act(dengta, id, 'publish', { notice_place: '灯塔村村务公开栏' });
  // the 7 working days of the village notice run first: approval before then is refused
  const v = (await leader.get(`/api/v1/cases/${id}`)).body.version;
  const early = await leader.post(`/api/v1/cases/${id}/actions/approve`, { fields: { approval_note: '同意', covered_persons: persons } }, { 'if-match': `"v${v}"` });
  expectError(early, 409, 'period_running');
  assert.match(early.body.error.message, /村级公示期.*届满/);
  assert.equal((await leader.get(`/api/v1/cases/${id}`)).body.version, v, 'a refused approval changes nothing');
  elapseClock(srv.db, id, 'notice');
  const k = await act(leader, id, 'approve', { approval_note: '同意纳入农村低保', covered_persons: persons });
  assert.equal(k.state.code, 'approved');
  return id;
}

let hA, hB, hC, batch;

test('ben-1 programmes from defs/programmes.json; sample standards marked; benefit.read needed', async () => {
  const r = await dengta.get('/api/v1/programmes');
  expectStatus(r, 200);
  const codes = r.body.items.map((p) => p.code);
  assert.deepEqual(codes, ['dibao', 'tekun', 'linshi', 'yiliao', 'jiaoyu', 'weifang', 'chanye', 'jiaotong', 'gongyi', 'xindai', 'gaoling']);
  const dibao = r.body.items[0];
  assert.equal(dibao.caseType, 'dibao');
  assert.equal(dibao.unit, 'person');
  assert.equal(dibao.periodicity, 'monthly');
  assert.equal(dibao.run, 'dibao');
  // every programme has its application procedure; the generic one is shared
  assert.deepEqual(Object.fromEntries(r.body.items.map((p) => [p.code, p.caseType])), {
    dibao: 'dibao', tekun: 'tekun', linshi: 'linshi', yiliao: 'benefit', jiaoyu: 'benefit', weifang: 'weifang',
    chanye: 'benefit', jiaotong: 'benefit', gongyi: 'benefit', xindai: 'benefit', gaoling: 'benefit',
  });
  assert.ok(r.body.dibaoStandards.length >= 1);
  for (const s of r.body.dibaoStandards) assert.equal(s.note, '示例标准，请按本地民政部门公布标准修改');
  expectError(await grid.get('/api/v1/programmes'), 403, 'forbidden');
});

test('ben-2 a 低保 application for a household: linked case, refusals, approval enrols the household', async () => {
  hA = await household(3, { perPersonYearFen: 240000, name: '王甲' }); // 200 yuan a month per person
  // bad input changes nothing
  const cases0 = count('cases');
  expectError(await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 'nope' }), 400, 'invalid_input', 'programme');
  expectError(await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 5 }), 400, 'invalid_input', 'programme');
  expectError(await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 'jiaoyu', category: 'yiliao' }), 400, 'invalid_input', 'category');
  expectError(await staff.post(`/api/v1/households/${hA.id}/applications`, {}), 400, 'invalid_input', 'programme');
  expectError(await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 'dibao', colour: 1 }), 400, 'unknown_field');
  expectError(await datang.post(`/api/v1/households/${hA.id}/applications`, { programme: 'dibao' }), 404, 'not_found');
  expectError(await staff.post('/api/v1/households/999999/applications', { programme: 'dibao' }), 404, 'not_found');
  assert.equal(count('cases'), cases0);

  const r = await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 'dibao' });
  expectStatus(r, 201);
  assert.equal(r.body.type, 'dibao');
  assert.equal(r.body.state.code, 'applied');
  assert.match(r.body.title, /低保申请：王甲/);
  const hh = (await staff.get(`/api/v1/households/${hA.id}`)).body;
  assert.deepEqual(hh.cases.map((c) => c.id), [r.body.id]);
  // a second open application of the same household is refused
  const dup = await staff.post(`/api/v1/households/${hA.id}/applications`, { programme: 'dibao' });
  expectError(dup, 409, 'conflict', 'programme');
  // refused with written reasons: no enrolment
  const id = r.body.id;
  await act(staff, id, 'accept');
  expectError(await staff.post(`/api/v1/cases/${id}/actions/refuse`, { fields: {} }, { 'if-match': `"v${(await staff.get(`/api/v1/cases/${id}`)).body.version}"` }), 400, 'invalid_input', 'refusal_reason');
  const refused = await act(staff, id, 'refuse', { refusal_reason: '家庭人均收入高于当地低保标准' });
  assert.equal(refused.state.code, 'refused');
  assert.equal(refused.outcome, 'rejected');
  assert.equal((await staff.get(`/api/v1/households/${hA.id}/payments`)).body.enrolments.length, 0);

  // applied again and approved: enrolled for the persons covered
  const id2 = await enrol(hA, 2);
  const p = (await staff.get(`/api/v1/households/${hA.id}/payments`)).body;
  assert.equal(p.enrolments.length, 1);
  assert.equal(p.enrolments[0].programme, 'dibao');
  assert.equal(p.enrolments[0].persons, 2);
  assert.equal(p.enrolments[0].caseId, id2);
  assert.equal(p.enrolments[0].since.slice(0, 7), MONTH);
  assert.equal(p.enrolments[0].until, null);
  const docs = (await staff.get(`/api/v1/cases/${id2}/documents`)).body;
  assert.ok(JSON.stringify(docs).includes('最低生活保障批准通知书'));
  assert.ok(sql(srv.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'enrol'")[0].n >= 1);
});

test('ben-3 the monthly run: standard minus per-person income, times persons covered; bad input; double run', async () => {
  hB = await household(2, { name: '李乙' });                                    // no income: the whole standard
  hC = await household(4, { perPersonYearFen: 1200000, name: '赵丙' });          // 1000 yuan a month: above
  await enrol(hB, 2);
  await enrol(hC, 4);
  const std = (await staff.get('/api/v1/programmes')).body.dibaoStandards
    .filter((s) => s.area === '*' && s.year <= Number(YEAR)).sort((a, b) => b.year - a.year)[0].fenPerMonth;

  const batches0 = count('payment_batches');
  const lines0 = count('payment_batch_lines');
  for (const [body, field] of [
    [{ programme: 'dibao', period: `${YEAR}-13` }, 'period'],
    [{ programme: 'dibao', period: `${YEAR}-00` }, 'period'],
    [{ programme: 'dibao', period: Number(`${YEAR}11`) }, 'period'],
    [{ programme: 'dibao', period: YEAR }, 'period'],
    [{ programme: 'nope', period: MONTH }, 'programme'],
    [{ programme: 'jiaoyu', period: MONTH }, 'programme'],
    [{ period: MONTH }, 'programme'],
  ]) expectError(await staff.post('/api/v1/benefit-runs', body), 400, 'invalid_input', field);
  expectError(await staff.post('/api/v1/benefit-runs', { programme: 'dibao', period: MONTH, x: 1 }), 400, 'unknown_field');
  expectError(await dengta.post('/api/v1/benefit-runs', { programme: 'dibao', period: MONTH }), 403, 'forbidden');
  assert.equal(count('payment_batches'), batches0);
  assert.equal(count('payment_batch_lines'), lines0);

  const r = await staff.post('/api/v1/benefit-runs', { programme: 'dibao', period: MONTH });
  expectStatus(r, 201);
  batch = r.body;
  assert.equal(batch.status, 'draft');
  assert.equal(batch.period, MONTH);
  assert.equal(r.headers.get('etag'), `"v${batch.version}"`);
  const line = (h) => batch.lines.find((l) => l.household.id === h.id);
  const a = line(hA), b = line(hB), c = line(hC);
  assert.ok(a && b && c, 'one line per enrolled household');
  // A: (standard - 20000) x 2 persons covered (of 3 members)
  assert.equal(a.persons, 2);
  assert.equal(a.incomeFen, 20000);
  assert.equal(a.standardFen, std);
  assert.equal(a.amountFen, (std - 20000) * 2);
  assert.equal(a.headName, '王甲');
  assert.equal(a.household.code, hA.code);
  assert.equal(a.headIdNumber, `${hA.headId.slice(0, 6)}********${hA.headId.slice(14)}`);
  // B: no income record: the whole standard
  assert.equal(b.incomeFen, null);
  assert.equal(b.amountFen, std * 2);
  assert.match(b.note, /无收入记录/);
  // C: income above the standard: zero, never negative
  assert.equal(c.amountFen, 0);
  assert.match(c.note, HAN);
  const paid = batch.lines.filter((l) => l.amountFen > 0);
  assert.equal(batch.households, paid.length);
  assert.equal(batch.persons, paid.reduce((s, l) => s + l.persons, 0));
  assert.equal(batch.amountFen, paid.reduce((s, l) => s + l.amountFen, 0));

  // a second run for the same programme and period is refused while one exists
  const again = await staff.post('/api/v1/benefit-runs', { programme: 'dibao', period: MONTH });
  expectError(again, 409, 'conflict');
  assert.match(again.body.error.message, /已有发放批次/);
  expectError(await leader.post('/api/v1/benefit-runs', { programme: 'dibao', period: MONTH }), 409, 'conflict');
});

test('ben-4 review and issue: If-Match, stale 412, payments made, audited; scope of batches', async () => {
  let r = await staff.get(`/api/v1/batches/${batch.id}`);
  expectStatus(r, 200);
  assert.deepEqual(r.body.lines.map((l) => l.id), batch.lines.map((l) => l.id));
  expectError(await datang.get(`/api/v1/batches/${batch.id}`), 404, 'not_found');
  expectError(await staff.get('/api/v1/batches/999999'), 404, 'not_found');
  assert.ok((await staff.get('/api/v1/batches?programme=dibao')).body.items.some((b) => b.id === batch.id));

  const pay0 = count('payments');
  expectError(await staff.post(`/api/v1/batches/${batch.id}/issue`, {}), 428, 'precondition_required');
  expectError(await staff.post(`/api/v1/batches/${batch.id}/issue`, {}, { 'if-match': `"v${batch.version + 7}"` }), 412, 'stale_version');
  expectError(await staff.post(`/api/v1/batches/${batch.id}/issue`, { paidOn: '2026-02-30' }, { 'if-match': `"v${batch.version}"` }), 400, 'invalid_input', 'paidOn');
  expectError(await dengta.post(`/api/v1/batches/${batch.id}/issue`, {}, { 'if-match': `"v${batch.version}"` }), 403, 'forbidden');
  assert.equal(count('payments'), pay0);

  r = await staff.post(`/api/v1/batches/${batch.id}/issue`, { paidOn: `${MONTH}-20` }, { 'if-match': `"v${batch.version}"` });
  expectStatus(r, 200);
  assert.equal(r.body.status, 'issued');
  assert.equal(r.body.paidOn, `${MONTH}-20`);
  assert.equal(r.body.version, batch.version + 1);
  const lines = batch.lines.filter((l) => l.amountFen > 0);
  assert.equal(count('payments'), pay0 + lines.length);
  // issuing twice is refused
  expectError(await staff.post(`/api/v1/batches/${batch.id}/issue`, {}, { 'if-match': `"v${r.body.version}"` }), 409, 'invalid_transition');
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'issue' AND entity = 'payment_batch' AND entity_id = '${batch.id}'`)[0].n, 1);

  // the household's ledger
  const hp = (await staff.get(`/api/v1/households/${hA.id}/payments`)).body;
  assert.equal(hp.items.length, 1);
  const line = lines.find((l) => l.household.id === hA.id);
  assert.deepEqual({ ...hp.items[0], id: 0 }, {
    id: 0, programme: 'dibao', programmeName: '低保', household: { id: hA.id, code: hA.code }, headName: '王甲',
    village: { id: dengtaArea.id, name: dengtaArea.name }, person: null, persons: 2, amountFen: line.amountFen, period: MONTH,
    fundSource: '城乡最低生活保障资金', paidOn: `${MONTH}-20`, batchId: batch.id, note: null,
  });
  assert.equal((await staff.get(`/api/v1/households/${hC.id}/payments`)).body.items.length, 0, 'no zero payments');
});

test('ben-5 the bank sheet: masked ID numbers unless pii.read asks; audited', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zw-bank-'));
  try {
    const sheet = async (c, q = '') => {
      const r = await c.bytes(`/api/v1/batches/${batch.id}/bank.xlsx${q}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-disposition'), /attachment/);
      const f = path.join(dir, `b${Math.random()}.xlsx`);
      writeFileSync(f, r.bytes);
      return execFileSync('unzip', ['-p', f], { encoding: 'utf8' });
    };
    const audits0 = sql(srv.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'export' AND entity = 'payment_batch'")[0].n;
    let x = await sheet(staff);
    for (const h of ['序号', '户主姓名', '身份证号', '发放金额（元）', '备注', '王甲', '李乙']) assert.ok(x.includes(h), h);
    assert.ok(!x.includes('赵丙'), 'a zero line is not sent to the bank');
    for (const id of [hA.headId, hB.headId]) {
      assert.ok(!x.includes(id), 'no full ID number');
      assert.ok(!x.includes(id.slice(6, 14)), 'no birth date either');
      assert.ok(x.includes(`${id.slice(0, 6)}********${id.slice(14)}`), 'the masked number');
    }
    const a = batch.lines.find((l) => l.household.id === hA.id).amountFen;
    assert.ok(x.includes(`${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`), 'amount in yuan');
    expectError(await staff.get(`/api/v1/batches/${batch.id}/bank.xlsx?full=1`), 403, 'forbidden', 'full');
    x = await sheet(leader, '?full=1');
    assert.ok(x.includes(hA.headId), 'full numbers for pii.read');
    expectError(await datang.get(`/api/v1/batches/${batch.id}/bank.xlsx`), 404, 'not_found');
    assert.equal(sql(srv.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'export' AND entity = 'payment_batch'")[0].n, audits0 + 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ben-6 payments entered by hand; bad input changes nothing', async () => {
  const pay0 = count('payments');
  const good = { programme: 'jiaoyu', householdId: hA.id, persons: 1, amountFen: 200000, period: YEAR, paidOn: `${YEAR}-09-01` };
  for (const [body, code, field] of [
    [{ ...good, amountFen: '2000' }, 'invalid_input', 'amountFen'],
    [{ ...good, amountFen: 0 }, 'invalid_input', 'amountFen'],
    [{ ...good, amountFen: -5 }, 'invalid_input', 'amountFen'],
    [{ ...good, amountFen: 12.5 }, 'invalid_input', 'amountFen'],
    [{ ...good, period: `${YEAR}-13` }, 'invalid_input', 'period'],
    [{ ...good, paidOn: `${YEAR}-02-30` }, 'invalid_input', 'paidOn'],
    [{ ...good, programme: 'nope' }, 'invalid_input', 'programme'],
    [{ ...good, persons: 0 }, 'invalid_input', 'persons'],
    [{ ...good, householdId: 'x' }, 'invalid_input', 'householdId'],
    [{ ...good, extra: 1 }, 'unknown_field', undefined],
  ]) expectError(await staff.post('/api/v1/payments', body), 400, code, field);
  expectError(await staff.post('/api/v1/payments', { ...good, householdId: 999999 }), 404, 'not_found');
  expectError(await dengta.post('/api/v1/payments', good), 403, 'forbidden');
  assert.equal(count('payments'), pay0);

  let r = await staff.post('/api/v1/payments', good);
  expectStatus(r, 201);
  assert.equal(r.body.programmeName, '教育资助');
  assert.equal(r.body.fundSource, '学生资助资金（含雨露计划）');
  assert.equal(r.body.batchId, null);
  // persons omitted: the household's members
  r = await staff.post('/api/v1/payments', { programme: 'weifang', householdId: hC.id, amountFen: 1500000, period: YEAR, paidOn: `${YEAR}-07-01`, fundSource: '县级配套资金', note: 'C级危房加固' });
  expectStatus(r, 201);
  assert.equal(r.body.persons, 4);
  assert.equal(r.body.fundSource, '县级配套资金');
  assert.equal(count('payments'), pay0 + 2);
});

test('ben-7 totals by programme and by village: households, persons, amount; filters; scope', async () => {
  const q = `from=${YEAR}-01-01&to=${YEAR}-12-31`;
  let r = await staff.get(`/api/v1/payments/totals?${q}&by=programme`);
  expectStatus(r, 200);
  const by = Object.fromEntries(r.body.items.map((i) => [i.key, i]));
  const lines = batch.lines.filter((l) => l.amountFen > 0);
  assert.deepEqual(by.dibao, {
    key: 'dibao', name: '低保', households: lines.length,
    persons: lines.reduce((s, l) => s + l.persons, 0), amountFen: lines.reduce((s, l) => s + l.amountFen, 0),
  });
  assert.deepEqual(by.jiaoyu, { key: 'jiaoyu', name: '教育资助', households: 1, persons: 1, amountFen: 200000 });
  assert.deepEqual(by.weifang, { key: 'weifang', name: '危房改造', households: 1, persons: 4, amountFen: 1500000 });
  // overall: distinct households, the largest persons of each household
  assert.equal(r.body.total.households, new Set([...lines.map((l) => l.household.id), hA.id, hC.id]).size);
  assert.equal(r.body.total.amountFen, by.dibao.amountFen + 200000 + 1500000);
  // by village: all in 灯塔村
  r = await staff.get(`/api/v1/payments/totals?${q}&by=village`);
  assert.deepEqual(r.body.items.map((i) => [i.key, i.name]), [[String(dengtaArea.id), dengtaArea.name]]);
  // one programme, an area, a period that holds nothing
  r = await staff.get(`/api/v1/payments/totals?programme=jiaoyu&areaId=${dengtaArea.id}&${q}`);
  assert.deepEqual(r.body.items.map((i) => i.key), ['jiaoyu']);
  r = await staff.get('/api/v1/payments/totals?from=2000-01-01&to=2000-12-31');
  assert.deepEqual(r.body.items, []);
  assert.deepEqual(r.body.total, { households: 0, persons: 0, amountFen: 0 });
  // bad input
  expectError(await staff.get('/api/v1/payments/totals?by=month'), 400, 'invalid_input', 'by');
  expectError(await staff.get(`/api/v1/payments/totals?from=${YEAR}-13-01`), 400, 'invalid_input', 'from');
  expectError(await staff.get(`/api/v1/payments/totals?from=${YEAR}-12-01&to=${YEAR}-01-01`), 400, 'invalid_input', 'to');
  expectError(await staff.get('/api/v1/payments/totals?programme=nope'), 400, 'invalid_input', 'programme');
  expectError(await staff.get('/api/v1/payments?page=x'), 400, 'invalid_input');

  // the list with filters and paging
  r = await staff.get(`/api/v1/payments?programme=dibao&${q}&pageSize=1`);
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, lines.length);
  assert.equal(r.body.items.length, 1);
  // scope: the cadre of 灯塔村 sees them, the cadre of 大淌村 none
  r = await dengta.get(`/api/v1/payments?${q}`);
  assert.equal(r.body.pager.total, lines.length + 2);
  r = await datang.get(`/api/v1/payments?${q}`);
  assert.equal(r.body.pager.total, 0);
  r = await datang.get(`/api/v1/payments/totals?${q}`);
  assert.deepEqual(r.body.items, []);
  expectError(await datang.get(`/api/v1/households/${hA.id}/payments`), 404, 'not_found');
  expectError(await datang.get(`/api/v1/payments?areaId=${dengtaArea.id}`), 404, 'not_found');
  expectError(await grid.get('/api/v1/payments'), 403, 'forbidden');
});
// The demo's 2018 benefit figures are checked in tests/api/demo.test.mjs (demo-2.2).
