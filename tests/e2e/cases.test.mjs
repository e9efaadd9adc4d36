// tests/e2e/cases.test.mjs - the case (办件) screens as staff, a village cadre and
// a leader use them: real `zhenwu serve` on a fresh demo database, Debian's
// chromium, axe-core on every page, a screenshot of each under tests/out/e2e/.
// What the screens must show comes from defs/case_types/*.json (read here) and
// from the API's own answers to the same questions, never from the UI itself.
// Tests run in order: later ones use the case that staff registers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, ROOT, PASSWORD } from '../lib/server.mjs';
import {
  launch, newPage, closePage, visit, settle, loginAs, menuItems, menuGroups, chooseOption, pickArea,
} from './browser.mjs';

const def = (code) => JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types', `${code}.json`), 'utf8'));
const DISPUTE = def('dispute');
const PETITION = def('petition');
const TOWN = '羊市';
// The serial pattern of the definition, as a RegExp ({town}调〔{year}〕{n}号).
const serialRe = (d) => new RegExp(`^${d.serial.replace('{town}', TOWN).replace('{year}', '\\d{4}').replace('{n}', '\\d+')}$`);
const DISPUTE_SERIAL = serialRe(DISPUTE);

const stateName = (d, code) => d.states.find((s) => s.code === code).name;
const transition = (d, code) => d.transitions.find((t) => t.code === code);
const fieldDef = (d, code) => d.fields.find((f) => f.code === code);
// Names of the transitions a holder of `role` may take from `state` (not as assignee).
const offered = (d, state, role) => d.transitions.filter((t) => t.from.includes(state) && t.roles.includes(role)).map((t) => t.name);
const ACCEPT = transition(DISPUTE, 'accept');
const SESSION = transition(DISPUTE, 'session');

// An instant as 'YYYY-MM-DD HH:mm' in Asia/Shanghai (UTC+8, no daylight saving).
const shanghaiMinute = (iso) => new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');

let server;
let browser;
let base;
const ids = {};   // area and user ids from the API
const cases = {}; // the cases of this file: { id, serial, title }

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  return c;
}

