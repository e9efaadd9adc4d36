// Sessions: login, cookie, logout, lockout, CSRF, expiry, password policy,
// forced password change.  See docs/api.md "Authentication" and "Session".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import {
  login, expectError, expectStatus, sql, sqlExec, roleIds, areaTree, userTotal, createUser,
  DENGTA_CODE, STRONG, sleep,
} from './lib.mjs';

let srv, admin, roles, dengta;

// Creates a user as admin with the staff role in 灯塔村; returns its JSON.
async function newUser(username, password = STRONG) {
  const r = await createUser(admin, {
    username, name: `测试${username}`, password, areaId: dengta.id, roleIds: [roles.staff],
  });
  expectStatus(r, 201, `create ${username}:`);
  return r.body;
}

function userIdOf(username) {
  const rows = sql(srv.db, `SELECT id FROM users WHERE username='${username}'`);
  assert.equal(rows.length, 1, `users row for ${username}`);
  return rows[0].id;
}

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  roles = await roleIds(admin);
  dengta = (await areaTree(admin)).villages.get(DENGTA_CODE);
  assert.ok(dengta, '灯塔村 exists');
});

after(async () => { if (srv) await srv.stop(); });

test('login sets an HttpOnly SameSite=Strict Path=/ cookie and returns csrfToken and user', async () => {
  const r = await fetch(`${srv.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'staff', password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  const set = r.headers.get('set-cookie');
  assert.ok(set, 'Set-Cookie present');
  const m = /(?:^|,\s*)zw_session=([^;]+)/.exec(set);
  assert.ok(m, `zw_session cookie: ${set}`);
  assert.ok(m[1].length >= 43, `token carries 256 bits: ${m[1]}`);
  const attrs = set.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), `HttpOnly: ${set}`);
  assert.ok(attrs.includes('samesite=strict'), `SameSite=Strict: ${set}`);
  assert.ok(attrs.includes('path=/'), `Path=/: ${set}`);
  const body = await r.json();
  assert.equal(typeof body.csrfToken, 'string');
  assert.ok(body.csrfToken.length >= 16, 'csrfToken non-trivial');
  assert.equal(body.user.username, 'staff');
  assert.equal(body.user.mustChangePassword, false);
  assert.ok(Array.isArray(body.user.roles) && body.user.roles.some((x) => x.code === 'staff'));
  assert.ok(Array.isArray(body.user.permissions));
  const text = JSON.stringify(body);
  assert.ok(!/argon2|password_?hash/i.test(text), 'no password hash in the login answer');
  // the server stores only a hash of the token
  const rows = sql(srv.db, 'SELECT * FROM sessions');
  assert.ok(rows.length >= 1);
  assert.ok(!JSON.stringify(rows).includes(m[1]), 'raw session token is not stored in the database');

  // the cookie works; /me returns the same csrf token
  const c = new Client(srv.url);
  c.cookie = `zw_session=${m[1]}`;
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'staff');
  assert.equal(me.body.csrfToken, body.csrfToken);
});

test('wrong password and unknown user get the same 401 bad_credentials', async () => {
  const c = new Client(srv.url);
  const a = await c.login('staff', 'Wrong-Passw0rd!');
  expectError(a, 401, 'bad_credentials');
  assert.equal(a.headers.get('set-cookie'), null, 'no cookie on failure');
  const b = await c.login('no_such_user_x', 'Wrong-Passw0rd!');
  expectError(b, 401, 'bad_credentials');
  assert.deepEqual(b.body, a.body, 'same answer for unknown user and wrong password');
  const m = await c.get('/api/v1/me');
  expectError(m, 401, 'unauthenticated');
  // the staff account still works (2 failures do not lock)
  await login(srv.url, 'staff');
});

test('missing fields on login are refused without a session', async () => {
  const c = new Client(srv.url);
  const r = await c.post('/api/v1/session', { username: 'staff' });
  assert.ok(r.status === 400 || r.status === 401, `got ${r.status}`);
  assert.equal(c.cookie, null);
});

test('5 failed logins lock the account: 423 account_locked even with the right password; admin unlock', async () => {
  const u = await newUser('lock.me');
  const c = new Client(srv.url);
  for (let i = 1; i <= 5; i++) {
    const r = await c.login('lock.me', `Wrong-Passw0rd-${i}`);
    if (i < 5) expectError(r, 401, 'bad_credentials');
    else assert.ok(r.status === 401 || r.status === 423, `5th failure: ${r.status} ${r.text}`);
  }
  const r = await c.login('lock.me', STRONG);
  expectError(r, 423, 'account_locked');
  assert.match(r.body.error.message, /\d/, 'message says until when');
  assert.equal(c.cookie, null, 'no session for a locked account');
  const again = await c.login('lock.me', STRONG);
  expectError(again, 423, 'account_locked');

  // the list shows it locked; an admin unlock clears it
  const g = await admin.get(`/api/v1/users/${u.id}`);
  expectStatus(g, 200);
  assert.equal(g.body.locked, true);
  const p = await admin.patch(`/api/v1/users/${u.id}`, { unlock: true }, { 'if-match': g.headers.get('etag') });
  expectStatus(p, 200, 'unlock:');
  assert.equal(p.body.locked, false);
  const ok = await c.login('lock.me', STRONG);
  expectStatus(ok, 200, 'login after unlock:');
});

test('failures of another user do not lock this one; a success resets the count', async () => {
  await newUser('reset.me');
  const c = new Client(srv.url);
  for (let i = 0; i < 4; i++) expectError(await c.login('reset.me', 'Wrong-Passw0rd!'), 401, 'bad_credentials');
  expectStatus(await c.login('reset.me', STRONG), 200);
  const d = new Client(srv.url);
  for (let i = 0; i < 4; i++) expectError(await d.login('reset.me', 'Wrong-Passw0rd!'), 401, 'bad_credentials');
  // 4 + 4 failures, but not 5 in a row
  expectStatus(await d.login('reset.me', STRONG), 200, 'count was reset by the success:');
});

test('logout answers 204, clears the cookie and ends the session server-side', async () => {
  const c = await login(srv.url, 'staff');
  const cookie = c.cookie;
  const r = await c.del('/api/v1/session');
  expectStatus(r, 204);
  const set = r.headers.get('set-cookie') || '';
  assert.match(set, /zw_session=(;|$|"")|max-age=0|expires=thu, 01 jan 1970/i, `cookie cleared: ${set}`);
  expectError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  // replaying the old cookie does not work either
  const old = new Client(srv.url);
  old.cookie = cookie;
  expectError(await old.get('/api/v1/me'), 401, 'unauthenticated');
});

test('no session: /api/v1/me and /api/v1/users answer 401 unauthenticated', async () => {
  const c = new Client(srv.url);
  expectError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  expectError(await c.get('/api/v1/users'), 401, 'unauthenticated');
  c.cookie = 'zw_session=' + 'a'.repeat(64);
  expectError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('CSRF: POST without or with a wrong X-CSRF-Token is refused and creates nothing', async () => {
  const before = await userTotal(admin);
  const body = { username: 'csrf.victim', name: '跨站', password: STRONG, areaId: dengta.id, roleIds: [roles.staff] };
  const saved = admin.csrf;
  admin.csrf = null;
  try {
    expectError(await admin.post('/api/v1/users', body), 403, 'csrf_failed');
  } finally { admin.csrf = saved; }
  expectError(await admin.post('/api/v1/users', body, { 'x-csrf-token': 'wrong-token' }), 403, 'csrf_failed');
  expectError(await admin.post('/api/v1/users', body, { 'x-csrf-token': '' }), 403, 'csrf_failed');
  // another session's token is not this session's token
  const other = await login(srv.url, 'admin');
  expectError(await admin.post('/api/v1/users', body, { 'x-csrf-token': other.csrf }), 403, 'csrf_failed');
  assert.equal(await userTotal(admin), before);
  assert.equal(sql(srv.db, "SELECT count(*) AS n FROM users WHERE username='csrf.victim'")[0].n, 0);
});

test('CSRF: PATCH and DELETE without or with a wrong token are refused and change nothing', async () => {
  const u = await newUser('csrf.patch');
  const g = await admin.get(`/api/v1/users/${u.id}`);
  const etag = g.headers.get('etag');
  const saved = admin.csrf;
  admin.csrf = null;
  try {
    expectError(await admin.patch(`/api/v1/users/${u.id}`, { name: '被改了' }, { 'if-match': etag }), 403, 'csrf_failed');
  } finally { admin.csrf = saved; }
  expectError(await admin.patch(`/api/v1/users/${u.id}`, { name: '被改了' }, { 'if-match': etag, 'x-csrf-token': 'x' + admin.csrf }), 403, 'csrf_failed');
  const g2 = await admin.get(`/api/v1/users/${u.id}`);
  assert.equal(g2.body.name, u.name);
  assert.equal(g2.body.version, g.body.version);
  assert.equal(g2.headers.get('etag'), etag);

  // DELETE /api/v1/session without the token does not log out
  const c = await login(srv.url, 'staff');
  const s = c.csrf;
  c.csrf = null;
  expectError(await c.del('/api/v1/session'), 403, 'csrf_failed');
  c.csrf = s;
  expectError(await c.del('/api/v1/session', { 'x-csrf-token': 'nope' }), 403, 'csrf_failed');
  expectStatus(await c.get('/api/v1/me'), 200, 'still logged in:');
  // and the session row is still there
  expectStatus(await c.del('/api/v1/session'), 204);
});

test('idle expiry: a session unused for longer than sessionIdleMinutes answers 401', async () => {
  const c = await login(srv.url, 'leader');
  expectStatus(await c.get('/api/v1/me'), 200);
  const uid = userIdOf('leader');
  sqlExec(srv.db, `UPDATE sessions SET last_seen_at = last_seen_at - 7200, created_at = created_at - 7200 WHERE user_id = ${uid}`);
  expectError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  // a fresh login works again
  const d = await login(srv.url, 'leader');
  expectStatus(await d.get('/api/v1/me'), 200);
});

test('absolute expiry: a busy session older than sessionAbsoluteHours answers 401', async () => {
  const c = await login(srv.url, 'assist');
  expectStatus(await c.get('/api/v1/me'), 200);
  const uid = userIdOf('assist');
  // recently used (last_seen_at untouched), but created two days ago
  sqlExec(srv.db, `UPDATE sessions SET created_at = created_at - 86400*2 WHERE user_id = ${uid}`);
  expectError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('an active session within the limits stays valid (control for the expiry tests)', async () => {
  const c = await login(srv.url, 'auditor');
  const uid = userIdOf('auditor');
  // 10 minutes idle is within sessionIdleMinutes (30)
  sqlExec(srv.db, `UPDATE sessions SET last_seen_at = last_seen_at - 600, created_at = created_at - 600 WHERE user_id = ${uid}`);
  expectStatus(await c.get('/api/v1/me'), 200);
});

test('password policy on POST /api/v1/me/password', async () => {
  await newUser('pw.policy');
  const c = await login(srv.url, 'pw.policy', STRONG);
  const change = (oldPassword, newPassword) => c.post('/api/v1/me/password', { oldPassword, newPassword });
  expectError(await change(STRONG, 'Ab1!x'), 400, 'weak_password');            // too short
  expectError(await change(STRONG, 'abcdefghijklmn'), 400, 'weak_password');   // one class
  expectError(await change(STRONG, 'abcdefgh12345'), 400, 'weak_password');    // two classes
  expectError(await change(STRONG, STRONG), 400, 'weak_password');             // same as old
  expectError(await change('Not-The-0ld-one', 'Another-Str0ng-pw'), 401, 'bad_credentials');
  // the old password still works after all the refusals
  expectStatus(await new Client(srv.url).login('pw.policy', STRONG), 200);
  // a good one (3 classes, >= 10 chars) is accepted
  expectStatus(await change(STRONG, 'abcdefgh12345X'), 204);
  expectError(await new Client(srv.url).login('pw.policy', STRONG), 401, 'bad_credentials');
  expectStatus(await new Client(srv.url).login('pw.policy', 'abcdefgh12345X'), 200);
});

test('password change requires a session', async () => {
  const c = new Client(srv.url);
  expectError(await c.post('/api/v1/me/password', { oldPassword: PASSWORD, newPassword: 'Xx-new-passw0rd' }), 401, 'unauthenticated');
});

test('forced change: a user created by admin must change the password before anything else', async () => {
  const u = await newUser('must.change');
  assert.equal(u.mustChangePassword, true, 'new user must change the password');
  const c = new Client(srv.url);
  const l = await c.login('must.change', STRONG);
  expectStatus(l, 200);
  assert.equal(l.body.user.mustChangePassword, true);
  const me = await c.get('/api/v1/me');
  expectStatus(me, 200);
  assert.equal(me.body.mustChangePassword, true);
  expectError(await c.get('/api/v1/users'), 403, 'password_change_required');
  expectError(await c.get('/api/v1/areas'), 403, 'password_change_required');
  expectError(await c.get(`/api/v1/users/${u.id}`), 403, 'password_change_required');
  expectError(await c.get('/api/v1/roles'), 403, 'password_change_required');
  expectError(await c.get('/api/v1/calendar/2026'), 403, 'password_change_required');
  expectError(await c.post('/api/v1/users', { username: 'x.y.z' }), 403, 'password_change_required');
  expectError(await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: 'short' }), 400, 'weak_password');
  expectStatus(await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: 'Changed-Passw0rd' }), 204);
  const me2 = await c.get('/api/v1/me');
  expectStatus(me2, 200);
  assert.equal(me2.body.mustChangePassword, false);
  const perms = me2.body.permissions;
  expectStatus(await c.get('/api/v1/areas'), perms.includes('area.read') ? 200 : 403);
  const lu = await c.get('/api/v1/users');
  if (perms.includes('user.read')) expectStatus(lu, 200);
  else expectError(lu, 403, 'forbidden');

  // an admin password reset forces a change again
  const g = await admin.get(`/api/v1/users/${u.id}`);
  const p = await admin.patch(`/api/v1/users/${u.id}`, { password: 'Reset-Passw0rd' }, { 'if-match': g.headers.get('etag') });
  expectStatus(p, 200, 'admin reset:');
  assert.equal(p.body.mustChangePassword, true);
  const d = new Client(srv.url);
  expectStatus(await d.login('must.change', 'Reset-Passw0rd'), 200);
  expectError(await d.get('/api/v1/areas'), 403, 'password_change_required');
  // the user can still log out
  expectStatus(await d.del('/api/v1/session'), 204);
});

test('a disabled account cannot log in: 403 account_disabled', async () => {
  const u = await newUser('disable.me');
  const c = await login(srv.url, 'disable.me', STRONG);
  const g = await admin.get(`/api/v1/users/${u.id}`);
  const p = await admin.patch(`/api/v1/users/${u.id}`, { disabled: true }, { 'if-match': g.headers.get('etag') });
  expectStatus(p, 200);
  assert.equal(p.body.disabled, true);
  expectError(await new Client(srv.url).login('disable.me', STRONG), 403, 'account_disabled');
  // the session opened before disabling no longer works
  const me = await c.get('/api/v1/me');
  assert.ok(me.status === 401 || me.status === 403, `existing session of a disabled user: ${me.status}`);
  await sleep(0);
});
