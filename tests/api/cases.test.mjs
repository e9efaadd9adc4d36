// Cases (办件): the contract of docs/api.md "Cases" for the case engine that runs
// the procedures of defs/case_types/.  A petition (信访) walked on its legal path by
// the demo users, refusals that change nothing, deadlines in working days across
// the 2026 Spring Festival, concurrent writers, scope and confidentiality.
// Expectations come from the definition files (read here) and from an independent
// 2026 calendar written out below, never from the server's own answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sqlExec, DENGTA_CODE, DATANG_CODE, assertCountsExact } from './lib.mjs';
import { range, HOLIDAYS, MAKEUP, isWorkday, ms, localDate, nextDate, addWorkdays, fmt } from './cal2026.mjs';

const def = (code) => JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types', `${code}.json`), 'utf8'));
const PETITION = def('petition');
const HOTLINE = def('hotline');

const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;
const TZ = 8 * 60 * MIN; // Asia/Shanghai, no daylight saving
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const SERIAL = /^羊市信〔\d{4}〕\d+号$/;
const PHONE = '13900001234';
const PHONE_MASKED = '139****1234';


// ---- what the definition allows
const initialState = (d) => d.states.find((s) => s.initial).code;
const stateOf = (d, code) => d.states.find((s) => s.code === code);
const transition = (d, code) => {
  const t = d.transitions.find((x) => x.code === code);
  assert.ok(t, `${d.code}.json has a transition ${code}`);
  return t;
};
// Transitions a user holding `roles` (plus 'assignee' when assigned) may take from `state`.
const allowed = (d, state, roles) => d.transitions
  .filter((t) => t.from.includes(state) && t.roles.some((r) => roles.includes(r)))
  .map((t) => t.code).sort();

let srv, staff, leader, dengta, datang, tree, dengtaArea, datangArea;

before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang] = await Promise.all(['staff', 'leader', 'dengta', 'datang'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
  assert.ok(dengtaArea && datangArea, 'both villages visible to the leader');
  assert.equal(dengtaArea.name, '灯塔村');
  assert.equal(datangArea.name, '大淌村');
});

after(async () => { if (srv) await srv.stop(); });

// ---- request helpers
let seq = 0;
const petitionBody = (over = {}) => ({
  type: 'petition', title: `灯塔村道路硬化信访${++seq}`, content: '反映组道硬化工程拖延，请求尽快完工。',
  areaId: dengtaArea.id, channel: 'visit', requester: { name: '赵大爷', phone: PHONE }, ...over,
});

async function createCase(c, body, headers = {}) {
  const r = await c.post('/api/v1/cases', body, headers);
  expectStatus(r, 201, `create ${body.type}:`);
  return r.body;
}

async function getCase(c, id) {
  const r = await c.get(`/api/v1/cases/${id}`);
  expectStatus(r, 200, `GET /api/v1/cases/${id}:`);
  assert.equal(r.headers.get('etag'), `"v${r.body.version}"`, 'ETag of GET');
  return r.body;
}

const act = (c, id, code, body = {}, version) => c.post(`/api/v1/cases/${id}/actions/${code}`, body,
  version === undefined ? {} : { 'if-match': `"v${version}"` });

// Takes an action that must succeed; checks the answer's version, ETag and state.
async function actOk(c, kase, code, body = {}) {
  const r = await act(c, kase.id, code, body, kase.version);
  expectStatus(r, 200, `${code} on case ${kase.id}:`);
  assert.equal(r.body.version, kase.version + 1, `${code}: version +1`);
  assert.equal(r.headers.get('etag'), `"v${r.body.version}"`, `${code}: new ETag`);
  return r.body;
}

// A field value filled by the last action: in the case's fields or that timeline entry's data.
const recorded = (kase, k) => {
  if (kase.fields && kase.fields[k] !== undefined) return kase.fields[k];
  const e = kase.timeline && kase.timeline.at(-1);
  return e && e.data ? e.data[k] : undefined;
};
const clock = (kase, code) => kase.clocks.find((k) => k.code === code);
const running = (kase, code) => {
  const k = clock(kase, code);
  return k && k.startedAt ? k : undefined;
};
const actionCodes = (kase) => kase.actions.map((a) => a.code).sort();

async function caseTotal(c, q = '') {
  const r = await c.get(`/api/v1/cases?pageSize=1${q}`);
  expectStatus(r, 200, 'GET /api/v1/cases:');
  return r.body.pager.total;
}

async function allCases(c, q = '') {
  const out = [];
  for (let page = 1; ; page++) {
    const r = await c.get(`/api/v1/cases?pageSize=200&page=${page}${q}`);
    expectStatus(r, 200, 'GET /api/v1/cases:');
    out.push(...r.body.items);
    if (page >= r.body.pager.pageCount || r.body.items.length === 0) break;
  }
  return out;
}

// ============================================================================
// cases-1.x  a petition on its legal path
// ============================================================================

let P; // the petition walked through cases-1.x
const history = []; // [kind, action, from, to, userId] expected in the timeline

test('cases-1.1 GET /api/v1/case-types lists petition and hotline as their definitions say', async () => {
  const r = await staff.get('/api/v1/case-types');
  expectStatus(r, 200);
  const byCode = new Map(r.body.items.map((t) => [t.code, t]));
  for (const d of [PETITION, HOTLINE]) {
    const t = byCode.get(d.code);
    assert.ok(t, `case type ${d.code} listed: ${r.text.slice(0, 300)}`);
    assert.equal(t.name, d.name);
    assert.equal(t.basis, d.basis);
    assert.deepEqual(t.states.map((s) => [s.code, s.name, Boolean(s.final)]),
      d.states.map((s) => [s.code, s.name, Boolean(s.final)]));
    assert.deepEqual(t.fields.map((f) => [f.code, f.type]), d.fields.map((f) => [f.code, f.type]));
    assert.deepEqual(t.categories.map((x) => x.code ?? x), d.categories.map((x) => x.code));
  }
  const decision = byCode.get('petition').fields.find((f) => f.code === 'decision');
  assert.deepEqual(decision.choices, ['支持', '解释说明', '不予支持']);
});

