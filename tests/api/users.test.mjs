// Users: CRUD, pager, search, masking, ETag/If-Match, idempotency, grants,
// separation of the three administrators (三员分立).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import {
  login, expectError, expectStatus, sql, roleIds, areaTree, userTotal, allUsers, createUser,
  DENGTA_CODE, DATANG_CODE, STRONG,
} from './lib.mjs';

let srv, admin, secadmin, auditor, roles, dengta, datang;
let created; // the user created in the first test

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  secadmin = await login(srv.url, 'secadmin');
  auditor = await login(srv.url, 'auditor');
  roles = await roleIds(admin);
  const t = await areaTree(admin);
  dengta = t.villages.get(DENGTA_CODE);
  datang = t.villages.get(DATANG_CODE);
  assert.ok(dengta && datang);
  for (const code of ['sysadmin', 'secadmin', 'auditor', 'leader', 'staff', 'village_cadre', 'grid_worker', 'assist_cadre']) {
    assert.ok(roles[code], `built-in role ${code}`);
  }
});

after(async () => { if (srv) await srv.stop(); });

const newBody = (over = {}) => ({
  username: 'wang.wu', name: '王五', password: STRONG, areaId: dengta.id,
  roleIds: [roles.village_cadre], phone: '13800000001', ...over,
});

