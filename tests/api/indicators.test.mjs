// indicators.test.mjs - GET /api/v1/indicators, /indicators/values and
// /indicators/{code}/records (defs/indicators/*.json over the demo): the demo's
// 2018 benefit figures of yangshi-2019.txt come out of the payments ledger,
// a ratio with a zero denominator is "—", a village user's values cover only
// their village, drill-down lists the records behind a value, bad periods
// and an own-scoped user are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql } from './lib.mjs';

let srv, leader, dengta, assist;
before(async () => {
  srv = await startServer({ demoCases: true });
  [leader, dengta, assist] = await Promise.all(['leader', 'dengta', 'assist'].map((u) => login(srv.url, u)));
});
after(async () => { if (srv) await srv.stop(); });

const values = async (c, query) => {
  const r = await c.get(`/api/v1/indicators/values?${query}`);
  expectStatus(r, 200);
  return Object.fromEntries(r.body.items.map((i) => [i.code, i]));
};

test('ind-1 the demo 2018 benefits: 低保 110 户, 教育资助 95.00万元, 医疗救助 337.3万元, 小额信贷 280万元, 危房改造 195 户', async () => {
  const v = await values(leader, 'period=2018');
  assert.equal(v.dibao_households.text, '110户');
  assert.equal(v.education_aid_yuan.text, '95.00万元');
  assert.equal(v.health_aid_yuan.text, '337.3万元');
  assert.equal(v.microcredit_yuan.text, '280万元');
  assert.equal(v.houses_renovated.text, '195户');
  // each equals a hand count over the ledger
  const fen = Number(sql(srv.db, "SELECT SUM(amount_fen) AS s FROM payments WHERE programme = 'dibao' AND paid_on BETWEEN '2018-01-01' AND '2018-12-31'")[0].s);
  assert.equal(v.dibao_yuan.num, fen);
  const pop = Number(sql(srv.db, "SELECT count(*) AS n FROM persons WHERE status = 'active'")[0].n);
  assert.equal(v.population.num, pop);
  // no cases in 2017 (the demo's cases start in 2018): a rate over nothing is "—", not an error
  const v17 = await values(leader, 'period=2017&codes=petition_resolution_rate');
  assert.deepEqual([v17.petition_resolution_rate.den, v17.petition_resolution_rate.text], [0, '—']);
});

test('ind-2 a village user counts their village only; another village is out of scope', async () => {
  const mine = await values(dengta, 'period=2018&codes=population,dibao_households');
  const me = (await dengta.get('/api/v1/me')).body;
  const path = me.user ? me.user.area.path : me.area.path;
  const pop = Number(sql(srv.db, `SELECT count(*) AS n FROM persons WHERE status = 'active' AND area_path LIKE '${path}%'`)[0].n);
  assert.equal(mine.population.num, pop);
  assert.ok(pop > 0 && pop < (await values(leader, 'period=2018&codes=population')).population.num);
  const other = sql(srv.db, `SELECT id FROM areas WHERE level = 'village' AND path NOT LIKE '${path}%' LIMIT 1`)[0].id;
  expectError(await dengta.get(`/api/v1/indicators/values?period=2018&areaId=${other}`), 404, 'not_found');
});

test('ind-3 drill-down: the records behind a value, paged, their count the value', async () => {
  const v = await values(leader, 'period=2018&codes=houses_renovated');
  const r = await leader.get('/api/v1/indicators/houses_renovated/records?period=2018&pageSize=5');
  expectStatus(r, 200);
  assert.equal(r.body.entity.code, 'payments');
  assert.equal(r.body.items.length, 5);
  assert.ok(r.body.items.every((x) => x.date >= '2018-01-01' && x.date <= '2018-12-31' && x.amountFen > 0));
  assert.ok(r.body.pager.total >= v.houses_renovated.num, 'lines cover every household counted');
  const rate = await leader.get('/api/v1/indicators/medical_insurance_rate/records?period=2018&part=b&pageSize=1');
  expectStatus(rate, 200);
  assert.equal(rate.body.pager.total, (await values(leader, 'period=2018&codes=population')).population.num, 'the denominator\'s records');
  expectError(await leader.get('/api/v1/indicators/medical_insurance_rate/records?period=2018&part=c'), 400, 'invalid_input', 'part');
  expectError(await leader.get('/api/v1/indicators/nope/records?period=2018'), 404, 'not_found');
});

test('ind-4 bad periods and an own-scoped user are refused in Chinese', async () => {
  for (const p of ['', '2018-13', '2018-Q5', '18', '2018-02-30~2018-03-01', '2018-06-01~2018-01-01']) {
    const r = await leader.get(`/api/v1/indicators/values?period=${encodeURIComponent(p)}`);
    expectError(r, 400, 'invalid_input', 'period');
    assert.match(r.body.error.message, /统计期间应为/);
  }
  const q = await values(leader, 'period=2018-Q4&codes=dibao_households');
  assert.equal(q.dibao_households.code, 'dibao_households');
  const r = await leader.get('/api/v1/indicators/values?period=2018-Q4');
  assert.deepEqual([r.body.period.from, r.body.period.to, r.body.period.label], ['2018-10-01', '2018-12-31', '2018年第四季度']);
  const m = await leader.get('/api/v1/indicators/values?period=2018-02');
  assert.deepEqual([m.body.period.from, m.body.period.to], ['2018-02-01', '2018-02-28']);
  expectError(await assist.get('/api/v1/indicators/values?period=2018'), 403, 'forbidden');
  expectError(await leader.get('/api/v1/indicators/values?period=2018&codes=nope'), 400, 'invalid_input', 'codes');
});

