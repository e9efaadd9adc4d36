// Attachments, links, merging repeats and duplicate suggestions on cases
// (docs/api.md "Attachments" and "Links and repeats").  Files are real bytes
// (tests/api/samples.mjs) checked by libmagic on the server; the stored copy
// is checked on disk by its SHA-256.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, children, sql, DENGTA_CODE, DATANG_CODE } from './lib.mjs';
import { PNG, JPEG, PDF, HTML, TEXT, EXE, png } from './samples.mjs';

const sha = (b) => createHash('sha256').update(b).digest('hex');
let srv, staff, leader, dengta, datang, tree, dengtaArea, datangArea;

before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang] = await Promise.all(['staff', 'leader', 'dengta', 'datang'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
});
after(async () => { if (srv) await srv.stop(); });

let seq = 0;
async function newCase(c = staff, over = {}) {
  const r = await c.post('/api/v1/cases', {
    type: 'grid_event', title: `村道塌方${++seq}`, content: `灯塔村三组村道塌方约两米，影响通行，请尽快处理（${seq}）。`,
    areaId: dengtaArea.id, channel: 'grid', ...over,
  });
  expectStatus(r, 201, 'create');
  return r.body;
}
const upload = (c, id, bytes, name, type = 'application/octet-stream', h = {}) =>
  c.post(`/api/v1/cases/${id}/attachments?name=${encodeURIComponent(name)}`, bytes, { 'content-type': type, ...h });
const attachmentRows = (id) => sql(srv.db, `SELECT count(*) AS n FROM case_attachments WHERE case_id = ${id}`)[0].n;

