// Audit: every change writes a row in the same request, failed logins are
// audited, secrets never reach the audit, and the hash chain detects
// tampering (`zhenwu check audit`).  On SQLite the tampering is done to
// copies of the live database; on PostgreSQL to the live database itself, and
// every change is undone afterwards (the chain must then pass again).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, Client, zw } from '../lib/server.mjs';
import {
  login, expectError, expectStatus, sql, sqlExec, roleIds, areaTree, createUser, isPgUrl, DENGTA_CODE, STRONG,
} from './lib.mjs';

let srv, admin, auditor, roles, dengta;

// Runs `zhenwu check audit --db db`; returns { code, out } (stdout + stderr).
function checkAudit(db) {
  try {
    const out = zw(['check', 'audit', '--db', db]);
    return { code: 0, out };
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return { code: e.status, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

// A consistent copy of the live SQLite database (the server keeps running).
let copies = 0;
function copyDb() {
  const to = path.join(srv.dir, `copy-${++copies}.db`);
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, `.backup '${to}'`]);
  return to;
}

// The database to tamper with: a fresh copy on SQLite, the live one on PostgreSQL
// (nothing else writes to it while a test of this file runs; tamperCheckRestore()
// puts every change back).
const tamperDb = () => (isPgUrl(srv.db) ? srv.db : copyDb());

// Removes any trigger that guards audit_log, as a tamperer with file access would.
function dropAuditTriggers(db) {
  const trig = sql(db, "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'");
  for (const t of trig) sqlExec(db, `DROP TRIGGER "${t.name}"`);
  return trig.map((t) => t.name);
}

// Runs `stmt` on audit_log past any trigger that guards it, as a tamperer with
// file access (SQLite: the triggers are dropped) or with the table owner's rights
// (PostgreSQL: user triggers are disabled for this one transaction) would.
// Returns the names of those triggers.
function tamper(db, stmt) {
  if (!isPgUrl(db)) {
    const trig = dropAuditTriggers(db);
    sqlExec(db, stmt);
    return trig;
  }
  const trig = sql(db, "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal");
  sqlExec(db, `BEGIN; ALTER TABLE audit_log DISABLE TRIGGER USER; ${stmt}; ALTER TABLE audit_log ENABLE TRIGGER USER; COMMIT`);
  return trig.map((t) => t.name);
}

// An SQL literal, the same on both engines.
const lit = (v) => (v === null || v === undefined ? 'NULL'
  : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

// Tampers with db (see tamper()), runs check(), then puts the original rows back
// (also when check() throws) and asserts the chain passes again.  `rows` are the
// audit_log rows as they were (SELECT *); `undo(rows)` gives the statement that
// restores them.
function tamperCheckRestore(db, stmt, rows, undo, check) {
  try {
    check(tamper(db, stmt));
  } finally {
    tamper(db, undo(rows));
  }
  const again = checkAudit(db);
  assert.equal(again.code, 0, `chain intact again after the original rows were restored: ${again.out}`);
}

const auditRows = (where = '1=1') => sql(srv.db, `SELECT * FROM audit_log WHERE ${where} ORDER BY id`);
const maxAuditId = () => sql(srv.db, 'SELECT coalesce(max(id),0) AS m FROM audit_log')[0].m;

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  auditor = await login(srv.url, 'auditor');
  roles = await roleIds(admin);
  dengta = (await areaTree(admin)).villages.get(DENGTA_CODE);
  assert.ok(dengta);
});

after(async () => { if (srv) await srv.stop(); });

let userId;