async function areaId(api, name) {
  const r = await api.get(`/api/v1/search?q=${encodeURIComponent(name)}`);
  const a = r.body.items.find((x) => x.entity === 'area' && x.title === name);
  assert.ok(a, `area ${name} is found`);
  return a.id;
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();

  const staff = await apiAs('staff');
  ids.staff = (await staff.get('/api/v1/me')).body.id;
  ids.dengta = await areaId(staff, '灯塔村');
  ids.datang = await areaId(staff, '大淌村');

  // A dispute in 大淌村, which the 灯塔村 cadre must not see.
  const dt = await staff.post('/api/v1/cases', {
    type: 'dispute', title: '大淌村宅基地界址纠纷', content: '两户因宅基地界址发生争执。', areaId: ids.datang,
    category: 'homestead', channel: 'phone',
  });
  assert.equal(dt.status, 201, dt.text);
  cases.datang = { id: dt.body.id, serial: dt.body.serial, title: dt.body.title };

  // A petition in 灯塔村 assigned to staff: it has running clocks (受理告知期限 from
  // registration, 交办异议期限 from the assignment) for 我的待办.
  const p = await staff.post('/api/v1/cases', {
    type: 'petition', title: '灯塔村道路硬化信访', content: '反映村道破损。', areaId: ids.dengta, channel: 'letter',
    requester: { name: '李四', confidential: true },
  });
  assert.equal(p.status, 201, p.text);
  const pa = await staff.post(`/api/v1/cases/${p.body.id}/actions/assign`, { assigneeId: ids.staff, comment: '请核实' },
    { 'if-match': p.headers.get('etag') });
  assert.equal(pa.status, 200, pa.text);
  cases.petition = { id: p.body.id, serial: p.body.serial, title: p.body.title };
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

async function go(page, route, title) {
  await page.goto(`${base}${route}`);
  await page.locator('h1', { hasText: title }).first().waitFor({ state: 'attached' });
  await settle(page);
}

const text = async (loc) => (await loc.innerText()).trim();
const table = (page) => page.locator('[data-test="case-table"]');
const rowOf = (page, serial) => table(page).locator('.el-table__body .el-table__row', { hasText: serial });

// Waits for the case page to show `state` (its name) and `n` timeline entries.
async function waitCase(page, stateLabel, n) {
  await page.locator('[data-test="case-state-name"]', { hasText: stateLabel }).waitFor();
  await page.waitForFunction((k) => document.querySelectorAll('[data-test="timeline-item"]').length === k, n);
  await settle(page);
}

test('the side menu has 办件 with its screens for case.read, 登记办件 only with case.write', async () => {
  for (const [username, expected] of [
    ['staff', ['我的待办', '办件列表', '登记办件']],
    ['dengta', ['我的待办', '办件列表', '登记办件']],
    ['auditor', null],
  ]) {
    const api = await apiAs(username);
    const me = (await api.get('/api/v1/me')).body;
    const page = await openAs(username);
    const groups = await menuGroups(page);
    const items = await menuItems(page);
    if (!expected) {
      assert.equal(me.permissions.includes('case.read'), false);
      assert.deepEqual(groups.includes('办件'), false, `${username} has no 办件 menu`);
      for (const t of ['我的待办', '办件列表', '登记办件']) assert.equal(items.includes(t), false);
      await go(page, '/cases', '无权访问');
      await page.locator('[data-test="forbidden"]').waitFor();
    } else {
      assert.ok(groups.includes('办件'), `${username}: menu group 办件`);
      const want = expected.filter((t) => t !== '登记办件' || me.permissions.includes('case.write'));
      assert.deepEqual(items.filter((t) => expected.includes(t)), want);
    }
    await closePage(page);
  }
});

test('staff registers a 矛盾纠纷 for 灯塔村 through the form', async () => {
  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '登记办件' }).click();
  await page.locator('h1.page-title', { hasText: '登记办件' }).waitFor();
  await visit(page, 'staff-case-new');

  // Submitting the empty form: the form's own checks, nothing sent.
  await page.locator('[data-test="case-submit"]').click();
  await page.locator('.el-form-item__error', { hasText: '请选择办件类型' }).waitFor();

  await chooseOption(page, page.locator('[data-test="case-type"]'), DISPUTE.name);
  // The category defaults to the type's first one, and lists the type's categories.
  await page.locator('[data-test="case-category"]').getByText(DISPUTE.categories[0].name).waitFor();
  const neighbours = DISPUTE.categories.find((c) => c.code === 'neighbours').name;
  await chooseOption(page, page.locator('[data-test="case-category"]'), neighbours);
  const title = '灯塔村邻里排水纠纷';
  await page.getByLabel('标题', { exact: true }).fill(title);
  await page.getByLabel('诉求内容').fill('张三反映邻居李四修房改变排水方向，雨水流入其院坝。');
  await pickArea(page, page.locator('[data-test="case-form"] .el-select[data-test="case-area"]'), ['奉节县', '羊市镇'], '灯塔村');
  await chooseOption(page, page.locator('[data-test="case-channel"]'), '走访');
  await page.getByLabel('诉求人姓名').fill('张三');
  await page.getByLabel('联系电话').fill('13900001234');
  await settle(page);
  await visit(page, 'staff-case-new-filled');

  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases');
  await page.locator('[data-test="case-submit"]').click();
  const req = await posted;
  assert.ok(req.headers()['idempotency-key'], 'the registration carries an Idempotency-Key');
  assert.deepEqual(JSON.parse(req.postData()), {
    type: 'dispute', title, content: '张三反映邻居李四修房改变排水方向，雨水流入其院坝。', areaId: ids.dengta,
    channel: 'visit', category: 'neighbours', requester: { name: '张三', confidential: false, phone: '13900001234' },
  });
  await page.waitForURL(/\/cases\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await waitCase(page, stateName(DISPUTE, 'registered'), 1);

  // The header: serial by the definition's pattern, type, state, outcome, area.
  const serial = await text(page.locator('h1 [data-test="case-serial"]'));
  assert.match(serial, /^羊市调〔\d{4}〕\d+号$/);
  assert.match(serial, DISPUTE_SERIAL);
  assert.equal(await text(page.locator('[data-test="case-type"]')), DISPUTE.name);
  assert.equal(await text(page.locator('[data-test="case-state-name"]')), '已登记');
  assert.equal(await text(page.locator('[data-test="case-outcome"]')), '办理中');
  assert.equal(await text(page.locator('[data-test="case-area"]')), '灯塔村');
  assert.equal(await text(page.locator('[data-test="case-name"]')), title);
  // The requester as the API gives it: the registrar sees the name, the phone masked.
  const requester = await text(page.locator('[data-test="case-requester"]'));
  assert.match(requester, /张三/);
  assert.match(requester, /139\*\*\*\*1234/);
  // The timeline has the registration; one button per action the definition offers staff.
  const first = page.locator('[data-test="timeline-item"]').first();
  assert.equal(await text(first.locator('[data-test="timeline-action"]')), '登记');
  assert.equal(await text(first.locator('[data-test="timeline-states"]')), '已登记');
  assert.match(await text(first), /王干事/);
  const buttons = (await page.locator('[data-test="case-actions"] button').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(buttons, offered(DISPUTE, 'registered', 'staff'));
  assert.ok(buttons.includes(ACCEPT.name));
  await visit(page, 'staff-case-registered');
  await closePage(page);

  // The server holds what the form sent.
  const api = await apiAs('staff');
  const r = await api.get(`/api/v1/cases/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.serial, serial);
  assert.equal(r.body.area.id, ids.dengta);
  assert.equal(r.body.category, 'neighbours');
  assert.equal(r.body.channel, 'visit');
  assert.equal(r.body.requester.name, '张三');
  cases.dengta = { id, serial, title };
});

test('staff takes 受理调解 in the dialog: refusals are shown, the state and timeline move on', async () => {
  assert.ok(cases.dengta, 'needs the case registered above');
  const api = await apiAs('staff');
  const page = await openAs('staff');
  await go(page, `/cases/${cases.dengta.id}`, cases.dengta.serial);
  await waitCase(page, '已登记', 1);

  await page.locator(`[data-test="case-action-${ACCEPT.code}"]`).click();
  const dialog = page.locator('.el-dialog', { hasText: ACCEPT.name });
  await dialog.waitFor();
  await settle(page);
  // One input per required field of the definition's accept, plus the optional comment.
  const labels = (await dialog.locator('.el-form-item__label').allInnerTexts()).map((s) => s.trim());
  const want = ACCEPT.requires.map((code) => {
    const f = fieldDef(DISPUTE, code);
    return f.type === 'user' ? `${f.name}（用户编号）` : f.type === 'money' ? `${f.name}（元）` : f.name;
  });
  assert.deepEqual(labels, [...want, '办理意见']);

  // Nothing filled: the dialog's own checks, nothing sent.
  await dialog.locator('[data-test="action-submit"]').click();
  await dialog.locator('.el-form-item__error', { hasText: `请填写“${fieldDef(DISPUTE, 'parties').name}”` }).waitFor();
  await visit(page, 'staff-case-accept-empty');

  // The server refuses a user id that does not exist: its Chinese message is shown.
  const fill = async (code, value) => {
    const f = fieldDef(DISPUTE, code);
    const label = f.type === 'user' ? `${f.name}（用户编号）` : f.name;
    const input = dialog.getByLabel(label);
    await input.fill(String(value));
    if (f.type === 'date') await input.press('Enter');
    await input.press('Tab');
  };
  const values = { parties: '张三、李四', mediator: 99999 };
  for (const code of ACCEPT.requires) await fill(code, values[code]);
  const bad = await api.post(`/api/v1/cases/${cases.datang.id}/actions/accept`,
    { fields: { parties: '甲、乙', mediator: 99999 } }, { 'if-match': '"v1"' });
  assert.equal(bad.status, 400);
  await dialog.locator('[data-test="action-submit"]').click();
  const alert = dialog.locator('[data-test="action-error"]');
  await alert.waitFor();
  assert.equal(await text(alert.locator('.el-alert__title')), bad.body.error.message);
  await page.locator('.el-message--error', { hasText: bad.body.error.message }).first().waitFor();
  await settle(page);
  await visit(page, 'staff-case-accept-refused');
  assert.equal(await text(page.locator('[data-test="case-state-name"]')), '已登记');

  // The mediator is staff (no user.read: the id is typed); with a comment.
  await fill('mediator', ids.staff);
  await dialog.getByLabel('办理意见').fill('双方同意调解');
  await visit(page, 'staff-case-accept-dialog');
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${cases.dengta.id}/actions/accept`));
  await dialog.locator('[data-test="action-submit"]').click();
  const req = await posted;
  assert.equal(req.headers()['if-match'], '"v1"');
  assert.deepEqual(JSON.parse(req.postData()), { comment: '双方同意调解', fields: { parties: '张三、李四', mediator: ids.staff } });
  await dialog.waitFor({ state: 'hidden' });
  await waitCase(page, stateName(DISPUTE, ACCEPT.to), 2);

  assert.equal(await text(page.locator('[data-test="case-state-name"]')), '调解中');
  const last = page.locator('[data-test="timeline-item"]').nth(1);
  assert.equal(await text(last.locator('[data-test="timeline-action"]')), ACCEPT.name);
  assert.equal(await text(last.locator('[data-test="timeline-states"]')), '已登记 → 调解中');
  assert.equal(await text(last.locator('[data-test="timeline-comment"]')), '办理意见：双方同意调解');
  assert.match(await text(last), /当事人：张三、李四/);
  assert.equal(await text(page.locator('[data-test="case-field-parties"]')), '张三、李四');
  assert.match(await text(page.locator('[data-test="case-field-mediator"]')), /王干事/);
  const buttons = (await page.locator('[data-test="case-actions"] button').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(buttons, offered(DISPUTE, 'mediating', 'staff'));
  await visit(page, 'staff-case-accepted');

  // Someone else records a session meanwhile: the page's ETag is now stale.
  const cur = await api.get(`/api/v1/cases/${cases.dengta.id}`);
  const other = await api.post(`/api/v1/cases/${cases.dengta.id}/actions/${SESSION.code}`,
    { fields: { session_date: '2026-11-20', session_record: '第一次调解，双方陈述意见。' } }, { 'if-match': cur.headers.get('etag') });
  assert.equal(other.status, 200, other.text);
  const stale = await api.post(`/api/v1/cases/${cases.dengta.id}/actions/${SESSION.code}`,
    { fields: { session_date: '2026-11-21', session_record: 'x' } }, { 'if-match': cur.headers.get('etag') });
  assert.equal(stale.status, 412);

  await page.locator(`[data-test="case-action-${SESSION.code}"]`).click();
  const sdlg = page.locator('.el-dialog', { hasText: SESSION.name });
  await sdlg.waitFor();
  await sdlg.getByLabel(fieldDef(DISPUTE, 'session_date').name).fill('2026-11-22');
  await sdlg.getByLabel(fieldDef(DISPUTE, 'session_date').name).press('Enter');
  await sdlg.getByLabel(fieldDef(DISPUTE, 'session_record').name).fill('第二次调解，李四同意改建排水沟。');
  await sdlg.locator('[data-test="action-submit"]').click();
  const salert = sdlg.locator('[data-test="action-error"]');
  await salert.waitFor();
  assert.equal(await text(salert.locator('.el-alert__title')), stale.body.error.message);
  // The page reloads the case: the other session is in the timeline; sending again works.
  await waitCase(page, '调解中', 3);
  await visit(page, 'staff-case-stale');
  await sdlg.locator('[data-test="action-submit"]').click();
  await sdlg.waitFor({ state: 'hidden' });
  await waitCase(page, '调解中', 4);
  const fourth = page.locator('[data-test="timeline-item"]').nth(3);
  assert.equal(await text(fourth.locator('[data-test="timeline-action"]')), SESSION.name);
  assert.equal(await text(fourth.locator('[data-test="timeline-states"]')), '调解中 → 调解中');
  assert.match(await text(fourth), /调解记录：第二次调解，李四同意改建排水沟。/);
  await visit(page, 'staff-case-session');
  await closePage(page);

  const after = await api.get(`/api/v1/cases/${cases.dengta.id}`);
  assert.equal(after.body.state.code, 'mediating');
  assert.equal(after.body.timeline.length, 4);
  assert.equal(after.body.fields.session_record, '第二次调解，李四同意改建排水沟。');
});

test('staff: 我的待办 orders by the nearest deadline and filters to the cases assigned to me', async () => {
  assert.ok(cases.dengta, 'needs the case registered above');
  const api = await apiAs('staff');
  const pet = (await api.get(`/api/v1/cases/${cases.petition.id}`)).body;
  const running = pet.clocks.filter((k) => ['green', 'yellow', 'red'].includes(k.status))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  assert.ok(running.length > 0, 'the petition has a running clock');
  const STATUS = { green: '正常', yellow: '临期', red: '逾期' };

  const page = await openAs('staff');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '我的待办' }).click();
  await page.locator('h1.page-title', { hasText: '我的待办' }).waitFor();
  await rowOf(page, cases.petition.serial).waitFor();
  await settle(page);
  const serials = (await table(page).locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim());
  // open cases only; the one with a running clock first, then the others newest first
  assert.deepEqual(serials, [cases.petition.serial, cases.dengta.serial, cases.datang.serial]);
  const prow = rowOf(page, cases.petition.serial);
  assert.equal(await text(prow.locator('[data-test="clock-status"]')), STATUS[running[0].status]);
  assert.match(await text(prow), new RegExp(shanghaiMinute(running[0].dueAt)));
  assert.match(await text(prow), new RegExp(stateName(PETITION, 'assigned')));
  assert.match(await text(rowOf(page, cases.dengta.serial)), /无时限/);
  await visit(page, 'staff-case-todo');

  await page.locator('[data-test="todo-mine"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="case-table"] [data-test="case-serial"]').length === 1);
  assert.deepEqual((await table(page).locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()), [cases.petition.serial]);
  await visit(page, 'staff-case-todo-mine');

  // The petition's page: clocks with their status tags and Shanghai due times;
  // its requester is confidential and staff (registrar and assignee) sees the name.
  await prow.locator('[data-test="case-serial"]').click();
  await page.waitForURL(new RegExp(`/cases/${cases.petition.id}$`));
  await page.locator('[data-test="case-clocks"]').waitFor();
  await settle(page);
  const dues = (await page.locator('[data-test="clock-due"]').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(dues, pet.clocks.map((k) => shanghaiMinute(k.dueAt)));
  for (const d of dues) assert.match(d, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  assert.match(await text(page.locator('[data-test="case-requester"]')), /李四/);
  assert.equal(await text(page.locator('[data-test="case-assignee"]')), '王干事');
  await visit(page, 'staff-petition');
  await closePage(page);
});

