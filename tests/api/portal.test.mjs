// portal.test.mjs - the public portal (docs/api.md "Public portal"): a resident
// files a request without an account, follows it with the tracking code and the
// last four phone digits, reads the answer and rates it once.  Abuse limits
// (per address, per phone, wrong digits per code) answer 429 and create
// nothing; bad input answers 400 and creates nothing; personal data stays
// masked.  The server runs behind a "proxy" (trust_proxy) so each test can
// speak from its own address with X-Real-IP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, cpSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, ROOT, BIN } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sql, sqlExec, DENGTA_CODE, DATANG_CODE, TOWNSHIP_CODE, assertCountsExact } from './lib.mjs';
import { png, PDF, JPEG } from './samples.mjs';

const CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

let srv, cfgDir, staff, leader, dengta, tree, dengtaArea, datangArea;
let ipSeq = 0;
let phoneSeq = 0;
const newIp = () => { ipSeq++; return `10.9.${ipSeq >> 8}.${ipSeq & 255}`; };
const newPhone = () => `1390000${String(++phoneSeq).padStart(4, '0')}`;

before(async () => {
  cfgDir = mkdtempSync(path.join(tmpdir(), 'zhenwu-portal-'));
  const cfg = path.join(cfgDir, 'zhenwu.conf');
  writeFileSync(cfg, 'trust_proxy = 1\n');
  srv = await startServer({ extraArgs: ['--config', cfg] });
  [staff, leader, dengta] = await Promise.all(['staff', 'leader', 'dengta'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
});

after(async () => {
  if (srv) await srv.stop();
  if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
});

// A client without a session, speaking from address ip.
function pub(ip = newIp()) {
  const c = new Client(srv.url);
  const req = c.req.bind(c);
  c.req = (m, p, b, h = {}) => req(m, p, b, { 'x-real-ip': ip, ...h });
  c.ip = ip;
  return c;
}

const body = (over = {}) => ({
  service: '201', villageId: dengtaArea.id, content: '村口垃圾堆放三天无人清理，气味很大。',
  name: '张三丰', phone: newPhone(), confidential: false, ...over,
});

async function submit(c, over = {}) {
  const b = body(over);
  const r = await c.post('/api/v1/portal/requests', b);
  expectStatus(r, 201, 'submit:');
  return { ...r.body, phone: b.phone, sent: b };
}

const caseCount = () => Number(sql(srv.db, 'SELECT COUNT(*) AS n FROM cases')[0].n);
const publicCount = () => Number(sql(srv.db, 'SELECT COUNT(*) AS n FROM public_requests')[0].n);

async function caseOf(code) {
  const rows = sql(srv.db, `SELECT case_id FROM public_requests WHERE tracking_code = '${code}'`);
  assert.equal(rows.length, 1, `one public request with code ${code}`);
  const r = await staff.get(`/api/v1/cases/${rows[0].case_id}`);
  expectStatus(r, 200, 'staff GET case:');
  return r.body;
}

// Takes a case action as c; returns the new case.
async function act(c, kase, code, b = {}) {
  const r = await c.post(`/api/v1/cases/${kase.id}/actions/${code}`, b, { 'if-match': `"v${kase.version}"` });
  expectStatus(r, 200, `action ${code}:`);
  return r.body;
}

// Drives a grid_event case from 已采集 to its final state 已评价归档 as staff.
async function closeGridEvent(kase, result = '已清运垃圾并安排保洁员每日巡查。') {
  let k = await act(staff, kase, 'file', { fields: { location: '灯塔村村口' } });
  k = await act(staff, k, 'dispatch', { assigneeId: staff.me.id });
  // the photo after handling is an attachment of the case, filed first
  const photo = await staff.post(`/api/v1/cases/${k.id}/attachments?name=after.png`, png(2, 2, k.id), { 'content-type': 'image/png' });
  expectStatus(photo, 201, 'photo:');
  k = await act(staff, k, 'feedback', { fields: { handle_result: result, result_photo: photo.body.id } });
  k = await act(staff, k, 'verify', { fields: { verify_note: '现场核查已清理干净' } });
  k = await act(staff, k, 'evaluate', { fields: { evaluation: '良好' } });
  assert.equal(k.state.final, true);
  return k;
}

const track = (c, code, last4) => c.post('/api/v1/portal/track', { code, phoneLast4: last4 });

test('portal-1.1 services and villages are public: the catalogue and the township\'s villages', async () => {
  const c = pub();
  const s = await c.get('/api/v1/portal/services');
  expectStatus(s, 200);
  assert.ok(s.body.items.length >= 5);
  for (const x of s.body.items) {
    assert.equal(typeof x.code, 'string');
    assert.match(x.name, /[\u4e00-\u9fff]/);
    assert.ok(x.group && x.description);
  }
  assert.deepEqual(s.body.items.find((x) => x.code === '201'), {
    code: '201', name: '环境卫生', group: '身边问题', keywords: ['垃圾', '污水', '环境'],
    description: s.body.items.find((x) => x.code === '201').description,
  });
  assert.deepEqual(s.body.limits, { contentMax: 2000, contentMin: 5, nameMax: 32, perPhonePerDay: 3 });
  const v = await c.get('/api/v1/portal/villages');
  expectStatus(v, 200);
  assert.equal(v.body.items.length, 7);
  const dt = v.body.items.find((x) => x.code === DENGTA_CODE);
  assert.deepEqual(dt, { id: dengtaArea.id, code: DENGTA_CODE, name: '灯塔村', township: { id: tree.township.id, name: '羊市镇' } });
});

test('portal-1.2 a submission becomes a real online case in the village, created by the public', async () => {
  const c = pub();
  const before = caseCount();
  const r = await submit(c, { address: '灯塔村村口大榕树下', lat: 29.71, lon: 107.39 });
  assert.match(r.trackingCode, CODE_RE);
  assert.match(r.serial, /^羊市网格〔\d{4}〕\d+号$/);
  assert.deepEqual(r.service, { code: '201', name: '环境卫生' });
  assert.deepEqual(r.village, { id: dengtaArea.id, name: '灯塔村' });
  assert.deepEqual(r.status, { code: 'received', name: '已受理' });
  assert.match(r.submittedAt, ISO);
  assert.equal(caseCount(), before + 1);
  const k = await caseOf(r.trackingCode);
  assert.equal(k.type, 'grid_event');
  assert.equal(k.category, 'environment');
  assert.equal(k.channel, 'online');
  assert.equal(k.serial, r.serial);
  assert.equal(k.area.id, dengtaArea.id);
  assert.equal(k.content, r.sent.content);
  assert.equal(k.title, `环境卫生：${r.sent.content}`);
  assert.equal(k.requester.name, '张三丰');
  assert.equal(k.requester.phone, `${r.phone.slice(0, 3)}****${r.phone.slice(-4)}`);
  assert.deepEqual(k.location, { lat: 29.71, lon: 107.39 });
  assert.equal(k.address, '灯塔村村口大榕树下');
  assert.equal(k.timeline[0].kind, 'create');
  assert.equal(k.timeline[0].user.name, '公众');
  // The village cadre of 灯塔村 sees it in their list; created_by is nobody.
  const list = await dengta.get('/api/v1/cases?type=grid_event&pageSize=200');
  assert.ok(list.body.items.some((x) => x.id === k.id), 'village cadre sees the case');
  const row = sql(srv.db, `SELECT created_by, channel FROM cases WHERE id = ${k.id}`)[0];
  assert.equal(row.created_by, null);
  const audit = sql(srv.db, `SELECT user_id, username, entity, action, ip FROM audit_log WHERE entity = 'case' AND entity_id = '${k.id}'`);
  assert.deepEqual(audit, [{ user_id: null, username: '公众', entity: 'case', action: 'create', ip: c.ip }]);
  const pr = sql(srv.db, `SELECT source, phone_last4, api_key_id, rating, rated_at FROM public_requests WHERE case_id = ${k.id}`)[0];
  assert.deepEqual(pr, { source: 'portal', phone_last4: r.phone.slice(-4), api_key_id: null, rating: null, rated_at: 0 });
});

test('portal-1.3 track with the right digits shows the public view; wrong digits are refused', async () => {
  const c = pub();
  const r = await submit(c, { service: '101', content: '请问低保申请需要准备哪些材料？' });
  const ok = await track(c, r.trackingCode, r.phone.slice(-4));
  expectStatus(ok, 200);
  assert.equal(ok.body.trackingCode, r.trackingCode);
  assert.equal(ok.body.serial, r.serial);
  assert.deepEqual(ok.body.service, { code: '101', name: '政策咨询' });
  assert.deepEqual(ok.body.status, { code: 'received', name: '已受理' });
  assert.equal(ok.body.closed, false);
  assert.deepEqual(ok.body.requester, { name: '张**' });
  assert.equal(ok.body.content, '请问低保申请需要准备哪些材料？');
  assert.equal(ok.body.answer, null);
  assert.equal(ok.body.canRate, false);
  assert.deepEqual(ok.body.timeline.map((x) => x.stage), ['诉求已提交']);
  assert.match(ok.body.timeline[0].at, ISO);
  // hotline: the handling clock has not started (it starts at dispatch)
  assert.equal(ok.body.expectedAt, null);
  assert.ok(!ok.text.includes(r.phone), 'the full phone never appears');
  // the code is read forgivingly: lower case, spaces and dashes
  const loose = `${r.trackingCode.slice(0, 5).toLowerCase()}-${r.trackingCode.slice(5)}`;
  expectStatus(await track(c, loose, r.phone.slice(-4)), 200);
  const wrong = await track(c, r.trackingCode, String((Number(r.phone.slice(-4)) + 1) % 10000).padStart(4, '0'));
  expectError(wrong, 404, 'not_found', 'code');
  assert.ok(!wrong.text.includes(r.serial), 'a refusal says nothing about the request');
  expectError(await track(c, 'ABCDEFGHJK', r.phone.slice(-4)), 404, 'not_found');
  expectError(await track(c, r.trackingCode, '12a4'), 404, 'not_found');
  expectError(await c.post('/api/v1/portal/track', { code: r.trackingCode }), 400, 'invalid_input', 'phoneLast4');
});

test('portal-1.4 walking the four digits is stopped: 5 wrong tries per code and hour, then 429', async () => {
  const owner = pub();
  const r = await submit(owner);
  const right = r.phone.slice(-4);
  const guesses = ['0000', '1111', '2222', '3333', '4444', '5555', '6666'].filter((g) => g !== right);
  const attacker = pub();
  for (let i = 0; i < 5; i++) expectError(await track(attacker, r.trackingCode, guesses[i]), 404, 'not_found');
  const locked = await track(attacker, r.trackingCode, guesses[5]);
  expectError(locked, 429, 'rate_limited');
  const retry = Number(locked.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 3600, `Retry-After ${retry}`);
  // From another address, even the right digits wait: the limit is on the code.
  const other = pub();
  expectError(await track(other, r.trackingCode, right), 429, 'rate_limited');
  const n = sql(srv.db, `SELECT count FROM rate_limits WHERE key = 'trackfail:code:${r.trackingCode}'`);
  assert.equal(Number(n[0].count), 5);
  // Other codes are unaffected.
  const r2 = await submit(owner);
  expectStatus(await track(other, r2.trackingCode, r2.phone.slice(-4)), 200);
});

test('portal-1.5 one address may file 10 requests an hour; the 11th is refused and creates nothing', async () => {
  const c = pub();
  for (let i = 0; i < 10; i++) await submit(c);
  const before = [caseCount(), publicCount()];
  const r = await c.post('/api/v1/portal/requests', body());
  expectError(r, 429, 'rate_limited');
  assert.match(r.body.error.message, /每小时最多提交 10 件/);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.deepEqual([caseCount(), publicCount()], before);
  // Another address is not affected.
  await submit(pub());
});

test('portal-1.6 one phone may file 3 requests a day, from any address', async () => {
  const phone = newPhone();
  for (let i = 0; i < 3; i++) await submit(pub(), { phone });
  const before = [caseCount(), publicCount()];
  const r = await pub().post('/api/v1/portal/requests', body({ phone }));
  expectError(r, 429, 'rate_limited');
  assert.match(r.body.error.message, /同一手机号每天最多提交 3 件/);
  assert.deepEqual([caseCount(), publicCount()], before);
  // The counter does not keep the number itself.
  const keys = sql(srv.db, "SELECT key FROM rate_limits WHERE key LIKE 'submit:phone:%'").map((x) => x.key);
  assert.ok(keys.length > 0 && keys.every((k) => !k.includes(phone)));
});

test('portal-1.7 the answer shows once the case is handled; a closed request is rated once, 1 to 5', async () => {
  const c = pub();
  const r = await submit(c);
  const last4 = r.phone.slice(-4);
  const rate = (score, extra = {}) => c.post('/api/v1/portal/rating', { code: r.trackingCode, phoneLast4: last4, score, ...extra });
  expectError(await rate(5), 409, 'invalid_transition', 'score');
  const answer = '已清运垃圾并安排保洁员每日巡查。';
  const closed = await closeGridEvent(await caseOf(r.trackingCode), answer);
  const t = await track(c, r.trackingCode, last4);
  expectStatus(t, 200);
  assert.deepEqual(t.body.status, { code: 'closed', name: '已办结' });
  assert.equal(t.body.closed, true);
  assert.equal(t.body.answer.text, answer);
  assert.match(t.body.answer.at, ISO);
  assert.equal(t.body.canRate, true);
  assert.deepEqual(t.body.timeline.map((x) => x.stage),
    ['诉求已提交', '已立案（待派遣）', '处置中', '已反馈（待核查）', '已核查结案（待评价）', '已评价归档']);
  assert.ok(!t.text.includes('核查意见') && !t.text.includes('现场核查已清理干净'), 'internal notes stay internal');
  assert.ok(!t.text.includes(staff.me.name), 'no officer names');
  expectError(await rate(6), 400, 'invalid_input', 'score');
  expectError(await rate(0), 400, 'invalid_input', 'score');
  expectError(await c.post('/api/v1/portal/rating', { code: r.trackingCode, phoneLast4: '0000', score: 5 }), 404, 'not_found');
  const ok = await rate(4, { comment: '处理及时' });
  expectStatus(ok, 200);
  assert.equal(ok.body.canRate, false);
  assert.equal(ok.body.rating.score, 4);
  assert.equal(ok.body.rating.level, '满意');
  assert.equal(ok.body.rating.comment, '处理及时');
  assert.equal(ok.body.timeline.at(-1).stage, '群众评价');
  expectError(await rate(1), 409, 'conflict');
  const row = sql(srv.db, `SELECT rating, rating_comment FROM public_requests WHERE tracking_code = '${r.trackingCode}'`)[0];
  assert.deepEqual(row, { rating: 4, rating_comment: '处理及时' });
  const k = await caseOf(r.trackingCode);
  const fb = k.timeline.filter((e) => e.kind === 'feedback');
  assert.equal(fb.length, 1);
  assert.deepEqual(fb[0].data, { score: 4, level: '满意', comment: '处理及时' });
  assert.equal(k.version, closed.version, 'rating does not change the case record');
  // counted for satisfaction (满意率: 基本满意 and better over rated)
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const st = await leader.get(`/api/v1/cases/stats?from=${today}&to=${today}`);
  expectStatus(st, 200);
  const g = st.body.items.find((x) => x.type === 'grid_event');
  assert.deepEqual([g.rated, g.satisfied, g.satisfactionRate], [1, 1, 1]);
  const h = st.body.items.find((x) => x.type === 'hotline');
  assert.deepEqual([h.rated, h.satisfied, h.satisfactionRate], [0, 0, null]);
});

test('portal-1.8 a hotline request shows 已答复 with the reply before it closes', async () => {
  const c = pub();
  const r = await submit(c, { service: '102', content: '村卫生室经常关门，看病不方便。' });
  let k = await caseOf(r.trackingCode);
  assert.equal(k.type, 'hotline');
  assert.equal(k.category, 'general');
  k = await act(staff, k, 'dispatch', { assigneeId: staff.me.id });
  let t = await track(c, r.trackingCode, r.phone.slice(-4));
  assert.deepEqual(t.body.status, { code: 'handling', name: '办理中' });
  assert.match(t.body.expectedAt, ISO);
  k = await act(staff, k, 'sign');
  k = await act(staff, k, 'reply', { fields: { reply_content: '已督促卫生室按时开诊，并公示值班电话。' } });
  t = await track(c, r.trackingCode, r.phone.slice(-4));
  assert.deepEqual(t.body.status, { code: 'answered', name: '已答复' });
  assert.equal(t.body.answer.text, '已督促卫生室按时开诊，并公示值班电话。');
  assert.equal(t.body.canRate, false);
});

test('portal-1.9 bad input: 400 with a stable code, Chinese message, and nothing created', async () => {
  const c = pub();
  const before = [caseCount(), publicCount()];
  const raw = await c.post('/api/v1/portal/requests', '{"service": "201",', {});
  expectError(raw, 400, 'bad_json');
  expectError(await c.post('/api/v1/portal/requests', body({ service: '999' })), 400, 'invalid_input', 'service');
  expectError(await c.post('/api/v1/portal/requests', body({ service: 201 })), 400, 'invalid_input', 'service');
  expectError(await c.post('/api/v1/portal/requests', body({ villageId: tree.township.id })), 400, 'invalid_input', 'villageId');
  expectError(await c.post('/api/v1/portal/requests', body({ villageId: 999999 })), 400, 'invalid_input', 'villageId');
  const groups = await leader.get(`/api/v1/areas?parent=${dengtaArea.id}`);
  if (groups.body.items.length) {
    expectError(await c.post('/api/v1/portal/requests', body({ villageId: groups.body.items[0].id })), 400, 'invalid_input', 'villageId');
  }
  expectError(await c.post('/api/v1/portal/requests', body({ content: '好'.repeat(2001) })), 400, 'invalid_input', 'content');
  expectError(await c.post('/api/v1/portal/requests', body({ content: '太短' })), 400, 'invalid_input', 'content');
  expectError(await c.post('/api/v1/portal/requests', body({ phone: '1380000abcd' })), 400, 'invalid_input', 'phone');
  expectError(await c.post('/api/v1/portal/requests', body({ phone: '138-0000-1234' })), 400, 'invalid_input', 'phone');
  expectError(await c.post('/api/v1/portal/requests', body({ phone: '1234' })), 400, 'invalid_input', 'phone');
  expectError(await c.post('/api/v1/portal/requests', body({ name: '' })), 400, 'invalid_input', 'name');
  expectError(await c.post('/api/v1/portal/requests', body({ name: '名'.repeat(33) })), 400, 'invalid_input', 'name');
  expectError(await c.post('/api/v1/portal/requests', body({ lat: 91, lon: 100 })), 400, 'invalid_input', 'lat');
  expectError(await c.post('/api/v1/portal/requests', body({ lat: 29.5 })), 400, 'invalid_input', 'lat');
  expectError(await c.post('/api/v1/portal/requests', body({ extra: 1 })), 400, 'unknown_field');
  const { phone, ...noPhone } = body();
  expectError(await c.post('/api/v1/portal/requests', noPhone), 400, 'invalid_input', 'phone');
  const ct = await c.req('POST', '/api/v1/portal/requests', JSON.stringify(body()), { 'content-type': 'text/plain' });
  expectError(ct, 415, 'unsupported_media_type');
  assert.deepEqual([caseCount(), publicCount()], before);
  // none of these counted against the address
  const hits = sql(srv.db, `SELECT COUNT(*) AS n FROM rate_limits WHERE key = 'submit:ip:${c.ip}'`);
  assert.equal(Number(hits[0].n), 0);
  await submit(c);
});

test('portal-1.10 confidential: staff who may not see it get no name or phone; the public no content', async () => {
  const c = pub();
  const r = await submit(c, { service: '102', confidential: true, name: '李四', content: '举报某村干部优亲厚友，低保评定不公。' });
  const k = await caseOf(r.trackingCode);
  assert.equal(k.requester.confidential, true);
  assert.equal(k.requester.name, null, 'staff (not assignee) sees no name');
  assert.equal(k.requester.phone, null, 'staff (not assignee) sees no phone');
  const asLeader = await leader.get(`/api/v1/cases/${k.id}`);
  assert.equal(asLeader.body.requester.name, null);
  const t = await track(c, r.trackingCode, r.phone.slice(-4));
  expectStatus(t, 200);
  assert.equal(t.body.confidential, true);
  assert.equal(t.body.content, '保密诉求');
  assert.deepEqual(t.body.requester, { name: '李*' });
  assert.ok(!t.text.includes('李四') && !t.text.includes(r.phone));
  // the assignee may see who it is, to handle it
  const k2 = await act(staff, k, 'dispatch', { assigneeId: staff.me.id });
  assert.equal(k2.requester.name, '李四');
});

test('portal-1.11 staff cases take an optional location and address', async () => {
  const r = await staff.post('/api/v1/cases', {
    type: 'grid_event', title: '河道漂浮物', content: '大淌村河道有大量漂浮物', areaId: datangArea.id,
    channel: 'grid', lat: 29.7, lon: 107.4, address: '大淌村三组河道',
  });
  expectStatus(r, 201);
  assert.deepEqual(r.body.location, { lat: 29.7, lon: 107.4 });
  assert.equal(r.body.address, '大淌村三组河道');
  const g = await staff.get(`/api/v1/cases/${r.body.id}`);
  assert.deepEqual(g.body.location, { lat: 29.7, lon: 107.4 });
  const none = await staff.post('/api/v1/cases', { type: 'grid_event', title: '无位置', content: '无位置的事件', areaId: datangArea.id });
  assert.equal(none.body.location, null);
  assert.equal(none.body.address, null);
  expectError(await staff.post('/api/v1/cases', { type: 'grid_event', title: 'x', content: 'x', areaId: datangArea.id, lat: 'north', lon: 1 }), 400, 'invalid_input', 'lat');
  expectError(await staff.post('/api/v1/cases', { type: 'grid_event', title: 'x', content: 'x', areaId: datangArea.id, lat: 100, lon: 1 }), 400, 'invalid_input', 'lat');
  expectError(await staff.post('/api/v1/cases', { type: 'grid_event', title: 'x', content: 'x', areaId: datangArea.id, lat: 1 }), 400, 'invalid_input', 'lon');
});

test('portal-1.12 a session cookie changes nothing: staff filing on the portal is still the public', async () => {
  const ip = newIp();
  const req = staff.req.bind(staff);
  const r = await req('POST', '/api/v1/portal/requests', body(), { 'x-real-ip': ip, 'x-csrf-token': '' });
  expectStatus(r, 201);
  const k = await caseOf(r.body.trackingCode);
  assert.equal(k.timeline[0].user.name, '公众');
  assert.equal(sql(srv.db, `SELECT created_by FROM cases WHERE id = ${k.id}`)[0].created_by, null);
});

test('portal-1.13 the service catalogue is checked against the case types: a bad one stops check defs and serve', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-svc-'));
  try {
    cpSync(path.join(ROOT, 'defs'), dir, { recursive: true });
    const file = path.join(dir, 'services.json');
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const ok = spawnSync(BIN, ['check', 'defs', '--defs', dir], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`服务目录有效：${good.services.length} 项公开服务`));
    const cases = [
      [(s) => { s.services[0].category = 'nonsense'; }, /services\[0\]：办件类型没有这个类别：nonsense/],
      [(s) => { s.services[1].caseType = 'nosuchtype'; }, /services\[1\]：没有这个办件类型：nosuchtype/],
      [(s) => { s.services[2].caseType = 'petition'; }, /信访件不在网上受理/],
      [(s) => { s.services[3].answerField = 'satisfaction'; }, /没有这个文本字段：satisfaction/],
      [(s) => { s.services[4].code = s.services[0].code; }, /code 重复/],
      [(s) => { s.services[0].colour = 'red'; }, /不认识的键：colour/],
    ];
    for (const [mutate, message] of cases) {
      const s = structuredClone(good);
      mutate(s);
      writeFileSync(file, JSON.stringify(s));
      const bad = spawnSync(BIN, ['check', 'defs', '--defs', dir], { encoding: 'utf8' });
      assert.equal(bad.status, 1, bad.stdout);
      assert.match(bad.stderr, message);
      assert.match(bad.stderr, /服务目录 services\.json/);
    }
    const serve = spawnSync(BIN, ['serve', '--db', srv.db, '--listen', '127.0.0.1:1', '--defs', dir], { encoding: 'utf8', timeout: 20000 });
    assert.notEqual(serve.status, 0);
    assert.match(serve.stderr, /服务目录 services\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('portal-1.14 photos with the request: images only, three at most, within the hour, with the code and digits', async () => {
  const c = pub();
  const r = await submit(c);
  const last4 = r.phone.slice(-4);
  const photo = (bytes, name, code = r.trackingCode, digits = last4) => c.req('POST', `/api/v1/portal/photos?name=${encodeURIComponent(name)}`, bytes,
    { 'content-type': 'image/jpeg', 'x-tracking-code': code, 'x-phone-last4': digits });
  const first = await photo(png(3, 3, 1), '现场1.png');
  expectStatus(first, 201);
  assert.equal(first.body.mime, 'image/png');
  // refused: a PDF, wrong digits (counted like a wrong lookup), no code, an empty name
  expectError(await photo(PDF, 'a.pdf'), 415, 'unsupported_media_type', 'file');
  expectError(await photo(png(1, 1, 2), 'x.png', r.trackingCode, '0000'), 404, 'not_found');
  expectError(await photo(png(1, 1, 2), 'x.png', null, last4), 404, 'not_found');
  expectError(await c.req('POST', '/api/v1/portal/photos', png(1, 1, 2), { 'x-tracking-code': r.trackingCode, 'x-phone-last4': last4 }), 400, 'invalid_input', 'name');
  expectStatus(await photo(png(3, 3, 2), '现场2.png'), 201);
  expectStatus(await photo(JPEG, '现场3.jpg'), 201);
  expectError(await photo(png(3, 3, 4), '现场4.png'), 400, 'invalid_input', 'file');
  // staff see the three photos on the case, filed by the public
  const k = await caseOf(r.trackingCode);
  const g = (await staff.get(`/api/v1/cases/${k.id}`)).body;
  assert.deepEqual(g.attachments.map((a) => [a.name, a.createdBy.id, a.createdBy.name]),
    [['现场1.png', 0, '公众'], ['现场2.png', 0, '公众'], ['现场3.jpg', 0, '公众']]);
  assert.equal(g.timeline.filter((e) => e.kind === 'attachment' && e.user.name === '公众').length, 3);
  // another request, an hour and more after submitting: too late
  const r2 = await submit(c);
  sqlExec(srv.db, `UPDATE public_requests SET created_at = created_at - 3700 WHERE tracking_code = '${r2.trackingCode}'`);
  const late = await photo(png(2, 2, 9), 'late.png', r2.trackingCode, r2.phone.slice(-4));
  expectError(late, 409, 'invalid_transition', 'file');
  assert.match(late.body.error.message, /60 分钟内/);
});

test('portal-2 the indicators\' counters of cases follow public filings and residents\' ratings: equal to a recount, and every counted indicator equal from either', () => {
  assertCountsExact(srv.db);
});
