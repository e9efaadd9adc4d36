// tests/e2e/console.test.mjs - the web console as a person uses it: real
// `zhenwu serve` with a fresh demo database, Debian's chromium, axe-core on
// every page (no serious or critical violation), a screenshot of every page
// under tests/out/e2e/.  Tests run in order: later ones use the user that
// the admin creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, menuItems, loginAs, settle } from './browser.mjs';

// What each demo user's side menu must show, in order (from the built-in
// roles' permissions: 首页 and 工作日历 for everyone).  The group 办件
// (case.read) lists its screens 我的待办, 办件列表, 登记办件 (case.write), 超期看板
// and 网格上报 (the phone pages under /m; case.write).
// 统计分析 (case.read): the dashboard, the indicator table and the closed periods (结账)
const DASH = ['领导驾驶舱', '指标统计表', '统计结账'];
const CASES_RW = ['我的待办', '办件列表', '登记办件', '超期看板', '网格上报'];
const CASES_R = ['我的待办', '办件列表', '超期看板'];
// the 户籍台账 group (registry.read; 导入台账 needs registry.write), then 救助发放 (benefit.read)
const REGISTRY = ['户籍台账', '人员查询', '疑似重复', '导入台账'];
// 防返贫监测 (registry.read): alerts, monitored households, cadres, and the phone page of visits
const MON = ['监测预警', '监测对象', '帮扶责任人', '入户走访'];
const BENEFITS = ['救助汇总', '低保月度发放', '发放台账'];
// ... and 导入发放明细 with benefit.write (the import page opened on payments)
const BENEFITS_W = [...BENEFITS, '导入发放明细'];
// 考核 (assess.read): the month's ranking and the year's tiers
const ASSESS = ['月度考核', '年度等次'];
// 工作报告 (benefit.read; the server checks every indicator's rights)
const REPORT = ['工作报告'];
// 公示公开 (notice.read; 新建公示 needs notice.write): the township and the village cadres
const NOTICES = ['公示管理', '新建公示'];
const MENUS = {
  admin: ['首页', ...DASH, ...CASES_RW, '区划管理', '用户管理', '角色权限', '工作日历', ...REGISTRY, ...MON, ...BENEFITS_W, ...ASSESS, ...REPORT, ...NOTICES],
  secadmin: ['首页', '用户管理', '角色权限', '安全设置', '工作日历'],
  auditor: ['首页', '审计日志', '工作日历'],
  leader: ['首页', ...DASH, ...CASES_RW, '区划管理', '用户管理', '角色权限', '工作日历', ...REGISTRY, ...MON, ...BENEFITS_W, ...ASSESS, ...REPORT, ...NOTICES],
  staff: ['首页', ...DASH, ...CASES_RW, '区划管理', '工作日历', ...REGISTRY, ...MON, ...BENEFITS_W, ...ASSESS, ...REPORT, ...NOTICES],
  dengta: ['首页', ...DASH, ...CASES_RW, '区划管理', '工作日历', ...REGISTRY, ...MON, ...BENEFITS, ...ASSESS, ...REPORT, ...NOTICES],
  datang: ['首页', ...DASH, ...CASES_RW, '区划管理', '工作日历', ...REGISTRY, ...MON, ...BENEFITS, ...ASSESS, ...REPORT, ...NOTICES],
  grid: ['首页', ...DASH, ...CASES_RW, '区划管理', '工作日历', ...REGISTRY, ...MON],
  assist: ['首页', ...DASH, ...CASES_R, '区划管理', '工作日历', ...REGISTRY, ...MON, ...ASSESS],
};

