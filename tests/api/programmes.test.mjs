// The application procedures of the benefit programmes (docs/registry.md, Benefits;
// defs/programmes.json, defs/case_types/{tekun,linshi,weifang,benefit}.json): for each
// procedure a household's application run to approval enrols the household on the
// right programme (its enrolments), a refusal with written reasons enrols nothing,
// 临时救助's two approvals (乡镇小额, 报县) and its urgent path (先行救助, then 补办手续),
// and the notice guard (`after_clock`): the step after a village notice is refused with
// 409 period_running until the notice clock has run its full length, then allowed.
// Real server, real database; the clock is moved in the database (elapseClock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { login, expectError, expectStatus, areaTree, sql, elapseClock, DENGTA_CODE } from './lib.mjs';
import { idnum } from '../lib/idnum.mjs';

let seq = 300;
const nextId = (birth) => idnum(`500236${birth}${String((seq += 2) % 1000).padStart(3, '0')}`);

let srv, staff, leader, dengta, area;
// "type.code" -> the transition's name, from the definitions
const TRANSITION_NAMES = new Map(['tekun', 'linshi', 'weifang', 'benefit'].flatMap((t) =>
  JSON.parse(readFileSync(path.join(ROOT, `defs/case_types/${t}.json`), 'utf8')).transitions.map((x) => [`${t}.${x.code}`, x.name])));
before(async () => {
  srv = await startServer();
  [staff, leader, dengta] = await Promise.all(['staff', 'leader', 'dengta'].map((u) => login(srv.url, u)));
  area = (await areaTree(leader)).villages.get(DENGTA_CODE);
});
after(async () => { if (srv) await srv.stop(); });

const count = (table) => Number(sql(srv.db, `SELECT count(*) AS n FROM ${table}`)[0].n);

// A household of `members` persons in 灯塔村; returns it with its head's ID number.
async function household(members, name) {
  let r = await staff.post('/api/v1/households', { areaId: area.id, address: `${area.name}三组8号` });
  expectStatus(r, 201, 'household');
  const h = r.body;
  let headId;
  for (let i = 0; i < members; i++) {
    const idNumber = nextId(i === 0 ? '19480101' : '19800101');
    if (i === 0) headId = idNumber;
    r = await staff.post(`/api/v1/households/${h.id}/persons`, {
      name: i === 0 ? name : `${name.slice(0, 1)}家${i}`, idNumber, relation: i === 0 ? 'head' : 'son', joinedOn: '2010-01-01',
    });
    expectStatus(r, 201, 'person');
  }
  return { ...h, headId, members, name };
}

async function apply(h, programme, extra = {}) {
  const r = await staff.post(`/api/v1/households/${h.id}/applications`, { programme, ...extra });
  expectStatus(r, 201, `apply ${programme}`);
  return r.body;
}

const version = async (id) => (await staff.get(`/api/v1/cases/${id}`)).body.version;
const post = async (c, id, code, fields = {}, comment = `${code}：测试`) => c.post(`/api/v1/cases/${id}/actions/${code}`,
  { comment, fields }, { 'if-match': `"v${await version(id)}"` });
