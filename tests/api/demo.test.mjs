// demo.test.mjs - `zhenwu init --demo` (what `make run` serves): besides areas
// and users, the demo's cases of defs/demo/500236126.json, registered and
// handled through the case engine as the demo users in the past, so the
// console shows deadlines green, yellow and red.  (The other suites use
// --no-demo-cases to start from no cases.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, zw, ROOT, ENGINE, pgCreateDb, pgDropDb } from '../lib/server.mjs';
import { login, expectStatus } from './lib.mjs';

const DEMO = JSON.parse(readFileSync(path.join(ROOT, 'defs/demo/500236126.json'), 'utf8'));
let srv, db, leader, staff;

before(async () => {
  if (ENGINE === 'postgresql') {
    db = pgCreateDb();
  } else {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    db = path.join(mkdtempSync(path.join(tmpdir(), 'zhenwu-demo-')), 'demo.db');
  }
  zw(['init', '--db', db, '--township', '500236126', '--demo']);
  srv = await startServer({ db });
  [leader, staff] = await Promise.all([login(srv.url, 'leader'), login(srv.url, 'staff')]);
});
after(async () => {
  if (srv) await srv.stop();
  if (ENGINE === 'postgresql' && db) await pgDropDb(db);
});

const byTitle = async (title) => {
  const r = await leader.get(`/api/v1/cases?q=${encodeURIComponent(title)}`);
  expectStatus(r, 200);
  assert.equal(r.body.items.length, 1, `one demo case titled ${title}`);
  return (await leader.get(`/api/v1/cases/${r.body.items[0].id}`)).body;
};

test('demo-1.1 every demo case is there, in the state its steps lead to', async () => {
  const r = await leader.get('/api/v1/cases?pageSize=100');
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, DEMO.cases.length);
  const want = {
    反映三组组道硬化工程拖延: 'accepted', 反映低保评定不公: 'registered', '12345：灯塔村路灯不亮': 'handling',
    '12345：咨询城乡居民医保缴费': 'closed', 村口垃圾堆放: 'collected', 便民桥护栏损坏: 'handling',
    两户宅基地边界纠纷: 'mediating', 灯塔村小学旁危岩: 'assigned', 农家乐液化气瓶存放不规范: 'assigned',
    '县级巡察反馈：村务公开不及时': 'assigned', '督办：人居环境整治回头看': 'assigned',
  };
  assert.deepEqual(Object.keys(want).sort(), DEMO.cases.map((c) => c.title).sort());
  for (const k of r.body.items) assert.equal(k.state.code, want[k.title], `${k.title}: ${k.state.code}`);
});

test('demo-1.2 deadlines as the demo means them: an overdue hazard, one due soon, a late supervision', async () => {
  const red = await byTitle('灯塔村小学旁危岩');
  assert.equal(red.clocks.find((x) => x.code === 'rectify').status, 'red');
  const soon = await byTitle('农家乐液化气瓶存放不规范');
  assert.equal(soon.clocks.find((x) => x.code === 'rectify').status, 'yellow');
  const late = await byTitle('督办：人居环境整治回头看');
  assert.equal(late.clocks.find((x) => x.code === 'task').status, 'red');
  // the board counts them
  const b = await leader.get('/api/v1/cases/overdue-board');
  expectStatus(b, 200);
  assert.ok(b.body.totals.red >= 2, JSON.stringify(b.body.totals));
});

test('demo-1.3 handled by the demo users, with the notices the procedures issue, the confidential requester hidden', async () => {
  const p = await byTitle('反映三组组道硬化工程拖延');
  assert.deepEqual(p.timeline.filter((e) => e.kind === 'action').map((e) => [e.action, e.user.name]), [['assign', '王干事'], ['accept', '张支书']]);
  assert.ok(p.timeline.some((e) => e.kind === 'document' && e.comment === '生成《受理告知书》'));
  const secret = await byTitle('反映低保评定不公');
  assert.equal(secret.requester.name, null, 'the leader does not see a confidential requester');
  const mine = (await staff.get(`/api/v1/cases/${secret.id}`)).body;
  assert.equal(mine.requester.name, '钱秀英', 'the registering officer does');
  const rated = await byTitle('12345：咨询城乡居民医保缴费');
  assert.equal(rated.fields.satisfaction, '满意');
});
