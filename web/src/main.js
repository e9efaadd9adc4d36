// main.js - starts the console: Element Plus in Simplified Chinese, the router,
// and the API client's hooks for 401 and forced password change.
import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'element-plus/dist/index.css';
import './theme.css';
import './style.css';
import App from './App.vue';
import router from './router.js';
import { configureApi } from './api.js';
import { session, clearSession } from './session.js';

// Dates in Chinese, weeks from Monday (the date pickers and the calendar use dayjs).
dayjs.locale('zh-cn');

configureApi({
  onUnauthenticated() {
    clearSession();
    const cur = router.currentRoute.value;
    if (cur.name !== 'login') {
      router.replace({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} });
    }
  },
  onPasswordChangeRequired() {
    if (session.me) session.me.mustChangePassword = true;
    if (router.currentRoute.value.name !== 'password') router.replace({ name: 'password' });
  },
});

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app');
