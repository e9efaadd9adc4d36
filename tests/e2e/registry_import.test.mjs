// tests/e2e/registry_import.test.mjs - 导入台账 (/registry/import): a village
// cadre uploads a households spreadsheet with one bad row, sees the error named
// by row and column, fixes the file, uploads it again, imports it and sees the
// count; the cadre is not offered 发放明细 (no benefit.write), a township
// officer imports a payments sheet from the same screen.  Real server and
// chromium, axe, screenshots under tests/out/e2e*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { xlsx } from '../lib/xlsx_build.mjs';
import { launch, newPage, closePage, visit, loginAs, menuItems } from './browser.mjs';

let server, browser, api;
const HEAD = ['户编号', '村（社区）名称', '村民小组', '地址', '户类别', '建档立卡年度'];
const GOOD = [
  ['E2E-0001', '灯塔村', '一组', '灯塔村一组3号', '脱贫户', 2014],
  ['E2E-0002', '灯塔村', '二组', '灯塔村二组7号', '一般农户', ''],
];
const BAD = ['E2E-0003', '灯塔村', '十组', '灯塔村十组1号', '一般农户', ''];
const FIXED = ['E2E-0003', '灯塔村', '三组', '灯塔村三组1号', '一般农户', ''];

before(async () => {
  server = await startServer();
  browser = await launch();
  api = new Client(server.url);
  assert.equal((await api.login('dengta')).status, 200);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function uploadFile(page, rows, name, head = HEAD) {
  await page.locator('[data-test="import-file"]').setInputFiles({
    name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx([head, ...rows]),
  });
  await page.locator('[data-test="import-upload"]').click();
  await page.locator('[data-test="import-report"]').waitFor();
}

test('a village cadre imports households: the bad row is reported, the fixed file is imported', async () => {
  const page = await newPage(browser);
  try {
    await loginAs(page, server.url, 'dengta', PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    assert.ok((await menuItems(page)).includes('导入台账'), 'the menu offers 导入台账');
    await page.goto(`${server.url}/registry/import`);
    await page.locator('[data-test="import-page"]').waitFor();
    await visit(page, 'registry-import');

    await uploadFile(page, [...GOOD, BAD], '灯塔村户信息.xlsx');
    assert.match(await page.locator('[data-test="import-counts"]').innerText(), /共 3 行，有效 2 行，错误 1 处/);
    const problems = await page.locator('[data-test="import-problems"]').innerText();
    assert.match(problems, /4\s+村民小组\s+错误\s+灯塔村没有村民小组“十组”/);
    assert.ok(await page.locator('[data-test="import-commit-all"]').isDisabled(), '全部导入 needs a file without errors');
    await visit(page, 'registry-import-checked');

    await page.locator('[data-test="import-again"]').click();
    await uploadFile(page, [...GOOD, FIXED], '灯塔村户信息（改）.xlsx');
    assert.match(await page.locator('[data-test="import-counts"]').innerText(), /共 3 行，有效 3 行，错误 0 处/);
    await page.locator('[data-test="import-commit-all"]').click();
    await page.locator('[data-test="import-imported"]', { hasText: '已导入 3 行' }).waitFor();
    assert.match(await page.locator('[data-test="import-status"]').innerText(), /已导入/);
    await visit(page, 'registry-import-done');

    for (const code of ['E2E-0001', 'E2E-0002', 'E2E-0003']) {
      const r = await api.get(`/api/v1/households?q=${code}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.pager.total, 1, `${code} registered`);
    }
    const third = (await api.get('/api/v1/households?q=E2E-0003')).body.items[0];
    assert.equal(third.group.name, '三组');
    assert.equal(await page.locator('[data-test="import-kind-payments"]').count(), 0, 'no 发放明细 without benefit.write');
  } finally {
    await closePage(page);
  }
});

test('a township officer imports a payments sheet (发放明细) from 救助发放 › 导入发放明细', async () => {
  const page = await newPage(browser);
  try {
    await loginAs(page, server.url, 'staff', PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    assert.ok((await menuItems(page)).includes('导入发放明细'), 'the menu offers 导入发放明细');
    await page.goto(`${server.url}/benefits/import`);
    await page.locator('[data-test="import-page"]').waitFor();
    assert.match(await page.locator('[data-test="import-kind"] .is-active').innerText(), /发放明细/, 'opens on payments');
    const head = ['项目', '户编号', '享受人数', '金额（元）', '发放期间', '发放日期', '批次号'];
    await uploadFile(page, [['临时救助', 'E2E-0002', 2, 1500, '2025-06', '2025-06-30', 'LS-01']], '临时救助发放明细.xlsx', head);
    assert.match(await page.locator('[data-test="import-counts"]').innerText(), /共 1 行，有效 1 行，错误 0 处/);
    await page.locator('[data-test="import-commit-all"]').click();
    await page.locator('[data-test="import-imported"]', { hasText: '已导入 1 行' }).waitFor();
    await visit(page, 'registry-import-payments-done');
    const staffApi = new Client(server.url);
    assert.equal((await staffApi.login('staff')).status, 200);
    const r = await staffApi.get('/api/v1/payments?programme=linshi');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((p) => [p.household.code, p.person, p.persons, p.amountFen, p.period, p.note]), [['E2E-0002', null, 2, 150000, '2025-06', '批次号：LS-01']]);
  } finally {
    await closePage(page);
  }
});
