// Case types, data-driven: every procedure of defs/case_types/*.json walked by the
// demo users on the server.  Everything expected here is derived from the
// definition files themselves (read below) and from the contract of docs/api.md
// "Cases" and docs/case-types.md, never from the server's own answers:
//
//   1.1  GET /api/v1/case-types lists the type as defined
//   1.2  a fresh case: initial state, serial pattern, clocks that start on create
//   1.3  the legal path (BFS over the transitions, to a final state), step by step:
//        state, version, one timeline entry (and one for the document it issues), fields,
//        clocks started, stopped, extended; a step guarded by `after_clock` (公示期) is first
//        refused with 409 period_running while the clock runs, then taken once it is moved
//        to its deadline
//   1.4  at every state of the path, every transition whose `from` lacks that state
//        is refused with 409 invalid_transition for a user holding its role; nothing changes
//   1.5  at every step, the users in scope holding none of the step's roles, and assist
//        (帮扶责任人, no case.write), get 403 forbidden (and staff on a requester-only
//        transition); nothing changes
//   1.6  every clock with an `extension`: extended `max` times, dueAt moves by the
//        extension each time, one more is 409 and changes nothing
//   1.7  every other final state, reached on its own path, with its outcome
//   1.8  the actions offered on the path are the transitions each user may take now
//   1.9  every transition that `reopens` leaves each final state of its `from`
//
// Demo users stand for roles: staff, leader, village_cadre -> dengta (灯塔村),
// grid_worker -> grid (灯塔村第1网格, scope: that grid only), assignee -> dengta
// (the tests always assign dengta).  `requester` is the resident through the
// portal: no demo user holds it, so paths never use a requester-only transition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, elapseClock, DENGTA_CODE } from './lib.mjs';
import { PNG } from './samples.mjs';
import { range, HOLIDAYS, MAKEUP, isWorkday, ms, localDate, nextDate, addWorkdays, fmt } from './cal2026.mjs';

const DEF_DIR = path.join(ROOT, 'defs/case_types');
const TYPES = ['petition', 'hotline', 'grid_event', 'dispute', 'hazard', 'rectification', 'supervision', 'dibao',
  'tekun', 'linshi', 'weifang', 'benefit'];
const DEFS = Object.fromEntries(TYPES.map((c) => [c, JSON.parse(readFileSync(path.join(DEF_DIR, `${c}.json`), 'utf8'))]));

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = 8 * HOUR; // Asia/Shanghai, no daylight saving
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const RUNNING = ['green', 'yellow', 'red'];
const STOPPED = ['done', 'late'];
const TOWN = '羊市';
const GRID_CODE = `${DENGTA_CODE}-W01`;

// An instant plus a definition's {amount, unit}.
function addAmount(x, { amount, unit }) {
  switch (unit) {
    case 'minutes': return ms(x) + amount * MIN;
    case 'hours': return ms(x) + amount * HOUR;
    case 'days': return ms(x) + amount * DAY; // calendar days; +08:00 has no DST
    case 'workdays': return addWorkdays(x, amount);
    default: throw new Error(`unknown unit ${unit}`);
  }
}

// ---- what a definition says
const initialState = (d) => d.states.find((s) => s.initial).code;
const stateOf = (d, code) => d.states.find((s) => s.code === code);
const clockDef = (d, code) => d.clocks.find((c) => c.code === code);
const limitOf = (c, category) => c.limit || c.limits[category];
// The deadline of clock c started at `start` on case k: the end of the day in its due_field
// when the case has that date (整改时限 given at 交办), else start + the limit.
const dayEnd = (date) => `${date}T23:59:59+08:00`;
const dueOf = (c, k, start) => (c.due_field && k.fields[c.due_field] ? dayEnd(k.fields[c.due_field]) : fmt(addAmount(start, limitOf(c, k.category))));
const extendedDueOf = (c, k, was) => (c.extension.due_field && k.fields[c.extension.due_field]
  ? dayEnd(k.fields[c.extension.due_field]) : fmt(addAmount(was, c.extension)));
// Types whose cases are registered for a grid rather than the village.
const needsGrid = (d) => d.code === 'grid_event';
const CHANNEL = { petition: 'visit', hotline: 'hotline', grid_event: 'grid' };

// The demo user (key of U) who may take transition t by holding one of its roles,
// in the order the definition lists them; null if only `requester` (or an
// unavailable role) may take it.  ctx: { inGrid, assigned } (the assignee is dengta).
function pickActor(t, ctx) {
  for (const r of t.roles) {
    if (r === 'staff') return 'staff';
    if (r === 'leader') return 'leader';
    if (r === 'village_cadre') return 'dengta';
    if (r === 'grid_worker' && ctx.inGrid) return 'grid';
    if (r === 'assignee' && ctx.assigned) return 'dengta';
  }
  return null;
}
// The roles a demo user holds on a case (with ctx.assigned, dengta is also the assignee).
function rolesOf(user, ctx) {
  switch (user) {
    case 'staff': return ['staff'];
    case 'leader': return ['leader'];
    case 'dengta': return ctx.assigned ? ['village_cadre', 'assignee'] : ['village_cadre'];
    case 'grid': return ['grid_worker'];
    default: return [];
  }
}
const holds = (user, t, ctx) => t.roles.some((r) => rolesOf(user, ctx).includes(r));
// Demo users whose scope covers the case (grid's scope is its own grid only).
const inScope = (ctx) => (ctx.inGrid ? ['staff', 'leader', 'dengta', 'grid'] : ['staff', 'leader', 'dengta']);

