// periodUtil.js - what the closure screens, the dashboard and the records page
// share about closed periods (结账, docs/indicators.md "Closed periods"): the
// tag of a closed answer, the period a picker builds, and the page a frozen or
// corrected record links to.

// "2026-01-05T09:30:00+08:00" -> "2026-01-05" (the server sends Beijing time).
export function closedDate(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso || '');
  return m ? m[1] : '';
}

// The tag of a closed answer ({closedBy, closedAt}): 已结账（张三 · 2026-01-05）.
export function closedText(closed) {
  if (!closed) return '';
  const who = [closed.closedBy, closedDate(closed.closedAt)].filter(Boolean).join(' · ');
  return who ? `已结账（${who}）` : '已结账';
}

export const KINDS = [
  { code: 'year', name: '年度' },
  { code: 'quarter', name: '季度' },
  { code: 'month', name: '月度' },
];
export const QUARTERS = ['第一季度', '第二季度', '第三季度', '第四季度'];

// The period the API takes ("2018", "2018-Q2", "2018-03") and its Chinese label.
export function periodOf({ kind, year, quarter, month }) {
  if (kind === 'quarter') return { period: `${year}-Q${quarter}`, label: `${year}年${QUARTERS[quarter - 1]}` };
  if (kind === 'month') return { period: `${year}-${String(month).padStart(2, '0')}`, label: `${year}年${month}月` };
  return { period: String(year), label: `${year}年` };
}

// The page of a record behind an indicator: its case, or its household's page.
export function recordLink(entityCode, row) {
  if (entityCode === 'cases') return { name: 'case-detail', params: { id: String(row.id) } };
  if (row.householdId) return { name: 'registry-household', params: { id: String(row.householdId) } };
  return null;
}
