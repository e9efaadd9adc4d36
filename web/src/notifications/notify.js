// notify.js - the unread count behind the bell in the header: read from
// GET /api/v1/notifications?pageSize=1 when the console opens, every minute,
// and after the 通知 page changed what is read.
import { reactive } from 'vue';
import { api } from '../api.js';

export const notify = reactive({ unread: 0 });

let timer = null;

export async function refreshUnread() {
  try {
    const { data } = await api.get('/notifications', { pageSize: 1 }, { quiet: true });
    notify.unread = data.unread || 0;
  } catch {
    /* signed out or offline: the bell keeps its last count */
  }
}

export function startPolling(ms = 60000) {
  refreshUnread();
  if (!timer) timer = setInterval(refreshUnread, ms);
}

export function stopPolling() {
  if (timer) clearInterval(timer);
  timer = null;
}
