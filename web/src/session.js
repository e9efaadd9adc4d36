// session.js - who is logged in: the <me> object from the login response or
// GET /api/v1/me, shared by the router guards, the layout and every screen.
// Only for showing and hiding things: the server checks every request itself.
import { reactive } from 'vue';
import { api, setCsrfToken } from './api.js';

export const session = reactive({
  me: null,      // <me> as the API returns it, or null when logged out
  loaded: false, // true once GET /me has been answered (either way)
});

export function setMe(me) {
  session.me = me || null;
  session.loaded = true;
  if (me && me.csrfToken) setCsrfToken(me.csrfToken);
}

export function clearSession() {
  session.me = null;
  session.loaded = true;
  setCsrfToken(null);
}

// Loads the current user; resolves to the <me> object or null (no session).
export async function loadMe() {
  try {
    const { data } = await api.get('/me', undefined, { quiet: true });
    setMe(data);
    return data;
  } catch (err) {
    if (err.status === 401) {
      clearSession();
      return null;
    }
    throw err;
  }
}

export async function login(username, password) {
  const { data } = await api.post('/session', { username, password }, { quiet: true });
  setCsrfToken(data.csrfToken);
  setMe({ ...data.user, csrfToken: data.csrfToken });
  return data.user;
}

export async function logout() {
  try {
    await api.del('/session', { quiet: true });
  } finally {
    clearSession();
  }
}

export function can(perm) {
  return !!(session.me && Array.isArray(session.me.permissions) && session.me.permissions.includes(perm));
}
