// The household and person registry (docs/registry.md): households, persons
// with GB 11643 ID numbers, dated membership, the five guarantees, income,
// history, likely duplicates, masking and scope.  Real server, real database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, children, sql, sqlExec, checkCounts, assertCountsExact, DENGTA_CODE, DATANG_CODE } from './lib.mjs';
import { idnum } from '../lib/idnum.mjs';

// A wrong check character for the same 17 digits.
const badCheck = (id) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

let srv, staff, leader, dengta, datang, grid, assist, tree, dengtaArea, datangArea, grids;
let seq = 0;
// A fresh valid ID number: the 3-digit sequence is odd for men, even for women.
const nextId = (birth = '19800101', male = true) => {
  seq += 1;
  const n = (2 * seq + (male ? 1 : 0)) % 1000;
  return idnum(`500236${birth}${String(n).padStart(3, '0')}`);
};
before(async () => {
  srv = await startServer();
  [staff, leader, dengta, datang, grid, assist] = await Promise.all(
    ['staff', 'leader', 'dengta', 'datang', 'grid', 'assist'].map((u) => login(srv.url, u)));
  tree = await areaTree(leader);
  dengtaArea = tree.villages.get(DENGTA_CODE);
  datangArea = tree.villages.get(DATANG_CODE);
  grids = (await children(leader, dengtaArea.id)).filter((a) => a.level === 'grid');
});
after(async () => { if (srv) await srv.stop(); });

async function newHousehold(c = staff, over = {}) {
  const r = await c.post('/api/v1/households', { areaId: dengtaArea.id, address: '灯塔村一组8号', categories: ['tuopin'], ...over });
  expectStatus(r, 201, 'household');
  return r.body;
}
async function addPerson(hh, over = {}, c = staff) {
  const r = await c.post(`/api/v1/households/${hh.id}/persons`, {
    name: '张三', idNumber: nextId(), relation: 'head', labour: 'normal', health: 'healthy',
    insuredMedical: true, insuredSerious: true, joinedOn: '2010-01-01', ...over,
  });
  return r;
}

test('reg-1 a household is numbered under its village, with categories, and reads back', async () => {
  const h = await newHousehold(staff, { categories: ['tuopin', 'dibao'], poorYear: 2014, exitYear: 2018, phone: '13900001111' });
  assert.match(h.code, new RegExp(`^${DENGTA_CODE}\\d{4}$`));
  assert.equal(h.village.code, DENGTA_CODE);
  assert.deepEqual(h.categories.map((c) => c.name), ['脱贫户', '低保户']);
  assert.equal(h.poorYear, 2014);
  assert.equal(h.exitYear, 2018);
  assert.equal(h.phone, '139****1111', 'phone masked');
  assert.equal(h.monitor.status, 'none');
  const h2 = await newHousehold();
  assert.equal(Number(h2.code.slice(-4)), Number(h.code.slice(-4)) + 1, 'next number');
  const g = await staff.get(`/api/v1/households/${h.id}`);
  expectStatus(g, 200);
  assert.equal(g.headers.get('etag'), '"v1"');
  assert.deepEqual(g.body.persons, []);
  assert.equal(g.body.guarantees.length, 6);
  assert.deepEqual(g.body.guarantees.map((x) => x.name), ['不愁吃', '不愁穿', '义务教育有保障', '基本医疗有保障', '住房安全有保障', '饮水安全有保障']);
  assert.ok(g.body.guarantees.every((x) => x.ok === null), 'never checked');
});

test('reg-2 bad household input is refused in Chinese and writes nothing', async () => {
  const before = sql(srv.db, 'SELECT count(*) AS n FROM households')[0].n;
  expectError(await staff.post('/api/v1/households', { areaId: dengtaArea.id, categories: ['rich'] }), 400, 'invalid_input', 'categories');
  expectError(await staff.post('/api/v1/households', { areaId: dengtaArea.id, categories: 'tuopin' }), 400, 'invalid_input', 'categories');
  expectError(await staff.post('/api/v1/households', { areaId: 'x' }), 400, 'invalid_input', 'areaId');
  expectError(await staff.post('/api/v1/households', { areaId: tree.township.id }), 400, 'invalid_input', 'areaId');
  expectError(await staff.post('/api/v1/households', { areaId: dengtaArea.id, poorYear: 2018, exitYear: 2016 }), 400, 'invalid_input', 'exitYear');
  expectError(await staff.post('/api/v1/households', { areaId: dengtaArea.id, phone: 'abc' }), 400, 'invalid_input', 'phone');
  expectError(await staff.post('/api/v1/households', { areaId: dengtaArea.id, nope: 1 }), 400, 'unknown_field');
  // a village cadre cannot register a household in another village
  expectError(await datang.post('/api/v1/households', { areaId: dengtaArea.id }), 400, 'invalid_input', 'areaId');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM households')[0].n, before);
});

