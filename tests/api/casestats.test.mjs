// casestats.test.mjs - GET /api/v1/cases/stats: received, closed, on time,
// outcomes and their rates, overdue now and re-work, per type, for the
// caller's scope and a period; and the overdue filter of the case list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sqlExec, DENGTA_CODE, DATANG_CODE, assertCountsExact } from './lib.mjs';
import { PNG } from './samples.mjs';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';

// One row per shipped procedure (defs/case_types/*.json).
const NTYPES = readdirSync(path.join(ROOT, 'defs/case_types')).filter((f) => f.endsWith('.json')).length;

let srv, staff, leader, dengta, tree;
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const period = `from=${today}&to=${today}`;

async function register(c, type, village, title) {
  const r = await c.post('/api/v1/cases', { type, title, content: `${title}：情况说明`, areaId: tree.villages.get(village).id, channel: 'visit' });
  expectStatus(r, 201, `register ${type}:`);
  return r.body;
}

async function act(c, kase, action, body = {}) {
  const g = await c.get(`/api/v1/cases/${kase.id}`);
  const r = await c.post(`/api/v1/cases/${kase.id}/actions/${action}`, body, { 'if-match': g.headers.get('etag') });
  expectStatus(r, 200, `${action}:`);
  return r.body;
}

const stat = (r, type) => r.body.items.find((x) => x.type === type);

before(async () => {
  srv = await startServer();
  [staff, leader, dengta] = await Promise.all([login(srv.url, 'staff'), login(srv.url, 'leader'), login(srv.url, 'dengta')]);
  tree = await areaTree(leader);
  // 灯塔村: three disputes, one declined (rejected); 大淌村: one dispute, declined.
  const d1 = await register(staff, 'dispute', DENGTA_CODE, '灯塔村纠纷一');
  await register(staff, 'dispute', DENGTA_CODE, '灯塔村纠纷二');
  await register(staff, 'dispute', DENGTA_CODE, '灯塔村纠纷三');
  const d4 = await register(staff, 'dispute', DATANG_CODE, '大淌村纠纷一');
  await act(staff, d1, 'decline', { fields: { decline_reason: '当事人不同意调解' } });
  await act(staff, d4, 'decline', { fields: { decline_reason: '当事人不同意调解' } });
});
after(async () => { if (srv) await srv.stop(); });

test('casestats-1.1 counts per type for the township, zero rows for types without cases', async () => {
  const r = await leader.get(`/api/v1/cases/stats?${period}`);
  expectStatus(r, 200);
  assert.equal(r.body.from, today);
  assert.equal(r.body.to, today);
  const d = stat(r, 'dispute');
  assert.equal(d.typeName, '矛盾纠纷');
  assert.equal(d.received, 4);
  assert.equal(d.closed, 2);
  assert.equal(d.rejected, 2);
  assert.equal(d.resolved, 0);
  assert.equal(d.resolutionRate, 0);
  assert.equal(d.closedOnTime, 2);
  assert.equal(d.onTimeRate, 1);
  assert.equal(d.actions.decline, 2);
  const p = stat(r, 'petition');
  assert.deepEqual([p.received, p.closed, p.overdueNow, p.resolutionRate], [0, 0, 0, null]);
  assert.equal(r.body.items.length, NTYPES);
});

test('casestats-1.2 scope: a village cadre counts only their village; areaId narrows', async () => {
  const mine = stat(await dengta.get(`/api/v1/cases/stats?${period}`), 'dispute');
  assert.deepEqual([mine.received, mine.closed, mine.rejected], [3, 1, 1]);
  const datang = tree.villages.get(DATANG_CODE).id;
  expectError(await dengta.get(`/api/v1/cases/stats?${period}&areaId=${datang}`), 404, 'not_found');
  const one = stat(await leader.get(`/api/v1/cases/stats?${period}&areaId=${datang}`), 'dispute');
  assert.deepEqual([one.received, one.closed], [1, 1]);
});

test('casestats-1.3 a period before the cases counts nothing', async () => {
  const r = await leader.get('/api/v1/cases/stats?from=2025-01-01&to=2025-12-31');
  expectStatus(r, 200);
  assert.ok(r.body.items.every((x) => x.received === 0 && x.closed === 0));
});