test('dengta sees the 灯塔村 case in 办件列表 and not the 大淌村 one', async () => {
  assert.ok(cases.dengta, 'needs the case registered above');
  const api = await apiAs('dengta');
  const page = await openAs('dengta');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '办件列表' }).click();
  await page.locator('h1.page-title', { hasText: '办件列表' }).waitFor();
  await rowOf(page, cases.dengta.serial).waitFor();
  await settle(page);
  const all = await text(table(page));
  assert.doesNotMatch(all, new RegExp(cases.datang.serial));
  assert.doesNotMatch(all, /大淌村/);
  const row = await text(rowOf(page, cases.dengta.serial));
  assert.match(row, /矛盾纠纷/);
  assert.match(row, /灯塔村/);
  assert.match(row, /调解中/);
  assert.match(row, new RegExp(cases.dengta.title));
  const list = await api.get('/api/v1/cases');
  assert.deepEqual((await table(page).locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()),
    list.body.items.map((c) => c.serial));
  await visit(page, 'dengta-case-list');

  // Filters: type 矛盾纠纷 then the type's state 调解中.
  let req = page.waitForRequest((r) => /\/api\/v1\/cases\?/.test(r.url()) && new URL(r.url()).searchParams.get('type') === 'dispute');
  await chooseOption(page, page.locator('[data-test="filter-type"]'), DISPUTE.name);
  await req;
  req = page.waitForRequest((r) => /\/api\/v1\/cases\?/.test(r.url()) && new URL(r.url()).searchParams.get('state') === 'mediating');
  await chooseOption(page, page.locator('[data-test="filter-state"]'), stateName(DISPUTE, 'mediating'));
  await req;
  await page.waitForFunction(() => document.querySelectorAll('[data-test="case-table"] [data-test="case-serial"]').length === 1);
  await settle(page);
  assert.deepEqual((await table(page).locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()), [cases.dengta.serial]);
  await visit(page, 'dengta-case-list-filtered');

  // To the case and back: the filters are kept (they are in the URL); the menu entry clears them.
  await rowOf(page, cases.dengta.serial).locator('[data-test="case-serial"]').click();
  await page.waitForURL(new RegExp(`/cases/${cases.dengta.id}$`));
  await page.locator('[data-test="case-state-name"]').waitFor();
  await page.getByRole('button', { name: '返回' }).click();
  await page.waitForURL((u) => new URL(u).pathname === '/cases' && new URL(u).searchParams.get('state') === 'mediating');
  await page.locator('[data-test="filter-state"]').getByText(stateName(DISPUTE, 'mediating')).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="case-table"] [data-test="case-serial"]').length === 1);
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '办件列表' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="case-table"] [data-test="case-serial"]').length === n,
    list.body.items.length);
  assert.equal(new URL(page.url()).searchParams.get('state'), null);

  // The 大淌村 case's page: outside the scope, it does not exist for this user.
  await go(page, `/cases/${cases.datang.id}`, '办件详情');
  await page.locator('[data-test="case-missing"]').waitFor();
  await visit(page, 'dengta-case-out-of-scope');

  // The petition: confidential requester, hidden from the cadre.
  await go(page, `/cases/${cases.petition.id}`, cases.petition.serial);
  await page.locator('[data-test="case-requester"]').waitFor();
  assert.match(await text(page.locator('[data-test="case-requester"]')), /保密/);
  assert.doesNotMatch(await text(page.locator('[data-test="case-requester"]')), /李四/);
  await visit(page, 'dengta-petition');
  await closePage(page);
});