test('cases-1.2 staff registers a petition for 灯塔村: 201, serial, initial state, accept clock 15 days, staff actions', async () => {
  const r = await staff.post('/api/v1/cases', petitionBody());
  expectStatus(r, 201, 'create:');
  P = r.body;
  history.push(['create', null, null, initialState(PETITION), staff.me.id]);
  assert.equal(r.headers.get('etag'), '"v1"');
  assert.equal(P.version, 1);
  assert.equal(typeof P.id, 'number');
  assert.equal(P.type, 'petition');
  assert.equal(P.typeName, '信访');
  assert.match(P.serial, SERIAL);
  assert.equal(P.serial, `羊市信〔${localDate(P.createdAt).slice(0, 4)}〕${P.serial.match(/〕(\d+)号/)[1]}号`, 'year of the serial is the year of creation');
  assert.deepEqual(P.area, { id: dengtaArea.id, code: DENGTA_CODE, name: '灯塔村' });
  assert.equal(P.channel, 'visit');
  assert.equal(P.category, PETITION.categories[0].code, 'category defaults to the first one');
  assert.equal(P.requester.name, '赵大爷');
  assert.equal(P.requester.confidential, false);
  assert.equal(P.outcome, null);
  assert.equal(P.assignee, null);
  const init = initialState(PETITION);
  assert.equal(init, 'registered');
  assert.deepEqual(P.state, { code: init, name: stateOf(PETITION, init).name, final: false });
  assert.match(P.createdAt, ISO);
  assert.match(P.updatedAt, ISO);

  const acc = running(P, 'accept');
  assert.ok(acc, `accept clock started on create: ${JSON.stringify(P.clocks)}`);
  assert.equal(acc.status, 'green');
  assert.match(acc.startedAt, ISO);
  assert.match(acc.dueAt, ISO);
  assert.ok(Math.abs(ms(acc.startedAt) - ms(P.createdAt)) <= 1000, `accept clock starts at creation: ${acc.startedAt} vs ${P.createdAt}`);
  assert.equal(localDate(acc.dueAt), nextDate(localDate(P.createdAt), 15), '15 calendar days after creation');
  assert.equal(ms(acc.dueAt) - ms(acc.startedAt), 15 * DAY, 'exactly 15 days');
  for (const c of ['handle', 'remit', 'review']) assert.equal(running(P, c), undefined, `clock ${c} not running yet`);

  const exp = allowed(PETITION, init, ['staff']);
  assert.deepEqual(exp, ['accept', 'assign', 'not_accept', 'transfer', 'withdraw']);
  assert.deepEqual(actionCodes(P), exp, 'actions offered to staff');
  const dec = (await getCase(staff, P.id));
  assert.equal(dec.serial, P.serial);
  assert.deepEqual(dec.clocks, P.clocks);
});

test('cases-1.3 offered actions carry the names and the required fields of the definition', async () => {
  const fieldDef = new Map(PETITION.fields.map((f) => [f.code, f]));
  for (const a of P.actions) {
    const t = transition(PETITION, a.code);
    assert.equal(a.name, t.name);
    // the codes are those of the definition's "requires" (its fields, or the built-ins comment and assignee)
    assert.deepEqual(a.requires.map((f) => f.code), t.requires, `requires of ${a.code}: ${JSON.stringify(a.requires)}`);
    for (const f of a.requires) {
      const d = fieldDef.get(f.code);
      if (!d) continue;
      assert.equal(f.name, d.name);
      assert.equal(f.type, d.type);
    }
  }
});

test('cases-1.4 actions depend on the user: leader and the village cadre get theirs', async () => {
  const l = await getCase(leader, P.id);
  assert.deepEqual(actionCodes(l), allowed(PETITION, 'registered', ['leader']));
  assert.deepEqual(actionCodes(l), ['accept', 'assign', 'not_accept', 'transfer']);
  const d = await getCase(dengta, P.id);
  assert.deepEqual(actionCodes(d), allowed(PETITION, 'registered', ['village_cadre']));
  assert.deepEqual(actionCodes(d), []);
});

test('cases-1.5 staff assigns (交办) to the 灯塔村 cadre: state assigned, remit clock 5 working days', async () => {
  P = await actOk(staff, P, 'assign', { assigneeId: dengta.me.id, comment: '请灯塔村核实' });
  assert.equal(P.state.code, 'assigned');
  assert.equal(P.state.name, stateOf(PETITION, 'assigned').name);
  assert.deepEqual(P.assignee, { id: dengta.me.id, name: dengta.me.name });
  const remit = running(P, 'remit');
  assert.ok(remit, `remit clock started on assign: ${JSON.stringify(P.clocks)}`);
  assert.equal(remit.status, 'green');
  assert.equal(ms(remit.dueAt), addWorkdays(remit.startedAt, 5),
    `remit dueAt ${remit.dueAt}, expected ${fmt(addWorkdays(remit.startedAt, 5))} (5 working days from ${remit.startedAt})`);
  assert.equal(clock(P, 'accept').status, 'green', 'accept clock still running');
  history.push(['action', 'assign', 'registered', 'assigned', staff.me.id]);

  // the assignee now holds the role "assignee"
  const d = await getCase(dengta, P.id);
  assert.deepEqual(actionCodes(d), allowed(PETITION, 'assigned', ['village_cadre', 'assignee']));
  assert.deepEqual(actionCodes(d), ['accept', 'not_accept', 'return_assignment']);
});