async function act(c, id, code, fields = {}) {
  const r = await post(c, id, code, fields);
  expectStatus(r, 200, `${code}:`);
  return r.body;
}
// The step is refused while the notice runs, with the stable code and a Chinese reason
// naming the clock; the case is unchanged.
async function refusedUntilNoticeEnds(c, id, code, fields) {
  const before = (await staff.get(`/api/v1/cases/${id}`)).body;
  const notice = before.clocks.find((k) => k.code === 'notice');
  assert.ok(notice && ['green', 'yellow'].includes(notice.status), `the notice runs: ${JSON.stringify(before.clocks)}`);
  assert.ok(!before.actions.some((a) => a.code === code), `${code} not offered during the notice`);
  const r = await post(c, id, code, fields);
  expectError(r, 409, 'period_running');
  const why = `“${notice.name}”至 ${notice.dueAt.slice(0, 10)} 届满，期满前不能“${TRANSITION_NAMES.get(`${before.type}.${code}`)}”`;
  assert.equal(r.body.error.message, why);
  // the one who will act sees the step waiting, with the same reason
  const mine = (await c.get(`/api/v1/cases/${id}`)).body;
  assert.deepEqual(mine.waiting.filter((w) => w.code === code), [{ code, name: TRANSITION_NAMES.get(`${before.type}.${code}`), reason: why }]);
  const after = (await staff.get(`/api/v1/cases/${id}`)).body;
  assert.equal(after.version, before.version, 'nothing changed');
  assert.equal(after.state.code, before.state.code);
  elapseClock(srv.db, id, 'notice');
  const now = (await c.get(`/api/v1/cases/${id}`)).body;
  assert.equal(now.clocks.find((k) => k.code === 'notice').status, 'red', 'the notice has run its length');
  assert.ok(now.actions.some((a) => a.code === code), `${code} offered once the notice is over`);
  assert.ok(!now.waiting.some((w) => w.code === code), `${code} no longer waiting`);
}
const enrolments = async (h) => {
  const r = await staff.get(`/api/v1/households/${h.id}/payments`);
  expectStatus(r, 200);
  return r.body.enrolments;
};
async function documentText(id, name) {
  const list = (await staff.get(`/api/v1/cases/${id}/documents`)).body.items;
  const d = list.find((x) => x.name === name);
  assert.ok(d, `document ${name} among ${list.map((x) => x.name)}`);
  const r = await staff.get(d.html);
  expectStatus(r, 200);
  return r.text;
}

test('prog-1 特困供养: investigation, notice (approval refused until it ends), county approval enrols the household on tekun', async () => {
  const h = await household(1, '周特困');
  const k = await apply(h, 'tekun');
  assert.equal(k.type, 'tekun');
  assert.equal(k.category, 'new');
  assert.match(k.title, /特困供养申请：周特困/);
  await act(staff, k.id, 'accept');
  // a bad choice is refused and changes nothing
  const bad = await post(staff, k.id, 'investigate', { self_care: '还行' });
  expectError(bad, 400, 'invalid_input', 'self_care');
  await act(staff, k.id, 'investigate', {
    visit_record: '独居，无劳动能力', self_care: '部分丧失生活自理能力', income_assets: '无收入，无存款',
    support_duty: '无法定赡养义务人', initial_opinion: '建议批准', covered_persons: 1,
  });
  await act(dengta, k.id, 'publish', { notice_place: '灯塔村村务公开栏' });
  const notice = await documentText(k.id, '特困人员救助供养初审公示');
  assert.match(notice, /周特困/);
  assert.ok(!notice.includes(h.headId), 'no ID number in the public notice');
  assert.ok(!notice.includes(h.headId.slice(0, 14)), 'not even a part of it');
  await refusedUntilNoticeEnds(leader, k.id, 'approve', { approval_note: '同意', support_form: '集中供养', covered_persons: 1 });
  assert.deepEqual(await enrolments(h), [], 'nothing enrolled before the approval');
  // support_form is required on approval
  expectError(await post(leader, k.id, 'approve', { approval_note: '同意', covered_persons: 1 }), 400, 'invalid_input', 'support_form');
  const done = await act(leader, k.id, 'approve', { approval_note: '同意集中供养', support_form: '集中供养', covered_persons: 1 });
  assert.equal(done.state.code, 'approved');
  assert.equal(done.outcome, 'resolved');
  const e = await enrolments(h);
  assert.deepEqual(e.map((x) => [x.programme, x.persons, x.caseId, x.until]), [['tekun', 1, k.id, null]]);
  assert.match(await documentText(k.id, '特困人员救助供养批准通知书'), /供养形式为集中供养/);
});

test('prog-2 特困供养 refused with written reasons: no enrolment; a second open application is a conflict', async () => {
  const h = await household(2, '吴申请');
  const k = await apply(h, 'tekun');
  expectError(await staff.post(`/api/v1/households/${h.id}/applications`, { programme: 'tekun' }), 409, 'conflict', 'programme');
  await act(staff, k.id, 'accept');
  expectError(await post(staff, k.id, 'refuse', {}), 400, 'invalid_input', 'refusal_reason');
  const r = await act(leader, k.id, 'refuse', { refusal_reason: '有法定赡养义务人且具备赡养能力' });
  assert.equal(r.state.code, 'refused');
  assert.equal(r.outcome, 'rejected');
  assert.deepEqual(await enrolments(h), []);
  assert.match(await documentText(k.id, '不予批准特困人员救助供养告知书'), /有法定赡养义务人且具备赡养能力/);
});

