// Online backup under write load, then restore: every write acknowledged
// before the backup started is in the backup, the backup's audit chain is
// intact, and a restored database serves.
//
// `zhenwu backup`/`restore` are for SQLite files.  A PostgreSQL deployment is
// backed up with pg_dump (and restored with pg_restore): there the same tests
// run with those tools, and `zhenwu backup`/`restore` must refuse the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startServer, zw, BIN, WEB, PASSWORD, ROOT, ENGINE, freePort, pgCreateDb, pgDropDb,
} from '../lib/server.mjs';
import { login, expectStatus, sql, roleIds, areaTree, allUsers, sleep, DENGTA_CODE, STRONG } from './lib.mjs';

let srv, admin, roles, dengta, work;
const PG = ENGINE === 'postgresql';
const pgDbs = []; // databases this file created (PostgreSQL), dropped at the end

function run(args) {
  return runCmd(BIN, args);
}

function runCmd(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ZHENWU_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

function checkAudit(db) {
  try {
    return { code: 0, out: zw(['check', 'audit', '--db', db]) };
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return { code: e.status, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

// A backup of the live database `db` into the file `to`: `zhenwu backup`
// (SQLite) or pg_dump in its custom format (PostgreSQL).
function backup(db, to) {
  return PG ? runCmd('pg_dump', ['--format=custom', '--no-owner', '--file', to, db])
    : run(['backup', '--db', db, '--to', to]);
}

// Restores the backup file `from`: `zhenwu restore` into the new file `to`
// (SQLite), or pg_restore into a new, empty database (PostgreSQL; `to` unused).
// Returns { code, out, db }: db is the restored database (path or URL).
async function restore(from, to) {
  if (!PG) return { ...(await run(['restore', '--from', from, '--db', to])), db: to };
  const db = pgCreateDb('zwr');
  pgDbs.push(db);
  return { ...(await runCmd('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', db, from])), db };
}

// `zhenwu serve` on an existing database (startServer() always makes its own path).
async function serveDb(db) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', WEB], {
    cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (proc.exitCode !== null || i > 200) { proc.kill('SIGTERM'); throw new Error(`serve on restored db failed:\n${stderr}`); }
    await sleep(50);
  }
  return { url, async stop() { if (proc.exitCode === null) proc.kill('SIGTERM'); return exited; } };
}

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  roles = await roleIds(admin);
  dengta = (await areaTree(admin)).villages.get(DENGTA_CODE);
  work = mkdtempSync(path.join(tmpdir(), 'zhenwu-backup-'));
});

after(async () => {
  if (srv) await srv.stop();
  for (const db of pgDbs) await pgDropDb(db);
  if (work) rmSync(work, { recursive: true, force: true });
});

const acks = []; // { username, at }
let backupFile, ackedBefore, allAcked;
let backupDb; // what the checks read: the backup file itself (SQLite) or a database restored from it

test('backup while 4 writers create users: every write acknowledged before the backup is in it', async (t) => {
  let stop = false;
  const writers = [];
  const failures = [];
  for (let w = 0; w < 4; w++) {
    writers.push((async () => {
      const c = await login(srv.url, 'admin');
      for (let i = 0; !stop; i++) {
        const username = `bk.w${w}.${i}`;
        for (;;) {
          const r = await c.post('/api/v1/users', {
            username, name: `备份测试${w}-${i}`, password: STRONG, areaId: dengta.id, roleIds: [roles.staff],
          });
          if (r.status === 201) { acks.push({ username, at: performance.now() }); break; }
          if (r.status === 503) { await sleep(20); if (stop) break; continue; }
          failures.push(`${username}: ${r.status} ${r.text}`);
          break;
        }
      }
    })());
  }
  // let some writes land first
  for (let i = 0; acks.length < 8 && i < 1200; i++) await sleep(50);
  assert.ok(acks.length >= 8, `writers are acknowledged (${acks.length}); failures: ${failures.join('; ')}`);

  backupFile = path.join(work, 'backup.db');
  const startedAt = performance.now();
  ackedBefore = acks.filter((a) => a.at < startedAt).map((a) => a.username);
  const b = await backup(srv.db, backupFile);
  const nDuring = acks.length - ackedBefore.length;
  // keep writing a little after the backup, then stop
  await sleep(200);
  stop = true;
  await Promise.all(writers);
  allAcked = acks.map((a) => a.username);

  t.diagnostic(`acknowledged before the backup: ${ackedBefore.length}, while it ran: ${nDuring}, in all: ${allAcked.length}`);
  assert.deepEqual(failures, [], 'writers only see 201 or 503');
  assert.equal(b.code, 0, `${PG ? 'pg_dump' : 'zhenwu backup'} exit code; output: ${b.out}`);
  assert.ok(existsSync(backupFile), 'backup file written');
  assert.ok(nDuring >= 0);

  if (PG) {
    // a dump is read by restoring it; pg_restore stopping at no error is its integrity check
    const r = await restore(backupFile);
    assert.equal(r.code, 0, `pg_restore of the dump: ${r.out}`);
    backupDb = r.db;
  } else {
    backupDb = backupFile;
  }
  const inBackup = new Set(sql(backupDb, 'SELECT username FROM users').map((x) => x.username));
  const missing = ackedBefore.filter((u) => !inBackup.has(u));
  assert.deepEqual(missing, [], `acknowledged before the backup but missing from it (${ackedBefore.length} acked before)`);
  if (!PG) assert.equal(sql(backupDb, 'PRAGMA integrity_check')[0].integrity_check, 'ok');

  // the backup is one consistent snapshot: every user in it has its create audit row in it
  const users = sql(backupDb, "SELECT id, username FROM users WHERE username LIKE 'bk.%'");
  const audited = new Set(sql(backupDb, "SELECT entity_id FROM audit_log WHERE entity='user' AND action='create'").map((x) => String(x.entity_id)));
  const noAudit = users.filter((u) => !audited.has(String(u.id))).map((u) => u.username);
  assert.deepEqual(noAudit, [], 'users in the backup without their audit row');

  // and the live database has every acknowledged write
  const live = new Set(sql(srv.db, 'SELECT username FROM users').map((x) => x.username));
  assert.deepEqual(allAcked.filter((u) => !live.has(u)), [], 'acknowledged writes missing from the live db');
});