test('ind-7 the work report\'s figures: poverty as of the year end, those lifted out in and before it, beneficiaries counted as the benefits totals count them, the 2018 cases', async () => {
  const v = await values(leader, 'period=2018');
  const want = {
    poor_persons: '100人', poverty_incidence: '1.24%', poverty_exit_households: '43户', poverty_exit_persons: '116人',
    poverty_consolidated_households: '532户', poverty_consolidated_persons: '1975人', dibao_persons: '251人',
    relief_persons: '421人', relief_yuan: '223.5万元', education_aid_persons: '471人', health_aid_persons: '1321人',
    petitions_handled: '86件', disputes_resolved: '22件', hazards_found: '132处', hazards_rectified: '126处',
  };
  for (const [code, text] of Object.entries(want)) assert.equal(v[code].text, text, code);
  // hand counts over the tables
  const one = (q) => Number(Object.values(sql(srv.db, q)[0])[0]);
  assert.equal(v.poor_persons.num, one("SELECT count(*) AS n FROM persons p JOIN households h ON h.id = p.household_id WHERE p.status = 'active' AND h.poor_year <= 2018 AND (h.exit_year IS NULL OR h.exit_year > 2018)"));
  assert.equal(v.poverty_consolidated_households.num, one('SELECT count(*) AS n FROM households WHERE exit_year < 2018 AND dissolved_on IS NULL'));
  // the same persons as GET /payments/totals
  const t = await leader.get('/api/v1/payments/totals?from=2018-01-01&to=2018-12-31&by=programme');
  expectStatus(t, 200);
  const per = Object.fromEntries(t.body.items.map((i) => [i.key, i.persons]));
  assert.deepEqual([per.dibao, per.jiaoyu, per.yiliao, per.linshi], [v.dibao_persons.num, v.education_aid_persons.num, v.health_aid_persons.num, v.relief_persons.num]);
  // a year earlier: 2017's year end still had the 43 households of 2018 poor
  const y17 = await values(leader, 'period=2017&codes=poor_persons,poverty_exit_households,poverty_consolidated_households');
  const poor17 = one("SELECT count(*) AS n FROM persons p JOIN households h ON h.id = p.household_id WHERE p.status = 'active' AND h.poor_year <= 2017 AND (h.exit_year IS NULL OR h.exit_year > 2017)");
  assert.ok(poor17 >= 100 + 116, `${poor17}: the 2018 leavers were still poor`);
  assert.equal(y17.poor_persons.num, poor17);
  assert.equal(y17.poverty_exit_households.num + y17.poverty_consolidated_households.num, one('SELECT count(*) AS n FROM households WHERE exit_year <= 2017'));
  // the drill-down of a year-dated count lists the households
  const r = await leader.get('/api/v1/indicators/poverty_exit_households/records?period=2018&pageSize=50');
  expectStatus(r, 200);
  assert.deepEqual([r.body.entity.code, r.body.pager.total], ['households', 43]);
});

test('ind-8 a definition with a bad asof or before is refused at start with its file', async () => {
  const { mkdtempSync, cpSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { ROOT, BIN, WEB } = await import('../lib/server.mjs');
  const { spawnSync } = await import('node:child_process');
  for (const bad of [{ asof: ['poor_year'] }, { asof: ['poor_year', 'nope'] }, { before: 'nope' }]) {
    const defs = path.join(mkdtempSync(path.join(tmpdir(), 'zw-defs-')), 'defs');
    cpSync(path.join(ROOT, 'defs'), defs, { recursive: true });
    writeFileSync(path.join(defs, 'indicators', '90_bad.json'), JSON.stringify({ indicators: [{ code: 'bad', name: '坏', unit: '户', count: 'households', ...bad }] }));
    const r = spawnSync(BIN, ['serve', '--db', srv.db, '--defs', defs, '--web', WEB, '--files', path.join(srv.dir, 'files'), '--listen', '127.0.0.1:1'], { encoding: 'utf8', timeout: 20000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /indicators\/90_bad\.json/);
  }
});

test('ind-9 the dashboard\'s indicators are marked in defs: key cards and the 监测 risk slices, and only those the user may read', async () => {
  const r = await leader.get('/api/v1/indicators');
  expectStatus(r, 200);
  const tagged = (tag) => r.body.items.filter((i) => i.dashboard === tag).map((i) => i.code).sort();
  assert.deepEqual(tagged('key'), ['benefit_yuan', 'dibao_households', 'dibao_yuan', 'hazard_rectification_rate', 'households',
    'houses_renovated', 'monitored_households', 'on_time_rate', 'petition_resolution_rate', 'petitions_received',
    'population', 'satisfaction_rate', 'visits_made']);
  assert.deepEqual(tagged('risk'), ['monitored_edge', 'monitored_sudden', 'monitored_unstable']);
  assert.ok(r.body.items.every((i) => i.dashboard === null || ['key', 'risk'].includes(i.dashboard)));
});
