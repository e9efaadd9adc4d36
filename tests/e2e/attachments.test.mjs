// tests/e2e/attachments.test.mjs - files, links and repeats on the case page, and
// the duplicate suggestion on the registration form, as staff uses them: real
// `zhenwu serve`, Debian's chromium, axe-core on every page, screenshots under
// tests/out/e2e/.  Files are real bytes (tests/api/samples.mjs) that the server
// types by content; what is stored is asked of the API.  Tests run in order:
// later ones use the cases of the earlier ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, Client, ROOT, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, chooseOption, pickArea } from './browser.mjs';
import { png, PDF, HTML, TEXT } from '../api/samples.mjs';

const GRID = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/grid_event.json'), 'utf8'));
const stateName = (code) => GRID.states.find((s) => s.code === code).name;
const sha = (b) => createHash('sha256').update(b).digest('hex');
const PHOTO = png(64, 48, 0x2a7f);
const LATER = png(32, 32, 0x0101);
const LAMP = {
  title: '灯塔村五组村口路灯不亮',
  content: '灯塔村五组村口的三盏路灯已经坏了一个多月，晚上村民出行很不方便，请求尽快维修。',
};

let server;
let browser;
let base;
let staff;
let staffMe;
let dengta;
const k = {}; // cases of this file: lamp (the original), repeat, other

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  return c;
}