// The menu the UI derives from a permission list, to tell a UI fault from a
// change in the demo roles when the table above does not match.
const SCREEN_PERMS = [['首页', null], ['领导驾驶舱', 'case.read'], ['指标统计表', 'case.read'], ['统计结账', 'case.read'], ['我的待办', 'case.read'], ['办件列表', 'case.read'], ['登记办件', 'case.write'],
  ['超期看板', 'case.read'], ['网格上报', 'case.write'],
  ['区划管理', 'area.read'], ['用户管理', 'user.read'], ['角色权限', 'role.read'],
  ['审计日志', 'audit.read'], ['安全设置', 'security.read'], ['工作日历', null],
  ['户籍台账', 'registry.read'], ['人员查询', 'registry.read'], ['疑似重复', 'registry.read'],
  ['导入台账', 'registry.write'],
  ['监测预警', 'registry.read'], ['监测对象', 'registry.read'], ['帮扶责任人', 'registry.read'], ['入户走访', 'registry.read'],
  ['救助汇总', 'benefit.read'], ['低保月度发放', 'benefit.read'], ['发放台账', 'benefit.read'],
  ['导入发放明细', 'benefit.write'], ['月度考核', 'assess.read'], ['年度等次', 'assess.read'],
  ['工作报告', 'benefit.read'], ['公示管理', 'notice.read'], ['新建公示', 'notice.write']];
const menuFor = (perms) => SCREEN_PERMS.filter(([, p]) => !p || perms.includes(p)).map(([t]) => t);

const NEW_USER = { username: 'dengta.e2e', name: '灯塔测试员', password: 'Init-Passw0rd#1', next: 'Chg-Passw0rd#27' };

let server;
let browser;
let base;
const created = { id: null };

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openAs(username, password = PASSWORD) {
  const page = await newPage(browser);
  await loginAs(page, base, username, password);
  return page;
}

async function waitHome(page) {
  await page.waitForURL((u) => new URL(u).pathname === '/');
  await page.locator('[data-test="welcome"]').waitFor();
}

// Goes to a console route by its hash path and waits for the page whose
// <h1> is `title` (无权访问 for the 403 page, 页面不存在 for the 404 page).
async function go(page, route, title) {
  await page.goto(`${base}${route}`);
  await page.locator('h1', { hasText: title }).first().waitFor({ state: 'attached' });
  await settle(page);
}

test('the login page is in Chinese and accessible', async () => {
  const page = await newPage(browser);
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByRole('button', { name: '登录' }).waitFor();
  await visit(page, 'login');
  await closePage(page);
});

test('a wrong password shows the server\'s Chinese error', async () => {
  const api = new Client(base);
  const r = await api.login('staff', 'Wrong-Passw0rd!');
  assert.equal(r.status, 401);
  const expected = r.body.error.message;
  assert.match(expected, /[\u4e00-\u9fff]/);

  const page = await openAs('staff', 'Wrong-Passw0rd!');
  const alert = page.locator('[data-test="login-error"]');
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), expected);
  await page.locator('.el-message--error', { hasText: expected }).first().waitFor();
  assert.match(page.url(), /\/login/);
  await visit(page, 'login-wrong-password');
  await closePage(page);
});

for (const [username, expected] of Object.entries(MENUS)) {
  test(`${username} sees exactly the menu items of their role`, async () => {
    const api = new Client(base);
    assert.equal((await api.login(username)).status, 200);
    const me = (await api.get('/api/v1/me')).body;

    const page = await openAs(username);
    await waitHome(page);
    const items = await menuItems(page);
    assert.deepEqual(items, menuFor(me.permissions), `${username}: menu does not follow /me permissions`);
    assert.deepEqual(items, expected, `${username}: menu differs from the role's expected screens`);
    // The welcome page names the user, their roles, area and scope.
    assert.match(await page.locator('[data-test="welcome"]').innerText(), new RegExp(me.name));
    assert.equal((await page.locator('[data-test="home-roles"]').innerText()).trim(), me.roles.map((x) => x.name).join('、'));
    assert.equal((await page.locator('[data-test="home-area"]').innerText()).trim(), me.area.name);
    assert.match(await page.locator('[data-test="home-scope"]').innerText(), /[\u4e00-\u9fff]/);
    assert.equal((await page.locator('[data-test="area-name"]').innerText()).trim(), me.area.name);
    await visit(page, `home-${username}`);
    await closePage(page);
  });
}

