// menu.js - the screens of the console, their paths and the permission each
// needs (null: every logged-in user).  The router and the side menu both read
// this list, so a screen is hidden exactly when its route would show 403.
// An entry with `children` is a group in the side menu (an el-sub-menu) whose
// children are the screens; `menu: false` marks a screen reached only by links
// (a case page), with `active` naming the menu entry to highlight for it;
// `own: true` marks an entry whose pages have their own layout and routes (the
// phone pages under /m, grid/routes.js): in the menu, not among ROUTE_SCREENS.
export const SCREENS = [
  { name: 'home', path: '', title: '首页', perm: null, icon: 'HomeFilled', component: () => import('./home/HomePage.vue') },
  {
    name: 'analytics', title: '统计分析', perm: 'case.read', icon: 'DataLine',
    children: [
      { name: 'dashboard', path: 'dashboard', title: '领导驾驶舱', perm: 'case.read', component: () => import('./dashboard/DashboardPage.vue') },
      { name: 'indicator-table', path: 'indicators/table', title: '指标统计表', perm: 'case.read', component: () => import('./dashboard/IndicatorTablePage.vue') },
      // closed periods (结账): the list for every reader, the 结账 button for period.close
      { name: 'periods', path: 'periods', title: '统计结账', perm: 'case.read', component: () => import('./periods/PeriodsPage.vue') },
      { name: 'period-detail', path: 'periods/:id(\\d+)', title: '结账详情', perm: 'case.read', menu: false, active: 'periods', component: () => import('./periods/PeriodDetailPage.vue') },
      // the records behind a value, reached from the dashboard and the table (the server checks each indicator's rights)
      { name: 'indicator-records', path: 'indicators/:code/records', title: '指标明细', perm: null, menu: false, active: 'dashboard', component: () => import('./dashboard/IndicatorRecordsPage.vue') },
    ],
  },
  {
    name: 'cases', title: '办件', perm: 'case.read', icon: 'Tickets',
    children: [
      { name: 'case-todo', path: 'cases/todo', title: '我的待办', perm: 'case.read', component: () => import('./cases/CaseTodoPage.vue') },
      { name: 'case-list', path: 'cases', title: '办件列表', perm: 'case.read', component: () => import('./cases/CaseListPage.vue') },
      { name: 'case-new', path: 'cases/new', title: '登记办件', perm: 'case.write', component: () => import('./cases/CaseNewPage.vue') },
      { name: 'case-board', path: 'cases/board', title: '超期看板', perm: 'case.read', component: () => import('./cases/OverdueBoardPage.vue') },
      // the grid workers' phone pages (grid/routes.js), for everyone who files cases
      { name: 'grid', path: 'm', title: '网格上报', perm: 'case.write', own: true },
      { name: 'case-detail', path: 'cases/:id(\\d+)', title: '办件详情', perm: 'case.read', menu: false, active: 'case-list', component: () => import('./cases/CaseDetailPage.vue') },
    ],
  },
  { name: 'areas', path: 'areas', title: '区划管理', perm: 'area.read', icon: 'MapLocation', component: () => import('./areas/AreasPage.vue') },
  { name: 'users', path: 'users', title: '用户管理', perm: 'user.read', icon: 'User', component: () => import('./users/UsersPage.vue') },
  { name: 'roles', path: 'roles', title: '角色权限', perm: 'role.read', icon: 'Lock', component: () => import('./roles/RolesPage.vue') },
  { name: 'audit', path: 'audit', title: '审计日志', perm: 'audit.read', icon: 'Document', component: () => import('./audit/AuditPage.vue') },
  { name: 'security', path: 'security', title: '安全设置', perm: 'security.read', icon: 'Setting', component: () => import('./security/SecurityPage.vue') },
  { name: 'notifications', path: 'notifications', title: '通知', perm: null, menu: false, component: () => import('./notifications/NotificationsPage.vue') },
  { name: 'calendar', path: 'calendar', title: '工作日历', perm: null, icon: 'Calendar', component: () => import('./calendar/CalendarPage.vue') },
  {
    name: 'registry', title: '户籍台账', perm: 'registry.read', icon: 'House',
    children: [
      { name: 'registry-households', path: 'registry/households', title: '户籍台账', perm: 'registry.read', component: () => import('./registry/HouseholdListPage.vue') },
      { name: 'registry-persons', path: 'registry/persons', title: '人员查询', perm: 'registry.read', component: () => import('./registry/PersonsPage.vue') },
      { name: 'registry-duplicates', path: 'registry/duplicates', title: '疑似重复', perm: 'registry.read', component: () => import('./registry/DuplicatesPage.vue') },
      { name: 'registry-household', path: 'registry/households/:id(\\d+)', title: '一户一页', perm: 'registry.read', menu: false, active: 'registry-households', component: () => import('./registry/HouseholdPage.vue') },
      { name: 'registry-import', path: 'registry/import', title: '导入台账', perm: 'registry.write', component: () => import('./registry/ImportPage.vue') },
    ],
  },
  {
    name: 'monitoring', title: '防返贫监测', perm: 'registry.read', icon: 'Document',
    children: [
      { name: 'monitor-alerts', path: 'monitoring/alerts', title: '监测预警', perm: 'registry.read', component: () => import('./monitoring/AlertsPage.vue') },
      { name: 'monitor-households', path: 'monitoring/households', title: '监测对象', perm: 'registry.read', component: () => import('./monitoring/MonitoredPage.vue') },
      { name: 'assist-cadres', path: 'monitoring/cadres', title: '帮扶责任人', perm: 'registry.read', component: () => import('./monitoring/CadresPage.vue') },
      // the phone page of visits (grid/routes.js)
      { name: 'visits', path: 'm/visits', title: '入户走访', perm: 'registry.read', own: true },
    ],
  },
  {
    name: 'benefits', title: '救助发放', perm: 'benefit.read', icon: 'Money',
    children: [
      { name: 'benefit-totals', path: 'benefits', title: '救助汇总', perm: 'benefit.read', component: () => import('./benefits/BenefitTotalsPage.vue') },
      { name: 'benefit-dibao', path: 'benefits/dibao', title: '低保月度发放', perm: 'benefit.read', component: () => import('./benefits/DibaoRunPage.vue') },
      { name: 'benefit-payments', path: 'benefits/payments', title: '发放台账', perm: 'benefit.read', component: () => import('./benefits/PaymentsPage.vue') },
      // the same page as 导入台账, on payments: reachable with benefit.write alone
      { name: 'benefit-import', path: 'benefits/import', title: '导入发放明细', perm: 'benefit.write', component: () => import('./registry/ImportPage.vue') },
    ],
  },
  {
    name: 'assessment', title: '考核', perm: 'assess.read', icon: 'Histogram',
    children: [
      { name: 'assess-runs', path: 'assessment', title: '月度考核', perm: 'assess.read', component: () => import('./assessment/AssessRunPage.vue') },
      { name: 'assess-tiers', path: 'assessment/tiers', title: '年度等次', perm: 'assess.read', component: () => import('./assessment/AssessTiersPage.vue') },
    ],
  },
  // the server checks the rights of every indicator a template uses
  { name: 'reports', path: 'reports', title: '工作报告', perm: 'benefit.read', icon: 'Document', component: () => import('./reports/ReportPage.vue') },
  {
    name: 'notices', title: '公示公开', perm: 'notice.read', icon: 'Document',
    children: [
      { name: 'notice-list', path: 'notices', title: '公示管理', perm: 'notice.read', component: () => import('./notices/NoticeListPage.vue') },
      { name: 'notice-new', path: 'notices/new', title: '新建公示', perm: 'notice.write', component: () => import('./notices/NoticeNewPage.vue') },
      { name: 'notice-detail', path: 'notices/:id(\\d+)', title: '公示详情', perm: 'notice.read', menu: false, active: 'notice-list', component: () => import('./notices/NoticeDetailPage.vue') },
    ],
  },
];

// Every routable screen, groups flattened (for the router).
export const ROUTE_SCREENS = SCREENS.flatMap((s) => (s.children ? s.children : [s])).filter((s) => !s.own);
