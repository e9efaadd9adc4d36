// outbox.test.mjs - every reminder event goes out to the webhook of the config
// file, at least once and, once the receiver answers 2xx, never again: a real
// node HTTP receiver on 127.0.0.1 answers 500 to its first tries, then 200; it
// goes down and comes back; the zhenwu server restarts in between.  The
// signature header is checked with the shared secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, ENGINE, zw, pgCreateDb, pgDropDb } from '../lib/server.mjs';
import { login, expectStatus, expectError, areaTree, sql, sqlExec, sleep, DENGTA_CODE } from './lib.mjs';

const SECRET = 'webhook-测试-secret';
const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);

let dir, db, conf, srv, staff, dengta, admin, tree;

// The receiver: logs every request; answers 500 while failLeft > 0.
const rx = { log: [], failLeft: 3, server: null, port: 0 };

function startReceiver(port = 0) {
  return new Promise((resolve) => {
    rx.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const status = rx.failLeft > 0 ? 500 : 200;
        if (rx.failLeft > 0) rx.failLeft--;
        rx.log.push({ at: Date.now(), status, headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'try later');
      });
    });
    rx.server.listen(port, '127.0.0.1', () => { rx.port = rx.server.address().port; resolve(); });
  });
}

function stopReceiver() {
  return new Promise((resolve) => { rx.server.closeAllConnections(); rx.server.close(() => resolve()); });
}

const delivered = (id) => rx.log.filter((e) => e.status === 200 && e.headers['x-zhenwu-event-id'] === id);

async function until(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function overdueCase(title) {
  const r = await staff.post('/api/v1/cases', { type: 'supervision', title, content: `${title}：督办内容`, areaId: tree.villages.get(DENGTA_CODE).id });
  expectStatus(r, 201, 'create:');
  const a = await staff.post(`/api/v1/cases/${r.body.id}/actions/assign`, {
    assigneeId: dengta.me.id, fields: { requirement: '按期整改', deadline: '2026-12-31' },
  }, { 'if-match': `"v${r.body.version}"` });
  expectStatus(a, 200, 'assign:');
  const due = now() - 2 * DAY; // overdue and escalation level 1 (after 1 day): two events
  sqlExec(db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${due - DAY} WHERE case_id = ${a.body.id}`);
  return a.body;
}

const eventsOf = (kase) => sql(db, `SELECT event_id FROM case_reminders WHERE case_id = ${kase.id} AND kind <> 'warn' ORDER BY event_id`).map((r) => r.event_id);

async function serve() {
  srv = await startServer({ db, extraArgs: ['--config', conf, '--reminder-interval', '1', '--outbox-interval', '1'] });
  for (const c of [staff, dengta, admin].filter(Boolean)) c.base = srv.url;
}

before(async () => {
  await startReceiver();
  dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-outbox-'));
  db = ENGINE === 'postgresql' ? pgCreateDb('zwout') : path.join(dir, 'outbox.db');
  zw(['init', '--db', db, '--township', '500236126', '--demo']);
  conf = path.join(dir, 'zhenwu.conf');
  writeFileSync(conf, [
    '# outbox test',
    `webhook_url = http://127.0.0.1:${rx.port}/hooks/zhenwu`,
    `webhook_secret = ${SECRET}`,
    'webhook_timeout = 5',
    'webhook_retry_base = 1',
    'webhook_retry_max = 2',
    '',
  ].join('\n'));
  await serve();
  [staff, dengta, admin] = await Promise.all(['staff', 'dengta', 'admin'].map((u) => login(srv.url, u)));
  tree = await areaTree(admin);
});