test('att-1 a photo and a PDF are filed on the case: checksum, type from the bytes, on disk, on the timeline', async () => {
  const k = await newCase();
  const r1 = await upload(staff, k.id, PNG, '现场照片.png', 'image/png');
  expectStatus(r1, 201);
  assert.equal(r1.body.mime, 'image/png');
  assert.equal(r1.body.size, PNG.length);
  assert.equal(r1.body.sha256, sha(PNG));
  assert.equal(r1.body.name, '现场照片.png');
  assert.equal(r1.body.createdBy.id, staff.me.id);
  assert.equal(r1.headers.get('location'), `/api/v1/cases/${k.id}/attachments/${r1.body.id}`);
  // the client's declared type does not matter: a JPEG sent as octet-stream is a JPEG
  const r2 = await upload(staff, k.id, JPEG, 'IMG_0001.JPG');
  expectStatus(r2, 201);
  assert.equal(r2.body.mime, 'image/jpeg');
  const r3 = await upload(staff, k.id, PDF, '整改报告.pdf', 'application/pdf');
  expectStatus(r3, 201);
  assert.equal(r3.body.mime, 'application/pdf');
  // stored once under its hash
  assert.ok(existsSync(path.join(srv.files, sha(PNG).slice(0, 2), sha(PNG))), 'file on disk under its SHA-256');
  const g = (await staff.get(`/api/v1/cases/${k.id}`)).body;
  assert.deepEqual(g.attachments.map((a) => [a.name, a.mime, a.sha256]),
    [['现场照片.png', 'image/png', sha(PNG)], ['IMG_0001.JPG', 'image/jpeg', sha(JPEG)], ['整改报告.pdf', 'application/pdf', sha(PDF)]]);
  const ev = g.timeline.filter((e) => e.kind === 'attachment');
  assert.deepEqual(ev.map((e) => e.comment), ['现场照片.png', 'IMG_0001.JPG', '整改报告.pdf']);
  assert.equal(ev[0].data.attachmentId, r1.body.id);
  assert.equal(g.version, 1, 'filing a photo does not change the case version (no stale If-Match for others)');
  // audited
  const au = sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'attach' AND entity = 'case' AND entity_id = '${k.id}'`)[0].n;
  assert.equal(au, 3);
});

test('att-2 download: the same bytes, the detected type, safe headers, a UTF-8 file name', async () => {
  const k = await newCase();
  const up = (await upload(staff, k.id, PNG, '现场 照片.png')).body;
  const d = await staff.bytes(up.url);
  assert.equal(d.status, 200);
  assert.ok(d.bytes.equals(Buffer.from(PNG)), 'same bytes');
  assert.equal(d.headers.get('content-type'), 'image/png');
  assert.equal(d.headers.get('etag'), `"${sha(PNG)}"`);
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.match(d.headers.get('content-security-policy'), /sandbox/);
  assert.match(d.headers.get('content-disposition'), /^inline; filename="file"; filename\*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87\.png$/);
  const dl = await staff.bytes(`${up.url}?download=1`);
  assert.match(dl.headers.get('content-disposition'), /^attachment;/);
  const pdf = (await upload(staff, k.id, PDF, 'a.pdf')).body;
  assert.match((await staff.bytes(pdf.url)).headers.get('content-disposition'), /^attachment;/, 'PDFs always download');
});

test('att-3 refused types, empty and oversized files: clear Chinese errors, nothing filed, server keeps serving', async () => {
  const k = await newCase();
  for (const [bytes, name] of [[HTML, 'photo.jpg'], [TEXT, 'note.png'], [EXE, 'setup.pdf']]) {
    const r = await upload(staff, k.id, bytes, name, 'image/jpeg');
    expectError(r, 415, 'unsupported_media_type', 'file');
    assert.match(r.body.error.message, /JPEG、PNG、WebP 图片或 PDF/);
  }
  expectError(await upload(staff, k.id, new Uint8Array(0), 'empty.png'), 400, 'invalid_input', 'file');
  expectError(await staff.post(`/api/v1/cases/${k.id}/attachments`, PNG, { 'content-type': 'image/png' }), 400, 'invalid_input', 'name');
  const big = new Uint8Array(10 * 1024 * 1024 + 1);
  big.set(PNG);
  const r = await upload(staff, k.id, big, 'big.png');
  expectError(r, 413, 'body_too_large');
  assert.match(r.body.error.message, /10 MB/);
  assert.equal(attachmentRows(k.id), 0);
  // a JSON endpoint keeps its 1 MB cap
  const j = await staff.post('/api/v1/cases', { type: 'grid_event', title: 'x', content: 'y'.repeat(2 * 1024 * 1024), areaId: dengtaArea.id });
  expectError(j, 413, 'body_too_large');
  // exactly 10 MB is accepted
  const max = png(1, 1, 7);
  const ten = new Uint8Array(10 * 1024 * 1024);
  ten.set(max);
  expectStatus(await upload(staff, k.id, ten, 'ten.png'), 201);
  expectStatus(await staff.get('/healthz'), 200);
});

test('att-4 file names: no path, no control characters, kept to 200 bytes', async () => {
  const k = await newCase();
  const r = await upload(staff, k.id, png(1, 1, 1), '../../etc/\u0001passwd.png');
  expectStatus(r, 201);
  assert.equal(r.body.name, '_passwd.png');
  const long = `${'很长的文件名'.repeat(30)}.png`;
  const r2 = await upload(staff, k.id, png(1, 1, 2), long);
  assert.ok(Buffer.byteLength(r2.body.name) <= 200);
  assert.ok(long.startsWith(r2.body.name), 'cut at a whole character');
});

test('att-5 scope: another village cannot file on or read the case; CSRF and permissions hold', async () => {
  const k = await newCase(dengta);
  const up = (await upload(dengta, k.id, PNG, 'a.png')).body;
  expectError(await upload(datang, k.id, PNG, 'b.png'), 404, 'not_found');
  expectError(await datang.get(up.url), 404, 'not_found');
  expectError(await leader.get(`/api/v1/cases/${k.id}/attachments/999999`), 404, 'not_found');
  // an attachment id of another case is not found through this case
  const other = await newCase();
  expectError(await staff.get(`/api/v1/cases/${other.id}/attachments/${up.id}`), 404, 'not_found');
  const noCsrf = await dengta.post(`/api/v1/cases/${k.id}/attachments?name=c.png`, PNG, { 'content-type': 'image/png', 'x-csrf-token': 'wrong' });
  expectError(noCsrf, 403, 'csrf_failed');
  const assist = await login(srv.url, 'assist');
  expectError(await upload(assist, k.id, PNG, 'd.png'), 403, 'forbidden');
  assert.equal(attachmentRows(k.id), 1);
});

test('att-6 a retried upload with the same Idempotency-Key files one attachment', async () => {
  const k = await newCase();
  const h = { 'idempotency-key': `att-6-${Date.now()}` };
  const a = await upload(staff, k.id, PNG, 'a.png', 'image/png', h);
  const b = await upload(staff, k.id, PNG, 'a.png', 'image/png', h);
  expectStatus(a, 201);
  expectStatus(b, 201);
  assert.equal(a.body.id, b.body.id);
  assert.equal(attachmentRows(k.id), 1);
});

test('att-7 a file damaged on disk is reported, not served', async () => {
  const k = await newCase();
  const bytes = png(3, 3, 99);
  const up = (await upload(staff, k.id, bytes, 'x.png')).body;
  const f = path.join(srv.files, up.sha256.slice(0, 2), up.sha256);
  writeFileSync(f, Buffer.concat([Buffer.from(bytes.slice(0, 20)), Buffer.alloc(bytes.length - 20)]));
  const d = await staff.get(up.url);
  expectError(d, 500, 'io_error');
  assert.match(d.body.error.message, /校验和不符/);
});

test('att-8 file fields name an attachment of the same case', async () => {
  const k = await newCase();
  const other = await newCase();
  const mine = (await upload(staff, k.id, png(1, 1, 3), 'mine.png')).body;
  const theirs = (await upload(staff, other.id, png(1, 1, 4), 'theirs.png')).body;
  // grid_event: walk to the step that requires result_photo
  const def = (await staff.get('/api/v1/case-types')).body.items.find((t) => t.code === 'grid_event');
  assert.equal(def.fields.find((f) => f.code === 'result_photo').type, 'file');
  // at creation a file field cannot be given yet
  const c = await staff.post('/api/v1/cases', { type: 'grid_event', title: '带照片', content: '内容', areaId: dengtaArea.id, fields: { result_photo: mine.id } });
  expectError(c, 400, 'invalid_input', 'result_photo');
  // 立案 (location), 派遣 (assignee), then 处置反馈 requires handle_result and result_photo
  let g = (await staff.get(`/api/v1/cases/${k.id}`)).body;
  let r = await staff.post(`/api/v1/cases/${k.id}/actions/file`, { fields: { location: '三组村道' } }, { 'if-match': `"v${g.version}"` });
  expectStatus(r, 200, 'file');
  r = await staff.post(`/api/v1/cases/${k.id}/actions/dispatch`, { assigneeId: staff.me.id }, { 'if-match': `"v${r.body.version}"` });
  expectStatus(r, 200, 'dispatch');
  g = r.body;
  const body = (photo) => ({ fields: { handle_result: '已清理塌方', result_photo: photo } });
  for (const bad of ['photo.jpg', theirs.id, 999999]) {
    const x = await staff.post(`/api/v1/cases/${k.id}/actions/feedback`, body(bad), { 'if-match': `"v${g.version}"` });
    expectError(x, 400, 'invalid_input', 'result_photo');
  }
  const ok = await staff.post(`/api/v1/cases/${k.id}/actions/feedback`, body(mine.id), { 'if-match': `"v${g.version}"` });
  expectStatus(ok, 200);
  assert.equal(ok.body.fields.result_photo, mine.id);
});

// ---- links and repeats

test('link-1 related cases: both timelines say so, each detail lists the other', async () => {
  const a = await newCase();
  const b = await newCase();
  const r = await staff.post(`/api/v1/cases/${a.id}/links`, { caseId: b.id });
  expectStatus(r, 201);
  const ga = (await staff.get(`/api/v1/cases/${a.id}`)).body;
  const gb = (await staff.get(`/api/v1/cases/${b.id}`)).body;
  assert.deepEqual(ga.links.map((l) => [l.caseId, l.kind, l.serial]), [[b.id, 'related', b.serial]]);
  assert.deepEqual(gb.links.map((l) => [l.caseId, l.kind, l.serial]), [[a.id, 'related', a.serial]]);
  assert.equal(ga.timeline.at(-1).kind, 'link');
  assert.equal(ga.timeline.at(-1).data.serial, b.serial);
  // twice, either way: 409; itself: 400; out of scope: 400; nothing added
  expectError(await staff.post(`/api/v1/cases/${b.id}/links`, { caseId: a.id }), 409, 'conflict');
  expectError(await staff.post(`/api/v1/cases/${a.id}/links`, { caseId: a.id }), 400, 'invalid_input', 'caseId');
  const theirs = await newCase(staff, { areaId: datangArea.id });
  const mine = await newCase(dengta);
  expectError(await dengta.post(`/api/v1/cases/${mine.id}/links`, { caseId: theirs.id }), 400, 'invalid_input', 'caseId');
  expectError(await staff.post(`/api/v1/cases/${a.id}/links`, { caseId: 'x' }), 400, 'invalid_input', 'caseId');
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM case_links WHERE case_id IN (${a.id}, ${b.id}, ${mine.id}) OR other_id IN (${a.id}, ${b.id}, ${mine.id})`)[0].n, 1);
  // a village cadre sees a link to a case outside the village by serial only
  await staff.post(`/api/v1/cases/${mine.id}/links`, { caseId: theirs.id });
  const seen = (await dengta.get(`/api/v1/cases/${mine.id}`)).body.links[0];
  assert.deepEqual([seen.serial, seen.visible, seen.title, seen.state], [theirs.serial, false, null, null]);
});

