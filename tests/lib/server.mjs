// tests/lib/server.mjs - start a real zhenwu server on a free port with a fresh
// demo database, for the API and browser tests.  No mocks: this is the binary
// that `make` builds, on a database that `zhenwu init --demo` creates.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const BIN = process.env.ZHENWU_BIN || path.join(ROOT, 'build/asan/zhenwu');
export const WEB = process.env.ZHENWU_WEB || path.join(ROOT, 'web/dist');
export const PASSWORD = process.env.ZHENWU_DEMO_PASSWORD || 'Demo-Passw0rd!';

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

// Creates a demo database in a fresh temp dir (or serves the existing database
// `db`, which is then left in place) and starts `zhenwu serve` on it.
// Returns { url, port, db, dir, proc, stop() }.  stop() sends SIGTERM and waits.
export async function startServer({ extraArgs = [], init = true, db: existing = null } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-test-'));
  const db = existing || path.join(dir, 'test.db');
  if (init && !existing) zw(['init', '--db', db, '--township', '500236126', '--demo']);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', WEB, ...extraArgs], {
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
      throw new Error(`zhenwu serve did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, db, dir, proc,
    get stderr() { return stderr; },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      rmSync(dir, { recursive: true, force: true });
      return r;
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

  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b, h); }
  patch(p, b, h) { return this.req('PATCH', p, b, h); }
  put(p, b, h) { return this.req('PUT', p, b, h); }
  del(p, h) { return this.req('DELETE', p, undefined, h); }
}
