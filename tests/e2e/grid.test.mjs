// tests/e2e/grid.test.mjs - the grid workers' phone pages (/m) as the demo grid
// worker uses them on a 375x667 touch screen with the position allowed: report
// an event with a photo, get it 立案 and 派遣 back (staff, through the API), see
// it in 我的任务, record 处置反馈 with a photo taken on the spot.  Real `zhenwu
// serve`, Debian's chromium, axe-core, no horizontal scrolling and touch
// targets of at least 44 px on every phone page, a screenshot of each.
// What must be stored is asked of the API, never read back from the UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, ROOT, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, settle, loginAs } from './browser.mjs';
import { png } from '../api/samples.mjs';

const GRID = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/grid_event.json'), 'utf8'));
const stateName = (code) => GRID.states.find((s) => s.code === code).name;
const transition = (code) => GRID.transitions.find((t) => t.code === code);
const category = (code) => GRID.categories.find((c) => c.code === code).name;
const SERIAL = new RegExp(`^${GRID.serial.replace('{town}', '羊市').replace('{year}', '\\d{4}').replace('{n}', '\\d+')}$`);
const sha = (b) => createHash('sha256').update(b).digest('hex');

const PHONE = { width: 375, height: 667 };
const POSITION = { latitude: 30.98765, longitude: 109.45678, accuracy: 20 };
const COORDS = '纬度 30.98765，经度 109.45678';
const SCENE = png(40, 30, 0x3344); // the photo of the report
const AFTER = png(40, 30, 0x5566); // the photo of the feedback

let server;
let browser;
let base;
let staff;
let gridMe;
const ev = {}; // the reported event: { id, serial }

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
  gridMe = (await (await apiAs('grid')).get('/api/v1/me')).body;
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// A phone: 375x667, touch, the position granted and set.
async function phonePage() {
  const context = await browser.newContext({
    viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    permissions: ['geolocation'], geolocation: POSITION,
  });
  await context.grantPermissions(['geolocation'], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e && e.message ? e.message : e)));
  return page;
}

