// copy.test.mjs - `zhenwu copy`: a demo SQLite database moved into PostgreSQL
// (when ZHENWU_TEST_PG names a cluster) or into another SQLite file, compared
// table by table, row by row; then served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, PASSWORD, startServer, Client } from '../lib/server.mjs';
import { STRONG } from './lib.mjs';

const PG = process.env.ZHENWU_TEST_PG || '';
// Every table that holds data.  Sessions and idempotency keys are short-lived
// and not copied; schema_migrations and audit_head are written by the target.
const TABLES = {
  areas: 'id', roles: 'id', role_permissions: 'role_id, perm', users: 'id',
  user_roles: 'user_id, role_id', audit_log: 'id', settings: 'name',
  calendar_years: 'year', calendar_days: 'day', search_docs: 'id',
  cases: 'id', case_events: 'id', case_clocks: 'case_id, clock', case_serials: 'type, year',
  case_attachments: 'id', case_links: 'case_id, other_id', case_counts: 'area_id, type, state',
  case_created_counts: 'area_path, type, channel, category, month',
  case_closed_counts: 'area_path, type, outcome, satisfied, late, month',
  person_counts: 'area_path, status, sex, insured_medical, insured_serious, insured_pension, poor_year, exit_year, monitor_status',
  household_counts: 'area_path, dissolved, monitor_status, monitor_category, poor_year, exit_year',
  case_documents: 'id',
  case_reminders: 'case_id, clock, run, kind, level', notifications: 'id', outbox: 'id',
  api_keys: 'id', public_requests: 'id',
  households: 'id', household_categories: 'household_id, category', persons: 'id', memberships: 'id',
  guarantee_checks: 'id', incomes: 'id', registry_history: 'id', person_duplicates: 'id',
  assist_cadres: 'id', household_pairs: 'id', household_cases: 'household_id, case_id',
  import_jobs: 'id',
  assess_runs: 'id', assess_subjects: 'id', assess_evidence: 'id', assess_lines: 'id',
  benefit_enrolments: 'id', payment_batches: 'id', payment_batch_lines: 'id', payments: 'id',
  monitor_alerts: 'id', assist_measures: 'id', visits: 'id', visit_photos: 'id',
  period_closes: 'id', period_values: 'close_id, area_path, code', period_records: 'close_id, code, seq',
  report_jobs: 'id',
  notices: 'id', notice_objections: 'id',
};
const NOT_COPIED = new Set(['sessions', 'idempotency_keys', 'schema_migrations', 'audit_head', 'rate_limits', 'data_versions']);

let dir;
let src;
const made = [];
const run = (args, env = {}) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ZHENWU_DEMO_PASSWORD: PASSWORD, ...env } });

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim();
}

// A fresh empty target database: a PostgreSQL database or a SQLite path.
function newTarget(name) {
  if (!PG) return path.join(dir, `${name}.db`);
  const db = `zwcopy_${process.pid}_${name}_${Math.random().toString(36).slice(2, 8)}`;
  psql(`${PG}/postgres`, `CREATE DATABASE ${db}`);
  made.push(db);
  return `${PG}/${db}`;
}

// Rows of a table as arrays of strings (NULL as null), in primary-key order.
function rows(db, table) {
  const order = TABLES[table];
  if (db.startsWith('postgresql://')) {
    const out = psql(db, `SELECT coalesce(json_agg(t), '[]') FROM (SELECT * FROM ${table} ORDER BY ${order}) t`);
    return JSON.parse(out).map((r) => Object.keys(r).sort().map((k) => (r[k] === null ? null : String(r[k]))));
  }
  const out = execFileSync('sqlite3', ['-json', db, `SELECT * FROM ${table} ORDER BY ${order}`], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim();
  return (out ? JSON.parse(out) : []).map((r) => Object.keys(r).sort().map((k) => (r[k] === null ? null : String(r[k]))));
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-copy-'));
  src = path.join(dir, 'demo.db');
  // the whole demo (cases, registry, benefits): every table has rows to compare
  const r = run(['init', '--db', src, '--township', '500236126', '--demo']);
  assert.equal(r.status, 0, r.stderr);
});
after(() => {
  for (const db of made) {
    try {
      psql(`${PG}/postgres`, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db}'`);
      psql(`${PG}/postgres`, `DROP DATABASE IF EXISTS ${db}`);
    } catch { /* best effort */ }
  }
  rmSync(dir, { recursive: true, force: true });
});

