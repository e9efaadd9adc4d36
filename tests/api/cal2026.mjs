// cal2026.mjs - the 2026 working-day calendar (国务院办公厅, 4 Nov 2025), written
// out independently of the server's defs/calendar/2026.json, for the tests that
// check deadlines in working days.  Not a test file (node --test runs *.test.mjs).
const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;
const TZ = 8 * 60 * MIN; // Asia/Shanghai, no daylight saving

export function range(a, b) {
  const out = [];
  for (let d = new Date(`${a}T00:00:00Z`); d <= new Date(`${b}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
export const HOLIDAYS = new Set([
  ...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'),
  ...range('2026-05-01', '2026-05-05'), ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'),
  ...range('2026-10-01', '2026-10-07'),
]);
export const MAKEUP = new Set(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);

// Years other than 2026 have no data here: weekends only (as the server does for a
// year without data, "missingYear").
export function isWorkday(ymd) {
  if (HOLIDAYS.has(ymd)) return false;
  if (MAKEUP.has(ymd)) return true;
  const wd = new Date(`${ymd}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}
export const ms = (x) => (typeof x === 'number' ? x : Date.parse(x));
// Local (+08:00) date 'YYYY-MM-DD' of an instant.
export const localDate = (x) => new Date(ms(x) + TZ).toISOString().slice(0, 10);
export const nextDate = (ymd, n = 1) => {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
// The same local time of day on the n-th working day after the instant's local date.
export function addWorkdays(x, n) {
  const t = ms(x);
  const tod = (((t + TZ) % DAY) + DAY) % DAY;
  let ymd = localDate(t);
  while (n > 0) {
    ymd = nextDate(ymd);
    if (isWorkday(ymd)) n--;
  }
  return Date.parse(`${ymd}T00:00:00Z`) - TZ + tod;
}
// An instant as 'YYYY-MM-DDTHH:MM:SS+08:00' (seconds only).
export const fmt = (x) => `${new Date(ms(x) + TZ).toISOString().slice(0, 19)}+08:00`;