test('leader: the overdue filter asks the server and the list renders its answer', async () => {
  assert.ok(cases.dengta, 'needs the case registered above');
  const api = await apiAs('leader');
  const page = await openAs('leader');
  await go(page, '/cases', '办件列表');
  await rowOf(page, cases.dengta.serial).waitFor();
  await rowOf(page, cases.datang.serial).waitFor();
  await visit(page, 'leader-case-list');

  const overdue = await api.get('/api/v1/cases?overdue=1');
  assert.equal(overdue.status, 200);
  const req = page.waitForRequest((r) => /\/api\/v1\/cases\?/.test(r.url()) && new URL(r.url()).searchParams.get('overdue') === '1');
  const res = page.waitForResponse((r) => /\/api\/v1\/cases\?/.test(r.url()) && new URL(r.url()).searchParams.get('overdue') === '1');
  await page.locator('[data-test="filter-overdue"]').click();
  await req;
  assert.equal((await res).status(), 200);
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="case-table"] [data-test="case-serial"]').length === n,
    overdue.body.items.length);
  await settle(page);
  assert.deepEqual((await table(page).locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()),
    overdue.body.items.map((c) => c.serial));
  if (overdue.body.items.length === 0) assert.match(await text(table(page)), /暂无办件/);
  assert.match(await text(page.locator('.el-pagination__total')), new RegExp(`共 ${overdue.body.pager.total} 条`));
  assert.equal(new URL(page.url()).searchParams.get('overdue'), '1');
  await visit(page, 'leader-case-list-overdue');

  // Leaving the filter on, a reload keeps it (the filters are in the URL).
  await page.reload();
  await page.locator('h1.page-title', { hasText: '办件列表' }).waitFor();
  await settle(page);
  assert.equal(await page.getByLabel('只看逾期').isChecked(), true);
  await closePage(page);
});