test('copy-1.1 every data table of the schema is in the comparison list', () => {
  const out = execFileSync('sqlite3', [src, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%'"], { encoding: 'utf8' });
  const tables = out.trim().split('\n').filter((t) => !NOT_COPIED.has(t)).sort();
  assert.deepEqual(tables, Object.keys(TABLES).sort());
});

test(`copy-1.2 the demo database copies into ${PG ? 'PostgreSQL' : 'SQLite'} and every table matches row by row`, () => {
  const to = newTarget('full');
  const r = run(['copy', '--from', src, '--to', to, '--batch', '17']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /行数一致/);
  assert.match(r.stdout, /审计日志完整/);
  assert.match(r.stderr, /复制 areas\s+93 \/ 93/);
  for (const t of Object.keys(TABLES)) {
    const a = rows(src, t);
    const b = rows(to, t);
    assert.ok(a.length > 0 || ['settings', 'cases', 'case_events', 'case_clocks', 'case_serials', 'case_attachments', 'case_links', 'case_documents', 'case_counts', 'case_reminders', 'notifications', 'outbox', 'api_keys', 'public_requests', 'import_jobs', 'visit_photos', 'assess_runs', 'assess_subjects', 'assess_evidence', 'assess_lines', 'period_closes', 'period_values', 'period_records', 'report_jobs', 'notices', 'notice_objections'].includes(t), `${t} has rows in the demo`);
    assert.deepEqual(b, a, `table ${t} differs`);
  }
  const check = run(['check', 'audit', '--db', to]);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test('copy-1.3 the copy serves: logins, scope, new ids after the copied ones, search', async () => {
  const to = newTarget('serve');
  assert.equal(run(['copy', '--from', src, '--to', to]).status, 0);
  const srv = await startServer({ db: to });
  try {
    const c = new Client(srv.url);
    assert.equal((await c.login('dengta')).status, 200);
    const top = await c.get('/api/v1/areas');
    assert.deepEqual(top.body.items.map((x) => x.name), ['灯塔村']);
    const hits = await c.get('/api/v1/search?q=' + encodeURIComponent('大淌'));
    assert.equal(hits.body.pager.total, 0);
    const kid = await c.post('/api/v1/areas', { parentId: top.body.items[0].id, level: 'grid', name: '复制后新网格' });
    assert.equal(kid.status, 201, kid.text);
    const maxId = Number(execFileSync('sqlite3', [src, 'SELECT max(id) FROM areas'], { encoding: 'utf8' }).trim());
    assert.ok(kid.body.id > maxId, `new area id ${kid.body.id} follows the copied ids (max ${maxId})`);
    assert.equal((await c.get('/api/v1/search?q=' + encodeURIComponent('复制后新'))).body.pager.total, 1);
  } finally {
    await srv.stop();
  }
});

test('copy-1.4 copy refuses a non-empty target and changes nothing there', () => {
  const to = newTarget('twice');
  assert.equal(run(['copy', '--from', src, '--to', to]).status, 0);
  const before = rows(to, 'users');
  const again = run(['copy', '--from', src, '--to', to]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /不是空数据库/);
  assert.match(again.stderr, /--merge/);
  assert.deepEqual(rows(to, 'users'), before);
});

test('copy-1.5 copy refuses a source whose audit chain is broken', () => {
  const bad = path.join(dir, 'tampered.db');
  assert.equal(run(['init', '--db', bad, '--township', '500236126', '--demo', '--no-demo-cases']).status, 0);
  execFileSync('sqlite3', [bad, "UPDATE audit_log SET after_json = '{}' WHERE id = 5"]);
  const to = newTarget('tampered');
  const r = run(['copy', '--from', bad, '--to', to]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /审计日志已损坏/);
  assert.match(r.stderr, /第 5 条/);
});

// A second township: 双胜镇 (四川省巴中市恩阳区), bundled in defs/areas, with two users.
function secondTownship(name) {
  const db = path.join(dir, `${name}.db`);
  assert.equal(run(['init', '--db', db, '--township', '511903114']).status, 0);
  const add = (u, n, area, role) => {
    const r = run(['user', 'add', '--db', db, '--username', u, '--name', n, '--area', area, '--role', role], { ZHENWU_PASSWORD: STRONG });
    assert.equal(r.status, 0, r.stderr);
  };
  add('ss.admin', '双胜管理员', '511903114000', 'sysadmin');
  add('ss.cadre', '钟锋社区干部', '511903114002', 'village_cadre');
  return db;
}

async function firstLogin(url, username) {
  const c = new Client(url);
  assert.equal((await c.login(username, STRONG)).status, 200);
  assert.equal((await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: 'Merged-Town-2026' })).status, 204);
  return c;
}

test('copy-2.1 --merge puts a second township beside the first, each in its own subtree', async () => {
  const to = newTarget('merge');
  const other = secondTownship('shuangsheng');
  assert.equal(run(['copy', '--from', src, '--to', to]).status, 0);
  const plain = run(['copy', '--from', other, '--to', to]);
  assert.notEqual(plain.status, 0, 'a non-empty target needs --merge');
  const r = run(['copy', '--from', other, '--to', to, '--merge']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /已合并/);
  assert.match(r.stdout, /并入区划 15 个、用户 2 个/);
  assert.match(r.stdout, /审计日志完整/);
  assert.equal(run(['check', 'audit', '--db', to]).status, 0);
  const srv = await startServer({ db: to });
  try {
    // The national admin of the first township sees both counties at the top.
    const admin = new Client(srv.url);
    assert.equal((await admin.login('admin')).status, 200);
    const tops = (await admin.get('/api/v1/areas')).body.items.map((x) => x.name).sort();
    assert.deepEqual(tops, ['奉节县', '恩阳区'].sort());
    // The merged cadre sees only their community; 灯塔村's cadre sees none of 双胜镇.
    const cadre = await firstLogin(srv.url, 'ss.cadre');
    assert.deepEqual((await cadre.get('/api/v1/areas')).body.items.map((x) => x.name), ['钟锋社区']);
    assert.equal((await cadre.get('/api/v1/search?q=' + encodeURIComponent('灯塔'))).body.pager.total, 0);
    const dengta = new Client(srv.url);
    assert.equal((await dengta.login('dengta')).status, 200);
    assert.equal((await dengta.get('/api/v1/search?q=' + encodeURIComponent('钟锋'))).body.pager.total, 0);
    // The merge is on the record: the source chain's length and final hash.
    const auditor = new Client(srv.url);
    assert.equal((await auditor.login('auditor')).status, 200);
    const rows = (await auditor.get('/api/v1/audit?action=merge')).body.items;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].after.sourceRows > 0, true);
    assert.match(rows[0].after.sourceLastHash, /^[0-9a-f]{64}$/);
    // The merged users' audit rows point at their new ids.
    const created = (await auditor.get('/api/v1/audit?entity=user&action=create&pageSize=200')).body.items;
    const ssAdmin = created.find((x) => x.after && x.after.username === 'ss.cadre');
    const me = (await cadre.get('/api/v1/me')).body;
    assert.equal(ssAdmin.entityId, String(me.id));
  } finally {
    await srv.stop();
  }
});