test('cases-1.6 the assignee accepts: accept and remit clocks done, handle clock 60 days', async () => {
  P = await actOk(dengta, P, 'accept');
  assert.equal(P.state.code, 'accepted');
  assert.equal(clock(P, 'accept').status, 'done');
  assert.equal(clock(P, 'remit').status, 'done');
  const h = running(P, 'handle');
  assert.ok(h, `handle clock started on accept: ${JSON.stringify(P.clocks)}`);
  assert.equal(h.status, 'green');
  assert.ok(Math.abs(ms(h.startedAt) - ms(P.updatedAt)) <= 1000, `handle starts at the acceptance: ${h.startedAt} vs ${P.updatedAt}`);
  assert.equal(localDate(h.dueAt), nextDate(localDate(h.startedAt), 60));
  assert.equal(ms(h.dueAt) - ms(h.startedAt), 60 * DAY);
  assert.equal(h.extensions, 0);
  assert.equal(h.extensionsLeft, 1);
  history.push(['action', 'accept', 'assigned', 'accepted', dengta.me.id]);
  history.push(['document', null, null, null, dengta.me.id]); // 受理告知书

  const l = await getCase(leader, P.id);
  assert.deepEqual(actionCodes(l), allowed(PETITION, 'accepted', ['leader']));
  assert.ok(actionCodes(l).includes('extend_handle'));
});

let dueBeforeExt;
test('cases-1.7 the leader extends the handling once: dueAt +30 days, extensionsLeft 0', async () => {
  dueBeforeExt = clock(P, 'handle').dueAt;
  P = await actOk(leader, P, 'extend_handle', { fields: { extension_reason: '涉及多部门协调，需延期办理' } });
  assert.equal(P.state.code, 'accepted', 'an extension keeps the state');
  const h = clock(P, 'handle');
  assert.equal(ms(h.dueAt) - ms(dueBeforeExt), 30 * DAY, `dueAt ${dueBeforeExt} -> ${h.dueAt}`);
  assert.equal(localDate(h.dueAt), nextDate(localDate(h.startedAt), 90));
  assert.equal(h.extensions, 1);
  assert.equal(h.extensionsLeft, 0);
  assert.equal(h.status, 'green');
  assert.equal(recorded(P, 'extension_reason'), '涉及多部门协调，需延期办理');
  history.push(['action', 'extend_handle', 'accepted', 'accepted', leader.me.id]);
  history.push(['document', null, null, null, leader.me.id]); // 延期告知书
});

test('cases-1.8 a second extension: 409 invalid_transition, nothing changed', async () => {
  const before = await leader.get(`/api/v1/cases/${P.id}`);
  expectStatus(before, 200);
  const r = await act(leader, P.id, 'extend_handle', { fields: { extension_reason: '再次延期' } }, P.version);
  expectError(r, 409, 'invalid_transition');
  const after = await leader.get(`/api/v1/cases/${P.id}`);
  assert.deepEqual(after.body, before.body);
  assert.equal(after.body.version, P.version);
  assert.equal(after.headers.get('etag'), `"v${P.version}"`);
  assert.equal(clock(after.body, 'handle').dueAt, clock(P, 'handle').dueAt);
  assert.equal(clock(after.body, 'handle').extensions, 1);
});

test('cases-1.9 no extension left: extend_handle is no longer offered to the leader', async () => {
  // "actions are the transitions this user may take now"; taking it now is 409 (cases-1.8)
  const l = await getCase(leader, P.id);
  assert.equal(clock(l, 'handle').extensionsLeft, 0);
  assert.deepEqual(actionCodes(l), ['answer', 'appoint_lead'], `offered to the leader: ${actionCodes(l)}`);
});

test('cases-1.10 the assignee answers with facts, decision and basis: state answered, handle done', async () => {
  const t = transition(PETITION, 'answer');
  assert.deepEqual(t.requires, ['facts', 'decision', 'legal_basis']);
  const fields = { facts: '经查，该组道硬化工程因雨季停工。', decision: '解释说明', legal_basis: '《信访工作条例》第三十二条' };
  P = await actOk(dengta, P, 'answer', { fields });
  assert.equal(P.state.code, 'answered');
  assert.equal(P.state.final, false);
  assert.equal(P.outcome, null);
  for (const [k, v] of Object.entries(fields)) assert.equal(recorded(P, k), v, `field ${k} recorded`);
  assert.equal(clock(P, 'handle').status, 'done');
  const w = running(P, 'review_window');
  assert.ok(w, 'review window starts on answer');
  assert.equal(ms(w.dueAt) - ms(w.startedAt), 30 * DAY);
  history.push(['action', 'answer', 'accepted', 'answered', dengta.me.id]);
  history.push(['document', null, null, null, dengta.me.id]); // 处理意见书
});

test('cases-1.11 staff closes it as resolved: final state, outcome resolved, no actions left', async () => {
  P = await actOk(staff, P, 'close_resolved', { comment: '信访人表示理解，事项化解' });
  assert.deepEqual(P.state, { code: 'closed_resolved', name: stateOf(PETITION, 'closed_resolved').name, final: true });
  assert.equal(P.outcome, 'resolved');
  assert.equal(clock(P, 'review_window').status, 'done');
  assert.deepEqual(actionCodes(P), allowed(PETITION, 'closed_resolved', ['staff']));
  assert.deepEqual(actionCodes(P), []);
  history.push(['action', 'close_resolved', 'answered', 'closed_resolved', staff.me.id]);
});

