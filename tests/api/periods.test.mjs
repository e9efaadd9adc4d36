// periods.test.mjs - closing a period (POST /api/v1/periods) and the indicator
// cache: a closed year answers from its snapshot, identical after a later
// correction, which shows beside it (correction, /periods/{id} with the
// records added); the work report of the closed year stays the same; a write
// invalidates the cached live value at once; who may
// close, and what may not be closed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql } from './lib.mjs';

let srv, leader, staff, dengta;
before(async () => {
  srv = await startServer({ demoCases: true });
  [leader, staff, dengta] = await Promise.all(['leader', 'staff', 'dengta'].map((u) => login(srv.url, u)));
});
after(async () => { if (srv) await srv.stop(); });

const values = async (c, query) => {
  const r = await c.get(`/api/v1/indicators/values?${query}`);
  expectStatus(r, 200);
  return r.body;
};
const byCode = (body) => Object.fromEntries(body.items.map((i) => [i.code, i]));

// A household of the demo with 2018 dibao payments, and one payment line of 2018 for it.
function dibaoHousehold() {
  return sql(srv.db, "SELECT household_id AS id FROM payments WHERE programme = 'dibao' AND paid_on LIKE '2018-%' ORDER BY household_id LIMIT 1")[0].id;
}
const pay = (c, householdId, paidOn, amountFen) => c.post('/api/v1/payments', {
  programme: 'dibao', householdId, amountFen, period: paidOn.slice(0, 7), paidOn, fundSource: '中央和市级财政', note: '补发',
});

test('per-1 a write is seen at once: the cached value follows the payments ledger', async () => {
  const before1 = byCode(await values(leader, 'period=2017&codes=dibao_yuan,dibao_households'));
  const again = byCode(await values(leader, 'period=2017&codes=dibao_yuan,dibao_households'));
  assert.deepEqual(again, before1, 'the same answer twice');
  const hh = dibaoHousehold();
  expectStatus(await pay(staff, hh, '2017-12-20', 12345), 201);
  const after1 = byCode(await values(leader, 'period=2017&codes=dibao_yuan,dibao_households'));
  assert.equal(after1.dibao_yuan.num, before1.dibao_yuan.num + 12345, 'the new line counts at once');
  const fen = Number(sql(srv.db, "SELECT SUM(amount_fen) AS s FROM payments WHERE programme = 'dibao' AND paid_on BETWEEN '2017-01-01' AND '2017-12-31'")[0].s);
  assert.equal(after1.dibao_yuan.num, fen);
  const v = sql(srv.db, "SELECT version FROM data_versions WHERE tbl = 'payments'");
  assert.ok(Number(v[0].version) >= 1, 'the payments table has a version');
});

