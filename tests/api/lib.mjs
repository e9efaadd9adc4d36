// tests/api/lib.mjs - small helpers shared by the API tests (not a test file:
// `node --test tests/api/` only runs *.test.mjs).  Everything here talks to
// the real server started by tests/lib/server.mjs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { Client, PASSWORD, isPgUrl, psql, zw } from '../lib/server.mjs';

export { ENGINE, isPgUrl } from '../lib/server.mjs';

export const TOWNSHIP_CODE = '500236126000';
export const COUNTY_CODE = '500236000000';
export const VILLAGES = [
  ['500236126001', '兴安社区'],
  ['500236126002', '渔灯社区'],
  ['500236126201', '大淌村'],
  ['500236126202', '楼门村'],
  ['500236126203', '红旗村'],
  ['500236126204', '万兴村'],
  ['500236126205', '灯塔村'],
];
export const DENGTA_CODE = '500236126205';
export const DATANG_CODE = '500236126201';
export const HAN = /[\u4e00-\u9fff]/;

// A password that meets the default policy (>= 10 characters, >= 3 classes).
export const STRONG = 'Qz7-strong-Pass';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Asserts an error response: status, stable code, Chinese message, optional field.
export function expectError(r, status, code, field) {
  const where = `${r.status} ${r.text && r.text.slice(0, 300)}`;
  assert.equal(r.status, status, `status: ${where}`);
  assert.ok(r.body && r.body.error, `error body expected: ${where}`);
  assert.equal(r.body.error.code, code, `error.code: ${where}`);
  assert.equal(typeof r.body.error.message, 'string', `error.message: ${where}`);
  assert.match(r.body.error.message, HAN, `error.message must be Chinese: ${where}`);
  if (field !== undefined) assert.equal(r.body.error.field, field, `error.field: ${where}`);
}

export function expectStatus(r, status, msg = '') {
  assert.equal(r.status, status, `${msg} expected ${status}, got ${r.status} ${r.text && r.text.slice(0, 400)}`);
}

// Logs in (retrying on 503 busy: at most two password hashes run at once).
export async function login(url, username, password = PASSWORD) {
  const c = new Client(url);
  for (let i = 0; ; i++) {
    const r = await c.login(username, password);
    if (r.status === 503 && i < 50) { await sleep(100); continue; }
    expectStatus(r, 200, `login ${username}:`);
    c.me = r.body.user;
    return c;
  }
}

// Runs SQL against a database: a SQLite file (sqlite3 CLI) or a PostgreSQL URL
// (psql).  Returns the rows as objects; integers (count(*), BIGINT columns) are
// numbers and NULL is null on both engines.  `query` is one SELECT.
export function sql(db, query) {
  if (isPgUrl(db)) {
    const q = query.trim().replace(/;\s*$/, '');
    const out = psql(db, `SELECT coalesce(json_agg(t), '[]') FROM (${q}) t;`);
    return JSON.parse(out.trim() || '[]');
  }
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// Runs statements that return no rows (UPDATE, DELETE, ...); returns the tool's output.
export function sqlExec(db, query) {
  if (isPgUrl(db)) return psql(db, `${query.trim().replace(/;\s*$/, '')};`);
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, query], { encoding: 'utf8' });
}

// Lets a running case clock (a 公示期) reach its deadline: the clock is moved back as a
// whole, as if it had started (due_at - now + 1) seconds earlier, so a transition
// guarded by `after_clock` may be taken (docs/case-types.md, Guards).  The server's own
// time is not touched.
export function elapseClock(db, caseId, clock) {
  const now = Math.floor(Date.now() / 1000);
  sqlExec(db, `UPDATE case_clocks SET started_at = started_at - (due_at - ${now} + 1), `
    + `warn_at = warn_at - (due_at - ${now} + 1), due_at = ${now} - 1 `
    + `WHERE case_id = ${Number(caseId)} AND clock = '${clock.replace(/'/g, "''")}' AND stopped_at = 0 AND due_at >= ${now}`);
}

// Reads the area tree as a user with scope `all` (admin or leader):
// { county, township, villages: Map code -> area, byCode(code) }.
export async function areaTree(c) {
  const top = await c.get('/api/v1/areas');
  expectStatus(top, 200, 'GET /api/v1/areas:');
  let township = top.body.items.find((a) => a.code === TOWNSHIP_CODE);
  let county = top.body.items.find((a) => a.code === COUNTY_CODE);
  if (!township) {
    assert.ok(county, `top areas have neither county nor township: ${top.text}`);
    const ch = await c.get(`/api/v1/areas?parent=${county.id}`);
    expectStatus(ch, 200);
    township = ch.body.items.find((a) => a.code === TOWNSHIP_CODE);
    assert.ok(township, `township ${TOWNSHIP_CODE} not under the county: ${ch.text}`);
  }
  const vs = await c.get(`/api/v1/areas?parent=${township.id}`);
  expectStatus(vs, 200);
  const villages = new Map(vs.body.items.map((a) => [a.code, a]));
  return { county, township, villages, villageList: vs.body.items };
}

export async function children(c, id) {
  const r = await c.get(`/api/v1/areas?parent=${id}`);
  expectStatus(r, 200, `GET /api/v1/areas?parent=${id}:`);
  return r.body.items;
}

export async function roleIds(c) {
  const r = await c.get('/api/v1/roles');
  expectStatus(r, 200, 'GET /api/v1/roles:');
  return Object.fromEntries(r.body.items.map((x) => [x.code, x.id]));
}

