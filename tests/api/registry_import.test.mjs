// registry_import.test.mjs - POST /api/v1/imports: households, persons and
// incomes from CSV (UTF-8 and GBK) and XLSX, as background jobs.  The dry run
// reports row by row (spreadsheet row, column header, Chinese message) and
// writes nothing; a commit writes the valid rows or, in mode "all", every row
// only when none has an error; one audit row per import; scope and job
// visibility; hostile files (100 MB body, zip bomb, merged cells).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, BIN, ROOT } from '../lib/server.mjs';
import { xlsx, zipBomb, idNumber } from '../lib/xlsx_build.mjs';
import { login, expectError, expectStatus, sql, rawHttp, HAN, assertCountsExact } from './lib.mjs';
import { csv, upload, waitJob, commitJob, checkJob as check, issues } from './imports_lib.mjs';

let srv, staff, dengta, datang;
before(async () => {
  srv = await startServer();
  [staff, dengta, datang] = await Promise.all([login(srv.url, 'staff'), login(srv.url, 'dengta'), login(srv.url, 'datang')]);
});
after(async () => { if (srv) await srv.stop(); });


const count = (table, where = '1=1') => sql(srv.db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`)[0].n;

const HH_HEAD = ['户编号', '村（社区）代码', '村（社区）名称', '村民小组', '网格', '地址', '联系电话', '户类别', '建档立卡年度', '脱贫年度'];
const P_HEAD = ['户编号', '姓名', '身份证号', '与户主关系', '劳动能力', '残疾情况', '在校情况', '健康状况', '务工情况', '联系电话', '医保', '大病保险', '养老保险'];
const I_HEAD = ['户编号', '评估日期', '工资性收入(元)', '经营净收入(元)', '财产净收入(元)', '转移净收入(元)', '刚性支出(元)'];
const ZHANG = idNumber('500236', '19700101', '011');
const LI = idNumber('500236', '19720202', '022');

test('reg-import-1 households, then persons, then incomes from CSV: checked, committed, counted', async () => {
  const auditBefore = count('audit_log', "action = 'import'");
  const hh = await check(staff, 'households', csv([
    HH_HEAD,
    ['T1-0001', '500236126205', '灯塔村', '一组', '第1网格', '灯塔村一组1号', '13800001111', '脱贫户、低保户', '2014', '2018'],
    ['T1-0002', '500236126205', '', '二组', '', '灯塔村二组5号', '', '一般农户', '', ''],
    ['T1-0003', '', '大淌村', '一组', '', '', '', '"监测对象,tuopin"', '2015', '2019'],
  ]));
  assert.equal(hh.status, 'checked', JSON.stringify(hh));
  assert.equal(hh.kindName, '户信息');
  assert.deepEqual([hh.report.rows, hh.report.valid, hh.report.errors.length], [3, 3, 0], JSON.stringify(hh.report));
  assert.equal(count('households', "code LIKE 'T1-%'"), 0, 'the dry run writes nothing');
  const done = await commitJob(staff, hh.id, 'all');
  assert.deepEqual([done.status, done.imported, done.mode], ['done', 3, 'all'], JSON.stringify(done));
  assert.equal(count('households', "code LIKE 'T1-%'"), 3);
  const row = sql(srv.db, "SELECT h.poor_year, h.exit_year, a.name AS grid FROM households h JOIN areas a ON a.id = h.grid_id WHERE h.code = 'T1-0001'")[0];
  assert.deepEqual([row.poor_year, row.exit_year], [2014, 2018]);
  assert.match(row.grid, /第1网格$/);
  assert.deepEqual(sql(srv.db, "SELECT category FROM household_categories c JOIN households h ON h.id = c.household_id WHERE h.code = 'T1-0003' ORDER BY category").map((x) => x.category), ['jiance', 'tuopin']);
  assert.equal(count('registry_history', "household_id IN (SELECT id FROM households WHERE code LIKE 'T1-%')") >= 3, true, 'history per household');
  assert.equal(count('audit_log', "action = 'import'"), auditBefore + 1, 'one audit row for the import');
  const list = await staff.get('/api/v1/households?q=T1-0001');
  if (list.status === 200) assert.equal(list.body.pager.total, 1);

  const p = await check(staff, 'persons', csv([
    P_HEAD,
    ['T1-0001', '张三', ZHANG, '户主', '普通劳动力', '无', '非在校生', '健康', '县内务工', '13800001111', '是', '是', '否'],
    ['T1-0001', '李四', LI.toLowerCase(), 'spouse', 'normal', 'none', 'done', 'healthy', 'none', '', '1', '0', ''],
    ['T1-0001', '张小', idNumber('500236', '20100505', '031'), '之子', '', '', '小学在读', '', '', '', '是', '', ''],
    ['T1-0002', '王五', idNumber('500236', '19600303', '051'), '户主', '', '', '', '', '', '', '', '', ''],
    ['T1-0003', '赵六', idNumber('500236', '19550404', '061'), '户主', '', '', '', '', '', '', '', '', ''],
  ]));
  assert.equal(p.status, 'checked', JSON.stringify(p));
  assert.deepEqual([p.report.rows, p.report.valid, p.report.errors], [5, 5, []]);
  const pd = await commitJob(staff, p.id, 'valid');
  assert.deepEqual([pd.status, pd.imported], ['done', 5], JSON.stringify(pd));
  const zhang = sql(srv.db, `SELECT relation, labour, schooling, work, insured_medical, insured_serious, insured_pension FROM persons WHERE id_number = '${ZHANG}'`)[0];
  assert.deepEqual(zhang, { relation: 'head', labour: 'normal', schooling: 'done', work: 'county', insured_medical: 1, insured_serious: 1, insured_pension: 0 });
  assert.equal(count('persons', `id_number = '${LI}'`), 1, 'lower-case x stored upper');
  // One history row per household for the members an import adds, in file order.
  const t1 = sql(srv.db, "SELECT id FROM households WHERE code = 'T1-0001'")[0].id;
  const hist = (await staff.get(`/api/v1/households/${t1}/history`)).body.items;
  const added = hist.filter((e) => e.action === 'person.import');
  assert.equal(added.length, 1, JSON.stringify(hist));
  assert.equal(added[0].actionName, '导入成员');
  assert.deepEqual(added[0].after, { added: '张三（户主）、李四（配偶）、张小（之子）', count: 3, joinedOn: added[0].after.joinedOn, joinReason: 'registered' });
  assert.match(added[0].after.joinedOn, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(hist.filter((e) => e.action === 'person.add').length, 0, 'no row per person');
  assert.equal(count('registry_history', "action = 'person.import' AND household_id IN (SELECT id FROM households WHERE code LIKE 'T1-%')"), 3, 'one per household');

  const inc = await check(staff, 'incomes', csv([
    I_HEAD,
    ['T1-0001', '2026-01-15', '"12,345.67"', '800.5', '', '3600', '1200.05'],
    ['T1-0002', '2026/3/1', '20000', '0', '0', '0', '0'],
  ]));
  assert.equal(inc.status, 'checked', JSON.stringify(inc));
  assert.deepEqual([inc.report.valid, inc.report.errors], [2, []]);
  const id = await commitJob(staff, inc.id, 'all');
  assert.deepEqual([id.status, id.imported], ['done', 2]);
  const money = sql(srv.db, "SELECT i.wages, i.business, i.property, i.transfers, i.expenses, i.assessed_on FROM incomes i JOIN households h ON h.id = i.household_id WHERE h.code = 'T1-0001'")[0];
  assert.deepEqual(money, { wages: 1234567, business: 80050, property: 0, transfers: 360000, expenses: 120005, assessed_on: '2026-01-15' });
  assert.equal(sql(srv.db, "SELECT i.assessed_on FROM incomes i JOIN households h ON h.id = i.household_id WHERE h.code = 'T1-0002'")[0].assessed_on, '2026-03-01');
  assert.equal(count('audit_log', "action = 'import'"), auditBefore + 3);
});

test('reg-import-2 bad rows are reported by row, column and message; mode all writes nothing, mode valid only the valid rows', async () => {
  const bad = ZHANG.slice(0, 17) + (ZHANG[17] === '0' ? '1' : '0');
  const feb30 = idNumber('500236', '20230230', '071');
  const kid = idNumber('500236', '20150303', '041');
  const before = count('persons');
  const job = await check(staff, 'persons', csv([
    ['户编号', '姓名', '身份证号', '与户主关系', '备注'],
    ['T1-0002', '王小', kid, '之子', '新生'],
    ['T1-0002', '错号', bad, '之女', ''],
    ['T1-0002', '重号', kid, '之子', ''],
    ['T1-0002', '已登', ZHANG, '其他', ''],
    ['T9-9999', '无户', idNumber('500236', '19900101', '081'), '', ''],
    ['T1-0002', '生日', feb30, '', ''],
    ['T1-0002', '关系', idNumber('500236', '19900101', '091'), '表哥', ''],
  ]));
  assert.equal(job.status, 'checked');
  assert.deepEqual([job.report.rows, job.report.valid], [7, 1]);
  assert.deepEqual(issues(job), [
    [3, '身份证号', '公民身份号码校验位不正确，请核对号码'],
    [4, '身份证号', '身份证号与第 2 行重复'],
    [5, '身份证号', '身份证号已登记（户编号 T1-0001）'],
    [6, '户编号', '户编号“T9-9999”不存在（请先导入户信息）'],
    [7, '身份证号', '公民身份号码中的出生日期 2023-02-30 不是有效日期'],
    [8, '与户主关系', '未知的与户主关系“表哥”（可填：户主、配偶、之子、之女、之女婿、之儿媳、之孙子女、之父母、之祖父母、之兄弟姐妹、其他）'],
  ]);
  assert.deepEqual(issues(job, 'warnings'), [[1, '备注', '未知的列，已忽略']]);
  const all = await staff.post(`/api/v1/imports/${job.id}/commit`, { mode: 'all' });
  expectError(all, 400, 'invalid_input', 'mode');
  assert.match(all.body.error.message, /6 处错误/);
  assert.equal((await waitJob(staff, job.id)).status, 'checked', 'still waiting for a choice');
  assert.equal(count('persons'), before, 'mode all with errors writes nothing');
  expectError(await staff.post(`/api/v1/imports/${job.id}/commit`, { mode: 'some' }), 400, 'invalid_input', 'mode');
  const done = await commitJob(staff, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 1]);
  assert.equal(count('persons'), before + 1);
  assert.equal(count('persons', `id_number = '${kid}'`), 1);
  const again = await staff.post(`/api/v1/imports/${job.id}/commit`, { mode: 'valid' });
  expectError(again, 409, 'invalid_transition');
  // the report as a spreadsheet
  const x = await staff.bytes(`/api/v1/imports/${job.id}/errors.xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.equal(x.bytes.subarray(0, 2).toString(), 'PK');
});

