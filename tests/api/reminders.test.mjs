// reminders.test.mjs - deadline reminders raised by the scanner thread of
// `zhenwu serve` (--reminder-interval 1): the assignee is warned as a deadline
// nears and told when it passes, the leaders whose scope covers the case's area
// are told when it passes, the escalation levels of the definition follow, each
// exactly once (also with two servers on one database and across a restart),
// and nothing after the clock stops.  Clocks are moved into the past by writing
// case_clocks in the test database (test data set-up), then the real server's
// scanner is awaited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, ROOT, ENGINE, zw, pgCreateDb, pgDropDb } from '../lib/server.mjs';
import { login, expectStatus, expectError, areaTree, sql, sqlExec, sleep, STRONG, DENGTA_CODE, DATANG_CODE } from './lib.mjs';

const SUPERVISION = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/supervision.json'), 'utf8'));
const TASK = SUPERVISION.clocks.find((k) => k.code === 'task');
const DAY = 86400;
const ARGS = ['--reminder-interval', '1'];

let dir, db, srv, srv2, admin, staff, leader, dengta, leaderDengta, leaderDatang, tree;

// A fresh demo database this test owns (it outlives server restarts).
function newDb() {
  dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-remind-'));
  const d = ENGINE === 'postgresql' ? pgCreateDb('zwrem') : path.join(dir, 'remind.db');
  zw(['init', '--db', d, '--township', '500236126', '--demo']);
  return d;
}

// A user with the leader role at the given village (made with `zhenwu user add`: the
// system administrator may not grant the leader's pii.read), password changed.
async function makeLeader(username, villageCode) {
  zw(['user', 'add', '--db', db, '--username', username, '--name', `${username}领导`, '--area', villageCode, '--role', 'leader'],
    { env: { ZHENWU_PASSWORD: STRONG } });
  const c = await login(srv.url, username, STRONG);
  const p = await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: `${STRONG}-2` });
  expectStatus(p, 204, 'password change:');
  return login(srv.url, username, `${STRONG}-2`);
}

async function relogin(c, username, password) {
  const n = await login(srv.url, username, password);
  c.base = n.base; c.cookie = n.cookie; c.csrf = n.csrf;
}

const now = () => Math.floor(Date.now() / 1000);

async function supervision(title, village = DENGTA_CODE) {
  const r = await staff.post('/api/v1/cases', { type: 'supervision', title, content: `${title}：督办内容`, areaId: tree.villages.get(village).id });
  expectStatus(r, 201, 'create supervision:');
  const a = await staff.post(`/api/v1/cases/${r.body.id}/actions/assign`, {
    assigneeId: dengta.me.id, fields: { requirement: '按期整改到位', deadline: '2026-12-31' },
  }, { 'if-match': `"v${r.body.version}"` });
  expectStatus(a, 200, 'assign:');
  assert.ok(a.body.clocks.find((k) => k.code === 'task'), 'the task clock runs after assign');
  return a.body;
}

