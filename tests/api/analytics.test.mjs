// analytics.test.mjs - GET /api/v1/indicators/table (indicator codes × areas ×
// periods, the cube a county system pulls) and its .xlsx over the demo: every
// cell equals /values for the same code, area and period; areas=children gives
// the villages whose counts sum to the township; the months of 2018 sum to the
// year; oversized tables, bad codes, areas and periods, and areas out of scope
// are refused with stable codes; a village user gets only their village; a
// county user's children are the townships; the .xlsx is read back cell by cell;
// a county system pulls the same with an API key acting for a user (read-only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, zw, Client } from '../lib/server.mjs';
import { readXlsx, unzip } from '../lib/xlsx_read.mjs';
import {
  login, expectError, expectStatus, sql, areaTree, roleIds, createUser, STRONG, DENGTA_CODE, DATANG_CODE,
} from './lib.mjs';

let srv, leader, dengta, admin, tree;
before(async () => {
  srv = await startServer({ demoCases: true });
  [leader, dengta, admin] = await Promise.all(['leader', 'dengta', 'admin'].map((u) => login(srv.url, u)));
  tree = await areaTree(admin);
});
after(async () => { if (srv) await srv.stop(); });

const table = async (c, query) => {
  const r = await c.get(`/api/v1/indicators/table?${query}`);
  expectStatus(r, 200, `table ${query}:`);
  return r.body;
};
// cell(cube, code, areaId, period) -> the cell, asserting it is there once
const cell = (cube, code, areaId, period) => {
  const found = cube.cells.filter((x) => x.code === code && x.areaId === areaId && x.period === period);
  assert.equal(found.length, 1, `one cell ${code} ${areaId} ${period}`);
  return found[0];
};
const values = async (c, query) => {
  const r = await c.get(`/api/v1/indicators/values?${query}`);
  expectStatus(r, 200);
  return Object.fromEntries(r.body.items.map((i) => [i.code, i]));
};

async function download(c, p) {
  const r = await fetch(c.base + p, { headers: { cookie: c.cookie } });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, buf, body: r.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString('utf8')) : null };
}

const COUNTS = ['population', 'households', 'monitored_households', 'dibao_households', 'dibao_yuan', 'houses_renovated'];

test('ana-1 the cube: its dimensions, and every cell equals /values for the same code, area and period', async () => {
  const dengtaId = tree.villages.get(DENGTA_CODE).id;
  const codes = 'population,dibao_yuan,medical_insurance_rate,petition_resolution_rate';
  const cube = await table(leader, `codes=${codes}&areas=${tree.township.id},${dengtaId}&periods=2018,2018-Q2,2018-03`);
  assert.deepEqual(cube.indicators.map((i) => i.code), codes.split(','));
  assert.deepEqual(cube.indicators.map((i) => i.unit), ['人', '万元', '%', '%']);
  assert.deepEqual(cube.areas.map((a) => [a.id, a.name]), [[tree.township.id, tree.township.name], [dengtaId, '灯塔村']]);
  assert.deepEqual(cube.periods.map((p) => [p.key, p.from, p.to, p.label]), [
    ['2018', '2018-01-01', '2018-12-31', '2018年'],
    ['2018-Q2', '2018-04-01', '2018-06-30', '2018年第二季度'],
    ['2018-03', '2018-03-01', '2018-03-31', '2018年3月'],
  ]);
  assert.equal(cube.cells.length, 4 * 2 * 3);
  for (const area of cube.areas) {
    for (const p of cube.periods) {
      const v = await values(leader, `codes=${codes}&areaId=${area.id}&period=${p.key}`);
      for (const code of codes.split(',')) {
        const c = cell(cube, code, area.id, p.key);
        assert.deepEqual([c.num, c.den, c.text], [v[code].num, v[code].den, v[code].text], `${code} ${area.name} ${p.key}`);
      }
    }
  }
  // the demo's 2018 figures are real numbers, not zeros
  assert.ok(cell(cube, 'dibao_yuan', tree.township.id, '2018').num > 0);
  assert.ok(cell(cube, 'population', dengtaId, '2018').num > 0);
  // the demo's 2018 petitions: 80 of 86 resolved; 2017 had none, a rate over nothing is "—"
  assert.equal(cell(cube, 'petition_resolution_rate', tree.township.id, '2018').text, '93%');
  const y2017 = await table(leader, `codes=petition_resolution_rate&areas=${tree.township.id}&periods=2017`);
  assert.equal(cell(y2017, 'petition_resolution_rate', tree.township.id, '2017').text, '—');
});

