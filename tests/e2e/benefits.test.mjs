// tests/e2e/benefits.test.mjs - the township officer's monthly 低保 in the browser:
// two households enrolled through their 低保 applications (set up through the API:
// registry, application, the procedure to approval), then on 低保月度发放 the
// officer runs this month, reviews the lines (amounts as the server computed
// them), issues the batch after confirming, and sees it issued; 救助汇总 and
// 发放台账 then show the payments.  Real `zhenwu serve`, Debian's chromium, axe on
// every page, screenshots under tests/out/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { login, areaTree, elapseClock, DENGTA_CODE } from '../api/lib.mjs';
import { launch, newPage, closePage, visit, settle, loginAs } from './browser.mjs';
import { idnum } from '../lib/idnum.mjs';

const MONTH = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
const yuan = (fen) => `${String(Math.floor(fen / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${String(fen % 100).padStart(2, '0')}`;

let server, browser, base, staff;
const households = [];

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.body;
}

async function act(c, id, code, fields) {
  const k = await ok(await c.get(`/api/v1/cases/${id}`));
  return ok(await c.post(`/api/v1/cases/${id}/actions/${code}`, { fields }, { 'if-match': `"v${k.version}"` }));
}

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  staff = await login(base, 'staff');
  const leader = await login(base, 'leader');
  const dengta = await login(base, 'dengta');
  const village = (await areaTree(leader)).villages.get(DENGTA_CODE);
  let n = 700;
  for (const [name, members, perPersonYear] of [['钱浏览', 3, 240000], ['孙浏览', 2, null]]) {
    const h = await ok(await staff.post('/api/v1/households', { areaId: village.id, categories: ['dibao'] }), 201);
    for (let i = 0; i < members; i++) {
      await ok(await staff.post(`/api/v1/households/${h.id}/persons`, {
        name: i ? `${name.slice(0, 1)}家${i}` : name, idNumber: idnum(`50023619700101${String((n += 2) % 1000).padStart(3, '0')}`),
        relation: i ? 'son' : 'head', joinedOn: '2010-01-01',
      }), 201);
    }
    if (perPersonYear) {
      await ok(await staff.post(`/api/v1/households/${h.id}/incomes`, {
        assessedOn: `${MONTH.slice(0, 4)}-01-10`, wagesFen: perPersonYear * members, businessFen: 0, propertyFen: 0,
        transfersFen: 0, expensesFen: 0, members,
      }), 201);
    }
    const c = await ok(await staff.post(`/api/v1/households/${h.id}/applications`, { programme: 'dibao' }), 201);
    await act(staff, c.id, 'accept', {});
    await act(staff, c.id, 'investigate', {
      visit_record: '入户核实', neighbour_record: '邻里无异议', data_check: '核查无异常', initial_opinion: '建议批准', covered_persons: members,
    });
    await act(dengta, c.id, 'publish', { notice_place: '村务公开栏' });
    elapseClock(server.db, c.id, 'notice'); // approval waits for the 7 working days of the notice
    await act(leader, c.id, 'approve', { approval_note: '同意', covered_persons: members });
    households.push({ ...h, name, members });
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('staff runs this month\'s 低保, reviews the lines and issues the batch in the browser', async () => {
  const page = await newPage(browser);
  await loginAs(page, base, 'staff', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '低保月度发放' }).click();
  await page.locator('h1.page-title', { hasText: '低保月度发放' }).waitFor();
  await settle(page);
  assert.equal(await page.getByLabel('发放月份', { exact: true }).inputValue(), MONTH);
  await visit(page, 'benefits-dibao-empty');

  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/benefit-runs');
  await page.locator('[data-test="run-submit"]').click();
  assert.deepEqual(JSON.parse((await posted).postData()), { programme: 'dibao', period: MONTH });
  const card = page.locator('[data-test="batch"]');
  await card.waitFor();
  await page.locator('[data-test="batch-status"]', { hasText: '待审核' }).waitFor();
  const batch = (await ok(await staff.get('/api/v1/batches?programme=dibao'))).items[0];
  const full = await ok(await staff.get(`/api/v1/batches/${batch.id}`));
  assert.equal(full.lines.length, 2);
  // the table shows each line as the server computed it
  for (const h of households) {
    const l = full.lines.find((x) => x.household.id === h.id);
    const row = card.locator('[data-test="batch-lines"] .el-table__body .el-table__row', { hasText: h.code });
    await row.waitFor();
    assert.equal((await row.locator('[data-test="line-amount"]').innerText()).trim(), yuan(l.amountFen));
    assert.match(await row.innerText(), new RegExp(h.name));
    assert.doesNotMatch(await row.innerText(), /19700101/, 'ID numbers are masked');
  }
  assert.match(await page.locator('[data-test="batch-summary"]').innerText(), new RegExp(`发放 2 户 5 人，合计 ${yuan(full.amountFen).replace('.', '\\.')} 元`));
  await visit(page, 'benefits-dibao-draft');

  // issue, after the confirmation; the request carries the batch's ETag
  const issued = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === `/api/v1/batches/${batch.id}/issue`);
  await page.locator('[data-test="batch-issue"]').click();
  const box = page.locator('.el-message-box');
  await box.waitFor();
  assert.match(await box.innerText(), /发放后不能撤回/);
  await box.locator('.el-button--primary').click();
  assert.equal((await issued).headers()['if-match'], `"v${full.version}"`);
  await page.locator('[data-test="batch-status"]', { hasText: '已发放' }).waitFor();
  assert.equal(await page.locator('[data-test="batch-issue"]').count(), 0, 'no issue button once issued');
  const after = await ok(await staff.get(`/api/v1/batches/${batch.id}`));
  assert.equal(after.status, 'issued');
  await visit(page, 'benefits-dibao-issued');

  // the ledger and the totals show the payments
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '发放台账' }).click();
  await page.locator('h1.page-title', { hasText: '发放台账' }).waitFor();
  const table = page.locator('[data-test="payment-table"]');
  for (const h of households) await table.locator('.el-table__row', { hasText: h.code }).waitFor();
  await visit(page, 'benefits-payments');
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '救助汇总' }).click();
  await page.locator('h1.page-title', { hasText: '救助汇总' }).waitFor();
  const row = page.locator('[data-test="totals-table"] .el-table__body .el-table__row', { hasText: '低保' });
  await row.waitFor();
  const cells = (await row.locator('td').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(cells, ['低保', '2', '5', yuan(full.amountFen)]);
  await visit(page, 'benefits-totals');
  await closePage(page);
});
