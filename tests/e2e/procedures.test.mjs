// tests/e2e/procedures.test.mjs - every procedure of defs/case_types/*.json run
// end to end in the browser: the case is registered (through the 登记办件 form for
// FORM_TYPES, through the API for the others), then each step of the legal path to
// a final state is taken on the case page by the demo user who may take it: the
// action's button, every required field filled in the dialog by its type (text,
// choice, date, integer, user, money in 元, file: uploaded in the dialog or picked
// from the case's attachments), submitted; the page must show the step's target
// state and the timeline entry.  At the end the page shows the final state and the
// outcome, and the API's timeline holds every step by the expected user.
// Data-driven: a new file in defs/case_types is covered without editing this test.
// Real `zhenwu serve` on a fresh demo database, Debian's chromium, one page per
// demo user reused across the procedures, axe-core and a screenshot of each
// procedure's final page under tests/out/e2e/.
//
// The path is found as in tests/api/casetypes.test.mjs (a copy of its small
// planner): breadth-first over the transitions the demo users can take, to the
// first final state with outcome `resolved`, else the first reachable final one.
// Demo users stand for roles: staff, leader, village_cadre -> dengta (灯塔村),
// grid_worker -> grid (灯塔村第1网格), assignee -> dengta (always assigned).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT, PASSWORD } from '../lib/server.mjs';
import { login, elapseClock } from '../api/lib.mjs';
import { PNG } from '../api/samples.mjs';
import {
  launch, newPage, closePage, visit, settle, loginAs, chooseOption, pickArea,
} from './browser.mjs';

const DEF_DIR = path.join(ROOT, 'defs/case_types');
const DEFS = readdirSync(DEF_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(path.join(DEF_DIR, f), 'utf8')));
// Registered through the 登记办件 form (the others through the API, with a photo filed
// on the case when the type has file fields, so the dialog picks it there).
const FORM_TYPES = ['grid_event', 'hazard'];
const CHANNEL = { petition: 'visit', hotline: 'hotline', grid_event: 'grid' };
const CHANNEL_NAMES = { visit: '走访', hotline: '12345', grid: '网格上报', other: '其他' };
const OUTCOME_NAMES = { resolved: '已解决', unresolved: '未解决', rejected: '不予办理', withdrawn: '已撤回' };
const PHOTO = '现场照片.png';

// ---- the planner (copied from tests/api/casetypes.test.mjs)
const initialState = (d) => d.states.find((s) => s.initial).code;
const stateOf = (d, code) => d.states.find((s) => s.code === code);
const needsGrid = (d) => d.code === 'grid_event';

function pickActor(t, ctx) {
  for (const r of t.roles) {
    if (r === 'staff') return 'staff';
    if (r === 'leader') return 'leader';
    if (r === 'village_cadre') return 'dengta';
    if (r === 'grid_worker' && ctx.inGrid) return 'grid';
    if (r === 'assignee' && ctx.assigned) return 'dengta';
  }
  return null;
}

function bfs(d, { goal }) {
  const inGrid = needsGrid(d);
  const start = { state: initialState(d), assigned: false };
  const key = (n) => `${n.state}|${n.assigned}`;
  const seen = new Set([key(start)]);
  const queue = [{ node: start, path: [] }];
  while (queue.length) {
    const { node, path: p } = queue.shift();
    if (goal(node)) return p;
    for (const t of d.transitions) {
      if (t.extends || t.after || !t.from.includes(node.state)) continue;
      const actor = pickActor(t, { inGrid, assigned: node.assigned });
      if (!actor) continue;
      const next = { state: t.to, assigned: node.assigned || t.requires.includes('assignee') };
      if (seen.has(key(next))) continue;
      seen.add(key(next));
      queue.push({ node: next, path: [...p, { t, actor, from: node.state, to: t.to }] });
    }
  }
  return null;
}

function plan(d) {
  const finals = d.states.filter((s) => s.final);
  const reach = new Map();
  for (const s of finals) reach.set(s.code, bfs(d, { goal: (n) => n.state === s.code }));
  const target = finals.find((s) => s.outcome === 'resolved' && reach.get(s.code))
    || finals.find((s) => reach.get(s.code));
  return { target: target && target.code, path: target ? reach.get(target.code) : null };
}