test('ana-2 areas=children: the villages of the township, whose counts and sums add up to the township', async () => {
  const cube = await table(leader, `codes=${COUNTS.join(',')}&areas=children&periods=2018`);
  assert.deepEqual(cube.areas.map((a) => a.id).sort(), tree.villageList.map((a) => a.id).sort());
  assert.ok(cube.areas.every((a) => a.level === 'village' && a.path.startsWith(tree.township.path)));
  const town = await table(leader, `codes=${COUNTS.join(',')}&periods=2018`);
  assert.deepEqual(town.areas.map((a) => a.id), [tree.township.id], 'no areas: the user\'s own');
  for (const code of COUNTS) {
    const sum = cube.areas.reduce((s, a) => s + cell(cube, code, a.id, '2018').num, 0);
    const whole = cell(town, code, tree.township.id, '2018').num;
    assert.ok(whole > 0, `${code} is not empty`);
    assert.equal(sum, whole, `${code}: the villages add up to the township`);
  }
  // children:ID names the parent; the same villages
  const same = await table(leader, `codes=population&areas=children:${tree.township.id}&periods=2018`);
  assert.deepEqual(same.areas.map((a) => a.id), cube.areas.map((a) => a.id));
});

test('ana-3 periods 2018:months sum to the year, 2018:quarters too', async () => {
  const codes = ['dibao_yuan', 'benefit_yuan', 'health_aid_yuan', 'education_aid_yuan'];
  const months = await table(leader, `codes=${codes.join(',')}&periods=2018:months,2018`);
  assert.deepEqual(months.periods.map((p) => p.key), [...Array.from({ length: 12 }, (_, i) => `2018-${String(i + 1).padStart(2, '0')}`), '2018']);
  assert.equal(months.periods[1].to, '2018-02-28');
  const quarters = await table(leader, `codes=${codes.join(',')}&periods=2018:quarters`);
  assert.deepEqual(quarters.periods.map((p) => p.label), ['2018年第一季度', '2018年第二季度', '2018年第三季度', '2018年第四季度']);
  const id = tree.township.id;
  for (const code of codes) {
    const year = cell(months, code, id, '2018').num;
    assert.ok(year > 0, `${code} in 2018`);
    const m = months.periods.slice(0, 12).reduce((s, p) => s + cell(months, code, id, p.key).num, 0);
    const q = quarters.periods.reduce((s, p) => s + cell(quarters, code, id, p.key).num, 0);
    assert.equal(m, year, `${code}: months`);
    assert.equal(q, year, `${code}: quarters`);
  }
});

test('ana-4 refusals: too large a table, bad codes, areas, periods and format; areas out of scope', async () => {
  // every indicator × 7 villages × 12 months × 5 years is far above 5000 cells
  const big = await leader.get('/api/v1/indicators/table?areas=children&periods=2014:months,2015:months,2016:months,2017:months,2018:months');
  expectError(big, 400, 'invalid_input');
  assert.match(big.body.error.message, /超过上限 5000 格/);
  const bad = async (query, status, code, field) => {
    const r = await leader.get(`/api/v1/indicators/table?${query}`);
    expectError(r, status, code, field);
    assert.match(r.body.error.message, /[\u4e00-\u9fff]/, `a Chinese message for ${query}`);
    return r;
  };
  await bad('codes=population,nope&periods=2018', 400, 'invalid_input', 'codes');
  await bad('codes=population,,households&periods=2018', 400, 'invalid_input', 'codes');
  await bad('codes=population', 400, 'invalid_input', 'periods');
  for (const p of ['2018-13', '2018:weeks', '18:months', '2018-Q5', '2018,', 'x:months']) {
    await bad(`codes=population&periods=${encodeURIComponent(p)}`, 400, 'invalid_input', 'periods');
  }
  for (const a of ['abc', 'children:x', '1;2', '-3']) {
    await bad(`codes=population&periods=2018&areas=${encodeURIComponent(a)}`, 400, 'invalid_input', 'areas');
  }
  await bad('codes=population&periods=2018&format=csv', 400, 'invalid_input', 'format');
  await bad('codes=population&periods=2018&areas=99999999', 404, 'not_found');
  // a village user: another village, the township and its children are out of scope
  const datang = tree.villages.get(DATANG_CODE).id;
  await expectError(await dengta.get(`/api/v1/indicators/table?codes=population&periods=2018&areas=${datang}`), 404, 'not_found');
  await expectError(await dengta.get(`/api/v1/indicators/table?codes=population&periods=2018&areas=${tree.township.id}`), 404, 'not_found');
  await expectError(await dengta.get(`/api/v1/indicators/table?codes=population&periods=2018&areas=children:${tree.township.id}`), 404, 'not_found');
  // the server keeps serving
  await table(leader, 'codes=population&periods=2018');
});

