// tests/e2e/reports.test.mjs - the leader generates the 2018 work report of
// 羊市镇 in the console (工作报告): chooses the template and the year, watches
// the job finish, checks the HTML's figures link to their records, downloads
// the DOCX and the PDF, and the PDF's first page is rendered to PNG
// (pdftoppm) and checked not to be blank; the PNG is kept under tests/out for
// a human to look at.  Real `zhenwu serve` on the whole demo, Debian's
// chromium, axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer, PASSWORD } from '../lib/server.mjs';
import { launch, newPage, closePage, visit, settle, loginAs, OUT } from './browser.mjs';

let server, browser, base;

before(async () => {
  server = await startServer({ demoCases: true });
  base = server.url;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// The share of dark pixels of a binary PGM (P5) image.
function darkShare(file) {
  const buf = readFileSync(file);
  const head = buf.toString('latin1', 0, 64).split(/\s+/);
  const [w, h, max] = [Number(head[1]), Number(head[2]), Number(head[3])];
  const data = buf.subarray(buf.length - w * h);
  let dark = 0;
  for (const v of data) if (v < max / 2) dark++;
  return dark / (w * h);
}

test('the leader generates the 2018 report, opens the HTML and downloads the DOCX and the PDF', async () => {
  const page = await newPage(browser);
  await loginAs(page, base, 'leader', PASSWORD);
  await page.locator('[data-test="welcome"]').waitFor();
  await page.locator('[data-test="side-menu"] .el-menu-item', { hasText: '工作报告' }).click();
  await page.locator('h1.page-title', { hasText: '工作报告' }).waitFor();
  await settle(page);
  await visit(page, 'reports-form');
  assert.match(await page.locator('[data-test="report-template"]').innerText(), /yangshi-2019/);
  const year = page.locator('[data-test="report-year"] input');
  await year.fill('2018');
  await year.blur();

  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/reports');
  await page.locator('[data-test="report-generate"]').click();
  assert.deepEqual(JSON.parse((await posted).postData()), { template: 'yangshi-2019', year: 2018 });
  await page.locator('[data-test="report-status"]', { hasText: '已生成' }).waitFor({ timeout: 60000 });
  assert.match(await page.locator('[data-test="report-job"]').innerText(), /羊市镇 2018 年/);
  const bar = page.locator('[data-test="report-progress"][role="progressbar"], [data-test="report-progress"] [role="progressbar"]').first();
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  await visit(page, 'reports-done');

  // the HTML opens in a new tab; its figures link to their records
  const [html] = await Promise.all([page.waitForEvent('popup'), page.locator('[data-test="report-html"]').click()]);
  await html.waitForLoadState();
  const text = await html.locator('article').innerText();
  assert.match(text, /羊市镇43户116人达标脱贫，532户1975人脱贫成效得到巩固，全镇贫困发生率降至1\.24%/);
  const link = html.locator('a.figure[data-code="petitions_handled"]');
  assert.equal((await link.innerText()).trim(), '86件');
  assert.match(await link.getAttribute('href'), /^\/indicators\/petitions_handled\/records\?period=2018&areaId=\d+$/);
  await html.screenshot({ path: path.join(OUT, 'reports-html.png'), fullPage: true });
  await html.close();

  // the DOCX and the PDF download under their Chinese names
  mkdirSync(OUT, { recursive: true });
  const files = {};
  for (const ext of ['docx', 'pdf']) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test="report-${ext}"]`).click()]);
    assert.equal(dl.suggestedFilename(), `羊市镇2018年工作报告.${ext}`);
    files[ext] = path.join(OUT, `report-2018.${ext}`);
    await dl.saveAs(files[ext]);
    assert.ok(statSync(files[ext]).size > 1000, ext);
  }
  const xml = execFileSync('unzip', ['-p', files.docx, 'word/document.xml'], { encoding: 'utf8' });
  assert.match(xml, /落实低保<\/w:t><\/w:r><w:r><w:t xml:space="preserve">110户/);

  // the PDF's first page, drawn: text on a white page, not blank
  const png = path.join(OUT, 'report-2018-page1');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', files.pdf, png]);
  execFileSync('pdftoppm', ['-gray', '-r', '60', '-f', '1', '-l', '1', '-singlefile', files.pdf, png]);
  const share = darkShare(`${png}.pgm`);
  assert.ok(share > 0.01 && share < 0.3, `dark share ${share}`);
  assert.ok(statSync(`${png}.png`).size > 5000);
  await closePage(page);
});