test('reg-import-3 unknown village code, missing required column, a header only: exact report, nothing written', async () => {
  const before = count('households');
  const hh = await check(staff, 'households', csv([
    ['村（社区）代码', '地址'],
    ['500236126299', '某地'],
    ['500236126205', '灯塔村三组'],
  ]));
  assert.deepEqual(issues(hh), [[2, '村（社区）代码', '未知的村（社区）代码“500236126299”']]);
  assert.equal(hh.report.valid, 1);
  const missing = await check(staff, 'persons', csv([['户编号', '姓名'], ['T1-0002', '无号']]));
  assert.equal(missing.status, 'checked');
  assert.deepEqual(issues(missing), [[1, '身份证号', '缺少必填列']]);
  assert.deepEqual([missing.report.rows, missing.report.valid], [1, 0]);
  const r = await staff.post(`/api/v1/imports/${missing.id}/commit`, { mode: 'valid' });
  expectError(r, 400, 'invalid_input', 'mode');
  assert.match(r.body.error.message, /没有可导入的有效行/);
  const neither = await check(staff, 'households', csv([['地址'], ['某地']]));
  assert.deepEqual(issues(neither), [[1, '村（社区）代码', '缺少必填列：“村（社区）代码”或“村（社区）名称”']]);
  const empty = await check(staff, 'incomes', csv([I_HEAD]));
  assert.deepEqual(issues(empty), [[1, null, '文件只有列名，没有数据行']]);
  assert.equal(count('households'), before);
  expectError(await upload(staff, 'pensions', csv([['x'], ['y']])), 400, 'invalid_input', 'kind');
  expectError(await upload(staff, 'households', Buffer.alloc(0)), 400, 'invalid_input', 'file');
});

