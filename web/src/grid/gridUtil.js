// gridUtil.js - what the grid workers' phone pages (/m) share: the user's open
// tasks, the browser's position, and the location line a report carries.
import { api } from '../api.js';
import { session } from '../session.js';
import { nearestRunningClock } from '../cases/caseUtil.js';

const PAGE_SIZE = 200;
const MAX_PAGES = 5;

// The open cases assigned to the user, the one falling due first at the top
// (cases without a running clock last, newest first): GET /cases?mine=1, which
// answers exactly that; the same filter and order are applied here again, so
// the pages read in turn stay one list.
// Resolves to { items, truncated }.
export async function loadMyTasks() {
  const meId = session.me ? session.me.id : null;
  const got = [];
  let truncated = false;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await api.get('/cases', { mine: 1, page, pageSize: PAGE_SIZE });
    got.push(...(data.items || []));
    const count = data.pager ? data.pager.pageCount : 1;
    if (page >= count) break;
    if (page === MAX_PAGES) truncated = true;
  }
  const open = got.filter((c) => !c.closedAt && !(c.state && c.state.final) && c.assignee && c.assignee.id === meId);
  const due = (c) => {
    const k = nearestRunningClock(c);
    return k ? Date.parse(k.dueAt) : Infinity;
  };
  const items = open.map((c) => ({ c, d: due(c) })).sort((a, b) => (a.d === b.d ? 0 : a.d < b.d ? -1 : 1)).map((x) => x.c);
  return { items, truncated };
}

// The browser's position: resolves to { lat, lng, accuracy } (metres) or
// rejects with an Error whose message is Chinese.
export function currentPosition(timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('此浏览器不支持定位，请手工填写位置'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy }),
      (e) => {
        const why = {
          1: '未获准使用定位，请在浏览器设置中允许，或手工填写位置',
          2: '暂时无法获取位置，请手工填写位置',
          3: '定位超时，请重试或手工填写位置',
        }[e && e.code] || '无法获取位置，请手工填写位置';
        reject(new Error(why));
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60000 },
    );
  });
}

// '纬度 29.01234，经度 109.45678'
export const formatCoords = (p) => `纬度 ${p.lat.toFixed(5)}，经度 ${p.lng.toFixed(5)}`;

// The grid_event `location` field is set by the 立案 action, not at creation:
// a report carries its location as a line of the content, which the 立案 forms
// (the phone case page and the desktop action dialog) start from.
export const LOCATION_PREFIX = '位置：';
export function locationFromContent(content) {
  const line = String(content || '').split('\n').find((l) => l.startsWith(LOCATION_PREFIX));
  return line ? line.slice(LOCATION_PREFIX.length).trim() : '';
}
