// router.js - routes and guards.  HTML5 history: `zhenwu serve` answers any
// extensionless path outside /api with index.html, so /users can be typed or
// bookmarked.  The guards only choose what to show; the server checks every call.
import { createRouter, createWebHistory } from 'vue-router';
import { ROUTE_SCREENS } from './menu.js';
import { session, loadMe } from './session.js';
import { GRID_ROUTES } from './grid/routes.js';

const routes = [
  { path: '/login', name: 'login', component: () => import('./login/LoginPage.vue'), meta: { public: true, title: '登录' } },
  // The public portal: no login (meta.public skips the guard), its own frame.
  { path: '/portal', name: 'portal', component: () => import('./portal/PortalSubmitPage.vue'), meta: { public: true, title: '我要反映' } },
  { path: '/portal/track', name: 'portal-track', component: () => import('./portal/PortalTrackPage.vue'), meta: { public: true, title: '查询办理进度' } },
  { path: '/portal/notices', name: 'portal-notices', component: () => import('./portal/PortalNoticesPage.vue'), meta: { public: true, title: '公示公开' } },
  { path: '/portal/notices/:id(\\d+)', name: 'portal-notice', component: () => import('./portal/PortalNoticePage.vue'), meta: { public: true, title: '公示' } },
  // the grid workers' phone pages: their own layout, logged in like the rest
  { path: '/m', component: () => import('./grid/GridLayout.vue'), children: GRID_ROUTES },
  {
    path: '/',
    component: () => import('./layout/AppLayout.vue'),
    children: [
      ...ROUTE_SCREENS.map((s) => ({ path: s.path, name: s.name, component: s.component, meta: { perm: s.perm, title: s.title, active: s.active || s.name } })),
      { path: 'password', name: 'password', component: () => import('./password/PasswordPage.vue'), meta: { perm: null, title: '修改密码' } },
      { path: '403', name: 'forbidden', component: () => import('./errors/ForbiddenPage.vue'), meta: { perm: null, title: '无权访问' } },
      { path: ':pathMatch(.*)*', name: 'notfound', component: () => import('./errors/NotFoundPage.vue'), meta: { perm: null, title: '页面不存在' } },
    ],
  },
];

const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!session.me) {
    let me = null;
    try { me = await loadMe(); } catch { me = null; }
    if (!me) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  if (session.me.mustChangePassword && to.name !== 'password') return { name: 'password' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 镇务` : '镇务';
});

export default router;
