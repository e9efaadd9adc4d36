// tests/e2e/household.test.mjs - 一户一页 as staff use it when a family changes:
// the head dies (离开, 死亡) and is listed among the former members, the
// household shows no head until staff names the widow; a son moves to another
// household (迁入他户, 迁出) and appears on that household's page; 疑似重复 merges
// one pair from the screen and keeps another apart; the 监测与帮扶 tab shows a
// monitored household's status, alerts, 一户一策 measures, 帮扶责任人 and visits
// as the API gives them, and the failed housing check is red.
// Real `zhenwu serve`, Debian's chromium, axe-core and a screenshot of each
// page; data is seeded through the API, what must be stored is asked of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { login, expectStatus, expectError, elapseClock, areaTree, DENGTA_CODE } from '../api/lib.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, chooseOption, themeColor } from './browser.mjs';
import { idnum } from '../lib/idnum.mjs';

let seq = 0;
// A fresh ID number born on `birth` (YYYYMMDD); the sequence digit gives the sex.
const nextId = (birth, male) => {
  seq += 1;
  return idnum(`500236${birth}${String((2 * seq + (male ? 1 : 0)) % 1000).padStart(3, '0')}`);
};
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const exact = (s) => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

let server, browser, base, staff, leader, dengta, village;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  [staff, leader, dengta] = await Promise.all(['staff', 'leader', 'dengta'].map((u) => login(base, u)));
  for (const c of [staff, leader, dengta]) c.me = (await c.get('/api/v1/me')).body;
  village = (await areaTree(leader)).villages.get(DENGTA_CODE);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function newHousehold(address, categories = ['tuopin']) {
  const r = await staff.post('/api/v1/households', { areaId: village.id, address, categories });
  expectStatus(r, 201, 'household');
  return r.body;
}
async function addPerson(h, name, birth, male, relation, over = {}) {
  const r = await staff.post(`/api/v1/households/${h.id}/persons`, {
    name, idNumber: nextId(birth, male), relation, labour: 'normal', joinedOn: '2010-01-01', joinReason: 'registered', ...over,
  });
  expectStatus(r, 201, `person ${name}`);
  return r.body;
}
const household = async (id) => {
  const r = await staff.get(`/api/v1/households/${id}`);
  expectStatus(r, 200);
  return r.body;
};

