// Bad input: every malformed request gets a stable error code and a Chinese
// message, writes nothing, and leaves the server healthy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, Client } from '../lib/server.mjs';
import {
  login, expectError, expectStatus, roleIds, areaTree, userTotal, healthy, rawHttp, sql,
  DENGTA_CODE, STRONG, HAN,
} from './lib.mjs';

let srv, admin, roles, dengta, baseline, target;

const good = () => ({ username: 'bad.input', name: '坏输入', password: STRONG, areaId: dengta.id, roleIds: [roles.staff] });
const json = (o) => JSON.stringify(o);

// Request head for a raw socket, with admin's session.
function rawHead(method, p, extra = [], { auth = true } = {}) {
  const lines = [`${method} ${p} HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`];
  if (auth) lines.push(`Cookie: ${admin.cookie}`, `X-CSRF-Token: ${admin.csrf}`);
  lines.push(...extra, '', '');
  return lines.join('\r\n');
}

// node:http keeps the path exactly as given (fetch would normalise "..").
function rawGet(p) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: p, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body = null;
        try { body = JSON.parse(text); } catch { body = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  roles = await roleIds(admin);
  dengta = (await areaTree(admin)).villages.get(DENGTA_CODE);
  // a user to PATCH
  const r = await admin.post('/api/v1/users', { ...good(), username: 'patch.target' });
  expectStatus(r, 201);
  target = r.body;
  baseline = await userTotal(admin);
});

after(async () => { if (srv) await srv.stop(); });

// After every case: nothing written, the server answers.
async function unchanged() {
  assert.equal(await userTotal(admin), baseline, 'user count unchanged');
  assert.equal(sql(srv.db, "SELECT count(*) AS n FROM users WHERE username='bad.input'")[0].n, 0);
  const g = await admin.get(`/api/v1/users/${target.id}`);
  assert.equal(g.body.version, 1, 'patch target unchanged');
  assert.equal(g.body.name, target.name);
  await healthy(srv.url);
}