async function linshiReviewed(h, amount) {
  const k = await apply(h, 'linshi');
  assert.equal(k.type, 'linshi');
  await act(staff, k.id, 'accept');
  await act(staff, k.id, 'investigate', {
    hardship: '家中失火，衣物被褥烧毁', visit_record: '入户核查属实', relief_form: '发放临时救助金', amount, initial_opinion: '建议给予临时救助',
  });
  await act(dengta, k.id, 'publish', { notice_place: '灯塔村村务公开栏' });
  return k;
}

test('prog-3 临时救助, small amount: the township approves after the notice; enrolled on linshi', async () => {
  const h = await household(3, '郑临时');
  const k = await linshiReviewed(h, 80000);
  assert.match(await documentText(k.id, '临时救助审核公示'), /拟救助金额800\.00元/);
  // both ways on are refused during the notice: 乡镇审批（小额） and 报县民政审批
  expectError(await post(staff, k.id, 'report', { township_opinion: '报县' }), 409, 'period_running');
  await refusedUntilNoticeEnds(leader, k.id, 'township_approve', { approval_note: '同意', amount: 80000 });
  // 乡镇审批 is the township leader's
  expectError(await post(staff, k.id, 'township_approve', { approval_note: '同意', amount: 80000 }), 403, 'forbidden');
  const done = await act(leader, k.id, 'township_approve', { approval_note: '同意救助800元', amount: 80000 });
  assert.equal(done.state.code, 'approved');
  assert.equal(done.fields.amount, 80000);
  const e = await enrolments(h);
  assert.deepEqual(e.map((x) => [x.programme, x.persons, x.caseId]), [['linshi', 3, k.id]]);
  assert.match(await documentText(k.id, '临时救助决定书'), /救助金额800\.00元/);
});

test('prog-4 临时救助, larger amount: reported to the county after the notice, county approval enrols', async () => {
  const h = await household(2, '冯临时');
  const k = await linshiReviewed(h, 500000);
  await refusedUntilNoticeEnds(staff, k.id, 'report', { township_opinion: '金额超过乡镇审批限额，报县审批' });
  // above the township's limit (1000 元) 乡镇审批（小额） is refused, whatever the amount field says
  const big = await post(leader, k.id, 'township_approve', { approval_note: '同意', amount: 500000 });
  expectError(big, 400, 'invalid_input', 'amount');
  assert.equal(big.body.error.message, '“救助金额”超过“乡镇审批（小额）”的限额 1000.00 元，请按规定报上级审批');
  const justOver = await post(leader, k.id, 'township_approve', { approval_note: '同意', amount: 100001 });
  expectError(justOver, 400, 'invalid_input', 'amount');
  const still = (await staff.get(`/api/v1/cases/${k.id}`)).body;
  assert.deepEqual([still.state.code, still.fields.amount], ['publicised', 500000], 'nothing changed');
  const rep = await act(staff, k.id, 'report', { township_opinion: '金额超过乡镇审批限额，报县审批' });
  assert.equal(rep.state.code, 'reported');
  assert.equal(rep.clocks.find((c) => c.code === 'notice').status, 'late', 'the notice clock stopped after its deadline');
  assert.deepEqual(await enrolments(h), []);
  const done = await act(leader, k.id, 'county_approve', { approval_note: '县民政局同意', amount: 500000 });
  assert.equal(done.state.code, 'approved');
  assert.deepEqual((await enrolments(h)).map((x) => [x.programme, x.caseId]), [['linshi', k.id]]);
});

