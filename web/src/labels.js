// labels.js - Chinese names for the codes the API returns (scopes, area
// levels, audit actions and entities, calendar day kinds).
// The same words the server uses (its roles also carry `scopeName`).
export const SCOPE_NAMES = {
  all: '全部',
  subtree: '本级及下级区划',
  area: '本级区划',
  own: '本人经手的记录',
};

export const LEVEL_NAMES = {
  province: '省',
  city: '市',
  county: '区县',
  township: '乡镇',
  village: '村（社区）',
  group: '村民小组',
  grid: '网格',
};

export const ACTION_NAMES = {
  create: '新增',
  update: '修改',
  delete: '删除',
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  password_change: '修改密码',
  pii_read: '查看个人信息',
  export: '导出',
  retry: '重试外发',
};

export const ENTITY_NAMES = {
  user: '用户',
  role: '角色',
  area: '区划',
  session: '会话',
  settings: '设置',
  security: '安全设置',
  calendar: '工作日历',
  calendar_day: '工作日历',
  audit: '审计日志',
  outbox: '消息外发',
};

export const DAY_KIND_NAMES = { holiday: '节假日', workday: '调休上班' };

export const label = (map, code) => (code && map[code]) || code || '';

// 2026-11-23T12:34:56+08:00 -> 2026-11-23 12:34:56 (the server already sends +08:00).
export function formatTime(iso) {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}
