// The attachment files as the operator handles them: `zhenwu check files`
// finds missing and damaged files; `zhenwu backup` takes the files the backup
// names along (into <backup>.files) and `zhenwu restore` puts them back, so a
// restored database serves the same bytes.  backup/restore are for SQLite
// (PostgreSQL deployments use pg_dump and copy the files directory).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, BIN, ROOT, ENGINE } from '../lib/server.mjs';
import { login, expectStatus, areaTree, DENGTA_CODE } from './lib.mjs';
import { png, PDF } from './samples.mjs';

const sha = (b) => createHash('sha256').update(b).digest('hex');
const run = (args) => {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
let srv, staff, kase, files;

before(async () => {
  srv = await startServer();
  staff = await login(srv.url, 'staff');
  const tree = await areaTree(staff);
  const r = await staff.post('/api/v1/cases', { type: 'hazard', title: '灯塔村危桥', content: '村口小桥护栏断裂', areaId: tree.villages.get(DENGTA_CODE).id });
  expectStatus(r, 201);
  kase = r.body;
  files = [png(4, 4, 11), PDF, png(5, 5, 12)];
  for (const [i, f] of files.entries()) {
    expectStatus(await staff.post(`/api/v1/cases/${kase.id}/attachments?name=f${i}`, f, { 'content-type': 'application/octet-stream' }), 201);
  }
});
after(async () => { if (srv) await srv.stop(); });

const fileOf = (b) => path.join(srv.files, sha(b).slice(0, 2), sha(b));

test('files-1.1 check files: intact, then a damaged and a missing file are reported with exit 1', () => {
  const args = ['check', 'files', '--db', srv.db, '--files', srv.files];
  let r = run(args);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /附件文件完整：共 3 个文件/);
  const keep = readFileSync(fileOf(files[0]));
  writeFileSync(fileOf(files[0]), Buffer.alloc(keep.length, 1));
  r = run(args);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /0 个缺失，1 个已损坏/);
  assert.ok(r.out.includes(sha(files[0])), 'names the damaged file');
  writeFileSync(fileOf(files[0]), keep);
  const keep2 = readFileSync(fileOf(files[2]));
  unlinkSync(fileOf(files[2]));
  r = run(args);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /1 个缺失，0 个已损坏/);
  writeFileSync(fileOf(files[2]), keep2);
  assert.equal(run(args).code, 0);
  // unusable arguments: exit 2
  assert.equal(run(['check', 'files']).code, 2);
});

test('files-1.2 backup takes the files along and restore puts them back: the restored server serves the same bytes', { skip: ENGINE !== 'sqlite' && 'backup/restore are for SQLite files' }, async () => {
  const to = path.join(srv.dir, 'backup.db');
  let r = run(['backup', '--db', srv.db, '--to', to]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /附件：3 个文件/);
  for (const f of files) assert.ok(existsSync(path.join(`${to}.files`, sha(f).slice(0, 2), sha(f))));
  const restored = path.join(srv.dir, 'restored.db');
  r = run(['restore', '--from', to, '--db', restored]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /附件：3 个文件/);
  const again = await startServer({ db: restored });
  try {
    const c = await login(again.url, 'staff');
    const g = await c.get(`/api/v1/cases/${kase.id}`);
    expectStatus(g, 200);
    assert.equal(g.body.attachments.length, 3);
    for (const [i, a] of g.body.attachments.entries()) {
      const d = await c.bytes(a.url);
      assert.equal(d.status, 200);
      assert.ok(d.bytes.equals(Buffer.from(files[i])), `attachment ${i} restored byte for byte`);
    }
  } finally {
    await again.stop();
    rmSync(`${restored}.files`, { recursive: true, force: true });
  }
});

test('files-1.3 a backup whose source files are damaged says so and exits 1, copying the rest', { skip: ENGINE !== 'sqlite' && 'backup/restore are for SQLite files' }, () => {
  const keep = readFileSync(fileOf(files[1]));
  writeFileSync(fileOf(files[1]), Buffer.alloc(keep.length, 0));
  try {
    const to = path.join(srv.dir, 'backup2.db');
    const r = run(['backup', '--db', srv.db, '--to', to]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /附件：2 个文件/);
    assert.match(r.out, /1 个已损坏/);
    assert.ok(!existsSync(path.join(`${to}.files`, sha(files[1]).slice(0, 2), sha(files[1]))), 'a damaged file is not copied');
  } finally {
    writeFileSync(fileOf(files[1]), keep);
  }
});
