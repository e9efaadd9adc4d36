// tests/e2e/periods.test.mjs - closing a period (统计结账) in the console: the
// leader closes 2018 in the dialog; the dashboard of 2018 shows 已结账; a 2018
// payment entered afterwards (through the API, as staff) shows on the
// closure's page as a correction listing the added record, which links to its
// household, while the dashboard keeps the frozen figure and shows the current
// one beside it; the records page shows the frozen rows and, switched to
// 查看当前记录, the current ones.  Staff sees the closures but no 结账 button.
// Real `zhenwu serve`, Debian's chromium, axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, loginAs, chooseOption, settle } from './browser.mjs';

let server, browser, base, leaderApi, staffApi;

before(async () => {
  server = await startServer({ demoCases: true });
  base = server.url;
  browser = await launch();
  leaderApi = new Client(base);
  staffApi = new Client(base);
  assert.equal((await leaderApi.login('leader')).status, 200);
  assert.equal((await staffApi.login('staff')).status, 200);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const values = async (codes, query) => {
  const r = await leaderApi.get(`/api/v1/indicators/values?codes=${codes}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const text = async (page, sel) => (await page.locator(`[data-test="${sel}"]`).innerText()).trim();
const waitText = (page, sel, t) => page.waitForFunction(([s, want]) => document.querySelector(`[data-test="${s}"]`)?.textContent.trim() === want, [sel, t]);

async function openMenu(page, username, title, url) {
  await loginAs(page, base, username, PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: title }).click();
  await page.waitForURL(url);
  await settle(page);
}

const state = {};

test('the leader closes 2018 in the dialog, and the dashboard of 2018 shows it closed', async () => {
  const me = (await leaderApi.get('/api/v1/me')).body;
  const before2018 = await values('dibao_yuan,population', 'period=2018');
  assert.equal(before2018.closed, null, 'nothing closed yet');

  const page = await newPage(browser);
  await openMenu(page, 'leader', '统计结账', /\/periods$/);
  await page.locator('[data-test="period-table"]', { hasText: '尚无结账记录' }).waitFor();
  await visit(page, 'periods-empty');

  await page.locator('[data-test="period-close"]').click();
  const dialog = page.locator('.el-dialog', { hasText: '统计结账' });
  await dialog.waitFor();
  await chooseOption(page, dialog.locator('[data-test="period-year"]'), '2018年');
  await dialog.locator('[data-test="period-note"]').fill('2018年度统计结账');
  const warning = await dialog.locator('[data-test="period-warning"]').innerText();
  assert.match(warning, /2018年各项指标的数值及其明细记录将被冻结/);
  assert.ok(await dialog.locator('[data-test="period-submit"]').isDisabled(), 'no close before the acknowledgement');
  await settle(page);
  await visit(page, 'periods-dialog');
  await dialog.locator('[data-test="period-confirm"]').click();
  await dialog.locator('[data-test="period-submit"]').click();
  await page.locator('.el-message--success', { hasText: '2018年已结账' }).waitFor();

  const list = (await leaderApi.get('/api/v1/periods')).body.items;
  assert.equal(list.length, 1);
  const c = list[0];
  assert.deepEqual([c.period, c.label, c.areaName, c.closedBy, c.note], ['2018', '2018年', me.area.name, me.name, '2018年度统计结账']);
  state.closure = c;
  const row = page.locator('[data-test="period-table"] .el-table__body tr').first();
  await row.locator(`[data-test="period-${c.id}"]`).waitFor();
  const cells = (await row.locator('td').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(cells.slice(0, 5), ['2018年', me.area.name, me.name, c.closedAt.slice(0, 19).replace('T', ' '), '2018年度统计结账']);
  await visit(page, 'periods-list');

  // the dashboard of 2018: the tag, the frozen figures, no correction yet
  state.tag = `已结账（${me.name} · ${c.closedAt.slice(0, 10)}）`;
  state.frozen = (await values('dibao_yuan', 'period=2018')).items[0];
  assert.equal(state.frozen.frozen, true);
  assert.equal(state.frozen.text, before2018.items.find((i) => i.code === 'dibao_yuan').text, 'closing changes no figure');
  await page.goto(`${base}/dashboard?year=2018`);
  await waitText(page, 'dash-closed', state.tag);
  await waitText(page, 'kpi-dibao_yuan', state.frozen.text);
  assert.equal(await page.locator('[data-test^="kpi-correction-"]').count(), 0);
  await visit(page, 'periods-dashboard-closed');
  // another year is not closed
  await page.goto(`${base}/dashboard?year=2017`);
  await page.locator('[data-test="kpi-dibao_yuan"]').waitFor();
  await settle(page);
  assert.equal(await page.locator('[data-test="dash-closed"]').count(), 0);
  await closePage(page);
});

test('a 2018 payment entered after the close is a correction beside the frozen figure', async () => {
  assert.ok(state.closure, 'closed by the test before');
  // a household with 2018 dibao payments (the drill-down names it), and one more line for it
  const recs = await leaderApi.get('/api/v1/indicators/dibao_yuan/records?period=2018&pageSize=1');
  assert.equal(recs.status, 200, recs.text);
  const frozenTotal = recs.body.pager.total;
  const hh = recs.body.items[0].householdId;
  assert.ok(hh, 'a 2018 dibao payment of a household');
  const p = await staffApi.post('/api/v1/payments', {
    programme: 'dibao', householdId: hh, amountFen: 50000, period: '2018-12', paidOn: '2018-12-28', fundSource: '中央和市级财政', note: '补发',
  });
  assert.equal(p.status, 201, p.text);
  const now = (await values('dibao_yuan', 'period=2018')).items[0];
  assert.equal(now.text, state.frozen.text, 'the closed year keeps its figure');
  assert.equal(now.correction.num, state.frozen.num + 50000);

  const page = await newPage(browser);
  await openMenu(page, 'leader', '统计结账', /\/periods$/);
  await page.locator(`[data-test="period-${state.closure.id}"]`).click();
  await page.waitForURL(new RegExp(`/periods/${state.closure.id}$`));
  await settle(page);
  await waitText(page, 'period-closed', state.tag);
  const corr = page.locator('[data-test="corrections-table"]');
  await waitText(page, 'frozen-dibao_yuan', state.frozen.text);
  assert.equal(await text(page, 'live-dibao_yuan'), now.correction.text);
  assert.equal(await text(page, 'added-total-dibao_yuan'), '1');
  const added = corr.locator(`[data-test="change-dibao_yuan-${p.body.id}"]`);
  await added.waitFor();
  const row = corr.locator('[data-test="changes-dibao_yuan"] .el-table__body tr', { has: page.locator(`[data-test="change-dibao_yuan-${p.body.id}"]`) });
  assert.match(await row.innerText(), /新增[\s\S]*2018-12-28[\s\S]*500\.00/);
  // population did not change: not among the corrections
  assert.equal(await corr.locator('[data-test="frozen-population"]').count(), 0);
  await visit(page, 'periods-detail');
  await added.click();
  await page.waitForURL(new RegExp(`/registry/households/${hh}$`));

  // the dashboard keeps the frozen figure and shows the current one beside it
  await page.goto(`${base}/dashboard?year=2018`);
  await waitText(page, 'kpi-correction-dibao_yuan', `更正后：${now.correction.text}`);
  assert.equal(await text(page, 'kpi-dibao_yuan'), state.frozen.text, 'the dashboard figure stays the frozen one');
  assert.equal(await text(page, 'dash-closed'), state.tag);
  await visit(page, 'periods-dashboard-corrected');

  // its records: the frozen ones, then the current ones
  await page.locator('[data-test="kpi-dibao_yuan"]').click();
  await page.waitForURL(/\/indicators\/dibao_yuan\/records/);
  await waitText(page, 'records-closed', state.tag);
  await waitText(page, 'records-total', String(frozenTotal));
  assert.equal(await text(page, 'records-value'), state.frozen.text);
  assert.equal(await text(page, 'records-correction'), `更正后：${now.correction.text}`);
  await visit(page, 'periods-records-frozen');
  await page.locator('[data-test="records-live"]').click();
  await page.waitForURL(/live=1/);
  await waitText(page, 'records-total', String(frozenTotal + 1));
  await closePage(page);
});

test('staff reads the closures but has no 结账 button', async () => {
  const page = await newPage(browser);
  await openMenu(page, 'staff', '统计结账', /\/periods$/);
  await page.locator(`[data-test="period-${state.closure.id}"]`).waitFor();
  assert.equal(await page.locator('[data-test="period-close"]').count(), 0);
  await visit(page, 'periods-staff');
  await closePage(page);
});