test('create user writes one audit row in the same request, without password data', async () => {
  const m0 = maxAuditId();
  const r = await createUser(admin, {
    username: 'audit.me', name: '审计对象', password: STRONG, areaId: dengta.id,
    roleIds: [roles.staff], phone: '13700000007',
  });
  expectStatus(r, 201, 'create:');
  userId = r.body.id;
  // read the database right after the answer: the row is already committed
  const rows = auditRows(`id > ${m0}`);
  const mine = rows.filter((x) => x.entity === 'user' && String(x.entity_id) === String(userId));
  assert.equal(mine.length, 1, `one audit row for the new user: ${JSON.stringify(rows)}`);
  const a = mine[0];
  assert.equal(a.action, 'create');
  assert.equal(a.username, 'admin');
  assert.equal(a.user_id, admin.me.id);
  assert.equal(a.ip, '127.0.0.1');
  assert.ok(a.at > 1.7e9 && a.at < 4e9, `at is epoch seconds: ${a.at}`);
  assert.ok(a.before_json === null || a.before_json === 'null', 'create has no before');
  const afterObj = JSON.parse(a.after_json);
  assert.equal(afterObj.username, 'audit.me');
  assert.equal(afterObj.name, '审计对象');
  assert.match(a.hash, /^[0-9a-f]{64}$/i, 'hash is a SHA-256 hex');
  assert.ok(a.prev_hash, 'prev_hash set');
  const prev = sql(srv.db, `SELECT hash FROM audit_log WHERE id < ${a.id} ORDER BY id DESC LIMIT 1`);
  if (prev.length) assert.equal(a.prev_hash, prev[0].hash, 'prev_hash links to the previous row');
  for (const x of rows) {
    const t = `${x.before_json} ${x.after_json}`;
    assert.ok(!/argon2|password_?hash/i.test(t), `no password hash in audit row ${x.id}: ${t}`);
    assert.ok(!t.includes(STRONG), `no plain password in audit row ${x.id}`);
  }
});

test('the auditor sees the create row through the API', async () => {
  const r = await auditor.get(`/api/v1/audit?entity=user&entityId=${userId}`);
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, 1);
  const x = r.body.items[0];
  assert.equal(x.action, 'create');
  assert.equal(x.entity, 'user');
  assert.equal(String(x.entityId), String(userId));
  assert.equal(x.username, 'admin');
  assert.equal(x.userId, admin.me.id);
  assert.equal(x.before, null);
  assert.equal(x.after.username, 'audit.me');
  assert.match(x.at, /\+08:00$/);
  assert.ok(!/argon2|password_?hash/i.test(r.text));
});

test('update writes before and after; a refused update writes nothing', async () => {
  const g = await admin.get(`/api/v1/users/${userId}`);
  const m0 = maxAuditId();
  const p = await admin.patch(`/api/v1/users/${userId}`, { name: '审计对象二' }, { 'if-match': g.headers.get('etag') });
  expectStatus(p, 200);
  const rows = auditRows(`id > ${m0} AND entity='user' AND entity_id='${userId}'`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'update');
  assert.equal(JSON.parse(rows[0].before_json).name, '审计对象');
  assert.equal(JSON.parse(rows[0].after_json).name, '审计对象二');

  const m1 = maxAuditId();
  expectError(await admin.patch(`/api/v1/users/${userId}`, { name: '陈旧' }, { 'if-match': g.headers.get('etag') }), 412, 'stale_version');
  expectError(await createUser(admin, { username: 'audit.me', name: '重复', password: STRONG, areaId: dengta.id, roleIds: [roles.staff] }), 409, 'conflict');
  assert.equal(auditRows(`id > ${m1} AND entity='user'`).length, 0, 'failed writes leave no audit row');
});

test('admin password reset is audited without the password', async () => {
  const g = await admin.get(`/api/v1/users/${userId}`);
  const m0 = maxAuditId();
  const pw = 'Reset-Audit-Passw0rd';
  expectStatus(await admin.patch(`/api/v1/users/${userId}`, { password: pw }, { 'if-match': g.headers.get('etag') }), 200);
  const rows = auditRows(`id > ${m0}`);
  assert.ok(rows.length >= 1, 'reset is audited');
  for (const x of rows) {
    const t = `${x.before_json} ${x.after_json}`;
    assert.ok(!t.includes(pw) && !/argon2/i.test(t), `no password in audit row ${x.id}: ${t}`);
  }
});

