// assessment.test.mjs - the assessment (考核, defs/assessment/*.json) over the
// demo: a month's run scores every village as base + its lines, each line's
// value is the indicator's value for that village and month, subjects are
// ranked; manual items need evidence and another user's approval; an
// approved run is frozen (a correction is a new run); a village user sees
// their own village only, a cadre their own line; the year's tiers come from
// the approved months; bad input is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql } from './lib.mjs';
import { PNG } from './samples.mjs';

let srv, leader, staff, dengta, assist;
before(async () => {
  srv = await startServer({ demoCases: true });
  [leader, staff, dengta, assist] = await Promise.all(['leader', 'staff', 'dengta', 'assist'].map((u) => login(srv.url, u)));
});
after(async () => { if (srv) await srv.stop(); });

// Months in Asia/Shanghai: the current one and the two before it.
const month = (back) => {
  const d = new Date(Date.now() + 8 * 3600e3);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return m.toISOString().slice(0, 7);
};
const CUR = month(0), PREV = month(1), PREV2 = month(2);
const tenths = (x) => Math.round(x * 10);
const sumLines = (s) => s.lines.filter((l) => l.counted).reduce((a, l) => a + tenths(l.points), 0);

const run = async (c, body, status = 201) => {
  const r = await c.post('/api/v1/assessment/runs', body);
  expectStatus(r, status);
  return r.body;
};
const upload = (c, runId, bytes, name) =>
  c.post(`/api/v1/assessment/runs/${runId}/evidence?name=${encodeURIComponent(name)}`, bytes, { 'content-type': 'application/octet-stream' });

test('as-1 the shipped schemes: a village and a cadre scheme, base 100, four tiers', async () => {
  const r = await staff.get('/api/v1/assessment/schemes');
  expectStatus(r, 200);
  const by = Object.fromEntries(r.body.items.map((s) => [s.code, s]));
  assert.equal(by['village-monthly'].subject, 'village');
  assert.equal(by['village-monthly'].base, 100);
  assert.deepEqual(by['village-monthly'].yearly.tiers.map((t) => t.name), ['一等', '二等', '三等', '四等']);
  assert.equal(by['cadre-monthly'].subject, 'cadre');
  const overdue = by['village-monthly'].rules.find((l) => l.code === 'overdue_cases');
  assert.deepEqual([overdue.per, overdue.cap, overdue.indicator], [-2, 20, 'cases_overdue_at_end']);
});

test('as-2 a month: every village scored as base + its lines, each line the indicator value, ranked', async () => {
  const r = await run(staff, { scheme: 'village-monthly', month: CUR });
  assert.equal(r.status, 'draft');
  const villages = sql(srv.db, "SELECT count(*) AS n FROM areas WHERE level = 'village'")[0].n;
  assert.equal(r.subjects.length, villages);
  const scheme = (await staff.get('/api/v1/assessment/schemes')).body.items.find((s) => s.code === 'village-monthly');
  for (const s of r.subjects) {
    assert.equal(tenths(s.score), 1000 + sumLines(s), `${s.name}: score = base + lines`);
    assert.equal(s.lines.length, scheme.rules.length);
    const codes = [...new Set(s.lines.map((l) => l.indicator))].join(',');
    const v = await staff.get(`/api/v1/indicators/values?period=${CUR}&areaId=${s.areaId}&codes=${codes}`);
    expectStatus(v, 200);
    const vals = Object.fromEntries(v.body.items.map((i) => [i.code, i]));
    for (const l of s.lines) {
      assert.deepEqual([l.value.num, l.value.den, l.value.text], [vals[l.indicator].num, vals[l.indicator].den, vals[l.indicator].text], `${s.name} ${l.name}`);
      assert.ok(l.explanation.startsWith(l.name), l.explanation);
    }
  }
  // ranking: scores never increase down the list, ties share a place
  for (let i = 1; i < r.subjects.length; i++) {
    const [a, b] = [r.subjects[i - 1], r.subjects[i]];
    assert.ok(a.score >= b.score);
    assert.equal(b.place, a.score === b.score ? a.place : i + 1);
  }
  assert.equal(r.subjects[0].place, 1);
  // an overdue line explains itself: "超期未办结办件 N件 × −2 = −2N"
  const od = r.subjects.flatMap((s) => s.lines).find((l) => l.code === 'overdue_cases' && l.value.num > 0);
  if (od) assert.ok(od.explanation.startsWith(`超期未办结办件 ${od.value.num}件 × −2 = −${2 * od.value.num}`), od.explanation);
  // running the draft again recomputes it in place
  const again = await run(staff, { scheme: 'village-monthly', month: CUR });
  assert.equal(again.id, r.id);
});