test('leader assigns a 安全隐患: users from a select, money typed in 元 and sent in 分', async () => {
  const HAZARD = def('hazard');
  const ASSIGN = transition(HAZARD, 'assign');
  const staff = await apiAs('staff');
  const h = await staff.post('/api/v1/cases', {
    type: 'hazard', title: '灯塔村小学旁危岩', content: '小学围墙外侧危岩松动。', areaId: ids.dengta, channel: 'grid',
  });
  assert.equal(h.status, 201, h.text);
  const leader = await apiAs('leader');
  const users = (await leader.get('/api/v1/users?pageSize=200')).body.items;
  const cadre = users.find((u) => u.username === 'dengta');
  const me = (await leader.get('/api/v1/me')).body;

  const page = await openAs('leader');
  await go(page, `/cases/${h.body.id}`, h.body.serial);
  await waitCase(page, stateName(HAZARD, 'listed'), 1);
  await page.locator(`[data-test="case-action-${ASSIGN.code}"]`).click();
  const dialog = page.locator('.el-dialog', { hasText: ASSIGN.name });
  await dialog.waitFor();
  await settle(page);
  // With user.read the user inputs are selects (no "用户编号"); money is in 元.
  const labels = (await dialog.locator('.el-form-item__label').allInnerTexts()).map((s) => s.trim());
  const name = (code) => (code === 'assignee' ? '办理人' : fieldDef(HAZARD, code).name);
  assert.deepEqual(labels, [...ASSIGN.requires.map((c) => (fieldDef(HAZARD, c) || {}).type === 'money' ? `${name(c)}（元）` : name(c)), '办理意见']);

  await dialog.getByLabel(name('location')).fill('灯塔村小学北侧围墙外');
  await chooseOption(page, dialog.locator('[data-test="action-field-assignee"] .el-select'), `${cadre.name}（${cadre.area.name}）`);
  await chooseOption(page, dialog.locator('[data-test="action-field-responsible"] .el-select'), `${me.name}（${me.area.name}）`);
  await dialog.getByLabel(name('measures')).fill('设置警示标志，清除松动岩块。');
  const funds = dialog.getByLabel(`${name('funds')}（元）`);
  await funds.fill('1234.5');
  await funds.press('Tab');
  const deadline = dialog.getByLabel(name('deadline'));
  await deadline.fill('2026-12-31');
  await deadline.press('Enter');
  await settle(page);
  await visit(page, 'leader-hazard-assign-dialog');

  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${h.body.id}/actions/assign`));
  await dialog.locator('[data-test="action-submit"]').click();
  const body = JSON.parse((await posted).postData());
  assert.deepEqual(body, {
    assigneeId: cadre.id,
    fields: {
      location: '灯塔村小学北侧围墙外', responsible: me.id, measures: '设置警示标志，清除松动岩块。', funds: 123450, deadline: '2026-12-31',
    },
  });
  await dialog.waitFor({ state: 'hidden' });
  // the action's entry, and the 隐患整改通知书 it issues when the transition names a document
  await waitCase(page, stateName(HAZARD, ASSIGN.to), ASSIGN.document ? 3 : 2);
  assert.equal(await text(page.locator('[data-test="case-field-funds"]')), '1,234.50 元');
  assert.match(await text(page.locator('[data-test="case-field-responsible"]')), new RegExp(me.name));
  assert.equal(await text(page.locator('[data-test="case-assignee"]')), cadre.name);
  // The rectification clock started: its tag and due time as the API has them.
  const got = (await leader.get(`/api/v1/cases/${h.body.id}`)).body;
  assert.equal(got.fields.funds, 123450);
  const clock = got.clocks.find((k) => k.code === 'rectify');
  await page.locator('[data-test="case-clocks"]').waitFor();
  assert.deepEqual((await page.locator('[data-test="clock-due"]').allInnerTexts()).map((s) => s.trim()), [shanghaiMinute(clock.dueAt)]);
  assert.equal(await text(page.locator('[data-test="case-clocks"] [data-test="clock-status"]')), { green: '正常', yellow: '临期', red: '逾期' }[clock.status]);
  await visit(page, 'leader-hazard-assigned');
  await closePage(page);
});