test('create as admin: 201 with ETag and Location, mustChangePassword, no secrets', async () => {
  const before = await userTotal(admin);
  const r = await createUser(admin, newBody());
  expectStatus(r, 201, 'create:');
  created = r.body;
  assert.equal(typeof created.id, 'number');
  assert.equal(r.headers.get('etag'), '"v1"');
  assert.equal(created.version, 1);
  const loc = r.headers.get('location');
  assert.ok(loc, 'Location header');
  assert.equal(new URL(loc, srv.url).pathname, `/api/v1/users/${created.id}`);
  assert.equal(created.username, 'wang.wu');
  assert.equal(created.name, '王五');
  assert.equal(created.area.id, dengta.id);
  assert.equal(created.area.code, DENGTA_CODE);
  assert.equal(created.area.name, '灯塔村');
  assert.deepEqual(created.roles.map((x) => x.code), ['village_cadre']);
  assert.equal(created.mustChangePassword, true);
  assert.equal(created.disabled, false);
  assert.equal(created.locked, false);
  assert.match(created.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
  assert.ok(!('password' in created) && !/argon2/.test(r.text), 'no password or hash in the answer');
  assert.equal(await userTotal(admin), before + 1);
});

test('get one user: 200 with ETag and the same fields', async () => {
  const r = await admin.get(`/api/v1/users/${created.id}`);
  expectStatus(r, 200);
  assert.equal(r.headers.get('etag'), '"v1"');
  assert.equal(r.body.id, created.id);
  assert.equal(r.body.username, 'wang.wu');
  assert.equal(r.body.version, 1);
  assert.ok(!/argon2/.test(r.text));
  expectError(await admin.get('/api/v1/users/987654'), 404, 'not_found');
});

test('list: pager, stable order by id, masked phone', async () => {
  const total = await userTotal(admin);
  assert.ok(total >= 10, `demo users + 1: ${total}`);
  const p1 = await admin.get('/api/v1/users?page=1&pageSize=3');
  expectStatus(p1, 200);
  assert.deepEqual(p1.body.pager, { total, page: 1, pageSize: 3, pageCount: Math.ceil(total / 3) });
  assert.equal(p1.body.items.length, 3);
  const p2 = await admin.get('/api/v1/users?page=2&pageSize=3');
  assert.equal(p2.body.pager.page, 2);
  assert.equal(p2.body.items.length, 3);
  const ids = [...p1.body.items, ...p2.body.items].map((u) => u.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ordered by id');
  assert.equal(new Set(ids).size, 6, 'pages do not overlap');
  const last = await admin.get(`/api/v1/users?page=${Math.ceil(total / 3)}&pageSize=3`);
  assert.equal(last.body.items.length, total - 3 * (Math.ceil(total / 3) - 1));
  const def = await admin.get('/api/v1/users');
  assert.equal(def.body.pager.pageSize, 20, 'default pageSize 20');
  const big = await admin.get('/api/v1/users?pageSize=1000');
  if (big.status === 200) assert.ok(big.body.pager.pageSize <= 200, 'pageSize capped at 200');
  else expectError(big, 400, 'invalid_input');

  const all = await allUsers(admin);
  assert.equal(all.length, total);
  const mine = all.find((u) => u.id === created.id);
  assert.equal(mine.phone, '138****0001', 'phone masked in the list');
  assert.ok(!all.some((u) => typeof u.phone === 'string' && /^1\d{10}$/.test(u.phone)), 'no full phone in any list item');
  assert.ok(!/argon2|password_?hash|"password"/i.test(JSON.stringify(all)), 'no password data in the list');
});

test('list: search q by name and by username; areaId filter', async () => {
  const byName = await admin.get(`/api/v1/users?q=${encodeURIComponent('王五')}`);
  expectStatus(byName, 200);
  assert.ok(byName.body.items.some((u) => u.id === created.id));
  for (const u of byName.body.items) assert.ok(u.name.includes('王五') || u.username.includes('王五'));
  const byUser = await admin.get('/api/v1/users?q=wang.wu');
  assert.deepEqual(byUser.body.items.map((u) => u.id), [created.id]);
  assert.equal(byUser.body.pager.total, 1);
  const none = await admin.get('/api/v1/users?q=zzzz-nobody');
  assert.equal(none.body.pager.total, 0);
  assert.deepEqual(none.body.items, []);
  const inDatang = await admin.get(`/api/v1/users?areaId=${datang.id}`);
  expectStatus(inDatang, 200);
  assert.ok(inDatang.body.items.some((u) => u.username === 'datang'));
  assert.ok(!inDatang.body.items.some((u) => u.username === 'dengta' || u.id === created.id));
});

test('PATCH with If-Match: 200 and a new ETag; old ETag 412; no If-Match 428; nothing changed', async () => {
  const r = await admin.patch(`/api/v1/users/${created.id}`, { name: '王五一' }, { 'if-match': '"v1"' });
  expectStatus(r, 200, 'patch:');
  assert.equal(r.headers.get('etag'), '"v2"');
  assert.equal(r.body.version, 2);
  assert.equal(r.body.name, '王五一');

  const stale = await admin.patch(`/api/v1/users/${created.id}`, { name: '陈旧写入' }, { 'if-match': '"v1"' });
  expectError(stale, 412, 'stale_version');
  const none = await admin.patch(`/api/v1/users/${created.id}`, { name: '无条件写入' });
  expectError(none, 428, 'precondition_required');
  const g = await admin.get(`/api/v1/users/${created.id}`);
  assert.equal(g.body.name, '王五一');
  assert.equal(g.body.version, 2);
  assert.equal(g.headers.get('etag'), '"v2"');
  assert.equal(sql(srv.db, `SELECT name FROM users WHERE id=${created.id}`)[0].name, '王五一');
});

test('duplicate username: 409 conflict, nothing created', async () => {
  const before = await userTotal(admin);
  const r = await createUser(admin, newBody({ name: '另一个王五' }));
  expectError(r, 409, 'conflict');
  assert.equal(await userTotal(admin), before);
  // also taken by a demo user
  expectError(await createUser(admin, newBody({ username: 'dengta' })), 409, 'conflict');
});

test('username rules: 3-32 of a-z 0-9 _ . -', async () => {
  const before = await userTotal(admin);
  expectError(await createUser(admin, newBody({ username: 'ab' })), 400, 'invalid_input', 'username');
  expectError(await createUser(admin, newBody({ username: 'Upper.Case' })), 400, 'invalid_input', 'username');
  expectError(await createUser(admin, newBody({ username: 'a'.repeat(33) })), 400, 'invalid_input', 'username');
  expectError(await createUser(admin, newBody({ username: '张三丰' })), 400, 'invalid_input', 'username');
  expectError(await createUser(admin, newBody({ username: 'weak.pw', password: 'short' })), 400, 'weak_password');
  const { username, ...noName } = newBody({ username: 'x' });
  expectError(await createUser(admin, noName), 400, 'invalid_input', 'username');
  assert.equal(await userTotal(admin), before);
});

test('idempotent create: same key + same body replays; other body 422', async () => {
  const before = await userTotal(admin);
  const body = newBody({ username: 'idem.one', name: '幂等', phone: '13900000002' });
  const key = { 'idempotency-key': 'test-key-0001' };
  const a = await createUser(admin, body, key);
  expectStatus(a, 201, 'first:');
  const b = await createUser(admin, body, key);
  assert.equal(b.status, 201, `replay status: ${b.text}`);
  assert.deepEqual(b.body, a.body, 'replay has the same body');
  assert.equal(b.headers.get('idempotent-replay'), 'true');
  assert.equal(await userTotal(admin), before + 1, 'one user only');
  assert.equal((await admin.get('/api/v1/users?q=idem.one')).body.pager.total, 1);

  const c = await createUser(admin, { ...body, name: '幂等二' }, key);
  expectError(c, 422, 'idempotency_mismatch');
  assert.equal(await userTotal(admin), before + 1);

  // a failed first attempt is replayed as the same failure, not re-run
  const f1 = await createUser(admin, newBody({ username: 'dengta' }), { 'idempotency-key': 'test-key-0002' });
  expectError(f1, 409, 'conflict');
  const f2 = await createUser(admin, newBody({ username: 'dengta' }), { 'idempotency-key': 'test-key-0002' });
  assert.equal(f2.status, 409);
  assert.deepEqual(f2.body, f1.body);

  // keys are per user, not per session: another session of admin gets the replay
  const other = await login(srv.url, 'admin');
  const d = await createUser(other, body, key);
  assert.equal(d.status, 201);
  assert.deepEqual(d.body, a.body);
  assert.equal(await userTotal(admin), before + 1);
  // a new key is a new request
  expectStatus(await createUser(other, newBody({ username: 'idem.two' }), { 'idempotency-key': 'test-key-0003' }), 201);
  assert.equal(await userTotal(admin), before + 2);

  // a key outside 1-128 visible ASCII is refused
  const bad = await createUser(admin, newBody({ username: 'idem.three' }), { 'idempotency-key': 'k'.repeat(129) });
  expectError(bad, 400, 'invalid_input');
  assert.equal(await userTotal(admin), before + 2);
});

test('grant above own: admin cannot grant the auditor role (lacks audit.read)', async () => {
  const meAdmin = (await admin.get('/api/v1/me')).body;
  assert.ok(!meAdmin.permissions.includes('audit.read'), 'sysadmin lacks audit.read (三员分立)');
  const before = await userTotal(admin);
  const r = await createUser(admin, newBody({ username: 'fake.auditor', roleIds: [roles.auditor] }));
  expectError(r, 403, 'grant_exceeds_own');
  assert.equal(await userTotal(admin), before);

  // nor add it to an existing user
  const g = await admin.get(`/api/v1/users/${created.id}`);
  const p = await admin.patch(`/api/v1/users/${created.id}`, { roleIds: [roles.village_cadre, roles.auditor] },
    { 'if-match': g.headers.get('etag') });
  expectError(p, 403, 'grant_exceeds_own');
  const g2 = await admin.get(`/api/v1/users/${created.id}`);
  assert.deepEqual(g2.body.roles.map((x) => x.code), ['village_cadre']);
  assert.equal(g2.body.version, g.body.version);
});

test('grant above own: custom roles with permissions the creator lacks are refused', async () => {
  const count = () => sql(srv.db, 'SELECT count(*) AS n FROM roles')[0].n;
  const n0 = count();
  let writers = 0;
  for (const [who, c] of [['admin', admin], ['secadmin', secadmin]]) {
    const me = (await c.get('/api/v1/me')).body;
    assert.ok(!me.permissions.includes('audit.read'), `${who} lacks audit.read (三员分立)`);
    const r = await c.post('/api/v1/roles', { code: `spy_${who}`, name: '偷看审计', scope: 'subtree', permissions: ['area.read', 'audit.read'] });
    if (me.permissions.includes('role.write')) {
      writers++;
      expectError(r, 403, 'grant_exceeds_own');
      // a permission of someone else (user.write for secadmin, security.write for admin)
      const lacking = ['user.write', 'security.write', 'calendar.write'].find((p) => !me.permissions.includes(p));
      const r2 = await c.post('/api/v1/roles', { code: `spy2_${who}`, name: '越权角色', scope: 'subtree', permissions: [lacking] });
      expectError(r2, 403, 'grant_exceeds_own');
      // control: a role within the caller's own permissions is accepted
      const own = me.permissions.filter((p) => p.endsWith('.read')).slice(0, 2);
      const ok = await c.post('/api/v1/roles', { code: `reader_${who}`, name: `只读${who}`, scope: 'subtree', permissions: own });
      expectStatus(ok, 201, `${who}: role within own permissions:`);
      assert.deepEqual([...ok.body.permissions].sort(), [...own].sort());
      assert.equal(count(), n0 + writers);
    } else {
      expectError(r, 403, 'forbidden');
    }
  }
  assert.ok(writers > 0, 'someone among admin and secadmin can write roles');
  assert.equal(count(), n0 + writers);

  // secadmin giving the auditor role to a new user
  const meSec = (await secadmin.get('/api/v1/me')).body;
  const su = await createUser(secadmin, newBody({ username: 'sec.auditor', roleIds: [roles.auditor] }));
  if (meSec.permissions.includes('user.write')) expectError(su, 403, 'grant_exceeds_own');
  else expectError(su, 403, 'forbidden');
});

test('built-in roles cannot be changed', async () => {
  const g = await admin.get(`/api/v1/roles/${roles.staff}`);
  expectStatus(g, 200);
  assert.equal(g.body.builtin, true);
  const p = await admin.patch(`/api/v1/roles/${roles.staff}`, { name: '改名' }, { 'if-match': g.headers.get('etag') });
  expectError(p, 403, 'forbidden');
  assert.equal((await admin.get(`/api/v1/roles/${roles.staff}`)).body.name, g.body.name);
});

test('三员分立: admin cannot read the audit nor change security settings', async () => {
  expectError(await admin.get('/api/v1/audit'), 403, 'forbidden');
  const s0 = await secadmin.get('/api/v1/settings/security');
  expectStatus(s0, 200);
  const p = await admin.patch('/api/v1/settings/security', { lockoutThreshold: 100 }, { 'if-match': s0.headers.get('etag') });
  expectError(p, 403, 'forbidden');
  const s1 = await secadmin.get('/api/v1/settings/security');
  assert.deepEqual(s1.body, s0.body, 'settings unchanged');
  // the auditor cannot manage users
  expectError(await createUser(auditor, newBody({ username: 'by.auditor' })), 403, 'forbidden');
  // secadmin cannot read the audit either
  expectError(await secadmin.get('/api/v1/audit'), 403, 'forbidden');
});

test('secadmin can change security settings (If-Match), the auditor can read the audit', async () => {
  const s0 = await secadmin.get('/api/v1/settings/security');
  expectStatus(s0, 200);
  assert.equal(s0.body.passwordMinLength, 10);
  assert.equal(s0.body.lockoutThreshold, 5);
  const p = await secadmin.patch('/api/v1/settings/security', { sessionIdleMinutes: s0.body.sessionIdleMinutes + 1 },
    { 'if-match': s0.headers.get('etag') });
  expectStatus(p, 200, 'secadmin patch settings:');
  assert.equal(p.body.sessionIdleMinutes, s0.body.sessionIdleMinutes + 1);
  assert.equal(p.body.version, s0.body.version + 1);
  expectError(await secadmin.patch('/api/v1/settings/security', { sessionIdleMinutes: 30 }, { 'if-match': s0.headers.get('etag') }), 412, 'stale_version');
  expectStatus(await secadmin.patch('/api/v1/settings/security', { sessionIdleMinutes: s0.body.sessionIdleMinutes },
    { 'if-match': p.headers.get('etag') }), 200);

  const a = await auditor.get('/api/v1/audit?entity=user&action=create');
  expectStatus(a, 200);
  assert.ok(a.body.pager.total >= 1);
  assert.ok(a.body.items.some((x) => x.entity === 'user' && String(x.entityId) === String(created.id)),
    'the auditor sees the create of wang.wu');
});

test('reveal=phone needs pii.read: admin without it gets the masked phone or 403', async () => {
  const me = (await admin.get('/api/v1/me')).body;
  const r = await admin.get(`/api/v1/users/${created.id}?reveal=phone`);
  if (me.permissions.includes('pii.read')) {
    expectStatus(r, 200);
    assert.equal(r.body.phone, '13800000001');
  } else {
    assert.ok(r.status === 403 || (r.status === 200 && r.body.phone === '138****0001'), `got ${r.status} ${r.text}`);
  }
  const plain = await admin.get(`/api/v1/users/${created.id}`);
  assert.equal(plain.body.phone, '138****0001', 'masked by default');
});

test('reveal=phone with pii.read (leader) returns the full phone and is audited as pii_read', async () => {
  const leader = await login(srv.url, 'leader');
  assert.ok(leader.me.permissions.includes('pii.read'), 'leader holds pii.read');
  const m0 = sql(srv.db, 'SELECT coalesce(max(id),0) AS m FROM audit_log')[0].m;
  const r = await leader.get(`/api/v1/users/${created.id}?reveal=phone`);
  expectStatus(r, 200);
  assert.equal(r.body.phone, '13800000001');
  const rows = sql(srv.db, `SELECT action, entity, entity_id, user_id FROM audit_log WHERE id > ${m0}`);
  assert.deepEqual(rows.map((x) => [x.action, x.entity, String(x.entity_id), x.user_id]),
    [['pii_read', 'user', String(created.id), leader.me.id]]);
  // the list stays masked even for pii.read
  const l = await leader.get('/api/v1/users?q=wang.wu');
  assert.equal(l.body.items[0].phone, '138****0001');
});