test('casestats-1.4 overdue now: a running clock past its due time counts, and the list filter finds it', async () => {
  const k = await register(staff, 'petition', DENGTA_CODE, '灯塔村逾期信访');
  assert.equal(stat(await leader.get(`/api/v1/cases/stats?${period}`), 'petition').overdueNow, 0);
  // time passes: the accept clock's due time moves 20 days into the past
  sqlExec(srv.db, `UPDATE case_clocks SET due_at = due_at - 86400 * 20, warn_at = warn_at - 86400 * 20 WHERE case_id = ${k.id}`);
  assert.equal(stat(await leader.get(`/api/v1/cases/stats?${period}`), 'petition').overdueNow, 1);
  const list = await leader.get('/api/v1/cases?overdue=1&pageSize=50');
  assert.deepEqual(list.body.items.map((x) => x.id), [k.id]);
  const detail = await leader.get(`/api/v1/cases/${k.id}`);
  assert.equal(detail.body.clocks.find((x) => x.code === 'accept').status, 'red');
  // accepted late: closed cases with a late clock are not on time
  await act(staff, k, 'accept');
  const after = await leader.get(`/api/v1/cases/${k.id}`);
  assert.equal(after.body.clocks.find((x) => x.code === 'accept').status, 'late');
  assert.equal(stat(await leader.get(`/api/v1/cases/stats?${period}`), 'petition').overdueNow, 0);
});

test('casestats-1.5 bad periods are refused in Chinese', async () => {
  expectError(await leader.get('/api/v1/cases/stats'), 400, 'invalid_input', 'from');
  expectError(await leader.get('/api/v1/cases/stats?from=2026-02-30&to=2026-03-01'), 400, 'invalid_input', 'from');
  expectError(await leader.get('/api/v1/cases/stats?from=2026-03-02&to=2026-03-01'), 400, 'invalid_input', 'from');
});

test('casestats-1.6 a repeat merged into another case counts once: not received or closed, shown as merged', async () => {
  const before = stat(await leader.get(`/api/v1/cases/stats?${period}`), 'grid_event');
  const keep = await register(staff, 'grid_event', DENGTA_CODE, '灯塔村垃圾堆放');
  const dup = await register(staff, 'grid_event', DENGTA_CODE, '灯塔村垃圾堆放（重复）');
  const g = await staff.get(`/api/v1/cases/${dup.id}`);
  expectStatus(await staff.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, { 'if-match': g.headers.get('etag') }), 200);
  const after = stat(await leader.get(`/api/v1/cases/stats?${period}`), 'grid_event');
  assert.equal(after.received, before.received + 1, 'the repeat is not a second matter');
  assert.equal(after.closed, before.closed, 'merging is not closing');
  assert.equal(after.merged, before.merged + 1);
});

test('casestats-1.7 accepted, re-work and the residents\' satisfaction, as the definitions mark them', async () => {
  const before = await leader.get(`/api/v1/cases/stats?${period}`);
  const h0 = stat(before, 'hotline');
  const g0 = stat(before, 'grid_event');
  assert.equal(stat(before, 'dispute').satisfactionRate, null, 'a type without a satisfaction field has no rate');
  // three 12345 orders: signed (accepted), answered, visited with 满意, 基本满意, 不满意
  for (const rating of ['满意', '基本满意', '不满意']) {
    let h = await register(staff, 'hotline', DENGTA_CODE, `12345 路灯 ${rating}`);
    h = await act(staff, h, 'dispatch', { assigneeId: dengta.me.id });
    h = await act(dengta, h, 'sign');
    h = await act(dengta, h, 'reply', { fields: { reply_content: '已修复' } });
    await act(staff, h, 'visit', { fields: { visit_record: '电话回访', satisfaction: rating } });
  }
  // a grid event sent back for re-work once
  let g = await register(staff, 'grid_event', DENGTA_CODE, '灯塔村垃圾清运');
  g = await act(staff, g, 'file', { fields: { location: '三组' } });
  g = await act(staff, g, 'dispatch', { assigneeId: dengta.me.id });
  const photo = await staff.post(`/api/v1/cases/${g.id}/attachments?name=p.png`, PNG, { 'content-type': 'image/png' });
  expectStatus(photo, 201);
  g = await act(dengta, g, 'feedback', { fields: { handle_result: '已清运', result_photo: photo.body.id } });
  await act(staff, g, 'rework', { fields: { verify_note: '仍有垃圾' } });
  const after = await leader.get(`/api/v1/cases/stats?${period}`);
  const h1 = stat(after, 'hotline');
  assert.equal(h1.accepted - h0.accepted, 3, 'signing a 12345 order is accepting it');
  assert.equal(h1.rated - h0.rated, 3);
  assert.equal(h1.satisfied - h0.satisfied, 2, '满意 and 基本满意 count as satisfied');
  assert.equal(h1.satisfactionRate, Math.floor((h1.satisfied / h1.rated) * 10000) / 10000);
  const g1 = stat(after, 'grid_event');
  assert.equal(g1.accepted - g0.accepted, 1, '立案 is accepting a grid event');
  assert.equal(g1.rework - g0.rework, 1);
  // scope: the other village's counts do not include these
  const datangId = tree.villages.get(DATANG_CODE).id;
  const other = stat(await leader.get(`/api/v1/cases/stats?${period}&areaId=${datangId}`), 'hotline');
  assert.equal(other.rated, 0);
});

test('casestats-2 the indicators\' counters of cases follow merges, closings, re-work and satisfaction: equal to a recount, and every counted indicator equal from either', () => {
  assertCountsExact(srv.db);
});
