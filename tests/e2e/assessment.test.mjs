// tests/e2e/assessment.test.mjs - the month's assessment in the console: the
// township officer computes last month's village scores, enters a manual
// item with a photo as evidence, the leader approves the item and the run,
// and the village user logs in and sees their own score and its reasons.
// Real `zhenwu serve` with the whole demo, Debian's chromium, axe on every
// page, screenshots under tests/out/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { png } from '../api/samples.mjs';
import { launch, newPage, closePage, visit, settle, loginAs } from './browser.mjs';

let server, browser, base;

before(async () => {
  server = await startServer({ demoCases: true });
  base = server.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openAssessment(page, username) {
  await loginAs(page, base, username, PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '月度考核' }).click();
  await page.locator('h1.page-title', { hasText: '月度考核' }).waitFor();
}

const row = (page, name) => page.locator('[data-test="assess-table"] .el-table__body .el-table__row', { hasText: name }).first();

test('the officer runs the month, adds a manual item with evidence, the leader approves, the village sees its score', async () => {
  // the officer
  let page = await newPage(browser);
  await openAssessment(page, 'staff');
  await page.locator('[data-test="assess-run"]').click();
  await page.locator('[data-test="assess-status"]', { hasText: '草稿' }).waitFor();
  await row(page, '灯塔村').locator('.el-table__expand-icon').click();
  await page.locator('[data-test="assess-item-add"]').first().click();
  const form = page.locator('[data-test="assess-item-form"]');
  await form.waitFor();
  await page.locator('[data-test="assess-item-points"]').fill('-1');
  await page.locator('[data-test="assess-item-comment"]').fill('月度督查：村务公开栏未按时更新');
  await page.locator('[data-test="assess-item-file"]').setInputFiles({ name: '督查照片.png', mimeType: 'image/png', buffer: Buffer.from(png(4, 4, 3)) });
  await page.locator('[data-test="assess-item-save"]').click();
  await page.locator('.el-table__body', { hasText: '待审核' }).first().waitFor();
  await settle(page);
  await visit(page, 'assessment-officer');
  await closePage(page);

  // the leader approves the item and the run
  page = await newPage(browser);
  await openAssessment(page, 'leader');
  await row(page, '灯塔村').locator('.el-table__expand-icon').click();
  await page.locator('[data-test="assess-item-approve"]').first().click();
  await page.locator('.el-table__body', { hasText: '已审核' }).first().waitFor();
  await page.locator('[data-test="assess-approve"]').click();
  await page.locator('[data-test="assess-status"]', { hasText: '已审定' }).waitFor();
  await settle(page);
  await visit(page, 'assessment-leader');
  await closePage(page);

  // the village user: their own village only, with its reasons
  const api = new Client(base);
  assert.equal((await api.login('dengta')).status, 200);
  const runs = (await api.get('/api/v1/assessment/runs?scheme=village-monthly')).body.items;
  const approved = runs.find((r) => r.status === 'approved');
  const mine = (await api.get(`/api/v1/assessment/runs/${approved.id}`)).body.subjects;
  assert.equal(mine.length, 1);
  page = await newPage(browser);
  await openAssessment(page, 'dengta');
  await page.locator('[data-test="assess-status"]', { hasText: '已审定' }).waitFor();
  await settle(page);
  assert.equal(await page.locator('[data-test="assess-score"]').count(), 1, 'one village: their own');
  assert.equal((await page.locator('[data-test="assess-score"]').innerText()).trim(), String(mine[0].score));
  const lines = page.locator(`[data-test="assess-lines-${mine[0].id}"]`);
  await lines.waitFor();
  const text = await lines.innerText();
  assert.match(text, /督查发现问题 −1/);
  assert.match(text, /村务公开栏未按时更新/);
  assert.match(text, /超期未办结办件 \d+件 × −2/);
  assert.match(text, /督查照片\.png/);
  await visit(page, 'assessment-village');
  await closePage(page);
});