test('cases-1.12 the timeline has one entry per action, in order, with states and actors', async () => {
  const g = await getCase(leader, P.id);
  assert.equal(g.version, history.filter(([kind]) => kind !== 'document').length, 'version 1 + one per action');
  assert.equal(g.timeline.length, history.length,
    `timeline: ${JSON.stringify(g.timeline.map((e) => [e.kind, e.action, e.from, e.to]))}`);
  const users = { [staff.me.id]: staff.me.name, [leader.me.id]: leader.me.name, [dengta.me.id]: dengta.me.name };
  history.forEach(([kind, action, from, to, userId], i) => {
    const e = g.timeline[i];
    assert.equal(e.kind, kind, `entry ${i} kind`);
    assert.equal(e.to, to, `entry ${i} to`);
    assert.deepEqual(e.user, { id: userId, name: users[userId] }, `entry ${i} user`);
    assert.match(e.at, ISO);
    if (i > 0) assert.ok(ms(e.at) >= ms(g.timeline[i - 1].at), 'timeline in order');
    if (kind === 'document') assert.match(e.comment, /^生成《.+》$/, `entry ${i}: the document issued`);
    if (kind === 'action') {
      assert.equal(e.action, action, `entry ${i} action`);
      assert.equal(e.actionName, transition(PETITION, action).name);
      assert.equal(e.from, from, `entry ${i} from`);
    }
  });
  assert.equal(g.timeline[1].comment, '请灯塔村核实');
  assert.equal(g.timeline[history.length - 1].comment, '信访人表示理解，事项化解');
});

// ============================================================================
// cases-2.x  refusals change nothing
// ============================================================================

let R; // a petition in state "assigned" (assignee: dengta), version 2

// Runs the request, checks the error, and checks that the case is unchanged.
async function refused(c, id, send, status, code, field) {
  const before = await staff.get(`/api/v1/cases/${id}`);
  expectStatus(before, 200);
  const r = await send();
  expectError(r, status, code, field);
  const after = await staff.get(`/api/v1/cases/${id}`);
  assert.deepEqual(after.body, before.body, 'case unchanged');
  assert.equal(after.headers.get('etag'), before.headers.get('etag'));
  return r;
}

test('cases-2.1 an action not allowed from the current state: 409 invalid_transition', async () => {
  R = await createCase(staff, petitionBody());
  R = await actOk(staff, R, 'assign', { assigneeId: dengta.me.id });
  assert.equal(R.version, 2);
  assert.ok(!transition(PETITION, 'answer').from.includes('assigned') && transition(PETITION, 'answer').roles.includes('staff'));
  await refused(staff, R.id, () => act(staff, R.id, 'answer',
    { fields: { facts: '事实', decision: '支持', legal_basis: '依据' } }, 2), 409, 'invalid_transition');
  // and out of a final state
  assert.ok(transition(PETITION, 'accept').roles.includes('staff'));
  await refused(staff, P.id, () => act(staff, P.id, 'accept', {}, P.version), 409, 'invalid_transition');
});

test('cases-2.2 an action by a user holding none of its roles: 403 forbidden', async () => {
  // return_assignment: assignee, village_cadre, staff - not leader
  assert.ok(!transition(PETITION, 'return_assignment').roles.includes('leader'));
  await refused(leader, R.id, () => act(leader, R.id, 'return_assignment', { fields: { return_reason: '不属本单位' } }, 2), 403, 'forbidden');
  // withdraw: requester, staff - not leader, not village_cadre (even the assignee)
  await refused(leader, R.id, () => act(leader, R.id, 'withdraw', { comment: '撤回' }, 2), 403, 'forbidden');
  await refused(dengta, R.id, () => act(dengta, R.id, 'withdraw', { comment: '撤回' }, 2), 403, 'forbidden');
});

test('cases-2.3 a missing required field: 400 invalid_input naming it', async () => {
  await refused(staff, R.id, () => act(staff, R.id, 'not_accept', {}, 2), 400, 'invalid_input', 'reject_reason');
  await refused(staff, R.id, () => act(staff, R.id, 'return_assignment', { fields: {} }, 2), 400, 'invalid_input', 'return_reason');
  await refused(staff, R.id, () => act(staff, R.id, 'withdraw', {}, 2), 400, 'invalid_input', 'comment');
  // a choice outside its choices is invalid too
  const A = await createCase(staff, petitionBody());
  const acc = await actOk(staff, A, 'accept');
  await refused(staff, A.id, () => act(staff, A.id, 'answer',
    { fields: { facts: '事实', decision: '全部支持', legal_basis: '依据' } }, acc.version), 400, 'invalid_input', 'decision');
  await refused(staff, A.id, () => act(staff, A.id, 'answer',
    { fields: { facts: '事实', decision: '支持' } }, acc.version), 400, 'invalid_input', 'legal_basis');
});

test('cases-2.4 a stale If-Match: 412 stale_version', async () => {
  await refused(staff, R.id, () => act(staff, R.id, 'accept', {}, 1), 412, 'stale_version');
});

test('cases-2.5 no If-Match: 428 precondition_required', async () => {
  await refused(staff, R.id, () => act(staff, R.id, 'accept', {}), 428, 'precondition_required');
});

test('cases-2.6 an unknown action code: 404 not_found', async () => {
  await refused(staff, R.id, () => act(staff, R.id, 'fly_to_moon', {}, 2), 404, 'not_found');
  // and an unknown case
  expectError(await act(staff, 987654321, 'accept', {}, 1), 404, 'not_found');
  expectError(await staff.get('/api/v1/cases/987654321'), 404, 'not_found');
});

