// tests/e2e/dashboard.test.mjs - the leader's dashboard over the demo: open
// 领导驾驶舱, pick 2018, click a key figure (监测对象) down to its records page
// whose row count is the figure, click a row to the household; click a bar of
// the village chart (the canvas itself, at the bar's column) down to that
// village's records whose total is the bar's figure, and a point of a trend
// line down to that month; then the indicator table screen.  Real `zhenwu
// serve`, Debian's chromium, axe on every page, screenshots under tests/out/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, loginAs, chooseOption, settle } from './browser.mjs';

let server, browser, base, leaderApi;

before(async () => {
  server = await startServer({ demoCases: true });
  base = server.url;
  browser = await launch();
  leaderApi = new Client(base);
  assert.equal((await leaderApi.login('leader')).status, 200);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const value = async (code, query) => {
  const r = await leaderApi.get(`/api/v1/indicators/values?codes=${code}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items[0];
};

// Clicks the column of category `name` of the chart `chart` (a locator of the
// EChart element) on its canvas: grid margins as the dashboard sets them.
async function clickColumn(page, chart, name, grid) {
  const cats = (await chart.getAttribute('data-categories')).split(',');
  const i = cats.indexOf(name);
  assert.ok(i >= 0, `${name} among ${cats}`);
  const box = await chart.boundingBox();
  const w = box.width - grid.left - grid.right;
  const x = grid.left + (i + 0.5) * (w / cats.length);
  const y = grid.top + (box.height - grid.top - grid.bottom) * 0.7;
  await chart.locator('canvas').first().click({ position: { x, y } });
}

async function recordsTotal(page) {
  await page.waitForURL(/\/indicators\/[a-z_]+\/records/);
  await settle(page);
  await page.locator('[data-test="records-head"]').waitFor();
  return Number(await page.locator('[data-test="records-total"]').innerText());
}

test('the leader clicks from the dashboard down to the records and on to a household', async () => {
  const page = await newPage(browser);
  await loginAs(page, base, 'leader', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '领导驾驶舱' }).click();
  await page.waitForURL(/\/dashboard/);
  await chooseOption(page, page.locator('[data-test="dash-year"]'), '2018年');
  await page.waitForURL(/year=2018/);
  await settle(page);

  // a key figure: 监测对象 of 2018, as the API counts it
  const mon = await value('monitored_households', 'period=2018');
  assert.ok(mon.num > 0);
  const fig = page.locator('[data-test="kpi-monitored_households"]');
  await page.waitForFunction((t) => document.querySelector('[data-test="kpi-monitored_households"]')?.textContent.trim() === t, mon.text);
  const dibao = await value('dibao_yuan', 'period=2018');
  assert.equal((await page.locator('[data-test="kpi-dibao_yuan"]').innerText()).trim(), dibao.text);
  await visit(page, 'dashboard-2018');

  await fig.click();
  assert.equal(await recordsTotal(page), mon.num, 'the records page lists as many rows as the figure');
  assert.equal((await page.locator('[data-test="records-value"]').innerText()).trim(), mon.text);
  assert.equal(await page.locator('[data-test="records-table"] .el-table__body tr').count(), mon.num);
  await visit(page, 'dashboard-records');
  const row = page.locator('[data-test^="record-"]').first();
  const label = (await row.innerText()).trim();
  await row.click();
  await page.waitForURL(/\/registry\/households\/\d+/);
  await settle(page);
  assert.ok(label.length > 0);

  // a bar of the village chart (在册人口 by default): 灯塔村
  await page.goBack();
  await page.goBack();
  await page.waitForURL(/\/dashboard\?year=2018/);
  await settle(page);
  const chart = page.locator('[data-test="compare-chart"]');
  await chart.waitFor();
  const areas = (await leaderApi.get('/api/v1/indicators/table?codes=population&areas=children&periods=2018')).body;
  const dengta = areas.areas.find((a) => a.name === '灯塔村');
  const pop = areas.cells.find((c) => c.areaId === dengta.id);
  assert.equal((await page.locator(`[data-test="compare-${dengta.id}"]`).innerText()).trim(), `灯塔村 ${pop.text}`);
  await clickColumn(page, chart, '灯塔村', { left: 56, right: 16, top: 24, bottom: 40 });
  assert.equal(await recordsTotal(page), pop.num, 'the village\'s records, as many as its bar');
  assert.match(page.url(), new RegExp(`areaId=${dengta.id}`));
  assert.match(await page.locator('[data-test="records-head"]').innerText(), /灯塔村/);
  // every row lies in 灯塔村 (its groups and grids are under it)
  const villages = await page.locator('[data-test="records-table"] .el-table__body tr td:nth-child(2)').allInnerTexts();
  assert.ok(villages.length > 0);
  await page.locator('[data-test^="record-"]').first().click();
  await page.waitForURL(/\/registry\/households\/\d+/);

  // a point of a trend line: 低保金 in March 2018
  await page.goto(`${base}/dashboard?year=2018`);
  await settle(page);
  const trend = page.locator('[data-test="trend-dibao_yuan"]');
  await trend.waitFor();
  const march = await value('dibao_yuan', 'period=2018-03');
  await clickColumn(page, trend, '3月', { left: 4, right: 4, top: 8, bottom: 4 });
  await recordsTotal(page);
  assert.match(page.url(), /period=2018-03/);
  assert.equal((await page.locator('[data-test="records-value"]').innerText()).trim(), march.text);
  await closePage(page);
});

test('the indicator table: choose a year by month, see the values, export the same table', async () => {
  const page = await newPage(browser);
  await loginAs(page, base, 'leader', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '指标统计表' }).click();
  await page.waitForURL(/\/indicators\/table/);
  await settle(page);
  await chooseOption(page, page.locator('[data-test="table-year"]'), '2018年');
  await page.locator('[data-test="table-run"]').click();
  await settle(page);
  const table = page.locator('[data-test="table-result"]');
  await table.waitFor();
  const rows = await table.locator('.el-table__body-wrapper tr').count();
  const villages = (await leaderApi.get('/api/v1/indicators/table?codes=population&areas=children&periods=2018')).body.areas.length;
  assert.equal(rows, villages, 'one row per village for the year');
  await visit(page, 'indicator-table');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="table-export"]').click()]);
  assert.match(dl.suggestedFilename(), /^指标统计表-\d{4}-\d\d-\d\d\.xlsx$/);
  await closePage(page);
});

test('a county user sees the townships side by side on the same screen', async () => {
  const admin = new Client(base);
  assert.equal((await admin.login('admin')).status, 200);
  const roles = Object.fromEntries((await admin.get('/api/v1/roles')).body.items.map((r) => [r.code, r.id]));
  const top = (await admin.get('/api/v1/areas')).body.items;
  const county = top.find((a) => a.level === 'county');
  assert.ok(county, 'the demo tree has a county');
  const u = await admin.post('/api/v1/users', { username: 'county.e2e', name: '县级用户', password: 'Init-Passw0rd#1', areaId: county.id, roleIds: [roles.staff] });
  assert.equal(u.status, 201, u.text);
  const c = new Client(base);
  assert.equal((await c.login('county.e2e', 'Init-Passw0rd#1')).status, 200);
  assert.equal((await c.post('/api/v1/me/password', { oldPassword: 'Init-Passw0rd#1', newPassword: 'County-Passw0rd#2' })).status, 204);

  const page = await newPage(browser);
  await loginAs(page, base, 'county.e2e', 'County-Passw0rd#2');
  await page.locator('[data-test="welcome"]').waitFor();
  await page.goto(`${base}/dashboard?year=2018`);
  await settle(page);
  const chart = page.locator('[data-test="compare-chart"]');
  await chart.waitFor();
  assert.equal(await chart.getAttribute('data-categories'), '羊市镇');
  await page.getByRole('heading', { name: '各乡镇对比' }).waitFor();
  const pop = (await c.get('/api/v1/indicators/table?codes=population&areas=children&periods=2018')).body.cells[0];
  await clickColumn(page, chart, '羊市镇', { left: 56, right: 16, top: 24, bottom: 40 });
  assert.equal(await recordsTotal(page), pop.num);
  await closePage(page);
});