test('reg-import-4 a village cadre cannot import rows of another village; another user cannot read the job', async () => {
  const job = await check(datang, 'households', csv([
    ['户编号', '村（社区）名称'],
    ['T5-0001', '灯塔村'],
    ['T5-0002', '大淌村'],
  ]));
  assert.deepEqual(issues(job), [[2, '村（社区）名称', '灯塔村不在您的管辖范围内']]);
  expectError(await dengta.get(`/api/v1/imports/${job.id}`), 404, 'not_found');
  expectError(await dengta.post(`/api/v1/imports/${job.id}/commit`, { mode: 'valid' }), 404, 'not_found');
  expectStatus(await staff.get(`/api/v1/imports/${job.id}`), 200, 'the township covers the village:');
  const done = await commitJob(datang, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 1]);
  assert.equal(count('households', "code LIKE 'T5-%'"), 1);
  // persons: a household of another village is outside the cadre's scope
  const p = await check(datang, 'persons', csv([['户编号', '姓名', '身份证号'], ['T1-0001', '外村', idNumber('500236', '19800101', '101')]]));
  assert.deepEqual(issues(p), [[2, '户编号', '户编号“T1-0001”不在您的管辖范围内']]);
});

test('reg-import-5 GBK-encoded CSV', async () => {
  const text = ['户编号,村（社区）名称,地址,户类别', 'T3-0001,灯塔村,灯塔村四组8号,一般农户'].join('\r\n');
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });
  const job = await check(staff, 'households', gbk, 'gbk.csv');
  assert.equal(job.status, 'checked', JSON.stringify(job));
  assert.deepEqual([job.report.valid, job.report.errors], [1, []]);
  await commitJob(staff, job.id, 'all');
  assert.equal(sql(srv.db, "SELECT address FROM households WHERE code = 'T3-0001'")[0].address, '灯塔村四组8号');
});