// ---- server, users, pages
let server;
let browser;
let base;
const U = {};      // API clients by demo user, with .me
const pages = {};  // one logged-in page per demo user, reused
let dengtaArea;
let gridArea;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launch();
  for (const u of ['staff', 'leader', 'dengta', 'grid']) U[u] = await login(base, u);
  for (const u of Object.values(U)) {
    u.me = (await u.get('/api/v1/me')).body;
    u.canListUsers = u.me.permissions.includes('user.read');
  }
  dengtaArea = U.dengta.me.area;
  assert.equal(dengtaArea.name, '灯塔村');
  gridArea = U.grid.me.area;
  assert.equal(gridArea.name, '灯塔村第1网格');
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

const text = async (loc) => (await loc.innerText()).trim();
const exact = (s) => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
// A date n days after today in Asia/Shanghai, as YYYY-MM-DD.
const dateIn = (n) => new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);

// Opens the case page and waits until it shows `stateName` and `n` timeline entries.
// The page that took the last step shows the case as it is: it is not reloaded.
let lastPage = null;
async function openCase(page, id, stateName, n) {
  if (page !== lastPage || new URL(page.url()).pathname !== `/cases/${id}`) await page.goto(`${base}/cases/${id}`);
  await waitCase(page, stateName, n);
}
// (No settle(): what is read comes from one answer of the server; visit() settles.)
async function waitCase(page, stateName, n) {
  await page.locator('[data-test="case-state-name"]', { hasText: exact(stateName) }).waitFor();
  await page.waitForFunction((k) => document.querySelectorAll('[data-test="timeline-item"]').length === k, n);
}

// The label the dialog gives the input of requirement `code` (see CaseActionDialog.vue).
function inputName(d, code) {
  if (code === 'comment') return { name: '办理意见', type: 'text' };
  if (code === 'assignee') return { name: '办理人', type: 'user' };
  const f = d.fields.find((x) => x.code === code);
  assert.ok(f, `${d.code}.json: ${code} is a field of the type`);
  return f;
}
function labelOf(f, canListUsers) {
  if (f.type === 'money') return `${f.name}（元）`;
  if (f.type === 'user' && !canListUsers) return `${f.name}（用户编号）`;
  return f.name;
}