// Breadth-first search from the initial state over the transitions the demo users
// can take (never an extension).  Nodes carry whether the case is assigned (the
// `assignee` role needs it) and, with `track` (a clock), whether that clock runs.
// Returns the shortest list of steps {t, actor, from, to} to a node meeting goal, or null.
function bfs(d, { goal, track = null }) {
  const inGrid = needsGrid(d);
  const start = { state: initialState(d), assigned: false, running: track ? track.starts === 'create' : false };
  const key = (n) => `${n.state}|${n.assigned}|${n.running}`;
  const seen = new Set([key(start)]);
  const queue = [{ node: start, path: [] }];
  while (queue.length) {
    const { node, path: p } = queue.shift();
    if (goal(node)) return p;
    for (const t of d.transitions) {
      // extensions and transitions that need a history (after: N takes of another) are not on paths
      if (t.extends || t.after || !t.from.includes(node.state)) continue;
      const actor = pickActor(t, { inGrid, assigned: node.assigned });
      if (!actor) continue;
      let running = node.running;
      if (track && track.stops.includes(t.code)) running = false;
      if (track && track.starts === t.code) running = true;
      const next = { state: t.to, assigned: node.assigned || t.requires.includes('assignee'), running };
      if (seen.has(key(next))) continue;
      seen.add(key(next));
      queue.push({ node: next, path: [...p, { t, actor, from: node.state, to: t.to }] });
    }
  }
  return null;
}

// The legal path of a type: to the first final state with outcome `resolved` (in the
// definition's order) that the demo users can reach, else to the first reachable final one.
function plan(d) {
  const finals = d.states.filter((s) => s.final);
  const reach = new Map();
  for (const s of finals) reach.set(s.code, bfs(d, { goal: (n) => n.state === s.code }));
  const target = finals.find((s) => s.outcome === 'resolved' && reach.get(s.code))
    || finals.find((s) => reach.get(s.code));
  return { target: target && target.code, path: target ? reach.get(target.code) : null, reach };
}
const PLANS = Object.fromEntries(TYPES.map((c) => [c, plan(DEFS[c])]));
const describe = (p) => p.map((s) => `${s.t.code}(${s.from}→${s.to} by ${s.actor})`).join(', ');

// ---- server, users
let srv, U, dengtaArea, gridArea;
const COUNTS = Object.fromEntries(TYPES.map((c) => [c, { steps: 0, illegal: 0, forbidden: 0, extensions: 0, extensionRefusals: 0, finals: 0, offered: 0, early: 0 }]));

before(async () => {
  // the calendar helper itself, on the published 2026 arithmetic (调休 and the Spring Festival)
  assert.equal(fmt(addWorkdays('2026-02-13T10:00:00+08:00', 1)), '2026-02-14T10:00:00+08:00');
  assert.equal(fmt(addWorkdays('2026-02-13T10:00:00+08:00', 5)), '2026-02-27T10:00:00+08:00');
  assert.equal(fmt(addWorkdays('2026-09-30T23:30:00+08:00', 1)), '2026-10-08T23:30:00+08:00');
  assert.equal(fmt(addWorkdays('2026-12-31T09:00:00+08:00', 1)), '2027-01-01T09:00:00+08:00');
  assert.equal(fmt(addAmount('2026-11-23T14:00:00+08:00', { amount: 30, unit: 'minutes' })), '2026-11-23T14:30:00+08:00');
  assert.equal(fmt(addAmount('2026-11-23T14:00:00+08:00', { amount: 30, unit: 'days' })), '2026-12-23T14:00:00+08:00');
  srv = await startServer();
  const names = ['staff', 'leader', 'dengta', 'grid', 'assist'];
  const cs = await Promise.all(names.map((u) => login(srv.url, u)));
  U = Object.fromEntries(names.map((u, i) => [u, cs[i]]));
  const tree = await areaTree(U.leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  assert.ok(dengtaArea, '灯塔村 visible to the leader');
  assert.equal(dengtaArea.name, '灯塔村');
  gridArea = U.grid.me.area;
  assert.equal(gridArea.code, GRID_CODE, `grid's area: ${JSON.stringify(gridArea)}`);
  assert.equal(gridArea.name, '灯塔村第1网格');
  assert.deepEqual(U.grid.me.roles.map((r) => r.code), ['grid_worker']);
  assert.deepEqual(U.dengta.me.roles.map((r) => r.code), ['village_cadre']);
  assert.deepEqual(U.staff.me.roles.map((r) => r.code), ['staff']);
  assert.deepEqual(U.leader.me.roles.map((r) => r.code), ['leader']);
  assert.deepEqual(U.assist.me.roles.map((r) => r.code), ['assist_cadre']);
});

after(async () => { if (srv) await srv.stop(); });

// ---- request helpers
// Runs send() and returns [response, the server's log lines written meanwhile].
async function withLog(send) {
  const from = srv.stderr.length;
  const r = await send();
  await new Promise((res) => setTimeout(res, 5));
  return [r, srv.stderr.slice(from).trim().split('\n').slice(-6).join('\n')];
}
// File fields name an attachment of the case: newCase files one photo on every case of a
// type with file fields, and act() puts its id where fieldValue() left FILE.
const FILE = '@attachment';
const FILES = new Map();
function withFiles(id, body) {
  if (!body || !body.fields) return body;
  const fields = Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, v === FILE ? FILES.get(id) : v]));
  return { ...body, fields };
}
const act = (c, id, code, body, version) => c.post(`/api/v1/cases/${id}/actions/${code}`, withFiles(id, body),
  version === undefined ? {} : { 'if-match': `"v${version}"` });

