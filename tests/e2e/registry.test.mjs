// tests/e2e/registry.test.mjs - the registry (户籍台账) screens as staff and as a
// village cadre use them: real `zhenwu serve` on a fresh demo database,
// Debian's chromium, axe-core on every page, a screenshot of each under
// tests/out/e2e/.  What the screens must show is checked against the API's own
// answers for the same household and against defs/registry.json.
// Tests run in order: later ones use the household that staff creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, ROOT, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, chooseOption, themeColor } from './browser.mjs';
import { checkChar } from '../lib/idnum.mjs';

const DEFS = JSON.parse(readFileSync(path.join(ROOT, 'defs/registry.json'), 'utf8'));
const KINDS = DEFS.guarantees.kinds;

const HEAD_ID17 = '50023619700312123'; // a man (odd 17th digit) born 1970-03-12
const HEAD_ID = HEAD_ID17 + checkChar(HEAD_ID17);
const BAD_ID17 = '50023619950608224';
// the same digits with a check character that is not theirs
const BAD_ID = BAD_ID17 + (checkChar(BAD_ID17) === '0' ? '1' : '0');

// 分 -> the 元 text the screens show: '3,200.15'
const yuan = (fen) => `${Math.trunc(fen / 100).toLocaleString('zh-CN')}.${String(fen % 100).padStart(2, '0')}`;