async function openAs(username) {
  const page = await newPage(browser);
  await loginAs(page, base, username, PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/');
  await page.locator('[data-test="welcome"]').waitFor();
  return page;
}
async function openHousehold(page, id) {
  await page.goto(`${base}/registry/households/${id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await settle(page);
}
async function openTab(page, name) {
  await page.locator('[data-test="household-tabs"] .el-tabs__item', { hasText: name }).click();
  await settle(page);
}
const memberNames = async (page) => (await page.locator('[data-test="person-table"] [data-test="person-name"]').allInnerTexts()).map((s) => s.trim());
const memberRow = (page, name) => page.locator('[data-test="person-table"] .el-table__body .el-table__row', { has: page.locator('[data-test="person-name"]', { hasText: exact(name) }) });
// Waits until no select dropdown is shown (one fading out would mix its options in).
const noDropdown = (page) => page.waitForFunction(() => ![...document.querySelectorAll('.el-select__popper')]
  .some((p) => p.offsetParent !== null && getComputedStyle(p).display !== 'none'), null, { polling: 50 });
// Opens the select, returns its options' texts and closes it again.
async function optionsOf(page, select) {
  await select.click();
  const items = page.locator('.el-select-dropdown__item:visible');
  await items.first().waitFor();
  const texts = (await items.allInnerTexts()).map((s) => s.trim());
  await page.keyboard.press('Escape');
  await noDropdown(page);
  return texts;
}
// The history table's rows once its first row is `action` (the newest change).
async function historyRows(page, action) {
  await openTab(page, '变更记录');
  const rows = page.locator('[data-test="history-table"] .el-table__body .el-table__row');
  await rows.first().locator('[data-test="history-action"]', { hasText: exact(action) }).waitFor();
  return rows;
}

// ---- members leave and move -------------------------------------------------

const fam = {};

test('the head dies: 离开 with 死亡 moves him to the former members, the history records it, the household has no head', async () => {
  fam.a = await newHousehold('灯塔村二组15号（测试）');
  fam.b = await newHousehold('灯塔村六组2号（测试）');
  fam.head = await addPerson(fam.a, '李大明', '19550310', true, 'head');
  fam.wife = await addPerson(fam.a, '王秀英', '19570822', false, 'spouse');
  fam.son = await addPerson(fam.a, '李小军', '19880105', true, 'son');
  fam.bHead = await addPerson(fam.b, '张国强', '19800606', true, 'head');
  assert.equal((await household(fam.a.id)).head.id, fam.head.id);

  const page = await openAs('staff');
  await openHousehold(page, fam.a.id);
  assert.deepEqual(await memberNames(page), ['李大明', '王秀英', '李小军']);
  assert.match(await page.locator('[data-test="household-head"]').innerText(), /^李大明（/);
  assert.equal(await page.locator('[data-test="former-table"]').count(), 0, 'nobody has left yet');

  await memberRow(page, '李大明').locator('[data-test="person-leave"]').click();
  const dlg = page.locator('[data-test="member-dialog"]');
  await dlg.waitFor();
  await dlg.locator('.who', { hasText: '李大明' }).waitFor();
  // no reason: the form says so and nothing is sent
  await dlg.locator('[data-test="member-submit"]').click();
  await dlg.locator('.el-form-item__error', { hasText: '请选择原因' }).waitFor();
  assert.equal((await household(fam.a.id)).members, 3);
  // the leave reasons of defs/registry.json, without 合并重复记录 (the duplicates page merges)
  const offered = await optionsOf(page, dlg.locator('[data-test="member-reason"]'));
  assert.deepEqual(offered, ['死亡', '婚出', '迁出', '分户']);
  await chooseOption(page, dlg.locator('[data-test="member-reason"]'), exact('死亡'));
  await visit(page, 'household-leave-dialog');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${fam.head.id}/leave`));
  await dlg.locator('[data-test="member-submit"]').click();
  expectStatus({ status: (await answer).status(), text: '' }, 200);
  await dlg.waitFor({ state: 'hidden' });
  await page.locator('.el-message--success', { hasText: '已登记 李大明 离开本户' }).waitFor();

  // the members tab: two left, 李大明 among the former members with the reason and date
  await page.locator('[data-test="former-table"]').waitFor();
  assert.deepEqual(await memberNames(page), ['王秀英', '李小军']);
  const former = page.locator('[data-test="former-table"] .el-table__body .el-table__row');
  assert.equal(await former.count(), 1);
  const cells = (await former.first().locator('td').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(cells, ['李大明', '2010-01-01', '登记', today(), '死亡']);
  assert.equal((await page.locator('[data-test="household-head"]').innerText()).trim(), '未设置');
  await visit(page, 'household-after-death');

  const h = await household(fam.a.id);
  assert.equal(h.head, null);
  assert.equal(h.members, 2);
  const died = (await staff.get(`/api/v1/persons/${fam.head.id}`)).body;
  assert.equal(died.status, 'dead');
  assert.equal(died.household, null);

  // 变更记录: the newest row is the departure, with what changed in words
  const rows = await historyRows(page, '成员离户');
  const top = await rows.first().innerText();
  assert.match(top, /李大明/);
  assert.match(top, /人员状态：在册 → 已故/);
  assert.match(top, /离开原因：空 → 死亡/);
  assert.match(top, new RegExp(`离开日期：空 → ${today()}`));
  const api = (await staff.get(`/api/v1/households/${fam.a.id}/history`)).body.items;
  assert.equal(await rows.count(), api.length);
  await visit(page, 'household-history-death');
  await closePage(page);
});