test('cases-2.7 create with an unknown type, category or channel: 400 invalid_input naming the field, nothing created', async () => {
  const n = await caseTotal(leader);
  expectError(await staff.post('/api/v1/cases', petitionBody({ type: 'no_such_type' })), 400, 'invalid_input', 'type');
  expectError(await staff.post('/api/v1/cases', petitionBody({ category: 'no_such_category' })), 400, 'invalid_input', 'category');
  expectError(await staff.post('/api/v1/cases', petitionBody({ channel: 'pigeon' })), 400, 'invalid_input', 'channel');
  const { title, ...noTitle } = petitionBody();
  expectError(await staff.post('/api/v1/cases', noTitle), 400, 'invalid_input', 'title');
  assert.equal(await caseTotal(leader), n);
});

test('cases-2.8 create for an area outside the scope: dengta for 大淌村 is 403 forbidden, nothing created', async () => {
  const me = (await dengta.get('/api/v1/me')).body;
  assert.ok(me.permissions.includes('case.write') && me.permissions.includes('case.read'),
    `the village cadre holds case.read and case.write (so this tests scope): ${me.permissions}`);
  const n = await caseTotal(leader);
  const nDatang = await caseTotal(leader, `&areaId=${datangArea.id}`);
  expectError(await dengta.post('/api/v1/cases', petitionBody({ areaId: datangArea.id })), 403, 'forbidden');
  assert.equal(await caseTotal(leader), n);
  assert.equal(await caseTotal(leader, `&areaId=${datangArea.id}`), nDatang);
  // for the own village it works
  const own = await dengta.post('/api/v1/cases', petitionBody());
  expectStatus(own, 201, 'dengta creates for 灯塔村:');
  assert.equal(own.body.area.id, dengtaArea.id);
  assert.equal(await caseTotal(leader), n + 1);
});

// ============================================================================
// cases-3.x  deadlines in working days (2026, with the Spring Festival)
// ============================================================================

test('cases-3.1 the calendar helper of this file agrees with the published 2026 arithmetic', () => {
  assert.equal(fmt(addWorkdays('2026-02-13T10:00:00+08:00', 1)), '2026-02-14T10:00:00+08:00'); // make-up Saturday
  assert.equal(fmt(addWorkdays('2026-02-13T10:00:00+08:00', 2)), '2026-02-24T10:00:00+08:00'); // over the Spring Festival
  assert.equal(fmt(addWorkdays('2026-09-30T23:30:00+08:00', 1)), '2026-10-08T23:30:00+08:00');
  assert.equal(fmt(addWorkdays('2026-12-31T09:00:00+08:00', 1)), '2027-01-01T09:00:00+08:00'); // no 2027 data: weekdays
});

test('cases-3.2 GET /api/v1/calendar/add across the Spring Festival equals the independent computation', async () => {
  for (const [from, days] of [
    ['2026-02-13T10:00:00+08:00', 5], ['2026-02-13T10:00:00+08:00', 2], ['2026-02-12T16:45:00+08:00', 3],
    ['2026-02-14T08:00:00+08:00', 1], ['2026-02-20T12:00:00+08:00', 5], ['2026-02-27T18:00:00+08:00', 1],
  ]) {
    const r = await staff.get(`/api/v1/calendar/add?from=${encodeURIComponent(from)}&days=${days}&unit=workdays`);
    expectStatus(r, 200, `calendar/add ${from} + ${days}:`);
    assert.equal(r.body.result, fmt(addWorkdays(from, days)), `${from} + ${days} workdays`);
    assert.equal(r.body.missingYear, false);
  }
  // the one named in the plan, spelled out: Fri 13 Feb +5 workdays = Sat 14 (调休), Tue 24, Wed 25, Thu 26, Fri 27
  const r = await staff.get('/api/v1/calendar/add?from=2026-02-13T10:00:00%2B08:00&days=5&unit=workdays');
  expectStatus(r, 200);
  assert.equal(r.body.result, '2026-02-27T10:00:00+08:00');
});

// A hotline case of `category` dispatched to dengta; returns the case after dispatch.
async function dispatchedHotline(category) {
  const h = await createCase(staff, {
    type: 'hotline', title: `12345 ${category} 工单${++seq}`, content: '市民来电反映路灯不亮。',
    areaId: dengtaArea.id, category, channel: 'hotline', requester: { name: '钱女士', phone: '13900005678' },
  });
  assert.equal(h.category, category);
  assert.equal(h.state.code, initialState(HOTLINE));
  assert.equal(running(h, 'handle'), undefined, 'the hotline handle clock starts on dispatch, not on create');
  return actOk(staff, h, 'dispatch', { assigneeId: dengta.me.id });
}

test('cases-3.3 hotline clocks in working days: general 5, consultation 3, sign 1; urgent 30 minutes', async () => {
  const limits = HOTLINE.clocks.find((c) => c.code === 'handle').limits;
  for (const category of ['general', 'consultation']) {
    const h = await dispatchedHotline(category);
    assert.equal(h.state.code, 'dispatched');
    const k = running(h, 'handle');
    assert.ok(k, `handle clock started on dispatch: ${JSON.stringify(h.clocks)}`);
    assert.equal(limits[category].unit, 'workdays');
    const exp = addWorkdays(k.startedAt, limits[category].amount);
    assert.equal(ms(k.dueAt), exp, `${category}: dueAt ${k.dueAt}, expected ${fmt(exp)} (${limits[category].amount} working days from ${k.startedAt})`);
    assert.match(k.dueAt, ISO);
    const s = running(h, 'sign');
    assert.ok(s, 'sign clock started on dispatch');
    assert.equal(ms(s.dueAt), addWorkdays(s.startedAt, 1), `sign: dueAt ${s.dueAt}, expected ${fmt(addWorkdays(s.startedAt, 1))}`);
  }
  const u = await dispatchedHotline('urgent');
  const k = running(u, 'handle');
  assert.equal(ms(k.dueAt) - ms(k.startedAt), 30 * MIN);
});

