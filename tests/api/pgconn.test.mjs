// pgconn.test.mjs - PostgreSQL only: the server survives its database
// connections being killed (a failover, a restarted pgbouncer, an
// administrator's pg_terminate_backend) and answers the next requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { login, expectStatus, STRONG } from './lib.mjs';

const PG = process.env.ZHENWU_TEST_PG || '';
const skip = PG ? false : 'PostgreSQL only (set ZHENWU_TEST_PG)';
let srv;

function killConnections(url) {
  const db = new URL(url).pathname.slice(1);
  const out = execFileSync('psql', ['-X', '-At', `${PG}/postgres`, '-c',
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}' AND pid <> pg_backend_pid()`], { encoding: 'utf8' });
  return Number(out.trim());
}

before(async () => { if (PG) srv = await startServer(); });
after(async () => { if (srv) await srv.stop(); });

test('pgconn-1.1 reads and writes go on after every database connection was killed', { skip }, async () => {
  const admin = await login(srv.url, 'admin');
  // Touch every worker thread's connection, then kill them all.
  await Promise.all(Array.from({ length: 16 }, () => admin.get('/api/v1/me')));
  const killed = killConnections(srv.db);
  assert.ok(killed >= 1, `killed ${killed} connections`);
  for (let i = 0; i < 16; i++) expectStatus(await admin.get('/api/v1/me'), 200, `read ${i} after the kill`);
  killConnections(srv.db);
  const village = (await admin.get('/api/v1/search?q=' + encodeURIComponent('灯塔村'))).body.items.find((x) => x.title === '灯塔村');
  const cadre = (await admin.get('/api/v1/roles')).body.items.find((x) => x.code === 'village_cadre');
  const results = [];
  for (let i = 0; i < 8; i++) {
    const r = await admin.post('/api/v1/users', { username: `pgconn${i}`, name: `重连${i}`, password: STRONG, areaId: village.id, roleIds: [cadre.id] });
    results.push(r.status);
  }
  // A write whose connection died mid-transaction may be refused (nothing written); most
  // go through, and every one the server acknowledged is there.
  const ok = results.filter((s) => s === 201).length;
  assert.ok(ok >= 7, `statuses ${results}`);
  const list = await admin.get('/api/v1/users?q=pgconn&pageSize=50');
  expectStatus(list, 200, 'list');
  assert.equal(list.body.pager.total, ok);
});
