// tests/e2e/monitoring.test.mjs - 防返贫 monitoring in the browser: the township
// officer screens the registry on 监测预警, opens an identification case from the
// alert (立案), the procedure is run step by step on the case page by the users
// who take each step (village cadre, staff, leader) to the county decision, and
// the household then appears on 监测对象 with its category and risks; the
// assistance cadre logs a visit with a photo on the phone page /m/visits.
// Real `zhenwu serve`, Debian's chromium, axe-core and a screenshot of each page.
// What must be stored is asked of the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT, PASSWORD } from '../lib/server.mjs';
import { login, elapseClock, DENGTA_CODE, areaTree } from '../api/lib.mjs';
import { png } from '../api/samples.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, chooseOption } from './browser.mjs';
import { idnum } from '../lib/idnum.mjs';

const DEF = JSON.parse(readFileSync(path.join(ROOT, 'defs/case_types/identification.json'), 'utf8'));
const stateName = (code) => DEF.states.find((s) => s.code === code).name;
const tr = (code) => DEF.transitions.find((t) => t.code === code);
const field = (code) => DEF.fields.find((f) => f.code === code);
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const exact = (s) => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

let server, browser, base;
const U = {};
const pages = {};
let hh;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  for (const u of ['staff', 'leader', 'dengta', 'assist']) {
    U[u] = await login(base, u);
    U[u].me = (await U[u].get('/api/v1/me')).body;
    U[u].canListUsers = U[u].me.permissions.includes('user.read');
  }
  // a household of 灯塔村 whose income fell under the line, with its head
  const tree = await areaTree(U.leader);
  const village = tree.villages.get(DENGTA_CODE);
  const h = await U.staff.post('/api/v1/households', { areaId: village.id, address: '灯塔村四组7号', categories: ['tuopin'] });
  assert.equal(h.status, 201, h.text);
  const p = await U.staff.post(`/api/v1/households/${h.body.id}/persons`, {
    name: '覃大山', idNumber: idnum('50023619700101001'), relation: 'head', labour: 'normal', joinedOn: '2010-01-01',
  });
  assert.equal(p.status, 201, p.text);
  const inc = await U.staff.post(`/api/v1/households/${h.body.id}/incomes`, {
    assessedOn: today(), wagesFen: 450000, businessFen: 0, propertyFen: 0, transfersFen: 0, expensesFen: 0, members: 1,
  });
  assert.equal(inc.status, 201, inc.text);
  hh = h.body;
});

