// notices.test.mjs - the 公示 journey in the browser: the township official
// builds a 低保 notice of 灯塔村 for June 2018 from the demo's payments,
// previews and publishes it; a resident opens it on the portal (no login),
// sees the stored text and hash, and files an objection; the official's
// notice page then shows the objection's case serial, which opens the case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { sql } from '../api/lib.mjs';
import { launch, newPage, closePage, settle, screenshot, chooseOption, loginAs } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demoCases: true });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('notices-e2e-1 publish a 低保 notice, object on the portal, see the case in the console', async () => {
  const base = server.url;
  const official = await newPage(browser);
  await loginAs(official, base, 'staff', PASSWORD);
  await official.waitForURL((u) => !u.pathname.startsWith('/login'));
  await official.goto(`${base}/notices/new`);
  await settle(official);
  await chooseOption(official, official.locator('[data-test="notice-village"]'), '灯塔村');
  await official.getByLabel('期间').fill('2018-06');
  await official.locator('[data-test="notice-preview"]').click();
  const card = official.locator('[data-test="notice-preview-card"]');
  await card.waitFor();
  const expected = sql(server.db, `SELECT count(*) AS n FROM payments p JOIN areas a ON a.id = p.village_id
    WHERE a.code = '500236126205' AND p.programme = 'dibao' AND p.period = '2018-06'`)[0].n;
  assert.match(await card.innerText(), new RegExp(`${expected} 条记录`));
  await screenshot(official, 'notices-preview');
  await official.locator('[data-test="notice-save"]').click();
  await official.waitForURL(/\/notices\/\d+$/);
  await settle(official);
  await official.locator('[data-test="notice-publish"]').click();
  await official.locator('[data-test="notice-status"]', { hasText: '公示中' }).waitFor();
  const hash = (await official.locator('[data-test="notice-hash"]').innerText()).trim();
  assert.match(hash, /^[0-9a-f]{64}$/);
  const id = Number(new URL(official.url()).pathname.split('/').pop());
  await screenshot(official, 'notices-published');

  // the resident: the portal's list, the notice, its hash, an objection
  const resident = await newPage(browser);
  await resident.goto(`${base}/portal/notices`);
  await settle(resident);
  await resident.locator('[data-test="portal-notice-list"] a', { hasText: '灯塔村2018年6月低保对象公示' }).click();
  await resident.waitForURL(new RegExp(`/portal/notices/${id}$`));
  await resident.locator('[data-test="portal-notice-page"] table').waitFor();
  assert.equal((await resident.locator('[data-test="portal-notice-hash"]').innerText()).trim(), hash);
  await resident.getByLabel('姓名').fill('李四');
  await resident.getByLabel('联系电话').fill('13700001111');
  await resident.getByLabel('异议内容').fill('名单中第二户家里新盖了楼房，不符合低保条件。');
  await resident.locator('[data-test="objection-submit"]').click();
  await resident.locator('[data-test="objection-done"]').waitFor();
  const doneText = await resident.locator('[data-test="objection-done"]').innerText();
  const serial = /办件编号\s*(\S+)/.exec(doneText)[1];
  assert.match(serial, /异/);
  await screenshot(resident, 'notices-objection');
  await closePage(resident);

  // back in the console: the objection with its serial, which opens the case
  await official.reload();
  await settle(official);
  const link = official.locator('[data-test="notice-objections"] a', { hasText: serial });
  await link.waitFor();
  await link.click();
  await official.waitForURL(/\/cases\/\d+$/);
  await settle(official);
  assert.match(await official.locator('body').innerText(), /公示异议|异议/);
  await closePage(official);
});
