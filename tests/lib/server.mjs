// tests/lib/server.mjs - start a real zhenwu server on a free port with a fresh
// demo database, for the API and browser tests.  No mocks: this is the binary
// that `make` builds, on a database that `zhenwu init --demo` creates.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const BIN = process.env.ZHENWU_BIN || path.join(ROOT, 'build/asan/zhenwu');
export const WEB = process.env.ZHENWU_WEB || path.join(ROOT, 'web/dist');
export const PASSWORD = process.env.ZHENWU_DEMO_PASSWORD || 'Demo-Passw0rd!';

// The database engine under test.  ZHENWU_TEST_PG set to a PostgreSQL base URL
// (postgresql://user@host:port, as scripts/pg-cluster.sh prints it) makes every
// startServer() create a fresh database there; otherwise each gets a SQLite file.
export const PG_BASE = (process.env.ZHENWU_TEST_PG || '').trim();
export const ENGINE = PG_BASE ? 'postgresql' : 'sqlite';

// True if `db` (a --db argument) names a PostgreSQL database rather than a file.
export const isPgUrl = (db) => /^postgres(ql)?:\/\//i.test(String(db));

// The URL of database `name` on the server of PG_BASE (or of the URL `base`).
export function pgDbUrl(name, base = PG_BASE) {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

// The database name in a PostgreSQL URL.
export const pgDbName = (url) => decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));

// Runs SQL with psql against a PostgreSQL URL (stops at the first error); returns stdout.
export function psql(url, query) {
  return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url], {
    input: query, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
}

const pgIdent = (name) => `"${String(name).replace(/"/g, '""')}"`;
const pgLiteral = (s) => `'${String(s).replace(/'/g, "''")}'`;

// Ends every other connection to database `name` (on the server of `url`).
export function pgTerminate(url, name) {
  psql(pgDbUrl('postgres', url), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = ${pgLiteral(name)} AND pid <> pg_backend_pid();`);
}

let pgCounter = 0;
// Creates an empty database with a unique name; returns its URL.
export function pgCreateDb(prefix = 'zwt') {
  const name = `${prefix}_${process.pid}_${++pgCounter}_${randomBytes(4).toString('hex')}`;
  psql(pgDbUrl('postgres'), `CREATE DATABASE ${pgIdent(name)};`);
  return pgDbUrl(name);
}

// Drops the database at `url` after ending the connections still open to it.
export async function pgDropDb(url) {
  const name = pgDbName(url);
  for (let i = 0; ; i++) {
    try {
      pgTerminate(url, name);
      psql(pgDbUrl('postgres', url), `DROP DATABASE IF EXISTS ${pgIdent(name)};`);
      return;
    } catch (e) {
      // a terminated backend may take a moment to go away ("being accessed by other users")
      if (i >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Demo users created by `zhenwu init --demo`, one per built-in role.
export const DEMO_USERS = {
  admin: 'sysadmin', secadmin: 'secadmin', auditor: 'auditor', leader: 'leader',
  staff: 'staff', dengta: 'village_cadre', datang: 'village_cadre', grid: 'grid_worker',
  assist: 'assist_cadre',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Runs the zhenwu binary synchronously; returns stdout.  Throws on a non-zero exit.
export function zw(args, opts = {}) {
  return execFileSync(BIN, args, {
    env: { ...process.env, ZHENWU_DEMO_PASSWORD: PASSWORD, ...(opts.env || {}) },
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT,
  });
}

// Creates a demo database in a fresh temp dir, or with ZHENWU_TEST_PG a fresh
// PostgreSQL database (or serves the existing database `db`, file or URL, which
// is then left in place) and starts `zhenwu serve` on it.
// Returns { url, port, db, dir, engine, proc, stderr, stop() }.  stop() sends
// SIGTERM and waits; a database it created on PostgreSQL is then dropped.
// demoCases: the whole demo (cases, monitoring, benefits of 2018), not only the registry.
export async function startServer({ extraArgs = [], init = true, db: existing = null, demoCases = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-test-'));
  const ownPg = !existing && ENGINE === 'postgresql';
  let db = existing;
  const cleanup = async () => {
    try {
      if (ownPg && db) await pgDropDb(db);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (!db) db = ownPg ? pgCreateDb() : path.join(dir, 'test.db');
    if (init && !existing) zw(['init', '--db', db, '--township', '500236126', '--demo', ...(demoCases ? [] : ['--no-demo-cases'])]);
  } catch (e) {
    await cleanup();
    throw e;
  }
  const engine = isPgUrl(db) ? 'postgresql' : 'sqlite';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Attachments: beside a SQLite file by default; in the temp dir for a PostgreSQL database.
  const files = isPgUrl(db) ? path.join(dir, 'files') : `${db}.files`;
  const filesArgs = isPgUrl(db) && !extraArgs.includes('--files') ? ['--files', files] : [];
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', WEB, ...filesArgs, ...extraArgs], {
    cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 1e6) stderr = stderr.slice(-5e5); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (proc.exitCode !== null || i > 200) {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
      await cleanup();
      throw new Error(`zhenwu serve did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = null;
  return {
    url, port, db, dir, engine, proc, files,
    get stderr() { return stderr; },
    stop() {
      stopped ||= (async () => {
        if (proc.exitCode === null) proc.kill('SIGTERM');
        const r = await exited;
        await cleanup();
        return r;
      })();
      return stopped;
    },
  };
}

// A logged-in client: keeps the session cookie and sends the CSRF token.
export class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; }

  async login(username, password = PASSWORD) {
    const r = await this.req('POST', '/api/v1/session', { username, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }

  // Sends a request; body (object) is JSON-encoded.  Returns { status, headers, body, text }.
  async req(method, p, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && method !== 'HEAD' && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      if (!('content-type' in h)) h['content-type'] = 'application/json';
    }
    const r = await fetch(this.base + p, { method, headers: h, body: payload });
    const set = r.headers.get('set-cookie');
    if (set) {
      const m = /zw_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `zw_session=${m[1]}` : null;
    }
    const text = await r.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    return { status: r.status, headers: r.headers, body: parsed, text };
  }

  // GET returning the body as bytes: { status, headers, bytes }.
  async bytes(p) {
    const h = this.cookie ? { cookie: this.cookie } : {};
    const r = await fetch(this.base + p, { headers: h });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  }

  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b, h); }
  patch(p, b, h) { return this.req('PATCH', p, b, h); }
  put(p, b, h) { return this.req('PUT', p, b, h); }
  del(p, h) { return this.req('DELETE', p, undefined, h); }
}