test('failed logins are audited as login_failed (known and unknown user); success as login', async () => {
  const m0 = maxAuditId();
  const c = new Client(srv.url);
  expectError(await c.login('staff', 'Wrong-Passw0rd!'), 401, 'bad_credentials');
  expectError(await c.login('ghost.user', 'Wrong-Passw0rd!'), 401, 'bad_credentials');
  const rows = auditRows(`id > ${m0}`);
  const failed = rows.filter((x) => x.action === 'login_failed');
  assert.equal(failed.length, 2, `two login_failed rows: ${JSON.stringify(rows)}`);
  const mentions = (x, name) => x.username === name || String(x.after_json).includes(name);
  assert.ok(mentions(failed[0], 'staff'), 'first names staff');
  assert.ok(mentions(failed[1], 'ghost.user'), 'second names the unknown user');
  for (const x of failed) assert.ok(!String(x.after_json).includes('Wrong-Passw0rd'), 'the tried password is not kept');

  const m1 = maxAuditId();
  const s = await login(srv.url, 'staff');
  const ok = auditRows(`id > ${m1} AND action='login'`);
  assert.equal(ok.length, 1);
  assert.equal(ok[0].user_id, s.me.id);
  const m2 = maxAuditId();
  expectStatus(await s.del('/api/v1/session'), 204);
  assert.equal(auditRows(`id > ${m2} AND action='logout'`).length, 1);

  const api = await auditor.get('/api/v1/audit?action=login_failed');
  expectStatus(api, 200);
  assert.ok(api.body.items.length >= 2);
  assert.ok(api.body.items.every((x) => x.action === 'login_failed'));
  // newest first
  const ids = api.body.items.map((x) => x.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
});

test('password change is audited as password_change', async () => {
  const c = await login(srv.url, 'audit.me', 'Reset-Audit-Passw0rd');
  const m0 = maxAuditId();
  expectStatus(await c.post('/api/v1/me/password', { oldPassword: 'Reset-Audit-Passw0rd', newPassword: 'Brand-New-Passw0rd' }), 204);
  const rows = auditRows(`id > ${m0}`);
  assert.ok(rows.some((x) => x.action === 'password_change' && x.user_id === c.me.id), JSON.stringify(rows));
  for (const x of rows) assert.ok(!`${x.before_json}${x.after_json}`.includes('Passw0rd'), 'no password text');
});

test('the audit API is read-only and auditor-only', async () => {
  expectError(await admin.get('/api/v1/audit'), 403, 'forbidden');
  const staff = await login(srv.url, 'staff');
  expectError(await staff.get('/api/v1/audit'), 403, 'forbidden');
  const n = maxAuditId();
  const r = await auditor.req('DELETE', `/api/v1/audit/${n}`);
  assert.ok(r.status === 404 || r.status === 405, `DELETE audit row: ${r.status}`);
  const p = await auditor.patch(`/api/v1/audit/${n}`, { action: 'x' }, { 'if-match': '"v1"' });
  assert.ok(p.status === 404 || p.status === 405, `PATCH audit row: ${p.status}`);
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE id=${n}`)[0].n, 1);
});

test('zhenwu check audit: intact chain exits 0', () => {
  // a copy (SQLite), or the live database itself (PostgreSQL: there is no file to copy)
  const db = tamperDb();
  const r = checkAudit(db);
  assert.equal(r.code, 0, `exit code, output: ${r.out}`);
  assert.match(r.out, /intact|完整|\bok\b/i, `says the chain is intact: ${r.out}`);
  // the live database too (WAL mode allows reading while serving)
  const live = checkAudit(srv.db);
  assert.equal(live.code, 0, `live db: ${live.out}`);
});

test('zhenwu check audit: an edited after_json is found and its id named', () => {
  const db = tamperDb();
  const rows = sql(db, 'SELECT id FROM audit_log ORDER BY id');
  assert.ok(rows.length >= 5, `enough audit rows: ${rows.length}`);
  const target = sql(db, `SELECT id FROM audit_log WHERE entity='user' AND action='create' AND entity_id='${userId}'`)[0].id;
  const orig = sql(db, `SELECT * FROM audit_log WHERE id = ${target}`);
  tamperCheckRestore(db, `UPDATE audit_log SET after_json = replace(after_json, '审计对象', '篡改对象') WHERE id = ${target}`,
    orig, ([o]) => `UPDATE audit_log SET after_json = ${lit(o.after_json)} WHERE id = ${o.id}`, (triggers) => {
      assert.match(sql(db, `SELECT after_json FROM audit_log WHERE id=${target}`)[0].after_json, /篡改对象/);
      const r = checkAudit(db);
      assert.notEqual(r.code, 0, `tampered chain must fail (triggers dropped: ${triggers}): ${r.out}`);
      assert.match(r.out, new RegExp(`\\b${target}\\b`), `output names row ${target}: ${r.out}`);
    });
});

test('zhenwu check audit: a changed hash of one row is found', () => {
  const db = tamperDb();
  const ids = sql(db, 'SELECT id FROM audit_log ORDER BY id').map((x) => x.id);
  const target = ids[Math.floor(ids.length / 2)];
  const orig = sql(db, `SELECT * FROM audit_log WHERE id = ${target}`);
  tamperCheckRestore(db, `UPDATE audit_log SET username = 'nobody' WHERE id = ${target}`,
    orig, ([o]) => `UPDATE audit_log SET username = ${lit(o.username)} WHERE id = ${o.id}`, () => {
      const r = checkAudit(db);
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`\\b${target}\\b`), `output names row ${target}: ${r.out}`);
    });
});

test('zhenwu check audit: a deleted row is found', () => {
  const db = tamperDb();
  const ids = sql(db, 'SELECT id FROM audit_log ORDER BY id').map((x) => x.id);
  assert.ok(ids.length >= 5);
  const k = ids.indexOf(sql(db, `SELECT id FROM audit_log WHERE entity='user' AND action='create' AND entity_id='${userId}'`)[0].id);
  const target = ids[k];
  const next = ids[k + 1];
  assert.ok(next, 'a row follows the deleted one');
  const orig = sql(db, `SELECT * FROM audit_log WHERE id = ${target}`);
  assert.equal(orig.length, 1);
  const cols = Object.keys(orig[0]);
  tamperCheckRestore(db, `DELETE FROM audit_log WHERE id = ${target}`, orig,
    ([o]) => `INSERT INTO audit_log (${cols.join(', ')}) VALUES (${cols.map((c) => lit(o[c])).join(', ')})`, () => {
      assert.equal(sql(db, `SELECT count(*) AS n FROM audit_log WHERE id = ${target}`)[0].n, 0, 'row deleted');
      const r = checkAudit(db);
      assert.notEqual(r.code, 0, `deleted row must break the chain: ${r.out}`);
      assert.match(r.out, new RegExp(`\\b(${target}|${next})\\b`), `output names row ${target} (gap) or ${next} (first broken): ${r.out}`);
    });
  assert.deepEqual(sql(db, `SELECT * FROM audit_log WHERE id = ${target}`), orig, 'the deleted row is back as it was');
});

test('the live chain is still intact after all of the above', async () => {
  // more writes after the copies were tampered with
  expectStatus(await createUser(admin, {
    username: 'audit.last', name: '最后', password: STRONG, areaId: dengta.id, roleIds: [roles.staff],
  }), 201);
  const r = checkAudit(srv.db);
  assert.equal(r.code, 0, r.out);
});