after(async () => {
  for (const p of Object.values(pages)) await closePage(p);
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function pageOf(user) {
  if (!pages[user]) {
    const page = await newPage(browser);
    await loginAs(page, base, user, PASSWORD);
    await page.locator('[data-test="welcome"]').waitFor();
    pages[user] = page;
  }
  return pages[user];
}

// Takes transition `code` on the case page as `user`, filling the dialog's inputs.
async function step(user, id, code, values) {
  const t = tr(code);
  const page = await pageOf(user);
  await page.goto(`${base}/cases/${id}`);
  await page.locator('[data-test="case-state-name"]', { hasText: exact(stateName(t.from[0])) }).waitFor();
  await page.locator(`[data-test="case-action-${code}"]`).click();
  const dialog = page.locator('.el-dialog', { hasText: t.name });
  await dialog.waitFor();
  for (const req of t.requires) {
    const f = field(req);
    const v = values[req];
    const item = dialog.locator(`[data-test="action-field-${req}"]`);
    if (f.type === 'choice') {
      await chooseOption(page, item.locator('.el-select'), exact(v));
    } else if (f.type === 'user') {
      const who = U[v].me;
      if (U[user].canListUsers) await chooseOption(page, item.locator('.el-select'), exact(`${who.name}（${who.area.name}）`));
      else {
        const input = dialog.getByLabel(`${f.name}（用户编号）`, { exact: true });
        await input.fill(String(who.id));
        await input.press('Tab');
      }
    } else {
      const input = dialog.getByLabel(f.name, { exact: true });
      await input.fill(v);
      if (f.type === 'date') await input.press('Enter');
      await input.press('Tab');
    }
  }
  await dialog.getByLabel('办理意见', { exact: true }).fill(`${t.name}：浏览器办理`);
  await dialog.locator('[data-test="action-submit"]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('[data-test="case-state-name"]', { hasText: exact(stateName(t.to)) }).waitFor();
  return page;
}

test('identification: 筛查 → 立案 from the alert → every step in the browser → the county decision makes the household monitored', async () => {
  const staffPage = await pageOf('staff');
  await staffPage.goto(`${base}/monitoring/alerts`);
  await staffPage.locator('h1.page-title', { hasText: '监测预警' }).waitFor();
  await staffPage.locator('[data-test="alert-screen"]').click();
  await staffPage.locator('.el-message--success', { hasText: /筛查完成：新增预警 \d+ 条/ }).waitFor();
  const row = staffPage.locator('[data-test="alert-table"] .el-table__row', { hasText: '覃大山' });
  await row.waitFor();
  await visit(staffPage, 'monitoring-alerts');
  assert.match(await row.innerText(), /人均纯收入低于监测线/);
  await row.locator('[data-test="alert-case"]').click();
  await staffPage.waitForURL(/\/cases\/\d+$/);
  const id = Number(new URL(staffPage.url()).pathname.split('/').pop());
  await staffPage.locator('[data-test="case-state-name"]', { hasText: exact(stateName('registered')) }).waitFor();
  const kase = (await U.staff.get(`/api/v1/cases/${id}`)).body;
  assert.equal(kase.type, 'identification');
  assert.equal(kase.category, 'screening');

  await step('dengta', id, 'verify', { verifier1: 'dengta', verifier2: '覃组长', verify_note: '入户核实：务工收入减少，家中老人患病' });
  await step('staff', id, 'check_data', { data_check: '比对无财政供养、无车辆、无商品房' });
  await step('dengta', id, 'review', { review_note: '村民代表会议一致同意' });
  await step('dengta', id, 'publish', { notice_from: today() });
  // 公示期满 is not offered while the 7 days of the notice run (the page says until when); once they have, it is
  const during = await pageOf('dengta');
  await during.goto(`${base}/cases/${id}`);
  await during.locator('[data-test="case-state-name"]', { hasText: exact(stateName('publicizing')) }).waitFor();
  await settle(during);
  assert.equal(await during.locator('[data-test="case-action-notice_end"]').count(), 0, '公示期满 not offered during the notice');
  const waiting = during.locator('[data-test="case-waiting-notice_end"]');
  assert.equal(await waiting.locator('button').isDisabled(), true, 'shown, not clickable');
  assert.match(await waiting.innerText(), /至 \d{4}-\d{2}-\d{2} 届满，期满前不能/);
  assert.deepEqual((await U.dengta.get(`/api/v1/cases/${id}`)).body.actions.map((a) => a.code), []);
  elapseClock(server.db, id, 'notice');
  await step('dengta', id, 'notice_end', { notice_result: '公示期满无异议' });
  await step('staff', id, 'township_review', { township_opinion: '同意上报' });
  const last = await step('leader', id, 'county_decide', { category: '脱贫不稳定户', risk: '因务工就业不稳', county_opinion: '同意纳入监测' });
  await last.reload();
  await last.locator('[data-test="case-state-name"]', { hasText: exact(stateName('decided')) }).waitFor();
  await visit(last, 'monitoring-identification-decided');

  const h = (await U.staff.get(`/api/v1/households/${hh.id}`)).body;
  assert.equal(h.monitor.status, 'monitored');
  assert.equal(h.monitor.category, 'unstable');
  assert.deepEqual(h.monitor.risks.map((r) => r.code), ['employment']);
  assert.equal(h.monitor.since, today());

  // 监测对象: the household, its category and risk, and the elimination check
  await staffPage.goto(`${base}/monitoring/households`);
  const mrow = staffPage.locator('[data-test="monitored-table"] .el-table__row', { hasText: hh.code });
  await mrow.waitFor();
  assert.match(await mrow.innerText(), /脱贫不稳定户/);
  assert.match(await mrow.innerText(), /因务工就业不稳/);
  await mrow.locator('.el-table__expand-icon').click();
  await staffPage.locator('[data-test="elim-check"]').waitFor();
  assert.match(await staffPage.locator('[data-test="elim-check"]').innerText(), /✗ 纳入监测满六个月/);
  await visit(staffPage, 'monitoring-households');
});

test('the assistance cadre logs a visit with a photo on /m/visits', async () => {
  const cadre = await U.staff.post('/api/v1/assist-cadres', { name: U.assist.me.name, unit: '县财政局', userId: U.assist.me.id });
  assert.equal(cadre.status, 201, cadre.text);
  assert.equal((await U.staff.post(`/api/v1/households/${hh.id}/pairs`, { cadreId: cadre.body.id, since: '2026-01-01' })).status, 201);
  const page = await newPage(browser);
  await page.setViewportSize({ width: 375, height: 667 });
  pages.phone = page;
  await loginAs(page, base, 'assist', PASSWORD);
  await page.waitForURL((u) => new URL(u).pathname !== '/login');
  await page.goto(`${base}/m/visits`);
  const item = page.locator('[data-test="m-household"]', { hasText: '覃大山' });
  await item.waitFor();
  assert.match(await item.locator('[data-test="m-household-last"]').innerText(), /尚未走访/);
  await visit(page, 'm-visits');
  await item.click();
  await page.locator('[data-test="m-visit-form"]').waitFor();
  await page.getByLabel('发现的情况').fill('老人住院已出院，务工收入恢复中');
  await page.locator('[data-test="m-visit-camera"]').setInputFiles({ name: 'image.png', mimeType: 'image/png', buffer: Buffer.from(png(30, 20, 0x2244)) });
  await page.locator('[data-test="m-visit-photo"]').waitFor();
  await page.locator('[data-test="m-visit-submit"]').click();
  await page.locator('[data-test="m-visit-saved"]', { hasText: '走访已记录' }).waitFor();
  await page.locator('[data-test="m-visit-photo-saved"]').waitFor();
  await settle(page);
  await visit(page, 'm-visit');
  const v = (await U.staff.get(`/api/v1/households/${hh.id}/visits`)).body.items;
  assert.equal(v.length, 1);
  assert.equal(v[0].found, '老人住院已出院，务工收入恢复中');
  assert.equal(v[0].user.id, U.assist.me.id);
  assert.equal(v[0].photos.length, 1);
});