test('copy-2.2 --merge refuses a township already there and a username taken, writing nothing', () => {
  const to = newTarget('merge2');
  const other = secondTownship('shuangsheng2');
  assert.equal(run(['copy', '--from', src, '--to', to]).status, 0);
  assert.equal(run(['copy', '--from', other, '--to', to, '--merge']).status, 0);
  const users = rows(to, 'users').length;
  const audit = rows(to, 'audit_log').length;
  const again = run(['copy', '--from', other, '--to', to, '--merge']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /已有乡镇 双胜镇/);
  // A third township whose admin is called "admin", like the first one's.
  const third = path.join(dir, 'zhulin.db');
  assert.equal(run(['init', '--db', third, '--township', '522627112']).status, 0);
  assert.equal(run(['user', 'add', '--db', third, '--username', 'admin', '--name', '竹林管理员', '--area', '522627112000', '--role', 'sysadmin'], { ZHENWU_PASSWORD: STRONG }).status, 0);
  const clash = run(['copy', '--from', third, '--to', to, '--merge']);
  assert.notEqual(clash.status, 0);
  assert.match(clash.stderr, /用户名“admin”在目标数据库中已被使用/);
  assert.equal(rows(to, 'users').length, users);
  assert.equal(rows(to, 'audit_log').length, audit);
  assert.equal(run(['check', 'audit', '--db', to]).status, 0);
});
