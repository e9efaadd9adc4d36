// dashUtil.js - what the dashboard and the records page share: the analytics
// table (GET /indicators/table) as lookups, an indicator's value as a number
// for charts, and the route of the records behind a value.
import { api } from '../api.js';

// GET /indicators/table -> { ...cube, cell(code, areaId, period) }.
export async function loadTable(query) {
  const { data } = await api.get('/indicators/table', query);
  const byKey = new Map(data.cells.map((c) => [`${c.code}|${c.areaId}|${c.period}`, c]));
  return { ...data, cell: (code, areaId, period) => byKey.get(`${code}|${areaId}|${period}`) || null };
}

// The value of a cell as shown, as a number (null for "—"), for a chart.
export function cellNumber(c) {
  if (!c || !c.den) return null;
  const n = Number.parseFloat(c.text);
  return Number.isFinite(n) ? n : null;
}

// The records page of a value: a ratio's records are its numerator's (part a).
export function recordsRoute(code, { period, areaId, part } = {}) {
  const query = { period };
  if (areaId) query.areaId = String(areaId);
  if (part) query.part = part;
  return { name: 'indicator-records', params: { code }, query };
}

// Years offered: from 2015 to this year, newest first.
export function yearOptions() {
  const now = new Date().getFullYear();
  const out = [];
  for (let y = now; y >= 2015; y--) out.push(String(y));
  return out;
}

export const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