test('ana-5 a village user gets only their village, and rights per indicator as /values', async () => {
  const dengtaId = tree.villages.get(DENGTA_CODE).id;
  const cube = await table(dengta, 'codes=population,households&periods=2018');
  assert.deepEqual(cube.areas.map((a) => a.id), [dengtaId]);
  const v = await values(dengta, 'codes=population,households&period=2018');
  assert.equal(cell(cube, 'population', dengtaId, '2018').num, v.population.num);
  const all = await table(leader, `codes=population&areas=children&periods=2018`);
  assert.equal(cell(all, 'population', dengtaId, '2018').num, v.population.num);
  assert.ok(v.population.num < (await values(leader, 'codes=population&period=2018')).population.num);
  // a user without benefit.read is refused a benefits indicator, as /values does
  const auditor = await login(srv.url, 'auditor');
  const r = await auditor.get('/api/v1/indicators/values?codes=dibao_yuan&period=2018');
  const t = await auditor.get('/api/v1/indicators/table?codes=dibao_yuan&periods=2018');
  assert.equal(t.status, r.status);
  assert.equal(t.status, 403);
  const assist = await login(srv.url, 'assist');
  expectError(await assist.get('/api/v1/indicators/table?codes=population&periods=2018'), 403, 'forbidden');
});

test('ana-6 a county user sees the townships side by side', async () => {
  // a county user: the staff role (rights the admin may grant) at the county
  const roles = await roleIds(admin);
  const u = await createUser(admin, { username: 'county.lead', name: '县领导', password: STRONG, areaId: tree.county.id, roleIds: [roles.staff] });
  expectStatus(u, 201, 'county user:');
  const c = await login(srv.url, 'county.lead', STRONG);
  expectStatus(await c.post('/api/v1/me/password', { oldPassword: STRONG, newPassword: 'County-Lead-2026' }), 204);
  const county = await login(srv.url, 'county.lead', 'County-Lead-2026');
  const cube = await table(county, 'codes=population,dibao_yuan&areas=children&periods=2018');
  assert.deepEqual(cube.areas.map((a) => [a.id, a.level]), [[tree.township.id, 'township']]);
  const town = await table(leader, 'codes=population,dibao_yuan&periods=2018');
  for (const code of ['population', 'dibao_yuan']) {
    assert.equal(cell(cube, code, tree.township.id, '2018').num, cell(town, code, tree.township.id, '2018').num);
  }
});

