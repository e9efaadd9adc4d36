// menu.js - the screens of the console, their paths and the permission each
// needs (null: every logged-in user).  The router and the side menu both read
// this list, so a screen is hidden exactly when its route would show 403.
export const SCREENS = [
  { name: 'home', path: '', title: '首页', perm: null, icon: 'HomeFilled', component: () => import('./home/HomePage.vue') },
  { name: 'areas', path: 'areas', title: '区划管理', perm: 'area.read', icon: 'MapLocation', component: () => import('./areas/AreasPage.vue') },
  { name: 'users', path: 'users', title: '用户管理', perm: 'user.read', icon: 'User', component: () => import('./users/UsersPage.vue') },
  { name: 'roles', path: 'roles', title: '角色权限', perm: 'role.read', icon: 'Lock', component: () => import('./roles/RolesPage.vue') },
  { name: 'audit', path: 'audit', title: '审计日志', perm: 'audit.read', icon: 'Document', component: () => import('./audit/AuditPage.vue') },
  { name: 'security', path: 'security', title: '安全设置', perm: 'security.read', icon: 'Setting', component: () => import('./security/SecurityPage.vue') },
  { name: 'calendar', path: 'calendar', title: '工作日历', perm: null, icon: 'Calendar', component: () => import('./calendar/CalendarPage.vue') },
];