async function getCase(c, id) {
  const r = await c.get(`/api/v1/cases/${id}`);
  expectStatus(r, 200, `GET /api/v1/cases/${id}:`);
  assert.equal(r.headers.get('etag'), `"v${r.body.version}"`, 'ETag of GET');
  return r.body;
}
const clock = (k, code) => k.clocks.find((x) => x.code === code);
const isRunning = (x) => Boolean(x && x.startedAt && RUNNING.includes(x.status));
const actionCodes = (k) => k.actions.map((a) => a.code).sort();

// A valid value for a field of the definition (dengta is the user of every user field).
function fieldValue(d, code, t) {
  const f = d.fields.find((x) => x.code === code);
  assert.ok(f, `${d.code}.json: ${t.code} requires ${code}, which is a field of the type`);
  switch (f.type) {
    case 'text': return `${f.name}：${t.name}测试内容`;
    case 'choice': return f.choices[0];
    // a date that moves a deadline on extension lies after the one that set it
    case 'date': return nextDate(localDate(Date.now()), d.clocks.some((c) => c.extension && c.extension.due_field === code) ? 60 : 30);
    case 'integer': return 3;
    case 'money': return 150000;
    case 'user': return U.dengta.me.id;
    case 'file': return FILE;
    default: throw new Error(`${d.code}.${code}: unknown field type ${f.type}`);
  }
}
// The action body filling every field transition t requires.
function bodyFor(d, t) {
  const body = {};
  const fields = {};
  for (const r of t.requires) {
    if (r === 'comment') body.comment = `${t.name}：办理意见`;
    else if (r === 'assignee') body.assigneeId = U.dengta.me.id;
    else fields[r] = fieldValue(d, r, t);
  }
  if (Object.keys(fields).length) body.fields = fields;
  return body;
}
const show = (d, t, body) => `POST /api/v1/cases/{id}/actions/${t.code} ${JSON.stringify(body)} (${d.code})`;

// Sends a request that must be refused with status/code, and checks the case is unchanged
// (GET body and ETag before and after, as staff).  Returns the response.
async function refused(d, id, what, send, status, code) {
  const b = await U.staff.get(`/api/v1/cases/${id}`);
  expectStatus(b, 200);
  const [r, log] = await withLog(send);
  assert.equal(r.status, status, `${what}: expected ${status} ${code}, got ${r.status} ${r.text.slice(0, 300)}\nserver log:\n${log}`);
  expectError(r, status, code);
  const a = await U.staff.get(`/api/v1/cases/${id}`);
  assert.deepEqual(a.body, b.body, `${what}: the case changed although refused`);
  assert.equal(a.headers.get('etag'), b.headers.get('etag'), `${what}: ETag changed`);
  return r;
}

// Registers a fresh case of type d as staff and checks it (test 1.2 in full).
let seq = 0;
async function newCase(d) {
  const inGrid = needsGrid(d);
  const area = inGrid ? gridArea : dengtaArea;
  const body = {
    type: d.code, title: `${d.name}测试${++seq}：${area.name}`, content: `${area.name}群众反映的问题，按${d.name}程序办理。`,
    areaId: area.id, channel: CHANNEL[d.code] || 'other', requester: { name: '赵大爷', phone: '13900001234' },
  };
  const [r, log] = await withLog(() => U.staff.post('/api/v1/cases', body));
  assert.equal(r.status, 201, `POST /api/v1/cases ${JSON.stringify(body)}: expected 201, got ${r.status} ${r.text.slice(0, 300)}\n${log}`);
  const k = r.body;
  assert.equal(r.headers.get('etag'), '"v1"');
  assert.equal(k.version, 1);
  assert.equal(k.type, d.code);
  assert.equal(k.typeName, d.name);
  const pat = new RegExp(`^${d.serial.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace('{town}', TOWN).replace('{year}', localDate(k.createdAt).slice(0, 4)).replace('{n}', '\\d+')
    .replace(/[{}]/g, '\\$&')}$`);
  assert.match(k.serial, pat, `serial ${k.serial} follows ${d.serial}`);
  assert.deepEqual(k.area, { id: area.id, code: area.code, name: area.name });
  assert.equal(k.category, (d.categories && d.categories[0].code) ?? k.category, 'category defaults to the first');
  const init = initialState(d);
  assert.deepEqual(k.state, { code: init, name: stateOf(d, init).name, final: false });
  assert.equal(k.outcome, null);
  assert.equal(k.assignee, null);
  assert.match(k.createdAt, ISO);
  assert.equal(k.timeline.length, 1, `one timeline entry: ${JSON.stringify(k.timeline)}`);
  const e = k.timeline[0];
  assert.equal(e.kind, 'create');
  assert.equal(e.from, null);
  assert.equal(e.to, init);
  assert.deepEqual(e.user, { id: U.staff.me.id, name: U.staff.me.name });
  // clocks: exactly those starting on create, with their deadline
  const want = d.clocks.filter((c) => c.starts === 'create').map((c) => c.code).sort();
  assert.deepEqual(k.clocks.filter((x) => x.startedAt).map((x) => x.code).sort(), want, `clocks started on create: ${JSON.stringify(k.clocks)}`);
  for (const c of d.clocks.filter((x) => x.starts === 'create')) {
    const x = clock(k, c.code);
    assert.ok(RUNNING.includes(x.status), `${c.code} runs: ${x.status}`);
    assert.ok(Math.abs(ms(x.startedAt) - ms(k.createdAt)) <= 2000, `${c.code} starts at creation`);
    const lim = limitOf(c, k.category);
    assert.equal(x.dueAt, fmt(addAmount(x.startedAt, lim)), `${c.code}: dueAt = startedAt ${x.startedAt} + ${lim.amount} ${lim.unit}`);
    assert.equal(x.name, c.name);
    assert.equal(x.extensions, 0);
    assert.equal(x.extensionsLeft, c.extension ? c.extension.max : 0);
  }
  const history = [['create', null, null, init, U.staff.me.id]];
  let kk = k;
  if (d.fields.some((f) => f.type === 'file')) {
    const up = await U.staff.post(`/api/v1/cases/${k.id}/attachments?name=${encodeURIComponent('现场照片.png')}`, PNG, { 'content-type': 'image/png' });
    assert.equal(up.status, 201, `upload: ${up.text}`);
    FILES.set(k.id, up.body.id);
    history.push(['attachment', null, null, null, U.staff.me.id]);
    kk = await getCase(U.staff, k.id);
    assert.equal(kk.version, 1, 'an attachment does not change the version');
  }
  return { k: kk, ctx: { inGrid, assigned: false }, history };
}

