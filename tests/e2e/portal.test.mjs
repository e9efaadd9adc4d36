// tests/e2e/portal.test.mjs - the journey of the issue: a resident submits on the
// portal (on a phone, no login) and follows the tracking code; staff file and
// dispatch it to the 灯塔村 cadre (API); the case runs late (its clock's deadline
// moved into the past in the test database: data set-up); the village cadre
// records 处置反馈 with a photo on the case page; the leader sees it on the 超期看板
// in the village's red count and clicks through to it; staff verify and evaluate
// (API); the resident reads the answer and rates it.  Real `zhenwu serve`,
// Debian's chromium (a phone-sized viewport for the resident), axe-core on every
// page, screenshots under tests/out/e2e/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG, png } from '../api/samples.mjs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, ROOT, PASSWORD } from '../lib/server.mjs';
import { sql, sqlExec } from '../api/lib.mjs';
import { launch, newPage, closePage, visit, settle, chooseOption, loginAs } from './browser.mjs';

const GRID_EVENT = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/grid_event.json'), 'utf8'));
const stateName = (code) => GRID_EVENT.states.find((s) => s.code === code).name;
const fieldName = (code) => GRID_EVENT.fields.find((f) => f.code === code).name;
const transition = (code) => GRID_EVENT.transitions.find((t) => t.code === code);
const CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/;
const PHONE = '13988887777';
const CONTENT = '灯塔村二组路口的路灯坏了半个月，晚上出行不安全，请尽快修理。';
const ANSWER = '已更换路灯灯泡并检修线路，恢复照明。';
const DAY = 86400;

let server;
let browser;
let base;
let staff;
let dengta;
let leader;

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  c.me = (await c.get('/api/v1/me')).body;
  return c;
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  staff = await apiAs('staff');
  dengta = await apiAs('dengta');
  leader = await apiAs('leader');
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// A phone: 390x844, touch, Chinese, Shanghai time.
async function phonePage() {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e && e.message ? e.message : e)));
  return page;
}

// Takes action `code` on the case through the API as client c; returns the case.
async function act(c, caseId, code, body) {
  const k = (await c.get(`/api/v1/cases/${caseId}`)).body;
  const r = await c.post(`/api/v1/cases/${caseId}/actions/${code}`, body, { 'if-match': `"v${k.version}"` });
  assert.equal(r.status, 200, `${code}: ${r.text}`);
  return r.body;
}

// Staff file the resident's report and dispatch it to the 灯塔村 cadre.
async function fileAndDispatch(caseId) {
  await act(staff, caseId, 'file', { fields: { location: '灯塔村二组路口' } });
  const k = await act(staff, caseId, 'dispatch', { assigneeId: dengta.me.id });
  assert.equal(k.state.code, 'handling');
  assert.deepEqual(k.assignee, { id: dengta.me.id, name: dengta.me.name });
  return k;
}

// Moves the running clocks of the case two days past due (warned a day before that).
function makeLate(caseId) {
  const due = Math.floor(Date.now() / 1000) - 2 * DAY - 600;
  sqlExec(server.db, `UPDATE case_clocks SET due_at = ${due}, warn_at = ${due - DAY} WHERE case_id = ${caseId} AND stopped_at = 0`);
  const rows = sql(server.db, `SELECT clock, due_at FROM case_clocks WHERE case_id = ${caseId} AND stopped_at = 0`);
  assert.deepEqual(rows, [{ clock: 'handle', due_at: due }], 'the handling clock runs, now two days late');
}