after(async () => {
  if (srv) await srv.stop();
  if (rx.server && rx.server.listening) await stopReceiver();
  if (ENGINE === 'postgresql' && db) await pgDropDb(db);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let first = [];

test('outbox-1.1 events are retried after 500s and delivered exactly once, signed, with their event id', async () => {
  const a = await overdueCase('灯塔村外发测试一');
  const b = await overdueCase('灯塔村外发测试二');
  await until(() => eventsOf(a).length === 2 && eventsOf(b).length === 2, 'four reminder events');
  first = [...eventsOf(a), ...eventsOf(b)];
  await until(() => first.every((id) => delivered(id).length > 0), 'delivery of the four events');
  await sleep(3000); // a few more sender runs: nothing is sent again
  for (const id of first) assert.equal(delivered(id).length, 1, `event ${id} delivered once`);
  const failures = rx.log.filter((e) => e.status === 500);
  assert.equal(failures.length, 3, 'the three refused tries');
  for (const f of failures) assert.ok(first.includes(f.headers['x-zhenwu-event-id']), 'a refused try was retried later');
  assert.equal(rx.log.length, 4 + 3);
  for (const e of rx.log) {
    const sig = `sha256=${createHmac('sha256', SECRET).update(e.raw).digest('hex')}`;
    assert.equal(e.headers['x-zhenwu-signature'], sig, 'signature over the body with the secret');
    assert.equal(e.headers['content-type'], 'application/json');
    assert.equal(e.body.eventId, e.headers['x-zhenwu-event-id']);
    assert.equal(e.body.kind, e.headers['x-zhenwu-event']);
    assert.match(e.body.kind, /^case\.deadline\.(overdue|escalate)$/);
    assert.match(e.body.case.serial, /^羊市督〔\d{4}〕\d+号$/);
    assert.ok(Array.isArray(e.body.recipients) && e.body.recipients.includes(dengta.me.id) === (e.body.kind.endsWith('overdue')));
    assert.equal(JSON.stringify(e.body).includes('13800000006'), false, 'no personal phone in the event');
  }
  const rows = sql(db, 'SELECT event_id, attempts, delivered_at, last_error FROM outbox ORDER BY id');
  assert.equal(rows.length, 4);
  assert.ok(rows.every((r) => r.delivered_at > 0 && r.last_error === null));
  assert.equal(rows.reduce((s, r) => s + r.attempts, 0), 4 + 3, 'attempts recorded per row');
  const st = await admin.get('/api/v1/admin/outbox');
  expectStatus(st, 200);
  assert.deepEqual([st.body.webhookConfigured, st.body.pending, st.body.delivered, st.body.failing], [true, 0, 4, 0]);
  assert.ok(st.body.items.every((x) => x.status === 'delivered'));
});

test('outbox-1.2 events raised while the receiver is down wait, show their error, and go out when it is back', async () => {
  const port = rx.port;
  await stopReceiver();
  const c = await overdueCase('灯塔村外发测试三');
  await until(() => eventsOf(c).length === 2, 'the events of the third case');
  const ids = eventsOf(c);
  await until(() => sql(db, `SELECT COUNT(*) AS n FROM outbox WHERE delivered_at = 0 AND attempts > 0`)[0].n === 2, 'failed attempts recorded');
  const st = await admin.get('/api/v1/admin/outbox?pending=1');
  expectStatus(st, 200);
  assert.equal(st.body.pending, 2);
  assert.equal(st.body.failing, 2);
  assert.equal(st.body.items.length, 2);
  assert.ok(st.body.items.every((x) => x.status === 'retrying' && x.attempts >= 1 && /connect|refused/i.test(x.lastError)), JSON.stringify(st.body.items));
  const retry = await admin.post('/api/v1/admin/outbox/retry');
  expectStatus(retry, 200);
  assert.ok(retry.body.retried >= 0 && retry.body.retried <= 2);
  const audit = sql(db, "SELECT action, entity FROM audit_log WHERE entity = 'outbox'");
  assert.deepEqual(audit, [{ action: 'retry', entity: 'outbox' }]);
  expectError(await staff.post('/api/v1/admin/outbox/retry'), 403, 'forbidden');
  rx.failLeft = 0;
  await startReceiver(port);
  await until(() => ids.every((id) => delivered(id).length === 1), 'delivery after the receiver is back');
  await sleep(2500);
  for (const id of [...first, ...ids]) assert.equal(delivered(id).length, 1);
});

test('outbox-1.3 across a zhenwu restart nothing is lost', async () => {
  const port = rx.port;
  await stopReceiver();
  const d = await overdueCase('灯塔村外发测试四');
  await until(() => eventsOf(d).length === 2, 'the events of the fourth case');
  const ids = eventsOf(d);
  await srv.stop();
  srv = null;
  const pending = sql(db, 'SELECT event_id FROM outbox WHERE delivered_at = 0 ORDER BY event_id').map((r) => r.event_id);
  assert.deepEqual(pending, [...ids].sort());
  await startReceiver(port);
  await serve();
  await until(() => ids.every((id) => delivered(id).length === 1), 'delivery after the restart');
  await sleep(2500);
  const all = sql(db, 'SELECT event_id, delivered_at FROM outbox');
  assert.equal(all.length, 8);
  assert.ok(all.every((r) => r.delivered_at > 0));
  for (const r of all) assert.equal(delivered(r.event_id).length, 1, `event ${r.event_id} delivered exactly once`);
});

test('outbox-1.4 a webhook_url that is not http(s) stops the start with a Chinese message', () => {
  const bad = path.join(dir, 'bad.conf');
  writeFileSync(bad, 'webhook_url = ftp://example.invalid/x\n');
  assert.throws(() => zw(['serve', '--db', db, '--config', bad, '--listen', '127.0.0.1:0']), (e) => /webhook_url 应以 http/.test(e.stderr));
});
