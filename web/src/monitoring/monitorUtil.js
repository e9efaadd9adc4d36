// monitorUtil.js - what the 防返贫 screens share: the code tables of GET
// /monitoring/codes (rules, sources, measure kinds and statuses), loaded once,
// and today's date in Asia/Shanghai.
import { api } from '../api.js';

let codes = null;
export async function loadMonitorCodes() {
  if (!codes) codes = api.get('/monitoring/codes').then((r) => r.data).catch((e) => { codes = null; throw e; });
  return codes;
}

export const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

export const ALERT_STATUSES = [
  { code: 'open', name: '待处理' },
  { code: 'case', name: '已立案' },
  { code: 'dismissed', name: '已忽略' },
];