test('as-3 manual items: evidence required, approved by another user only, then counted', async () => {
  const r = await run(staff, { scheme: 'village-monthly', month: PREV });
  const subj = r.subjects.find((s) => s.name.includes('灯塔'));
  assert.ok(subj, '灯塔村 is scored');
  const before = tenths(subj.score);
  const item = { subjectId: subj.id, item: 'supervision', points: -1.5, comment: '督查发现台账不全' };
  expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, item), 400, 'invalid_input', 'evidenceId');
  expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, points: -20 }), 400, 'invalid_input', 'points');
  const ev = await upload(staff, r.id, PNG, '督查通报.png');
  expectStatus(ev, 201);
  const added = await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, evidenceId: ev.body.id });
  expectStatus(added, 201);
  const s1 = added.body.subjects.find((s) => s.id === subj.id);
  const line = s1.lines.find((l) => l.kind === 'manual');
  assert.deepEqual([line.status, line.counted, line.points, line.evidence.name], ['pending', false, -1.5, '督查通报.png']);
  assert.equal(tenths(s1.score), before, 'a pending item does not count');
  // the run cannot be approved with a pending item
  expectError(await leader.post(`/api/v1/assessment/runs/${r.id}/approve`), 409, 'conflict');
  // the leader enters one and approves it himself: refused (four eyes)
  const own = await leader.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, item: 'commendation', points: 2, evidenceId: ev.body.id });
  expectStatus(own, 201);
  const ownLine = own.body.subjects.find((s) => s.id === subj.id).lines.find((l) => l.code === 'commendation');
  expectError(await leader.post(`/api/v1/assessment/items/${ownLine.id}/approve`), 403, 'forbidden');
  // staff may not approve at all
  expectError(await staff.post(`/api/v1/assessment/items/${line.id}/approve`), 403, 'forbidden');
  const ok = await leader.post(`/api/v1/assessment/items/${line.id}/approve`);
  expectStatus(ok, 200);
  const s2 = ok.body.subjects.find((s) => s.id === subj.id);
  assert.equal(tenths(s2.score), before - 15);
  assert.equal(tenths(s2.score), 1000 + sumLines(s2));
  // the evidence is served back
  const file = await dengta.bytes(`/api/v1/assessment/evidence/${ev.body.id}`);
  assert.equal(file.status, 200);
  assert.deepEqual(new Uint8Array(file.bytes), PNG);
  // another village sees neither the line nor its evidence
  const datang = await login(srv.url, 'datang');
  expectError(await datang.get(`/api/v1/assessment/evidence/${ev.body.id}`), 404, 'not_found');
  // the second item: approved by staff? no right; the other way round is fine once staff entered it
  const audit = sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE entity = 'assessment' AND entity_id = '${r.id}' AND action = 'item_approve'`)[0].n;
  assert.equal(audit, 1);
});

test('as-4 approve: frozen afterwards (re-run, items, approval refused, nothing changes); a correction is a new run', async () => {
  const r = await run(staff, { scheme: 'village-monthly', month: PREV2 });
  expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/approve`), 403, 'forbidden');
  // the leader recomputes staff's draft: the figures are now his, and he may not approve them
  assert.equal((await run(leader, { scheme: 'village-monthly', month: PREV2 })).id, r.id);
  expectError(await leader.post(`/api/v1/assessment/runs/${r.id}/approve`), 403, 'forbidden');
  assert.equal((await run(staff, { scheme: 'village-monthly', month: PREV2 })).id, r.id);
  const ok = await leader.post(`/api/v1/assessment/runs/${r.id}/approve`);
  expectStatus(ok, 200);
  assert.equal(ok.body.status, 'approved');
  assert.equal(ok.body.approvedBy.name, '李镇长');
  const frozen = JSON.stringify((await staff.get(`/api/v1/assessment/runs/${r.id}`)).body);
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: PREV2 }), 409, 'conflict');
  expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { subjectId: r.subjects[0].id, item: 'meetings', points: -1, comment: '缺席', evidenceId: 1 }), 409, 'conflict');
  expectError(await leader.post(`/api/v1/assessment/runs/${r.id}/approve`), 409, 'conflict');
  expectError(await upload(staff, r.id, PNG, 'x.png'), 409, 'conflict');
  assert.equal(JSON.stringify((await staff.get(`/api/v1/assessment/runs/${r.id}`)).body), frozen);
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE entity = 'assessment' AND entity_id = '${r.id}' AND action = 'approve'`)[0].n, 1);
  // a correction needs a reason, and makes a new run naming the one it corrects
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: PREV2, correction: true }), 400, 'invalid_input', 'reason');
  const c = await run(staff, { scheme: 'village-monthly', month: PREV2, correction: true, reason: '补录督查结果' });
  assert.notEqual(c.id, r.id);
  assert.deepEqual([c.correctionOf, c.reason, c.status], [r.id, '补录督查结果', 'draft']);
  // the current month can be computed but not approved before it ends
  const cur = (await staff.get(`/api/v1/assessment/runs?scheme=village-monthly`)).body.items.find((x) => x.period === CUR);
  expectError(await leader.post(`/api/v1/assessment/runs/${cur.id}/approve`), 409, 'conflict');
});

test('as-5 a village user sees their own village and its reasons only; a cadre their own line', async () => {
  const list = await dengta.get('/api/v1/assessment/runs?scheme=village-monthly');
  expectStatus(list, 200);
  assert.ok(list.body.items.length >= 1);
  const mine = await dengta.get(`/api/v1/assessment/runs/${list.body.items[0].id}`);
  expectStatus(mine, 200);
  const path = sql(srv.db, "SELECT path FROM areas WHERE code = '500236126205'")[0].path;
  assert.equal(mine.body.subjects.length, 1);
  assert.equal(mine.body.subjects[0].areaPath, path);
  assert.ok(mine.body.subjects[0].lines.length >= 4);
  // no right to run or approve
  expectError(await dengta.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: PREV }), 403, 'forbidden');
  // a cadre run: the assist cadre sees their own line only
  const cr = await run(staff, { scheme: 'cadre-monthly', month: PREV });
  const cadres = sql(srv.db, 'SELECT count(*) AS n FROM assist_cadres WHERE active = 1 AND user_id IS NOT NULL')[0].n;
  assert.equal(cr.subjects.length, cadres);
  for (const s of cr.subjects) assert.equal(tenths(s.score), 1000 + sumLines(s));
  const seen = await assist.get(`/api/v1/assessment/runs/${cr.id}`);
  expectStatus(seen, 200);
  assert.ok(seen.body.subjects.every((s) => s.userId === assist.me.id));
  assert.equal(seen.body.subjects.length, cr.subjects.filter((s) => s.userId === assist.me.id).length);
  // a visit line counts the cadre's own visits of the month
  const vis = sql(srv.db, `SELECT count(*) AS n FROM visits WHERE user_id = ${assist.me.id} AND visited_on LIKE '${PREV}-%'`)[0].n;
  const own = cr.subjects.find((s) => s.userId === assist.me.id);
  if (own) assert.equal(own.lines.find((l) => l.code === 'visits').value.num, vis);
});

test('as-6 the year: averages of the approved months, ranked into tiers', async () => {
  // approve PREV (its item was approved in as-3; the leader's own item is still pending: approve it as staff cannot)
  const prev = (await staff.get('/api/v1/assessment/runs?scheme=village-monthly')).body.items.find((x) => x.period === PREV);
  const detail = (await staff.get(`/api/v1/assessment/runs/${prev.id}`)).body;
  const pending = detail.subjects.flatMap((s) => s.lines).filter((l) => l.status === 'pending');
  const admin = await login(srv.url, 'admin');
  for (const l of pending) expectStatus(await admin.post(`/api/v1/assessment/items/${l.id}/approve`), 200);
  expectStatus(await leader.post(`/api/v1/assessment/runs/${prev.id}/approve`), 200);
  const year = Number(PREV.slice(0, 4));
  const r = await staff.get(`/api/v1/assessment/tiers?scheme=village-monthly&year=${year}`);
  expectStatus(r, 200);
  assert.equal(r.body.method, 'average');
  // the months that count: PREV, and PREV2 if in the same year (its correction is still a draft)
  const months = [PREV, PREV2].filter((m) => m.startsWith(String(year)));
  const runs = (await staff.get(`/api/v1/assessment/runs?scheme=village-monthly&year=${year}`)).body.items
    .filter((x) => x.status === 'approved' && months.includes(x.period));
  const scores = {};
  for (const x of runs) {
    for (const s of (await staff.get(`/api/v1/assessment/runs/${x.id}`)).body.subjects) (scores[s.areaId] ||= []).push(tenths(s.score));
  }
  const n = r.body.items.length;
  assert.equal(n, Object.keys(scores).length);
  for (const it of r.body.items) {
    const v = scores[it.areaId];
    assert.equal(it.months, v.length);
    const avg = v.reduce((a, b) => a + b, 0) / v.length;
    assert.equal(tenths(it.score), Math.round(avg), it.name);
  }
  const tiers = ['一等', '二等', '三等', '四等'];
  for (let i = 1; i < n; i++) {
    assert.ok(r.body.items[i - 1].score >= r.body.items[i].score);
    assert.ok(tiers.indexOf(r.body.items[i - 1].tier) <= tiers.indexOf(r.body.items[i].tier));
  }
  assert.equal(r.body.items[0].tier, '一等');
  // the top 20% (rounded up) are 一等 unless tied below
  const top = Math.ceil(n * 0.2);
  assert.ok(r.body.items.filter((x) => x.place <= top).every((x) => x.tier === '一等'));
  // the village user sees their own row only
  const v = await dengta.get(`/api/v1/assessment/tiers?scheme=village-monthly&year=${year}`);
  expectStatus(v, 200);
  assert.equal(v.body.items.length, 1);
});

test('as-7 bad input: unknown scheme, bad or future month, bad year → 400; unknown run → 404', async () => {
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'nope', month: PREV }), 400, 'invalid_input', 'scheme');
  for (const m of ['2018-13', '2018', '2018-Q1', 'abc', '2018-1', '2018-01-01~2018-01-31'])
    expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: m }), 400, 'invalid_input', 'month');
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: '2099-01' }), 400, 'invalid_input', 'month');
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly' }), 400, 'invalid_input', 'month');
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: PREV, extra: 1 }), 400, 'unknown_field');
  expectError(await staff.get('/api/v1/assessment/tiers?scheme=village-monthly&year=18'), 400, 'invalid_input', 'year');
  expectError(await staff.get('/api/v1/assessment/tiers?scheme=zzz&year=2018'), 400, 'invalid_input', 'scheme');
  // bytes that are not UTF-8, and a long name cut inside a character: a clean 400, the server
  // keeps serving
  expectError(await staff.get('/api/v1/assessment/tiers?scheme=%FF%FE&year=2018'), 400, 'invalid_input', 'scheme');
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: `a${'考'.repeat(21)}`, month: PREV }), 400, 'invalid_input', 'scheme');
  expectStatus(await staff.get('/api/v1/assessment/schemes'), 200);
  expectError(await staff.get('/api/v1/assessment/runs/999999'), 404, 'not_found');
  expectError(await staff.post('/api/v1/assessment/items/999999/approve'), 403, 'forbidden');
  expectError(await leader.post('/api/v1/assessment/items/999999/approve'), 404, 'not_found');
  const before = sql(srv.db, 'SELECT count(*) AS n FROM assess_runs')[0].n;
  expectError(await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: '2018-13' }), 400, 'invalid_input', 'month');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM assess_runs')[0].n, before);
});

test('as-8 bad manual items and corrections: unknown item, zero or finer than 0.1 points, evidence of another run, a correction with nothing approved → 400, nothing stored', async () => {
  // drafts: this month's (it cannot be approved before it ends) of both schemes
  const r = await run(staff, { scheme: 'village-monthly', month: CUR });
  const other = await run(staff, { scheme: 'cadre-monthly', month: CUR });
  assert.notEqual(r.id, other.id);
  const ev = await upload(staff, r.id, PNG, '督查通报.png');
  expectStatus(ev, 201);
  const foreign = await upload(staff, other.id, PNG, '别的月份.png');
  expectStatus(foreign, 201);
  const item = { subjectId: r.subjects[0].id, item: 'supervision', points: -1, comment: '督查发现问题', evidenceId: ev.body.id };
  const lines = () => sql(srv.db, 'SELECT count(*) AS n FROM assess_lines')[0].n;
  const n0 = lines();
  const unknown = await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, item: 'nope' });
  expectError(unknown, 400, 'invalid_input', 'item');
  assert.match(unknown.body.error.message, /没有人工评分项/);
  for (const points of [0, -0.05, 0.05, '1', null, 1e9])
    expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, points }), 400, 'invalid_input', 'points');
  const foreignUse = await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, evidenceId: foreign.body.id });
  expectError(foreignUse, 400, 'invalid_input', 'evidenceId');
  assert.match(foreignUse.body.error.message, /不属于本次考核/);
  expectError(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, { ...item, subjectId: 999999 }), 404, 'not_found');
  assert.equal(lines(), n0, 'no line stored');
  // a correction of a month that has no approved run
  const runs = () => sql(srv.db, 'SELECT count(*) AS n FROM assess_runs')[0].n;
  const r0 = runs();
  const corr = await staff.post('/api/v1/assessment/runs', { scheme: 'village-monthly', month: CUR, correction: true, reason: '补录' });
  expectError(corr, 400, 'invalid_input', 'correction');
  assert.match(corr.body.error.message, /没有已审定的考核/);
  assert.equal(runs(), r0);
  // a valid item still goes in afterwards: the server keeps serving
  expectStatus(await staff.post(`/api/v1/assessment/runs/${r.id}/items`, item), 201);
  assert.equal(lines(), n0 + 1);
});