// Takes one step {t, actor} on run (from newCase) and checks everything the definition
// and the contract say about it.  Updates run.k, run.ctx, run.history.
async function takeStep(d, run, step, label) {
  const { t } = step;
  const where = `${d.code} ${label} ${t.code} (${step.from ?? run.k.state.code}→${t.to}) by ${step.actor}`;
  if (t.after_clock) {
    // guarded by a period (公示期): refused with 409 period_running while it runs, nothing
    // changed; then the clock is moved to its deadline (elapseClock) and the step is taken
    const k0 = await getCase(U.staff, run.k.id);
    const x = clock(k0, t.after_clock);
    if (x && ['green', 'yellow'].includes(x.status)) {
      const body = bodyFor(d, t);
      await refused(d, run.k.id, `${where}: before ${t.after_clock} has run its length`,
        () => act(U[step.actor], run.k.id, t.code, body, k0.version), 409, 'period_running');
      COUNTS[d.code].early++;
    }
    elapseClock(srv.db, run.k.id, t.after_clock);
  }
  const b = await getCase(U.staff, run.k.id);
  assert.equal(b.state.code, step.from ?? b.state.code, `${where}: case in ${b.state.code}`);
  const c = U[step.actor];
  assert.ok(holds(step.actor, t, run.ctx), `${where}: the actor holds one of ${t.roles}`);
  const body = bodyFor(d, t);
  const [r, log] = await withLog(() => act(c, b.id, t.code, body, b.version));
  assert.equal(r.status, 200, `${where}: ${show(d, t, body)} If-Match "v${b.version}" expected 200, got ${r.status} ${r.text.slice(0, 400)}\nserver log:\n${log}`);
  const k = r.body;
  assert.equal(k.version, b.version + 1, `${where}: version +1`);
  assert.equal(r.headers.get('etag'), `"v${k.version}"`, `${where}: new ETag`);
  const to = stateOf(d, t.to);
  assert.deepEqual(k.state, { code: to.code, name: to.name, final: Boolean(to.final) }, `${where}: state`);
  assert.equal(k.outcome, to.final ? to.outcome : null, `${where}: outcome`);
  // the timeline: the old entries untouched, exactly one new one, followed by the
  // notice the transition issues when it names a document (kind "document")
  const added = t.document ? 2 : 1;
  assert.equal(k.timeline.length, b.timeline.length + added, `${where}: ${added} new timeline entries: ${JSON.stringify(k.timeline.slice(b.timeline.length))}`);
  assert.deepEqual(k.timeline.slice(0, b.timeline.length), b.timeline, `${where}: earlier entries unchanged`);
  const e = k.timeline[b.timeline.length];
  if (t.document) {
    const doc = k.timeline.at(-1);
    const name = d.documents.find((x) => x.code === t.document).name;
    assert.deepEqual([doc.kind, doc.comment, doc.data.code, doc.data.action], ['document', `生成《${name}》`, t.document, t.code], `${where}: the document entry`);
  }
  assert.equal(e.kind, 'action');
  assert.equal(e.action, t.code);
  assert.equal(e.actionName, t.name);
  assert.equal(e.from, b.state.code, `${where}: timeline from`);
  assert.equal(e.to, t.to, `${where}: timeline to`);
  assert.deepEqual(e.user, { id: c.me.id, name: c.me.name });
  assert.match(e.at, ISO);
  // what was filled is recorded
  if (body.comment !== undefined) assert.equal(e.comment, body.comment, `${where}: comment`);
  for (const [f, v] of Object.entries(withFiles(b.id, body).fields || {})) {
    const got = [k.fields && k.fields[f], e.data && e.data[f]];
    assert.ok(got.some((g) => JSON.stringify(g) === JSON.stringify(v)), `${where}: field ${f}=${JSON.stringify(v)} recorded, got fields ${JSON.stringify(k.fields)} data ${JSON.stringify(e.data)}`);
  }
  if (body.assigneeId !== undefined) {
    assert.deepEqual(k.assignee, { id: U.dengta.me.id, name: U.dengta.me.name }, `${where}: assignee`);
    run.ctx = { ...run.ctx, assigned: true };
  } else {
    assert.deepEqual(k.assignee, b.assignee, `${where}: assignee unchanged`);
  }
  // clocks, one by one, against the definition
  for (const cd of d.clocks) {
    const x0 = clock(b, cd.code);
    const x = clock(k, cd.code);
    const cw = `${where}: clock ${cd.code}`;
    if (cd.starts === t.code) {
      const lim = limitOf(cd, k.category);
      assert.ok(x && x.startedAt, `${cw} starts: ${JSON.stringify(k.clocks)}`);
      assert.ok(RUNNING.includes(x.status), `${cw} runs: ${x.status}`);
      assert.ok(Math.abs(ms(x.startedAt) - ms(e.at)) <= 2000, `${cw} starts at the action: ${x.startedAt} vs ${e.at}`);
      assert.equal(x.dueAt, dueOf(cd, k, x.startedAt), `${cw}: dueAt = ${cd.due_field ? `${cd.due_field} ${k.fields[cd.due_field]}` : `${x.startedAt} + ${lim.amount} ${lim.unit}`} (category ${k.category})`);
      assert.equal(x.extensions, 0, `${cw}: extensions`);
      assert.equal(x.extensionsLeft, cd.extension ? cd.extension.max : 0, `${cw}: extensionsLeft`);
    } else if (t.extends === cd.code) {
      assert.ok(isRunning(x0), `${cw}: running before the extension`);
      assert.ok(isRunning(x), `${cw}: still runs after the extension: ${x && x.status}`);
      assert.equal(x.startedAt, x0.startedAt, `${cw}: startedAt kept`);
      assert.equal(x.dueAt, extendedDueOf(cd, k, x0.dueAt),
        `${cw}: dueAt ${x0.dueAt} + ${cd.extension.amount} ${cd.extension.unit} (or ${cd.extension.due_field}), got ${x.dueAt}`);
      assert.equal(x.extensions, x0.extensions + 1, `${cw}: extensions`);
      assert.equal(x.extensionsLeft, x0.extensionsLeft - 1, `${cw}: extensionsLeft`);
    } else if (cd.stops.includes(t.code) && isRunning(x0)) {
      assert.ok(x, `${cw} still listed`);
      assert.ok(STOPPED.includes(x.status), `${cw} stops: status ${x.status}`);
      assert.equal(x.startedAt, x0.startedAt, `${cw}: startedAt kept`);
      assert.equal(x.dueAt, x0.dueAt, `${cw}: dueAt kept`);
    } else if ((t.pauses || []).includes(cd.code) && isRunning(x0)) {
      assert.equal(x.status, 'paused', `${cw} pauses`);
    } else if ((t.resumes || []).includes(cd.code) && x0 && x0.status === 'paused') {
      assert.ok(RUNNING.includes(x.status), `${cw} resumes: ${x.status}`);
      assert.ok(ms(x.dueAt) >= ms(x0.dueAt), `${cw}: the deadline moves by the pause`);
    } else if (!x0) {
      assert.equal(x, undefined, `${cw}: not started by ${t.code}, so not listed: ${JSON.stringify(x)}`);
    } else {
      // untouched: same start, deadline and extensions; a stopped clock stays stopped, a running one runs
      assert.ok(x, `${cw} still listed`);
      assert.equal(x.startedAt, x0.startedAt, `${cw}: startedAt unchanged`);
      assert.equal(x.dueAt, x0.dueAt, `${cw}: dueAt unchanged`);
      assert.equal(x.extensions, x0.extensions, `${cw}: extensions unchanged`);
      if (STOPPED.includes(x0.status)) assert.equal(x.status, x0.status, `${cw}: stays ${x0.status}`);
      else assert.ok(!STOPPED.includes(x.status), `${cw}: ${t.code} does not stop it, yet ${x.status}`);
    }
  }
  // persisted as answered
  const g = await getCase(U.staff, k.id);
  assert.equal(g.version, k.version, `${where}: GET version`);
  assert.deepEqual(g.state, k.state, `${where}: GET state`);
  assert.deepEqual(g.clocks, k.clocks, `${where}: GET clocks`);
  assert.deepEqual(g.timeline, k.timeline, `${where}: GET timeline`);
  run.k = g;
  run.history.push(['action', t.code, b.state.code, t.to, c.me.id]);
  if (t.document) run.history.push(['document', null, null, null, c.me.id]);
  COUNTS[d.code].steps++;
  return g;
}

