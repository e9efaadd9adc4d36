// Documents (文书): the contract of docs/api.md "Case documents" and of
// docs/case-types.md "Documents".  A petition accepted produces its 受理告知书 on
// the timeline, stored as printable HTML and served as PDF; staff issue
// documents on demand (idempotent); bad input, scope and confidential
// requesters are refused and change nothing; `check defs` and `serve` refuse
// broken templates.  Expectations come from the definition files, the calendar
// and independent computations (SHA-256, pdftotext), never from the server's
// own answers alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, ROOT, BIN } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, DENGTA_CODE, DATANG_CODE } from './lib.mjs';
import { localDate } from './cal2026.mjs';

const PETITION = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/petition.json'), 'utf8'));
const docName = (code) => PETITION.documents.find((d) => d.code === code).name;
const SERIAL = /^羊市信〔\d{4}〕\d+号$/;
// 2026-11-23 -> 2026年11月23日
const chineseDate = (ymd) => { const [y, m, d] = ymd.split('-').map(Number); return `${y}年${m}月${d}日`; };
// The RFC 5987 filename* of a Content-Disposition header, decoded.
const filenameStar = (h) => { const m = /filename\*=UTF-8''([^;]+)/.exec(h || ''); return m ? decodeURIComponent(m[1]) : null; };

let srv, staff, leader, dengta, datang, assist, auditor, dengtaArea, datangArea;

before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, assist, auditor] = await Promise.all(
    ['staff', 'leader', 'dengta', 'datang', 'assist', 'auditor'].map((u) => login(srv.url, u)));
  const tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
});

after(async () => { if (srv) await srv.stop(); });

let seq = 0;
async function newPetition(c, over = {}) {
  const r = await c.post('/api/v1/cases', {
    type: 'petition', title: `村道硬化信访${++seq}`, content: '反映组道硬化工程拖延，请求尽快完工。',
    areaId: dengtaArea.id, channel: 'visit', requester: { name: '赵大爷', phone: '13900001234' }, ...over,
  });
  expectStatus(r, 201, 'create petition:');
  return r.body;
}

async function act(c, k, code, body = {}) {
  const r = await c.post(`/api/v1/cases/${k.id}/actions/${code}`, body, { 'if-match': `"v${k.version}"` });
  expectStatus(r, 200, `${code}:`);
  return r.body;
}

const list = async (c, id) => {
  const r = await c.get(`/api/v1/cases/${id}/documents`);
  expectStatus(r, 200, `GET documents of ${id}:`);
  return r.body;
};

