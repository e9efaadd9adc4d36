// tests/e2e/portal.test.mjs - the public portal as a resident uses it on a
// phone: no login, file a request, keep the tracking code, follow it; staff
// close the case through the API; the resident reads the answer and rates it.
// Real `zhenwu serve`, Debian's chromium at a phone-sized viewport, axe-core on
// every page, screenshots under tests/out/e2e/.
import { PNG } from '../api/samples.mjs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { launch, closePage, visit, settle, chooseOption } from './browser.mjs';

const CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/;
const PHONE = '13988887777';
const CONTENT = '灯塔村二组路口的路灯坏了半个月，晚上出行不安全，请尽快修理。';
const ANSWER = '已更换路灯灯泡并检修线路，恢复照明。';

let server;
let browser;
let base;
let staff;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  staff = new Client(base);
  assert.equal((await staff.login('staff')).status, 200);
  staff.me = (await staff.get('/api/v1/me')).body;
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

// Walks the grid_event case from 已采集 to 已评价归档 through the staff API.
async function closeCase(caseId) {
  let k = (await staff.get(`/api/v1/cases/${caseId}`)).body;
  const photo = await staff.post(`/api/v1/cases/${caseId}/attachments?name=after.png`, PNG, { 'content-type': 'image/png' });
  assert.equal(photo.status, 201, `photo: ${photo.text}`);
  const steps = [
    ['file', { fields: { location: '灯塔村二组路口' } }],
    ['dispatch', { assigneeId: staff.me.id }],
    ['feedback', { fields: { handle_result: ANSWER, result_photo: photo.body.id } }],
    ['verify', { fields: { verify_note: '已核查，路灯正常' } }],
    ['evaluate', { fields: { evaluation: '优秀' } }],
  ];
  for (const [code, body] of steps) {
    const r = await staff.post(`/api/v1/cases/${caseId}/actions/${code}`, body, { 'if-match': `"v${k.version}"` });
    assert.equal(r.status, 200, `${code}: ${r.text}`);
    k = r.body;
  }
  assert.equal(k.state.final, true);
}

test('portal-e2e-1 a resident files on a phone, follows the request, reads the answer and rates it', async () => {
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
    await visit(page, 'portal-receipt');

    // The case exists for staff, online, in 灯塔村.
    const list = await staff.get(`/api/v1/cases?q=${encodeURIComponent(serial)}`);
    assert.equal(list.body.items.length, 1);
    const kase = list.body.items[0];
    assert.equal(kase.channel, 'online');
    assert.equal(kase.area.name, '灯塔村');
    assert.equal(kase.address, '灯塔村二组路口');

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

    // 6. Staff handle and close it.
    await closeCase(kase.id);

    // 7. The resident looks again: closed, the answer, the rating form.
    await page.locator('[data-test="track-submit"]').click();
    await page.locator('[data-test="track-status"]', { hasText: '已办结' }).waitFor();
    assert.equal((await page.locator('[data-test="track-answer"] .answer-text').innerText()).trim(), ANSWER);
    const stages = (await page.locator('[data-test="track-timeline"] .el-timeline-item__content').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(stages, ['诉求已提交', '已立案（待派遣）', '处置中', '已反馈（待核查）', '已核查结案（待评价）', '已评价归档']);
    const all = await page.locator('[data-test="track-view"]').innerText();
    assert.ok(!all.includes('已核查，路灯正常'), 'internal notes are not shown');
    assert.ok(!all.includes(staff.me.name), 'officer names are not shown');
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
