// demo.test.mjs - `zhenwu init --demo` (what `make run` serves): besides areas
// and users, the demo's cases of defs/demo/500236126.json, registered and
// handled through the case engine as the demo users in the past, so the
// console shows deadlines green, yellow and red; and the registry and the
// benefits whose records carry the 2018 figures of the 羊市镇 work report
// (../shared/reports/yangshi-2019.txt).  (The other suites use
// --no-demo-cases to start from no cases and no households.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, zw, ROOT, ENGINE, pgCreateDb, pgDropDb } from '../lib/server.mjs';
import { login, expectStatus, sql } from './lib.mjs';

const DEMO = JSON.parse(readFileSync(path.join(ROOT, 'defs/demo/500236126.json'), 'utf8'));
let srv, db, leader, staff;

before(async () => {
  if (ENGINE === 'postgresql') {
    db = pgCreateDb();
  } else {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    db = path.join(mkdtempSync(path.join(tmpdir(), 'zhenwu-demo-')), 'demo.db');
  }
  zw(['init', '--db', db, '--township', '500236126', '--demo']);
  srv = await startServer({ db });
  [leader, staff] = await Promise.all([login(srv.url, 'leader'), login(srv.url, 'staff')]);
});
after(async () => {
  if (srv) await srv.stop();
  if (ENGINE === 'postgresql' && db) await pgDropDb(db);
});

const byTitle = async (title) => {
  const r = await leader.get(`/api/v1/cases?q=${encodeURIComponent(title)}`);
  expectStatus(r, 200);
  assert.equal(r.body.items.length, 1, `one demo case titled ${title}`);
  return (await leader.get(`/api/v1/cases/${r.body.items[0].id}`)).body;
};

test('demo-1.1 every demo case is there, in the state its steps lead to', async () => {
  // the demo file's cases, plus the identification opened for the household that applies (demo-2.4),
  // plus the 2018 cases of the work report (demo_year.c: 86 petitions, 25 disputes, 132 hazards)
  const r = await leader.get('/api/v1/cases?pageSize=100');
  expectStatus(r, 200);
  assert.equal(r.body.pager.total, DEMO.cases.length + 1 + 86 + 25 + 132);
  const recent = await leader.get('/api/v1/cases?pageSize=100&from=2020-01-01');
  expectStatus(recent, 200);
  r.body = recent.body;
  const titles = new Set(DEMO.cases.map((c) => c.title));
  r.body.items = r.body.items.filter((k) => k.type !== 'identification' && titles.has(k.title));
  assert.equal(r.body.items.length, DEMO.cases.length, 'the demo file\'s cases, the most recent');
  const want = {
    反映三组组道硬化工程拖延: 'accepted', 反映低保评定不公: 'registered', '12345：灯塔村路灯不亮': 'handling',
    '12345：咨询城乡居民医保缴费': 'closed', 村口垃圾堆放: 'collected', 便民桥护栏损坏: 'handling',
    两户宅基地边界纠纷: 'mediating', 灯塔村小学旁危岩: 'assigned', 农家乐液化气瓶存放不规范: 'assigned',
    '县级巡察反馈：村务公开不及时': 'assigned', '督办：人居环境整治回头看': 'assigned',
  };
  assert.deepEqual(Object.keys(want).sort(), DEMO.cases.map((c) => c.title).sort());
  for (const k of r.body.items) assert.equal(k.state.code, want[k.title], `${k.title}: ${k.state.code}`);
});

test('demo-1.2 deadlines as the demo means them: an overdue hazard, one due soon, a late supervision', async () => {
  const red = await byTitle('灯塔村小学旁危岩');
  assert.equal(red.clocks.find((x) => x.code === 'rectify').status, 'red');
  const soon = await byTitle('农家乐液化气瓶存放不规范');
  assert.equal(soon.clocks.find((x) => x.code === 'rectify').status, 'yellow');
  const late = await byTitle('督办：人居环境整治回头看');
  assert.equal(late.clocks.find((x) => x.code === 'task').status, 'red');
  // the board counts them
  const b = await leader.get('/api/v1/cases/overdue-board');
  expectStatus(b, 200);
  assert.ok(b.body.totals.red >= 2, JSON.stringify(b.body.totals));
});

test('demo-1.3 handled by the demo users, with the notices the procedures issue, the confidential requester hidden', async () => {
  const p = await byTitle('反映三组组道硬化工程拖延');
  assert.deepEqual(p.timeline.filter((e) => e.kind === 'action').map((e) => [e.action, e.user.name]), [['assign', '王干事'], ['accept', '张支书']]);
  assert.ok(p.timeline.some((e) => e.kind === 'document' && e.comment === '生成《受理告知书》'));
  const secret = await byTitle('反映低保评定不公');
  assert.equal(secret.requester.name, null, 'the leader does not see a confidential requester');
  const mine = (await staff.get(`/api/v1/cases/${secret.id}`)).body;
  assert.equal(mine.requester.name, '钱秀英', 'the registering officer does');
  const rated = await byTitle('12345：咨询城乡居民医保缴费');
  assert.equal(rated.fields.satisfaction, '满意');
});