// Moves the case's running clocks: due at `due`, warning at `warn` (epoch seconds).
function setClock(kase, due, warn) {
  sqlExec(db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${warn} WHERE case_id = ${kase.id} AND stopped_at = 0`);
}

async function notes(c, caseId) {
  const r = await c.get('/api/v1/notifications?pageSize=200');
  expectStatus(r, 200, 'GET /api/v1/notifications:');
  return caseId === undefined ? r.body : r.body.items.filter((n) => n.case && n.case.id === caseId);
}

const kinds = (list) => list.map((n) => `${n.kind}${n.kind === 'escalate' ? n.level : ''}`).sort();

// Waits until fn() (async) returns a truthy value, polling; fails after ms.
async function until(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

// "11月25日 17:30" of an instant in Asia/Shanghai.
function local(at) {
  const d = new Date((at + 8 * 3600) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

before(async () => {
  db = newDb();
  srv = await startServer({ db, extraArgs: ARGS });
  admin = await login(srv.url, 'admin');
  [staff, leader, dengta] = await Promise.all(['staff', 'leader', 'dengta'].map((u) => login(srv.url, u)));
  tree = await areaTree(admin);
  leaderDengta = await makeLeader('ldengta', DENGTA_CODE);
  leaderDatang = await makeLeader('ldatang', DATANG_CODE);
});

after(async () => {
  if (srv2) await srv2.stop();
  if (srv) await srv.stop();
  if (ENGINE === 'postgresql' && db) await pgDropDb(db);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let s1, due1;

test('reminders-1.1 the assignee is warned once the warning instant passes, nobody else', async () => {
  s1 = await supervision('灯塔村环境整治督办事项一');
  due1 = now() + 2 * DAY + 3600;
  setClock(s1, due1, now() - 5);
  const got = await until(async () => { const l = await notes(dengta, s1.id); return l.length ? l : null; }, 'the warning');
  assert.deepEqual(kinds(got), ['warn']);
  const n = got[0];
  assert.equal(n.title, '办件即将到期');
  assert.equal(n.body, `办件 ${s1.serial}「灯塔村环境整治督办事项一」的“${TASK.name}”将于 ${local(due1)} 到期`);
  assert.equal(n.read, false);
  assert.equal(n.case.serial, s1.serial);
  await sleep(2500); // more scans: nothing more, and nothing for the leaders yet
  assert.deepEqual(kinds(await notes(dengta, s1.id)), ['warn']);
  assert.deepEqual(await notes(leader, s1.id), []);
  assert.deepEqual(await notes(leaderDengta, s1.id), []);
});

test('reminders-1.2 past due: assignee and covering leaders told, escalation levels by the definition, other village\'s leader not', async () => {
  // 4 days past due: the rules after 1 and 3 days apply, the one after 7 not yet.
  const levels = TASK.escalate.filter((e) => e.after.unit === 'days' && e.after.amount <= 4).map((e) => e.level);
  assert.deepEqual(levels, [1, 2]);
  due1 = now() - 4 * DAY;
  setClock(s1, due1, due1 - 2 * DAY);
  const want = ['escalate1', 'escalate2', 'overdue'];
  await until(async () => kinds(await notes(leader, s1.id)).join() === want.join(), 'the leader\'s notices');
  await until(async () => kinds(await notes(leaderDengta, s1.id)).join() === want.join(), 'the village leader\'s notices');
  assert.deepEqual(kinds(await notes(dengta, s1.id)), ['overdue', 'warn']);
  const od = (await notes(leader, s1.id)).find((n) => n.kind === 'overdue');
  assert.equal(od.title, '办件已超期');
  assert.equal(od.body, `办件 ${s1.serial}「灯塔村环境整治督办事项一」的“${TASK.name}”已于 ${local(due1)} 到期，现已超期，请尽快办理`);
  const e2 = (await notes(leader, s1.id)).find((n) => n.kind === 'escalate' && n.level === 2);
  assert.equal(e2.title, '超期提级督办（第 2 级）');
  assert.match(e2.body, /超期已达 3 天，提级督办第 2 级$/);
  // a leader whose scope is another village, the staff and the registering officer: nothing
  assert.deepEqual(await notes(leaderDatang, s1.id), []);
  assert.deepEqual(await notes(staff, s1.id), []);
});

test('reminders-1.3 the last level after 7 days; still exactly one notice per kind and level', async () => {
  due1 = now() - 8 * DAY;
  setClock(s1, due1, due1 - 2 * DAY);
  const want = ['escalate1', 'escalate2', 'escalate3', 'overdue'];
  await until(async () => kinds(await notes(leader, s1.id)).join() === want.join(), 'level 3');
  await sleep(2500);
  assert.deepEqual(kinds(await notes(leader, s1.id)), want);
  assert.deepEqual(kinds(await notes(dengta, s1.id)), ['overdue', 'warn']);
  // one reminder row per event, and one outbox row per reminder (no webhook: all pending)
  const rows = sql(db, `SELECT kind, level, event_id FROM case_reminders WHERE case_id = ${s1.id} ORDER BY kind, level`);
  assert.deepEqual(rows.map((r) => `${r.kind}${r.level}`), ['escalate1', 'escalate2', 'escalate3', 'overdue0', 'warn0']);
  const ob = sql(db, `SELECT COUNT(*) AS n FROM outbox WHERE event_id IN (SELECT event_id FROM case_reminders WHERE case_id = ${s1.id})`);
  assert.equal(ob[0].n, 5);
});

test('reminders-1.4 a second server on the same database and a restart raise nothing twice', async () => {
  const before = sql(db, 'SELECT COUNT(*) AS n FROM notifications')[0].n;
  srv2 = await startServer({ db, extraArgs: ARGS });
  // a new overdue case while both servers scan
  const s3 = await supervision('灯塔村两台服务器同时扫描');
  const due = now() - 2 * DAY;
  setClock(s3, due, due - DAY);
  await until(async () => kinds(await notes(leader, s3.id)).join() === 'escalate1,overdue', 'the notices of the new case');
  await sleep(3000);
  assert.deepEqual(kinds(await notes(leader, s3.id)), ['escalate1', 'overdue']);
  assert.deepEqual(kinds(await notes(dengta, s3.id)), ['overdue']); // its warning was claimed silently
  const dup = sql(db, 'SELECT user_id, case_id, kind, level, COUNT(*) AS n FROM notifications GROUP BY user_id, case_id, kind, level HAVING COUNT(*) > 1');
  assert.deepEqual(dup, []);
  await srv2.stop();
  srv2 = null;
  // restart the first server: the claims persist
  await srv.stop();
  srv = await startServer({ db, extraArgs: ARGS });
  for (const c of [admin, staff, leader, dengta]) await relogin(c, c.me.username, undefined);
  await sleep(3000);
  assert.deepEqual(kinds(await notes(leader, s1.id)), ['escalate1', 'escalate2', 'escalate3', 'overdue']);
  const afterCount = sql(db, 'SELECT COUNT(*) AS n FROM notifications')[0].n;
  // s3 added: overdue (dengta, leader, ldengta) and escalate1 (leader, ldengta)
  assert.equal(afterCount - before, 5);
});

test('reminders-1.5 a stopped clock (case cancelled) is never reminded', async () => {
  const s2 = await supervision('灯塔村已撤销的督办');
  const g = await leader.get(`/api/v1/cases/${s2.id}`);
  const r = await leader.post(`/api/v1/cases/${s2.id}/actions/cancel`, { fields: { cancel_reason: '事项已由上级统一处理' } }, { 'if-match': g.headers.get('etag') });
  expectStatus(r, 200, 'cancel:');
  assert.equal(r.body.state.final, true);
  const due = now() - 10 * DAY;
  sqlExec(db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${due - DAY} WHERE case_id = ${s2.id}`);
  await sleep(3500);
  assert.deepEqual(await notes(dengta, s2.id), []);
  assert.deepEqual(await notes(leader, s2.id), []);
  assert.deepEqual(sql(db, `SELECT kind FROM case_reminders WHERE case_id = ${s2.id}`), []);
});