// Raw bytes of a GET (the PDF).
async function getBytes(c, p) {
  const r = await fetch(srv.url + p, { headers: { cookie: c.cookie } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

function pdfText(bytes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-pdf-'));
  try {
    const f = path.join(dir, 'x.pdf');
    writeFileSync(f, bytes);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ============================================================================
// documents-1.x  a petition accepted: 受理告知书 on the timeline, HTML and PDF
// ============================================================================

let P; // the petition of 1.x, accepted by staff
let acceptDoc;

test('documents-1.1 accepting a petition files 受理告知书 on its timeline, in the same request', async () => {
  P = await newPetition(staff);
  assert.match(P.serial, SERIAL);
  assert.deepEqual((await list(staff, P.id)).items, [], 'no document before the acceptance');
  const accept = PETITION.transitions.find((t) => t.code === 'accept');
  assert.equal(accept.document, 'acceptance_notice');
  P = await act(staff, P, 'accept', { comment: '予以受理' });
  const n = P.timeline.length;
  assert.deepEqual(P.timeline.slice(-2).map((e) => [e.kind, e.action]), [['action', 'accept'], ['document', null]]);
  const ev = P.timeline[n - 1];
  assert.equal(ev.comment, `生成《${docName('acceptance_notice')}》`);
  assert.equal(ev.comment, '生成《受理告知书》');
  assert.deepEqual(ev.user, { id: staff.me.id, name: staff.me.name });
  assert.equal(ev.data.code, 'acceptance_notice');
  assert.equal(ev.data.action, 'accept');
  assert.equal(P.version, 2, 'issuing a document is not an edit of the case');

  const l = await list(staff, P.id);
  assert.equal(l.items.length, 1);
  acceptDoc = l.items[0];
  assert.equal(acceptDoc.id, ev.data.documentId);
  assert.equal(acceptDoc.code, 'acceptance_notice');
  assert.equal(acceptDoc.name, '受理告知书');
  assert.equal(acceptDoc.confidential, false);
  assert.equal(acceptDoc.readable, true);
  assert.deepEqual(acceptDoc.createdBy, { id: staff.me.id, name: staff.me.name });
  assert.equal(acceptDoc.html, `/api/v1/cases/${P.id}/documents/${acceptDoc.id}`);
  assert.equal(acceptDoc.pdf, `${acceptDoc.html}/pdf`);
  assert.deepEqual(l.declared.map((d) => [d.code, d.name]), PETITION.documents.map((d) => [d.code, d.name]));
});

test('documents-1.2 the stored HTML: title, serial, requester, township, handling deadline; SHA-256 as listed', async () => {
  const r = await staff.get(acceptDoc.html);
  expectStatus(r, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('content-disposition'), /^inline;/);
  assert.equal(filenameStar(r.headers.get('content-disposition')), `受理告知书-${P.serial}.html`);
  assert.equal(createHash('sha256').update(r.text, 'utf8').digest('hex'), acceptDoc.sha256);
  const html = r.text;
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /@page\{size:A4/);
  assert.ok(html.includes('<h1>信访事项受理告知书</h1>'), 'the title');
  assert.ok(html.includes(`<p class="serial">${P.serial}</p>`), 'the serial');
  assert.ok(html.includes('<p class="noindent">赵大爷：</p>'), 'addressed to the requester');
  assert.ok(html.includes('羊市镇人民政府'), 'issued by the township');
  assert.ok(html.includes('《信访工作条例》'));
  const handle = P.clocks.find((k) => k.code === 'handle');
  assert.ok(html.includes(`办理期限至${chineseDate(localDate(handle.dueAt))}`), `deadline ${handle.dueAt} in the notice`);
  assert.ok(html.includes(chineseDate(localDate(acceptDoc.createdAt))), 'issue date');
  assert.ok(!html.includes('________'), 'every value of the acceptance notice is known');
});

test('documents-1.3 the PDF: %PDF, A4, its text (pdftotext) has the Chinese title and the serial', async () => {
  const r = await getBytes(staff, acceptDoc.pdf);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="document-\d+\.pdf"/);
  assert.equal(filenameStar(r.headers.get('content-disposition')), `受理告知书-${P.serial}.pdf`);
  assert.equal(r.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(r.bytes.includes(Buffer.from('/MediaBox [ 0 0 595')), 'A4 page');
  const text = pdfText(r.bytes).replace(/\s+/g, '');
  assert.ok(text.includes('信访事项受理告知书'), `title in ${text.slice(0, 200)}`);
  assert.ok(text.includes(P.serial), `serial ${P.serial} in ${text.slice(0, 200)}`);
  assert.ok(text.includes('赵大爷'));
  assert.ok(text.includes('—1—'), 'page number');
});

test('documents-1.4 an extension files 延期告知书 with the reason and the new deadline', async () => {
  const k = await act(leader, P, 'extend_handle', { fields: { extension_reason: '涉及多部门协调' } });
  P = k;
  const e = k.timeline.at(-1);
  assert.equal(e.kind, 'document');
  assert.equal(e.comment, '生成《延期告知书》');
  const l = await list(leader, k.id);
  const d = l.items.at(-1);
  assert.equal(d.code, 'extension_notice');
  const html = (await leader.get(d.html)).text;
  const handle = k.clocks.find((x) => x.code === 'handle');
  assert.equal(handle.extensions, 1);
  assert.ok(html.includes('因涉及多部门协调，不能在规定期限内办结'), 'the reason');
  assert.ok(html.includes(`延长后的期限至${chineseDate(localDate(handle.dueAt))}`), `new deadline ${handle.dueAt}`);
});

test('documents-1.5 values are escaped: a title with <script> and quotes stays text', async () => {
  let k = await newPetition(staff, { title: '<script>alert("x")</script>\'村道\'', requester: { name: '钱"五"<b>' } });
  k = await act(staff, k, 'accept');
  const d = (await list(staff, k.id)).items[0];
  const html = (await staff.get(d.html)).text;
  assert.ok(!html.includes('<script'), 'no script element');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;村道&#39;'), 'title escaped');
  assert.ok(html.includes('钱&quot;五&quot;&lt;b&gt;：'), 'requester escaped');
  const text = pdfText((await getBytes(staff, d.pdf)).bytes);
  assert.ok(text.includes('<script>alert("x")</script>'), 'the PDF shows the title as text');
});

// ============================================================================
// documents-2.x  on demand, idempotency, bad input, permissions
// ============================================================================

test('documents-2.1 staff issues 处理意见书 on demand: 201, Location, timeline entry, audit row', async () => {
  const before = await staff.get(`/api/v1/cases/${P.id}`);
  const r = await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'opinion', comment: '按现有材料先行出具' });
  expectStatus(r, 201);
  assert.equal(r.headers.get('location'), `/api/v1/cases/${P.id}/documents/${r.body.id}`);
  assert.equal(r.body.code, 'opinion');
  assert.equal(r.body.name, '处理意见书');
  const after = (await staff.get(`/api/v1/cases/${P.id}`)).body;
  assert.equal(after.version, before.body.version, 'the case version is unchanged');
  assert.equal(after.timeline.length, before.body.timeline.length + 1);
  const e = after.timeline.at(-1);
  assert.deepEqual([e.kind, e.action, e.comment, e.data.documentId, e.data.action], ['document', null, '生成《处理意见书》', r.body.id, undefined]);
  const html = (await staff.get(r.body.html)).text;
  assert.ok(html.includes('<h1>信访事项处理意见书</h1>'));
  assert.ok(html.includes('按现有材料先行出具'), 'the comment');
  assert.ok(html.includes('30日内'), 'the review right');
  assert.ok(html.includes('________'), 'fields not yet filled are blanks to fill by hand');
  const audit = await auditor.get(`/api/v1/audit?entity=case_document&entityId=${r.body.id}`);
  expectStatus(audit, 200);
  assert.equal(audit.body.items.length, 1);
  assert.equal(audit.body.items[0].action, 'create');
  assert.equal(audit.body.items[0].after.caseId, P.id);
  assert.equal(audit.body.items[0].after.sha256, r.body.sha256);
});

test('documents-2.2 Idempotency-Key: a retried POST creates nothing new', async () => {
  const n = (await list(staff, P.id)).items.length;
  const h = { 'idempotency-key': `doc-${Date.now()}` };
  const a = await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'transfer_notice' }, h);
  expectStatus(a, 201);
  const b = await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'transfer_notice' }, h);
  expectStatus(b, 201);
  assert.equal(b.headers.get('idempotent-replay'), 'true');
  assert.deepEqual(b.body, a.body);
  assert.equal((await list(staff, P.id)).items.length, n + 1);
  const c = await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'opinion' }, h);
  expectError(c, 422, 'idempotency_mismatch');
});