// Households and persons of a 2018 group, counted over the records.
const hhp = (where) => sql(db, `SELECT count(DISTINCT h.id) AS hh, count(p.id) AS p FROM households h
  JOIN persons p ON p.household_id = h.id AND p.status = 'active' WHERE ${where}`)[0];

test('demo-2.1 the registry carries the report\'s poverty figures', async () => {
  // 2018年，羊市镇43户116人达标脱贫，532户1975人脱贫成效得到巩固，全镇贫困发生率降至1.24%
  assert.deepEqual(hhp('h.exit_year = 2018'), { hh: 43, p: 116 });
  assert.deepEqual(hhp('h.exit_year < 2018'), { hh: 532, p: 1975 });
  const poor = hhp('h.poor_year IS NOT NULL AND h.exit_year IS NULL').p;
  const all = sql(db, "SELECT count(*) AS n FROM persons WHERE status = 'active'")[0].n;
  assert.equal(all, 8065);
  assert.equal((100 * poor / all).toFixed(2), '1.24', `${poor} / ${all}`);
  // 落实低保110户251人: the 低保 households and their members
  assert.deepEqual(hhp("EXISTS (SELECT 1 FROM household_categories c WHERE c.household_id = h.id AND c.category = 'dibao')"), { hh: 110, p: 251 });
  // the same through the API, as the leader sees them
  const tuopin = await leader.get('/api/v1/households?category=tuopin&pageSize=1');
  expectStatus(tuopin, 200);
  assert.equal(tuopin.body.pager.total, 43 + 532);
  const hh = (await leader.get(`/api/v1/households/${tuopin.body.items[0].id}`)).body;
  assert.ok(hh.persons.length >= 1 && hh.head, 'a household with its members and head');
  assert.equal(hh.incomes[0].assessedOn, '2018-12-31');
  assert.ok(hh.persons.every((p) => /^500236\*{8}\d{3}[\dX]$/.test(p.idNumber)), 'ID numbers masked');
});

test('demo-2.2 the demo\'s 2018 benefits give the report\'s figures', async () => {
  // 落实低保110户251人 ... 完成政策性小额贷款280万元；落实教育资助95万元，受益对象471人；
  // 落实健康扶贫资金337.3万元，受益群众1321人；全年改造农村住房195户
  const r = await staff.get('/api/v1/payments/totals?from=2018-01-01&to=2018-12-31&by=programme');
  expectStatus(r, 200);
  const by = Object.fromEntries(r.body.items.map((i) => [i.key, i]));
  assert.equal(by.dibao.households, 110);
  assert.equal(by.dibao.persons, 251);
  assert.equal(by.jiaoyu.amountFen, 95000000);
  assert.equal(by.jiaoyu.persons, 471);
  assert.equal(by.yiliao.amountFen, 337300000);
  assert.equal(by.yiliao.persons, 1321);
  assert.equal(by.xindai.amountFen, 280000000);
  assert.equal(by.weifang.households, 195);
});

test('demo-2.3 the generator is reproducible: the same records from the same seed', { skip: ENGINE === 'postgresql' && 'compared on SQLite files' }, async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-demo2-'));
  try {
    const other = path.join(dir, 'again.db');
    zw(['init', '--db', other, '--township', '500236126', '--demo']);
    const q = 'SELECT p.name, p.id_number, h.code, h.exit_year FROM persons p JOIN households h ON h.id = p.household_id ORDER BY p.id';
    const a = sql(db, q), b = sql(other, q);
    assert.equal(a.length, 8065);
    assert.deepEqual(a, b);
    const pay = 'SELECT programme, household_id, amount_fen, paid_on FROM payments ORDER BY id';
    assert.deepEqual(sql(db, pay), sql(other, pay));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('demo-2.4 monitoring: 173 帮扶责任人 paired with the 脱贫户, and an identification under way', async () => {
  // 压实了46个网格责任、173名帮扶责任人的责任
  assert.equal(sql(db, 'SELECT count(*) AS n FROM assist_cadres')[0].n, 173);
  const unpaired = sql(db, `SELECT count(*) AS n FROM households h WHERE h.exit_year IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM household_pairs p WHERE p.household_id = h.id AND p.until_on IS NULL)`)[0].n;
  assert.equal(unpaired, 0, 'every 脱贫户 has its 帮扶责任人');
  const ident = await leader.get('/api/v1/cases?type=identification');
  expectStatus(ident, 200);
  assert.equal(ident.body.pager.total, 1);
  const hh = sql(db, `SELECT household_id AS id FROM household_cases WHERE case_id = ${ident.body.items[0].id}`)[0].id;
  const page = (await leader.get(`/api/v1/households/${hh}`)).body;
  assert.deepEqual(page.cases.map((c) => c.type), ['identification']);
  // the 低保 run of this month waits for review as a draft batch
  const b = await staff.get('/api/v1/batches?programme=dibao');
  expectStatus(b, 200);
  assert.ok(b.body.items.some((x) => x.status === 'draft'), 'a draft 低保 batch');
});