// Registers a case of type d through the 登记办件 form as staff; returns its id.
async function registerByForm(d, area, body) {
  const page = await pageOf('staff');
  await page.goto(`${base}/cases/new`);
  await page.locator('h1.page-title', { hasText: '登记办件' }).waitFor();
  await settle(page);
  await chooseOption(page, page.locator('[data-test="case-type"]'), exact(d.name));
  if (d.categories && d.categories.length) {
    await page.locator('[data-test="case-category"]').getByText(d.categories[0].name).waitFor();
  }
  await page.getByLabel('标题', { exact: true }).fill(body.title);
  await page.getByLabel('诉求内容').fill(body.content);
  const path = area.code === gridArea.code ? ['奉节县', '羊市镇', '灯塔村'] : ['奉节县', '羊市镇'];
  await pickArea(page, page.locator('[data-test="case-form"] .el-select[data-test="case-area"]'), path, area.name);
  await chooseOption(page, page.locator('[data-test="case-channel"]'), exact(CHANNEL_NAMES[body.channel]));
  await page.getByLabel('诉求人姓名').fill(body.requester.name);
  await page.getByLabel('联系电话').fill(body.requester.phone);
  await settle(page);
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cases');
  await page.locator('[data-test="case-submit"]').click();
  const sent = JSON.parse((await posted).postData());
  assert.deepEqual(sent, {
    type: d.code, title: body.title, content: body.content, areaId: area.id, channel: body.channel,
    ...(d.categories && d.categories.length ? { category: d.categories[0].code } : {}),
    requester: { ...body.requester, confidential: false },
  });
  await page.waitForURL(/\/cases\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await waitCase(page, stateOf(d, initialState(d)).name, 1);
  return id;
}

// Fills requirement `code` of transition t in the open dialog as `user`; returns the
// value the dialog must send (for a file field: the attachment's name, resolved later).
async function fillInput(page, dialog, d, t, code, user, kase) {
  const f = inputName(d, code);
  const label = labelOf(f, U[user].canListUsers);
  const item = dialog.locator(`[data-test="action-field-${code}"]`);
  switch (f.type) {
    case 'choice': {
      await chooseOption(page, item.locator('.el-select'), exact(f.choices[0]));
      return f.choices[0];
    }
    case 'date': {
      // a date that moves a deadline on extension lies after the one that set it
      const v = dateIn(d.clocks.some((c) => c.extension && c.extension.due_field === code) ? 60 : 30);
      const input = dialog.getByLabel(label, { exact: true });
      await input.fill(v);
      await input.press('Enter');
      await input.press('Tab');
      return v;
    }
    case 'integer': {
      const input = dialog.getByLabel(label, { exact: true });
      await input.fill('3');
      await input.press('Tab');
      return 3;
    }
    case 'money': {
      const input = dialog.getByLabel(label, { exact: true });
      await input.fill('1500.25');
      await input.press('Tab');
      return 150025;
    }
    case 'user': {
      // dengta is the user of every user field (and the assignee)
      const who = U.dengta.me;
      if (U[user].canListUsers) {
        await chooseOption(page, item.locator('.el-select'), exact(`${who.name}（${who.area.name}）`));
      } else {
        const input = dialog.getByLabel(label, { exact: true });
        await input.fill(String(who.id));
        await input.press('Tab');
      }
      return who.id;
    }
    case 'file': {
      const have = kase.attachments.find((a) => a.name === PHOTO);
      if (have) {
        await chooseOption(page, item.locator('[data-test="attachment-select"]'), new RegExp(`^${PHOTO}（`));
        return { attachment: PHOTO, uploaded: false };
      }
      const name = `${t.name}.png`;
      await item.locator('[data-test="attachment-new-input"]').setInputFiles({ name, mimeType: 'image/png', buffer: Buffer.from(PNG) });
      await item.locator('[data-test="attachment-select"]').getByText(name).waitFor();
      return { attachment: name, uploaded: true };
    }
    default: {
      const v = `${f.name}：${t.name}（浏览器填写）`;
      const input = dialog.getByLabel(label, { exact: true });
      await input.fill(v);
      await input.press('Tab');
      return v;
    }
  }
}

// Takes step {t, actor, from, to} of case `id` on the case page as the actor.
async function takeStep(d, id, step, n) {
  const { t, actor } = step;
  const where = `${d.code} ${t.code} (${step.from}→${step.to}) by ${actor}`;
  const api = U[actor];
  if (t.after_clock) {
    // a step that waits for a period (公示期): the clock is moved to its deadline, and the
    // page reloaded so that it offers the step (docs/case-types.md, Guards)
    elapseClock(server.db, id, t.after_clock);
    lastPage = null;
  }
  const kase = (await api.get(`/api/v1/cases/${id}`)).body;
  assert.equal(kase.state.code, step.from, `${where}: the case is in ${step.from}`);
  assert.equal(kase.timeline.length, n, `${where}: ${n} timeline entries before`);
  assert.ok(kase.actions.some((a) => a.code === t.code), `${where}: offered to ${actor}: ${JSON.stringify(kase.actions.map((a) => a.code))}`);

  const page = await pageOf(actor);
  await openCase(page, id, stateOf(d, step.from).name, n);
  await page.locator(`[data-test="case-action-${t.code}"]`).click();
  const dialog = page.locator('.el-dialog', { hasText: t.name });
  await dialog.waitFor();
  // one input per requirement, in the definition's order, then the optional comment
  const labels = (await dialog.locator('.el-form-item__label').allInnerTexts()).map((s) => s.trim());
  const want = t.requires.map((code) => labelOf(inputName(d, code), api.canListUsers));
  assert.deepEqual(labels, t.requires.includes('comment') ? want : [...want, '办理意见'], `${where}: the dialog's inputs`);

  const expected = {};
  const fields = {};
  let uploaded = 0;
  for (const code of t.requires) {
    const v = await fillInput(page, dialog, d, t, code, actor, kase);
    if (v && v.attachment) uploaded += v.uploaded ? 1 : 0;
    if (code === 'comment') expected.comment = v;
    else if (code === 'assignee') expected.assigneeId = v;
    else fields[code] = v;
  }
  if (!t.requires.includes('comment')) {
    expected.comment = `${t.name}：浏览器办理`;
    await dialog.getByLabel('办理意见', { exact: true }).fill(expected.comment);
  }
  if (Object.keys(fields).length) expected.fields = fields;

  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${id}/actions/${t.code}`));
  await dialog.locator('[data-test="action-submit"]').click();
  const req = await posted;
  assert.equal(req.headers()['if-match'], `"v${kase.version}"`, `${where}: If-Match`);
  const sent = JSON.parse(req.postData());
  await dialog.waitFor({ state: 'hidden' });
  // the action's entry, after the file uploaded in the dialog, before the document it issues
  const added = uploaded + 1 + (t.document ? 1 : 0);
  await waitCase(page, stateOf(d, t.to).name, n + added);
  lastPage = page;

  const after = (await api.get(`/api/v1/cases/${id}`)).body;
  // file fields name the attachment chosen or uploaded in the dialog
  for (const [code, v] of Object.entries(fields)) {
    if (v && v.attachment) {
      const a = after.attachments.find((x) => x.name === v.attachment);
      assert.ok(a, `${where}: attachment ${v.attachment} on the case`);
      fields[code] = a.id;
    }
  }
  assert.deepEqual(sent, expected, `${where}: the body the dialog sent`);

  const entry = page.locator('[data-test="timeline-item"]').nth(n + uploaded);
  assert.equal(await text(entry.locator('[data-test="timeline-action"]')), t.name, `${where}: the timeline entry`);
  const fromName = stateOf(d, step.from).name;
  const toName = stateOf(d, t.to).name;
  assert.equal(await text(entry.locator('[data-test="timeline-states"]')), `${fromName} → ${toName}`, `${where}: its states`);
  assert.match(await text(entry), new RegExp(api.me.name), `${where}: by ${api.me.name}`);
  assert.equal(await text(entry.locator('[data-test="timeline-comment"]')), `办理意见：${expected.comment}`);
  if (uploaded) {
    assert.match(await text(page.locator('[data-test="timeline-item"]').nth(n)), /上传附件/, `${where}: the upload's entry`);
  }
  if (t.document) {
    assert.equal(await text(page.locator('[data-test="timeline-item"]').nth(n + added - 1).locator('[data-test="timeline-action"]')), '文书');
  }
  assert.equal(await text(page.locator('[data-test="case-state-name"]')), toName, `${where}: the state shown`);
  assert.equal(after.state.code, t.to, `${where}: the server's state`);
  assert.equal(after.timeline.length, n + added, `${where}: the server's timeline`);
  return { n: n + added, page };
}

