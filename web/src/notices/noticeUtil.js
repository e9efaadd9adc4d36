// noticeUtil.js - shared by the notice (公示) screens: status tag types, the
// body of a stored notice page (its <article>) for display inside the app.
export const STATUS_TYPES = { draft: 'info', published: 'success', closed: 'warning' };

// The <article> of a page rendered by the server (escaped values, fixed tags
// only: see docs/notices.md), shown in place; '' if there is none.
export function articleOf(page) {
  const m = /<article>([\s\S]*)<\/article>/.exec(page || '');
  return m ? m[1] : '';
}

export const yuan = (fen) => (fen == null ? '' : (fen / 100).toFixed(2));