let server;
let browser;
let base;
let staff; // API client
const hh = { id: null, code: null };

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  return c;
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  staff = await apiAs('staff');
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openAs(username) {
  const page = await newPage(browser);
  await loginAs(page, base, username, PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/');
  await page.locator('[data-test="welcome"]').waitFor();
  return page;
}

async function household() {
  const r = await staff.get(`/api/v1/households/${hh.id}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function openTab(page, name) {
  await page.locator('[data-test="household-tabs"] .el-tabs__item', { hasText: name }).click();
  await settle(page);
}

test('staff creates a household in 灯塔村 from the 户籍台账 list', async () => {
  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '户籍台账' }).click();
  await page.locator('h1.page-title', { hasText: '户籍台账' }).waitFor();
  await visit(page, 'registry-list');

  await page.locator('[data-test="household-create"]').click();
  const dlg = page.locator('[data-test="household-new-dialog"]');
  await dlg.waitFor();
  // saving with no village: the form says so and nothing is created
  const before = (await staff.get('/api/v1/households?pageSize=1')).body.pager.total;
  await dlg.locator('[data-test="hh-new-submit"]').click();
  await dlg.locator('.el-form-item__error', { hasText: '请选择村（社区）' }).waitFor();
  assert.equal((await staff.get('/api/v1/households?pageSize=1')).body.pager.total, before);

  await chooseOption(page, dlg.locator('[data-test="hh-village"]'), '灯塔村');
  await dlg.locator('#hh-address').fill('灯塔村三组8号（测试）');
  await dlg.locator('[data-test="hh-categories"] .el-checkbox', { hasText: DEFS.categories[0].name }).click();
  await settle(page);
  await visit(page, 'registry-new-dialog');
  await dlg.locator('[data-test="hh-new-submit"]').click();

  await page.waitForURL(/\/registry\/households\/\d+$/);
  hh.id = Number(new URL(page.url()).pathname.split('/').pop());
  await page.locator('[data-test="household-header"]').waitFor();
  const h = await household();
  hh.code = h.code;
  assert.match(h.village.name, /灯塔村/);
  assert.equal(h.address, '灯塔村三组8号（测试）');
  assert.deepEqual(h.categories.map((c) => c.code), [DEFS.categories[0].code]);
  assert.equal((await page.locator('[data-test="household-code"]').innerText()).trim(), h.code);
  assert.equal((await page.locator('[data-test="household-village"]').innerText()).trim(), h.village.name);
  await visit(page, 'registry-household-new');
  await closePage(page);
});

test('staff adds a head with a valid ID number; a bad check digit is refused in the form', async () => {
  const page = await openAs('staff');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await settle(page);

  await page.locator('[data-test="person-add"]').click();
  const dlg = page.locator('[data-test="person-dialog"]');
  await dlg.waitFor();
  await dlg.locator('#p-name').fill('王建国');
  await dlg.locator('#p-id-number').fill(HEAD_ID);
  // the sex and birth date the number gives are shown at once
  await dlg.locator('[data-test="p-id-info"]', { hasText: '男，出生日期 1970-03-12' }).waitFor();
  assert.equal(await dlg.locator('.el-form-item__error').count(), 0);
  await visit(page, 'registry-person-dialog');
  await dlg.locator('[data-test="p-submit"]').click();
  await dlg.waitFor({ state: 'hidden' });
  await page.locator('[data-test="person-table"] [data-test="person-name"]', { hasText: '王建国' }).waitFor();

  let h = await household();
  assert.equal(h.persons.length, 1);
  const head = h.persons[0];
  assert.equal(head.name, '王建国');
  assert.equal(head.relation, 'head');
  assert.equal(head.sex, 'M');
  assert.equal(head.birthDate, '1970-03-12');
  assert.equal(h.head.id, head.id);
  assert.notEqual(head.idNumber, HEAD_ID, 'the API masks the ID number');
  // the table shows the number as the API gives it (masked), not the full one
  const shown = (await page.locator('[data-test="person-table"] [data-test="person-id-number"]').first().innerText()).trim();
  assert.equal(shown, head.idNumber);
  assert.equal(await page.locator('[data-test="person-reveal"]').count(), 0, 'staff does not hold pii.read');

  // a second member whose check digit is wrong: the inline error, nothing sent
  await page.locator('[data-test="person-add"]').click();
  await dlg.waitFor();
  await dlg.locator('#p-name').fill('王小芳');
  await dlg.locator('#p-id-number').fill(BAD_ID);
  await dlg.locator('#p-name').click(); // leave the field
  await dlg.locator('.el-form-item__error', { hasText: '校验码错误' }).waitFor();
  await chooseOption(page, dlg.locator('[data-test="p-relation"]'), '之女');
  await dlg.locator('[data-test="p-submit"]').click();
  await settle(page);
  assert.ok(await dlg.isVisible(), 'the dialog stays open');
  await dlg.locator('.el-form-item__error', { hasText: '校验码错误' }).waitFor();
  await visit(page, 'registry-person-bad-id');
  h = await household();
  assert.equal(h.persons.length, 1, 'no person was added');
  await dlg.getByRole('button', { name: '取消' }).click();
  await dlg.waitFor({ state: 'hidden' });
  await closePage(page);
});

test('a failed housing check (C) turns its tile red; never-checked tiles are grey', async () => {
  const page = await openAs('staff');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await openTab(page, '两不愁三保障');

  // six tiles, in the order of defs/registry.json, none checked yet
  const tiles = page.locator('[data-test="guarantees"] .tile');
  assert.equal(await tiles.count(), KINDS.length);
  for (const [i, k] of KINDS.entries()) {
    assert.equal(await tiles.nth(i).getAttribute('data-test'), `guarantee-${k.code}`);
    assert.match(await tiles.nth(i).innerText(), new RegExp(k.name));
    assert.equal(await tiles.nth(i).getAttribute('data-ok'), 'null');
  }
  await visit(page, 'registry-guarantees-empty');

  await page.locator('[data-test="guarantee-record-housing"]').click();
  const dlg = page.locator('[data-test="guarantee-dialog"]');
  await dlg.waitFor();
  await dlg.locator('[data-test="g-rating-C"]').click();
  await dlg.locator('[data-test="g-submit"]').click();
  await dlg.waitFor({ state: 'hidden' });

  const housing = page.locator('[data-test="guarantee-housing"]');
  await page.locator('[data-test="guarantee-housing"][data-ok="false"]').waitFor();
  assert.match(await housing.getAttribute('class'), /\bfail\b/);
  assert.equal((await housing.locator('[data-test="guarantee-state"]').innerText()).trim(), '未达标');
  assert.match(await housing.innerText(), /安全等级 C 级/);
  // red: the tile's border is the theme's danger colour; an unchecked tile's is not
  const danger = await themeColor(page, '--el-color-danger');
  const borderOf = (loc) => loc.evaluate((el) => getComputedStyle(el).borderTopColor);
  assert.equal(await borderOf(housing), danger);
  assert.notEqual(await borderOf(page.locator('[data-test="guarantee-food"]')), danger);
  assert.equal(await page.locator('[data-test="guarantee-food"]').getAttribute('data-ok'), 'null');
  await visit(page, 'registry-guarantee-failed');

  const h = await household();
  const g = h.guarantees.find((x) => x.kind === 'housing');
  assert.equal(g.ok, false);
  assert.equal(g.rating, 'C');
  assert.deepEqual(h.guarantees.map((x) => x.kind), KINDS.map((k) => k.code));
  // the list's 仅显示保障未达标 finds it
  const failing = await staff.get(`/api/v1/households?failing=1&q=${encodeURIComponent(hh.code)}`);
  assert.deepEqual(failing.body.items.map((x) => x.id), [hh.id]);
  await closePage(page);
});

test('an income typed in 元 is stored in exact 分; under the line its row is red', async () => {
  const page = await openAs('staff');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await openTab(page, '收入');

  await page.locator('[data-test="income-add"]').click();
  const dlg = page.locator('[data-test="income-dialog"]');
  await dlg.waitFor();
  await dlg.locator('#inc-wagesFen').fill('abc');
  await dlg.locator('#inc-businessFen').click();
  await dlg.locator('.el-form-item__error', { hasText: '最多两位小数' }).waitFor();
  await dlg.locator('#inc-wagesFen').fill('3,000.10');
  await dlg.locator('#inc-transfersFen').fill('200.05');
  await dlg.locator('#inc-expensesFen').fill('0.3');
  await dlg.locator('[data-test="inc-preview"]', { hasText: '3,199.85' }).waitFor();
  await visit(page, 'registry-income-dialog');
  await dlg.locator('[data-test="inc-submit"]').click();
  await dlg.waitFor({ state: 'hidden' });

  const h = await household();
  assert.equal(h.incomes.length, 1);
  const inc = h.incomes[0];
  assert.equal(inc.wagesFen, 300010);
  assert.equal(inc.transfersFen, 20005);
  assert.equal(inc.expensesFen, 30);
  assert.equal(inc.businessFen, 0);
  assert.equal(inc.netFen, 319985);
  assert.equal(inc.belowLine, true, 'under the monitoring line');

  const row = page.locator('[data-test="income-table"] .el-table__body .el-table__row').first();
  await row.locator('[data-test="income-per-person"]', { hasText: yuan(inc.perPersonFen) }).waitFor();
  assert.match(await row.getAttribute('class'), /below-line/);
  await row.locator('[data-test="income-below"]').waitFor();
  assert.match(await row.innerText(), new RegExp(yuan(inc.lineFen).replace('.', '\\.')));
  await visit(page, 'registry-incomes');
  await closePage(page);
});

test('the 变更记录 tab lists the API history, newest first', async () => {
  const page = await openAs('staff');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await openTab(page, '变更记录');
  const r = await staff.get(`/api/v1/households/${hh.id}/history`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.length >= 4, 'create, person, guarantee and income are recorded');
  const rows = page.locator('[data-test="history-table"] .el-table__body .el-table__row');
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="history-table"] .el-table__body .el-table__row').length === n, r.body.items.length);
  const actions = await rows.locator('[data-test="history-action"]').allInnerTexts();
  assert.deepEqual(actions.map((s) => s.trim()), r.body.items.map((e) => e.actionName || e.action));
  // codes and money are shown in words and 元, from defs/registry.json
  const historyText = await page.locator('[data-test="history-table"]').innerText();
  const housingName = KINDS.find((k) => k.code === 'housing').name;
  assert.match(historyText, new RegExp(`核查项目：${housingName}`));
  assert.match(historyText, /家庭纯收入（元）：3,199\.85/);
  assert.match(historyText, new RegExp(`与户主关系：${DEFS.relations.find((x) => x.code === 'head').name}`));
  assert.match(historyText, new RegExp(`户类别：${DEFS.categories[0].name}`));
  // the full ID number appears nowhere in the history
  assert.doesNotMatch(await page.locator('[data-test="history-table"]').innerText(), new RegExp(HEAD_ID));
  await visit(page, 'registry-history');
  await closePage(page);
});

test('an edit that lost the race with another user says so in Chinese', async () => {
  const page = await openAs('staff');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-header"]').waitFor();
  await settle(page);
  await page.locator('[data-test="household-edit"]').click();
  const dlg = page.locator('[data-test="household-edit-dialog"]');
  await dlg.waitFor();
  await dlg.locator('#hh-edit-address').fill('灯塔村三组9号');

  // meanwhile someone else changes the household
  const cur = await staff.get(`/api/v1/households/${hh.id}`);
  const other = await staff.patch(`/api/v1/households/${hh.id}`, { note: '他人修改' }, { 'if-match': cur.headers.get('etag') });
  assert.equal(other.status, 200, other.text);

  await dlg.locator('[data-test="hh-edit-submit"]').click();
  await dlg.locator('[data-test="hh-edit-error"]', { hasText: '记录已被他人修改，请刷新后重试' }).waitFor();
  assert.equal((await household()).address, '灯塔村三组8号（测试）', 'the stale edit changed nothing');
  await visit(page, 'registry-edit-stale');
  await closePage(page);
});

test('人员查询 finds the head by name and opens the household; the full number only with pii.read', async () => {
  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '人员查询' }).click();
  await page.locator('h1.page-title', { hasText: '人员查询' }).waitFor();
  await page.locator('#person-filter-q').fill('王建国');
  await page.locator('[data-test="person-search"]').click();
  const row = page.locator('[data-test="persons-table"] .el-table__body .el-table__row', { hasText: '王建国' });
  await row.waitFor();
  await settle(page);
  assert.equal(await page.locator('[data-test="person-reveal"]').count(), 0, 'staff does not hold pii.read');
  await visit(page, 'registry-persons');
  await row.locator('[data-test="person-name"]').click();
  await page.waitForURL(new RegExp(`/registry/households/${hh.id}$`));
  await page.locator('[data-test="household-header"]').waitFor();
  await closePage(page);

  // the leader holds pii.read: one click shows the full number (GET /persons/{id}/id-number)
  const leader = await apiAs('leader');
  assert.ok((await leader.get('/api/v1/me')).body.permissions.includes('pii.read'));
  const lp = await openAs('leader');
  await lp.goto(`${base}/registry/persons`);
  await lp.locator('h1.page-title', { hasText: '人员查询' }).waitFor();
  await lp.locator('#person-filter-q').fill('王建国');
  await lp.locator('[data-test="person-search"]').click();
  const lrow = lp.locator('[data-test="persons-table"] .el-table__body .el-table__row', { hasText: '王建国' });
  await lrow.waitFor();
  assert.notEqual((await lrow.locator('[data-test="person-id-number"]').innerText()).trim(), HEAD_ID);
  await lrow.locator('[data-test="person-reveal"]').click();
  await lrow.locator('[data-test="person-id-number"]', { hasText: HEAD_ID }).waitFor();
  assert.equal(await lrow.locator('[data-test="person-reveal"]').count(), 0);
  await closePage(lp);
});

test('疑似重复: a second 王建国 born the same day in 灯塔村 is flagged; 不是同一人 closes the pair', async () => {
  // another household of 灯塔村 with a man of the same name and birth date (another ID number)
  const h = await household();
  const other = await staff.post('/api/v1/households', { areaId: h.village.id, address: '灯塔村五组1号（测试）', categories: [] });
  assert.equal(other.status, 201, other.text);
  const id17 = '50023619700312145';
  const p = await staff.post(`/api/v1/households/${other.body.id}/persons`, {
    name: '王建国', idNumber: id17 + checkChar(id17), relation: 'head', joinedOn: '2020-01-01', joinReason: 'registered',
  });
  assert.equal(p.status, 201, p.text);
  const open = (await staff.get('/api/v1/duplicates?status=open')).body.items;
  const pair = open.find((d) => [d.person.id, d.other.id].includes(p.body.id));
  assert.ok(pair, 'the API flags the pair');

  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '疑似重复' }).click();
  await page.locator('h1.page-title', { hasText: '疑似重复' }).waitFor();
  await settle(page);
  const rows = page.locator('[data-test="duplicates-table"] .el-table__body .el-table__row');
  assert.equal(await rows.count(), open.length);
  const row = rows.filter({ hasText: `编号 ${p.body.id}` });
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /王建国/);
  await visit(page, 'registry-duplicates');

  await row.locator('[data-test="dup-keep"]').click();
  await page.locator('.el-message-box').getByRole('button', { name: '确认' }).click();
  await page.locator('.el-message', { hasText: '已标记为不同人员' }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="duplicates-table"] .el-table__body .el-table__row').length === n, open.length - 1);
  const after = (await staff.get('/api/v1/duplicates?status=open')).body.items;
  assert.equal(after.some((d) => d.id === pair.id), false, 'the pair is closed');
  await closePage(page);
});

test('a village cadre of 大淌村 does not find the 灯塔村 household', async () => {
  const datang = await apiAs('datang');
  assert.equal((await datang.get(`/api/v1/households/${hh.id}`)).status, 404);
  const list = await datang.get(`/api/v1/households?q=${encodeURIComponent(hh.code)}`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items, []);

  const page = await openAs('datang');
  await page.goto(`${base}/registry/households/${hh.id}`);
  await page.locator('[data-test="household-missing"]').waitFor();
  assert.equal(await page.locator('[data-test="household-header"]').count(), 0);
  await visit(page, 'registry-datang-missing');

  await page.goto(`${base}/registry/households?q=${encodeURIComponent(hh.code)}`);
  await page.locator('h1.page-title', { hasText: '户籍台账' }).waitFor();
  await settle(page);
  assert.equal(await page.locator('[data-test="household-table"] .el-table__body .el-table__row').count(), 0);
  await closePage(page);
});