async function newCase(over) {
  const r = await staff.post('/api/v1/cases', { type: 'grid_event', areaId: dengta, channel: 'grid', ...over });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  staff = await apiAs('staff');
  staffMe = (await staff.get('/api/v1/me')).body;
  const found = (await staff.get(`/api/v1/search?q=${encodeURIComponent('灯塔村')}`)).body.items;
  dengta = found.find((x) => x.entity === 'area' && x.title === '灯塔村').id;
  k.lamp = await newCase(LAMP);
  k.other = await newCase({ title: '灯塔村二组停水', content: '灯塔村二组连续三天停水，群众生活用水困难。' });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openCase(page, c) {
  await page.goto(`${base}/cases/${c.id}`);
  await page.locator('h1 [data-test="case-serial"]', { hasText: c.serial }).waitFor();
  await settle(page);
}

async function staffPage() {
  const page = await newPage(browser);
  await loginAs(page, base, 'staff', PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/');
  return page;
}

const text = async (loc) => (await loc.innerText()).trim();
const section = (page, name) => page.locator(`[data-test="case-${name}"]`);

test('staff uploads a photo and a PDF: a thumbnail, a file row, the timeline; a disguised file is refused in Chinese', async () => {
  const page = await staffPage();
  await openCase(page, k.lamp);
  const att = section(page, 'attachments');
  await att.locator('[data-test="attach-empty"]').waitFor();
  await visit(page, 'att-case-empty');

  // two files at once, through the upload button's file chooser
  const chooser = page.waitForEvent('filechooser');
  await att.locator('[data-test="attach-upload"]').click();
  await (await chooser).setFiles([
    { name: '现场照片.png', mimeType: 'image/png', buffer: Buffer.from(PHOTO) },
    { name: '整改报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) },
  ]);
  await att.locator('[data-test="attach-image"]').waitFor();
  await att.locator('[data-test="attach-files"] .el-table__row').first().waitFor();
  await settle(page);
  // the thumbnail shows the very bytes (the server serves them inline)
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-test="attach-image"] img');
    return i && i.complete && i.naturalWidth === 64 && i.naturalHeight === 48;
  });
  assert.match(await text(att.locator('[data-test="attach-image"]')), new RegExp(`现场照片\\.png[\\s\\S]*${staffMe.name}`));
  const row = att.locator('[data-test="attach-files"] .el-table__row');
  assert.equal(await row.count(), 1);
  assert.equal(await text(row.locator('[data-test="attach-file-name"]')), '整改报告.pdf');
  assert.equal(await text(row.locator('[data-test="attach-file-size"]')), `${PDF.length} B`);
  assert.match(await text(row), new RegExp(staffMe.name));
  assert.match(await text(row), /\d{4}-\d\d-\d\d \d\d:\d\d/);
  // the timeline says so, in Chinese
  const evs = page.locator('[data-test="timeline-item"]', { hasText: '上传附件' });
  await evs.nth(1).waitFor();
  const details = (await page.locator('[data-test="timeline-detail"]').allInnerTexts()).map((s) => s.trim()).sort();
  assert.deepEqual(details, ['附件：整改报告.pdf', '附件：现场照片.png']);
  assert.equal(await page.locator('[data-test="timeline-item"]', { hasText: '上传附件' }).locator('[data-test="timeline-comment"]').count(), 0);
  await visit(page, 'att-case-uploaded');

  // a click on the thumbnail opens the large viewer
  await att.getByRole('button', { name: '查看大图：现场照片.png' }).click();
  const big = page.locator('[data-test="image-preview-img"]');
  await big.waitFor();
  assert.equal(await big.getAttribute('alt'), '现场照片.png');
  await page.waitForFunction(() => document.querySelector('[data-test="image-preview-img"]').naturalWidth === 64);
  await visit(page, 'att-case-viewer');
  await page.getByRole('button', { name: '关闭', exact: true }).click();
  await big.waitFor({ state: 'hidden' });

  // stored as sent
  let g = (await staff.get(`/api/v1/cases/${k.lamp.id}`)).body;
  assert.deepEqual(g.attachments.map((a) => [a.name, a.mime, a.sha256]).sort(),
    [['整改报告.pdf', 'application/pdf', sha(PDF)], ['现场照片.png', 'image/png', sha(PHOTO)]].sort());

  // An HTML page named .jpg passes the browser's check (by name) and is refused
  // by the server, which looks at the bytes: its Chinese message is shown.
  const refused = await staff.post(`/api/v1/cases/${k.lamp.id}/attachments?name=x.jpg`, HTML, { 'content-type': 'image/jpeg' });
  assert.equal(refused.status, 415);
  const input = att.locator('[data-test="attach-input"]');
  await input.setInputFiles({ name: '照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(HTML) });
  const err = att.locator('[data-test="attach-error"]');
  await err.waitFor();
  assert.equal(await text(err.locator('.el-alert__title')), `“照片.jpg”上传失败：${refused.body.error.message}`);
  assert.match(refused.body.error.message, /JPEG、PNG、WebP 图片或 PDF/);
  await settle(page);
  await visit(page, 'att-case-refused');
  await err.locator('.el-alert__close-btn').click();
  await err.waitFor({ state: 'detached' });

  // What the browser can tell by itself is refused before sending: a text file, a file over 10 MB.
  let sent = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && /\/attachments/.test(r.url())) sent++; });
  await input.setInputFiles([
    { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from(TEXT) },
    { name: '大图.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1) },
  ]);
  await err.nth(1).waitFor();
  const msgs = (await err.locator('.el-alert__title').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(msgs, ['“说明.txt”不是 JPEG、PNG、WebP 图片或 PDF 文件，不能上传', '“大图.png”超过 10 MB（10.0 MB），不能上传']);
  assert.equal(sent, 0, 'nothing was sent');
  g = (await staff.get(`/api/v1/cases/${k.lamp.id}`)).body;
  assert.equal(g.attachments.length, 2, 'nothing more was filed');
  await closePage(page);
});

test('the action dialog picks the photo of a file field from the case or uploads a new one', async () => {
  // 立案 and 派遣 to staff through the API: 处置反馈 requires a result photo
  let g = (await staff.get(`/api/v1/cases/${k.lamp.id}`)).body;
  let r = await staff.post(`/api/v1/cases/${k.lamp.id}/actions/file`, { fields: { location: '五组村口' } }, { 'if-match': `"v${g.version}"` });
  assert.equal(r.status, 200, r.text);
  r = await staff.post(`/api/v1/cases/${k.lamp.id}/actions/dispatch`, { assigneeId: staffMe.id }, { 'if-match': r.headers.get('etag') });
  assert.equal(r.status, 200, r.text);

  const page = await staffPage();
  await openCase(page, k.lamp);
  await page.locator('[data-test="case-action-feedback"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '处置反馈' });
  await dialog.waitFor();
  // the case's attachments are offered
  await dialog.locator('[data-test="attachment-select"]').click();
  await page.locator('.el-select-dropdown__item:visible').first().waitFor();
  const options = (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((s) => s.trim()).sort();
  assert.deepEqual(options, [`整改报告.pdf（PDF，${PDF.length} B）`, `现场照片.png（图片，${PHOTO.length} B）`].sort());
  await page.keyboard.press('Escape');
  // 上传新文件 files it on the case and selects it
  await dialog.getByLabel('处置结果').fill('路灯已更换。');
  const chooser = page.waitForEvent('filechooser');
  await dialog.locator('[data-test="attachment-new"]').click();
  await (await chooser).setFiles({ name: '修好后.png', mimeType: 'image/png', buffer: Buffer.from(LATER) });
  await dialog.locator('[data-test="attachment-select"]').getByText('修好后.png', { exact: false }).waitFor();
  await settle(page);
  await visit(page, 'att-feedback-dialog');
  const posted = page.waitForRequest((x) => x.method() === 'POST' && x.url().endsWith(`/api/v1/cases/${k.lamp.id}/actions/feedback`));
  await dialog.locator('[data-test="action-submit"]').click();
  const body = JSON.parse((await posted).postData());
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('[data-test="case-state-name"]', { hasText: stateName('reported') }).waitFor();
  g = (await staff.get(`/api/v1/cases/${k.lamp.id}`)).body;
  const photo = g.attachments.find((a) => a.name === '修好后.png');
  assert.ok(photo);
  assert.equal(photo.sha256, sha(LATER));
  assert.deepEqual(body, { fields: { handle_result: '路灯已更换。', result_photo: photo.id } });
  assert.equal(g.fields.result_photo, photo.id);
  await section(page, 'attachments').locator('[data-test="attach-image"]').nth(1).waitFor();
  await closePage(page);
});

test('registering a case that resembles an open one shows 可能重复的办件 and offers to open it', async () => {
  const page = await staffPage();
  await page.goto(`${base}/cases/new`);
  await page.locator('h1.page-title', { hasText: '登记办件' }).waitFor();
  await settle(page);
  await chooseOption(page, page.locator('[data-test="case-type"]'), GRID.name);
  const title = '五组村口路灯坏了';
  const content = '村民反映五组村口路灯坏了一个多月，晚上出行不方便，希望尽快维修路灯。';
  await page.getByLabel('标题', { exact: true }).fill(title);
  await page.getByLabel('诉求内容').fill(content);
  // no area yet: nothing is asked
  await page.waitForTimeout(800);
  assert.equal(await page.locator('[data-test="similar-cases"]').count(), 0);
  const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/cases/similar');
  await pickArea(page, page.locator('[data-test="case-form"] .el-select[data-test="case-area"]'), ['奉节县', '羊市镇'], '灯塔村');
  const url = new URL((await asked).url());
  assert.equal(url.searchParams.get('areaId'), String(dengta));
  assert.equal(url.searchParams.get('text'), `${title} ${content}`);
  // what the server answers for the same question is what is listed
  const want = (await staff.get(`${url.pathname}${url.search}`)).body.items;
  assert.equal(want[0].id, k.lamp.id, 'the lamp case is the best match');
  const items = page.locator('[data-test="similar-item"]');
  await items.first().waitFor();
  assert.deepEqual((await items.locator('[data-test="similar-serial"]').allInnerTexts()).map((s) => s.trim()), want.map((x) => x.serial));
  assert.equal(await text(items.first().locator('[data-test="similar-score"]')), `相似度 ${Math.round(want[0].score * 100)}%`);
  assert.doesNotMatch(await text(page.locator('[data-test="similar-cases"]')), new RegExp(k.other.serial));
  await settle(page);
  await visit(page, 'att-new-similar');

  // choosing it offers to open it instead of registering
  let created = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases') created++; });
  await items.first().locator('button').click();
  const box = page.locator('.el-message-box', { hasText: '可能重复的办件' });
  await box.waitFor();
  assert.match(await text(box), new RegExp(k.lamp.serial));
  await settle(page);
  await visit(page, 'att-new-similar-confirm');
  await box.getByRole('button', { name: '打开该办件' }).click();
  await page.waitForURL((u) => new URL(u).pathname === `/cases/${k.lamp.id}`);
  await page.locator('h1 [data-test="case-serial"]', { hasText: k.lamp.serial }).waitFor();
  assert.equal(created, 0, 'nothing was registered');
  await closePage(page);
});

test('a repeat is merged into the original: 已合并, and the original\'s timeline shows the repeat\'s events tagged', async () => {
  k.repeat = await newCase({ title: '五组路灯坏了没人修', content: '五组村口路灯坏了一个多月，晚上出行很不方便，请求维修。' });
  const page = await staffPage();
  await openCase(page, k.repeat);
  const links = section(page, 'links');
  await links.locator('[data-test="link-empty"]').waitFor();

  // 关联办件 by serial: the other case
  await links.locator('[data-test="link-open"]').click();
  let dialog = page.locator('.el-dialog', { hasText: '办件编号' });
  await dialog.waitFor();
  await dialog.getByLabel('办件编号').fill('羊市网格〔2099〕1号');
  await dialog.locator('[data-test="link-find"]').click();
  await dialog.getByText('没有找到编号为“羊市网格〔2099〕1号”的办件').waitFor();
  await dialog.getByLabel('办件编号').fill(k.other.serial);
  await dialog.locator('[data-test="link-find"]').click();
  await dialog.locator('[data-test="link-chosen"]', { hasText: k.other.serial }).waitFor();
  await settle(page);
  await visit(page, 'att-link-dialog');
  await dialog.locator('[data-test="link-submit"]').click();
  await links.locator('[data-test="link-item"]', { hasText: k.other.serial }).waitFor();
  assert.equal(await text(links.locator('[data-test="link-item"] [data-test="link-kind"]')), '相关');
  await page.locator('[data-test="timeline-detail"]', { hasText: `与 ${k.other.serial}` }).waitFor();

  // 合并为重复件: the original is among the similar cases; the confirmation explains
  await links.locator('[data-test="merge-open"]').click();
  dialog = page.locator('.el-dialog', { hasText: '请选择本件所重复的办件' });
  await dialog.waitFor();
  const pick = dialog.locator('[data-test="similar-item"]', { hasText: k.lamp.serial });
  await pick.waitFor();
  await pick.locator('button').click();
  await dialog.locator('[data-test="link-chosen"]', { hasText: k.lamp.serial }).waitFor();
  await settle(page);
  await visit(page, 'att-merge-dialog');
  await dialog.locator('[data-test="link-submit"]').click();
  const box = page.locator('.el-message-box', { hasText: '确认合并为重复件' });
  await box.waitFor();
  const explain = await text(box);
  assert.match(explain, new RegExp(`${k.repeat.serial}.*${k.lamp.serial}`));
  assert.match(explain, /已合并/);
  await settle(page);
  await visit(page, 'att-merge-confirm');
  await box.getByRole('button', { name: '确定合并' }).click();

  await page.locator('[data-test="case-state-name"]', { hasText: '已合并' }).waitFor();
  await links.locator('[data-test="link-item"][data-kind="merged_into"]', { hasText: k.lamp.serial }).waitFor();
  assert.equal(await links.locator('[data-test="merge-open"]').count(), 0, 'a merged case offers no more merging');
  assert.equal(await section(page, 'attachments').locator('[data-test="attach-upload"]').count(), 0, 'nor uploads');
  await page.locator('[data-test="case-no-actions"]').waitFor();
  await page.locator('[data-test="timeline-action"]', { hasText: '合并为重复件' }).waitFor();
  await settle(page);
  await visit(page, 'att-merged-repeat');
  const rep = (await staff.get(`/api/v1/cases/${k.repeat.id}`)).body;
  assert.equal(rep.state.code, 'merged');
  assert.equal(rep.state.name, '已合并');

  // the original: the repeat listed as merged, its events in the timeline with its serial
  await links.locator('[data-test="link-item"][data-kind="merged_into"] a').click();
  await page.waitForURL((u) => new URL(u).pathname === `/cases/${k.lamp.id}`);
  await page.locator('h1 [data-test="case-serial"]', { hasText: k.lamp.serial }).waitFor();
  const lamp = (await staff.get(`/api/v1/cases/${k.lamp.id}`)).body;
  const fromRepeat = lamp.timeline.filter((e) => e.fromCase);
  assert.ok(fromRepeat.length >= 2);
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="timeline-item"]').length === n, lamp.timeline.length);
  const tags = (await page.locator('[data-test="timeline-from"]').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(tags, fromRepeat.map(() => `重复件 ${k.repeat.serial}`));
  await page.locator('[data-test="timeline-detail"]', { hasText: `重复件 ${k.repeat.serial}` }).waitFor();
  const item = page.locator('[data-test="link-item"][data-kind="merged_from"]');
  assert.match(await text(item), new RegExp(`重复件（已合并）\\s*${k.repeat.serial}`));
  await settle(page);
  await visit(page, 'att-original-with-repeat');
  await closePage(page);
});
