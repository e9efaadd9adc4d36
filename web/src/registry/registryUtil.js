// registryUtil.js - what the registry screens (户籍台账) share: the code tables
// (GET /registry/codes, asked once per page load), money in 元 and 分, the
// GB 11643 check of an ID number (the server checks again: this only lets the
// form say so at once), the tags of a household's monitoring status, and the
// villages, groups and grids of the user's scope (GET /areas).
import { api } from '../api.js';

let codesPromise = null;
// The code tables, as GET /registry/codes answers them (defs/registry.json);
// asked once, again after a failure.
export function loadCodes() {
  if (!codesPromise) {
    codesPromise = api.get('/registry/codes').then((r) => r.data || {});
    codesPromise.catch(() => { codesPromise = null; });
  }
  return codesPromise;
}

// The Chinese name of `code` in a code table ([{code, name}]), or the code itself.
export function codeName(table, code) {
  if (code === null || code === undefined || code === '') return '';
  const hit = (table || []).find((x) => x.code === code);
  return hit ? hit.name : String(code);
}

// 分 -> '1,234.50' (no unit: the column header says 元).
export function fenToYuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Number(fen);
  if (!Number.isFinite(n)) return String(fen);
  const neg = n < 0;
  const abs = Math.abs(Math.trunc(n));
  const yuan = Math.trunc(abs / 100).toLocaleString('zh-CN');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

const YUAN = /^(\d{1,13})(?:\.(\d{1,2}))?$/;
// A sum of money typed in 元 ('1234', '1,234.5', '0.05') -> integer 分, exactly
// (no floating point); null when it is not a non-negative amount with at most
// two decimals.  An empty input is 0.
export function yuanToFen(text) {
  const s = String(text ?? '').trim().replace(/[,，\s]/g, '');
  if (s === '') return 0;
  const m = YUAN.exec(s);
  if (!m) return null;
  const cents = (m[2] || '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(cents);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

// The check character (0-9 or X) of the first 17 digits of an ID number.
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

// Checks a citizen ID number by GB 11643-1999: 18 characters, 17 digits and a
// check character (x taken as X), a real birth date not in the future.
// Returns { ok: true, idNumber, sex: 'M'|'F', birthDate } or { ok: false, message }.
export function checkIdNumber(text, today = new Date()) {
  const s = String(text ?? '').trim().toUpperCase();
  if (!s) return { ok: false, message: '请输入身份证号' };
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, message: '身份证号应为18位，前17位为数字，最后一位为数字或X' };
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || m < 1 || m > 12 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    return { ok: false, message: '身份证号中的出生日期不是有效日期' };
  }
  const todayUtc = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  if (born.getTime() > todayUtc) return { ok: false, message: '身份证号中的出生日期晚于今天' };
  if (idCheckChar(s) !== s[17]) return { ok: false, message: '身份证号校验码错误，请核对' };
  return {
    ok: true,
    idNumber: s,
    sex: Number(s[16]) % 2 === 1 ? 'M' : 'F',
    birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`,
  };
}

export const SEX_NAMES = { M: '男', F: '女' };

export const MONITOR_STATUSES = [
  { code: 'none', name: '未纳入监测' },
  { code: 'monitored', name: '监测对象' },
  { code: 'eliminated', name: '风险已消除' },
];
const MONITOR_TAGS = { none: 'info', monitored: 'danger', eliminated: 'success' };
export const monitorTagType = (status) => MONITOR_TAGS[status] || 'info';

// The villages of the user's scope, [{id, name, code}], found by walking down
// GET /areas from the top of the scope (county -> township -> village).  A
// user whose scope lies below a village (a grid worker) gets [] and `below`
// lists their top areas (groups or grids) instead.
export async function loadVillages() {
  const top = ((await api.get('/areas')).data.items) || [];
  const villages = [];
  let level = top;
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next = [];
    for (const a of level) {
      if (a.level === 'village') villages.push(a);
      else if (a.level === 'county' || a.level === 'township' || a.level === 'province' || a.level === 'city') {
        const kids = ((await api.get('/areas', { parent: a.id })).data.items) || [];
        next.push(...kids);
      }
    }
    level = next;
  }
  const below = villages.length ? [] : top.filter((a) => a.level === 'group' || a.level === 'grid');
  return { villages, below };
}

// The groups (村民小组) and grids (网格) directly under a village.
export async function loadVillageParts(villageId) {
  const items = ((await api.get('/areas', { parent: villageId })).data.items) || [];
  return {
    groups: items.filter((a) => a.level === 'group'),
    grids: items.filter((a) => a.level === 'grid'),
  };
}

// Today as YYYY-MM-DD in Asia/Shanghai, whatever the browser's zone.
export function todayShanghai() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The message shown when an edit lost the race with someone else's (412).
export const STALE_MESSAGE = '记录已被他人修改，请刷新后重试';
