// tests/e2e/browser.mjs - shared helpers for the browser tests: Debian's
// chromium driven by playwright-core, axe-core injected into each page, a
// screenshot of every page visited under tests/out/e2e/.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
// One folder per engine, so the PostgreSQL run does not overwrite the SQLite screenshots.
export const OUT = path.join(ROOT, process.env.ZHENWU_TEST_PG ? 'tests/out/e2e-pg' : 'tests/out/e2e');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A fresh browser context (its own cookies) with a 1366x860 page, Chinese locale.
export async function newPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e && e.message ? e.message : e)));
  return page;
}

// Closes the page's context; fails if the page threw an uncaught error.
export async function closePage(page) {
  const errors = page.errors || [];
  await page.context().close();
  assert.deepEqual(errors, [], 'uncaught errors in the page');
}

let shotSeq = 0;
// Saves a full-page screenshot as tests/out/e2e/NN-name.png; returns its path.
export async function screenshot(page, name) {
  shotSeq += 1;
  const file = path.join(OUT, `${String(shotSeq).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Runs axe-core on the page as it is now; fails on any serious or critical violation.
export async function checkA11y(page, what) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  // evaluate, not a <script> tag: the server's CSP (rightly) refuses inline scripts.
  if (!has) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: accessibility violations:\n${JSON.stringify(bad, null, 2)}`);
  return result;
}

// Waits until no Element Plus loading mask is on screen.
// Waits until the network is quiet, no Element Plus loading mask is shown and
// no enter/leave transition is running (axe would measure half-faded colours).
export async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForFunction(() => {
    const masks = [...document.querySelectorAll('.el-loading-mask')].filter((m) => m.offsetParent !== null);
    const moving = document.querySelector('[class*="-enter-active"], [class*="-leave-active"]');
    return masks.length === 0 && !moving;
  }, null, { timeout: 10000, polling: 100 }).catch(() => {});
  await page.waitForTimeout(100);
}

// Takes a screenshot and runs axe: every page visited gets both.
export async function visit(page, name) {
  await settle(page);
  await screenshot(page, name);
  return checkA11y(page, name);
}

// The side-menu items as the user sees them, in order.
export async function menuItems(page) {
  await page.locator('[data-test="side-menu"]').waitFor();
  return (await page.locator('[data-test="side-menu"] .el-menu-item').allInnerTexts()).map((s) => s.trim());
}

// Logs in through the login form; waits for the next screen.
export async function loginAs(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

// The titles of the side menu's groups (el-sub-menu), in order.
export async function menuGroups(page) {
  await page.locator('[data-test="side-menu"]').waitFor();
  return (await page.locator('[data-test="side-menu"] .el-sub-menu__title').allInnerTexts()).map((s) => s.trim());
}

// Opens the Element Plus single select `select` (a locator), clicks the option
// `text` in that select's own dropdown (found through the input's
// aria-controls, so another select's dropdown, open or fading out, is never
// confused with it) and waits until that dropdown has closed.
export async function chooseOption(page, select, text) {
  await select.click();
  const id = await select.locator('input[aria-controls]').first().getAttribute('aria-controls');
  const menu = page.locator(`[id="${id}"]`);
  const closed = (timeout) => page.waitForFunction((menuId) => {
    const p = document.getElementById(menuId)?.closest('.el-select__popper');
    return !p || p.offsetParent === null || getComputedStyle(p).display === 'none';
  }, id, { polling: 50, timeout });
  // under load a click can land while the dropdown is still opening and be lost: click the
  // option again (at most twice more) until the dropdown closes
  for (let attempt = 0; ; attempt++) {
    await menu.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
    try {
      await closed(5000);
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
}

// Opens the lazy area tree-select `picker` (a locator), expands the nodes named
// in `path` that are shown (a user's scope may start below the county), then
// picks the area `name` and waits until the picker shows it.
export async function pickArea(page, picker, path, name) {
  await picker.click();
  const popper = page.locator('.el-popper.el-tree-select__popper:visible');
  await popper.waitFor();
  await popper.locator('.el-tree-node__content').first().waitFor();
  for (const [i, step] of path.entries()) {
    const node = popper.locator('.el-tree-node__content', { hasText: step }).first();
    if (await node.count() === 0) continue;
    const expanded = await node.locator('.el-tree-node__expand-icon.expanded').count();
    if (!expanded) await node.locator('.el-tree-node__expand-icon').click();
    // the next level is loaded on demand: wait for the next name to be listed
    await popper.locator('.el-tree-node__content', { hasText: i + 1 < path.length ? path[i + 1] : name }).first().waitFor();
  }
  const target = popper.locator('.el-tree-node__content', { hasText: name }).first();
  await target.waitFor();
  // under load a click can land while the lazily loaded level re-renders: click again (at
  // most twice more) until the picker shows the area
  for (let attempt = 0; ; attempt++) {
    await target.click();
    try {
      await picker.getByText(name).waitFor({ timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
      if (!(await popper.isVisible())) await picker.click();
    }
  }
}

// The computed colour of a theme variable (e.g. '--el-color-danger'), as a
// border or text colour of the page would be reported.
export async function themeColor(page, variable) {
  return page.evaluate((v) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${v})`;
    document.body.appendChild(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  }, variable);
}