test('link-2 merging a repeat: closed as 已合并 with clocks stopped, both timelines kept on the survivor', async () => {
  const keep = await newCase();
  const dup = await newCase();
  // an action on the repeat first, so its timeline has something of its own
  const g0 = (await staff.get(`/api/v1/cases/${dup.id}`)).body;
  const r = await staff.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, { 'if-match': `"v${g0.version}"` });
  expectStatus(r, 200);
  assert.deepEqual(r.body.state, { code: 'merged', name: '已合并', final: false });
  assert.equal(r.body.outcome, 'merged');
  assert.ok(r.body.closedAt);
  assert.ok(r.body.clocks.every((x) => ['done', 'late'].includes(x.status)), JSON.stringify(r.body.clocks));
  assert.deepEqual(r.body.actions, [], 'nothing more to do on a merged repeat');
  assert.deepEqual(r.body.links.map((l) => [l.caseId, l.kind]), [[keep.id, 'merged_into']]);
  const g = (await staff.get(`/api/v1/cases/${keep.id}`)).body;
  assert.deepEqual(g.links.map((l) => [l.caseId, l.kind]), [[dup.id, 'merged_from']]);
  const fromDup = g.timeline.filter((e) => e.fromCase);
  assert.ok(fromDup.length >= 2, 'the repeat\'s events are in the survivor\'s timeline');
  assert.ok(fromDup.every((e) => e.fromCase.id === dup.id && e.fromCase.serial === dup.serial));
  assert.ok(fromDup.some((e) => e.kind === 'create'));
  assert.ok(g.timeline.some((e) => e.kind === 'merged' && e.data.serial === dup.serial));
  for (let i = 1; i < g.timeline.length; i++) assert.ok(g.timeline[i].at >= g.timeline[i - 1].at, 'in time order');
  // refused: stale version, merging again, merging into a closed case, acting on the repeat
  expectError(await staff.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, { 'if-match': `"v${r.body.version}"` }), 409, 'invalid_transition');
  const x = await newCase();
  expectError(await staff.post(`/api/v1/cases/${x.id}/merge`, { intoId: keep.id }, { 'if-match': '"v9"' }), 412, 'stale_version');
  expectError(await staff.post(`/api/v1/cases/${x.id}/merge`, { intoId: dup.id }, { 'if-match': '"v1"' }), 409, 'invalid_transition');
  expectError(await staff.post(`/api/v1/cases/${x.id}/merge`, { intoId: keep.id }), 428, 'precondition_required');
  expectError(await staff.post(`/api/v1/cases/${x.id}/merge`, { intoId: x.id }, { 'if-match': '"v1"' }), 400, 'invalid_input', 'caseId');
  expectError(await staff.post(`/api/v1/cases/${x.id}/merge`, { intoId: 'x' }, { 'if-match': '"v1"' }), 400, 'invalid_input', 'intoId');
  const act = await staff.post(`/api/v1/cases/${dup.id}/actions/file`, { comment: '立案' }, { 'if-match': `"v${r.body.version}"` });
  expectError(act, 409, 'invalid_transition');
  assert.match(act.body.error.message, /已合并/);
  expectError(await upload(staff, dup.id, PNG, 'late.png'), 409, 'invalid_transition');
});