// Checks that every transition whose `from` lacks the current state is refused with 409
// (by a demo user holding its role), nothing changed.  Returns the transitions skipped
// because no demo user holds their role.
async function illegalHere(d, run) {
  const state = run.k.state.code;
  const skipped = [];
  for (const t of d.transitions) {
    if (t.from.includes(state)) continue;
    const who = pickActor(t, run.ctx);
    if (!who) { skipped.push(t.code); continue; }
    const body = bodyFor(d, t);
    await refused(d, run.k.id, `${d.code} in ${state}: ${show(d, t, body)} by ${who}`,
      () => act(U[who], run.k.id, t.code, body, run.k.version), 409, 'invalid_transition');
    COUNTS[d.code].illegal++;
  }
  return skipped;
}

// Checks that users in scope holding none of step t's roles get 403, and staff on the
// requester-only transitions allowed from the current state; nothing changed.
async function forbiddenHere(d, run, t) {
  const tried = [];
  const others = ['grid', 'dengta', 'leader', 'staff'].filter((u) => inScope(run.ctx).includes(u) && !holds(u, t, run.ctx));
  others.push('assist'); // 帮扶责任人: no role of any case type, and no case.write
  for (const who of others) {
    const body = bodyFor(d, t);
    await refused(d, run.k.id, `${d.code} in ${run.k.state.code}: ${show(d, t, body)} by ${who} (roles ${rolesOf(who, run.ctx)}, needs ${t.roles})`,
      () => act(U[who], run.k.id, t.code, body, run.k.version), 403, 'forbidden');
    tried.push(`${t.code}/${who}`);
    COUNTS[d.code].forbidden++;
  }
  for (const rt of d.transitions.filter((x) => x.from.includes(run.k.state.code) && !pickActor(x, run.ctx) && x.roles.includes('requester'))) {
    const body = bodyFor(d, rt);
    await refused(d, run.k.id, `${d.code} in ${run.k.state.code}: ${show(d, rt, body)} by staff (requester only)`,
      () => act(U.staff, run.k.id, rt.code, body, run.k.version), 403, 'forbidden');
    tried.push(`${rt.code}/staff`);
    COUNTS[d.code].forbidden++;
  }
  return tried;
}