const post = (body, headers) => admin.post('/api/v1/users', body, headers);
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
function nested(depth) {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

// [name, send(), status, code, field?]
const CASES = [
  ['malformed JSON', () => post('{"username": "x",'), 400, 'bad_json'],
  ['JSON with trailing garbage', () => post('{"username": "x"} {"y": 1}'), 400, 'bad_json'],
  ['a JSON array instead of an object', () => post('[1, 2, 3]'), 400, 'bad_json'],
  ['a JSON string instead of an object', () => post('"hello"'), 400, 'bad_json'],
  ['JSON null', () => post('null'), 400, 'bad_json'],
  ['an empty body', () => post(''), 400, 'bad_json'],
  ['single quotes', () => post("{'username': 'x'}"), 400, 'bad_json'],
  ['NaN literal', () => post('{"areaId": NaN}'), 400, 'bad_json'],
  ['JSON nested 1000 deep', () => post(nested(1000)), 400, 'bad_json'],
  ['username is a number', () => post(json({ ...good(), username: 123 })), 400, 'invalid_input', 'username'],
  ['name is null', () => post(json({ ...good(), name: null })), 400, 'invalid_input', 'name'],
  ['areaId is a string', () => post(json({ ...good(), areaId: 'abc' })), 400, 'invalid_input', 'areaId'],
  ['areaId is a fraction', () => post(json({ ...good(), areaId: 1.5 })), 400, 'invalid_input', 'areaId'],
  ['roleIds is a string', () => post(json({ ...good(), roleIds: 'x' })), 400, 'invalid_input', 'roleIds'],
  ['roleIds holds a string', () => post(json({ ...good(), roleIds: ['staff'] })), 400, 'invalid_input', 'roleIds'],
  ['password is a number', () => post(json({ ...good(), password: 1234567890123 })), 400, 'invalid_input', 'password'],
  ['name of 100,000 characters', () => post(json({ ...good(), name: '长'.repeat(100000) })), 400, 'invalid_input', 'name'],
  ['unknown field', () => post(json({ ...good(), isAdmin: true })), 400, 'unknown_field', 'isAdmin'],
  ['unknown field on PATCH', () => admin.patch(`/api/v1/users/${target.id}`, { name: '改', version: 99 }, { 'if-match': '"v1"' }), 400, 'unknown_field', 'version'],
  ['wrong type on PATCH', () => admin.patch(`/api/v1/users/${target.id}`, { disabled: 'yes' }, { 'if-match': '"v1"' }), 400, 'invalid_input', 'disabled'],
  ['invalid UTF-8 (0xFF) in a string', () => post(bytes('{"username":"bad.input","name":"', [0xff, 0xfe], `","password":"${STRONG}","areaId":${dengta.id},"roleIds":[${roles.staff}]}`)), 400, 'invalid_utf8'],
  ['overlong UTF-8 encoding of "/"', () => post(bytes('{"username":"bad.input","name":"a', [0xc0, 0xaf], `","password":"${STRONG}","areaId":${dengta.id},"roleIds":[${roles.staff}]}`)), 400, 'invalid_utf8'],
  ['UTF-8 encoded surrogate', () => post(bytes('{"username":"bad.input","name":"', [0xed, 0xa0, 0x80], `","password":"${STRONG}","areaId":${dengta.id},"roleIds":[${roles.staff}]}`)), 400, 'invalid_utf8'],
  ['truncated UTF-8 sequence at the end', () => post(bytes('{"name":"', [0xe4, 0xb8])), 400, 'invalid_utf8'],
  ['invalid UTF-8 in a key', () => post(bytes('{"', [0xff], `":1}`)), 400, 'invalid_utf8'],
  ['Content-Type text/plain', () => post(json(good()), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
  ['Content-Type form-urlencoded', () => post('username=bad.input', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
  ['Content-Type multipart', () => post(json(good()), { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type'],
  ['Content-Type application/jsonx', () => post(json(good()), { 'content-type': 'application/jsonx' }), 415, 'unsupported_media_type'],
  ['no Content-Type with a body', async () => {
    const body = json(good());
    return rawHttp(srv.port, rawHead('POST', '/api/v1/users', [`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close']) + body);
  }, 415, 'unsupported_media_type'],
  ['a body of 2 MiB', async () => {
    const body = json({ ...good(), name: 'x'.repeat(2 * 1024 * 1024) });
    return rawHttp(srv.port, rawHead('POST', '/api/v1/users', ['Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close']) + body);
  }, 413, 'body_too_large'],
  ['a chunked body of 2 MiB without Content-Length', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    return rawHttp(srv.port, rawHead('POST', '/api/v1/users', ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close']), {
      chunks: function* () {
        yield '9\r\n{"name":"\r\n';
        for (let i = 0; i < 32; i++) yield `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
        yield '0\r\n\r\n';
      },
    });
  }, 413, 'body_too_large'],
  ['PUT on a collection', () => admin.put('/api/v1/users', good()), 405, 'method_not_allowed'],
  ['an unknown API path', () => admin.get('/api/v1/no-such-resource'), 404, 'not_found'],
  ['bad JSON on login (no session)', () => new Client(srv.url).post('/api/v1/session', '{"username":'), 400, 'bad_json'],
];

test('areaId overflows (1e400) -> 400 invalid_input or bad_json (RFC 8259 lets a parser limit number range)', async () => {
  const r = await post(`{"username":"bad.input","name":"坏输入","password":"${STRONG}","areaId":1e400,"roleIds":[${roles.staff}]}`);
  assert.ok(r.body && r.body.error && ['invalid_input', 'bad_json'].includes(r.body.error.code), r.text);
  expectError(r, 400, r.body.error.code);
  await unchanged();
});

for (const [name, send, status, code, field] of CASES) {
  test(`${name} -> ${status} ${code}`, async () => {
    const r = await send();
    expectError(r, status, code, field);
    await unchanged();
  });
}

test('a 100 MB body is refused early with 413 body_too_large', async () => {
  const total = 104857600;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const r = await rawHttp(srv.port, rawHead('POST', '/api/v1/users', ['Content-Type: application/json', `Content-Length: ${total}`]), {
    chunks: function* () { for (let sent = 0; sent < total; sent += chunk.length) yield chunk; },
    timeoutMs: 120000, paceMs: 2,
  });
  expectError(r, 413, 'body_too_large');
  assert.ok(r.answeredEarly, `answered before the whole body was sent (sent ${r.sent} bytes)`);
  assert.ok(r.sent < total, `sent ${r.sent} of ${total}`);
  assert.match(r.headers['content-type'] || '', /application\/json/);
  await unchanged();
});

// 10,000 headers do not fit libmicrohttpd's per-connection pool (64 KiB, see
// ZW_MHD_CONN_MEMORY in src/base/limits.h: the pool is zero-filled on every
// keep-alive request, so a pool big enough to hold 10,000 headers halves the
// server's throughput).  libmicrohttpd then refuses the request itself, with
// status 431 and its built-in body, before zhenwu sees it.  What must hold: the
// refusal, nothing written, and the server still serving.  Header floods that do
// fit the pool get zhenwu's JSON 431 (the next two tests).
test('10,000 headers -> 431, nothing written, server still serving', async () => {
  const extra = [];
  for (let i = 0; i < 10000; i++) extra.push(`X-Junk-${i}: v`);
  const r = await rawHttp(srv.port, rawHead('GET', '/api/v1/me', [...extra, 'Connection: close']));
  assert.equal(r.status, 431, `status ${r.status}`);
  await unchanged();
});

test('500 headers within the pool -> 431 headers_too_large with a JSON Chinese message', async () => {
  const extra = [];
  for (let i = 0; i < 500; i++) extra.push(`X-J${i}: v`);
  const r = await rawHttp(srv.port, rawHead('GET', '/api/v1/me', [...extra, 'Connection: close']));
  expectError(r, 431, 'headers_too_large');
  assert.match(r.headers['content-type'] || '', /application\/json/);
  await unchanged();
});

test('65 headers -> 431; 64 headers -> accepted', async () => {
  const mk = (n) => { const h = []; for (let i = 0; i < n; i++) h.push(`X-H-${i}: v`); return h; };
  // Host + Connection + 62 = 64 headers
  const ok = await rawHttp(srv.port, rawHead('GET', '/healthz', [...mk(62), 'Connection: close'], { auth: false }));
  assert.equal(ok.status, 200, `64 headers: ${ok.status} ${ok.text}`);
  const bad = await rawHttp(srv.port, rawHead('GET', '/healthz', [...mk(63), 'Connection: close'], { auth: false }));
  expectError(bad, 431, 'headers_too_large');
  await unchanged();
});

test('one header of 17 KiB -> 431 headers_too_large', async () => {
  const r = await rawHttp(srv.port, rawHead('GET', '/api/v1/me', [`X-Big: ${'a'.repeat(17 * 1024)}`, 'Connection: close']));
  expectError(r, 431, 'headers_too_large');
  await unchanged();
});

// The brief's three, plus encodings that must never reach a file outside web/dist.
// (The SPA answers unknown extension-less paths with index.html; that is allowed for
// the double-encoded and overlong forms, which are not traversals once decoded once.)
const SPA_OK = new Set(['/assets/%252e%252e/%252e%252e/etc/passwd', '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd']);
const TRAVERSALS = [
  '/../../etc/passwd',
  '/assets/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2fetc/passwd',
  '/assets/..%2f..%2f..%2f..%2fetc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/assets/../../../../etc/passwd',
  '/assets/..\\..\\..\\etc\\passwd',
  '/assets/%252e%252e/%252e%252e/etc/passwd',
  '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '/index.html%00.js',
  '//etc/passwd',
];

for (const p of TRAVERSALS) {
  test(`path traversal ${p} -> 400 bad_path or 404, never the file`, async () => {
    const r = await rawGet(p);
    assert.ok(!/root:.*:0:0:/.test(r.text), `file contents leaked for ${p}`);
    if (SPA_OK.has(p) && r.status === 200) {
      assert.equal(r.text, (await rawGet('/')).text, `${p}: only the SPA index may answer 200`);
      return;
    }
    assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.match(r.headers['content-type'] || '', /application\/json/, `JSON error for ${p}`);
    expectError(r, r.status, r.status === 400 ? 'bad_path' : 'not_found');
    await unchanged();
  });
}

test('every error message is Chinese and codes are stable across repeats', async () => {
  const a = await post('{"username":');
  const b = await post('{"username":');
  assert.deepEqual(a.body, b.body);
  assert.match(a.body.error.message, HAN);
});