test('reg-import-6 XLSX: households with numeric cells; merged cells reported naming the range', async () => {
  const job = await check(staff, 'households', xlsx([
    ['户编号', '村（社区）代码', '地址', '建档立卡年度', '户类别'],
    ['T4-0001', '500236126205', '灯塔村五组1号', 2016, '脱贫户'],
    ['T4-0002', '500236126205', '灯塔村五组2号', '', '一般农户'],
  ]), 'hh.xlsx');
  assert.equal(job.status, 'checked', JSON.stringify(job));
  assert.deepEqual([job.report.rows, job.report.valid, job.report.errors], [2, 2, []]);
  assert.deepEqual((await commitJob(staff, job.id, 'all')).imported, 2);
  assert.equal(sql(srv.db, "SELECT poor_year FROM households WHERE code = 'T4-0001'")[0].poor_year, 2016);
  const merged = await check(staff, 'households', xlsx([
    ['户编号', '村（社区）代码', '地址'],
    ['T4-0003', '500236126205', '甲'],
    ['T4-0004', '', '乙'],
  ], { merges: ['B2:B3'] }), 'merged.xlsx');
  assert.deepEqual(issues(merged), [
    [2, '村（社区）代码', '合并单元格 B2:B3：请取消合并，在每一行填写'],
    [3, '村（社区）代码', '合并单元格 B2:B3：请取消合并，在每一行填写'],
  ]);
  assert.equal(merged.report.valid, 0);
});

test('reg-import-7 a zip bomb fails the job with a Chinese message; nothing written', async () => {
  const before = count('households');
  const job = await check(staff, 'households', zipBomb(64), 'bomb.xlsx');
  assert.equal(job.status, 'failed', JSON.stringify(job));
  assert.match(job.message, HAN);
  assert.equal(job.report, null);
  assert.equal(count('households'), before);
  expectStatus(await staff.get('/healthz'), 200);
});

test('reg-import-8 a 100 MB upload is refused early with 413 and a Chinese message', async () => {
  const total = 100 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const head = [`POST /api/v1/imports?kind=households&name=big.csv HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`,
    `Cookie: ${staff.cookie}`, `X-CSRF-Token: ${staff.csrf}`, 'Content-Type: text/csv', `Content-Length: ${total}`, '', ''].join('\r\n');
  const r = await rawHttp(srv.port, head, {
    chunks: function* () { for (let sent = 0; sent < total; sent += chunk.length) yield chunk; },
    timeoutMs: 120000, paceMs: 2,
  });
  expectError(r, 413, 'body_too_large');
  assert.match(r.body.error.message, /64 MB/);
  assert.ok(r.sent < total, `answered before the whole body was sent (${r.sent} bytes)`);
  expectStatus(await staff.get('/healthz'), 200);
});