test('cases-3.4 hotline extensions add 3 working days each, at most 3; the fourth is 409', async () => {
  let h = await dispatchedHotline('general');
  h = await actOk(staff, h, 'sign');
  assert.equal(h.state.code, 'handling');
  assert.equal(clock(h, 'sign').status, 'done');
  for (let i = 1; i <= 3; i++) {
    const due = clock(h, 'handle').dueAt;
    h = await actOk(leader, h, 'extend_handle', { fields: { extension_reason: `第${i}次延期` } });
    const k = clock(h, 'handle');
    assert.equal(ms(k.dueAt), addWorkdays(due, 3), `extension ${i}: ${due} -> ${k.dueAt}, expected ${fmt(addWorkdays(due, 3))}`);
    assert.equal(k.extensions, i);
    assert.equal(k.extensionsLeft, 3 - i);
  }
  await refused(leader, h.id, () => act(leader, h.id, 'extend_handle', { fields: { extension_reason: '第4次' } }, h.version), 409, 'invalid_transition');
});

test('cases-3.5 12345 退单 only within the sign window; afterwards the unit owns the order (首办负责)', async () => {
  const sb = HOTLINE.transitions.find((t) => t.code === 'send_back');
  assert.equal(sb.within, 'sign', 'hotline.json: send_back within the sign clock');
  // in time: offered and taken
  let h = await dispatchedHotline('general');
  assert.ok(actionCodes(await getCase(dengta, h.id)).includes('send_back'));
  h = await actOk(dengta, h, 'send_back', { fields: { return_reason: '非本村职责' } });
  assert.equal(h.state.code, 'received');
  // late: the sign clock's window passed (moved two days back): no longer offered, refused
  let late = await dispatchedHotline('general');
  sqlExec(srv.db, `UPDATE case_clocks SET due_at = due_at - 172800, warn_at = warn_at - 172800 WHERE case_id = ${late.id} AND clock = 'sign'`);
  late = await getCase(dengta, late.id);
  assert.equal(clock(late, 'sign').status, 'red');
  assert.ok(!actionCodes(late).includes('send_back'), 'send_back not offered after the window');
  assert.ok(actionCodes(late).includes('sign'), 'signing is still possible (and late)');
  const r = await refused(dengta, late.id, () => act(dengta, late.id, 'send_back', { fields: { return_reason: '非本村职责' } }, late.version), 409, 'invalid_transition');
  assert.match(r.body.error.message, /已超过“签收退单期限”，不能再“退单”/);
});

test('cases-3.6 12345 重办 twice at most; the third dissatisfied return is 提级督办', async () => {
  const redo = HOTLINE.transitions.find((t) => t.code === 'redo');
  const sup = HOTLINE.transitions.find((t) => t.code === 'supervise');
  assert.equal(redo.max_times, 2);
  assert.deepEqual(sup.after, { transition: 'redo', times: 2 });
  let h = await dispatchedHotline('general');
  h = await actOk(dengta, h, 'sign');
  const answerAndVisit = async () => {
    h = await actOk(dengta, h, 'reply', { fields: { reply_content: '已安排维修。' } });
    h = await actOk(staff, h, 'visit', { fields: { visit_record: '电话回访', satisfaction: '不满意' } });
  };
  for (let i = 1; i <= 2; i++) {
    await answerAndVisit();
    const offered = actionCodes(await getCase(leader, h.id));
    assert.ok(offered.includes('redo'), `redo offered before re-do ${i}`);
    assert.ok(!offered.includes('supervise'), `supervise not offered after ${i - 1} re-dos`);
    if (i === 1) {
      const r = await refused(leader, h.id, () => act(leader, h.id, 'supervise', { fields: { redo_reason: '群众仍不满意', supervising_leader: leader.me.id } }, h.version), 409, 'invalid_transition');
      assert.match(r.body.error.message, /须先“重办” 2 次才能“提级督办（第三次重办）”（本件已 0 次）/);
    }
    h = await actOk(staff, h, 'redo', { fields: { redo_reason: `第${i}次不满意` } });
    assert.equal(h.state.code, 'reworking');
  }
  await answerAndVisit();
  const offered = actionCodes(await getCase(leader, h.id));
  assert.ok(!offered.includes('redo'), 'no third redo');
  assert.ok(offered.includes('supervise'), 'supervise offered after two re-dos');
  const r = await refused(staff, h.id, () => act(staff, h.id, 'redo', { fields: { redo_reason: '第3次不满意' } }, h.version), 409, 'invalid_transition');
  assert.match(r.body.error.message, /每件最多“重办” 2 次，本件已 2 次/);
  h = await actOk(leader, h, 'supervise', { fields: { redo_reason: '第3次不满意', supervising_leader: leader.me.id } });
  assert.equal(h.state.code, 'supervised');
  assert.ok(running(h, 'supervised'), 'the supervised clock runs');
});