// The full timeline, in order, against the steps taken.
async function checkHistory(d, run) {
  const g = await getCase(U.leader, run.k.id);
  assert.equal(g.version, run.history.filter(([kind]) => kind !== 'attachment' && kind !== 'document').length, 'version 1 + one per action');
  assert.deepEqual(g.timeline.map((e) => [e.kind, e.action, e.from, e.to, e.user.id]), run.history, `${d.code}: timeline`);
  for (let i = 1; i < g.timeline.length; i++) assert.ok(ms(g.timeline[i].at) >= ms(g.timeline[i - 1].at), 'timeline in order');
}

// How often each transition was taken on case k (its timeline).
const takenCounts = (k) => k.timeline.filter((e) => e.kind === 'action').reduce((m, e) => m.set(e.action, (m.get(e.action) || 0) + 1), new Map());
// Whether the guards of t (max_times, after, within, after_clock; docs/case-types.md) allow it on k now.
function guardsAllow(t, k) {
  const n = takenCounts(k);
  if (t.max_times && (n.get(t.code) || 0) >= t.max_times) return false;
  if (t.after && (n.get(t.after.transition) || 0) < t.after.times) return false;
  if (t.within && !['green', 'yellow', 'paused'].includes(clock(k, t.within)?.status)) return false;
  // after_clock: once the clock has reached its deadline (running past it, or stopped after it)
  if (t.after_clock && !['red', 'late'].includes(clock(k, t.after_clock)?.status)) return false;
  return true;
}

// Transitions a demo user may take now on case k, from the definition.
function expectedActions(d, k, user, ctx) {
  return d.transitions.filter((t) => t.from.includes(k.state.code) && holds(user, t, ctx) && guardsAllow(t, k) && (!t.extends || (() => {
    const x = clock(k, t.extends);
    return isRunning(x) && x.extensionsLeft > 0;
  })())).map((t) => t.code).sort();
}

