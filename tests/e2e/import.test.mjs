// tests/e2e/import.test.mjs - 批量导入 on the case list: staff load the
// county's rectification list (CSV), the check (预检) reports the bad row in
// Chinese, the import of the valid rows registers them, and the list shows
// them.  Real server and chromium, axe, screenshots under tests/out/e2e*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, loginAs } from './browser.mjs';

let server, browser, staffApi;
const CSV = [
  '来源清单编号,区划代码,标题,内容,类别,整改时限,问题描述',
  '巡察-01,500236126205,灯塔村村务公开不及时,县委巡察反馈：村务公开栏未按期更新,巡视巡察,2030-12-31,村务公开栏未按期更新',
  '巡察-02,500236126201,大淌村集体资金审批不全,县委巡察反馈：集体资金支出审批手续不全,巡视巡察,2030-12-20,审批手续不全',
  '巡察-03,500236126205,时限写错的一行,内容,巡视巡察,明年底,问题',
].join('\r\n');

before(async () => {
  server = await startServer();
  browser = await launch();
  staffApi = new Client(server.url);
  assert.equal((await staffApi.login('staff')).status, 200);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('staff import a rectification list: the check names the bad row, the valid rows are registered', async () => {
  const page = await newPage(browser);
  try {
    await loginAs(page, server.url, 'staff', PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    await page.goto(`${server.url}/cases`);
    await page.locator('[data-test="case-import"]').click();
    const dialog = page.locator('[data-test="import-dialog"]');
    await dialog.waitFor();
    await page.locator('[data-test="import-file"]').setInputFiles({ name: '巡察反馈问题清单.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.locator('[data-test="import-check"]').click();
    const report = page.locator('[data-test="import-report"]');
    await report.waitFor();
    assert.match(await report.innerText(), /共 3 行：2 行无误，1 行有问题/);
    const problems = await page.locator('[data-test="import-problems"]').innerText();
    assert.match(problems, /4/);
    assert.match(problems, /整改时限/);
    assert.match(problems, /YYYY-MM-DD/);
    assert.ok(await page.locator('[data-test="import-commit"]').isDisabled(), 'not importable while a row is bad');
    await visit(page, 'case-import-checked');
    await page.locator('[data-test="import-skip"]').click();
    await page.locator('[data-test="import-commit"]').click();
    await page.locator('[data-test="import-report"]', { hasText: '已导入 2 件' }).waitFor();
    await visit(page, 'case-import-done');
    const r = await staffApi.get(`/api/v1/cases?type=rectification&q=${encodeURIComponent('审批不全')}`);
    assert.equal(r.body.items.length, 1);
    assert.equal(r.body.items[0].fields.source_ref, '巡察-02');
    assert.equal((await staffApi.get('/api/v1/cases?type=rectification')).body.pager.total, 2);
  } finally {
    await closePage(page);
  }
});
