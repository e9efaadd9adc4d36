// indicators_handcount.test.mjs - every shipped indicator of defs/indicators/
// against a count made by hand over the demo's records (its own SQL, or the
// rows fetched and counted here), for 2018, for the township and for 灯塔村;
// a ratio's numerator and denominator are the hand counts of its parts.  A
// new indicator without a hand count here fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { login, expectStatus, sql, DENGTA_CODE } from './lib.mjs';

let srv, leader, areas;
before(async () => {
  srv = await startServer({ demoCases: true });
  leader = await login(srv.url, 'leader');
  const township = sql(srv.db, "SELECT id, path FROM areas WHERE level = 'township'")[0];
  const dengta = sql(srv.db, `SELECT id, path FROM areas WHERE code = '${DENGTA_CODE}'`)[0];
  areas = [township, dengta];
});
after(async () => { if (srv) await srv.stop(); });

const DEFS = readdirSync(path.join(ROOT, 'defs/indicators')).filter((f) => f.endsWith('.json')).sort()
  .flatMap((f) => JSON.parse(readFileSync(path.join(ROOT, 'defs/indicators', f), 'utf8')).indicators);

// 2018 in the server's local time (UTC+8), as epoch seconds, and as dates.
const F = Date.UTC(2018, 0, 1) / 1000 - 8 * 3600;
const T = Date.UTC(2019, 0, 1) / 1000 - 8 * 3600;
const D0 = '2018-01-01';
const D1 = '2018-12-31';
const Y = 2018;

const n = (q) => Number(sql(srv.db, q)[0].n);