test('prog-5 临时救助, urgent path: 先行救助 by the township leader at once, 补办手续 afterwards; a refused one enrols nothing', async () => {
  const h = await household(2, '陈急难');
  const k = await apply(h, 'linshi', { category: 'urgent' });
  assert.equal(k.category, 'urgent');
  const fields = { hardship: '突发重病住院，家庭无力支付', relief_form: '发放临时救助金', amount: 200000, relief_note: '当日发放现金2000元' };
  expectError(await post(staff, k.id, 'urgent_relief', fields), 403, 'forbidden');
  const first = await act(leader, k.id, 'urgent_relief', fields);
  assert.equal(first.state.code, 'relieved');
  const sup = first.clocks.find((c) => c.code === 'supplement');
  assert.ok(sup && ['green', 'yellow'].includes(sup.status), `补办手续期限 runs: ${JSON.stringify(first.clocks)}`);
  assert.equal(first.clocks.find((c) => c.code === 'notice'), undefined, 'no notice on the urgent path');
  assert.deepEqual(await enrolments(h), [], 'not enrolled before the record is completed');
  const done = await act(staff, k.id, 'supplement', { visit_record: '事后入户核查属实', approval_note: '补办审批手续，同意' });
  assert.equal(done.state.code, 'approved');
  assert.equal(done.clocks.find((c) => c.code === 'supplement').status, 'done');
  assert.deepEqual((await enrolments(h)).map((x) => [x.programme, x.caseId]), [['linshi', k.id]]);
  assert.match(await documentText(k.id, '临时救助决定书'), /救助金额2000\.00元/);

  // relief given, then the check shows the household not eligible: refused with reasons
  const h2 = await household(1, '褚急难');
  const k2 = await apply(h2, 'linshi', { category: 'urgent' });
  await act(leader, k2.id, 'urgent_relief', fields);
  const ref = await act(staff, k2.id, 'refuse', { refusal_reason: '核查发现已获得保险理赔，不符合临时救助条件' });
  assert.equal(ref.state.code, 'refused');
  assert.deepEqual(await enrolments(h2), []);
});

test('prog-6 危房改造: village review and notice, township appraisal (C/D) after it, county approval, works, acceptance, subsidy; enrolled on weifang', async () => {
  const h = await household(4, '卫危房');
  const k = await apply(h, 'weifang');
  assert.equal(k.type, 'weifang');
  await act(dengta, k.id, 'village_review', { house_note: '土坯房，墙体开裂', village_opinion: '村民代表会议同意', notice_place: '灯塔村村务公开栏' });
  const appraisal = { safety_rating: 'D级', appraisal_note: '整体危险', reform_mode: '拆除重建', subsidy: 3500000, township_opinion: '同意上报' };
  await refusedUntilNoticeEnds(staff, k.id, 'township_review', appraisal);
  expectError(await post(staff, k.id, 'township_review', { ...appraisal, safety_rating: 'B级' }), 400, 'invalid_input', 'safety_rating');
  await act(staff, k.id, 'township_review', appraisal);
  const ok = await act(leader, k.id, 'county_approve', { approval_note: '县住建局同意', subsidy: 3500000 });
  assert.equal(ok.state.code, 'approved');
  assert.ok(ok.clocks.find((c) => c.code === 'works').startedAt, '改造工期 starts on approval');
  assert.match(await documentText(k.id, '农村危房改造补助批准通知书'), /房屋安全性鉴定为D级.*改造方式为拆除重建，补助金额35000\.00元/s);
  assert.deepEqual(await enrolments(h), [], 'approval alone does not enrol: the subsidy is paid after acceptance');
  await act(dengta, k.id, 'start', { started_on: '2026-03-01' });
  const redo = await act(staff, k.id, 'fail_works', { acceptance_note: '屋面未完工' });
  assert.equal(redo.state.code, 'building');
  await act(staff, k.id, 'accept_works', { acceptance_note: '验收合格', completed_on: '2026-06-30' });
  const paid = await act(staff, k.id, 'pay', { subsidy: 3500000, paid_on: '2026-07-10' });
  assert.equal(paid.state.code, 'paid');
  assert.equal(paid.outcome, 'resolved');
  assert.deepEqual((await enrolments(h)).map((x) => [x.programme, x.persons, x.caseId]), [['weifang', 4, k.id]]);

  // refused after the township's appraisal, with reasons
  const h2 = await household(2, '蒋危房');
  const k2 = await apply(h2, 'weifang');
  await act(dengta, k2.id, 'village_review', { house_note: '砖混房', village_opinion: '同意', notice_place: '公开栏' });
  elapseClock(srv.db, k2.id, 'notice');
  await act(staff, k2.id, 'township_review', { ...appraisal, safety_rating: 'C级' });
  const ref = await act(leader, k2.id, 'refuse', { refusal_reason: '该户另有安全住房' });
  assert.equal(ref.state.code, 'refused');
  assert.deepEqual(await enrolments(h2), []);
  assert.match(await documentText(k2.id, '不予农村危房改造告知书'), /该户另有安全住房/);
});