// Screenshot, axe, no horizontal scrolling and touch-sized controls.
async function phoneVisit(page, name) {
  await visit(page, name);
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${name}: scrolls sideways (${scroll} > ${width})`);
  const small = await page.evaluate(() => [...document.querySelectorAll(
    '.m-shell button, .m-shell a, .m-shell label.cat, .m-shell label.choice, .m-shell label.camera, .m-shell .el-input__wrapper',
  )].filter((el) => el.offsetParent !== null)
    .map((el) => ({ what: (el.innerText || el.getAttribute('aria-label') || el.className).trim().slice(0, 30), h: el.getBoundingClientRect().height }))
    .filter((x) => x.h < 44));
  assert.deepEqual(small, [], `${name}: touch targets under 44 px`);
}

const text = async (loc) => (await loc.innerText()).trim();

test('the grid worker logs in on a phone and lands on the phone pages', async () => {
  const page = await phonePage();
  await loginAs(page, base, 'grid', PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/m');
  await page.locator('[data-test="m-go-report"]').waitFor();
  await page.locator('[data-test="m-task-count"]').waitFor();
  assert.equal(await text(page.locator('[data-test="m-task-count"]')), '0');
  assert.match(await text(page.locator('[data-test="m-hello"]')), new RegExp(`${gridMe.name}.*${gridMe.area.name}`));
  assert.equal(await page.locator('[data-test="side-menu"]').count(), 0, 'no desktop menu on the phone pages');
  await phoneVisit(page, 'grid-m-home');
  await closePage(page);
});

test('the grid worker reports an event with a photo and the position; the serial is shown', async () => {
  const page = await phonePage();
  await loginAs(page, base, 'grid', PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/m');
  await page.locator('[data-test="m-go-report"]').tap();
  await page.waitForURL((u) => new URL(u).pathname === '/m/report');
  // the position as the browser gives it, and the location text prefilled from it
  await page.locator('[data-test="m-coords"]').waitFor();
  assert.equal(await text(page.locator('[data-test="m-coords"]')), COORDS);
  const loc = page.getByLabel('位置');
  assert.equal(await loc.inputValue(), `${COORDS} 附近`);
  // the categories are the definition's
  const cats = (await page.locator('.cats label').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(cats, GRID.categories.map((c) => c.name));
  await phoneVisit(page, 'grid-m-report-empty');

  // nothing chosen: the form's own checks, nothing sent
  let posted = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases') posted++; });
  await page.locator('[data-test="m-submit"]').tap();
  await page.getByText('请选择事件类别').waitFor();
  await page.getByText('请描述事件情况').waitFor();
  assert.equal(posted, 0);

  await page.locator('.cats label', { hasText: category('safety') }).tap();
  await loc.fill(`灯塔村三组村道口，${COORDS}`);
  await page.getByLabel('事件描述').fill('村道边坡有落石，约半方，已影响摩托车通行。');
  // two photos from the camera, the second removed again
  await page.locator('[data-test="m-camera"]').setInputFiles([
    { name: 'IMG_0001.png', mimeType: 'image/png', buffer: Buffer.from(SCENE) },
    { name: 'IMG_0002.png', mimeType: 'image/png', buffer: Buffer.from(png(8, 8, 9)) },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="m-photo"] img').length === 2
    && [...document.querySelectorAll('[data-test="m-photo"] img')].every((i) => i.complete && i.naturalWidth > 0));
  await page.getByRole('button', { name: '删除第 2 张照片' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="m-photo"]').length === 1);
  await phoneVisit(page, 'grid-m-report-filled');

  const req = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases');
  await page.locator('[data-test="m-submit"]').tap();
  const body = JSON.parse((await req).postData());
  await page.locator('[data-test="m-serial"]').waitFor();
  const serial = await text(page.locator('[data-test="m-serial"]'));
  assert.match(serial, SERIAL);
  assert.deepEqual(body, {
    type: 'grid_event', category: 'safety', areaId: gridMe.area.id, channel: 'grid',
    title: `${category('safety')}：村道边坡有落石，约半方，已影响摩托车通行。`,
    content: `村道边坡有落石，约半方，已影响摩托车通行。\n位置：灯塔村三组村道口，${COORDS}`,
  });
  assert.ok((await req).headers()['idempotency-key'], 'the report carries an Idempotency-Key');
  await phoneVisit(page, 'grid-m-report-done');

  // the server holds the case in the grid, with the photo filed on it
  const list = (await staff.get(`/api/v1/cases?q=${encodeURIComponent(serial)}`)).body.items;
  assert.equal(list.length, 1);
  const k = (await staff.get(`/api/v1/cases/${list[0].id}`)).body;
  assert.equal(k.serial, serial);
  assert.equal(k.state.code, 'collected');
  assert.equal(k.channel, 'grid');
  assert.equal(k.area.id, gridMe.area.id);
  assert.deepEqual(k.attachments.map((a) => [a.name, a.mime, a.sha256]), [['IMG_0001.png', 'image/png', sha(SCENE)]]);
  ev.id = k.id;
  ev.serial = serial;

  // 查看事件 opens the phone page of the case, with its photo
  await page.locator('[data-test="m-open-case"]').tap();
  await page.waitForURL((u) => new URL(u).pathname === `/m/cases/${ev.id}`);
  await page.locator('[data-test="m-case-photo"] img').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="m-case-photo"] img')].every((i) => i.complete && i.naturalWidth === 40));
  assert.equal(await text(page.locator('[data-test="m-case-state"]')), stateName('collected'));
  await page.locator('[data-test="m-no-actions"]').waitFor();
  await phoneVisit(page, 'grid-m-case-collected');
  await closePage(page);
});

test('staff files (立案) and dispatches the event to the grid worker, who records 处置反馈 with a photo on the spot', async () => {
  assert.ok(ev.id, 'needs the event reported above');
  // staff's 立案 dialog (desktop) starts from the location the report carried
  const desk = await newPage(browser);
  await loginAs(desk, base, 'staff', PASSWORD);
  await desk.waitForURL((u) => new URL(u).pathname === '/');
  await desk.goto(`${base}/cases/${ev.id}`);
  await desk.locator('[data-test="case-action-file"]').click();
  const dialog = desk.locator('.el-dialog', { hasText: transition('file').name });
  await dialog.waitFor();
  assert.equal(await dialog.getByLabel('位置').inputValue(), `灯塔村三组村道口，${COORDS}`);
  await dialog.locator('[data-test="action-submit"]').click();
  await desk.locator('[data-test="case-state-name"]', { hasText: stateName('filed') }).waitFor();
  await closePage(desk);
  let k = (await staff.get(`/api/v1/cases/${ev.id}`)).body;
  assert.equal(k.fields.location, `灯塔村三组村道口，${COORDS}`);
  // then 派遣 to the grid worker
  let r = await staff.post(`/api/v1/cases/${ev.id}/actions/dispatch`, { assigneeId: gridMe.id }, { 'if-match': `"v${k.version}"` });
  assert.equal(r.status, 200, r.text);
  k = r.body;
  const clock = k.clocks.find((x) => x.code === 'handle');
  assert.ok(['green', 'yellow', 'red'].includes(clock.status), 'the handling clock runs');

  const page = await phonePage();
  await loginAs(page, base, 'grid', PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/m');
  await page.locator('[data-test="m-task-count"]', { hasText: '1' }).waitFor();
  await page.locator('[data-test="m-go-tasks"]').tap();
  await page.waitForURL((u) => new URL(u).pathname === '/m/tasks');
  const task = page.locator('[data-test="m-task"]');
  await task.first().waitFor();
  assert.equal(await task.count(), 1);
  assert.equal(await text(task.locator('[data-test="m-task-serial"]')), ev.serial);
  assert.equal(await task.getAttribute('data-status'), clock.status);
  assert.equal(await text(task.locator('[data-test="m-task-light"]')), { green: '正常', yellow: '临期', red: '逾期' }[clock.status]);
  assert.match(await text(task), new RegExp(stateName('handling').replace(/[()（）]/g, '.')));
  await phoneVisit(page, 'grid-m-tasks');

  await task.tap();
  await page.waitForURL((u) => new URL(u).pathname === `/m/cases/${ev.id}`);
  await page.locator('[data-test="m-case-state"]', { hasText: stateName('handling') }).waitFor();
  const FEEDBACK = transition('feedback');
  const buttons = (await page.locator('[data-test="m-case-actions"] button').allInnerTexts()).map((s) => s.trim());
  const offered = (await (await apiAs('grid')).get(`/api/v1/cases/${ev.id}`)).body.actions.map((a) => a.name);
  assert.deepEqual(buttons, offered, 'one button per action the server offers the grid worker');
  assert.ok(buttons.includes(FEEDBACK.name));
  await phoneVisit(page, 'grid-m-case-handling');

  await page.locator(`[data-test="m-action-${FEEDBACK.code}"]`).tap();
  const form = page.locator(`[data-test="m-form-${FEEDBACK.code}"]`);
  await form.waitFor();
  // submitting empty: the form's own checks name the fields
  await form.locator('[data-test="m-action-submit"]').tap();
  await form.getByText('请填写“处置结果”').waitFor();
  await form.getByText('请拍摄或选择“处置后照片”').waitFor();
  await form.getByLabel('处置结果').fill('已清理落石，设置警示牌。');
  await form.locator('[data-test="m-photo-result_photo"]').setInputFiles({ name: 'image.png', mimeType: 'image/png', buffer: Buffer.from(AFTER) });
  await form.locator('.taken img').waitFor();
  await phoneVisit(page, 'grid-m-feedback-form');

  const upload = page.waitForResponse((x) => x.request().method() === 'POST' && /\/api\/v1\/cases\/\d+\/attachments/.test(x.url()));
  const act = page.waitForRequest((x) => x.method() === 'POST' && x.url().endsWith(`/api/v1/cases/${ev.id}/actions/${FEEDBACK.code}`));
  await form.locator('[data-test="m-action-submit"]').tap();
  const filed = await (await upload).json();
  const sent = await act;
  assert.deepEqual(JSON.parse(sent.postData()), { fields: { handle_result: '已清理落石，设置警示牌。', result_photo: filed.id } });
  assert.equal(sent.headers()['if-match'], `"v${k.version}"`);
  await page.locator('[data-test="m-case-state"]', { hasText: stateName('reported') }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="m-case-photo"]').length === 2);
  await settle(page);
  await phoneVisit(page, 'grid-m-case-reported');
  await closePage(page);

  // the server: reported, result_photo names the photo just filed on this case
  const got = (await staff.get(`/api/v1/cases/${ev.id}`)).body;
  assert.equal(got.state.code, 'reported');
  assert.equal(got.fields.handle_result, '已清理落石，设置警示牌。');
  const photo = got.attachments.find((a) => a.id === got.fields.result_photo);
  assert.ok(photo, `result_photo ${got.fields.result_photo} is an attachment of the case`);
  assert.equal(photo.sha256, sha(AFTER));
  assert.equal(photo.mime, 'image/png');
  assert.equal(photo.createdBy.id, gridMe.id);
});

test('the phone pages are for logged-in users only, and 网格上报 is in the desktop menu', async () => {
  const page = await phonePage();
  await page.goto(`${base}/m/tasks`);
  await page.waitForURL((u) => new URL(u).pathname === '/login' && new URL(u).searchParams.get('redirect') === '/m/tasks');
  await closePage(page);

  const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const desk = await ctx.newPage();
  await loginAs(desk, base, 'grid', PASSWORD);
  await desk.waitForURL((u) => new URL(u).pathname === '/');
  await desk.locator('[data-test="side-menu"] .el-menu-item', { hasText: '网格上报' }).click();
  await desk.waitForURL((u) => new URL(u).pathname === '/m');
  await desk.locator('[data-test="m-go-tasks"]').waitFor();
  await ctx.close();
});