test('admin: every screen renders and the audit log is refused', async () => {
  const page = await openAs('admin');
  await waitHome(page);
  for (const [route, title] of [['/areas', '区划管理'], ['/users', '用户管理'], ['/roles', '角色权限'], ['/calendar', '工作日历']]) {
    await go(page, route, title);
    assert.equal((await page.locator('h1.page-title').innerText()).trim(), title);
    await visit(page, `admin-${route.slice(1)}`);
  }
  // Roles are listed with Chinese scope and permission names.
  const roles = page.locator('[data-test="role-table"]');
  await go(page, '/roles', '角色权限');
  await roles.getByText('村干部', { exact: true }).waitFor();
  assert.doesNotMatch(await roles.innerText(), /\b(user|area|role)\.(read|write)\b/);
  // The audit log is the auditor's alone (三员分立).
  await go(page, '/audit', '无权访问');
  await page.locator('[data-test="forbidden"]').waitFor();
  await visit(page, 'admin-audit-forbidden');
  // Security settings: absent from the menu, or shown read-only.
  await page.goto(`${base}/security`);
  await page.locator('h1', { hasText: /安全设置|无权访问/ }).first().waitFor({ state: 'attached' });
  await settle(page);
  if (await page.locator('[data-test="forbidden"]').count() === 0) {
    await page.locator('[data-test="security-readonly"]').waitFor();
    assert.equal(await page.locator('[data-test="security-save"]').count(), 0);
  }
  await visit(page, 'admin-security');
  await closePage(page);
});