test('cases-3.7 a hazard\'s 整改时限 given at 交办 is its deadline; a past date is refused; the extension sets a later one', async () => {
  const today = localDate(Date.now());
  let h = await createCase(staff, { type: 'hazard', title: `灯塔村危房隐患${++seq}`, content: '三组危房墙体开裂', areaId: dengtaArea.id });
  const base = { location: '三组', responsible: dengta.me.id, measures: '拆除危墙', funds: 500000 };
  const assign = (deadline) => act(staff, h.id, 'assign', { assigneeId: dengta.me.id, fields: { ...base, deadline } }, h.version);
  const past = nextDate(today, -1);
  await refused(staff, h.id, () => assign(past), 400, 'invalid_input', 'deadline');
  const due = nextDate(today, 12);
  const r = await assign(due);
  expectStatus(r, 200);
  h = r.body;
  const k = clock(h, 'rectify');
  assert.equal(k.dueAt, `${due}T23:59:59+08:00`, `the given date, not 30 days: ${JSON.stringify(k)}`);
  // an extension to a date not after the current deadline: refused
  await refused(leader, h.id, () => act(leader, h.id, 'extend', { fields: { extension_reason: '雨季施工困难', new_deadline: due } }, h.version), 400, 'invalid_input', 'new_deadline');
  const later = nextDate(today, 40);
  h = await actOk(leader, h, 'extend', { fields: { extension_reason: '雨季施工困难', new_deadline: later } });
  assert.equal(clock(h, 'rectify').dueAt, `${later}T23:59:59+08:00`);
  assert.equal(clock(h, 'rectify').extensions, 1);
});

// ============================================================================
// cases-4.x  concurrency and idempotency
// ============================================================================

test('cases-4.1 two officers act at once with the same If-Match: one 200, one 412, one timeline entry', async () => {
  for (let round = 0; round < 5; round++) {
    const c = await createCase(staff, petitionBody());
    const tl = (await getCase(staff, c.id)).timeline.length;
    const [a, b] = await Promise.all([
      act(staff, c.id, 'accept', {}, 1),
      act(leader, c.id, 'not_accept', { fields: { reject_reason: '已经法定途径处理' } }, 1),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 412], `round ${round}: ${a.status} ${a.text.slice(0, 200)} / ${b.status} ${b.text.slice(0, 200)}`);
    const loser = a.status === 412 ? a : b;
    expectError(loser, 412, 'stale_version');
    const g = await getCase(staff, c.id);
    assert.equal(g.version, 2);
    // one action entry, and the notice both transitions issue (受理 / 不予受理告知书)
    assert.equal(g.timeline.length, tl + 2, 'exactly one new action entry and its document');
    assert.equal(g.state.code, a.status === 200 ? 'accepted' : 'not_accepted', 'the winner decides the state');
    assert.equal(g.timeline.at(-2).action, a.status === 200 ? 'accept' : 'not_accept');
    assert.equal(g.timeline.at(-1).kind, 'document');
  }
});

test('cases-4.2 the same Idempotency-Key twice: one case, the same body back', async () => {
  const n = await caseTotal(leader);
  const body = petitionBody();
  const key = { 'idempotency-key': 'cases-4.2-key' };
  const a = await staff.post('/api/v1/cases', body, key);
  expectStatus(a, 201, 'first:');
  const b = await staff.post('/api/v1/cases', body, key);
  assert.equal(b.status, 201, `replay: ${b.text.slice(0, 300)}`);
  assert.deepEqual(b.body, a.body);
  assert.equal(b.headers.get('idempotent-replay'), 'true');
  assert.equal(await caseTotal(leader), n + 1);
  expectError(await staff.post('/api/v1/cases', { ...body, title: '另一个标题' }, key), 422, 'idempotency_mismatch');
  assert.equal(await caseTotal(leader), n + 1);
});

test('cases-4.3 the same Idempotency-Key sent three times at once: one case, two replays', async () => {
  const n = await caseTotal(leader);
  const body = petitionBody();
  const key = { 'idempotency-key': 'cases-4.3-key' };
  const rs = await Promise.all([1, 2, 3].map(() => staff.post('/api/v1/cases', body, key)));
  // a duplicate sent while the first runs is a retry: the same status and body, marked as a replay
  for (const r of rs) expectStatus(r, 201, 'concurrent duplicate:');
  for (const r of rs) assert.deepEqual(r.body, rs[0].body, 'every answer is the same case');
  assert.equal(rs.filter((r) => r.headers.get('idempotent-replay') === 'true').length, 2, 'two of three are replays');
  assert.equal(await caseTotal(leader), n + 1);
});

test('cases-4.4 eight concurrent registrations get eight distinct serials', async () => {
  const rs = await Promise.all(Array.from({ length: 8 }, () => staff.post('/api/v1/cases', petitionBody())));
  for (const r of rs) expectStatus(r, 201, 'concurrent create:');
  const serials = rs.map((r) => r.body.serial);
  for (const s of serials) assert.match(s, SERIAL);
  assert.equal(new Set(serials).size, 8, `serials: ${serials}`);
  assert.equal(new Set(rs.map((r) => r.body.id)).size, 8);
  const all = (await allCases(leader, '&type=petition')).map((c) => c.serial);
  assert.equal(new Set(all).size, all.length, 'no serial repeats among all petitions');
});

// ============================================================================
// cases-5.x  scope and confidentiality
// ============================================================================

let D, L, C; // a case of 大淌村, one of 灯塔村, a confidential one of 灯塔村