test('reg-import-9 a department list (hospital bills ...) becomes open monitoring alerts on the households', async () => {
  const villages = (await staff.get('/api/v1/areas?parent=' + (await staff.get('/api/v1/areas')).body.items[0].id)).body.items;
  const dengtaId = villages.find((v) => v.code === '500236126205').id;
  const h = (await staff.post('/api/v1/households', { areaId: dengtaId, categories: ['yiban'] })).body;
  const sick = idNumber('500236', '19580808', '081');
  expectStatus(await staff.post(`/api/v1/households/${h.id}/persons`, { name: '孙病', idNumber: sick, relation: 'head', joinedOn: '2000-01-01' }), 201);
  const D_HEAD = ['身份证号', '姓名', '预警事项', '金额（元）', '说明'];
  const job = await check(staff, 'department', csv([
    D_HEAD,
    [sick, '孙病', '大额医疗费用支出', '42000.50', '县医院住院'],
    [idNumber('500236', '19990909', '091'), '查无此人', '受灾', '', ''],
    [sick, '孙病', '中彩票', '', ''],
    [sick, '孙病', '大额医疗费用支出', '100', '重复'],
    [sick.slice(0, 17) + (sick[17] === '0' ? '1' : '0'), '孙病', '受灾', '', ''],
  ]));
  assert.equal(job.status, 'checked', JSON.stringify(job));
  assert.equal(job.kindName, '部门预警名单');
  assert.deepEqual(issues(job).map(([row, column]) => [row, column]),
    [[3, '身份证号'], [4, '预警事项'], [5, '预警事项'], [6, '身份证号']]);
  assert.match(issues(job)[0][2], /未在户籍台账登记/);
  assert.match(issues(job)[2][2], /与第 2 行重复/);
  assert.equal(count('monitor_alerts', `household_id = ${h.id}`), 0, 'the dry run writes nothing');
  const done = await commitJob(staff, job.id, 'valid');
  assert.deepEqual([done.status, done.imported], ['done', 1], JSON.stringify(done));
  const a = sql(srv.db, `SELECT source, rule, status, detail FROM monitor_alerts WHERE household_id = ${h.id}`);
  assert.deepEqual(a, [{ source: 'department', rule: 'medical_bills', status: 'open', detail: '县医院住院；金额 42000.50 元' }]);
  // the same list again: the open alert is not added twice (a warning, nothing written)
  const again = await check(staff, 'department', csv([D_HEAD, [sick, '孙病', '大额医疗费用支出', '', '']]));
  assert.match(again.report.warnings[0].message, /已有同类未处理的预警/);
  const done2 = await commitJob(staff, again.id, 'valid');
  assert.equal(done2.status, 'done');
  assert.equal(count('monitor_alerts', `household_id = ${h.id}`), 1);
  // a village cadre of another village cannot raise alerts on it
  const other = await check(datang, 'department', csv([D_HEAD, [sick, '孙病', '受灾', '', '']]));
  assert.match(issues(other)[0][2], /不在您的管辖范围内/);
});

