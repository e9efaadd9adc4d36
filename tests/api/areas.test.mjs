// Areas: the demo tree of 羊市镇 (county -> township -> 7 villages -> groups and
// 46 grids), creating a group as a village cadre, renaming with If-Match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import {
  login, expectError, expectStatus, sql, areaTree, children,
  VILLAGES, COUNTY_CODE, TOWNSHIP_CODE, DENGTA_CODE,
} from './lib.mjs';

let srv, admin, dengtaUser, tree, dengta;

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  dengtaUser = await login(srv.url, 'dengta');
  tree = await areaTree(admin);
  dengta = tree.villages.get(DENGTA_CODE);
});

after(async () => { if (srv) await srv.stop(); });

function checkAreaShape(a) {
  for (const k of ['id', 'code', 'name', 'level', 'parentId', 'path', 'hasChildren', 'version']) {
    assert.ok(k in a, `area has ${k}: ${JSON.stringify(a)}`);
  }
  assert.equal(typeof a.id, 'number');
  assert.equal(typeof a.code, 'string');
  assert.equal(typeof a.hasChildren, 'boolean');
  assert.match(a.path, new RegExp(`/${a.id}/$`), `path ends with the own id: ${a.path}`);
}

test('top of the tree for scope all is the county 500236000000', async () => {
  const r = await admin.get('/api/v1/areas');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.map((a) => [a.code, a.level]), [[COUNTY_CODE, 'county']]);
  checkAreaShape(r.body.items[0]);
  assert.equal(r.body.items[0].parentId, null);
  assert.equal(r.body.items[0].path, `/${r.body.items[0].id}/`);
});

test('the county has the township 羊市镇 500236126000', async () => {
  const kids = await children(admin, tree.county.id);
  const t = kids.find((a) => a.code === TOWNSHIP_CODE);
  assert.ok(t, JSON.stringify(kids));
  assert.equal(t.name, '羊市镇');
  assert.equal(t.level, 'township');
  assert.equal(t.parentId, tree.county.id);
  assert.equal(t.path, `${tree.county.path}${t.id}/`);
  assert.equal(t.hasChildren, true);
  checkAreaShape(t);
});

test('the township has exactly the 7 villages with real codes, ordered by code', async () => {
  const kids = await children(admin, tree.township.id);
  assert.deepEqual(kids.map((a) => [a.code, a.name]), VILLAGES);
  for (const v of kids) {
    checkAreaShape(v);
    assert.equal(v.level, 'village');
    assert.equal(v.parentId, tree.township.id);
    assert.equal(v.path, `${tree.township.path}${v.id}/`);
    assert.equal(v.hasChildren, true, `${v.name} has grids`);
  }
});

test('46 grids in total under the villages, with local codes <village>-Wnn', async () => {
  let grids = 0;
  const codes = new Set();
  for (const v of tree.villageList) {
    const kids = await children(admin, v.id);
    const codesSorted = kids.map((a) => a.code);
    assert.deepEqual(codesSorted, [...codesSorted].sort(), `children of ${v.name} ordered by code`);
    for (const k of kids) {
      checkAreaShape(k);
      assert.ok(['group', 'grid'].includes(k.level), `child level: ${k.level}`);
      assert.equal(k.parentId, v.id);
      assert.equal(k.path, `${v.path}${k.id}/`);
      if (k.level === 'grid') {
        grids++;
        assert.match(k.code, new RegExp(`^${v.code}-W\\d{2,}$`));
      } else {
        assert.match(k.code, new RegExp(`^${v.code}-G\\d{2,}$`));
      }
      assert.ok(!codes.has(k.code), `unique code ${k.code}`);
      codes.add(k.code);
    }
  }
  assert.equal(grids, 46);
});

test('GET one area: ETag and ancestors', async () => {
  const r = await admin.get(`/api/v1/areas/${dengta.id}`);
  expectStatus(r, 200);
  assert.equal(r.headers.get('etag'), `"v${r.body.version}"`);
  assert.equal(r.body.code, DENGTA_CODE);
  assert.equal(r.body.name, '灯塔村');
  assert.equal(r.body.level, 'village');
  assert.deepEqual(r.body.ancestors.map((a) => a.level).sort(), ['county', 'township']);
  const t = r.body.ancestors.find((a) => a.level === 'township');
  assert.deepEqual(t, { id: tree.township.id, name: '羊市镇', level: 'township' });
  expectError(await admin.get('/api/v1/areas/99999999'), 404, 'not_found');
  const bad = await admin.get('/api/v1/areas/abc');
  assert.ok(bad.status === 400 || bad.status === 404, `non-numeric id: ${bad.status}`);
  assert.ok(bad.body && bad.body.error, 'JSON error');
});

let group;