test('reg-3 ID numbers: check digit, lower-case x, Feb 29, future dates; sex and birth date derived', async () => {
  const h = await newHousehold();
  const good = idnum('50023619800229001'); // 1980 is a leap year
  assert.ok(good);
  let r = await addPerson(h, { idNumber: good });
  if (good.endsWith('X')) assert.equal(r.body.idNumber.endsWith('X'), true);
  expectStatus(r, 201);
  assert.equal(r.body.birthDate, '1980-02-29');
  assert.equal(r.body.sex, 'M');
  assert.equal(r.body.sexName, '男');
  assert.equal(r.body.idNumber, `500236********${good.slice(14)}`, 'masked: 6 + 8 stars + 4');
  assert.equal(r.body.relationName, '户主');
  // Feb 29 of a common year
  expectError(await addPerson(h, { idNumber: idnum('50023619810229002'), relation: 'spouse' }), 400, 'invalid_input', 'idNumber');
  // a bad check character
  const r2 = await addPerson(h, { idNumber: badCheck(nextId()), relation: 'spouse' });
  expectError(r2, 400, 'invalid_input', 'idNumber');
  assert.match(r2.body.error.message, /校验/);
  // born in the future
  expectError(await addPerson(h, { idNumber: idnum('50023620990101004'), relation: 'son' }), 400, 'invalid_input', 'idNumber');
  // lower-case x is accepted and stored upper-case
  let xid = null;
  for (let s = 10; s < 999 && !xid; s++) {
    const c = idnum(`500236199002020${String(s).padStart(2, '0')}`.slice(0, 17));
    if (c.endsWith('X')) xid = c;
  }
  assert.ok(xid, 'found an ID ending in X');
  r = await addPerson(h, { name: '李四', idNumber: xid.toLowerCase(), relation: 'spouse' });
  expectStatus(r, 201);
  assert.equal(sql(srv.db, `SELECT id_number FROM persons WHERE id = ${r.body.id}`)[0].id_number, xid);
  // the same person cannot be entered twice
  const dup = await addPerson(h, { name: '李四', idNumber: xid, relation: 'other' });
  expectError(dup, 409, 'conflict', 'idNumber');
  // a second head is refused
  expectError(await addPerson(h, { name: '王五', relation: 'head' }), 409, 'conflict', 'relation');
});