test('admin creates a user for 灯塔村 with role 村干部 in the dialog', async () => {
  const page = await openAs('admin');
  await waitHome(page);
  await go(page, '/users', '用户管理');
  await page.locator('[data-test="user-create"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '新增用户' });
  await dialog.waitFor();
  await dialog.getByLabel('用户名').fill(NEW_USER.username);
  await dialog.getByLabel('姓名').fill(NEW_USER.name);
  await dialog.getByLabel('初始密码').fill(NEW_USER.password);

  // Area: walk the lazy tree down to 灯塔村.
  await dialog.locator('[data-test="user-area"]').click();
  const popper = page.locator('.el-popper.el-tree-select__popper:visible');
  await popper.waitFor();
  for (const name of ['奉节县', '羊市镇']) {
    const node = popper.locator('.el-tree-node__content', { hasText: name }).first();
    await node.waitFor();
    const expanded = await node.locator('.el-tree-node__expand-icon.expanded').count();
    if (!expanded) await node.locator('.el-tree-node__expand-icon').click();
  }
  // The node labelled exactly 灯塔村 (not its grids); under load the lazy tree may still be
  // settling when it is first clicked, so the choice is retried until the select shows it.
  const village = popper.locator('.el-tree-node__content').filter({ has: page.getByText('灯塔村', { exact: true }) }).first();
  const chosen = dialog.locator('[data-test="user-area"]').getByText('灯塔村');
  for (let attempt = 1; ; attempt++) {
    await village.click();
    try {
      await chosen.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      if (!(await popper.isVisible())) await dialog.locator('[data-test="user-area"]').click();
    }
  }

  // Role: 村干部 from GET /roles.
  await dialog.locator('[data-test="user-roles"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '村干部' }).click();
  await page.keyboard.press('Escape');
  await visit(page, 'admin-user-dialog');

  await dialog.locator('[data-test="user-save"]').click();
  await page.locator('.el-message--success').first().waitFor();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('[data-test="user-table"] .el-table__row', { hasText: NEW_USER.username });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /灯塔测试员/);
  assert.match(text, /灯塔村/);
  assert.match(text, /村干部/);
  await visit(page, 'admin-users-created');
  await closePage(page);

  // The server holds what the dialog sent.
  const api = new Client(base);
  await api.login('admin');
  const list = await api.get(`/api/v1/users?q=${NEW_USER.username}`);
  const u = list.body.items.find((x) => x.username === NEW_USER.username);
  assert.ok(u, 'created user is listed by the API');
  assert.equal(u.area.name, '灯塔村');
  assert.deepEqual(u.roles.map((x) => x.code), ['village_cadre']);
  assert.equal(u.mustChangePassword, true);
  created.id = u.id;
});

test('admin edits that user (If-Match), disables and enables them', async () => {
  assert.ok(created.id, 'needs the user created above');
  const page = await openAs('admin');
  await waitHome(page);
  await go(page, '/users', '用户管理');
  await page.getByLabel('姓名或用户名').fill(NEW_USER.username);
  await page.getByRole('button', { name: '查询' }).click();
  const row = page.locator('[data-test="user-table"] .el-table__row', { hasText: NEW_USER.username }).first();
  await row.waitFor();
  await row.getByRole('button', { name: '编辑' }).click();
  const dialog = page.locator('.el-dialog', { hasText: '编辑用户' });
  await dialog.waitFor();
  const name = dialog.getByLabel('姓名');
  await name.waitFor();
  await page.waitForFunction(() => {
    const el = [...document.querySelectorAll('.el-dialog input[name="name"]')].find((x) => x.offsetParent);
    return el && el.value !== '';
  });
  await name.fill(`${NEW_USER.name}甲`);
  await visit(page, 'admin-user-edit');
  await dialog.locator('[data-test="user-save"]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('[data-test="user-table"] .el-table__row', { hasText: `${NEW_USER.name}甲` }).waitFor();

  // Disable, then enable again (each PATCH carries the ETag just read).
  await row.getByRole('button', { name: '停用' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  await row.getByText('已停用').waitFor();
  await visit(page, 'admin-user-disabled');
  await row.getByRole('button', { name: '启用' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  await row.getByText('正常').waitFor();
  await closePage(page);

  const api = new Client(base);
  await api.login('admin');
  const r = await api.get(`/api/v1/users/${created.id}`);
  assert.equal(r.body.name, `${NEW_USER.name}甲`);
  assert.equal(r.body.disabled, false);
  assert.equal(r.body.version, 4);
});

test('the new user must change the password first, then sees only 灯塔村', async () => {
  assert.ok(created.id, 'needs the user created above');
  const page = await openAs(NEW_USER.username, NEW_USER.password);
  await page.waitForURL(/\/password$/);
  await page.locator('h1.page-title', { hasText: '修改密码' }).waitFor();
  assert.deepEqual(await page.locator('[data-test="side-menu"]').count(), 0, 'no menu before the password is changed');
  await visit(page, 'new-user-forced-password');

  // A password the policy refuses: the server's message is shown.
  await page.getByLabel('原密码').fill(NEW_USER.password);
  await page.getByLabel('新密码', { exact: true }).fill('short');
  await page.getByLabel('确认新密码').fill('short');
  await page.locator('[data-test="password-submit"]').click();
  const err = page.locator('[data-test="new-password-item"] .el-form-item__error');
  await err.waitFor();
  assert.match(await err.innerText(), /[\u4e00-\u9fff]/);
  await visit(page, 'new-user-weak-password');

  // Any other screen still leads back to the password page.
  await page.goto(`${base}/areas`);
  await page.waitForURL(/\/password$/);

  await page.getByLabel('原密码').fill(NEW_USER.password);
  await page.getByLabel('新密码', { exact: true }).fill(NEW_USER.next);
  await page.getByLabel('确认新密码').fill(NEW_USER.next);
  await page.locator('[data-test="password-submit"]').click();
  await waitHome(page);
  assert.deepEqual(await menuItems(page), MENUS.dengta);
  await visit(page, 'new-user-home');

  await go(page, '/areas', '区划管理');
  const tree = page.locator('[data-test="area-tree"]');
  const dengta = tree.locator('.el-tree-node__content', { hasText: '灯塔村' }).first();
  await dengta.waitFor();
  // The user's one top area opens by itself and shows its 村民小组 and 网格.
  await tree.locator('.el-tree-node__children .el-tree-node__content').first().waitFor();
  const text = await tree.innerText();
  assert.match(text, /灯塔村/);
  assert.doesNotMatch(text, /大淌村/);
  assert.doesNotMatch(text, /羊市镇/);
  await visit(page, 'new-user-areas');
  await closePage(page);
});

test('the auditor sees the audit rows of that creation', async () => {
  assert.ok(created.id, 'needs the user created above');
  const page = await openAs('auditor');
  await waitHome(page);
  await go(page, '/audit', '审计日志');
  await visit(page, 'auditor-audit');

  await page.locator('[data-test="audit-action"]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '新增' }).click();
  await page.getByRole('button', { name: '查询' }).click();
  await settle(page);
  const row = page.locator('[data-test="audit-table"] .el-table__row', { hasText: `#${created.id}` }).first();
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /admin/);
  assert.match(text, /新增/);
  // Expand: the after-value holds the new user.
  await row.locator('.el-table__expand-icon').click();
  const detail = page.locator('[data-test="audit-table"] .json-block', { hasText: NEW_USER.username }).first();
  await detail.waitFor();
  await visit(page, 'auditor-audit-creation');
  await closePage(page);
});

test('dengta: /users shows the 403 page; areas can be added and renamed', async () => {
  const page = await openAs('dengta');
  await waitHome(page);
  await go(page, '/users', '无权访问');
  const forbidden = page.locator('[data-test="forbidden"]');
  await forbidden.waitFor();
  assert.match(await forbidden.innerText(), /无权访问/);
  await visit(page, 'dengta-users-403');

  await go(page, '/no-such-page', '页面不存在');
  await page.locator('[data-test="notfound"]').waitFor();
  await visit(page, 'dengta-404');

  // area.write: a new 网格 under 灯塔村, then renamed.
  await go(page, '/areas', '区划管理');
  const tree = page.locator('[data-test="area-tree"]');
  await tree.locator('.el-tree-node__content', { hasText: '灯塔村' }).first().click();
  await page.locator('[data-test="area-detail-name"]', { hasText: '灯塔村' }).waitFor();
  await page.getByRole('button', { name: '新增网格' }).click();
  const add = page.locator('.el-dialog', { hasText: '新增网格' });
  await add.waitFor();
  await add.getByLabel('名称').fill('灯塔村测试网格');
  await visit(page, 'dengta-add-grid');
  await add.getByRole('button', { name: '保存' }).click();
  await add.waitFor({ state: 'hidden' });
  const node = tree.locator('.el-tree-node__content', { hasText: '灯塔村测试网格' });
  await node.waitFor();
  await node.click();
  await page.locator('[data-test="area-detail-name"]', { hasText: '灯塔村测试网格' }).waitFor();
  await page.getByRole('button', { name: '重命名' }).click();
  const ren = page.locator('.el-dialog', { hasText: '重命名' });
  await ren.waitFor();
  await ren.getByLabel('名称').fill('灯塔村第九网格');
  await ren.getByRole('button', { name: '保存' }).click();
  await ren.waitFor({ state: 'hidden' });
  await tree.locator('.el-tree-node__content', { hasText: '灯塔村第九网格' }).waitFor();
  await visit(page, 'dengta-areas-renamed');

  // 退出登录 from the user menu ends the session.
  await page.locator('[data-test="user-menu"]').click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '退出登录' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/areas`);
  await page.waitForURL(/\/login/);
  await closePage(page);
});

test('secadmin creates a custom role', async () => {
  const page = await openAs('secadmin');
  await waitHome(page);
  await go(page, '/roles', '角色权限');
  await page.locator('[data-test="role-create"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '新增角色' });
  await dialog.waitFor();
  await dialog.getByLabel('角色代码').fill('civil_affairs');
  await dialog.getByLabel('角色名称').fill('民政办查询员');
  await dialog.locator('.el-select').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '本级及下级区划' }).click();
  await dialog.locator('.el-checkbox', { hasText: '查看用户' }).click();
  await visit(page, 'secadmin-role-dialog');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('[data-test="role-table"] .el-table__row', { hasText: '民政办查询员' });
  await row.waitFor();
  assert.match(await row.innerText(), /本级及下级区划/);
  assert.match(await row.innerText(), /查看用户/);
  await visit(page, 'secadmin-roles');
  await closePage(page);
});

test('secadmin edits the security settings with If-Match', async () => {
  const page = await openAs('secadmin');
  await waitHome(page);
  await go(page, '/security', '安全设置');
  await page.locator('[data-test="security-form"]').waitFor();
  const idle = page.locator('input[name="sessionIdleMinutes"]');
  const before = Number(await idle.inputValue());
  await idle.fill(String(before + 1));
  await idle.blur();
  await page.locator('[data-test="security-save"]').click();
  await page.locator('.el-message--success', { hasText: '安全设置已保存' }).waitFor();
  await visit(page, 'secadmin-security');
  await closePage(page);

  const api = new Client(base);
  await api.login('secadmin');
  const r = await api.get('/api/v1/settings/security');
  assert.equal(r.body.sessionIdleMinutes, before + 1);
  assert.equal(r.body.version, 2);
});

test('the calendar shows a year to everyone and calendar.write marks a day', async () => {
  const page = await openAs('staff');
  await waitHome(page);
  await go(page, '/calendar', '工作日历');
  await page.locator('[data-test="calendar"]').waitFor();
  await visit(page, 'staff-calendar');
  await closePage(page);

  // Whoever holds calendar.write among the demo users marks and clears a day.
  let writer = null;
  for (const u of Object.keys(MENUS)) {
    const c = new Client(base);
    await c.login(u);
    const me = (await c.get('/api/v1/me')).body;
    if (me.permissions.includes('calendar.write')) { writer = u; break; }
  }
  if (!writer) return;
  const p2 = await openAs(writer);
  await waitHome(p2);
  await go(p2, '/calendar', '工作日历');
  const year = new Date().getFullYear();
  const date = `${year}-12-24`;
  const picker = p2.getByLabel('日期', { exact: true });
  await picker.fill(date);
  await picker.press('Enter');
  await p2.getByLabel('名称').fill('测试假日');
  await p2.getByRole('button', { name: '保存' }).click();
  const days = p2.locator('[data-test="calendar-days"]');
  await days.locator('.el-table__row', { hasText: date }).waitFor();
  await visit(p2, `${writer}-calendar-marked`);
  await p2.getByRole('button', { name: '清除设置' }).click();
  await days.locator('.el-table__row', { hasText: date }).waitFor({ state: 'detached' });
  await closePage(p2);
});

test('a locked account shows the server\'s message; admin unlocks it', async () => {
  // Lock `assist` with wrong passwords through the API, up to the threshold.
  const sec = new Client(base);
  await sec.login('secadmin');
  const threshold = (await sec.get('/api/v1/settings/security')).body.lockoutThreshold;
  const api = new Client(base);
  for (let i = 0; i < threshold; i++) await api.login('assist', `Wrong-Passw0rd-${i}`);
  const locked = await api.login('assist');
  assert.equal(locked.status, 423);
  const expected = locked.body.error.message;

  const page = await openAs('assist');
  const alert = page.locator('[data-test="login-error"]');
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), expected);
  await visit(page, 'login-locked');
  await closePage(page);

  const admin = await openAs('admin');
  await waitHome(admin);
  await go(admin, '/users', '用户管理');
  const row = admin.locator('[data-test="user-table"] .el-table__row', { hasText: 'assist' }).first();
  await row.getByText('已锁定').waitFor();
  await visit(admin, 'admin-users-locked');
  await row.getByRole('button', { name: '解锁' }).click();
  await admin.locator('.el-message--success', { hasText: '已解除锁定' }).waitFor();
  await row.getByText('已锁定').waitFor({ state: 'detached' });
  await closePage(admin);

  const again = await openAs('assist');
  await waitHome(again);
  await closePage(again);
});
