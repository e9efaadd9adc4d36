// caseUtil.js - what the case screens share: the case types (GET /case-types,
// loaded once per page load), Chinese names for the codes of a case, clock
// helpers and time formatting in Asia/Shanghai.
import { api } from '../api.js';

// POST /cases `channel`: code and the word shown for it (docs/api.md).
export const CHANNELS = [
  { code: 'visit', name: '走访' },
  { code: 'letter', name: '来信' },
  { code: 'phone', name: '来电' },
  { code: 'online', name: '网上' },
  { code: 'hotline', name: '12345' },
  { code: 'grid', name: '网格上报' },
  { code: 'other', name: '其他' },
];
export const channelName = (code) => (CHANNELS.find((c) => c.code === code) || {}).name || code || '';

// A clock's status: its name and the Element Plus tag it is shown as.
export const CLOCK_STATUS = {
  green: { name: '正常', type: 'success', effect: 'dark' },
  yellow: { name: '临期', type: 'warning', effect: 'dark' },
  red: { name: '逾期', type: 'danger', effect: 'dark' },
  paused: { name: '暂停', type: 'info', effect: 'dark' },
  done: { name: '已完成', type: 'success', effect: 'plain' },
  late: { name: '超期完成', type: 'danger', effect: 'plain' },
};
export const RUNNING = new Set(['green', 'yellow', 'red']);

// The `outcome` of a closed case (docs/case-types.md).
export const OUTCOME_NAMES = {
  resolved: '已解决',
  unresolved: '未解决',
  rejected: '不予办理',
  withdrawn: '已撤回',
};

const TZ_MS = 8 * 60 * 60 * 1000; // Asia/Shanghai: UTC+8, no daylight saving

// An ISO instant as 'YYYY-MM-DD HH:mm' in Asia/Shanghai, whatever the browser's zone.
export function formatMinute(iso) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = new Date(t + TZ_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

// The running clock due first, or null.
export function nearestRunningClock(c) {
  const running = (c && c.clocks ? c.clocks : []).filter((k) => RUNNING.has(k.status) && k.dueAt);
  running.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return running[0] || null;
}

// The clock a list row shows: the running one due first, else a paused one,
// else the one started last (done or late).
export function displayClock(c) {
  const clocks = c && c.clocks ? c.clocks : [];
  if (!clocks.length) return null;
  const run = nearestRunningClock(c);
  if (run) return run;
  const paused = clocks.find((k) => k.status === 'paused');
  if (paused) return paused;
  return [...clocks].sort((a, b) => Date.parse(b.startedAt || 0) - Date.parse(a.startedAt || 0))[0];
}

// 分 -> '1,234.50 元'
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Number(fen);
  if (!Number.isFinite(n)) return String(fen);
  return `${(n / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}

let typesPromise = null;
// The case types, as GET /case-types answers them; asked once, again after a failure.
export function loadCaseTypes() {
  if (!typesPromise) {
    typesPromise = api.get('/case-types').then((r) => (r.data && r.data.items) || []);
    typesPromise.catch(() => { typesPromise = null; });
  }
  return typesPromise;
}

export const findType = (types, code) => (types || []).find((t) => t.code === code) || null;

export function stateName(type, code) {
  if (!code) return '';
  const s = type && type.states ? type.states.find((x) => x.code === code) : null;
  return s ? s.name : code;
}

export function categoryName(type, code) {
  if (!code) return '';
  const s = type && type.categories ? type.categories.find((x) => x.code === code) : null;
  return s ? s.name : code;
}

// A random Idempotency-Key (crypto.getRandomValues works outside secure contexts too).
export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
