// notices_privacy.test.mjs - no notice exposes personal data (DOMAIN.md §9,
// docs/notices.md): for every kind over the demo data, the published page and
// the text of its PDF (pdftotext) hold no ID number (no valid 18-character
// GB 11643 number at all, and none of the real numbers of the persons behind
// the rows), no phone number, no address and no birth date of those persons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { checkChar } from '../lib/idnum.mjs';
import { login, expectStatus, sql } from './lib.mjs';

let srv, staff, dir;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhenwu-noticepriv-'));
  srv = await startServer({ demoCases: true });
  staff = await login(srv.url, 'staff');
});

after(async () => {
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const villageOf = (code) => sql(srv.db, `SELECT id FROM areas WHERE code = '${code}'`)[0].id;
// A village with monitored households in the demo.
const monitoredVillage = () => sql(srv.db, `SELECT village_id AS v, count(*) AS n FROM households
  WHERE monitor_status = 'monitored' GROUP BY village_id ORDER BY n DESC, village_id`)[0].v;

function pdfText(bytes, name) {
  const f = path.join(dir, `${name}.pdf`);
  writeFileSync(f, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
}

// Every valid GB 11643 number in a text (18 characters, last the check character).
const validIds = (s) => (s.match(/\d{17}[\dXx]/g) || []).filter((x) => checkChar(x.slice(0, 17)) === x[17].toUpperCase());
const dateForms = (d) => {
  const [y, m, dd] = d.split('-');
  return [d, `${y}年${Number(m)}月${Number(dd)}日`, `${y}${m}${dd}`, `${y}.${m}.${dd}`];
};

const CASES = [
  ['dibao', () => ({ kind: 'dibao', villageId: villageOf('500236126205'), period: '2018' })],
  ['monitoring', () => ({ kind: 'monitoring', villageId: monitoredVillage() })],
  ['payments-yiliao', () => ({ kind: 'payments', villageId: villageOf('500236126201'), programme: 'yiliao', period: '2018' })],
  ['payments-jiaoyu', () => ({ kind: 'payments', villageId: villageOf('500236126203'), programme: 'jiaoyu', period: '2018' })],
  ['funds', () => ({ kind: 'funds', villageId: villageOf('500236126205'), period: '2018', rows: [
    { project: '灯塔村产业路硬化', amountFen: 125000000, unit: '灯塔村村民委员会' },
    { project: '人饮工程管网改造', amountFen: 38050000, unit: '羊市镇农业服务中心' }] })],
];

for (const [name, body] of CASES) {
  test(`notices-privacy-1 ${name}: no ID number, phone, address or birth date in the page or the PDF`, async () => {
    const c = await staff.post('/api/v1/notices', body());
    expectStatus(c, 201, name);
    const p = await staff.post(`/api/v1/notices/${c.body.id}/publish`, {});
    expectStatus(p, 200, name);
    const html = p.body.page;
    const pdf = await staff.bytes(`/api/v1/notices/${c.body.id}/pdf`);
    assert.equal(pdf.status, 200);
    const text = pdfText(pdf.bytes, name);
    assert.ok(text.includes(p.body.title.slice(0, 6)), `${name}: the PDF text is readable: ${text.slice(0, 200)}`);
    assert.ok(c.body.rows > 0, `${name}: rows`);

    // the persons behind the rows: every member of every household named
    const hids = (await staff.get(`/api/v1/notices/${c.body.id}`)).body.rowsData.items.map((r) => r.householdId).filter(Boolean);
    const persons = hids.length ? sql(srv.db, `SELECT p.name, p.id_number, p.phone, p.birth_date FROM persons p
      WHERE p.household_id IN (${hids.join(',')})`) : [];
    const homes = hids.length ? sql(srv.db, `SELECT address, phone FROM households WHERE id IN (${hids.join(',')})`) : [];
    if (name !== 'funds') {
      assert.ok(persons.length >= hids.length, `${name}: persons found`);
      assert.ok(persons.some((x) => x.id_number), `${name}: the demo persons have ID numbers to look for`);
    }
    for (const [where, s] of [['html', html], ['pdf', text]]) {
      assert.deepEqual(validIds(s), [], `${name} ${where}: no valid ID number`);
      assert.equal(/1[3-9]\d{9}/.test(s), false, `${name} ${where}: no mobile number`);
      for (const x of persons) {
        if (x.id_number) {
          assert.ok(!s.includes(x.id_number), `${name} ${where}: ID of ${x.name}`);
          assert.ok(!s.includes(x.id_number.slice(6, 14)), `${name} ${where}: birth digits of ${x.name}`);
        }
        if (x.phone) assert.ok(!s.includes(x.phone), `${name} ${where}: phone of ${x.name}`);
        if (x.birth_date) for (const f of dateForms(x.birth_date)) assert.ok(!s.includes(f), `${name} ${where}: birth date ${f} of ${x.name}`);
      }
      for (const h of homes) {
        if (h.address) assert.ok(!s.includes(h.address), `${name} ${where}: address ${h.address}`);
        if (h.phone) assert.ok(!s.includes(h.phone), `${name} ${where}: household phone`);
      }
    }
    // the names: in full on the 低保 list (the rule requires names), masked elsewhere
    const heads = hids.length ? sql(srv.db, `SELECT hp.name FROM households h JOIN persons hp ON hp.id = h.head_person_id
      WHERE h.id IN (${hids.join(',')})`).map((x) => x.name) : [];
    for (const n of heads) {
      const masked = [...n].length === 2 ? `${[...n][0]}*` : `${[...n][0]}${'*'.repeat([...n].length - 2)}${[...n].at(-1)}`;
      if (name === 'dibao') assert.ok(html.includes(`<td>${n}</td>`), `dibao names ${n} in full`);
      else {
        assert.ok(!html.includes(`<td>${n}</td>`), `${name}: ${n} masked`);
        assert.ok(html.includes(`<td>${masked}</td>`), `${name}: ${masked} shown`);
      }
    }
  });
}