test('reminders-2.1 the notification API: newest first, unread count, read one, read all, only one\'s own', async () => {
  const body = await notes(leader);
  assert.ok(body.items.length >= 6);
  const ids = body.items.map((n) => n.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  assert.equal(body.unread, body.items.length);
  assert.equal(body.pager.total, body.items.length);
  const first = body.items[0];
  expectStatus(await leader.post(`/api/v1/notifications/${first.id}/read`), 204);
  const after1 = await notes(leader);
  assert.equal(after1.unread, body.unread - 1);
  assert.equal(after1.items.find((n) => n.id === first.id).read, true);
  const unreadOnly = await leader.get('/api/v1/notifications?unread=1&pageSize=200');
  assert.equal(unreadOnly.body.pager.total, body.unread - 1);
  assert.ok(unreadOnly.body.items.every((n) => !n.read));
  // someone else's notification: 404, unchanged
  const theirs = (await notes(dengta)).items[0];
  expectError(await leader.post(`/api/v1/notifications/${theirs.id}/read`), 404, 'not_found');
  assert.equal((await notes(dengta)).items[0].read, false);
  const all = await leader.post('/api/v1/notifications/read-all');
  expectStatus(all, 200);
  assert.equal(all.body.changed, body.unread - 1);
  assert.equal((await notes(leader)).unread, 0);
  expectError(await leader.post('/api/v1/notifications/abc/read'), 404, 'not_found');
});

test('reminders-2.2 without a webhook the events wait in the outbox, visible to the system administrator only', async () => {
  const r = await admin.get('/api/v1/admin/outbox');
  expectStatus(r, 200);
  assert.equal(r.body.webhookConfigured, false);
  const total = sql(db, 'SELECT COUNT(*) AS n FROM outbox')[0].n;
  assert.equal(r.body.pending, total);
  assert.equal(r.body.delivered, 0);
  assert.ok(r.body.items.length > 0 && r.body.items.every((x) => x.status === 'pending'));
  assert.ok(r.body.items.some((x) => x.kind === 'case.deadline.escalate'));
  expectError(await leader.get('/api/v1/admin/outbox'), 403, 'forbidden');
  expectError(await staff.post('/api/v1/admin/outbox/retry'), 403, 'forbidden');
});