test('dengta creates a group under 灯塔村: 201, local code, appears in the list', async () => {
  const before = await children(admin, dengta.id);
  const r = await dengtaUser.post('/api/v1/areas', { parentId: dengta.id, name: '第九村民小组', level: 'group' });
  expectStatus(r, 201, 'create group:');
  group = r.body;
  checkAreaShape(group);
  assert.equal(group.level, 'group');
  assert.equal(group.name, '第九村民小组');
  assert.equal(group.parentId, dengta.id);
  assert.equal(group.path, `${dengta.path}${group.id}/`);
  assert.equal(group.hasChildren, false);
  assert.equal(group.version, 1);
  assert.equal(r.headers.get('etag'), '"v1"');
  assert.match(group.code, new RegExp(`^${DENGTA_CODE}-G\\d{2,}$`));
  assert.ok(!before.some((a) => a.code === group.code), 'a new code');
  const after = await children(dengtaUser, dengta.id);
  assert.equal(after.length, before.length + 1);
  assert.ok(after.some((a) => a.id === group.id));
  // the parent now reports children
  assert.equal((await admin.get(`/api/v1/areas/${dengta.id}`)).body.hasChildren, true);
});

test('rename with If-Match: 200 and new ETag; stale 412; missing 428', async () => {
  const r = await dengtaUser.patch(`/api/v1/areas/${group.id}`, { name: '第九组' }, { 'if-match': '"v1"' });
  expectStatus(r, 200, 'rename:');
  assert.equal(r.body.name, '第九组');
  assert.equal(r.body.version, 2);
  assert.equal(r.headers.get('etag'), '"v2"');
  assert.equal(r.body.code, group.code, 'code unchanged by rename');
  expectError(await dengtaUser.patch(`/api/v1/areas/${group.id}`, { name: '旧版本' }, { 'if-match': '"v1"' }), 412, 'stale_version');
  expectError(await dengtaUser.patch(`/api/v1/areas/${group.id}`, { name: '无版本' }), 428, 'precondition_required');
  const g = await admin.get(`/api/v1/areas/${group.id}`);
  assert.equal(g.body.name, '第九组');
  assert.equal(g.body.version, 2);
});

test('invalid area writes are refused and change nothing', async () => {
  const count = async () => (await children(admin, dengta.id)).length + (await children(admin, tree.township.id)).length
    + (await children(admin, group.id)).length;
  const n0 = await count();
  // only groups and grids may be created
  expectError(await dengtaUser.post('/api/v1/areas', { parentId: dengta.id, name: '新村', level: 'village' }), 400, 'invalid_input', 'level');
  // the parent must be a village
  const underGroup = await admin.post('/api/v1/areas', { parentId: group.id, name: '组下网格', level: 'grid' });
  assert.ok(underGroup.status === 400 || underGroup.status === 403, `${underGroup.status} ${underGroup.text}`);
  const underTown = await admin.post('/api/v1/areas', { parentId: tree.township.id, name: '镇下小组', level: 'group' });
  assert.ok(underTown.status === 400 || underTown.status === 403, `${underTown.status} ${underTown.text}`);
  // missing name, empty name, unknown parent
  expectError(await dengtaUser.post('/api/v1/areas', { parentId: dengta.id, level: 'group' }), 400, 'invalid_input', 'name');
  expectError(await dengtaUser.post('/api/v1/areas', { parentId: dengta.id, level: 'group', name: '' }), 400, 'invalid_input', 'name');
  const ghost = await admin.post('/api/v1/areas', { parentId: 99999999, name: '无父', level: 'group' });
  assert.ok([400, 404].includes(ghost.status), `${ghost.status} ${ghost.text}`);
  assert.equal(await count(), n0);
});

test('villages cannot be renamed through the API (groups and grids only)', async () => {
  const g = await admin.get(`/api/v1/areas/${dengta.id}`);
  const r = await admin.patch(`/api/v1/areas/${dengta.id}`, { name: '改名村' }, { 'if-match': g.headers.get('etag') });
  assert.ok(r.status === 400 || r.status === 403, `${r.status} ${r.text}`);
  const g2 = await admin.get(`/api/v1/areas/${dengta.id}`);
  assert.equal(g2.body.name, '灯塔村');
  assert.equal(g2.body.version, g.body.version);
});

test('an explicit code is accepted when free', async () => {
  const code = `${DENGTA_CODE}-G77`;
  const r = await admin.post('/api/v1/areas', { parentId: dengta.id, name: '七七组', level: 'group', code });
  expectStatus(r, 201);
  assert.equal(r.body.code, code);
  // a taken code is a conflict
  const dup = await admin.post('/api/v1/areas', { parentId: dengta.id, name: '重复编码', level: 'group', code });
  expectError(dup, 409, 'conflict');
  // audited
  const rows = sql(srv.db, `SELECT action FROM audit_log WHERE entity='area' AND entity_id='${r.body.id}'`);
  assert.deepEqual(rows.map((x) => x.action), ['create']);
});
