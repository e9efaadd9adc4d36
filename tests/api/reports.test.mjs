// reports.test.mjs - the work report (docs/reports.md): on the demo, the 2018
// report of 羊市镇 from defs/reports/yangshi-2019.md, generated as a job, is
// compared figure by figure with the published report
// (../shared/reports/yangshi-2019.txt) in its HTML (every figure a link to its
// records), its DOCX (word/document.xml, unzipped) and its PDF (pdftotext);
// bad requests are refused with 400 and change nothing; a bad template stops
// `zhenwu serve` at start naming the file and line; `zhenwu report` writes
// the same report from the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, ROOT, BIN, WEB } from '../lib/server.mjs';
import { login, expectError, expectStatus, sql, sleep } from './lib.mjs';

let srv, leader, dengta, assist, town;
before(async () => {
  srv = await startServer({ demoCases: true });
  [leader, dengta, assist] = await Promise.all(['leader', 'dengta', 'assist'].map((u) => login(srv.url, u)));
  town = (await leader.get('/api/v1/me')).body;
});
after(async () => { if (srv) await srv.stop(); });

const tmp = () => mkdtempSync(path.join(tmpdir(), 'zhenwu-report-'));

async function bytes(c, p) {
  const r = await fetch(srv.url + p, { headers: { cookie: c.cookie } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

function docxText(buf) {
  const dir = tmp();
  try {
    const f = path.join(dir, 'r.docx');
    writeFileSync(f, buf);
    const xml = execFileSync('unzip', ['-p', f, 'word/document.xml'], { encoding: 'utf8' });
    const parts = execFileSync('unzip', ['-Z1', f], { encoding: 'utf8' }).trim().split('\n').sort();
    const styles = execFileSync('unzip', ['-p', f, 'word/styles.xml'], { encoding: 'utf8' });
    return { xml, parts, styles, text: [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pdfText(buf) {
  const dir = tmp();
  try {
    const f = path.join(dir, 'r.pdf');
    writeFileSync(f, buf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Waits for the job to finish, checking its progress never goes back.
async function waitJob(c, id) {
  let last = -1;
  for (let i = 0; i < 600; i++) {
    const r = await c.get(`/api/v1/reports/${id}`);
    expectStatus(r, 200);
    assert.ok(r.body.progress.done >= last && r.body.progress.done <= r.body.progress.total, JSON.stringify(r.body.progress));
    last = r.body.progress.done;
    if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
    await sleep(100);
  }
  throw new Error('report job did not finish');
}

// The published report's sentences, with the figures the records carry (130余次 -> the demo's 132).
const SENTENCES = [
  '羊市镇43户116人达标脱贫，532户1975人脱贫成效得到巩固，全镇贫困发生率降至1.24%',
  '全年改造农村住房195户',
  '落实低保110户251人',
  '落实临时救助等惠民资金223.5万元',
  '完成政策性小额贷款280万元',
  '落实教育资助95万元，受益对象471人',
  '落实健康扶贫资金337.3万元，受益群众1321人',
  '办理群众、网上来信来访86件，化解矛盾纠纷22起',
  '开展各类隐患排查检查132次',
];
const FIGURES = {
  poverty_exit_households: '43户', poverty_exit_persons: '116人', poverty_consolidated_households: '532户',
  poverty_consolidated_persons: '1975人', poverty_incidence: '1.24%', houses_renovated: '195户',
  dibao_households: '110户', dibao_persons: '251人', relief_yuan: '223.5万元', microcredit_yuan: '280万元',
  education_aid_yuan: '95万元', education_aid_persons: '471人', health_aid_yuan: '337.3万元',
  health_aid_persons: '1321人', petitions_handled: '86件', disputes_resolved: '22起', hazards_found: '132次',
};

let job;
test('rep-1 the 2018 report of 羊市镇 from yangshi-2019, as a job with progress', async () => {
  const t = await leader.get('/api/v1/report-templates');
  expectStatus(t, 200);
  assert.ok(t.body.items.some((x) => x.code === 'yangshi-2019' && x.figures >= FIGURES_COUNT()));
  const r = await leader.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018 });
  expectStatus(r, 202);
  assert.equal(r.body.status, 'queued');
  assert.equal(r.body.area.name, '羊市镇');
  job = await waitJob(leader, r.body.id);
  assert.equal(job.status, 'done', job.message);
  assert.equal(job.progress.done, job.progress.total);
  assert.ok(job.progress.total >= Object.keys(FIGURES).length);
});
const FIGURES_COUNT = () => Object.keys(FIGURES).length;

test('rep-2 the HTML: every figure as published, each a link to its records', async () => {
  const h = await bytes(leader, `/api/v1/reports/${job.id}.html`);
  assert.equal(h.status, 200);
  assert.match(h.headers.get('content-type'), /text\/html/);
  assert.match(h.headers.get('content-security-policy'), /default-src 'none'/);
  const html = h.bytes.toString('utf8');
  const text = html.replace(/<style>.*?<\/style>/s, '').replace(/<[^>]+>/g, '');
  for (const s of SENTENCES) assert.ok(text.includes(s), s);
  const links = [...html.matchAll(/<a class="figure" data-code="([a-z_0-9]+)"[^>]*href="([^"]+)">([^<]+)<\/a>/g)];
  const byCode = {};
  for (const [, code, href, shown] of links) {
    byCode[code] = shown;
    assert.equal(href.replaceAll('&amp;', '&'), `/indicators/${code}/records?period=2018&areaId=${job.area.id}`);
  }
  assert.deepEqual(Object.fromEntries(Object.keys(FIGURES).map((k) => [k, byCode[k]])), FIGURES);
  // no bare number outside a link in the statistics: each digit run of a paragraph sits in a link
  const para = html.split('\n').find((l) => l.startsWith('<p>') && l.includes('poverty_exit_households'));
  assert.equal(para.replace(/<a [^>]*>[^<]*<\/a>/g, '').replace(/2018年/g, '').match(/\d/), null, para);
  // a link leads to the records behind it: 43 households lifted out in 2018
  const rec = await leader.get(`/api/v1/indicators/poverty_exit_households/records?period=2018&areaId=${job.area.id}&pageSize=1`);
  expectStatus(rec, 200);
  assert.equal(rec.body.pager.total, 43);
});

test('rep-3 the DOCX: a valid package whose text carries the same figures', async () => {
  const d = await bytes(leader, `/api/v1/reports/${job.id}.docx`);
  assert.equal(d.status, 200);
  assert.match(d.headers.get('content-type'), /wordprocessingml/);
  assert.match(d.headers.get('content-disposition'), /attachment/);
  assert.equal(d.bytes.subarray(0, 2).toString(), 'PK');
  const x = docxText(d.bytes);
  assert.deepEqual(x.parts, ['[Content_Types].xml', '_rels/.rels', 'word/_rels/document.xml.rels', 'word/document.xml', 'word/styles.xml']);
  for (const s of SENTENCES) assert.ok(x.text.includes(s), s);
  assert.match(x.styles, /w:eastAsia="仿宋"/);
  assert.match(x.styles, /w:eastAsia="黑体"/);
  assert.match(x.xml, /<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"/, 'GB/T 9704 margins');
  assert.match(x.xml, /<w:pStyle w:val="Title"\/><\/w:pPr><w:r><w:t xml:space="preserve">羊市镇政府工作报告/);
});

test('rep-4 the PDF: the same figures in its text', async () => {
  const p = await bytes(leader, `/api/v1/reports/${job.id}.pdf`);
  assert.equal(p.status, 200);
  assert.equal(p.headers.get('content-type'), 'application/pdf');
  assert.equal(p.bytes.subarray(0, 5).toString(), '%PDF-');
  const text = pdfText(p.bytes);
  for (const s of SENTENCES) assert.ok(text.includes(s), s);
});

test('rep-5 bad template, year or area: 400, nothing queued; other scopes: 404 and 403', async () => {
  const before = Number(sql(srv.db, 'SELECT count(*) AS n FROM report_jobs')[0].n);
  expectError(await leader.post('/api/v1/reports', { template: 'nope', year: 2018 }), 400, 'invalid_input', 'template');
  expectError(await leader.post('/api/v1/reports', { template: 'yangshi-2019', year: 1800 }), 400, 'invalid_input', 'year');
  expectError(await leader.post('/api/v1/reports', { template: 'yangshi-2019', year: '2018' }), 400, 'invalid_input', 'year');
  expectError(await leader.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018, areaId: 999999 }), 400, 'invalid_input', 'areaId');
  expectError(await leader.post('/api/v1/reports', { year: 2018 }), 400, 'invalid_input', 'template');
  // a village cadre may not report on another village, nor see the township's report
  const other = Number(sql(srv.db, "SELECT id FROM areas WHERE code = '500236126201'")[0].id);
  expectError(await dengta.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018, areaId: other }), 400, 'invalid_input', 'areaId');
  expectError(await dengta.get(`/api/v1/reports/${job.id}`), 404, 'not_found');
  expectError(await dengta.get(`/api/v1/reports/${job.id}.pdf`), 404, 'not_found');
  // an own-scoped user (帮扶责任人) counts nothing
  expectError(await assist.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018 }), 403, 'forbidden');
  assert.equal(Number(sql(srv.db, 'SELECT count(*) AS n FROM report_jobs')[0].n), before);
  expectError(await leader.get(`/api/v1/reports/${job.id}.doc`), 404, 'not_found');
  expectError(await leader.get('/api/v1/reports/abc'), 404, 'not_found');
  expectError(await leader.get('/api/v1/reports/99999'), 404, 'not_found');
  // the server still serves
  expectStatus(await leader.get(`/api/v1/reports/${job.id}`), 200);
});

test('rep-6 a village\'s report counts its village only', async () => {
  const me = (await dengta.get('/api/v1/me')).body;
  const areaId = me.user ? me.user.area.id : me.area.id;
  const r = await dengta.post('/api/v1/reports', { template: 'yangshi-2019', year: 2018 });
  expectStatus(r, 202);
  const j = await waitJob(dengta, r.body.id);
  assert.equal(j.status, 'done', j.message);
  assert.equal(j.area.id, areaId);
  const html = (await bytes(dengta, `/api/v1/reports/${j.id}.html`)).bytes.toString('utf8');
  const shown = html.match(/data-code="petitions_handled"[^>]*>(\d+)件</)[1];
  const path = sql(srv.db, `SELECT path FROM areas WHERE id = ${areaId}`)[0].path;
  const want = sql(srv.db, `SELECT count(*) AS n FROM cases WHERE type = 'petition' AND closed_at > 0 AND area_path LIKE '${path}%' AND closed_at >= ${Date.UTC(2017, 11, 31, 16) / 1000} AND closed_at < ${Date.UTC(2018, 11, 31, 16) / 1000}`)[0].n;
  assert.equal(Number(shown), Number(want));
  assert.ok(Number(shown) < 86);
});

test('rep-7 a template with an unknown indicator or a bad format stops serve, naming file and line; a 4-place 万元 shows four places', async () => {
  const dir = tmp();
  try {
    const defs = path.join(dir, 'defs');
    cpSync(path.join(ROOT, 'defs'), defs, { recursive: true });
    const files = path.join(dir, 'files');
    const cases = [
      ['# 标题\n\n第一段{{nope_indicator}}。\n', /reports\/bad\.md 第 3 行：未知指标“nope_indicator”/],
      ['# 标题\n\n低保{{dibao_yuan|户}}\n', /reports\/bad\.md 第 3 行：金额指标的单位/],
      ['# 标题\n低保{{dibao_yuan|万元|9}}\n', /reports\/bad\.md 第 2 行：小数位数/],
      ['# 标题\n\n\n人数{{population|万元}}\n', /reports\/bad\.md 第 4 行：非金额指标/],
      ['# 标题\n{{population\n', /reports\/bad\.md 第 2 行：“\{\{”没有配对/],
      ['无标题{{population}}\n', /reports\/bad\.md：应以“# 标题”开始/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(path.join(defs, 'reports', 'bad.md'), text);
      const r = spawnSync(BIN, ['serve', '--db', srv.db, '--defs', defs, '--web', WEB, '--files', files, '--listen', '127.0.0.1:1'], { encoding: 'utf8', timeout: 20000 });
      assert.notEqual(r.status, 0, text);
      assert.match(r.stderr, re);
    }
    // a township's own template, written without touching C: the CLI renders it
    writeFileSync(path.join(defs, 'reports', 'bad.md'), '# {{area}}{{year}}年民生统计\n\n## 一、低保\n\n% 注释行不输出\n全年发放低保金{{dibao_yuan|万元|4}}（{{dibao_yuan|元|0}}），共{{dibao_households}}。\n');
    const out = path.join(dir, 'x.html');
    const r = spawnSync(BIN, ['report', '--db', srv.db, '--defs', defs, '--template', 'bad', '--year', '2018', '--out', out], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    const fen = Number(sql(srv.db, "SELECT SUM(amount_fen) AS s FROM payments WHERE programme = 'dibao' AND paid_on BETWEEN '2018-01-01' AND '2018-12-31'")[0].s);
    const wan4 = `${Math.floor(fen / 1e6)}.${String(Math.round((fen % 1e6) / 100)).padStart(4, '0')}万元`;
    assert.match(html, /<h1>羊市镇2018年民生统计<\/h1>/);
    assert.ok(html.includes(`>${wan4}</a>`), `${wan4} in ${html}`);
    assert.ok(html.includes(`>${Math.round(fen / 100)}元</a>`));
    assert.ok(!html.includes('注释行'));
    // and the DOCX and PDF of the shipped template
    for (const ext of ['docx', 'pdf']) {
      const f = path.join(dir, `y.${ext}`);
      const q = spawnSync(BIN, ['report', '--db', srv.db, '--template', 'yangshi-2019', '--year', '2018', '--out', f], { encoding: 'utf8', timeout: 60000, cwd: ROOT });
      assert.equal(q.status, 0, q.stderr);
      const text = ext === 'pdf' ? pdfText(readFileSync(f)) : docxText(readFileSync(f)).text;
      assert.ok(text.includes(SENTENCES[0]), ext);
    }
    assert.equal(spawnSync(BIN, ['report', '--db', srv.db, '--template', 'yangshi-2019', '--year', '2018', '--out', path.join(dir, 'x.txt')], { encoding: 'utf8' }).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