for (const d of DEFS) {
  test(`${d.name}（${d.code}）: the legal path to a final state, step by step in the browser`, async () => {
    const { target, path: steps } = plan(d);
    assert.ok(target && steps && steps.length > 0, `${d.code}: the demo users can reach a final state`);
    const inGrid = needsGrid(d);
    const area = inGrid ? gridArea : dengtaArea;
    const body = {
      type: d.code, title: `${d.name}全流程：${area.name}`, content: `${area.name}群众反映的问题，按${d.name}程序在浏览器中办理。`,
      areaId: area.id, channel: CHANNEL[d.code] || 'other', requester: { name: '赵大爷', phone: '13900001234' },
    };
    let id;
    let n = 1;
    if (FORM_TYPES.includes(d.code)) {
      id = await registerByForm(d, area, body);
      lastPage = await pageOf('staff');
    } else {
      lastPage = null;
      const r = await U.staff.post('/api/v1/cases', body);
      assert.equal(r.status, 201, r.text);
      id = r.body.id;
      if (d.fields.some((f) => f.type === 'file')) {
        const up = await U.staff.post(`/api/v1/cases/${id}/attachments?name=${encodeURIComponent(PHOTO)}`, PNG, { 'content-type': 'image/png' });
        assert.equal(up.status, 201, up.text);
        n += 1;
      }
    }

    let page;
    for (const step of steps) ({ n, page } = await takeStep(d, id, step, n));

    // the final page, reloaded (what the server holds; no fading toast for axe): state, outcome
    const fin = stateOf(d, target);
    assert.ok(fin.final);
    await page.reload();
    await waitCase(page, fin.name, n);
    assert.equal(await text(page.locator('[data-test="case-state-name"]')), fin.name);
    assert.equal(await text(page.locator('[data-test="case-outcome"]')), OUTCOME_NAMES[fin.outcome]);
    await visit(page, `procedure-${d.code}-${target}`);

    // the server's timeline: the registration by staff, then every step by its user
    const k = (await U.staff.get(`/api/v1/cases/${id}`)).body;
    assert.equal(k.state.code, target);
    assert.equal(k.state.final, true);
    assert.equal(k.outcome, fin.outcome);
    assert.ok(k.closedAt, 'closedAt is set');
    const actions = k.timeline.filter((e) => e.kind === 'action' || e.kind === 'create')
      .map((e) => [e.kind, e.action || null, e.from, e.to, e.user.id]);
    assert.deepEqual(actions, [
      ['create', null, null, initialState(d), U.staff.me.id],
      ...steps.map((s) => ['action', s.t.code, s.from, s.to, U[s.actor].me.id]),
    ]);
  });
}