// Total users visible to c (pager.total of GET /api/v1/users).
export async function userTotal(c, q = '') {
  const r = await c.get(`/api/v1/users?pageSize=1${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  expectStatus(r, 200, 'GET /api/v1/users:');
  return r.body.pager.total;
}

// Every user visible to c (follows the pager).
export async function allUsers(c, extra = '') {
  const out = [];
  for (let page = 1; ; page++) {
    const r = await c.get(`/api/v1/users?pageSize=200&page=${page}${extra}`);
    expectStatus(r, 200, 'GET /api/v1/users:');
    out.push(...r.body.items);
    if (page >= r.body.pager.pageCount || r.body.items.length === 0) break;
  }
  return out;
}

export async function healthy(url) {
  const r = await fetch(`${url}/healthz`);
  assert.equal(r.status, 200, 'GET /healthz');
  const b = await r.json();
  assert.equal(b.status, 'ok');
}

// Creates a user as c (retrying on 503 busy); returns the response.
export async function createUser(c, u, headers = {}) {
  for (let i = 0; ; i++) {
    const r = await c.post('/api/v1/users', u, headers);
    if (r.status === 503 && i < 50) { await sleep(100); continue; }
    return r;
  }
}

// A raw HTTP/1.1 exchange over a socket: writes `head` (string), then calls
// `body(write)` which may stream chunks; resolves with the parsed response as
// soon as a complete one has arrived (or the socket closes).
// Returns { status, headers, text, body, sent, answeredEarly }.
//
// paceMs: wait this long after the head and between body chunks, so that an
// early answer is read before a later write fails (a server that closes with
// unread input makes the kernel send RST, and Node drops the socket on the
// failed write, losing the answer that had already arrived).
export function rawHttp(port, head, { chunks = null, timeoutMs = 60000, paceMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    let sent = 0;
    let finishedSending = false;
    const timer = setTimeout(() => finish(new Error(`raw request: no answer within ${timeoutMs} ms (sent ${sent} body bytes)`)), timeoutMs);

    function parse() {
      const i = buf.indexOf('\r\n\r\n');
      if (i < 0) return null;
      const lines = buf.subarray(0, i).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) return { status: -1, headers: {}, text: buf.toString('latin1'), complete: true };
      const headers = {};
      for (const l of lines.slice(1)) {
        const k = l.indexOf(':');
        if (k > 0) headers[l.slice(0, k).trim().toLowerCase()] = l.slice(k + 1).trim();
      }
      const rest = buf.subarray(i + 4);
      let bodyBuf = null;
      if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        if (rest.length >= n) bodyBuf = rest.subarray(0, n);
      } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
        // decode if complete
        let off = 0; const parts = [];
        for (;;) {
          const e = rest.indexOf('\r\n', off);
          if (e < 0) break;
          const size = parseInt(rest.subarray(off, e).toString('latin1'), 16);
          if (Number.isNaN(size)) break;
          if (size === 0) { bodyBuf = Buffer.concat(parts); break; }
          if (rest.length < e + 2 + size + 2) break;
          parts.push(rest.subarray(e + 2, e + 2 + size));
          off = e + 2 + size + 2;
        }
      }
      return { status: Number(m[1]), headers, bodyBuf, rest, complete: bodyBuf !== null };
    }

    function finish(err, closed = false) {
      if (done) return;
      const p = parse();
      if (!err && !p && !closed) return;
      if (!err && p && !p.complete && !closed) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (!p) return err ? reject(err) : reject(new Error(`raw request: connection closed without a response (sent ${sent} body bytes)`));
      const text = (p.bodyBuf || p.rest || Buffer.alloc(0)).toString('utf8');
      let body = null;
      try { body = JSON.parse(text); } catch { body = null; }
      resolve({ status: p.status, headers: p.headers, text, body, sent, answeredEarly: !finishedSending });
    }

    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); finish(null); });
    sock.on('error', () => finish(null, true));
    sock.on('close', () => finish(null, true));
    sock.on('connect', async () => {
      sock.write(head);
      if (chunks) {
        if (paceMs) await sleep(paceMs);
        for (const ch of chunks()) {
          if (done) return;
          sent += ch.length;
          const ok = sock.write(ch);
          if (paceMs) await sleep(paceMs);
          if (!ok) {
            await new Promise((r) => {
              const t = setInterval(() => { if (done) { clearInterval(t); r(); } }, 50);
              sock.once('drain', () => { clearInterval(t); r(); });
            });
          }
        }
      }
      finishedSending = true;
    });
  });
}

// Recursively finds objects in a JSON value.
export function walk(v, fn) {
  if (Array.isArray(v)) v.forEach((x) => walk(x, fn));
  else if (v && typeof v === 'object') { fn(v); Object.values(v).forEach((x) => walk(x, fn)); }
}

// `zhenwu check counts` on db (file or URL): the counters the indicators read
// (sql/0023, sql/0024) against a recount of the records, and every indicator
// they answer computed from them and from the records.  { code, out }.
export function checkCounts(db, ...flags) {
  try {
    return { code: 0, out: zw(['check', 'counts', '--db', db, ...flags]) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout || ''}${e.stderr || ''}` };
  }
}

// Asserts that the counters of db equal the records (after writes through the API).
export function assertCountsExact(db) {
  const r = checkCounts(db);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /统计计数与台账一致；\d+ 项指标值按计数与按台账计算相同/);
}
