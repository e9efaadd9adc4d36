// The working-day calendar: shipped holiday data (国务院 notices for 2025 and
// 2026), working-day arithmetic, admin edits, years without data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { login, expectError, expectStatus } from './lib.mjs';

let srv, admin, leader, staff;

before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  leader = await login(srv.url, 'leader');
  staff = await login(srv.url, 'staff');
});

after(async () => { if (srv) await srv.stop(); });

// 'YYYY-MM-DD' for every day from a to b inclusive.
function range(a, b) {
  const out = [];
  for (let d = new Date(`${a}T00:00:00Z`); d <= new Date(`${b}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const add = (from, days, unit) => staff.get(`/api/v1/calendar/add?from=${encodeURIComponent(from)}&days=${days}&unit=${unit}`);

test('2026 (国务院 notice of 4 Nov 2025): holidays and make-up workdays exactly as published', async () => {
  const r = await staff.get('/api/v1/calendar/2026');
  expectStatus(r, 200);
  assert.equal(r.body.year, 2026);
  assert.equal(r.body.official, true);
  assert.equal(typeof r.body.source, 'string');
  assert.ok(r.body.source.length > 0);
  const kind = Object.fromEntries(r.body.days.map((d) => [d.date, d.kind]));
  assert.equal(kind['2026-02-14'], 'workday');
  assert.equal(kind['2026-02-16'], 'holiday');
  const holidays = [
    ...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'),
    ...range('2026-05-01', '2026-05-05'), ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'),
    ...range('2026-10-01', '2026-10-07'),
  ];
  const workdays = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];
  assert.deepEqual(r.body.days.filter((d) => d.kind === 'holiday').map((d) => d.date).sort(), holidays);
  assert.deepEqual(r.body.days.filter((d) => d.kind === 'workday').map((d) => d.date).sort(), workdays);
  assert.equal(r.body.days.find((d) => d.date === '2026-01-01').name, '元旦');
  assert.match(r.body.days.find((d) => d.date === '2026-02-16').name, /春节/);
  for (const d of r.body.days) assert.ok(d.kind === 'holiday' || d.kind === 'workday');
});

test('2025 (国办发明电〔2024〕12号) is shipped too', async () => {
  const r = await staff.get('/api/v1/calendar/2025');
  expectStatus(r, 200);
  assert.equal(r.body.official, true);
  const holidays = [
    '2025-01-01', ...range('2025-01-28', '2025-02-04'), ...range('2025-04-04', '2025-04-06'),
    ...range('2025-05-01', '2025-05-05'), ...range('2025-05-31', '2025-06-02'), ...range('2025-10-01', '2025-10-08'),
  ];
  const workdays = ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'];
  assert.deepEqual(r.body.days.filter((d) => d.kind === 'holiday').map((d) => d.date).sort(), holidays);
  assert.deepEqual(r.body.days.filter((d) => d.kind === 'workday').map((d) => d.date).sort(), workdays);
});

test('add workdays: 2026-02-13 + 1 workday = 2026-02-14 (a make-up Saturday)', async () => {
  const r = await add('2026-02-13', 1, 'workdays');
  expectStatus(r, 200);
  assert.equal(r.body.result.slice(0, 10), '2026-02-14');
  assert.match(r.body.result, /^2026-02-14($|T)/);
  assert.equal(r.body.missingYear, false);
  assert.equal(r.body.from.slice(0, 10), '2026-02-13');
});

test('add workdays skips the Spring Festival; add days does not', async () => {
  assert.equal((await add('2026-02-13', 2, 'workdays')).body.result.slice(0, 10), '2026-02-24');
  assert.equal((await add('2026-02-13', 3, 'days')).body.result.slice(0, 10), '2026-02-16');
  // Friday 2026-09-18 + 1 working day: Sun 20 Sep is a make-up workday
  assert.equal((await add('2026-09-18', 1, 'workdays')).body.result.slice(0, 10), '2026-09-20');
  // over the National Day week
  assert.equal((await add('2026-09-30', 1, 'workdays')).body.result.slice(0, 10), '2026-10-08');
  // across the year boundary 2025 -> 2026 (元旦 1-3 Jan, Sun 4 Jan is a workday)
  const y = await add('2025-12-31', 1, 'workdays');
  assert.equal(y.body.result.slice(0, 10), '2026-01-04');
  assert.equal(y.body.missingYear, false);
});

test('add from an instant keeps the Asia/Shanghai date', async () => {
  // 2026-02-13 23:30 in Beijing is 15:30 UTC: the working day is Friday 13th
  const r = await add('2026-02-13T23:30:00+08:00', 1, 'workdays');
  expectStatus(r, 200);
  assert.match(r.body.result, /^2026-02-14/);
  if (r.body.result.length > 10) assert.match(r.body.result, /\+08:00$/);
});

test('admin can PUT and DELETE a day; the arithmetic follows', async () => {
  // Tuesday 2026-03-03 becomes a holiday
  assert.equal((await add('2026-03-02', 1, 'workdays')).body.result.slice(0, 10), '2026-03-03');
  const r = await admin.put('/api/v1/calendar/days/2026-03-03', { kind: 'holiday', name: '测试假日' });
  expectStatus(r, 200, 'PUT day:');
  assert.equal(r.body.date, '2026-03-03');
  assert.equal(r.body.kind, 'holiday');
  assert.equal(r.body.name, '测试假日');
  const cal = await staff.get('/api/v1/calendar/2026');
  assert.deepEqual(cal.body.days.find((d) => d.date === '2026-03-03'), { date: '2026-03-03', kind: 'holiday', name: '测试假日' });
  assert.equal((await add('2026-03-02', 1, 'workdays')).body.result.slice(0, 10), '2026-03-04');
  // a Sunday made a workday
  expectStatus(await admin.put('/api/v1/calendar/days/2026-03-08', { kind: 'workday', name: '测试调休' }), 200);
  assert.equal((await add('2026-03-06', 1, 'workdays')).body.result.slice(0, 10), '2026-03-08');

  expectStatus(await admin.del('/api/v1/calendar/days/2026-03-03'), 204);
  expectStatus(await admin.del('/api/v1/calendar/days/2026-03-08'), 204);
  assert.equal((await add('2026-03-02', 1, 'workdays')).body.result.slice(0, 10), '2026-03-03');
  assert.equal((await add('2026-03-06', 1, 'workdays')).body.result.slice(0, 10), '2026-03-09');
  const cal2 = await staff.get('/api/v1/calendar/2026');
  assert.equal(cal2.body.days.find((d) => d.date === '2026-03-03'), undefined);
});

test('a leader cannot change the calendar: 403 forbidden, nothing changed', async () => {
  expectError(await leader.put('/api/v1/calendar/days/2026-03-04', { kind: 'holiday', name: '领导放假' }), 403, 'forbidden');
  expectError(await leader.del('/api/v1/calendar/days/2026-02-16'), 403, 'forbidden');
  expectError(await staff.put('/api/v1/calendar/days/2026-03-04', { kind: 'holiday', name: '员工放假' }), 403, 'forbidden');
  const cal = await staff.get('/api/v1/calendar/2026');
  assert.equal(cal.body.days.find((d) => d.date === '2026-03-04'), undefined);
  assert.equal(cal.body.days.find((d) => d.date === '2026-02-16').kind, 'holiday');
});

test('bad calendar input: 400 with a Chinese message, nothing changed', async () => {
  expectError(await admin.put('/api/v1/calendar/days/2026-03-05', { kind: 'party', name: '聚会' }), 400, 'invalid_input', 'kind');
  expectError(await admin.put('/api/v1/calendar/days/2026-03-05', { kind: 'holiday', name: '多余', extra: 1 }), 400, 'unknown_field', 'extra');
  const badDate = await admin.put('/api/v1/calendar/days/2026-02-30', { kind: 'holiday', name: '不存在' });
  assert.ok(badDate.status === 400 || badDate.status === 404, `2026-02-30: ${badDate.status}`);
  assert.ok(badDate.body && badDate.body.error, 'JSON error for an impossible date');
  expectError(await add('2026-02-13', 1, 'weeks'), 400, 'invalid_input');
  expectError(await add('2026-02-13', 'x', 'workdays'), 400, 'invalid_input');
  expectError(await add('2026-13-01', 1, 'workdays'), 400, 'invalid_input');
  const cal = await staff.get('/api/v1/calendar/2026');
  assert.equal(cal.body.days.find((d) => d.date === '2026-03-05'), undefined);
});

test('a year without data: official false, missingYear true, weekends only', async () => {
  const r = await staff.get('/api/v1/calendar/2035');
  expectStatus(r, 200);
  assert.equal(r.body.year, 2035);
  assert.equal(r.body.official, false);
  assert.deepEqual(r.body.days, []);
  // Friday 2035-03-02 + 1 workday = Monday 2035-03-05
  assert.equal(new Date('2035-03-02T00:00:00Z').getUTCDay(), 5);
  const a = await add('2035-03-02', 1, 'workdays');
  expectStatus(a, 200);
  assert.equal(a.body.result.slice(0, 10), '2035-03-05');
  assert.equal(a.body.missingYear, true);
  // a range that starts in a year with data and ends in one without
  const b = await add('2026-12-31', 2, 'workdays');
  expectStatus(b, 200);
  assert.equal(b.body.missingYear, true);
});