test('ana-7 the .xlsx: one row per area and period, one column per indicator, numbers as numbers', async () => {
  const q = 'codes=population,dibao_yuan,petition_resolution_rate&areas=children&periods=2018,2018-Q1';
  const cube = await table(leader, q);
  for (const p of [`/api/v1/indicators/table.xlsx?${q}`, `/api/v1/indicators/table?${q}&format=xlsx`]) {
    const r = await download(leader, p);
    assert.equal(r.status, 200, r.buf.toString('utf8').slice(0, 300));
    assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const cd = r.headers.get('content-disposition');
    assert.match(cd, /^attachment; filename="indicators-\d{4}-\d\d-\d\d\.xlsx"/);
    assert.match(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(cd)[1]), /^指标统计表-\d{4}-\d\d-\d\d\.xlsx$/);
    const { rows, xml } = readXlsx(r.buf);
    assert.deepEqual(rows[0], ['区划', '统计期间', '在册人口（人）', '低保金（万元）', '信访化解率（%）']);
    assert.equal(rows.length, 1 + cube.areas.length * 2);
    assert.equal(Number(r.headers.get('x-export-rows')), cube.areas.length * 2);
    let k = 1;
    for (const a of cube.areas) {
      for (const period of cube.periods) {
        const row = rows[k++];
        assert.deepEqual(row.slice(0, 2), [a.name, period.label]);
        const pop = cell(cube, 'population', a.id, period.key);
        assert.equal(Number(row[2]), pop.num, `${a.name} ${period.key} population`);
        const yuan = cell(cube, 'dibao_yuan', a.id, period.key);
        assert.equal(Number(row[3]).toFixed(4), yuan.text.replace('万元', ''), `${a.name} ${period.key} 低保金`);
        const rate = cell(cube, 'petition_resolution_rate', a.id, period.key);
        if (rate.den === 0) assert.equal(row[4], '—', `${a.name} ${period.key}: no petitions, the rate is —`);
        else assert.equal(`${Math.round(Number(row[4]))}%`, rate.text, `${a.name} ${period.key} 信访化解率`);
      }
    }
    // numbers are numeric cells shown in the unit's format, not text
    assert.match(unzip(r.buf).get('xl/styles.xml').toString('utf8'), /formatCode="0\.0000&quot;万元&quot;"/);
    assert.match(xml, /<c r="C2" s="\d+"><v>\d+<\/v><\/c>/, 'the population is a number cell');
    assert.ok(!xml.includes('万元</t>'), 'no money as text');
  }
  // the export is audited
  const auditor = await login(srv.url, 'auditor');
  const audit = await auditor.get('/api/v1/audit?action=export&entity=indicator_table&pageSize=5');
  expectStatus(audit, 200);
  assert.equal(audit.body.pager.total, 2, 'both downloads audited');
  assert.equal(audit.body.items[0].username, 'leader');
  assert.equal(audit.body.items[0].after.rows, cube.areas.length * 2);
  // errors of the table are errors of the file too
  const bad = await download(leader, '/api/v1/indicators/table.xlsx?codes=nope&periods=2018');
  expectError({ status: bad.status, body: bad.body }, 400, 'invalid_input', 'codes');
});

test('ana-8 drill-down rows name their village and household, for the dashboard\'s links', async () => {
  const cube = await table(leader, 'codes=monitored_households,monitored_unstable,monitored_edge,monitored_sudden&areas=children&periods=2018');
  const total = cube.areas.reduce((s, a) => s + cell(cube, 'monitored_households', a.id, '2018').num, 0);
  const parts = ['monitored_unstable', 'monitored_edge', 'monitored_sudden']
    .reduce((s, code) => s + cube.areas.reduce((t, a) => t + cell(cube, code, a.id, '2018').num, 0), 0);
  assert.ok(total > 0);
  assert.equal(parts, total, 'the categories add up to the monitored households');
  const r = await leader.get('/api/v1/indicators/monitored_households/records?period=2018&pageSize=100');
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, total);
  for (const x of r.body.items) {
    assert.equal(x.householdId, x.id, 'a household links to itself');
    const village = cube.areas.find((a) => x.areaPath.startsWith(a.path));
    assert.ok(village, `${x.areaPath} lies in a village`);
    // the name of the record's own area (its grid or group), as the areas table has it
    assert.equal(x.areaName, sql(srv.db, `SELECT name FROM areas WHERE path = '${x.areaPath}'`)[0].name);
  }
  const pay = await leader.get('/api/v1/indicators/dibao_yuan/records?period=2018&pageSize=3');
  expectStatus(pay, 200);
  assert.ok(pay.body.items.every((x) => Number.isInteger(x.householdId) && x.householdId > 0 && x.amountFen > 0));
});