// The village cadre records 处置反馈 on the case page with a photo taken after the repair.
async function cadreFeedback(kase) {
  const FEEDBACK = transition('feedback');
  const page = await newPage(browser);
  try {
    await loginAs(page, base, 'dengta', PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    // 我的待办 lists the case, overdue
    await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '我的待办' }).click();
    const row = page.locator('[data-test="case-table"] .el-table__body .el-table__row', { hasText: kase.serial });
    await row.waitFor();
    assert.equal((await row.locator('[data-test="clock-status"]').innerText()).trim(), '逾期');
    await row.locator('[data-test="case-serial"]').click();
    await page.waitForURL(new RegExp(`/cases/${kase.id}$`));
    await page.locator('[data-test="case-state-name"]', { hasText: stateName('handling') }).waitFor();
    await page.locator('[data-test="case-clocks"] [data-test="clock-status"]', { hasText: '逾期' }).waitFor();
    const n = await page.locator('[data-test="timeline-item"]').count();
    await page.locator(`[data-test="case-action-${FEEDBACK.code}"]`).click();
    const dialog = page.locator('.el-dialog', { hasText: FEEDBACK.name });
    await dialog.waitFor();
    await settle(page);
    await dialog.getByLabel(fieldName('handle_result'), { exact: true }).fill(ANSWER);
    const photo = dialog.locator('[data-test="action-field-result_photo"]');
    // the resident's photo is offered; the cadre uploads the one taken after the repair
    await photo.locator('[data-test="attachment-select"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '路灯.png' }).waitFor();
    await page.keyboard.press('Escape');
    await photo.locator('[data-test="attachment-new-input"]').setInputFiles({ name: '修复后.png', mimeType: 'image/png', buffer: Buffer.from(png(4, 4, 7)) });
    await photo.locator('[data-test="attachment-select"]').getByText('修复后.png').waitFor();
    await settle(page);
    await visit(page, 'portal-cadre-feedback-dialog');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${kase.id}/actions/${FEEDBACK.code}`));
    await dialog.locator('[data-test="action-submit"]').click();
    const sent = JSON.parse((await posted).postData());
    await dialog.waitFor({ state: 'hidden' });
    // the upload's entry and the action's
    await page.locator('[data-test="case-state-name"]', { hasText: stateName(FEEDBACK.to) }).waitFor();
    await page.waitForFunction((k) => document.querySelectorAll('[data-test="timeline-item"]').length === k, n + 2);
    await settle(page);
    const k = (await staff.get(`/api/v1/cases/${kase.id}`)).body;
    const after = k.attachments.find((a) => a.name === '修复后.png');
    assert.ok(after, 'the photo is filed on the case');
    assert.deepEqual(sent, { fields: { handle_result: ANSWER, result_photo: after.id } });
    assert.deepEqual(after.createdBy, { id: dengta.me.id, name: dengta.me.name });
    assert.equal(k.state.code, FEEDBACK.to);
    assert.equal(k.fields.result_photo, after.id);
    const last = k.timeline.at(-1);
    assert.deepEqual([last.action, last.from, last.to, last.user.id], [FEEDBACK.code, 'handling', FEEDBACK.to, dengta.me.id]);
    const entry = page.locator('[data-test="timeline-item"]').nth(n + 1);
    assert.equal((await entry.locator('[data-test="timeline-action"]').innerText()).trim(), FEEDBACK.name);
    assert.match(await entry.innerText(), new RegExp(`${fieldName('result_photo')}：修复后.png`));
    assert.equal((await page.locator('[data-test="case-field-result_photo"]').innerText()).trim(), '修复后.png');
    // the clock still runs (it stops at 核查结案), overdue
    assert.equal((await page.locator('[data-test="case-clocks"] [data-test="clock-status"]').innerText()).trim(), '逾期');
    // reloaded: what the server holds, and no fading toast for axe
    await page.reload();
    await page.locator('[data-test="case-field-result_photo"]', { hasText: '修复后.png' }).waitFor();
    await visit(page, 'portal-cadre-feedback');
  } finally {
    await closePage(page);
  }
}

// The leader opens 超期看板: 灯塔村's red count includes the case; a click on it lists
// the village's overdue cases, the case among them; a click opens it.
async function leaderSeesLate(kase) {
  const page = await newPage(browser);
  try {
    await loginAs(page, base, 'leader', PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '超期看板' }).click();
    await page.locator('h1.page-title', { hasText: '超期看板' }).waitFor();
    const board = (await leader.get('/api/v1/cases/overdue-board')).body;
    const dt = board.items.find((x) => x.area.name === '灯塔村');
    assert.equal(dt.red, 1, `灯塔村 has the overdue case (the only case of this server): ${JSON.stringify(dt)}`);
    assert.equal(dt.oldestOverdueDays, 2);
    const overdue = (await leader.get(`/api/v1/cases?overdue=1&areaId=${dt.area.id}`)).body.items;
    assert.ok(overdue.some((c) => c.id === kase.id), 'the case is among the village\'s overdue ones');
    assert.equal(overdue.length, dt.red);
    const row = page.locator('[data-test="board-table"] .el-table__body .el-table__row', { hasText: '灯塔村' });
    await row.waitFor();
    await settle(page);
    const red = page.locator(`[data-test="board-red-${dt.area.code}"]`);
    assert.equal((await red.innerText()).trim(), String(dt.red));
    await visit(page, 'portal-leader-board');
    await red.click();
    await page.waitForURL((u) => new URL(u).pathname === '/cases' && new URL(u).searchParams.get('overdue') === '1');
    const list = page.locator('[data-test="case-table"]');
    await list.locator('[data-test="case-serial"]', { hasText: kase.serial }).waitFor();
    await settle(page);
    assert.deepEqual((await list.locator('[data-test="case-serial"]').allInnerTexts()).map((s) => s.trim()), overdue.map((c) => c.serial));
    await list.locator('[data-test="case-serial"]', { hasText: kase.serial }).click();
    await page.waitForURL(new RegExp(`/cases/${kase.id}$`));
    await page.locator('[data-test="case-clocks"] [data-test="clock-status"]', { hasText: '逾期' }).waitFor();
    assert.equal((await page.locator('[data-test="case-state-name"]').innerText()).trim(), stateName('reported'));
    assert.equal((await page.locator('[data-test="case-assignee"]').innerText()).trim(), dengta.me.name);
    await visit(page, 'portal-leader-case');
  } finally {
    await closePage(page);
  }
}

// Staff verify and evaluate through the API: the case is closed.
async function verifyAndEvaluate(caseId) {
  await act(staff, caseId, 'verify', { fields: { verify_note: '已核查，路灯正常' } });
  const k = await act(staff, caseId, 'evaluate', { fields: { evaluation: '优秀' } });
  assert.equal(k.state.final, true);
  // the handling clock stopped late
  assert.equal(k.clocks.find((x) => x.code === 'handle').status, 'late');
}

test('portal-e2e-1 a resident files on a phone and follows the code; the village cadre handles it; the leader sees it late on the board; the resident rates the answer', async () => {
  const page = await phonePage();
  try {
    // 1. The form, without logging in.
    await page.goto(`${base}/portal`);
    await page.locator('[data-test="portal-form"]').waitFor();
    assert.match(page.url(), /\/portal$/, 'no redirect to the login page');
    assert.equal(await page.title(), '我要反映 - 镇务');
    await visit(page, 'portal-form');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width}px wide)`);

    // 2. Submitting empty shows the rules, nothing is sent.
    await page.locator('[data-test="portal-submit"]').click();
    await page.getByText('请选择诉求类别').waitFor();

    // 3. Fill in and submit.
    await chooseOption(page, page.locator('[data-test="portal-service"]'), '道路及设施损坏');
    await page.getByText('村道破损、路灯不亮').waitFor();
    await chooseOption(page, page.locator('[data-test="portal-village"]'), '灯塔村');
    await page.locator('[data-test="portal-content"]').fill(CONTENT);
    await page.locator('[data-test="portal-address"]').fill('灯塔村二组路口');
    await page.locator('[data-test="portal-name"]').fill('王小明');
    await page.locator('[data-test="portal-phone"]').fill(PHONE);
    // leave the phone field (its rules check on blur): the messages of the empty submit go
    await page.locator('[data-test="portal-phone"]').press('Tab');
    await page.waitForFunction(() => !document.querySelector('[data-test="portal-form"] .el-form-item__error'));
    // a photo taken on the spot, and a file that is not one (refused in the page)
    await page.locator('[data-test="portal-photo-input"]').setInputFiles([
      { name: '路灯.png', mimeType: 'image/png', buffer: Buffer.from(PNG) },
      { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('不是照片') },
    ]);
    await page.locator('[data-test="portal-photo-note"]', { hasText: '“说明.txt”不是 JPEG、PNG 或 WebP 照片' }).waitFor();
    assert.equal(await page.locator('[data-test="portal-photo"]').count(), 1);
    await visit(page, 'portal-form-filled');
    await page.locator('[data-test="portal-submit"]').click();

    // 4. The receipt: the code, large, with a copy button.
    await page.locator('[data-test="portal-receipt"]').waitFor();
    const code = (await page.locator('[data-test="portal-code"]').innerText()).trim();
    assert.match(code, CODE_RE);
    const serial = (await page.locator('[data-test="portal-serial"]').innerText()).trim();
    assert.match(serial, /^羊市网格〔\d{4}〕\d+号$/);
    const fontSize = await page.locator('[data-test="portal-code"]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(fontSize >= 28, `the code is shown large (${fontSize}px)`);
    await page.locator('[data-test="portal-copy"]').click();
    await page.locator('[data-test="portal-copy"]', { hasText: '已复制' }).waitFor();
    await page.locator('[data-test="portal-photo-results"]', { hasText: '照片“路灯.png”：已上传' }).waitFor();
    await visit(page, 'portal-receipt');

    // The case exists for staff, online, in 灯塔村.
    const list = await staff.get(`/api/v1/cases?q=${encodeURIComponent(serial)}`);
    assert.equal(list.body.items.length, 1);
    const kase = list.body.items[0];
    assert.equal(kase.channel, 'online');
    assert.equal(kase.area.name, '灯塔村');
    assert.equal(kase.address, '灯塔村二组路口');
    const detail = (await staff.get(`/api/v1/cases/${kase.id}`)).body;
    assert.deepEqual(detail.attachments.map((a) => [a.name, a.mime, a.createdBy.name]), [['路灯.png', 'image/png', '公众']]);

    // 5. Follow it: the code is carried over, the last four digits typed.
    await page.locator('[data-test="portal-go-track"]').click();
    await page.locator('[data-test="track-form"]').waitFor();
    assert.equal(await page.locator('[data-test="track-code"]').inputValue(), code);
    await page.locator('[data-test="track-last4"]').fill('0000');
    await page.locator('[data-test="track-submit"]').click();
    await page.locator('[data-test="track-error"]', { hasText: '查询码或手机号后四位不正确' }).waitFor();
    await page.locator('[data-test="track-last4"]').fill(PHONE.slice(-4));
    await page.locator('[data-test="track-submit"]').click();
    await page.locator('[data-test="track-view"]').waitFor();
    assert.equal((await page.locator('[data-test="track-status"]').innerText()).trim(), '已受理');
    const text = await page.locator('[data-test="track-view"]').innerText();
    assert.ok(text.includes(CONTENT));
    assert.ok(text.includes('王**'), 'the name is masked');
    assert.ok(!text.includes(PHONE) && !text.includes('王小明'));
    assert.equal(await page.locator('[data-test="track-rate"]').count(), 0, 'no rating before it is closed');
    await visit(page, 'portal-track-received');

    // 6. Staff file it and dispatch it to the 灯塔村 cadre; it runs late; the cadre
    // records 处置反馈 with a photo; the leader sees it on the overdue board; staff close it.
    await fileAndDispatch(kase.id);
    makeLate(kase.id);
    await cadreFeedback(kase);
    await leaderSeesLate(kase);
    // meanwhile the resident sees the cadre's answer, the case not yet closed
    await page.locator('[data-test="track-submit"]').click();
    await page.locator('[data-test="track-status"]', { hasText: '已答复' }).waitFor();
    assert.equal((await page.locator('[data-test="track-answer"] .answer-text').innerText()).trim(), ANSWER);
    assert.equal(await page.locator('[data-test="track-rate"]').count(), 0, 'no rating before it is closed');
    assert.ok(!(await page.locator('[data-test="track-view"]').innerText()).includes(dengta.me.name), 'the cadre is not named');
    await visit(page, 'portal-track-answered');
    await verifyAndEvaluate(kase.id);

    // 7. The resident looks again: closed, the answer, the rating form.
    await page.locator('[data-test="track-submit"]').click();
    await page.locator('[data-test="track-status"]', { hasText: '已办结' }).waitFor();
    assert.equal((await page.locator('[data-test="track-answer"] .answer-text').innerText()).trim(), ANSWER);
    const stages = (await page.locator('[data-test="track-timeline"] .el-timeline-item__content').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(stages, ['诉求已提交', '已立案（待派遣）', '处置中', '已反馈（待核查）', '已核查结案（待评价）', '已评价归档']);
    const all = await page.locator('[data-test="track-view"]').innerText();
    assert.ok(!all.includes('已核查，路灯正常'), 'internal notes are not shown');
    assert.ok(!all.includes(staff.me.name) && !all.includes(dengta.me.name), 'officer names are not shown');
    await page.locator('[data-test="track-rate"]').waitFor();
    await visit(page, 'portal-track-closed');
    await page.locator('[data-test="track-levels"]').getByText('满意', { exact: true }).click();
    await page.locator('[data-test="track-comment"]').fill('修得很快，谢谢');
    await page.locator('[data-test="track-rate-submit"]').click();
    await page.locator('[data-test="track-rated"]').waitFor();
    assert.match(await page.locator('[data-test="track-rated"]').innerText(), /满意：修得很快，谢谢/);
    assert.equal(await page.locator('[data-test="track-rate"]').count(), 0, 'rated once: the form is gone');
    await settle(page);
    await visit(page, 'portal-track-rated');

    // The rating is on the case's timeline for staff.
    const k = (await staff.get(`/api/v1/cases/${kase.id}`)).body;
    const fb = k.timeline.filter((e) => e.kind === 'feedback');
    assert.equal(fb.length, 1);
    assert.deepEqual(fb[0].data, { score: 4, level: '满意', comment: '修得很快，谢谢' });
  } finally {
    await closePage(page);
  }
});