// One hand count per base indicator: (area path) -> number.
function cases(p, cond) {
  return n(`SELECT count(*) AS n FROM cases c WHERE c.area_path LIKE '${p}%' AND c.state <> 'merged' AND ${cond}`);
}
function persons(p, cond = '1 = 1') {
  return n(`SELECT count(*) AS n FROM persons p LEFT JOIN households h ON h.id = p.household_id
            WHERE p.area_path LIKE '${p}%' AND p.status = 'active' AND ${cond}`);
}
function households(p, cond = '1 = 1') {
  return n(`SELECT count(*) AS n FROM households h WHERE h.area_path LIKE '${p}%' AND h.dissolved_on IS NULL AND ${cond}`);
}
const PAID = `paid_on >= '${D0}' AND paid_on <= '${D1}'`;
function paySum(p, progs) {
  const w = progs ? `AND programme IN (${progs.map((x) => `'${x}'`).join(', ')})` : '';
  return n(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM payments WHERE area_path LIKE '${p}%' AND ${PAID} ${w}`);
}
function payHouseholds(p, progs) {
  const w = progs ? `AND programme IN (${progs.map((x) => `'${x}'`).join(', ')})` : '';
  return n(`SELECT count(DISTINCT household_id) AS n FROM payments WHERE area_path LIKE '${p}%' AND ${PAID} ${w}`);
}
// Beneficiaries as the benefit totals count them: per household, the largest number of
// persons paid in one programme and period (summing the lines of that period), added up.
function beneficiaries(p, prog) {
  const rows = sql(srv.db, `SELECT household_id, programme, period, persons FROM payments
    WHERE area_path LIKE '${p}%' AND ${PAID} AND programme = '${prog}'`);
  const per = new Map();
  for (const r of rows) {
    const k = `${r.household_id}|${r.programme}|${r.period}`;
    per.set(k, (per.get(k) || 0) + Number(r.persons));
  }
  const best = new Map();
  for (const [k, v] of per) {
    const h = k.split('|')[0];
    best.set(h, Math.max(best.get(h) || 0, v));
  }
  return [...best.values()].reduce((a, b) => a + b, 0);
}
// Open at the year's end with a running clock already due then (期末超期).
function overdueAtEnd(p, types) {
  const w = types ? `AND c.type IN (${types.map((x) => `'${x}'`).join(', ')})` : '';
  const rows = sql(srv.db, `SELECT c.id, c.created_at, c.closed_at, k.started_at, k.due_at, k.stopped_at, k.paused_at
    FROM cases c JOIN case_clocks k ON k.case_id = c.id WHERE c.area_path LIKE '${p}%' AND c.state <> 'merged' ${w}`);
  const ids = new Set();
  for (const r of rows) {
    const open = r.created_at < T && (r.closed_at === 0 || r.closed_at >= T);
    const due = r.paused_at === 0 && r.started_at < T && r.due_at < T && (r.stopped_at === 0 || r.stopped_at >= T);
    if (open && due) ids.add(r.id);
  }
  return ids.size;
}
const created = (type) => `c.type = '${type}' AND c.created_at >= ${F} AND c.created_at < ${T}`;
const closedIn = `c.closed_at >= ${F} AND c.closed_at < ${T}`;
const LATE = 'EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND k.paused_at = 0 AND k.stopped_at > k.due_at)';
const POOR_HH = `h.poor_year > 0 AND h.poor_year <= ${Y} AND (h.exit_year IS NULL OR h.exit_year = 0 OR h.exit_year > ${Y})`;

const HAND = {
  petitions_received: (p) => cases(p, created('petition')),
  petitions_resolved: (p) => cases(p, `c.type = 'petition' AND c.outcome = 'resolved' AND ${closedIn}`),
  disputes_mediated: (p) => cases(p, created('dispute')),
  disputes_resolved: (p) => cases(p, `c.type = 'dispute' AND c.outcome = 'resolved' AND ${closedIn}`),
  hazards_found: (p) => cases(p, created('hazard')),
  hazards_rectified: (p) => cases(p, `c.type = 'hazard' AND ${closedIn}`),
  cases_closed: (p) => cases(p, closedIn),
  cases_closed_on_time: (p) => cases(p, `${closedIn} AND NOT ${LATE}`),
  cases_rated: (p) => cases(p, `${closedIn} AND c.satisfied IN (0, 1)`),
  cases_satisfied: (p) => cases(p, `${closedIn} AND c.satisfied = 1`),
  population: (p) => persons(p),
  households: (p) => households(p),
  insured_medical: (p) => persons(p, 'p.insured_medical = 1'),
  monitored_households: (p) => households(p, "h.monitor_status = 'monitored'"),
  monitored_persons: (p) => persons(p, "h.monitor_status = 'monitored'"),
  monitored_unstable: (p) => households(p, "h.monitor_status = 'monitored' AND h.monitor_category = 'unstable'"),
  monitored_edge: (p) => households(p, "h.monitor_status = 'monitored' AND h.monitor_category = 'edge'"),
  monitored_sudden: (p) => households(p, "h.monitor_status = 'monitored' AND h.monitor_category = 'sudden'"),
  dibao_households: (p) => payHouseholds(p, ['dibao']),
  dibao_yuan: (p) => paySum(p, ['dibao']),
  education_aid_yuan: (p) => paySum(p, ['jiaoyu']),
  health_aid_yuan: (p) => paySum(p, ['yiliao']),
  microcredit_yuan: (p) => paySum(p, ['xindai']),
  houses_renovated: (p) => payHouseholds(p, ['weifang']),
  benefit_households: (p) => payHouseholds(p, null),
  benefit_yuan: (p) => paySum(p, null),
  visits_made: (p) => n(`SELECT count(*) AS n FROM visits WHERE area_path LIKE '${p}%' AND visited_on >= '${D0}' AND visited_on <= '${D1}'`),
  measures_done: (p) => n(`SELECT count(*) AS n FROM assist_measures m JOIN households h ON h.id = m.household_id
    WHERE h.area_path LIKE '${p}%' AND m.status = 'done' AND m.done_on >= '${D0}' AND m.done_on <= '${D1}'`),
  poor_persons: (p) => persons(p, POOR_HH),
  poverty_exit_households: (p) => households(p, `h.exit_year = ${Y}`),
  poverty_exit_persons: (p) => persons(p, `h.exit_year = ${Y}`),
  poverty_consolidated_households: (p) => households(p, `h.exit_year > 0 AND h.exit_year < ${Y}`),
  poverty_consolidated_persons: (p) => persons(p, `h.exit_year > 0 AND h.exit_year < ${Y}`),
  dibao_persons: (p) => beneficiaries(p, 'dibao'),
  relief_persons: (p) => beneficiaries(p, 'linshi'),
  relief_yuan: (p) => paySum(p, ['dibao', 'tekun', 'linshi']),
  education_aid_persons: (p) => beneficiaries(p, 'jiaoyu'),
  health_aid_persons: (p) => beneficiaries(p, 'yiliao'),
  petitions_handled: (p) => cases(p, `c.type = 'petition' AND ${closedIn}`),
  cases_overdue_at_end: (p) => overdueAtEnd(p, null),
  hazards_overdue_at_end: (p) => overdueAtEnd(p, ['hazard', 'rectification']),
};

test('ihc-1 every shipped indicator equals its hand count for 2018, for the township and for 灯塔村', async () => {
  const base = DEFS.filter((d) => !d.ratio && !d.difference);
  assert.deepEqual(base.map((d) => d.code).filter((c) => !HAND[c]), [], 'every base indicator has a hand count');
  let nonzero = 0;
  for (const a of areas) {
    const r = await leader.get(`/api/v1/indicators/values?period=2018&areaId=${a.id}`);
    expectStatus(r, 200);
    const v = Object.fromEntries(r.body.items.map((i) => [i.code, i]));
    const hand = {};
    for (const d of base) {
      hand[d.code] = HAND[d.code](a.path);
      assert.deepEqual([v[d.code].num, v[d.code].den], [hand[d.code], 1], `${d.code} (${d.name}) at ${a.path}`);
      if (hand[d.code] > 0) nonzero++;
    }
    for (const d of DEFS.filter((x) => x.ratio || x.difference)) {
      const [pa, pb] = d.ratio || d.difference;
      const want = d.ratio ? [hand[pa], hand[pb]] : [hand[pa] - hand[pb], 1];
      assert.deepEqual([v[d.code].num, v[d.code].den], want, `${d.code} (${d.name}) at ${a.path}`);
    }
  }
  assert.ok(nonzero >= 50, `the demo gives most indicators something to count (${nonzero})`);
  // the report's published figures among them
  const town = Object.fromEntries((await leader.get('/api/v1/indicators/values?period=2018')).body.items.map((i) => [i.code, i.text]));
  assert.deepEqual([town.poverty_exit_households, town.poverty_exit_persons, town.poverty_incidence, town.petitions_handled],
    ['43户', '116人', '1.24%', '86件']);
});
