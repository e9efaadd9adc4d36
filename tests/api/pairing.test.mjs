// 帮扶责任人, pairs and visits (docs/registry.md): cadres with masked phones, pairing
// and ending it, visits with photos, the caller's visiting list, and scope: an
// assistance cadre sees only the households paired with them, a village cadre of
// another village nothing.  Real server, real database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, children, sql, DENGTA_CODE } from './lib.mjs';
import { PNG, PDF } from './samples.mjs';
import { idnum } from '../lib/idnum.mjs';

let seq = 500;
const nextId = () => { seq += 2; return idnum(`50023619700101${String(seq % 1000).padStart(3, '0')}`.slice(0, 17)); };
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 32 * 3600e3).toISOString().slice(0, 10);

let srv, staff, leader, dengta, datang, grid, assist, dengtaArea, gridArea;
before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, grid, assist] = await Promise.all(
    ['staff', 'leader', 'dengta', 'datang', 'grid', 'assist'].map((u) => login(srv.url, u)));
  const tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  gridArea = (await children(leader, dengtaArea.id)).find((a) => a.level === 'grid' && a.id === grid.me.area.id);
  assert.ok(gridArea, 'the grid worker\'s grid lies in 灯塔村');
});
after(async () => { if (srv) await srv.stop(); });

async function household(over = {}) {
  const r = await staff.post('/api/v1/households', { areaId: dengtaArea.id, address: '灯塔村三组1号', categories: ['tuopin'], ...over });
  expectStatus(r, 201, 'household');
  const p = await staff.post(`/api/v1/households/${r.body.id}/persons`, { name: `户主${seq}`, idNumber: nextId(), relation: 'head', labour: 'normal', joinedOn: '2010-01-01' });
  expectStatus(p, 201, 'head');
  return r.body;
}

let assistCadre;
test('pair-1 assistance cadres: created with a masked phone, linked to an assist_cadre account; bad input refused', async () => {
  const n0 = sql(srv.db, 'SELECT count(*) AS n FROM assist_cadres')[0].n;
  for (const [body, field] of [
    [{ name: '' }, 'name'],
    [{ name: '王'.repeat(51) }, 'name'],
    [{ name: '王五', phone: 'abc' }, 'phone'],
    [{ name: '王五', userId: dengta.me.id }, 'userId'], // not an assist_cadre account
    [{ name: '王五', userId: 999999 }, 'userId'],
  ]) expectError(await staff.post('/api/v1/assist-cadres', body), 400, 'invalid_input', field);
  expectError(await staff.post('/api/v1/assist-cadres', { name: '王五', extra: 1 }), 400, 'unknown_field');
  expectError(await assist.post('/api/v1/assist-cadres', { name: '王五', areaId: 1 }), 403, 'forbidden');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM assist_cadres')[0].n, n0);

  const r = await staff.post('/api/v1/assist-cadres', { name: assist.me.name, unit: '县财政局', phone: '13800000009', userId: assist.me.id });
  expectStatus(r, 201);
  assert.equal(r.body.phone, '138****0009');
  assert.equal(r.body.user.id, assist.me.id);
  assistCadre = r.body;
  expectError(await staff.post('/api/v1/assist-cadres', { name: '重复', userId: assist.me.id }), 409, 'conflict', 'userId');
  const list = await staff.get('/api/v1/assist-cadres?q=县财政');
  expectStatus(list, 200);
  assert.ok(list.body.items.some((c) => c.id === r.body.id && c.phone === '138****0009'));
  assert.ok(!list.text.includes('13800000009'), 'no full phone in the list');
  // the assistance cadre sees their own record only
  const own = await assist.get('/api/v1/assist-cadres');
  assert.deepEqual(own.body.items.map((c) => c.id), [r.body.id]);
});

