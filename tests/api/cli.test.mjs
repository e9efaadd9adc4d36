// cli.test.mjs - the operator's subcommands against real databases:
// `user add`, `migrate`, `init` refusing a second run, `serve --config`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync, cpSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, BIN, ROOT, isPgUrl, pgDbUrl } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql, sqlExec, STRONG } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

function run(args, env = {}) {
  return spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('cli-1.1 user add creates a user who must change the password at first login', async () => {
  const r = run(['user', 'add', '--db', srv.db, '--username', 'clerk1', '--name', '赵会计',
    '--area', '500236126205', '--role', 'village_cadre'], { ZHENWU_PASSWORD: STRONG });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /已添加用户 clerk1/);
  const c = await login(srv.url, 'clerk1', STRONG);
  assert.equal(c.me.mustChangePassword, true);
  assert.equal(c.me.area.code, '500236126205');
  assert.deepEqual(c.me.roles.map((x) => x.code), ['village_cadre']);
  expectError(await c.get('/api/v1/areas'), 403, 'password_change_required');
  expectStatus(await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: 'An0ther-good-one' }), 204);
  expectStatus(await c.get('/api/v1/areas'), 200);
  const rows = sql(srv.db, "SELECT action, username FROM audit_log WHERE entity = 'user' AND action = 'create' AND after_json LIKE '%clerk1%'");
  assert.equal(rows.length, 1);
  assert.equal(rows[0].username, '(命令行)');
});

test('cli-1.2 user add refuses a weak password, an unknown role and an unknown area, writing nothing', () => {
  const before = sql(srv.db, 'SELECT COUNT(*) AS n FROM users')[0].n;
  const weak = run(['user', 'add', '--db', srv.db, '--username', 'weak1', '--name', '弱',
    '--area', '500236126205', '--role', 'village_cadre'], { ZHENWU_PASSWORD: 'short' });
  assert.notEqual(weak.status, 0);
  assert.match(weak.stderr, /密码/);
  const role = run(['user', 'add', '--db', srv.db, '--username', 'weak2', '--name', '弱',
    '--area', '500236126205', '--role', 'no_such_role'], { ZHENWU_PASSWORD: STRONG });
  assert.notEqual(role.status, 0);
  assert.match(role.stderr, /找不到角色/);
  const area = run(['user', 'add', '--db', srv.db, '--username', 'weak3', '--name', '弱',
    '--area', '999999999999', '--role', 'village_cadre'], { ZHENWU_PASSWORD: STRONG });
  assert.notEqual(area.status, 0);
  assert.match(area.stderr, /区划/);
  assert.equal(sql(srv.db, 'SELECT COUNT(*) AS n FROM users')[0].n, before);
});

test('cli-1.3 migrate is idempotent and init refuses a township that exists', () => {
  const m = run(['migrate', '--db', srv.db]);
  assert.equal(m.status, 0, m.stderr);
  assert.equal(sql(srv.db, 'SELECT MAX(version) AS v FROM schema_migrations')[0].v >= 1, true);
  const again = run(['init', '--db', srv.db, '--township', '500236126']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /已有乡镇/);
  const bad = run(['init', '--db', srv.db, '--township', '12345']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /9 位数字/);
});

test('cli-1.3b migrate applies a migration missing below the highest applied one (branches merged out of order)', () => {
  const all = sql(srv.db, 'SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version);
  assert.ok(all.includes(5) && Math.max(...all) > 5, `migrations applied: ${all}`);
  // as if the database had been migrated by a build without 0005 (attachments and links)
  const drop = 'DROP TABLE case_links; DROP TABLE case_attachments; DELETE FROM schema_migrations WHERE version = 5;';
  sqlExec(srv.db, drop);
  const m = run(['migrate', '--db', srv.db]);
  assert.equal(m.status, 0, m.stderr);
  assert.deepEqual(sql(srv.db, 'SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version), all);
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM case_attachments')[0].n, 0, 'the table is back');
});

test('cli-1.4 serve reads a config file; flags override it; unknown keys are refused', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-conf-'));
  try {
    const conf = path.join(dir, 'zhenwu.conf');
    // The file says port 1 (not ours to bind); startServer's --listen flag must win.
    writeFileSync(conf, `# test\ndb = ${srv.db}\nlisten = 127.0.0.1:1\nthreads = 2\n`);
    const s = await startServer({ db: srv.db, extraArgs: ['--config', conf] });
    try {
      const r = await fetch(`${s.url}/healthz`);
      assert.equal(r.status, 200);
    } finally {
      await s.stop();
    }
    writeFileSync(conf, 'no_such_key = 1\n');
    const bad = run(['serve', '--config', conf, '--db', srv.db]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /不认识的配置项/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cli-1.5 check audit and restore refuse missing or existing files clearly', () => {
  const missing = run(['check', 'audit', '--db', '/nonexistent/x.db']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /无法读取/);
  const r = run(['restore', '--from', srv.db, '--db', srv.db]);
  assert.equal(r.status, 1);
  if (isPgUrl(srv.db)) {
    // PostgreSQL: restore refuses any database URL and points to pg_restore
    assert.match(r.stderr, /pg_restore/);
    // and a database that does not exist is refused with a clear message
    const none = run(['check', 'audit', '--db', pgDbUrl('zhenwu_no_such_db', srv.db)]);
    assert.notEqual(none.status, 0, none.stdout);
    assert.match(none.stderr, /无法连接/);
  } else {
    assert.match(r.stderr, /已存在/);
  }
});

test('cli-2.1 check defs passes the shipped procedures; serve refuses an invalid one', async () => {
  const ok = run(['check', 'defs']);
  assert.equal(ok.status, 0, ok.stderr);
  const ntypes = readdirSync(path.join(ROOT, 'defs/case_types')).filter((f) => f.endsWith('.json')).length;
  assert.match(ok.stdout, new RegExp(`${ntypes} 个办件类型定义有效`));
  for (const code of ['petition', 'hotline', 'grid_event', 'dispute', 'hazard', 'rectification', 'supervision']) {
    assert.match(ok.stdout, new RegExp(`^${code}\\s`, 'm'));
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-defs-'));
  try {
    cpSync(path.join(ROOT, 'defs'), dir, { recursive: true });
    const file = path.join(dir, 'case_types', 'hazard.json');
    const def = JSON.parse(readFileSync(file, 'utf8'));
    def.transitions[0].to = 'nowhere';
    writeFileSync(file, JSON.stringify(def));
    const bad = run(['check', 'defs', '--defs', dir]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /hazard\.json：transitions\[0\]\.to：未知状态“nowhere”/);
    const serve = run(['serve', '--db', srv.db, '--listen', '127.0.0.1:1', '--defs', dir]);
    assert.notEqual(serve.status, 0);
    assert.match(serve.stderr, /hazard\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