test('reg-import-10 zhenwu import on the command line: report, --commit all refuses a file with errors, --commit valid writes the valid rows once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zw-cli-import-'));
  const file = path.join(dir, 'households.csv');
  writeFileSync(file, csv([
    HH_HEAD,
    ['C10-0001', '500236126205', '灯塔村', '一组', '', '灯塔村一组9号', '', '一般农户', '', ''],
    ['C10-0002', '999999999999', '', '', '', '', '', '', '', ''],
    ['C10-0003', '', '大淌村', '', '', '', '', '脱贫户', '2015', '2019'],
  ]));
  const cli = (...extra) => spawnSync(BIN, ['import', '--db', srv.db, '--kind', 'households', '--file', file, ...extra],
    { cwd: ROOT, encoding: 'utf8' });
  const audits = count('audit_log', "action = 'import'");
  try {
    const dry = cli();
    assert.equal(dry.status, 1, dry.stderr);
    assert.match(dry.stdout, /共 3 行，有效 2 行，错误 1 处/);
    assert.match(dry.stdout, /错误 第 3 行 村（社区）代码：未知的村（社区）代码“999999999999”/);
    const all = cli('--commit', 'all');
    assert.equal(all.status, 1, all.stderr);
    assert.match(all.stdout, /共 3 行，有效 2 行，错误 1 处/, 'the whole report, not the first error only');
    assert.match(all.stdout, /未导入任何一行/);
    assert.equal(count('households', "code LIKE 'C10-%'"), 0);
    const valid = cli('--commit', 'valid');
    assert.equal(valid.status, 0, valid.stderr);
    assert.match(valid.stdout, /共 3 行，有效 2 行，错误 1 处/);
    assert.match(valid.stdout, /已导入户信息 2 行/);
    assert.deepEqual(sql(srv.db, "SELECT code FROM households WHERE code LIKE 'C10-%' ORDER BY code").map((r) => r.code), ['C10-0001', 'C10-0003']);
    assert.equal(count('audit_log', "action = 'import'"), audits + 1, 'one audit row, for the commit');
    const badKind = spawnSync(BIN, ['import', '--db', srv.db, '--kind', 'pensions', '--file', file], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(badKind.status, 2);
    assert.match(badKind.stderr, /用法: zhenwu import/);
    const badMode = cli('--commit', 'some');
    assert.equal(badMode.status, 2);
    const missing = spawnSync(BIN, ['import', '--db', srv.db, '--kind', 'households', '--file', path.join(dir, 'none.csv')], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /无法打开文件/);
    const again = cli('--commit', 'valid');
    assert.equal(again.status, 1, 'nothing left to import');
    assert.match(again.stdout, /户编号“C10-0001”已存在/);
    assert.match(again.stdout, /没有可导入的有效行/);
    assert.equal(count('households', "code LIKE 'C10-%'"), 2);
    assert.equal(count('audit_log', "action = 'import'"), audits + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reg-import-11 an import flags likely duplicates (same name and birth date in the village), against the registry and within the file', async () => {
  const hh = await check(staff, 'households', csv([HH_HEAD,
    ['D11-0001', '500236126205', '灯塔村', '', '', '', '', '一般农户', '', ''],
    ['D11-0002', '500236126205', '灯塔村', '', '', '', '', '一般农户', '', '']]));
  assert.equal((await commitJob(staff, hh.id, 'all')).status, 'done');
  const first = await check(staff, 'persons', csv([P_HEAD,
    ['D11-0001', '甄重名', idNumber('500236', '19660606', '101'), '户主', '', '', '', '', '', '', '', '', '']]));
  assert.equal((await commitJob(staff, first.id, 'all')).imported, 1);
  const second = await check(staff, 'persons', csv([P_HEAD,
    ['D11-0002', '甄重名', idNumber('500236', '19660606', '202'), '户主', '', '', '', '', '', '', '', '', ''],
    ['D11-0002', '甄重名', idNumber('500236', '19660606', '303'), '之子', '', '', '', '', '', '', '', '', ''],
    ['D11-0002', '甄不同', idNumber('500236', '19660606', '404'), '配偶', '', '', '', '', '', '', '', '', '']]));
  assert.deepEqual(issues(second), [], 'a likely duplicate is not an error');
  assert.equal((await commitJob(staff, second.id, 'all')).imported, 3);
  const pairs = sql(srv.db, `SELECT a.id_number AS a, b.id_number AS b, d.reason, d.status FROM person_duplicates d
    JOIN persons a ON a.id = d.person_id JOIN persons b ON b.id = d.other_id WHERE a.name = '甄重名' ORDER BY a.id, b.id`);
  assert.deepEqual(pairs.map((p) => [p.a.slice(14, 17), p.b.slice(14, 17), p.reason, p.status]),
    [['202', '101', 'name_birth', 'open'], ['303', '101', 'name_birth', 'open'], ['303', '202', 'name_birth', 'open']]);
  assert.equal(count('person_duplicates', "person_id IN (SELECT id FROM persons WHERE name = '甄不同')"), 0);
});

test('reg-import-7 the indicators\' counters after imported households, persons and incomes (rebuilt once per import, not per row): equal to a recount, and every counted indicator equal from either', () => {
  assertCountsExact(srv.db);
});