// ============================================================================
for (const code of TYPES) {
  const d = DEFS[code];
  const P = PLANS[code];
  const SHARED = {}; // the case walked in 1.2 / 1.3
  const checkedStates = new Set();

  test(`casetypes-${code}-1.1 GET /api/v1/case-types lists ${code} as its definition says; a legal path exists`, async (t) => {
    assert.ok(readdirSync(DEF_DIR).includes(`${code}.json`));
    const r = await U.staff.get('/api/v1/case-types');
    expectStatus(r, 200);
    const x = r.body.items.find((i) => i.code === code);
    assert.ok(x, `case type ${code} listed: ${r.text.slice(0, 300)}`);
    assert.equal(x.name, d.name);
    assert.equal(x.basis, d.basis);
    assert.deepEqual(x.states.map((s) => [s.code, s.name, Boolean(s.final)]), d.states.map((s) => [s.code, s.name, Boolean(s.final)]));
    assert.deepEqual(x.fields.map((f) => [f.code, f.name, f.type]), d.fields.map((f) => [f.code, f.name, f.type]));
    // text fields carry their byte limit (the definition's max, else the loader's default)
    for (const f of d.fields.filter((ff) => ff.type === 'text')) {
      const got = x.fields.find((ff) => ff.code === f.code).max;
      assert.ok(Number.isInteger(got) && got > 0, `${f.code}: max ${got}`);
      if (f.max) assert.equal(got, f.max, `${f.code}: max as defined`);
    }
    for (const f of d.fields.filter((ff) => ff.type === 'choice')) {
      assert.deepEqual(x.fields.find((ff) => ff.code === f.code).choices, f.choices, `choices of ${f.code}`);
    }
    assert.deepEqual(x.categories.map((c) => c.code ?? c), (d.categories || []).map((c) => c.code));
    // what the demo users can do with this definition
    for (const [s, p] of P.reach) t.diagnostic(`${code}: final ${s} (${stateOf(d, s).outcome}): ${p ? describe(p) : 'NOT reachable without requester'}`);
    const requesterOnly = d.transitions.filter((tr) => !pickActor(tr, { inGrid: needsGrid(d), assigned: true })).map((tr) => tr.code);
    if (requesterOnly.length) t.diagnostic(`${code}: only the requester may take: ${requesterOnly}`);
    assert.ok(P.path, `${code}: no path from ${initialState(d)} to a final state that staff-side users can walk`);
    t.diagnostic(`${code}: legal path to ${P.target}: ${describe(P.path)}`);
  });

  test(`casetypes-${code}-1.2 staff registers a ${code} case: initial state, serial, clocks of create`, async () => {
    Object.assign(SHARED, await newCase(d));
  });

  test(`casetypes-${code}-1.3 the legal path to a final state: state, version, timeline and clocks at each step`, async (t) => {
    assert.ok(SHARED.k, 'the case of 1.2 exists');
    assert.ok(P.path, 'a legal path exists (1.1)');
    const run = SHARED;
    for (const [i, step] of P.path.entries()) await takeStep(d, run, step, `step ${i + 1}/${P.path.length}`);
    const fin = stateOf(d, P.target);
    assert.equal(run.k.state.code, P.target);
    assert.equal(run.k.state.final, true, 'state.final');
    assert.equal(run.k.outcome, fin.outcome, 'outcome of the final state');
    await checkHistory(d, run);
    t.diagnostic(`${code}: ${P.path.length} steps to ${P.target} (${fin.outcome}), case ${run.k.serial}`);
  });

  test(`casetypes-${code}-1.4 at every state of the legal path, transitions not from it: 409 invalid_transition, nothing changed`, async (t) => {
    assert.ok(P.path, 'a legal path exists (1.1)');
    const run = await newCase(d);
    const skipped = new Set();
    const before = COUNTS[code].illegal;
    for (let i = 0; ; i++) {
      checkedStates.add(run.k.state.code);
      for (const s of await illegalHere(d, run)) skipped.add(s);
      if (i === P.path.length) break;
      await takeStep(d, run, P.path[i], `step ${i + 1}`);
    }
    assert.ok(COUNTS[code].illegal > before, 'at least one refusal checked');
    t.diagnostic(`${code}: ${COUNTS[code].illegal - before} refusals checked at ${[...checkedStates]}`
      + (skipped.size ? `; not tried (requester only): ${[...skipped]}` : ''));
  });

  test(`casetypes-${code}-1.5 at every step of the legal path, users without its roles: 403 forbidden, nothing changed`, async (t) => {
    assert.ok(P.path, 'a legal path exists (1.1)');
    const run = await newCase(d);
    const tried = [];
    for (const [i, step] of P.path.entries()) {
      tried.push(...await forbiddenHere(d, run, step.t));
      await takeStep(d, run, step, `step ${i + 1}`);
    }
    assert.ok(tried.length > 0, 'at least one step has a demo user in scope without its roles');
    t.diagnostic(`${code}: 403 checked for ${tried.join(', ')}`);
  });

  test(`casetypes-${code}-1.6 every clock with an extension: max extensions, each moves dueAt; one more is 409`, async (t) => {
    const ext = d.clocks.filter((c) => c.extension);
    if (!ext.length) {
      assert.deepEqual(d.transitions.filter((x) => x.extends).map((x) => x.code), [], 'no extension transitions without extension clocks');
      t.diagnostic(`${code}: no clock has an extension`);
      return;
    }
    for (const cd of ext) {
      const tr = d.transitions.find((x) => x.extends === cd.code);
      assert.ok(tr, `${code}: a transition extends clock ${cd.code}`);
      const p = bfs(d, { track: cd, goal: (n) => tr.from.includes(n.state) && n.running && pickActor(tr, { inGrid: needsGrid(d), assigned: n.assigned }) });
      assert.ok(p, `${code}: no walkable path to a state where ${tr.code} extends a running ${cd.code}`);
      const run = await newCase(d);
      for (const [i, step] of p.entries()) await takeStep(d, run, step, `to ${tr.code}, step ${i + 1}`);
      const who = pickActor(tr, run.ctx);
      assert.ok(isRunning(clock(run.k, cd.code)), `${cd.code} runs in ${run.k.state.code}`);
      // the extension is offered to the one who may take it, not to a user without its role
      assert.ok(actionCodes(await getCase(U[who], run.k.id)).includes(tr.code), `${tr.code} offered to ${who}`);
      for (const u of inScope(run.ctx).filter((x) => !holds(x, tr, run.ctx))) {
        const body = bodyFor(d, tr);
        await refused(d, run.k.id, `${code}: ${show(d, tr, body)} by ${u}`, () => act(U[u], run.k.id, tr.code, body, run.k.version), 403, 'forbidden');
        COUNTS[code].forbidden++;
      }
      for (let n = 1; n <= cd.extension.max; n++) {
        await takeStep(d, run, { t: tr, actor: who, from: tr.to }, `extension ${n}/${cd.extension.max} of ${cd.code}`);
        const x = clock(run.k, cd.code);
        assert.equal(x.extensions, n);
        assert.equal(x.extensionsLeft, cd.extension.max - n);
        COUNTS[code].extensions++;
      }
      const body = bodyFor(d, tr);
      await refused(d, run.k.id, `${code}: extension ${cd.extension.max + 1} of ${cd.code}: ${show(d, tr, body)} by ${who}`,
        () => act(U[who], run.k.id, tr.code, body, run.k.version), 409, 'invalid_transition');
      COUNTS[code].extensionRefusals++;
      assert.ok(!actionCodes(await getCase(U[who], run.k.id)).includes(tr.code), `${tr.code} no longer offered to ${who}`);
      await checkHistory(d, run);
      t.diagnostic(`${code}: ${cd.code} extended ${cd.extension.max}× by ${tr.code} (${cd.extension.amount} ${cd.extension.unit}) after ${describe(p)}`);
    }
  });

  test(`casetypes-${code}-1.7 every other final state on its own path, with its outcome; no transition not from it`, async (t) => {
    const others = [...P.reach].filter(([s]) => s !== P.target);
    const unreachable = others.filter(([, p]) => !p).map(([s]) => s);
    assert.deepEqual(unreachable, [], `${code}: final states the demo users cannot reach`);
    for (const [s, p] of others) {
      const run = await newCase(d);
      for (const [i, step] of p.entries()) {
        if (!checkedStates.has(run.k.state.code)) {
          checkedStates.add(run.k.state.code);
          await illegalHere(d, run);
        }
        await takeStep(d, run, step, `to ${s}, step ${i + 1}`);
      }
      assert.deepEqual(run.k.state, { code: s, name: stateOf(d, s).name, final: true });
      assert.equal(run.k.outcome, stateOf(d, s).outcome, `outcome of ${s}`);
      if (!checkedStates.has(s)) {
        checkedStates.add(s);
        await illegalHere(d, run);
      }
      await checkHistory(d, run);
      COUNTS[code].finals++;
    }
    t.diagnostic(`${code}: other final states reached: ${others.map(([s]) => s).join(', ') || 'none'}`);
  });

  test(`casetypes-${code}-1.8 the actions offered along the legal path are the transitions each user may take now`, async (t) => {
    assert.ok(P.path, 'a legal path exists (1.1)');
    const run = await newCase(d);
    const fieldDef = new Map(d.fields.map((f) => [f.code, f]));
    for (let i = 0; ; i++) {
      for (const u of inScope(run.ctx)) {
        const g = await getCase(U[u], run.k.id);
        assert.deepEqual(actionCodes(g), expectedActions(d, g, u, run.ctx),
          `${code} in ${g.state.code}: actions offered to ${u} (roles ${rolesOf(u, run.ctx)})`);
        for (const a of g.actions) {
          const tr = d.transitions.find((x) => x.code === a.code);
          assert.equal(a.name, tr.name);
          assert.deepEqual(a.requires.map((f) => f.code), tr.requires, `requires of ${a.code}`);
          for (const f of a.requires) {
            const fd = fieldDef.get(f.code);
            if (fd) assert.deepEqual([f.name, f.type], [fd.name, fd.type], `field ${f.code} of ${a.code}`);
          }
        }
        COUNTS[code].offered++;
      }
      if (i === P.path.length) break;
      await takeStep(d, run, P.path[i], `step ${i + 1}`);
    }
  });

  test(`casetypes-${code}-1.9 a transition leaves a final state only if it reopens; each reopening one does`, async (t) => {
    const finals = new Set(d.states.filter((s) => s.final).map((s) => s.code));
    assert.deepEqual(d.transitions.filter((x) => !x.reopens && x.from.some((s) => finals.has(s))).map((x) => x.code), [],
      'transitions leaving a final state without reopens');
    const done = [];
    for (const r of d.transitions.filter((x) => x.reopens)) {
      for (const f of r.from.filter((s) => finals.has(s))) {
        const p = P.reach.get(f);
        assert.ok(p, `${code}: final state ${f} reachable`);
        const run = await newCase(d);
        for (const [i, step] of p.entries()) await takeStep(d, run, step, `to ${f}, step ${i + 1}`);
        const who = pickActor(r, run.ctx);
        assert.ok(who, `${code}: a demo user may take ${r.code}`);
        for (const u of inScope(run.ctx).filter((x) => !holds(x, r, run.ctx))) {
          const body = bodyFor(d, r);
          await refused(d, run.k.id, `${code} in ${f}: ${show(d, r, body)} by ${u}`, () => act(U[u], run.k.id, r.code, body, run.k.version), 403, 'forbidden');
          COUNTS[code].forbidden++;
        }
        if (!guardsAllow(r, run.k)) {
          // its history is not there yet (提级督办 only after two 重办): refused, nothing changed
          const body = bodyFor(d, r);
          await refused(d, run.k.id, `${code} in ${f}: ${show(d, r, body)} by ${who} before its guard holds`,
            () => act(U[who], run.k.id, r.code, body, run.k.version), 409, 'invalid_transition');
          done.push(`${r.code} from ${f}: refused until ${JSON.stringify(r.after || r.max_times)}`);
          continue;
        }
        await takeStep(d, run, { t: r, actor: who, from: f }, `reopen ${f}`);
        assert.equal(run.k.state.final, false, 'reopened');
        assert.equal(run.k.outcome, null, 'no outcome once reopened');
        await checkHistory(d, run);
        done.push(`${r.code} from ${f} by ${who}`);
      }
    }
    t.diagnostic(`${code}: reopened: ${done.join(', ') || 'none (no transition reopens)'}`);
    t.diagnostic(`${code}: counts on ${srv.engine}: ${JSON.stringify(COUNTS[code])}`);
  });
}
