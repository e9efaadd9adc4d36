// payments_import.test.mjs - POST /api/v1/imports?kind=payments: 发放明细 (ledger
// lines of the benefits programmes) from CSV and XLSX.  The dry run reports
// every kind of bad row exactly (row, column header, Chinese message); a
// commit writes the valid lines through the benefits ledger (one audit row for
// the import) and the totals count them; importing again is refused as
// duplicates; a village user cannot pay a household of another village; a
// user without benefit.write cannot import payments at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { xlsx, idNumber } from '../lib/xlsx_build.mjs';
import { login, expectError, expectStatus, sql, sqlExec } from './lib.mjs';
import { csv, upload, commitJob, checkJob, issues } from './imports_lib.mjs';

let srv, staff, dengta, datang;
before(async () => {
  srv = await startServer();
  [staff, dengta, datang] = await Promise.all([login(srv.url, 'staff'), login(srv.url, 'dengta'), login(srv.url, 'datang')]);
});
after(async () => { if (srv) await srv.stop(); });


async function check(c, kind, body, name) {
  const job = await checkJob(c, kind, body, name);
  assert.equal(job.status, 'checked', JSON.stringify(job));
  return job;
}
const count = (table, where = '1=1') => Number(sql(srv.db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`)[0].n);
const SHORT_NAMES = JSON.parse(readFileSync(path.join(ROOT, 'defs/programmes.json'), 'utf8')).programmes.map((p) => p.shortName || p.name).join('、');

// The ledger lines of households P*-*, in a stable order.
// A ledger line: ..., note, the name of the person it covers (payments.person_id) or null.
const ledger = (where = '1=1') => sql(srv.db, `SELECT p.programme, h.code, p.persons, p.amount_fen, p.period, p.fund_source, p.paid_on, p.note,
  (SELECT pp.name FROM persons pp WHERE pp.id = p.person_id) AS person
  FROM payments p JOIN households h ON h.id = p.household_id WHERE h.code LIKE 'P%' AND ${where} ORDER BY h.code, p.programme, p.period, p.id`)
  .map((r) => [r.programme, r.code, Number(r.persons), Number(r.amount_fen), r.period, r.fund_source, r.paid_on, r.note, r.person]);

const ZHANG1 = idNumber('500236', '19750101', '011');
const ZHANG2 = idNumber('500236', '20080808', '021');
const ZHANG3 = idNumber('500236', '20100303', '031');
const WANG1 = idNumber('500236', '19650505', '041');
const WANG2 = idNumber('500236', '19680606', '052');
const ZHAO1 = idNumber('500236', '19500707', '061');
const ZHAO2 = idNumber('500236', '19520808', '072');
const HEAD = ['项目', '户编号', '身份证号', '姓名', '享受人数', '金额(元)', '发放期间', '资金来源', '发放日期', '批次号', '备注'];

test('pay-import-0 households and members to pay (registry import)', async () => {
  const hh = await check(staff, 'households', csv([
    ['户编号', '村（社区）名称'],
    ['P1-0001', '灯塔村'],
    ['P1-0002', '灯塔村'],
    ['P1-0003', '大淌村'],
  ]));
  assert.equal((await commitJob(staff, hh.id, 'all')).imported, 3);
  const p = await check(staff, 'persons', csv([
    ['户编号', '姓名', '身份证号', '与户主关系'],
    ['P1-0001', '张大', ZHANG1, '户主'],
    ['P1-0001', '张二', ZHANG2, '之子'],
    ['P1-0001', '张三', ZHANG3, '之女'],
    ['P1-0002', '王一', WANG1, '户主'],
    ['P1-0002', '王二', WANG2, '配偶'],
    ['P1-0003', '赵一', ZHAO1, '户主'],
    ['P1-0003', '赵二', ZHAO2, '配偶'],
  ]));
  assert.equal((await commitJob(staff, p.id, 'all')).imported, 7);
});

test('pay-import-1 CSV: every kind of bad row reported exactly; the valid lines committed once, totals in households, persons and fen', async () => {
  const bad = ZHANG3.slice(0, 17) + (ZHANG3[17] === '0' ? '1' : '0');
  const auditBefore = count('audit_log', "action = 'import'");
  const payAuditBefore = count('audit_log', "entity = 'payment'");
  const job = await check(staff, 'payments', csv([
    HEAD,
    ['教育资助', 'P1-0001', ZHANG2, '张二', '', '1500', '2025', '', '2025-09-01', 'JY2025-01', '秋季学期'],
    ['教育资助', 'P1-0001', ZHANG3.toLowerCase(), '张三', '', '1000.50', '2025', '', '2025-09-01', 'JY2025-01', ''],
    ['低保', 'P1-0002', '', '', '', '1200', '2025-10', '', '2025-10-10', '', ''],
    ['dibao', 'P1-0002', '', '', '', '1200', '2025-11-15', '', '2025/11/10', '', ''],
    ['临时救助', 'P1-0003', '', '', '3', '"2,000"', '', '民政临时救助资金', '2025-06-30', '', '火灾'],
    ['扶贫羊', 'P1-0001', '', '', '', '100', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P9-9999', '', '', '', '100', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', bad, '', '', '100', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', WANG2, '', '', '100', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', ZHANG2, '张三', '', '100', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', ZHANG1, '', '', 'abc', '2025', '', '2025-09-01', '', ''],
    ['低保', 'P1-0002', '', '', '', '0', '2025-12', '', '2025-12-10', '', ''],
    ['低保', 'P1-0002', '', '', '', '100', '2025', '', '2025-12-10', '', ''],
    ['教育资助', 'P1-0001', ZHANG1, '', '', '100', '2025-09', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', ZHANG2, '', '', '1500', '2025', '', '2025-09-02', '', ''],
    ['低保', 'P1-0002', '', '', '', '100', '2026-01', '', '2099-01-01', '', ''],
    ['低保', 'P1-0002', '', '', '', '100', '2025-07', '', '', '', ''],
    ['低保', 'P1-0002', '', '', '两人', '100', '2025-08', '', '2025-08-10', '', ''],
    ['高龄补贴', 'P1-0003', ZHAO1, '', '', '100', '', '', '2025-12-10', '', ''],
  ]));
  assert.equal(job.kind, 'payments');
  assert.equal(job.kindName, '发放明细');
  assert.deepEqual([job.report.rows, job.report.valid], [19, 6], JSON.stringify(job.report));
  assert.deepEqual(issues(job), [
    [7, '项目', `未知的救助项目“扶贫羊”（可填：${SHORT_NAMES}）`],
    [8, '户编号', '户编号“P9-9999”不存在（请先导入户信息）'],
    [9, '身份证号', '公民身份号码校验位不正确，请核对号码'],
    [10, '身份证号', '此人不是户编号“P1-0001”的现有成员'],
    [11, '姓名', '姓名与身份证号不符（台账为“张二”）'],
    [12, '金额(元)', '金额应为数字（元），最多两位小数'],
    [13, '金额(元)', '金额应大于 0'],
    [14, '发放期间', '低保是按月发放的项目，发放期间应填年月，如 2025-01'],
    [15, '发放期间', '教育资助是按年发放的项目，发放期间应填年度，如 2025'],
    [16, '发放期间', '与第 2 行重复（同一项目、户、享受人和发放期间）'],
    [17, '发放日期', '发放日期不能晚于今天'],
    [18, '发放日期', '必填项为空'],
    [19, '享受人数', '享受人数应为 1 至 999 的整数'],
  ]);
  assert.deepEqual(issues(job, 'warnings'), [[20, '发放期间', '未填发放期间，按发放日期记为 2025-12']]);
  assert.ok(!JSON.stringify(job.report).includes(ZHANG2), 'no full ID number in the report');
  assert.equal(count('payments'), 0, 'the dry run writes nothing');

  expectError(await staff.post(`/api/v1/imports/${job.id}/commit`, { mode: 'all' }), 400, 'invalid_input', 'mode');
  const done = await commitJob(staff, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 6], JSON.stringify(done));
  assert.deepEqual(ledger(), [
    ['jiaoyu', 'P1-0001', 1, 150000, '2025', '学生资助资金（含雨露计划）', '2025-09-01', '批次号：JY2025-01；秋季学期', '张二'],
    ['jiaoyu', 'P1-0001', 1, 100050, '2025', '学生资助资金（含雨露计划）', '2025-09-01', '批次号：JY2025-01', '张三'],
    ['dibao', 'P1-0002', 2, 120000, '2025-10', '城乡最低生活保障资金', '2025-10-10', null, null],
    ['dibao', 'P1-0002', 2, 120000, '2025-11', '城乡最低生活保障资金', '2025-11-10', null, null],
    ['gaoling', 'P1-0003', 1, 10000, '2025-12', '高龄津贴资金', '2025-12-10', null, '赵一'],
    ['linshi', 'P1-0003', 3, 200000, '2025-06', '民政临时救助资金', '2025-06-30', '火灾', null],
  ]);
  assert.equal(count('audit_log', "action = 'import'"), auditBefore + 1, 'one audit row for the import');
  assert.equal(count('audit_log', "entity = 'payment'"), payAuditBefore, 'no audit row per line');

  const t = await staff.get('/api/v1/payments/totals?from=2025-01-01&to=2025-12-31&by=programme');
  expectStatus(t, 200, 'totals:');
  const items = Object.fromEntries(t.body.items.map((i) => [i.key, [i.households, i.persons, i.amountFen]]));
  assert.deepEqual(items, {
    dibao: [1, 2, 240000],
    gaoling: [1, 1, 10000],
    jiaoyu: [1, 2, 250050], // two children of one household, a line each: 2 persons
    linshi: [1, 3, 200000],
  });
  assert.deepEqual([t.body.total.households, t.body.total.persons, t.body.total.amountFen], [3, 7, 700050]);
  const v = await staff.get('/api/v1/payments/totals?from=2025-01-01&to=2025-12-31&by=village');
  expectStatus(v, 200);
  assert.deepEqual(v.body.items.map((i) => [i.name, i.households, i.persons, i.amountFen]).sort(),
    [['大淌村', 1, 3, 210000], ['灯塔村', 2, 4, 490050]].sort());
});

test('pay-import-2 importing the same lines again is refused; a line of the household without a person covers every member', async () => {
  const manual = await staff.post('/api/v1/payments', { programme: 'jiaoyu', householdId: Number(sql(srv.db, "SELECT id FROM households WHERE code = 'P1-0003'")[0].id), amountFen: 80000, period: '2025', paidOn: '2025-03-01' });
  expectStatus(manual, 201, 'manual payment:');
  const before = count('payments');
  const job = await check(staff, 'payments', csv([
    HEAD,
    ['教育资助', 'P1-0001', ZHANG2, '张二', '', '1500', '2025', '', '2025-09-01', 'JY2025-01', '秋季学期'],
    ['低保', 'P1-0002', '', '', '', '1200', '2025-10', '', '2025-10-10', '', ''],
    ['临时救助', 'P1-0003', '', '', '3', '2000', '2025-06', '', '2025-06-30', '', ''],
    ['教育资助', 'P1-0003', ZHAO2, '赵二', '', '500', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', ZHANG1, '张大', '', '300', '2025', '', '2025-09-01', '', ''],
    ['教育资助', 'P1-0001', '', '', '', '300', '2025', '', '2025-09-01', '', ''],
    ['低保', 'P1-0002', '', '', '', '1200', '2025-09', '', '2025-09-10', '', ''],
  ]));
  assert.deepEqual(issues(job), [
    [2, '发放期间', '此人 2025 的教育资助已发放（2025-09-01 发放 1500.00 元），不能重复发放'],
    [3, '发放期间', '该户 2025-10 的低保已发放（2025-10-10 发放 1200.00 元），不能重复发放'],
    [4, '发放期间', '该户 2025-06 的临时救助已发放（2025-06-30 发放 2000.00 元），不能重复发放'],
    [5, '发放期间', '此人 2025 的教育资助已发放（2025-03-01 发放 800.00 元，未注明享受人），不能重复发放'],
    [7, '发放期间', '该户 2025 的教育资助已发放（2025-09-01 发放 1500.00 元），不能重复发放'],
  ]);
  assert.equal(job.report.valid, 2);
  const done = await commitJob(staff, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 2]);
  assert.equal(count('payments'), before + 2);
  assert.deepEqual(ledger('p.amount_fen = 30000'), [
    ['jiaoyu', 'P1-0001', 1, 30000, '2025', '学生资助资金（含雨露计划）', '2025-09-01', null, '张大'],
  ]);
  // once more: every line of that file is now a duplicate
  const again = await check(staff, 'payments', csv([
    HEAD,
    ['教育资助', 'P1-0001', ZHANG1, '张大', '', '300', '2025', '', '2025-09-01', '', ''],
    ['低保', 'P1-0002', '', '', '', '1200', '2025-09', '', '2025-09-10', '', ''],
  ]));
  assert.deepEqual(issues(again).map((e) => e[0]), [2, 3]);
  assert.equal(again.report.valid, 0);
  expectError(await staff.post(`/api/v1/imports/${again.id}/commit`, { mode: 'valid' }), 400, 'invalid_input', 'mode');
});

test('pay-import-3 XLSX with the county sheet\'s headers and numeric cells: report, then the valid lines', async () => {
  const body = xlsx([
    ['救助项目', '户号', '公民身份号码', '享受人姓名', '保障人数', '发放金额（元）', '所属期间', '资金渠道', '发放时间', '发放批次', '说明', '银行账号'],
    ['医疗救助', 'P1-0002', WANG2, '王二', '', 2350.5, 2024, '', '2024-05-20', 'YL-2024-05', '住院', '6228480000000000000'],
    ['产业奖补', 'P1-0003', '', '', '', 3000, 2024, '', '2024-11-30', '', '', ''],
    ['特困人员救助供养', 'P1-0001', ZHANG1, '张大', 1, 650, '2024年3月', '', '2024-03-15', '', '', ''],
    ['公益岗位', 'P1-0002', WANG1, '王一', '', 800, '2024年13月', '', '2024-03-15', '', '', ''],
    ['产业奖补', 'P1-0003', '', '', '', 3000.123, 2023, '', '2024-02-30', '', '', ''],
    ['产业奖补', 'P1-0003', '', '', '', -5, 2022, '', '2023-12-01', '', '', ''],
  ]);
  const job = await check(staff, 'payments', body, 'county.xlsx');
  assert.deepEqual([job.report.rows, job.report.valid], [6, 3], JSON.stringify(job.report));
  assert.deepEqual(issues(job), [
    [5, '所属期间', '发放期间应为年月（如 2018-03）、年度（如 2018）或日期'],
    [6, '发放金额（元）', '金额最多两位小数（精确到分）'],
    [6, '发放时间', '发放日期应为 YYYY-MM-DD 格式的有效日期'],
    [7, '发放金额（元）', '金额不能为负数'],
  ]);
  assert.deepEqual(issues(job, 'warnings'), [[1, '银行账号', '未知的列，已忽略']]);
  const done = await commitJob(staff, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 3]);
  assert.deepEqual(ledger("p.paid_on < '2025-01-01'"), [
    ['tekun', 'P1-0001', 1, 65000, '2024-03', '特困人员救助供养资金', '2024-03-15', null, '张大'],
    ['yiliao', 'P1-0002', 1, 235050, '2024', '医疗救助资金', '2024-05-20', '批次号：YL-2024-05；住院', '王二'],
    ['chanye', 'P1-0003', 2, 300000, '2024', '财政衔接推进乡村振兴补助资金', '2024-11-30', null, null],
  ].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0])));
  const t = await staff.get('/api/v1/payments/totals?from=2024-01-01&to=2024-12-31&by=programme');
  assert.deepEqual([t.body.total.households, t.body.total.persons, t.body.total.amountFen], [3, 4, 600050]);
});

test('pay-import-4 rights and scope: no benefit.write, no payments import; a village user pays only its own households', async () => {
  const file = csv([HEAD, ['临时救助', 'P1-0001', '', '', '', '500', '2025-08', '', '2025-08-08', '', '']]);
  const r = await upload(dengta, 'payments', file);
  expectError(r, 403, 'forbidden');
  assert.equal(r.body.error.message, '没有权限：导入发放明细需要“办理救助发放”');
  const staffJob = await check(staff, 'payments', file);
  expectError(await dengta.get(`/api/v1/imports/${staffJob.id}`), 404, 'not_found');

  sqlExec(srv.db, "INSERT INTO role_permissions (role_id, perm) SELECT id, 'benefit.write' FROM roles WHERE code = 'village_cadre'");
  const job = await check(dengta, 'payments', csv([
    HEAD,
    ['临时救助', 'P1-0001', '', '', '', '500', '2025-08', '', '2025-08-08', '', ''],
    ['临时救助', 'P1-0003', '', '', '', '500', '2025-08', '', '2025-08-08', '', ''],
  ]));
  assert.deepEqual(issues(job), [[3, '户编号', '户编号“P1-0003”不在您的管辖范围内']]);
  expectError(await datang.get(`/api/v1/imports/${job.id}`), 404, 'not_found');
  const done = await commitJob(dengta, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 1]);
  assert.deepEqual(ledger("p.programme = 'linshi' AND p.period = '2025-08'"), [
    ['linshi', 'P1-0001', 3, 50000, '2025-08', '临时救助资金', '2025-08-08', null, null],
  ]);
  // the right is checked again when the job runs: revoked in between, the commit fails
  const later = await check(dengta, 'payments', csv([HEAD, ['临时救助', 'P1-0002', '', '', '', '500', '2025-08', '', '2025-08-08', '', '']]));
  sqlExec(srv.db, "DELETE FROM role_permissions WHERE perm = 'benefit.write' AND role_id IN (SELECT id FROM roles WHERE code = 'village_cadre')");
  expectError(await dengta.post(`/api/v1/imports/${later.id}/commit`, { mode: 'valid' }), 403, 'forbidden');
  assert.equal(count('payments', "programme = 'linshi' AND period = '2025-08'"), 1);
});

test('pay-import-5 the person of a line is a column: shown in the ledger, named by hand only when a current member', async () => {
  const hid = (code) => Number(sql(srv.db, `SELECT id FROM households WHERE code = '${code}'`)[0].id);
  const pid = (idn) => Number(sql(srv.db, `SELECT id FROM persons WHERE id_number = '${idn}'`)[0].id);
  const list = await staff.get(`/api/v1/households/${hid('P1-0001')}/payments`);
  expectStatus(list, 200);
  const zhang2 = list.body.items.find((p) => p.programme === 'jiaoyu' && p.amountFen === 150000);
  assert.deepEqual(zhang2.person, { id: pid(ZHANG2), name: '张二' });
  assert.equal(zhang2.note, '批次号：JY2025-01；秋季学期', 'the note no longer carries the person');
  assert.ok(list.body.items.some((p) => p.person === null), 'a household line has no person');

  const base = { programme: 'gaoling', householdId: hid('P1-0001'), amountFen: 10000, period: '2025-11', paidOn: '2025-11-10' };
  const before = count('payments');
  const other = await staff.post('/api/v1/payments', { ...base, personId: pid(WANG1) });
  expectError(other, 400, 'invalid_input', 'personId');
  assert.equal(other.body.error.message, '享受人应为该户的现有成员');
  expectError(await staff.post('/api/v1/payments', { ...base, personId: 'x' }), 400, 'invalid_input', 'personId');
  assert.equal(count('payments'), before, 'refusals write nothing');
  const ok = await staff.post('/api/v1/payments', { ...base, personId: pid(ZHANG1) });
  expectStatus(ok, 201);
  assert.deepEqual([ok.body.person, ok.body.persons], [{ id: pid(ZHANG1), name: '张大' }, 1], 'a person\'s line covers one by default');
  assert.equal(Number(sql(srv.db, `SELECT person_id FROM payments WHERE id = ${ok.body.id}`)[0].person_id), pid(ZHANG1));
  // the import sees it: the same person, programme and period again is a duplicate
  const job = await check(staff, 'payments', csv([HEAD, ['高龄补贴', 'P1-0001', ZHANG1, '张大', '', '100', '2025-11', '', '2025-11-10', '', '']]));
  assert.deepEqual(issues(job), [[2, '发放期间', '此人 2025-11 的高龄补贴已发放（2025-11-10 发放 100.00 元），不能重复发放']]);
});