test('documents-2.3 bad input: 400 with a stable code, nothing created', async () => {
  const before = await staff.get(`/api/v1/cases/${P.id}`);
  const n = (await list(staff, P.id)).items.length;
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'no_such_notice' }), 400, 'invalid_input', 'code');
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'agreement' }), 400, 'invalid_input', 'code');
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, {}), 400, 'invalid_input', 'code');
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 7 }), 400, 'invalid_input', 'code');
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, { code: 'opinion', x: 1 }), 400, 'unknown_field');
  expectError(await staff.post(`/api/v1/cases/${P.id}/documents`, '{"code":'), 400, 'bad_json');
  expectError(await staff.post('/api/v1/cases/999999/documents', { code: 'opinion' }), 404, 'not_found');
  assert.equal((await list(staff, P.id)).items.length, n, 'nothing created');
  const after = await staff.get(`/api/v1/cases/${P.id}`);
  assert.deepEqual(after.body, before.body, 'the case and its timeline are unchanged');
  // documents that do not exist or belong to another case
  const other = await newPetition(staff);
  expectError(await staff.get(`/api/v1/cases/${other.id}/documents/${acceptDoc.id}`), 404, 'not_found');
  expectError(await staff.get(`/api/v1/cases/${other.id}/documents/${acceptDoc.id}/pdf`), 404, 'not_found');
  expectError(await staff.get(`/api/v1/cases/${P.id}/documents/999999`), 404, 'not_found');
  expectError(await staff.get(`/api/v1/cases/${P.id}/documents/abc`), 404, 'not_found');
});

test('documents-2.4 permissions: no case.write cannot issue, no case.read cannot list', async () => {
  expectError(await assist.post(`/api/v1/cases/${P.id}/documents`, { code: 'opinion' }), 403, 'forbidden');
  expectError(await auditor.get(`/api/v1/cases/${P.id}/documents`), 403, 'forbidden');
  expectError(await auditor.get(acceptDoc.html), 403, 'forbidden');
});

// ============================================================================
// documents-3.x  scope and confidential requesters
// ============================================================================