test('reg-4 membership: one household at a time, dated moves and leaving, head follows', async () => {
  const a = await newHousehold();
  const b = await newHousehold();
  const head = (await addPerson(a, { name: '赵大' })).body;
  const son = (await addPerson(a, { name: '赵二', relation: 'son', idNumber: nextId('20000101'), joinedOn: '2000-01-01' })).body;
  let g = (await staff.get(`/api/v1/households/${a.id}`)).body;
  assert.equal(g.members, 2);
  assert.equal(g.head.id, head.id);
  // the son splits into household b
  let r = await staff.post(`/api/v1/persons/${son.id}/move`, { householdId: b.id, on: '2020-05-01', reason: 'split' });
  expectStatus(r, 200);
  assert.equal(r.body.household.id, b.id);
  g = (await staff.get(`/api/v1/households/${a.id}`)).body;
  assert.equal(g.members, 1);
  const ms = g.memberships.find((m) => m.person.id === son.id);
  assert.equal(ms.leftOn, '2020-05-01');
  assert.equal(ms.leaveReasonName, '分户');
  const gb = (await staff.get(`/api/v1/households/${b.id}`)).body;
  assert.equal(gb.memberships[0].joinReasonName, '分户');
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM memberships WHERE person_id = ${son.id} AND left_on IS NULL`)[0].n, 1);
  // moving into the household one is already in is refused
  expectError(await staff.post(`/api/v1/persons/${son.id}/move`, { householdId: b.id, on: '2021-01-01', reason: 'moved' }), 400, 'invalid_input');
  // a leaving date before joining is refused
  expectError(await staff.post(`/api/v1/persons/${head.id}/leave`, { leftOn: '2009-01-01', reason: 'death' }), 400, 'invalid_input', 'leftOn');
  expectError(await staff.post(`/api/v1/persons/${head.id}/leave`, { leftOn: '2020-01-01', reason: 'lost' }), 400, 'invalid_input', 'reason');
  // the head dies: the household has no head any more
  r = await staff.post(`/api/v1/persons/${head.id}/leave`, { leftOn: '2022-03-04', reason: 'death' });
  expectStatus(r, 200);
  assert.equal(r.body.status, 'dead');
  assert.equal(r.body.household, null);
  g = (await staff.get(`/api/v1/households/${a.id}`)).body;
  assert.equal(g.head, null);
  assert.equal(g.members, 0);
  // history keeps every step, newest first
  const items = (await staff.get(`/api/v1/households/${a.id}/history`)).body.items;
  const hist = items.map((x) => x.actionName);
  assert.deepEqual(hist.slice(0, 4), ['成员离户', '迁出', '新增成员', '新增成员']);
  // each member's change names the member (docs: person {id, name})
  assert.deepEqual(items.slice(0, 4).map((x) => x.person), [
    { id: head.id, name: '赵大' }, { id: son.id, name: '赵二' }, { id: son.id, name: '赵二' }, { id: head.id, name: '赵大' }]);
  assert.equal(items.at(-1).person, null);
  assert.equal(hist.at(-1), '建户');
});

test('reg-5 the five guarantees: computed from values and records, red where one fails', async () => {
  const h = await newHousehold();
  await addPerson(h, { name: '钱一' });
  const kr = await addPerson(h, { name: '钱小', relation: 'son', idNumber: nextId('20150301'), joinedOn: '2015-03-01', schooling: 'dropout', insuredMedical: true, insuredSerious: false });
  expectStatus(kr, 201);
  const kid = kr.body;
  // joining before one's birth is refused
  expectError(await addPerson(h, { name: '钱未', relation: 'son', idNumber: nextId('20160301'), joinedOn: '2016-02-01' }), 400, 'invalid_input', 'joinedOn');
  const post = (b) => staff.post(`/api/v1/households/${h.id}/guarantees`, { checkedOn: '2026-11-01', ...b });
  let r = await post({ kind: 'housing', rating: 'C' });
  expectStatus(r, 201);
  assert.equal(r.body.ok, false, 'a C-rated house fails');
  assert.equal(r.body.rating, 'C');
  r = await post({ kind: 'housing', rating: 'B', checkedOn: '2026-11-10' });
  assert.equal(r.body.ok, true, 'the newer check counts');
  r = await post({ kind: 'education' });
  assert.equal(r.body.ok, false, 'an 11-year-old dropout fails compulsory education');
  assert.deepEqual(r.body.values.failing, ['钱小']);
  r = await post({ kind: 'medical' });
  assert.equal(r.body.ok, false, 'a member without 大病保险');
  // water: the four criteria
  r = await post({ kind: 'water', litres: 40, minutes: 30, horizontalM: 500, verticalM: 50, cutDays: 10, qualityOk: true });
  assert.equal(r.body.ok, true, '30 minutes but within 800 m / 80 m');
  r = await post({ kind: 'water', litres: 30, minutes: 10, horizontalM: 100, verticalM: 10, cutDays: 10, qualityOk: true, checkedOn: '2026-11-11' });
  assert.equal(r.body.ok, false, '30 L is under 35 L');
  assert.equal(r.body.values.criteria.quantity, false);
  r = await post({ kind: 'water', litres: 30, minutes: 10, horizontalM: 100, verticalM: 10, cutDays: 10, qualityOk: true, dryRegion: true, checkedOn: '2026-11-12' });
  assert.equal(r.body.ok, true, '30 L passes in a dry region (20 L)');
  r = await post({ kind: 'food', ok: true });
  assert.equal(r.body.ok, true);
  // bad checks
  expectError(await post({ kind: 'housing', rating: 'E' }), 400, 'invalid_input', 'rating');
  expectError(await post({ kind: 'water', litres: 40 }), 400, 'invalid_input');
  expectError(await post({ kind: 'luck' }), 400, 'invalid_input', 'kind');
  expectError(await post({ kind: 'food' }), 400, 'invalid_input', 'ok');
  expectError(await post({ kind: 'food', ok: true, checkedOn: '2099-01-01' }), 400, 'invalid_input', 'checkedOn');
  const g = (await staff.get(`/api/v1/households/${h.id}`)).body;
  const by = Object.fromEntries(g.guarantees.map((x) => [x.kind, x.ok]));
  assert.deepEqual(by, { food: true, clothing: null, education: false, medical: false, housing: true, water: true });
  // the list finds households with a failed guarantee
  const failing = (await staff.get('/api/v1/households?failing=1&pageSize=100')).body.items.map((x) => x.id);
  assert.ok(failing.includes(h.id));
  // once the child is back at school and insured, both pass
  const p = (await staff.get(`/api/v1/persons/${kid.id}`));
  expectStatus(await staff.patch(`/api/v1/persons/${kid.id}`, { schooling: 'primary', insuredSerious: true }, { 'if-match': p.headers.get('etag') }), 200);
  assert.equal((await post({ kind: 'education', checkedOn: '2026-11-20' })).body.ok, true);
  assert.equal((await post({ kind: 'medical', checkedOn: '2026-11-20' })).body.ok, true);
});

test('reg-6 income: net per person in fen against the monitoring line', async () => {
  const h = await newHousehold();
  await addPerson(h, { name: '孙一' });
  await addPerson(h, { name: '孙二', relation: 'spouse', idNumber: nextId('19820101', false) });
  expectStatus(await addPerson(h, { name: '孙三', relation: 'daughter', idNumber: nextId('20100101', false), joinedOn: '2010-01-01' }), 201);
  const r = await staff.post(`/api/v1/households/${h.id}/incomes`, {
    assessedOn: '2026-10-31', wagesFen: 1500000, businessFen: 300000, propertyFen: 0, transfersFen: 120001, expensesFen: 200000,
  });
  expectStatus(r, 201);
  assert.equal(r.body.members, 3);
  assert.equal(r.body.netFen, 1720001);
  assert.equal(r.body.perPersonFen, 573333, 'truncated to the fen');
  assert.equal(r.body.lineFen, 600000, 'the national 2021 line applies to Chongqing 2026 in defs');
  assert.equal(r.body.belowLine, true);
  const bad = await staff.post(`/api/v1/households/${h.id}/incomes`, { assessedOn: '2026-10-31', wagesFen: -1 });
  expectError(bad, 400, 'invalid_input', 'wagesFen');
  expectError(await staff.post(`/api/v1/households/${h.id}/incomes`, { assessedOn: '2026-02-30' }), 400, 'invalid_input', 'assessedOn');
  expectError(await staff.post(`/api/v1/households/${h.id}/incomes`, { assessedOn: '2026-10-31', wagesFen: 1.5 }), 400, 'invalid_input', 'wagesFen');
  const g = (await staff.get(`/api/v1/households/${h.id}`)).body;
  assert.equal(g.incomes.length, 1);
  assert.equal(g.incomes[0].perPersonFen, 573333);
});

test('reg-7 edits need the current version; a stale write changes nothing', async () => {
  const h = await newHousehold();
  let g = await staff.get(`/api/v1/households/${h.id}`);
  const etag = g.headers.get('etag');
  let r = await staff.patch(`/api/v1/households/${h.id}`, { address: '灯塔村二组3号', categories: ['yiban'] }, { 'if-match': etag });
  expectStatus(r, 200);
  assert.equal(r.body.address, '灯塔村二组3号');
  assert.deepEqual(r.body.categories.map((c) => c.code), ['yiban']);
  r = await staff.patch(`/api/v1/households/${h.id}`, { address: '别处' }, { 'if-match': etag });
  expectError(r, 412, 'stale_version');
  expectError(await staff.patch(`/api/v1/households/${h.id}`, { address: '别处' }), 428, 'precondition_required');
  g = (await staff.get(`/api/v1/households/${h.id}`)).body;
  assert.equal(g.address, '灯塔村二组3号');
  // group and grid must belong to the household's village
  const dtGrid = (await children(leader, datangArea.id)).find((a) => a.level === 'grid');
  r = await staff.patch(`/api/v1/households/${h.id}`, { gridId: dtGrid.id }, { 'if-match': `"v${g.version}"` });
  expectError(r, 400, 'invalid_input', 'gridId');
  r = await staff.patch(`/api/v1/households/${h.id}`, { gridId: grids[0].id }, { 'if-match': `"v${g.version}"` });
  expectStatus(r, 200);
  assert.equal(r.body.grid.id, grids[0].id);
});

test('reg-8 likely duplicates are flagged and merged with their history', async () => {
  const a = await newHousehold();
  const b = await newHousehold();
  const p1 = (await addPerson(a, { name: '周同名', idNumber: nextId('19700505') })).body;
  const p2 = (await addPerson(b, { name: '周同名', idNumber: nextId('19700505') })).body;
  const list = (await staff.get('/api/v1/duplicates')).body.items;
  const d = list.find((x) => x.person.id === p2.id && x.other.id === p1.id);
  assert.ok(d, 'same name and birth date in one village is flagged');
  assert.equal(d.reasonName, '同村同名同出生日期');
  expectError(await staff.post(`/api/v1/duplicates/${d.id}/merge`, { keep: 999999 }), 400, 'invalid_input', 'keep');
  const r = await staff.post(`/api/v1/duplicates/${d.id}/merge`, { keep: p1.id });
  expectStatus(r, 200);
  const row = sql(srv.db, `SELECT status, merged_into FROM persons WHERE id = ${p2.id}`)[0];
  assert.deepEqual(row, { status: 'merged', merged_into: p1.id });
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM registry_history WHERE person_id = ${p2.id}`)[0].n, 0, 'history moved to the kept record');
  expectError(await staff.post(`/api/v1/duplicates/${d.id}/merge`, { keep: p1.id }), 409, 'conflict');
  // both households show the merge in their history, with one audit row
  const merges = sql(srv.db, `SELECT household_id FROM registry_history WHERE action = 'person.merge' AND person_id = ${p1.id} ORDER BY household_id`);
  assert.deepEqual(merges.map((m) => m.household_id), [a.id, b.id].sort((x, y) => x - y));
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'person.merge' AND entity = 'person' AND entity_id = '${p1.id}'`)[0].n, 1);
  // b lost its head with the merge
  assert.equal((await staff.get(`/api/v1/households/${b.id}`)).body.head, null);
});

test('reg-9 scope: other villages are not found, grid workers see their grid, 帮扶责任人 their pairs', async () => {
  const h = await newHousehold(staff, { gridId: grids[0].id });
  const other = await newHousehold(staff, { gridId: grids[1].id });
  const p = (await addPerson(h, { name: '吴范围' })).body;
  expectError(await datang.get(`/api/v1/households/${h.id}`), 404, 'not_found');
  expectError(await datang.get(`/api/v1/persons/${p.id}`), 404, 'not_found');
  expectError(await datang.post(`/api/v1/households/${h.id}/persons`, { name: 'x', idNumber: nextId(), relation: 'son' }), 404, 'not_found');
  expectError(await datang.patch(`/api/v1/households/${h.id}`, { address: 'x' }, { 'if-match': '"v1"' }), 404, 'not_found');
  expectStatus(await dengta.get(`/api/v1/households/${h.id}`), 200);
  const dl = (await datang.get('/api/v1/households?pageSize=100')).body.items;
  assert.ok(dl.every((x) => x.village.code === DATANG_CODE));
  // the demo grid worker holds grid W01 of 灯塔村
  expectStatus(await grid.get(`/api/v1/households/${h.id}`), 200);
  expectError(await grid.get(`/api/v1/households/${other.id}`), 404, 'not_found');
  // the assistance cadre sees nothing until paired
  expectError(await assist.get(`/api/v1/households/${h.id}`), 404, 'not_found');
  sqlExec(srv.db, `INSERT INTO assist_cadres (name, user_id, area_id, area_path, created_at, updated_at)
    SELECT name, id, area_id, (SELECT path FROM areas WHERE id = users.area_id), 0, 0 FROM users WHERE username = 'assist'`);
  sqlExec(srv.db, `INSERT INTO household_pairs (household_id, cadre_id, since, created_at)
    SELECT ${h.id}, id, '2026-01-01', 0 FROM assist_cadres WHERE user_id = ${assist.me.id}`);
  expectStatus(await assist.get(`/api/v1/households/${h.id}`), 200);
  expectError(await assist.get(`/api/v1/households/${other.id}`), 404, 'not_found');
  const al = (await assist.get('/api/v1/households')).body;
  assert.deepEqual(al.items.map((x) => x.id), [h.id]);
  // an auditor holds no registry permission
  const auditor = await login(srv.url, 'auditor');
  expectError(await auditor.get('/api/v1/households'), 403, 'forbidden');
});

test('reg-10 the full ID number needs pii.read and is audited; exports are masked', async () => {
  const h = await newHousehold();
  const id = nextId('19660606');
  const p = (await addPerson(h, { name: '郑全号', idNumber: id, phone: '13512345678' })).body;
  assert.equal(p.phone, '135****5678');
  expectError(await staff.get(`/api/v1/persons/${p.id}/id-number`), 403, 'forbidden');
  const r = await leader.get(`/api/v1/persons/${p.id}/id-number`);
  expectStatus(r, 200);
  assert.equal(r.body.idNumber, id);
  assert.equal(sql(srv.db, `SELECT count(*) AS n FROM audit_log WHERE action = 'pii_read' AND entity = 'person' AND entity_id = '${p.id}'`)[0].n, 1);
  // the list and the search by full ID find the person, masked
  const found = (await staff.get(`/api/v1/persons?q=${id}`)).body.items;
  assert.equal(found.length, 1);
  assert.equal(found[0].idNumber.includes('*'), true);
  // exports: masked; full only for pii.read, audited either way
  const dir = mkdtempSync(path.join(tmpdir(), 'zw-reg-'));
  try {
    const text = async (c, url) => {
      const res = await fetch(srv.url + url, { headers: { cookie: c.cookie } });
      assert.equal(res.status, 200, url);
      const f = path.join(dir, 'x.xlsx');
      writeFileSync(f, Buffer.from(await res.arrayBuffer()));
      return execFileSync('unzip', ['-p', f], { encoding: 'utf8' });
    };
    let x = await text(staff, '/api/v1/exports/persons.xlsx?q=' + encodeURIComponent('郑全号'));
    assert.ok(!x.includes(id), 'no full ID in the masked export');
    assert.ok(x.includes(`500236********${id.slice(14)}`));
    assert.ok(!x.includes('13512345678'));
    expectError(await staff.get('/api/v1/exports/persons.xlsx?full=1'), 403, 'forbidden');
    x = await text(leader, '/api/v1/exports/persons.xlsx?full=1&q=' + encodeURIComponent('郑全号'));
    assert.ok(x.includes(id), 'full export for pii.read');
    x = await text(staff, `/api/v1/exports/households.xlsx?q=${h.code}`);
    assert.ok(x.includes(h.code) && !x.includes(id));
    assert.ok(sql(srv.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'export' AND entity IN ('person', 'household')")[0].n >= 3);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('reg-11 code tables come from defs/registry.json', async () => {
  const r = await staff.get('/api/v1/registry/codes');
  expectStatus(r, 200);
  assert.deepEqual(r.body.categories.map((c) => c.name), ['脱贫户', '监测对象', '低保户', '特困供养户', '一般农户']);
  assert.equal(r.body.guarantees.water.litresPerPersonDay, 35);
  assert.ok(r.body.monitoring.lines.some((l) => l.province === '43' && l.year === 2023 && l.yuan === 7500));
});

test('reg-12 bad filters on the household list: 400 invalid_input naming the field, in Chinese', async () => {
  const h = await newHousehold(staff, { categories: ['dibao'] });
  const bad = [
    ['category=rich', 'category', '户类别不正确'],
    ['category=%E8%84%B1%E8%B4%AB%E6%88%B7', 'category', '户类别不正确'], // the name 脱贫户, not its code
    ['monitor=watching', 'monitor', '监测状态不正确'],
    ['monitor=MONITORED', 'monitor', '监测状态不正确'],
    ['failing=yes', 'failing', '参数“failing”应为 0 或 1'],
    ['areaId=abc', 'areaId', '参数“areaId”应为非负整数'],
    ['areaId=-3', 'areaId', '参数“areaId”应为非负整数'],
    ['areaId=1.5', 'areaId', '参数“areaId”应为非负整数'],
    ['pageSize=201', 'pageSize', '每页条数应在 1 至 200 之间'],
    ['pageSize=0', 'pageSize', '每页条数应在 1 至 200 之间'],
    ['pageSize=ten', 'pageSize', '参数“pageSize”应为非负整数'],
    ['page=0', 'page', '页码应从 1 开始'],
  ];
  for (const [q, field, message] of bad) {
    for (const p of ['/api/v1/households', '/api/v1/exports/households.xlsx']) {
      const r = await staff.get(`${p}?${q}`);
      expectError(r, 400, 'invalid_input', field);
      assert.equal(r.body.error.message, message, `${p}?${q}`);
    }
  }
  // an area id that is a number but not an area of the scope: 404, as for any unknown id
  expectError(await staff.get('/api/v1/households?areaId=99999999'), 404, 'not_found');
  expectError(await dengta.get(`/api/v1/households?areaId=${datangArea.id}`), 404, 'not_found');
  // the good values of the same filters answer, and filter
  const ok = async (q) => {
    const r = await staff.get(`/api/v1/households?${q}&q=${h.code}`);
    expectStatus(r, 200, q);
    return r.body.items.map((x) => x.id);
  };
  assert.deepEqual(await ok('category=dibao'), [h.id]);
  assert.deepEqual(await ok('category=tuopin'), []);
  assert.deepEqual(await ok('category='), [h.id], 'an empty filter is no filter');
  assert.deepEqual(await ok('monitor=none'), [h.id]);
  assert.deepEqual(await ok('monitor=monitored'), []);
  assert.deepEqual(await ok('failing=0'), [h.id]);
  assert.deepEqual(await ok('failing=1'), []);
  assert.deepEqual(await ok(`areaId=${dengtaArea.id}&pageSize=200`), [h.id]);
  const max = await staff.get('/api/v1/households?pageSize=200');
  expectStatus(max, 200);
  assert.equal(max.body.pager.pageSize, 200);
});

test('reg-12.1 every write above (households, persons, moves, leaving, edits, merges) kept the indicators\' counters equal to the records', async () => {
  assertCountsExact(srv.db);
  // and the counters answer: 灯塔村's population now, from the API, is a count of its records
  const village = dengtaArea;
  const [{ n }] = sql(srv.db, `SELECT COUNT(*) AS n FROM persons WHERE status = 'active' AND area_path LIKE '${village.path}%'`);
  const r = await leader.get(`/api/v1/indicators/values?codes=population,monitored_households&areaId=${village.id}&period=${new Date().getFullYear()}`);
  expectStatus(r, 200);
  assert.equal(r.body.items.find((x) => x.code === 'population').num, Number(n));
});

test('reg-13 the database itself refuses statuses outside their lists (the CHECK constraints, also as rewritten for SQLite by 0017)', async () => {
  const h = await newHousehold();
  const p = (await addPerson(h, { name: '钱约束' })).body;
  const refused = (q) => assert.throws(() => sqlExec(srv.db, q), /CHECK constraint failed|violates check constraint/, q);
  refused(`UPDATE persons SET status = 'lost' WHERE id = ${p.id}`);
  refused(`UPDATE households SET monitor_status = 'watched' WHERE id = ${h.id}`);
  refused(`INSERT INTO guarantee_checks (household_id, kind, ok, checked_on, checker_name, created_at) VALUES (${h.id}, 'roads', 1, '2026-01-01', '钱核查', 0)`);
  // the listed values pass
  sqlExec(srv.db, `UPDATE persons SET status = 'gone' WHERE id = ${p.id}`);
  sqlExec(srv.db, `UPDATE households SET monitor_status = 'eliminated' WHERE id = ${h.id}`);
  assert.deepEqual(sql(srv.db, `SELECT p.status, h.monitor_status FROM persons p JOIN households h ON h.id = p.household_id WHERE p.id = ${p.id}`)[0],
    { status: 'gone', monitor_status: 'eliminated' });
  // written past the store, so past the counters: check counts finds it, --fix rebuilds them
  const found = checkCounts(srv.db);
  assert.equal(found.code, 1, found.out);
  assert.match(found.out, /统计计数有 [1-9]\d* 处与台账不符；用 --fix 按台账重建/);
  const fixed = checkCounts(srv.db, '--fix');
  assert.equal(fixed.code, 0, fixed.out);
  assert.match(fixed.out, /已按台账重建/);
  assertCountsExact(srv.db);
});