test('per-2 closing 2018: frozen values, identical after a correction that shows beside them', async () => {
  const live0 = await values(leader, 'period=2018');
  assert.equal(live0.closed, null);
  assert.ok(live0.items.every((i) => i.frozen === false));

  // staff may not close; a period not over may not be closed; a range may not be closed
  expectError(await staff.post('/api/v1/periods', { period: '2018' }), 403, 'forbidden');
  const thisYear = String(new Date().getFullYear());
  expectError(await leader.post('/api/v1/periods', { period: thisYear }), 400, 'invalid_input', 'period');
  expectError(await leader.post('/api/v1/periods', { period: '2018-01-01~2018-06-30' }), 400, 'invalid_input', 'period');
  expectError(await leader.post('/api/v1/periods', { period: '2018-13' }), 400, 'invalid_input', 'period');
  expectError(await leader.post('/api/v1/periods', { period: 2018 }), 400, 'invalid_input', 'period');
  expectError(await leader.post('/api/v1/periods', {}), 400, 'invalid_input', 'period');
  expectError(await leader.post('/api/v1/periods', { period: '2018', note: '说'.repeat(501) }), 400, 'invalid_input', 'note');
  expectError(await leader.post('/api/v1/periods', { period: '2018', areaId: 999999 }), 404, 'not_found');
  expectError(await leader.post('/api/v1/periods', { period: '2018', bogus: 1 }), 400, 'unknown_field');
  assert.equal(Number(sql(srv.db, 'SELECT count(*) AS n FROM period_closes')[0].n), 0, 'nothing stored by refusals');

  const r = await leader.post('/api/v1/periods', { period: '2018', note: '2018年度统计结账' });
  expectStatus(r, 201);
  assert.equal(r.body.label, '2018年');
  assert.equal(r.body.areaName, '羊市镇', 'the leader\'s township');
  assert.deepEqual([r.body.from, r.body.to], ['2018-01-01', '2018-12-31']);
  expectError(await leader.post('/api/v1/periods', { period: '2018' }), 409, 'conflict', 'period');
  const audit = sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'close' AND entity = 'period' AND entity_id = '${r.body.id}'`);
  assert.equal(Number(audit[0].n), 1, 'the close is audited');

  const closed = await values(leader, 'period=2018');
  assert.equal(closed.closed.id, r.body.id);
  assert.match(r.body.closedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.deepEqual([closed.closed.closedAt, closed.closed.closedBy], [r.body.closedAt, r.body.closedBy], 'the same time and closer as the closure itself');
  assert.ok(closed.items.every((i) => i.frozen === true && !i.correction));
  assert.deepEqual(closed.items.map((i) => [i.code, i.text]), live0.items.map((i) => [i.code, i.text]), 'closing changes no value');

  // a village of the township is frozen too (values stored per child)
  const vill = await values(dengta, 'period=2018&codes=dibao_households,dibao_yuan');
  assert.ok(vill.items.every((i) => i.frozen === true));
  assert.equal(vill.closed.id, r.body.id);

  // a correction: a 2018 payment entered after the close
  const hh = dibaoHousehold();
  const p = await pay(staff, hh, '2018-12-28', 50000);
  expectStatus(p, 201);
  const after1 = await values(leader, 'period=2018');
  assert.deepEqual(after1.items.map((i) => [i.code, i.text]), closed.items.map((i) => [i.code, i.text]), 'the closed year reproduces identically');
  const a = byCode(after1);
  assert.equal(a.dibao_yuan.correction.num, a.dibao_yuan.num + 50000, 'the live value shows as a correction');
  assert.equal(a.population.correction, undefined, 'unchanged indicators carry no correction');

  // the drill-down of the closed year lists the frozen records; live=1 the current ones
  const frozenRecs = await leader.get('/api/v1/indicators/dibao_yuan/records?period=2018&pageSize=1');
  const liveRecs = await leader.get('/api/v1/indicators/dibao_yuan/records?period=2018&pageSize=1&live=1');
  expectStatus(frozenRecs, 200);
  assert.equal(frozenRecs.body.closed.id, r.body.id);
  assert.equal(liveRecs.body.closed, null);
  assert.equal(liveRecs.body.pager.total, frozenRecs.body.pager.total + 1);
  const n2018 = Number(sql(srv.db, "SELECT count(*) AS n FROM payments WHERE programme = 'dibao' AND paid_on BETWEEN '2018-01-01' AND '2018-12-31'")[0].n);
  assert.equal(liveRecs.body.pager.total, n2018);

  // the closure lists its corrections: the indicator, both values, the record added
  const g = await leader.get(`/api/v1/periods/${r.body.id}`);
  expectStatus(g, 200);
  const corr = Object.fromEntries(g.body.corrections.map((c) => [c.code, c]));
  assert.ok(corr.dibao_yuan, 'dibao_yuan corrected');
  assert.equal(corr.dibao_yuan.addedTotal, 1);
  assert.equal(corr.dibao_yuan.added[0].id, p.body.id);
  assert.equal(corr.dibao_yuan.added[0].householdId, hh, 'the record names its household, for the link');
  assert.deepEqual(corr.dibao_yuan.entity, { code: 'payments', name: frozenRecs.body.entity.name });
  assert.equal(corr.dibao_yuan.removedTotal, 0);
  assert.equal(corr.dibao_yuan.frozen, a.dibao_yuan.text);
  assert.ok(!corr.population, 'population did not change');
  const list = await dengta.get('/api/v1/periods');
  expectStatus(list, 200);
  assert.deepEqual(list.body.items.map((x) => x.id), [r.body.id], 'a village sees the township\'s close');
  assert.deepEqual([list.body.items[0].areaName, list.body.items[0].note, g.body.areaName], ['羊市镇', '2018年度统计结账', '羊市镇']);
  expectError(await leader.get('/api/v1/periods/99999'), 404, 'not_found');
});

// The work report of a closed year is built from its snapshot: a correction afterwards
// changes neither its figures nor its text.
async function reportFigures(c) {
  const r = await c.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018 });
  expectStatus(r, 202);
  for (let i = 0; i < 600; i++) {
    const j = await c.get(`/api/v1/reports/${r.body.id}`);
    expectStatus(j, 200);
    if (j.body.status === 'done') break;
    assert.notEqual(j.body.status, 'failed', JSON.stringify(j.body));
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const h = await fetch(`${srv.url}/api/v1/reports/${r.body.id}.html`, { headers: { cookie: c.cookie } });
  assert.equal(h.status, 200);
  const html = await h.text();
  return [...html.matchAll(/<a class="figure" data-code="([a-z_0-9]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => `${m[1]}=${m[2]}`);
}

test('per-3 the 2018 report of the closed year is identical after another correction', async () => {
  const before1 = await reportFigures(leader);
  assert.ok(before1.length >= 15, `the report has its figures (${before1.length})`);
  const frozen = byCode(await values(leader, 'period=2018'));
  assert.ok(before1.includes(`relief_yuan=${frozen.relief_yuan.text}`), 'the report shows the frozen 临时救助等惠民资金');
  expectStatus(await pay(staff, dibaoHousehold(), '2018-11-30', 2000000), 201);
  const live = byCode(await values(leader, 'period=2018'));
  assert.notEqual(live.relief_yuan.correction.text, live.relief_yuan.text, 'the correction is visible beside the value');
  assert.deepEqual(await reportFigures(leader), before1, 'the report of the closed year is unchanged');
});
