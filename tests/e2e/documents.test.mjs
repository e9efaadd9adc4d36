// tests/e2e/documents.test.mjs - the 文书 section of the case page as staff and a
// leader use it: real `zhenwu serve`, Debian's chromium, axe-core, screenshots
// under tests/out/e2e/.  A petition accepted through the API has its 受理告知书;
// staff open the print view (the stored page, in a new tab), download the PDF,
// issue a 处理意见书 from the page; a leader who may not see a confidential
// requester is told so instead of getting links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, chooseOption, screenshot } from './browser.mjs';

let server;
let browser;
let base;
const cases = {};

async function apiAs(username) {
  const c = new Client(base);
  assert.equal((await c.login(username)).status, 200, `login ${username}`);
  return c;
}

async function acceptedPetition(api, areaId, title, requester) {
  const p = await api.post('/api/v1/cases', {
    type: 'petition', title, content: '反映村道破损，请求维修。', areaId, channel: 'visit', requester,
  });
  assert.equal(p.status, 201, p.text);
  const a = await api.post(`/api/v1/cases/${p.body.id}/actions/accept`, { comment: '予以受理' }, { 'if-match': p.headers.get('etag') });
  assert.equal(a.status, 200, a.text);
  return a.body;
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  const staff = await apiAs('staff');
  const s = await staff.get(`/api/v1/search?q=${encodeURIComponent('灯塔村')}`);
  const area = s.body.items.find((x) => x.entity === 'area' && x.title === '灯塔村');
  cases.open = await acceptedPetition(staff, area.id, '灯塔村村道维修信访', { name: '周大娘', phone: '13600002222' });
  cases.secret = await acceptedPetition(staff, area.id, '灯塔村保密信访', { name: '吴保密', confidential: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openCase(username, k) {
  const page = await newPage(browser);
  await loginAs(page, base, username, PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname === '/');
  await page.goto(`${base}/cases/${k.id}`);
  await page.locator('[data-test="case-serial"]', { hasText: k.serial }).waitFor();
  await page.locator('[data-test="case-documents"]').waitFor();
  await settle(page);
  return page;
}

test('staff sees the 受理告知书 of an accepted petition, opens its print view and downloads the PDF', async () => {
  const k = cases.open;
  const page = await openCase('staff', k);
  const rows = page.locator('[data-test="document-table"] .el-table__body .el-table__row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal((await rows.first().locator('[data-test="document-name"]').innerText()).trim(), '受理告知书');
  // the timeline shows the document entry after the action
  const items = page.locator('[data-test="timeline-item"]');
  assert.equal(await items.count(), 3);
  assert.equal((await items.nth(2).locator('[data-test="timeline-action"]').innerText()).trim(), '文书');
  assert.equal((await items.nth(2).locator('[data-test="timeline-comment"]').innerText()).trim(), '生成《受理告知书》');
  await visit(page, 'staff-case-documents');

  // 打印: the stored printable page in a new tab
  const [print] = await Promise.all([
    page.context().waitForEvent('page'),
    rows.first().locator('[data-test="document-print"]').click(),
  ]);
  await print.waitForLoadState('load');
  assert.equal((await print.locator('h1').innerText()).trim(), '信访事项受理告知书');
  assert.equal((await print.locator('p.serial').innerText()).trim(), k.serial);
  assert.match(await print.locator('article').innerText(), /周大娘：/);
  assert.match(await print.locator('article').innerText(), /羊市镇人民政府/);
  await screenshot(print, 'staff-document-print-view');
  await print.close();

  // 下载 PDF: the link answers a PDF with the session's cookie
  const href = await rows.first().locator('[data-test="document-pdf"]').getAttribute('href');
  assert.match(href, new RegExp(`^/api/v1/cases/${k.id}/documents/\\d+/pdf$`));
  const pdf = await page.request.get(`${base}${href}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
  await closePage(page);
});

test('staff issues a 处理意见书 from the page: a second row and a timeline entry', async () => {
  const k = cases.open;
  const page = await openCase('staff', k);
  await chooseOption(page, page.locator('[data-test="document-choose"]'), '处理意见书');
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${k.id}/documents`));
  await page.locator('[data-test="document-issue"]').click();
  const req = await posted;
  assert.deepEqual(JSON.parse(req.postData()), { code: 'opinion' });
  assert.ok(req.headers()['idempotency-key'], 'sent with an Idempotency-Key');
  const rows = page.locator('[data-test="document-table"] .el-table__body .el-table__row');
  await page.waitForFunction(() => document.querySelectorAll('[data-test="document-table"] .el-table__body .el-table__row').length === 2);
  assert.deepEqual((await rows.locator('[data-test="document-name"]').allInnerTexts()).map((s) => s.trim()), ['受理告知书', '处理意见书']);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="timeline-item"]').length === 4);
  assert.equal((await page.locator('[data-test="timeline-comment"]').last().innerText()).trim(), '生成《处理意见书》');
  await visit(page, 'staff-case-document-issued');
  await closePage(page);
});

test('a leader who may not see a confidential requester gets no links to its documents', async () => {
  const page = await openCase('leader', cases.secret);
  const row = page.locator('[data-test="document-table"] .el-table__body .el-table__row').first();
  await row.waitFor();
  assert.equal((await row.locator('[data-test="document-secret"]').innerText()).trim(), '含保密信息，无权查看');
  assert.equal(await row.locator('[data-test="document-print"]').count(), 0);
  await visit(page, 'leader-case-document-confidential');
  await closePage(page);
});