test('the backup audit chain is intact', () => {
  assert.ok(backupDb, 'backup made by the previous test');
  const r = checkAudit(backupDb);
  assert.equal(r.code, 0, r.out);
});

test('backup refuses a missing source database and writes nothing', async () => {
  const to = path.join(work, 'nothing.db');
  const r = await run(['backup', '--db', path.join(work, 'does-not-exist.db'), '--to', to]);
  assert.notEqual(r.code, 0, r.out);
  assert.ok(!existsSync(path.join(work, 'does-not-exist.db')), 'no empty source created');
});

test('restore produces a database the server starts on, with the acknowledged users', async () => {
  assert.ok(backupFile, 'backup made by the first test');
  const r = await restore(backupFile, path.join(work, 'restored.db'));
  const restored = r.db;
  assert.equal(r.code, 0, `${PG ? 'pg_restore' : 'zhenwu restore'}: ${r.out}`);
  if (!PG) assert.ok(existsSync(restored));
  const check = checkAudit(restored);
  assert.equal(check.code, 0, check.out);

  const s = await serveDb(restored);
  try {
    const c = await login(s.url, 'admin');
    const names = new Set((await allUsers(c)).map((u) => u.username));
    const missing = ackedBefore.filter((u) => !names.has(u));
    assert.deepEqual(missing, [], 'acknowledged-before-backup users visible through the API');
    for (const u of ['admin', 'dengta', 'datang', 'grid']) assert.ok(names.has(u), `demo user ${u}`);
    // the restored server accepts writes
    const w = await c.post('/api/v1/users', { username: 'after.restore', name: '恢复后', password: STRONG, areaId: dengta.id, roleIds: [roles.staff] });
    expectStatus(w, 201, 'write on the restored db:');
  } finally {
    await s.stop();
  }
  assert.equal(checkAudit(restored).code, 0, 'chain intact after writing on the restored db');
});

test('zhenwu backup and restore refuse a PostgreSQL database with a Chinese message, writing nothing', async () => {
  // the live database on PostgreSQL; on SQLite a URL that must never be connected to
  const url = PG ? srv.db : 'postgresql://zhenwu@127.0.0.1:1/zhenwu_none';
  const to = path.join(work, 'pg-backup.db');
  const b = await run(['backup', '--db', url, '--to', to]);
  assert.equal(b.code, 1, `zhenwu backup --db <PostgreSQL URL>: ${b.out}`);
  assert.match(b.out, /pg_dump/, `points to pg_dump: ${b.out}`);
  assert.match(b.out, /[\u4e00-\u9fff]/, `the message is Chinese: ${b.out}`);
  assert.ok(!existsSync(to), 'no backup file written');

  const from = path.join(work, 'pg-restore-from.db');
  const r = await run(['restore', '--from', from, '--db', url]);
  assert.equal(r.code, 1, `zhenwu restore --db <PostgreSQL URL>: ${r.out}`);
  assert.match(r.out, /pg_restore|pgBackRest/, `points to pg_restore: ${r.out}`);
  assert.match(r.out, /[\u4e00-\u9fff]/, `the message is Chinese: ${r.out}`);
  assert.ok(!existsSync(from), 'nothing created');
  if (PG) {
    // the database is untouched and still serves
    const c = await login(srv.url, 'admin');
    expectStatus(await c.get('/api/v1/me'), 200);
    const check = checkAudit(srv.db);
    assert.equal(check.code, 0, check.out);
  }
});