test('documents-3.1 another village\'s cadre gets 404 for every document endpoint of the case', async () => {
  let k = await newPetition(staff, { areaId: datangArea.id, title: '大淌村信访' });
  k = await act(staff, k, 'accept');
  const d = (await list(datang, k.id)).items[0];
  assert.equal(d.code, 'acceptance_notice');
  expectStatus(await datang.get(d.html), 200, 'the 大淌村 cadre reads it:');
  for (const r of [
    await dengta.get(`/api/v1/cases/${k.id}/documents`),
    await dengta.get(d.html),
    await dengta.get(d.pdf),
    await dengta.post(`/api/v1/cases/${k.id}/documents`, { code: 'opinion' }),
  ]) expectError(r, 404, 'not_found');
  assert.equal((await list(datang, k.id)).items.length, 1, 'nothing created by the refused POST');
});

test('documents-3.2 a document naming a confidential requester: 403 for those who may not see the requester', async () => {
  let k = await newPetition(staff, { requester: { name: '孙保密', phone: '13700001111', confidential: true } });
  k = await act(staff, k, 'accept');
  const l = await list(leader, k.id);
  const d = l.items[0];
  assert.equal(d.confidential, true);
  assert.equal(d.readable, false, 'the leader registered it not, nor is assigned');
  for (const r of [await leader.get(d.html), await leader.get(d.pdf)]) {
    expectError(r, 403, 'forbidden');
    assert.match(r.body.error.message, /保密/);
    assert.ok(!r.text.includes('孙保密'));
  }
  const n = l.items.length;
  expectError(await leader.post(`/api/v1/cases/${k.id}/documents`, { code: 'acceptance_notice' }), 403, 'forbidden');
  assert.equal((await list(staff, k.id)).items.length, n, 'nothing created');
  // the registering officer may
  const mine = (await list(staff, k.id)).items[0];
  assert.equal(mine.readable, true);
  const html = await staff.get(d.html);
  expectStatus(html, 200);
  assert.ok(html.text.includes('孙保密：'));
  // the 灯塔村 cadre sees the case (in scope) but is neither registrar nor assignee
  expectError(await dengta.get(d.html), 403, 'forbidden');
  assert.equal((await list(dengta, k.id)).items[0].readable, false);
});

// ============================================================================
// documents-4.x  templates are checked at start
// ============================================================================

function withDefs(mutate, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-defs-'));
  try {
    cpSync(path.join(ROOT, 'defs'), dir, { recursive: true });
    mutate(dir);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const check = (dir) => spawnSync(BIN, ['check', 'defs', '--defs', dir], { cwd: ROOT, encoding: 'utf8' });

test('documents-4.1 check defs passes the shipped templates and names a broken one', () => {
  const ok = spawnSync(BIN, ['check', 'defs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const total = readdirSync(path.join(ROOT, 'defs/case_types')).filter((f) => f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types', f), 'utf8')).documents || []).length)
    .reduce((a, b) => a + b, 0);
  assert.match(ok.stdout, new RegExp(`${total} 个文书模板有效`));

  const cases = [
    ['missing template', (d) => unlinkSync(path.join(d, 'documents/petition/opinion.html')), /缺少文书模板 petition\/opinion\.html/],
    ['unknown placeholder', (d) => writeFileSync(path.join(d, 'documents/hazard/rectification_notice.html'),
      '<article><h1>t</h1><p>{{phone}}</p></article>'), /文书模板 hazard\/rectification_notice\.html 第 1 行：未知的占位符 \{\{phone\}\}/],
    ['unknown field', (d) => writeFileSync(path.join(d, 'documents/dispute/agreement.html'),
      '<article><h1>t</h1>\n<p>{{field:id_number}}</p></article>'), /dispute\/agreement\.html 第 2 行：办件类型“dispute”没有字段“id_number”/],
    ['disallowed element', (d) => writeFileSync(path.join(d, 'documents/supervision/supervision_notice.html'),
      '<article><h1>t</h1><iframe src="x"/></article>'), /supervision\/supervision_notice\.html 第 1 行：不允许的元素 <iframe>/],
  ];
  for (const [what, mutate, want] of cases) {
    withDefs(mutate, (dir) => {
      const r = check(dir);
      assert.notEqual(r.status, 0, `${what}: check defs must fail`);
      assert.match(r.stderr + r.stdout, want, `${what}: ${r.stderr}`);
    });
  }
});

test('documents-4.2 serve refuses to start with a broken template', () => {
  withDefs((d) => writeFileSync(path.join(d, 'documents/petition/acceptance_notice.html'), '<article><h1>t</h1>'), (dir) => {
    const r = spawnSync(BIN, ['serve', '--db', srv.db, '--listen', '127.0.0.1:1', '--defs', dir],
      { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /文书模板 petition\/acceptance_notice\.html 第 \d+ 行不是规范的 XHTML/);
  });
});