// An API key made with the CLI (`zhenwu apikey add NAME [--user USERNAME]`): the key printed once.
function newKey(name, user) {
  const out = zw(['apikey', 'add', name, ...(user ? ['--user', user] : []), '--db', srv.db]);
  const key = out.trim().split('\n').pop();
  assert.match(key, user ? /^zwapi_[a-z2-7]{32}$/ : /^zw311_[a-z2-7]{32}$/);
  return key;
}
const keyed = (key) => {
  const c = new Client(srv.url);
  return {
    get: (p) => c.req('GET', p, undefined, { authorization: `Bearer ${key}` }),
    post: (p, body) => c.req('POST', p, body, { authorization: `Bearer ${key}` }),
  };
};

test('ana-9 a county system pulls with an API key acting for a user: the same cube, read-only, in that user\'s scope', async () => {
  const key = newKey('county-pull', 'leader');
  const k = keyed(key);
  const q = 'codes=population,petitions_received,petition_resolution_rate&areas=children&periods=2018';
  const viaKey = await k.get(`/api/v1/indicators/table?${q}`);
  expectStatus(viaKey, 200);
  assert.deepEqual(viaKey.body, await table(leader, q), 'the same cube as the user\'s session');
  const me = await k.get('/api/v1/me');
  expectStatus(me, 200);
  assert.equal(me.body.username, 'leader');
  expectStatus(await k.get('/api/v1/areas'), 200);
  const xlsx = await k.get(`/api/v1/indicators/table.xlsx?${q}`);
  expectStatus(xlsx, 200);
  // read-only, and only the analytics
  for (const p of ['/api/v1/cases', '/api/v1/households', '/api/v1/audit'])
    expectError(await k.get(p), 403, 'forbidden');
  const closes = () => Number(sql(srv.db, 'SELECT count(*) AS n FROM period_closes')[0].n);
  const before = closes();
  expectError(await k.post('/api/v1/periods', { period: '2018', areaId: tree.township.id }), 403, 'forbidden');
  assert.equal(closes(), before, 'nothing closed');
  // a village cadre's key counts their village only
  const v = keyed(newKey('village-pull', 'dengta'));
  const mine = await v.get('/api/v1/indicators/values?period=2018&codes=population');
  expectStatus(mine, 200);
  assert.equal(mine.body.items[0].num, (await values(dengta, 'period=2018&codes=population')).population.num);
  expectError(await v.get(`/api/v1/indicators/values?period=2018&codes=population&areaId=${tree.villages.get(DATANG_CODE).id}`), 404, 'not_found');
  // unknown, Open311 and disabled keys: 401; an analytics key cannot file Open311 requests
  expectError(await keyed('zwapi_nosuchkeynosuchkeynosuchkeynosu').get('/api/v1/me'), 401, 'unauthenticated');
  const open311 = newKey('app-311');
  expectError(await keyed(open311).get('/api/v1/indicators'), 401, 'unauthenticated');
  const o = await new Client(srv.url).req('POST', '/open311/v2/requests.json',
    `api_key=${key}&service_code=dispute&description=${encodeURIComponent('邻里纠纷需要调解处理')}&phone=13800138000`,
    { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(o.status, 403);
  zw(['apikey', 'disable', 'county-pull', '--db', srv.db]);
  const off = await k.get('/api/v1/me');
  expectError(off, 401, 'unauthenticated');
  assert.match(off.body.error.message, /已停用/);
  const list = zw(['apikey', 'list', '--db', srv.db]);
  assert.match(list, /county-pull\s+已停用\s+统计接口（用户 leader）/);
  assert.match(list, /app-311\s+有效\s+Open311 报事/);
  // a key for a user who does not exist is refused, and nothing is stored
  let refused = null;
  try { zw(['apikey', 'add', 'ghost-pull', '--user', 'nosuchuser', '--db', srv.db]); } catch (e) { refused = e; }
  assert.ok(refused && refused.status !== 0, 'apikey add --user nosuchuser fails');
  assert.match(String(refused.stderr), /没有用户“nosuchuser”/);
  assert.equal(Number(sql(srv.db, "SELECT count(*) AS n FROM api_keys WHERE name = 'ghost-pull'")[0].n), 0);
  // a session still works as before
  expectStatus(await leader.get('/api/v1/cases'), 200);
});