test('prog-7 the shared procedure: 医疗救助 and 教育资助 at once, each approval enrols the right programme; a refusal enrols nothing', async () => {
  const h = await household(3, '杨共用');
  const cases0 = count('cases');
  expectError(await staff.post(`/api/v1/households/${h.id}/applications`, { programme: 'yiliao', category: 'jiaoyu' }), 400, 'invalid_input', 'category');
  assert.equal(count('cases'), cases0, 'a refused application creates nothing');
  const med = await apply(h, 'yiliao');
  const edu = await apply(h, 'jiaoyu');
  assert.deepEqual([med.type, med.category, edu.type, edu.category], ['benefit', 'yiliao', 'benefit', 'jiaoyu']);
  assert.match(med.title, /医疗救助申请：杨共用/);
  // one open application per programme, not per case type
  expectError(await staff.post(`/api/v1/households/${h.id}/applications`, { programme: 'yiliao' }), 409, 'conflict', 'programme');
  for (const k of [edu, med]) {
    await act(staff, k.id, 'accept');
    await act(staff, k.id, 'review', { reason: '符合条件', visit_record: '入户核实属实', township_opinion: '建议批准' });
    await act(dengta, k.id, 'publish', { notice_place: '灯塔村村务公开栏' });
    await refusedUntilNoticeEnds(leader, k.id, 'approve', { department: '县医疗保障局', approval_note: '同意' });
    await act(staff, k.id, 'approve', { department: k === med ? '县医疗保障局' : '县教育局', approval_note: '同意', amount: 120000 });
  }
  const e = await enrolments(h);
  assert.deepEqual(e.map((x) => [x.programme, x.caseId]).sort(), [['jiaoyu', edu.id], ['yiliao', med.id]].sort());
  const approval = await documentText(med.id, '救助帮扶项目批准通知书');
  assert.match(approval, /<h1>医疗救助批准通知书<\/h1>/);
  assert.match(approval, /报县医疗保障局审批.*补助金额1200\.00元/s);
  assert.match(await documentText(edu.id, '救助帮扶项目审核公示'), /申请教育资助/);

  const x = await apply(h, 'xindai');
  assert.equal(x.category, 'xindai');
  await act(staff, x.id, 'accept');
  const ref = await act(leader, x.id, 'refuse', { refusal_reason: '已有未结清贷款' });
  assert.equal(ref.state.code, 'refused');
  assert.match(await documentText(x.id, '不予批准救助帮扶项目告知书'), /不予批准小额信贷告知书[\s\S]*已有未结清贷款/);
  assert.deepEqual((await enrolments(h)).map((y) => y.programme).sort(), ['jiaoyu', 'yiliao'], 'no 小额信贷 enrolment');
});

test('prog-8 an objection during the notice sends it back (not guarded); the new notice must run its length again', async () => {
  const h = await household(1, '秦异议');
  const k = await apply(h, 'gaoling');
  await act(staff, k.id, 'accept');
  await act(staff, k.id, 'review', { reason: '年满80周岁', visit_record: '属实', township_opinion: '建议批准' });
  await act(dengta, k.id, 'publish', { notice_place: '公开栏' });
  // an objection sends it back while the notice still runs: the rework is not guarded
  const back = await act(staff, k.id, 'recheck', {});
  assert.equal(back.state.code, 'reviewing');
  assert.equal(back.clocks.find((c) => c.code === 'notice').status, 'done', 'the first notice stopped early');
  await act(staff, k.id, 'review', { reason: '年满80周岁', visit_record: '复核属实', township_opinion: '建议批准' });
  await act(dengta, k.id, 'publish', { notice_place: '公开栏' });
  await refusedUntilNoticeEnds(leader, k.id, 'approve', { department: '县民政局', approval_note: '同意' });
  await act(leader, k.id, 'approve', { department: '县民政局', approval_note: '同意' });
  assert.deepEqual((await enrolments(h)).map((x) => [x.programme, x.persons]), [['gaoling', 1]]);
});
