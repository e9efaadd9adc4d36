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

const PG = process.env.ZHENWU_TEST_PG || '';
// Every table that holds data.  Sessions and idempotency keys are short-lived
// and not copied; schema_migrations and audit_head are written by the target.
const TABLES = {
  areas: 'id', roles: 'id', role_permissions: 'role_id, perm', users: 'id',
  user_roles: 'user_id, role_id', audit_log: 'id', settings: 'name',
  calendar_years: 'year', calendar_days: 'day', search_docs: 'id',
};
const NOT_COPIED = new Set(['sessions', 'idempotency_keys', 'schema_migrations', 'audit_head']);

let dir;
let src;
const made = [];
const run = (args, env = {}) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ZHENWU_DEMO_PASSWORD: PASSWORD, ...env } });

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8' }).trim();
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
  const out = execFileSync('sqlite3', ['-json', db, `SELECT * FROM ${table} ORDER BY ${order}`], { encoding: 'utf8' }).trim();
  return (out ? JSON.parse(out) : []).map((r) => Object.keys(r).sort().map((k) => (r[k] === null ? null : String(r[k]))));
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-copy-'));
  src = path.join(dir, 'demo.db');
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
    assert.ok(a.length > 0 || ['settings'].includes(t), `${t} has rows in the demo`);
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
  assert.match(again.stderr, /只能复制到空数据库/);
  assert.deepEqual(rows(to, 'users'), before);
});

test('copy-1.5 copy refuses a source whose audit chain is broken', () => {
  const bad = path.join(dir, 'tampered.db');
  assert.equal(run(['init', '--db', bad, '--township', '500236126', '--demo']).status, 0);
  execFileSync('sqlite3', [bad, "UPDATE audit_log SET after_json = '{}' WHERE id = 5"]);
  const to = newTarget('tampered');
  const r = run(['copy', '--from', bad, '--to', to]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /审计日志已损坏/);
  assert.match(r.stderr, /第 5 条/);
});