test('pair-2 pairs: a cadre with a household from a date, ended on a later date; the cadre then sees it', async () => {
  const h = await household();
  const other = await household();
  const url = `/api/v1/households/${h.id}/pairs`;
  expectError(await staff.post(url, { cadreId: assistCadre.id, since: '2026-13-01' }), 400, 'invalid_input', 'since');
  expectError(await staff.post(url, { cadreId: 999999, since: '2026-01-01' }), 400, 'invalid_input', 'cadreId');
  expectError(await datang.post(url, { cadreId: assistCadre.id, since: '2026-01-01' }), 404, 'not_found');
  expectError(await assist.get(`/api/v1/households/${h.id}/measures`), 404, 'not_found');

  const p = await dengta.post(url, { cadreId: assistCadre.id, since: '2026-01-01' });
  expectStatus(p, 201);
  assert.equal(p.body.cadre.phone, '138****0009');
  assert.equal(p.body.until, null);
  expectError(await dengta.post(url, { cadreId: assistCadre.id, since: '2026-02-01' }), 409, 'conflict', 'cadreId');

  // the paired cadre sees this household's measures, visits, pairs and alerts; not the other
  expectStatus(await assist.get(`/api/v1/households/${h.id}/measures`), 200);
  expectStatus(await assist.get(`/api/v1/households/${h.id}/visits`), 200);
  expectStatus(await assist.get(url), 200);
  expectError(await assist.get(`/api/v1/households/${other.id}/visits`), 404, 'not_found');
  expectError(await assist.get(`/api/v1/households/${other.id}/pairs`), 404, 'not_found');
  const al = await staff.post('/api/v1/monitoring/alerts', { householdId: other.id, source: 'visit', rule: 'disaster', detail: '冰雹' });
  expectStatus(al, 201);
  const mine = await assist.get('/api/v1/monitoring/alerts');
  assert.ok(!mine.body.items.some((a) => a.household.id === other.id), 'no alerts of unpaired households');

  const mineList = await assist.get('/api/v1/visits/mine');
  expectStatus(mineList, 200);
  const row = mineList.body.items.find((x) => x.household.id === h.id);
  assert.ok(row, 'paired household on the visiting list');
  assert.equal(row.paired, true);
  assert.equal(row.lastVisit, null);
  assert.ok(!mineList.body.items.some((x) => x.household.id === other.id));

  // ending
  expectError(await staff.post(`/api/v1/pairs/${p.body.id}/end`, { until: '2025-12-31' }), 400, 'invalid_input', 'until');
  expectError(await datang.post(`/api/v1/pairs/${p.body.id}/end`, { until: '2026-06-30' }), 404, 'not_found');
  const e = await staff.post(`/api/v1/pairs/${p.body.id}/end`, { until: '2026-06-30' });
  expectStatus(e, 200);
  assert.equal(e.body.until, '2026-06-30');
  expectError(await staff.post(`/api/v1/pairs/${p.body.id}/end`, { until: '2026-07-01' }), 409, 'invalid_transition');
  expectError(await assist.get(`/api/v1/households/${h.id}/measures`), 404, 'not_found');
  const pl = await staff.get(url);
  assert.deepEqual(pl.body.items.map((x) => [x.id, x.until]), [[p.body.id, '2026-06-30']]);
});

test('pair-3 visits: date, what was found and photos; only images; scope', async () => {
  const h = await household();
  await staff.post(`/api/v1/households/${h.id}/pairs`, { cadreId: assistCadre.id, since: '2026-01-01' });
  const url = `/api/v1/households/${h.id}/visits`;
  const n0 = sql(srv.db, 'SELECT count(*) AS n FROM visits')[0].n;
  expectError(await assist.post(url, { visitedOn: tomorrow(), found: '正常' }), 400, 'invalid_input', 'visitedOn');
  expectError(await assist.post(url, { visitedOn: today(), found: '' }), 400, 'invalid_input', 'found');
  expectError(await assist.post(url, { visitedOn: today() }), 400, 'invalid_input', 'found');
  expectError(await datang.post(url, { visitedOn: today(), found: '越权' }), 404, 'not_found');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM visits')[0].n, n0);

  const v = await assist.post(url, { visitedOn: today(), found: '家中老人住院，收入减少' });
  expectStatus(v, 201);
  assert.equal(v.body.byCadre, true);
  assert.equal(v.body.user.id, assist.me.id);
  const vid = v.body.id;
  const up = (c, body, name = '现场.png', type = 'image/png') => c.post(`/api/v1/visits/${vid}/photos?name=${encodeURIComponent(name)}`, body, { 'content-type': type });
  expectError(await up(assist, PDF, 'a.pdf', 'application/pdf'), 415, 'unsupported_media_type');
  expectError(await up(datang, PNG), 404, 'not_found');
  const ph = await up(assist, PNG);
  expectStatus(ph, 201);
  assert.equal(ph.body.mime, 'image/png');
  const got = await assist.bytes(ph.body.url);
  assert.equal(got.status, 200);
  assert.deepEqual(got.bytes, Buffer.from(PNG));
  assert.equal((await datang.bytes(ph.body.url)).status, 404);

  const list = await staff.get(url);
  expectStatus(list, 200);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].found, '家中老人住院，收入减少');
  assert.deepEqual(list.body.items[0].photos.map((p) => p.name), ['现场.png']);
  const mine = (await assist.get('/api/v1/visits/mine')).body.items.find((x) => x.household.id === h.id);
  assert.equal(mine.lastVisit, today());
  // the grid worker lists the households of their grid
  const inGrid = await staff.post('/api/v1/households', { areaId: dengtaArea.id, gridId: gridArea.id, categories: ['yiban'] });
  expectStatus(inGrid, 201);
  const gl = await grid.get('/api/v1/visits/mine');
  expectStatus(gl, 200);
  const gr = gl.body.items.find((x) => x.household.id === inGrid.body.id);
  assert.ok(gr, 'grid household listed');
  assert.equal(gr.paired, false);
  // the photo file is covered by the file check (backup and zhenwu check files)
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM visit_photos WHERE visit_id = ${vid}`)[0].n, 1);
});
