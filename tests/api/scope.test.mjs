// The scope matrix: every endpoint that reads or writes area data, called by a
// village cadre for another village, must be refused (reads 404, writes 403 or
// 404) and must never show the other village's data; for their own village it
// works where their permissions allow.  A new endpoint is one more row in ROWS.
import { test, before, after } from 'node:test';
import { png } from './samples.mjs';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { readXlsx } from '../lib/xlsx_read.mjs';
import { idnum } from '../lib/idnum.mjs';
import {
  login, expectError, expectStatus, areaTree, children, roleIds, walk, createUser,
  VILLAGES, DENGTA_CODE, DATANG_CODE, TOWNSHIP_CODE, STRONG,
} from './lib.mjs';

let srv, admin, tree;
const V = {}; // code -> { area, group, cadre, ids:Set, names:[] }

const etagAsAdmin = async (p) => {
  const r = await admin.get(p);
  expectStatus(r, 200, `admin GET ${p}:`);
  return r.headers.get('etag');
};
let seq = 0;
// A valid GB 11643 ID number, fresh on every call (born 2010-01-01, sequence from seq).
let idSeq = 0;
const matrixId = () => {
  return idnum(`50023620100101${String(++idSeq * 2 + 1).padStart(3, '0')}`);
};

// kind: 'read' (one record), 'list' (a collection), 'write'.
// call(v) builds the request against village context v; shared rows do not depend
// on the village (they are checked once, for leaks only).
const ROWS = [
  {
    name: 'GET /api/v1/areas?parent=<township>', perm: 'area.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: `/api/v1/areas?parent=${tree.township.id}` }),
    // only the caller's own village lies in their scope
    own: (r, me) => assert.deepEqual(r.body.items.map((a) => a.code), [me.own.area.code]),
  },
  {
    name: 'GET /api/v1/areas (top of scope)', perm: 'area.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: '/api/v1/areas' }),
    own: (r, me) => assert.deepEqual(r.body.items.map((a) => a.code), [me.own.area.code]),
    mustSucceed: true,
  },
  {
    name: 'GET /api/v1/areas/{village}', perm: 'area.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/areas/${v.area.id}` }),
    check: (r, v) => { assert.equal(r.body.code, v.area.code); assert.equal(r.body.name, v.area.name); },
  },
  {
    name: 'GET /api/v1/areas?parent=<village>', perm: 'area.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/areas?parent=${v.area.id}` }),
    check: (r, v) => {
      assert.ok(r.body.items.length > 0, 'own village has children');
      assert.ok(r.body.items.every((a) => a.parentId === v.area.id));
    },
  },
  {
    name: 'GET /api/v1/areas/{group}', perm: 'area.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/areas/${v.group.id}` }),
    check: (r, v) => assert.equal(r.body.id, v.group.id),
  },
  {
    name: 'POST /api/v1/areas {parentId: village}', perm: 'area.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: '/api/v1/areas', body: { parentId: v.area.id, name: `矩阵小组${++seq}`, level: 'group' } }),
    check: (r, v) => { assert.equal(r.body.parentId, v.area.id); assert.equal(r.body.level, 'group'); },
  },
  {
    name: 'PATCH /api/v1/areas/{group}', perm: 'area.write', kind: 'write', ok: 200,
    call: async (v) => ({
      method: 'PATCH', path: `/api/v1/areas/${v.group.id}`, body: { name: `矩阵改名${++seq}` },
      headers: { 'if-match': await etagAsAdmin(`/api/v1/areas/${v.group.id}`) },
    }),
    check: (r, v) => assert.equal(r.body.id, v.group.id),
  },
  {
    name: 'GET /api/v1/users', perm: 'user.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: '/api/v1/users?pageSize=200' }),
  },
  {
    name: 'GET /api/v1/users?areaId=<village>', perm: 'user.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/users?areaId=${v.area.id}&pageSize=200` }),
    check: (r, v) => assert.ok(r.body.items.some((u) => u.id === v.cadre.id)),
  },
  {
    name: 'GET /api/v1/users/{cadre}', perm: 'user.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/users/${v.cadre.id}` }),
    check: (r, v) => assert.equal(r.body.username, v.cadre.username),
  },
  {
    name: 'PATCH /api/v1/users/{cadre}', perm: 'user.write', kind: 'write', ok: 200,
    call: async (v) => ({
      method: 'PATCH', path: `/api/v1/users/${v.cadre.id}`, body: { name: `矩阵用户${++seq}` },
      headers: { 'if-match': await etagAsAdmin(`/api/v1/users/${v.cadre.id}`) },
    }),
  },
  {
    name: 'GET /api/v1/cases/{case}', perm: 'case.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/${v.kase.id}` }),
    check: (r, v) => { assert.equal(r.body.serial, v.kase.serial); assert.equal(r.body.area.id, v.area.id); },
  },
  {
    name: 'GET /api/v1/cases?areaId=<village>', perm: 'case.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases?areaId=${v.area.id}&pageSize=200` }),
    check: (r, v) => assert.ok(r.body.items.some((c) => c.id === v.kase.id)),
  },
  {
    name: 'GET /api/v1/cases', perm: 'case.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: '/api/v1/cases?pageSize=200' }),
  },
  {
    name: 'POST /api/v1/cases {areaId: village}', perm: 'case.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: '/api/v1/cases', body: { type: 'dispute', title: `矩阵纠纷${++seq}`, content: '邻里纠纷', areaId: v.area.id } }),
    check: (r, v) => assert.equal(r.body.area.id, v.area.id),
  },
  {
    name: 'POST /api/v1/cases/{case}/actions/decline', perm: 'case.write', kind: 'write', ok: 200,
    call: async (v) => ({
      method: 'POST', path: `/api/v1/cases/${v.kase.id}/actions/decline`, body: { fields: { decline_reason: '当事人不同意调解' } },
      headers: { 'if-match': await etagAsAdmin(`/api/v1/cases/${v.kase.id}`) },
    }),
    check: (r, v) => assert.equal(r.body.state.final, true),
  },
  {
    name: 'GET /api/v1/cases/{case}/attachments/{att}', perm: 'case.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/${v.kase.id}/attachments/${v.att.id}` }),
  },
  {
    name: 'POST /api/v1/cases/{case}/attachments', perm: 'case.write', kind: 'write', ok: 201,
    call: (v) => ({
      method: 'POST', path: `/api/v1/cases/${v.kase.id}/attachments?name=${encodeURIComponent('矩阵照片.png')}`,
      body: png(1, 1, ++seq), headers: { 'content-type': 'image/png' },
    }),
    check: (r) => assert.equal(r.body.mime, 'image/png'),
  },
  {
    name: 'POST /api/v1/cases/{case}/links {caseId: same village}', perm: 'case.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: `/api/v1/cases/${v.kase.id}/links`, body: { caseId: v.spare.pop().id } }),
    check: (r, v) => assert.equal(r.body.caseId, v.kase.id),
  },
  {
    name: 'POST /api/v1/cases/{repeat}/merge {intoId: case}', perm: 'case.write', kind: 'write', ok: 200,
    call: (v) => {
      const dup = v.spare.pop();
      const into = v.spare.pop();
      return { method: 'POST', path: `/api/v1/cases/${dup.id}/merge`, body: { intoId: into.id }, headers: { 'if-match': '"v1"' } };
    },
    check: (r) => assert.equal(r.body.state.code, 'merged'),
  },
  {
    name: 'GET /api/v1/cases/similar?areaId=<village>', perm: 'case.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/similar?areaId=${v.area.id}&text=${encodeURIComponent('村口路灯坏了，夜里出行困难，请求维修')}` }),
    check: (r, v) => assert.ok(r.body.items.some((c) => c.id === v.lamp.id), JSON.stringify(r.body)),
  },
  // notices (文书)
  {
    name: 'GET /api/v1/cases/{case}/documents', perm: 'case.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/${v.kase.id}/documents` }),
    check: (r, v) => assert.ok(r.body.items.some((d) => d.id === v.doc.id)),
  },
  {
    name: 'GET /api/v1/cases/{case}/documents/{doc}', perm: 'case.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/${v.kase.id}/documents/${v.doc.id}` }),
    check: (r) => assert.match(r.headers.get('content-type'), /text\/html/),
  },
  {
    name: 'GET /api/v1/cases/{case}/documents/{doc}/pdf', perm: 'case.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/${v.kase.id}/documents/${v.doc.id}/pdf` }),
    check: (r) => assert.equal(r.headers.get('content-type'), 'application/pdf'),
  },
  {
    name: 'POST /api/v1/cases/{case}/documents {code}', perm: 'case.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: `/api/v1/cases/${v.kase.id}/documents`, body: { code: 'termination_notice' } }),
    check: (r) => assert.equal(r.body.code, 'termination_notice'),
  },
  // reminders, board, to-do, exports
  {
    name: 'GET /api/v1/cases/overdue-board?areaId=<village>', perm: 'case.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/overdue-board?areaId=${v.area.id}` }),
    check: (r, v) => { assert.deepEqual(r.body.items.map((x) => x.area.id), [v.area.id]); assert.ok(r.body.totals.open >= 1); },
  },
  {
    name: 'GET /api/v1/cases/overdue-board', perm: 'case.read', kind: 'list', shared: true, mustSucceed: true,
    call: () => ({ method: 'GET', path: '/api/v1/cases/overdue-board' }),
    own: (r, me) => assert.deepEqual(r.body.items.map((x) => x.area.code), [me.own.area.code]),
  },
  {
    name: 'GET /api/v1/cases/export.xlsx?areaId=<village>', perm: 'case.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/cases/export.xlsx?areaId=${v.area.id}` }),
    check: (r) => assert.match(r.headers.get('content-type'), /spreadsheetml/),
  },
  {
    name: 'GET /api/v1/cases?mine=1', perm: 'case.read', kind: 'list', shared: true, mustSucceed: true,
    call: () => ({ method: 'GET', path: '/api/v1/cases?mine=1&pageSize=200' }),
  },
  {
    name: 'GET /api/v1/notifications', perm: null, kind: 'list', shared: true, mustSucceed: true,
    call: () => ({ method: 'GET', path: '/api/v1/notifications?pageSize=200' }),
  },
  {
    name: 'GET /api/v1/users/export.xlsx?areaId=<village>', perm: 'user.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/users/export.xlsx?areaId=${v.area.id}` }),
  },
  // the registry (docs/registry.md)
  {
    name: 'GET /api/v1/households/{id}', perm: 'registry.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/households/${v.hh.id}` }),
    check: (r, v) => { assert.equal(r.body.code, v.hh.code); assert.equal(r.body.persons[0].name, v.person.name); },
  },
  {
    name: 'GET /api/v1/households/{id}/history', perm: 'registry.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/households/${v.hh.id}/history` }),
    check: (r) => assert.ok(r.body.items.length >= 2),
  },
  {
    name: 'GET /api/v1/households?areaId=<village>', perm: 'registry.read', kind: 'list', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/households?areaId=${v.area.id}` }),
    check: (r, v) => assert.ok(r.body.items.some((h) => h.id === v.hh.id)),
  },
  {
    name: 'GET /api/v1/households', perm: 'registry.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: '/api/v1/households?pageSize=100' }),
    own: (r, me) => assert.ok(r.body.items.every((h) => h.village.id === me.own.area.id)),
  },
  {
    name: 'GET /api/v1/persons', perm: 'registry.read', kind: 'list', shared: true,
    call: () => ({ method: 'GET', path: '/api/v1/persons?pageSize=100' }),
    own: (r, me) => assert.ok(r.body.items.some((p) => p.id === me.own.person.id)),
  },
  {
    name: 'GET /api/v1/persons/{id}', perm: 'registry.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/persons/${v.person.id}` }),
    check: (r, v) => assert.equal(r.body.name, v.person.name),
  },
  {
    name: 'PATCH /api/v1/households/{id}', perm: 'registry.write', kind: 'write', ok: 200,
    call: async (v) => ({
      method: 'PATCH', path: `/api/v1/households/${v.hh.id}`, body: { note: `矩阵备注${++seq}` },
      headers: { 'if-match': await etagAsAdmin(`/api/v1/households/${v.hh.id}`) },
    }),
  },
  {
    name: 'PATCH /api/v1/persons/{id}', perm: 'registry.write', kind: 'write', ok: 200,
    call: async (v) => ({
      method: 'PATCH', path: `/api/v1/persons/${v.person.id}`, body: { work: 'county' },
      headers: { 'if-match': await etagAsAdmin(`/api/v1/persons/${v.person.id}`) },
    }),
  },
  {
    name: 'POST /api/v1/households/{id}/guarantees', perm: 'registry.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: `/api/v1/households/${v.hh.id}/guarantees`, body: { kind: 'housing', rating: 'B', checkedOn: '2026-11-01' } }),
  },
  {
    name: 'POST /api/v1/households/{id}/incomes', perm: 'registry.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: `/api/v1/households/${v.hh.id}/incomes`, body: { assessedOn: '2026-11-01', wagesFen: 1000000 } }),
  },
  {
    name: 'POST /api/v1/households/{id}/persons', perm: 'registry.write', kind: 'write', ok: 201,
    call: (v) => ({ method: 'POST', path: `/api/v1/households/${v.hh.id}/persons`, body: { name: '矩阵子女', idNumber: matrixId(), relation: 'son', joinedOn: '2010-01-01' } }),
  },
  {
    name: 'GET /api/v1/households/{id}/payments', perm: 'benefit.read', kind: 'read', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/households/${v.hh.id}/payments` }),
  },
  {
    name: 'GET /api/v1/exports/households.xlsx?areaId=<village>', perm: 'registry.read', kind: 'list-file', ok: 200,
    call: (v) => ({ method: 'GET', path: `/api/v1/exports/households.xlsx?areaId=${v.area.id}` }),
    // the file itself (zipped, so the text leak check cannot see into it): only this village, masked
    check: async (r, v, c) => checkHouseholdsXlsx(await c.bytes(`/api/v1/exports/households.xlsx?areaId=${v.area.id}`), v),
  },
  {
    name: 'GET /api/v1/exports/households.xlsx (whole scope)', perm: 'registry.read', kind: 'list-file', shared: true, mustSucceed: true,
    call: () => ({ method: 'GET', path: '/api/v1/exports/households.xlsx' }),
    own: async (r, me, c) => checkHouseholdsXlsx(await c.bytes('/api/v1/exports/households.xlsx'), me.own, me.other),
  },
];

// The households export of village v as its cadre gets it: every row of v, v's
// matrix household among them with its head's ID number masked (never in full),
// and nothing of village `other`.
function checkHouseholdsXlsx(file, v, other = null) {
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type'), /spreadsheetml/);
  const { xml, rows } = readXlsx(file.bytes);
  const head = rows[0];
  const col = (name) => { const i = head.indexOf(name); assert.ok(i >= 0, `column ${name}`); return i; };
  const body = rows.slice(1);
  assert.ok(body.length >= 1, 'the village has households');
  assert.deepEqual([...new Set(body.map((r) => r[col('村（社区）')]))], [v.area.name], 'only this village');
  const mine = body.filter((r) => r[col('户编号')] === v.hh.code);
  assert.equal(mine.length, 1, `household ${v.hh.code} exported once`);
  assert.equal(mine[0][col('户主')], v.person.name);
  const masked = `${v.idNumber.slice(0, 6)}********${v.idNumber.slice(14)}`;
  assert.equal(mine[0][col('户主身份证号')], masked);
  for (const r of body) assert.match(r[col('户主身份证号')], /^(|\d{6}\*{8}\d{3}[\dX])$/, 'every ID number masked');
  assert.ok(!xml.includes(v.idNumber), 'no full ID number anywhere in the file');
  if (other) {
    assert.ok(!xml.includes(other.hh.code) && !xml.includes(other.idNumber) && !xml.includes(other.area.name),
      'nothing of the other village');
  }
}

// A fresh open case of a village registered by the admin (links and merges consume them).
async function adminCase(area, title = `矩阵事件${++seq}`, content = '矩阵测试') {
  const r = await admin.post('/api/v1/cases', { type: 'grid_event', title, content, areaId: area.id });
  expectStatus(r, 201, 'admin registers a case:');
  return r.body;
}

// Everything about village v that must not show up for a user of another village.
function leaks(r, v) {
  const found = [];
  const text = r.text || '';
  for (const n of v.uniqueNames) if (text.includes(n)) found.push(`name ${n}`);
  if (text.includes(v.area.code)) found.push(`code ${v.area.code}`);
  walk(r.body, (o) => {
    const areaLike = 'level' in o || 'code' in o || 'parentId' in o || 'path' in o;
    if (areaLike && v.ids.has(o.id)) found.push(`area id ${o.id}`);
    if ('parentId' in o && v.ids.has(o.parentId)) found.push(`parentId ${o.parentId}`);
    if (typeof o.path === 'string' && o.path.includes(`/${v.area.id}/`)) found.push(`path ${o.path}`);
    if (o.area && typeof o.area === 'object' && v.ids.has(o.area.id)) found.push(`user area ${o.area.id}`);
    if (o.username === v.cadre.username) found.push(`user ${o.username}`);
  });
  return found;
}

// What admin sees of village v: changes here mean a refused write wrote anyway.
async function snapshot(v) {
  const a = await admin.get(`/api/v1/areas?parent=${v.area.id}`);
  const g = await admin.get(`/api/v1/areas/${v.group.id}`);
  const u = await admin.get(`/api/v1/users/${v.cadre.id}`);
  const k = await admin.get(`/api/v1/cases/${v.kase.id}`);
  const l = await admin.get(`/api/v1/cases?areaId=${v.area.id}&pageSize=200`);
  delete k.body.actions; // the actions offered depend on who asks, not on the data
  const h = await admin.get(`/api/v1/households/${v.hh.id}`);
  return JSON.stringify([a.body, g.body, u.body, k.body, l.body.pager.total, h.body]);
}

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  tree = await areaTree(admin);
  const users = (await admin.get('/api/v1/users?pageSize=200')).body.items;
  for (const [code, cadreName] of [[DENGTA_CODE, 'dengta'], [DATANG_CODE, 'datang']]) {
    const area = tree.villages.get(code);
    assert.ok(area, `village ${code}`);
    // a group of this village, for the PATCH rows
    let kids = await children(admin, area.id);
    let group = kids.find((a) => a.level === 'group');
    if (!group) {
      const r = await admin.post('/api/v1/areas', { parentId: area.id, name: '矩阵测试组', level: 'group' });
      expectStatus(r, 201, `admin creates a group in ${code}:`);
      group = r.body;
      kids = await children(admin, area.id);
    }
    const cadre = users.find((u) => u.username === cadreName);
    assert.ok(cadre, `demo user ${cadreName}`);
    assert.equal(cadre.area.id, area.id, `${cadreName} belongs to ${code}`);
    // a case of this village, with a title and requester only it has
    const kr = await admin.post('/api/v1/cases', {
      type: 'dispute', title: `${area.name}宅基地纠纷`, content: `${area.name}两户宅基地边界纠纷`, areaId: area.id,
      channel: 'visit', requester: { name: `${area.name}申请人`, phone: '13900005678' },
    });
    expectStatus(kr, 201, `admin registers a case in ${code}:`);
    const kase = kr.body;
    const ar = await admin.post(`/api/v1/cases/${kase.id}/attachments?name=evidence.png`, png(2, 2, code.length + Number(code.slice(-3))), { 'content-type': 'image/png' });
    expectStatus(ar, 201, `admin files a photo in ${code}:`);
    const dr = await admin.post(`/api/v1/cases/${kase.id}/documents`, { code: 'agreement' });
    expectStatus(dr, 201, `admin issues a notice in ${code}:`);
    const spare = [];
    for (let i = 0; i < 24; i++) spare.push(await adminCase(area));
    const lamp = await adminCase(area, `${area.name}路灯损坏`, `${area.name}村口路灯坏了一个多月，夜里出行困难，群众请求维修。`);
    // a household of this village with its head
    const hr = await admin.post('/api/v1/households', { areaId: area.id, address: `${area.name}矩阵户地址`, categories: ['yiban'] });
    expectStatus(hr, 201, `admin registers a household in ${code}:`);
    const idNumber = matrixId();
    const pr = await admin.post(`/api/v1/households/${hr.body.id}/persons`, { name: `${area.name.slice(0, 2)}矩阵户主`, idNumber, relation: 'head', joinedOn: '2010-01-01' });
    expectStatus(pr, 201, `admin adds a head in ${code}:`);
    V[code] = {
      hh: hr.body, person: pr.body, idNumber,
      area, group, cadre, kase, att: ar.body, doc: dr.body, spare, lamp, ids: new Set([area.id, ...kids.map((k) => k.id)]),
      names: [area.name, ...kids.map((k) => k.name), kase.title, kase.serial, `${area.name}申请人`, `${area.name}矩阵户地址`, pr.body.name, hr.body.code],
    };
  }
  // names that only one of the two villages uses (both may have a "第一组")
  const a = V[DENGTA_CODE], b = V[DATANG_CODE];
  a.uniqueNames = a.names.filter((n) => !b.names.includes(n));
  b.uniqueNames = b.names.filter((n) => !a.names.includes(n));
  assert.ok(a.uniqueNames.includes('灯塔村') && b.uniqueNames.includes('大淌村'));
});

after(async () => { if (srv) await srv.stop(); });

function perspective(actorName, ownCode, otherCode) {
  return async (t) => {
    const c = await login(srv.url, actorName);
    const meR = await c.get('/api/v1/me');
    expectStatus(meR, 200);
    const perms = new Set(meR.body.permissions);
    const own = V[ownCode], other = V[otherCode];
    assert.equal(meR.body.area.id, own.area.id);
    const me = { own, other };

    for (const row of ROWS) {
      await t.test(row.name, async () => {
        const has = !row.perm || perms.has(row.perm);
        if (row.shared) {
          const q = row.call();
          const r = await c.req(q.method, q.path, q.body, q.headers);
          if (!has) return expectError(r, 403, 'forbidden');
          if (r.status !== 200) {
            assert.ok(!row.mustSucceed, `${row.name} must answer 200: ${r.status} ${r.text}`);
            expectError(r, 404, 'not_found');
          }
          assert.deepEqual(leaks(r, other), [], `${row.name} shows ${otherCode} data: ${r.text.slice(0, 500)}`);
          if (r.status === 200 && row.own) await row.own(r, me, c);
          return;
        }

        // the other village: refused, nothing shown, nothing changed
        const before = await snapshot(other);
        const q = await row.call(other);
        const r = await c.req(q.method, q.path, q.body, q.headers);
        if (!has) expectError(r, 403, 'forbidden');
        else if (row.kind === 'read') expectError(r, 404, 'not_found');
        else if (row.kind === 'write') {
          assert.ok(r.status === 403 || r.status === 404, `${q.method} ${q.path}: expected 403/404, got ${r.status} ${r.text}`);
          expectError(r, r.status, r.status === 403 ? 'forbidden' : 'not_found');
        } else if (r.status === 200) {
          assert.equal(r.body.items.length, 0, `${row.name} for ${otherCode} lists items: ${r.text.slice(0, 500)}`);
        } else {
          assert.ok(r.status === 403 || r.status === 404, `${q.method} ${q.path}: ${r.status} ${r.text}`);
          expectError(r, r.status, r.status === 403 ? 'forbidden' : 'not_found');
        }
        assert.deepEqual(leaks(r, other), [], `${row.name} shows ${otherCode} data: ${r.text.slice(0, 500)}`);
        assert.equal(await snapshot(other), before, `${row.name} changed ${otherCode} data`);

        // the own village: works where the permissions allow
        const q2 = await row.call(own);
        const r2 = await c.req(q2.method, q2.path, q2.body, q2.headers);
        if (!has) return expectError(r2, 403, 'forbidden');
        expectStatus(r2, row.ok, `${q2.method} ${q2.path} for own village:`);
        if (row.check) await row.check(r2, own, c);
        assert.deepEqual(leaks(r2, other), [], `${row.name} (own) shows ${otherCode} data`);
      });
    }
  };
}

test('scope matrix: dengta (灯塔村) against 大淌村', perspective('dengta', DENGTA_CODE, DATANG_CODE));
test('scope matrix: datang (大淌村) against 灯塔村', perspective('datang', DATANG_CODE, DENGTA_CODE));

test('the village cadre holds area.read and area.write (so the matrix exercises scope, not only permissions)', async () => {
  const c = await login(srv.url, 'dengta');
  const me = (await c.get('/api/v1/me')).body;
  assert.ok(me.permissions.includes('area.read'));
  assert.ok(me.permissions.includes('area.write'));
  assert.equal(me.area.code, DENGTA_CODE);
});

test('an id that does not exist and an id outside the scope get the same answer', async () => {
  const c = await login(srv.url, 'dengta');
  const ghost = await c.get('/api/v1/areas/99999999');
  const other = await c.get(`/api/v1/areas/${V[DATANG_CODE].area.id}`);
  expectError(ghost, 404, 'not_found');
  assert.deepEqual(other.body, ghost.body);
});

test('leader (subtree of 羊市镇) sees the township and all 7 villages', async () => {
  const c = await login(srv.url, 'leader');
  const top = await c.get('/api/v1/areas');
  expectStatus(top, 200);
  assert.deepEqual(top.body.items.map((a) => a.code), [TOWNSHIP_CODE]);
  const vs = await c.get(`/api/v1/areas?parent=${tree.township.id}`);
  expectStatus(vs, 200);
  assert.deepEqual(vs.body.items.map((a) => [a.code, a.name]), VILLAGES);
  for (const code of [DENGTA_CODE, DATANG_CODE]) {
    const r = await c.get(`/api/v1/areas/${V[code].area.id}`);
    expectStatus(r, 200);
    assert.equal(r.body.code, code);
  }
  // the county above the township is outside the subtree
  expectError(await c.get(`/api/v1/areas/${tree.county.id}`), 404, 'not_found');
});

test('grid worker sees only their own grid', async () => {
  const c = await login(srv.url, 'grid');
  const me = (await c.get('/api/v1/me')).body;
  assert.equal(me.area.level, 'grid');
  assert.ok(me.area.code.startsWith(`${DENGTA_CODE}-W`), `grid of 灯塔村: ${me.area.code}`);
  const top = await c.get('/api/v1/areas');
  expectStatus(top, 200);
  assert.deepEqual(top.body.items.map((a) => a.id), [me.area.id]);
  expectStatus(await c.get(`/api/v1/areas/${me.area.id}`), 200);
  // the village above and the sibling grids are outside
  expectError(await c.get(`/api/v1/areas/${V[DENGTA_CODE].area.id}`), 404, 'not_found');
  const siblings = (await children(admin, V[DENGTA_CODE].area.id)).filter((a) => a.id !== me.area.id);
  assert.ok(siblings.length > 0, '灯塔村 has other areas besides this grid');
  for (const s of siblings.slice(0, 3)) expectError(await c.get(`/api/v1/areas/${s.id}`), 404, 'not_found');
  const list = await c.get(`/api/v1/areas?parent=${V[DENGTA_CODE].area.id}`);
  if (list.status === 200) assert.deepEqual(list.body.items.map((a) => a.id).filter((id) => id !== me.area.id), []);
  else expectError(list, 404, 'not_found');
  const vs = await c.get(`/api/v1/areas?parent=${tree.township.id}`);
  if (vs.status === 200) assert.deepEqual(vs.body.items, []);
  else expectError(vs, 404, 'not_found');
  // and no write into the village
  const before = (await children(admin, V[DENGTA_CODE].area.id)).length;
  const w = await c.post('/api/v1/areas', { parentId: V[DENGTA_CODE].area.id, name: '网格员建的组', level: 'group' });
  assert.ok(w.status === 403 || w.status === 404, `${w.status} ${w.text}`);
  assert.equal((await children(admin, V[DENGTA_CODE].area.id)).length, before);
});

test('a village cadre cannot move a user or area into their scope by id tricks', async () => {
  // creating under a group (not a village) of the other village is refused too
  const c = await login(srv.url, 'dengta');
  const other = V[DATANG_CODE];
  const before = await snapshot(other);
  const r = await c.post('/api/v1/areas', { parentId: other.group.id, name: '越界', level: 'grid' });
  assert.ok([400, 403, 404].includes(r.status), `${r.status} ${r.text}`);
  assert.deepEqual(leaks(r, other), []);
  assert.equal(await snapshot(other), before);
  // nor can admin-created users be given an area outside the creator's scope: admin has all, so
  // check the cadre cannot create users at all (no user.write)
  const me = (await c.get('/api/v1/me')).body;
  if (!me.permissions.includes('user.write')) {
    const roles = await roleIds(admin);
    const u = await createUser(c, { username: 'sneaky', name: '越权', password: STRONG, areaId: other.area.id, roleIds: [roles.village_cadre] });
    expectError(u, 403, 'forbidden');
  }
});
