// search.test.mjs - GET /api/v1/search: Chinese substring search over areas
// and users, trigram index for 3+ characters and LIKE for 1-2, within scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, STRONG } from './lib.mjs';

let srv;
let leader;
let dengta;
let admin;
before(async () => {
  srv = await startServer();
  [leader, dengta, admin] = await Promise.all([login(srv.url, 'leader'), login(srv.url, 'dengta'), login(srv.url, 'admin')]);
});
after(async () => { await srv.stop(); });

const search = (c, q, extra = '') => c.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
const titles = (r) => r.body.items.map((x) => x.title);

test('search-1.1 three or more characters: every area whose name contains them', async () => {
  const r = await search(leader, '第3网格', '&pageSize=200');
  expectStatus(r, 200);
  assert.deepEqual(titles(r).sort(), ['万兴村第3网格', '兴安社区第3网格', '大淌村第3网格', '楼门村第3网格', '渔灯社区第3网格', '灯塔村第3网格', '红旗村第3网格'].sort());
  assert.equal(r.body.pager.total, 7);
  assert.ok(r.body.items.every((x) => x.entity === 'area' && x.entityName === '区划'));
});

test('search-1.2 one and two characters fall back to substring match', async () => {
  const two = await search(leader, '灯塔', '&pageSize=200');
  expectStatus(two, 200);
  assert.ok(titles(two).includes('灯塔村'));
  assert.equal(titles(two).filter((t) => t.startsWith('灯塔村第')).length, 7);
  const one = await search(leader, '张');
  expectStatus(one, 200);
  assert.deepEqual(one.body.items.map((x) => [x.entity, x.title, x.subtitle]), [['user', '张支书', 'dengta']]);
});

test('search-1.3 codes and usernames are searchable; LIKE wildcards are literal', async () => {
  const code = await search(leader, '500236126205-W0');
  expectStatus(code, 200);
  assert.equal(code.body.pager.total, 7);
  const pct = await search(leader, '%');
  expectStatus(pct, 200);
  assert.equal(pct.body.pager.total, 0);
  const under = await search(leader, '_');
  assert.equal(under.body.pager.total, 0);
});

test('search-1.4 scope: a 灯塔村 cadre finds nothing of 大淌村, and no users without user.read', async () => {
  const r = await search(dengta, '大淌');
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, 0);
  const own = await search(dengta, '灯塔村第');
  assert.equal(own.body.pager.total, 7);
  const users = await search(dengta, 'dengta');
  assert.equal(users.body.pager.total, 0, 'village cadres lack user.read');
});

test('search-1.5 a new user and a renamed grid are found at once', async () => {
  const areas = await admin.get('/api/v1/areas?parent=' + (await search(admin, '灯塔村')).body.items.find((x) => x.title === '灯塔村').id);
  const grid = areas.body.items.find((x) => x.level === 'grid');
  const g = await admin.get(`/api/v1/areas/${grid.id}`);
  expectStatus(await admin.patch(`/api/v1/areas/${grid.id}`, { name: '灯塔村芭蕉湾网格' }, { 'if-match': g.headers.get('etag') }), 200);
  const hit = await search(leader, '芭蕉湾');
  assert.deepEqual(titles(hit), ['灯塔村芭蕉湾网格']);
  const village = (await search(admin, '灯塔村')).body.items.find((x) => x.title === '灯塔村');
  const roles = (await admin.get('/api/v1/roles')).body.items;
  const cadre = roles.find((x) => x.code === 'village_cadre');
  expectStatus(await admin.post('/api/v1/users', { username: 'sousuo', name: '欧阳检索', password: STRONG, areaId: village.id, roleIds: [cadre.id] }), 201);
  assert.deepEqual(titles(await search(leader, '欧阳检')), ['欧阳检索']);
});

test('search-1.6 bad queries are refused in Chinese', async () => {
  expectError(await leader.get('/api/v1/search'), 400, 'invalid_input', 'q');
  expectError(await search(leader, ''), 400, 'invalid_input', 'q');
  expectError(await search(leader, '长'.repeat(65)), 400, 'invalid_input', 'q');
  expectError(await search(leader, '灯塔', '&pageSize=0'), 400, 'invalid_input', 'pageSize');
});

test('search-1.7 cases are found by title and serial within scope; not without case.read', async () => {
  const tree = (await leader.get('/api/v1/areas?pageSize=200')).body;
  assert.ok(tree.items.length > 0);
  const villages = (await search(leader, '灯塔村', '&pageSize=200')).body.items.filter((x) => x.entity === 'area' && x.title === '灯塔村');
  const datangV = (await search(leader, '大淌村', '&pageSize=200')).body.items.find((x) => x.entity === 'area' && x.title === '大淌村');
  const mk = (areaId, title) => leader.post('/api/v1/cases', { type: 'dispute', title, content: `${title}：详情`, areaId });
  const a = await mk(villages[0].id, '灯塔村鱼塘承包纠纷');
  const b = await mk(datangV.id, '大淌村鱼塘承包纠纷');
  expectStatus(a, 201);
  expectStatus(b, 201);
  const r = await search(leader, '鱼塘承包');
  expectStatus(r, 200);
  assert.deepEqual(r.body.items.filter((x) => x.entity === 'case').map((x) => x.title).sort(), ['大淌村鱼塘承包纠纷', '灯塔村鱼塘承包纠纷']);
  assert.ok(r.body.items.every((x) => x.entity !== 'case' || x.entityName === '办件'));
  const bySerial = await search(leader, a.body.serial);
  assert.deepEqual(bySerial.body.items.map((x) => [x.entity, x.id]), [['case', a.body.id]]);
  // a village cadre finds only their village's case
  const mine = await search(dengta, '鱼塘承包');
  assert.deepEqual(mine.body.items.map((x) => x.id), [a.body.id]);
  // the auditor has no case.read: no cases
  const auditor = await login(srv.url, 'auditor');
  const none = await search(auditor, '鱼塘承包');
  expectStatus(none, 200);
  assert.equal(none.body.items.filter((x) => x.entity === 'case').length, 0);
});
