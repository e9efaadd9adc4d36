// benefitUtil.js - shared by the 救助发放 screens: the programmes (GET /programmes,
// read once) and money in fen shown as yuan.
import { api } from '../api.js';

let programmes = null;

// The programmes of defs/programmes.json, cached for the session of the page.
export async function loadProgrammes() {
  if (!programmes) programmes = (await api.get('/programmes')).data;
  return programmes;
}

// 123450 -> "1,234.50" (integer fen, no floating point on the way).
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const neg = fen < 0;
  const a = Math.abs(fen);
  const whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${String(a % 100).padStart(2, '0')}`;
}