test('cases-5.1 dengta lists only 灯塔村 cases and gets 404 on a 大淌村 case', async () => {
  D = await createCase(staff, petitionBody({ title: '大淌村饮水工程信访', areaId: datangArea.id, requester: { name: '孙大娘', phone: '13900009999' } }));
  L = await createCase(staff, petitionBody({ title: '灯塔村照明信访' }));
  const mine = await allCases(dengta);
  assert.ok(mine.some((c) => c.id === L.id), 'own village case listed');
  assert.deepEqual(mine.filter((c) => c.area.id !== dengtaArea.id).map((c) => c.serial), [], 'only 灯塔村 cases');
  const text = JSON.stringify(mine);
  for (const s of ['大淌村', D.serial, '孙大娘', '139****9999']) assert.ok(!text.includes(s), `list leaks ${s}`);
  const f = await dengta.get(`/api/v1/cases?areaId=${datangArea.id}`);
  if (f.status === 200) assert.deepEqual(f.body.items, []);
  else expectError(f, f.status, f.status === 403 ? 'forbidden' : 'not_found');

  const r = await dengta.get(`/api/v1/cases/${D.id}`);
  expectError(r, 404, 'not_found');
  assert.deepEqual(r.body, (await dengta.get('/api/v1/cases/987654321')).body, 'same answer as a case that does not exist');
  // nor can they act on it
  const before = await getCase(staff, D.id);
  const w = await act(dengta, D.id, 'accept', {}, D.version);
  assert.ok(w.status === 403 || w.status === 404, `${w.status} ${w.text}`);
  expectError(w, w.status, w.status === 403 ? 'forbidden' : 'not_found');
  assert.ok(!w.text.includes(D.serial));
  assert.deepEqual(await getCase(staff, D.id), before);
  // and the other way round
  const theirs = await allCases(datang);
  assert.ok(theirs.some((c) => c.id === D.id));
  assert.ok(!theirs.some((c) => c.area.id === dengtaArea.id));
  expectError(await datang.get(`/api/v1/cases/${L.id}`), 404, 'not_found');
});

test('cases-5.2 a confidential requester: null for the leader, visible to the registering staff and the assignee', async () => {
  C = await createCase(staff, petitionBody({ title: '匿名反映村务问题', requester: { name: '周保密', phone: PHONE, confidential: true } }));
  assert.equal(C.requester.confidential, true);
  assert.equal(C.requester.name, '周保密', 'the registering staff sees the name in the create answer');
  const s = await getCase(staff, C.id);
  assert.equal(s.requester.name, '周保密');
  assert.ok(s.requester.phone === PHONE || s.requester.phone === PHONE_MASKED, `staff sees the phone: ${s.requester.phone}`);

  const l = await leader.get(`/api/v1/cases/${C.id}`);
  expectStatus(l, 200);
  assert.deepEqual(l.body.requester, { name: null, phone: null, confidential: true });
  assert.ok(!l.text.includes('周保密') && !l.text.includes(PHONE) && !l.text.includes(PHONE_MASKED), `leader's detail leaks: ${l.text.slice(0, 500)}`);
  const ll = await allCases(leader);
  const item = ll.find((c) => c.id === C.id);
  assert.deepEqual(item.requester, { name: null, phone: null, confidential: true });
  assert.ok(!JSON.stringify(ll).includes('周保密'), 'leader list leaks the confidential name');
  // the cadre of the village (in scope, not assigned) neither
  const d0 = await getCase(dengta, C.id);
  assert.deepEqual(d0.requester, { name: null, phone: null, confidential: true });

  // once assigned, the assignee sees it; the leader still does not
  const a = await actOk(staff, s, 'assign', { assigneeId: dengta.me.id });
  assert.equal(a.requester.name, '周保密');
  const d1 = await getCase(dengta, C.id);
  assert.equal(d1.requester.name, '周保密');
  assert.ok(d1.requester.phone === PHONE || d1.requester.phone === PHONE_MASKED, `assignee sees the phone: ${d1.requester.phone}`);
  const l2 = await getCase(leader, C.id);
  assert.deepEqual(l2.requester, { name: null, phone: null, confidential: true });
});

test('cases-5.3 lists mask phones (139****1234) and carry no timeline or actions', async () => {
  const list = await allCases(staff);
  const item = list.find((c) => c.id === L.id);
  assert.ok(item, 'case listed');
  assert.equal(item.requester.name, '赵大爷');
  assert.equal(item.requester.phone, PHONE_MASKED);
  const conf = list.find((c) => c.id === C.id);
  assert.deepEqual(conf.requester, { name: '周保密', phone: PHONE_MASKED, confidential: true }, 'the registering staff, masked');
  for (const c of list) {
    assert.ok(!('timeline' in c) && !('actions' in c), `list item ${c.id} has timeline/actions`);
    if (c.requester && c.requester.phone !== null) assert.match(c.requester.phone, /^\d{3}\*{4}\d{4}$/, `item ${c.id} phone ${c.requester.phone}`);
  }
  for (const c of [staff, leader, dengta]) {
    const r = await c.get('/api/v1/cases?pageSize=200');
    expectStatus(r, 200);
    assert.ok(!r.text.includes(PHONE), 'no full phone in a list');
    assert.ok(!/"1\d{10}"/.test(r.text), 'no 11-digit phone in a list');
  }
});

test('cases-5.4 list filters: type, state, areaId, q; newest first', async () => {
  const byType = await allCases(leader, '&type=hotline');
  assert.ok(byType.length >= 4);
  assert.ok(byType.every((c) => c.type === 'hotline'));
  const closed = await allCases(leader, '&state=closed_resolved');
  assert.ok(closed.some((c) => c.id === P.id));
  assert.ok(closed.every((c) => c.state.code === 'closed_resolved'));
  const inDatang = await allCases(leader, `&areaId=${datangArea.id}`);
  assert.ok(inDatang.some((c) => c.id === D.id));
  assert.ok(inDatang.every((c) => c.area.id === datangArea.id));
  const q = await allCases(leader, `&q=${encodeURIComponent('饮水工程')}`);
  assert.ok(q.some((c) => c.id === D.id), 'q finds the case by its title');
  assert.ok(q.every((c) => `${c.title}${c.content}${c.serial}`.includes('饮水工程')), 'q only finds matches');
  const all = await allCases(leader);
  const ids = all.map((c) => c.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
});

test('cases-9 the indicators\' counters of cases follow every action, deadline and 重办: equal to a recount, and every counted indicator equal from either', () => {
  assertCountsExact(srv.db);
});
