// routes.js - the grid workers' phone pages under /m (GridLayout.vue, not the
// desktop side menu).  `perm` as in menu.js: the layout shows 无权访问 in place
// when the user lacks it; the server refuses the data anyway.
export const GRID_ROUTES = [
  { path: '', name: 'm-home', component: () => import('./GridHome.vue'), meta: { perm: 'case.read', title: '网格上报' } },
  { path: 'report', name: 'm-report', component: () => import('./GridReport.vue'), meta: { perm: 'case.write', title: '上报事件' } },
  { path: 'tasks', name: 'm-tasks', component: () => import('./GridTasks.vue'), meta: { perm: 'case.read', title: '我的任务' } },
  { path: 'cases/:id(\\d+)', name: 'm-case', component: () => import('./GridCase.vue'), meta: { perm: 'case.read', title: '任务详情' } },
  { path: 'visits', name: 'm-visits', component: () => import('./GridVisits.vue'), meta: { perm: 'registry.read', title: '入户走访' } },
  { path: 'visits/:id(\\d+)', name: 'm-visit', component: () => import('./GridVisit.vue'), meta: { perm: 'registry.write', title: '走访记录' } },
  { path: ':pathMatch(.*)*', name: 'm-notfound', redirect: { name: 'm-home' } },
];