test('the widow is named head in 修改户信息; the header and the history show the new head', async () => {
  const page = await openAs('staff');
  await openHousehold(page, fam.a.id);
  await page.locator('[data-test="household-edit"]').click();
  const dlg = page.locator('[data-test="household-edit-dialog"]');
  await dlg.waitFor();
  await chooseOption(page, dlg.locator('[data-test="hh-edit-head"]'), '王秀英');
  await dlg.locator('[data-test="hh-edit-submit"]').click();
  await dlg.waitFor({ state: 'hidden' });
  await page.locator('[data-test="household-head"]', { hasText: /^王秀英（/ }).waitFor();
  const h = await household(fam.a.id);
  assert.equal(h.head.id, fam.wife.id);
  assert.equal((await page.locator('[data-test="household-head"]').innerText()).trim(), `王秀英（${h.head.idNumber}）`);
  assert.match(h.head.idNumber, /^\d{6}\*{8}\d{3}[\dX]$/, 'the header shows the masked number');
  const rows = await historyRows(page, '修改户信息');
  assert.match(await rows.first().innerText(), new RegExp(`户主：空 → 编号 ${fam.wife.id}`));
  await visit(page, 'household-new-head');
  await closePage(page);
});

test('迁入他户: the son moves out (迁出) to 张国强\'s household and appears on its page', async () => {
  const page = await openAs('staff');
  await openHousehold(page, fam.a.id);
  await memberRow(page, '李小军').locator('[data-test="person-move"]').click();
  const dlg = page.locator('[data-test="member-dialog"]');
  await dlg.waitFor();
  await dlg.locator('.el-dialog__title', { hasText: '迁入他户' }).waitFor();
  // the other household is found by its code
  await dlg.locator('[data-test="member-target"]').click();
  await dlg.locator('[data-test="member-target"] input').fill(fam.b.code);
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: fam.b.code });
  await option.waitFor();
  assert.match(await option.innerText(), /张国强/);
  await option.click();
  await noDropdown(page);
  // moving offers the reasons a move can have: no death
  const offered = await optionsOf(page, dlg.locator('[data-test="member-reason"]'));
  assert.deepEqual(offered, ['婚出', '迁出', '分户']);
  await chooseOption(page, dlg.locator('[data-test="member-reason"]'), exact('迁出'));
  await visit(page, 'household-move-dialog');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${fam.son.id}/move`));
  await dlg.locator('[data-test="member-submit"]').click();
  const res = await answer;
  assert.equal(res.status(), 200, await res.text());
  await dlg.waitFor({ state: 'hidden' });
  await page.locator('.el-message--success', { hasText: '李小军 已迁入他户' }).waitFor();

  await page.waitForFunction(() => document.querySelectorAll('[data-test="former-table"] .el-table__body .el-table__row').length === 2);
  assert.deepEqual(await memberNames(page), ['王秀英']);
  const moved = page.locator('[data-test="former-table"] .el-table__body .el-table__row', { hasText: '李小军' });
  assert.deepEqual((await moved.locator('td').allInnerTexts()).map((s) => s.trim()), ['李小军', '2010-01-01', '登记', today(), '迁出']);
  assert.match(await (await historyRows(page, '迁出')).first().innerText(), /李小军/);

  // the other household's page lists him, joined today as 迁入
  await openHousehold(page, fam.b.id);
  assert.deepEqual(await memberNames(page), ['张国强', '李小军']);
  const b = await household(fam.b.id);
  const m = b.memberships.find((x) => x.person.id === fam.son.id);
  assert.equal(m.joinedOn, today());
  assert.equal(m.joinReasonName, '迁入');
  assert.equal(m.leftOn, null);
  assert.equal(b.head.id, fam.bHead.id, 'the household keeps its head');
  const rows = await historyRows(page, '迁入');
  assert.match(await rows.first().innerText(), /李小军/);
  await visit(page, 'household-moved-in');
  assert.equal((await staff.get(`/api/v1/persons/${fam.son.id}`)).body.household.id, fam.b.id);
  await closePage(page);
});

// ---- likely duplicates --------------------------------------------------------

test('疑似重复: one pair is merged from the screen (one record remains, the history shows it); another is kept apart', async () => {
  // two households of 灯塔村, each with a 陈桂兰 born 1950-05-05 and a 刘洋 born 2005-09-09
  const c = await newHousehold('灯塔村三组21号（测试）');
  const d = await newHousehold('灯塔村七组4号（测试）');
  await addPerson(c, '孙志明', '19780202', true, 'head');
  const keep = await addPerson(c, '陈桂兰', '19500505', false, 'parent');
  const liuC = await addPerson(c, '刘洋', '20050909', true, 'son');
  await addPerson(d, '周建华', '19750707', true, 'head');
  const drop = await addPerson(d, '陈桂兰', '19500505', false, 'other');
  const liuD = await addPerson(d, '刘洋', '20050909', true, 'other');
  const open = (await staff.get('/api/v1/duplicates?status=open')).body.items;
  const pairOf = (a, b) => open.find((x) => [x.person.id, x.other.id].sort().join() === [a.id, b.id].sort().join());
  const chen = pairOf(keep, drop);
  const liu = pairOf(liuC, liuD);
  assert.ok(chen && liu, 'the API flags both pairs');
  assert.equal(chen.birthDate, '1950-05-05');

  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '疑似重复' }).click();
  await page.locator('h1.page-title', { hasText: '疑似重复' }).waitFor();
  const rows = page.locator('[data-test="duplicates-table"] .el-table__body .el-table__row');
  const rowOf = (p) => rows.filter({ hasText: `编号 ${p.id}）` });
  await rowOf(drop).waitFor();
  await settle(page);
  assert.equal(await rows.count(), open.length);
  assert.match(await rowOf(drop).innerText(), /陈桂兰[\s\S]*1950-05-05[\s\S]*灯塔村/);
  await visit(page, 'duplicates-two-pairs');

  // 合并: keeping the record of 孙志明's household
  await rowOf(drop).locator('[data-test="dup-merge"]').click();
  const dlg = page.locator('[data-test="dup-merge-dialog"]');
  await dlg.waitFor();
  await dlg.locator('[data-test="dup-merge-submit"]').click();
  await dlg.locator('.el-alert', { hasText: '请选择要保留的记录' }).waitFor();
  await dlg.locator('.el-radio', { hasText: `编号 ${keep.id}）` }).click();
  await visit(page, 'duplicates-merge-dialog');
  const merged = page.waitForResponse((r) => r.url().endsWith(`/api/v1/duplicates/${chen.id}/merge`));
  await dlg.locator('[data-test="dup-merge-submit"]').click();
  assert.equal((await merged).status(), 200);
  await dlg.waitFor({ state: 'hidden' });
  await page.locator('.el-message--success', { hasText: '已合并重复记录' }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="duplicates-table"] .el-table__body .el-table__row').length === n, open.length - 1);
  assert.equal(await rowOf(drop).count(), 0);

  // 不是同一人: the 刘洋 pair leaves the list, both records stay
  await rowOf(liuD).locator('[data-test="dup-keep"]').click();
  await page.locator('.el-message-box', { hasText: '刘洋' }).getByRole('button', { name: '确认' }).click();
  await page.locator('.el-message--success', { hasText: '已标记为不同人员' }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="duplicates-table"] .el-table__body .el-table__row').length === n, open.length - 2);
  assert.equal(await rowOf(liuD).count(), 0);
  await visit(page, 'duplicates-resolved');

  // one 陈桂兰 remains, in 孙志明's household; the dropped one points to it
  const after = (await staff.get('/api/v1/duplicates?status=open')).body.items.map((x) => x.id);
  assert.ok(!after.includes(chen.id) && !after.includes(liu.id));
  const chens = (await staff.get(`/api/v1/persons?areaId=${village.id}&q=${encodeURIComponent('陈桂兰')}`)).body.items;
  assert.deepEqual(chens.map((p) => p.id), [keep.id]);
  assert.equal(chens[0].household.id, c.id);
  const lius = (await staff.get(`/api/v1/persons?areaId=${village.id}&q=${encodeURIComponent('刘洋')}`)).body.items;
  assert.deepEqual(lius.map((p) => p.id).sort(), [liuC.id, liuD.id].sort(), 'kept apart: both remain');

  // the household the dropped record lived in: no longer a member, left as 合并重复记录,
  // and its history shows the merge under the kept record
  await openHousehold(page, d.id);
  assert.deepEqual(await memberNames(page), ['周建华', '刘洋']);
  const gone = page.locator('[data-test="former-table"] .el-table__body .el-table__row', { hasText: '陈桂兰' });
  assert.match(await gone.innerText(), /合并重复记录/);
  const hist = await historyRows(page, '合并重复记录');
  const top = await hist.first().innerText();
  assert.match(top, /陈桂兰/);
  assert.match(top, new RegExp(`保留的记录：空 → 编号 ${keep.id}`));
  assert.match(top, new RegExp(`并入的记录：空 → 编号 ${drop.id}`));
  await visit(page, 'duplicates-merged-household');
  // the kept record's household still lists her
  await openHousehold(page, c.id);
  assert.deepEqual(await memberNames(page), ['孙志明', '陈桂兰', '刘洋']);
  await closePage(page);
});

// ---- the 监测与帮扶 tab -------------------------------------------------------

// Takes an action on a case through the API (as c, with the case's ETag).
async function act(c, id, action, fields) {
  const k = await c.get(`/api/v1/cases/${id}`);
  const r = await c.post(`/api/v1/cases/${id}/actions/${action}`, { comment: '办理', fields }, { 'if-match': k.headers.get('etag') });
  expectStatus(r, 200, action);
}

test('监测与帮扶: a monitored household shows its status, alerts, measures, 帮扶责任人 and visits; the failed housing check is red', async () => {
  // a 脱贫户 whose income fell under the line and whose house was rated D
  const h = await newHousehold('灯塔村五组9号（测试）');
  const head = await addPerson(h, '覃正发', '19690415', true, 'head');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/incomes`,
    { assessedOn: today(), wagesFen: 420000, businessFen: 0, propertyFen: 0, transfersFen: 0, expensesFen: 0, members: 1 }), 201, 'income');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/guarantees`, { kind: 'housing', rating: 'D', checkedOn: today() }), 201, 'housing');
  // a cadre's visit finds flood damage; screening adds the income and housing alerts
  const a1 = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'disaster', detail: '暴雨冲毁厨房和猪圈' });
  expectStatus(a1, 201, 'alert');
  expectStatus(await staff.post('/api/v1/monitoring/screen', {}), 200, 'screen');
  // the identification runs to the county decision (the browser journey of it is monitoring.test.mjs)
  const k = await staff.post(`/api/v1/monitoring/alerts/${a1.body.id}/case`, {});
  expectStatus(k, 201, 'case');
  await act(dengta, k.body.id, 'verify', { verifier1: dengta.me.id, verifier2: '覃组长', verify_note: '入户核实属实' });
  await act(staff, k.body.id, 'check_data', { data_check: '无财政供养人员，无车辆' });
  await act(dengta, k.body.id, 'review', { review_note: '村民代表会议同意' });
  await act(dengta, k.body.id, 'publish', { notice_from: today() });
  // the notice runs its whole period before it can end
  const early = await dengta.post(`/api/v1/cases/${k.body.id}/actions/notice_end`, { comment: '办理', fields: { notice_result: '公示期满无异议' } },
    { 'if-match': (await dengta.get(`/api/v1/cases/${k.body.id}`)).headers.get('etag') });
  expectError(early, 409, 'period_running');
  elapseClock(server.db, k.body.id, 'notice');
  await act(dengta, k.body.id, 'notice_end', { notice_result: '公示期满无异议' });
  await act(staff, k.body.id, 'township_review', { township_opinion: '同意' });
  await act(leader, k.body.id, 'county_decide', { category: '边缘易致贫户', risk: '因灾', risk_more: '因病', county_opinion: '同意纳入监测' });
  // after the decision: one alert still to handle, one dismissed
  const a2 = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'apply', rule: 'medical_bills', detail: '户主住院自付一万二千元' });
  expectStatus(a2, 201, 'alert 2');
  const a3 = await dengta.post('/api/v1/monitoring/alerts', { householdId: h.id, source: 'visit', rule: 'unemployment', detail: '务工收入中断' });
  expectStatus(a3, 201, 'alert 3');
  expectStatus(await staff.post(`/api/v1/monitoring/alerts/${a3.body.id}/dismiss`, { reason: '已在本地就业，收入恢复' }), 200, 'dismiss');
  // the 帮扶责任人, paired; one measure done, one planned; a visit
  const cadre = await staff.post('/api/v1/assist-cadres', { name: '杨帮扶', unit: '县农业农村局', phone: '13812345678', areaId: village.id });
  expectStatus(cadre, 201, 'cadre');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/pairs`, { cadreId: cadre.body.id, since: '2026-01-05' }), 201, 'pair');
  const m1 = await staff.post(`/api/v1/households/${h.id}/measures`, {
    personId: head.id, kind: 'public_job', description: '安排护林员公益岗位', cadreId: cadre.body.id, startOn: '2026-02-01', endOn: '2026-12-31',
  });
  expectStatus(m1, 201, 'measure 1');
  expectStatus(await staff.patch(`/api/v1/measures/${m1.body.id}`, { status: 'done', doneOn: today() }, { 'if-match': `"v${m1.body.version}"` }), 200, 'done');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/measures`, {
    kind: 'housing', description: '危房改造：加固厨房', startOn: '2026-03-01',
  }), 201, 'measure 2');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/visits`, { visitedOn: '2026-03-15', found: '厨房加固已开工，户主出院在家休养' }), 201, 'visit');

  const hh = await household(h.id);
  assert.equal(hh.monitor.status, 'monitored');
  const alerts = (await staff.get(`/api/v1/monitoring/alerts?householdId=${h.id}`)).body.items;
  assert.equal(alerts.length, 5, JSON.stringify(alerts.map((a) => a.rule)));
  const measures = (await staff.get(`/api/v1/households/${h.id}/measures`)).body.items;
  const pairs = (await staff.get(`/api/v1/households/${h.id}/pairs`)).body.items;
  const visits = (await staff.get(`/api/v1/households/${h.id}/visits`)).body.items;

  const page = await openAs('staff');
  await openHousehold(page, h.id);
  // the header's status tag
  assert.equal((await page.locator('[data-test="household-monitor"]').innerText()).trim(), '监测对象');
  await openTab(page, '监测与帮扶');
  const info = page.locator('[data-test="monitor-info"]');
  const infoCell = async (label) => (await info.locator('.el-descriptions__cell.el-descriptions__label', { hasText: exact(label) })
    .locator('xpath=following-sibling::*[1]').innerText()).trim();
  assert.equal(await infoCell('监测状态'), '监测对象');
  assert.equal(await infoCell('监测对象类别'), '边缘易致贫户');
  assert.equal(await infoCell('风险类型'), '因病、因灾');
  assert.equal(await infoCell('纳入监测日期'), today());
  assert.equal(await infoCell('风险消除日期'), '—');

  // 监测预警: every alert of the household, as the API lists them
  const alertRows = page.locator('[data-test="alerts-panel"] .el-table__body .el-table__row');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="alerts-panel"] .el-table__body .el-table__row').length === n, alerts.length);
  for (const [i, a] of alerts.entries()) {
    const row = alertRows.nth(i);
    assert.equal((await row.locator('[data-test="alert-rule"]').innerText()).trim(), a.ruleName);
    assert.equal((await row.locator('[data-test="alert-source"]').innerText()).trim(), a.sourceName);
    assert.equal((await row.locator('[data-test="alert-state"]').innerText()).trim(), a.statusName);
    if (a.caseSerial) assert.match(await row.innerText(), new RegExp(a.caseSerial));
  }
  const byRule = (rule) => alertRows.filter({ has: page.locator('[data-test="alert-rule"]', { hasText: exact(alerts.find((a) => a.rule === rule).ruleName) }) });
  assert.match(await byRule('disaster').innerText(), /干部走访发现[\s\S]*暴雨冲毁厨房和猪圈[\s\S]*已立案/);
  assert.match(await byRule('disaster').innerText(), new RegExp(k.body.serial));
  assert.match(await byRule('income_below_line').innerText(), /台账数据筛查[\s\S]*人均纯收入 4200\.00 元，低于监测线[\s\S]*已立案/);
  assert.match(await byRule('guarantee_housing').innerText(), /住房安全未保障[\s\S]*已立案/);
  assert.match(await byRule('medical_bills').innerText(), /农户申请[\s\S]*户主住院自付一万二千元[\s\S]*待处理/);
  assert.match(await byRule('unemployment').innerText(), /务工收入中断[\s\S]*忽略理由：已在本地就业，收入恢复[\s\S]*已忽略/);

  // 一户一策: the two measures with their person, kind, cadre, dates and state
  const measureRows = page.locator('[data-test="measure-table"] .el-table__body .el-table__row');
  await page.waitForFunction(() => document.querySelectorAll('[data-test="measure-table"] .el-table__body .el-table__row').length === 2);
  for (const [i, m] of measures.entries()) {
    const cells = (await measureRows.nth(i).locator('td').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(cells.slice(0, 6), [
      m.person ? m.person.name : '全户', m.kindName, m.description, m.cadre ? m.cadre.name : '—',
      `${m.startOn} 至 ${m.endOn || '—'}`, m.doneOn ? `${m.statusName}（${m.doneOn}）` : m.statusName,
    ]);
  }
  const done = measureRows.filter({ hasText: '安排护林员公益岗位' });
  assert.match(await done.innerText(), new RegExp(`覃正发[\\s\\S]*公益岗位[\\s\\S]*杨帮扶[\\s\\S]*2026-02-01 至 2026-12-31[\\s\\S]*已落实（${today()}）`));
  assert.equal(await done.locator('[data-test="measure-done"]').count(), 0, 'a done measure offers no 已落实');
  assert.match(await measureRows.filter({ hasText: '加固厨房' }).innerText(), /全户[\s\S]*住房安全保障[\s\S]*2026-03-01 至 —[\s\S]*计划/);

  // 帮扶责任人: the cadre, the unit, the phone masked, since when
  const pairRows = page.locator('[data-test="pairs-panel"] .el-table__body .el-table__row');
  await pairRows.first().waitFor();
  assert.equal(await pairRows.count(), pairs.length);
  assert.deepEqual((await pairRows.first().locator('td').allInnerTexts()).slice(0, 4).map((s) => s.trim()),
    ['杨帮扶', '县农业农村局', '138****5678', '2026-01-05 至 今']);
  assert.doesNotMatch(await page.locator('[data-test="pairs-panel"]').innerText(), /13812345678/);

  // 走访记录
  const visitRows = page.locator('[data-test="visits-panel"] .el-table__body .el-table__row');
  await visitRows.first().waitFor();
  assert.equal(await visitRows.count(), visits.length);
  assert.deepEqual((await visitRows.first().locator('td').allInnerTexts()).slice(0, 3).map((s) => s.trim()),
    ['2026-03-15', staff.me.name, '厨房加固已开工，户主出院在家休养']);
  await visit(page, 'household-monitoring-panels');

  // 两不愁三保障: the failed housing check is red (the tile's `fail` class and the danger colour)
  await openTab(page, '两不愁三保障');
  const housing = page.locator('[data-test="guarantee-housing"][data-ok="false"]');
  await housing.waitFor();
  assert.match(await housing.getAttribute('class'), /\bfail\b/);
  assert.equal((await housing.locator('[data-test="guarantee-state"]').innerText()).trim(), '未达标');
  assert.match(await housing.innerText(), /安全等级 D 级/);
  const danger = await themeColor(page, '--el-color-danger');
  assert.equal(await housing.evaluate((el) => getComputedStyle(el).borderTopColor), danger);
  assert.equal(await page.locator('[data-test="guarantees"] .tile.fail').count(), 1, 'only housing failed');
  await visit(page, 'household-monitoring-guarantees');
  await closePage(page);
});