test('link-3 duplicate suggestions: similar open cases of the same village, best first', async () => {
  const base = await newCase(staff, { title: '灯塔村五组路灯不亮', content: '灯塔村五组村口的三盏路灯已经坏了一个多月，晚上村民出行很不方便，请求维修。' });
  await newCase(staff, { title: '灯塔村自来水停水', content: '灯塔村二组连续三天停水，群众生活用水困难。' });
  const elsewhere = await newCase(staff, { areaId: datangArea.id, title: '大淌村五组路灯不亮', content: '灯塔村五组村口的三盏路灯已经坏了一个多月，晚上村民出行很不方便，请求维修。' });
  const text = '村口路灯坏了一个多月，晚上出行不方便，希望尽快维修路灯';
  const r = await staff.get(`/api/v1/cases/similar?areaId=${dengtaArea.id}&text=${encodeURIComponent(text)}`);
  expectStatus(r, 200);
  assert.ok(r.body.items.length >= 1, JSON.stringify(r.body));
  assert.equal(r.body.items[0].id, base.id);
  assert.ok(r.body.items[0].score >= 0.25 && r.body.items[0].score <= 1);
  assert.ok(!r.body.items.some((x) => x.id === elsewhere.id), 'another village is not suggested');
  assert.ok(!r.body.items.some((x) => /停水/.test(x.title)), 'an unrelated case is not suggested');
  // the case itself can be excluded; a closed (merged) case is not suggested
  const ex = await staff.get(`/api/v1/cases/similar?areaId=${dengtaArea.id}&exclude=${base.id}&text=${encodeURIComponent(text)}`);
  assert.ok(!ex.body.items.some((x) => x.id === base.id));
  // a grid below the village finds the village's cases too
  const below = await children(leader, dengtaArea.id);
  assert.ok(below.length > 0, 'the demo village has groups or grids');
  const rg = await staff.get(`/api/v1/cases/similar?areaId=${below[0].id}&text=${encodeURIComponent(text)}`);
  expectStatus(rg, 200);
  assert.equal(rg.body.items[0]?.id, base.id);
  assert.ok(!rg.body.items.some((x) => x.id === elsewhere.id));
  // scope: the other village's cadre cannot look into this village
  expectError(await datang.get(`/api/v1/cases/similar?areaId=${dengtaArea.id}&text=x`), 403, 'forbidden', 'areaId');
  expectError(await staff.get(`/api/v1/cases/similar?areaId=${dengtaArea.id}`), 400, 'invalid_input', 'text');
  expectError(await staff.get('/api/v1/cases/similar?text=x'), 400, 'invalid_input', 'areaId');
});
