// api.js - the one client every screen uses to talk to /api/v1.
//
// It sends and reads JSON, keeps the CSRF token (from the login response and
// from GET /api/v1/me) and sends it as X-CSRF-Token on every non-GET request,
// sends If-Match with the record's ETag on PATCH, and shows every API error the
// same way: an ElMessage with the server's Chinese error.message.  A 401
// `unauthenticated` sends the browser to the login page; a 403
// `password_change_required` to the password-change page.  The server decides
// what is allowed; this module only carries its answers.
import { ElMessage } from 'element-plus';

const BASE = '/api/v1';

let csrfToken = null;
let hooks = { onUnauthenticated: null, onPasswordChangeRequired: null };

// An error answered by the server (or a network failure, status 0).
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

// Installs the navigation callbacks (set once by main.js, which owns the router).
export function configureApi(h) {
  hooks = { ...hooks, ...h };
}

// Shows an error the one way errors are shown everywhere.
export function showError(err) {
  const msg = err && err.message ? err.message : '操作失败';
  ElMessage({ type: 'error', message: msg, showClose: true, duration: 5000, grouping: true });
}

function buildQuery(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// Sends one request.  opts: { query, body, etag, quiet, headers }.
// Resolves to { data, etag, status }; rejects with ApiError after showing it
// (unless quiet is true, for callers that show the error themselves).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.etag) headers['If-Match'] = opts.etag;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(BASE + path + buildQuery(opts.query), {
      method, headers, body, credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
    if (!opts.quiet) showError(err);
    throw err;
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return { data, etag: res.headers.get('ETag'), status: res.status };

  throw failure(res.status, data, opts);
}

// The ApiError for a refused request (status, parsed body): the navigation hooks
// run for 401 and forced password change, and it is shown unless opts.quiet.
function failure(status, data, opts) {
  const e = data && data.error ? data.error : {};
  const err = new ApiError(status, e.code || `http_${status}`,
    e.message || `服务器返回错误（${status}）`, e.field);
  if (err.code === 'unauthenticated') {
    csrfToken = null;
    if (hooks.onUnauthenticated) hooks.onUnauthenticated(err);
  } else if (err.code === 'password_change_required') {
    if (hooks.onPasswordChangeRequired) hooks.onPasswordChangeRequired(err);
  }
  if (!opts.quiet) showError(err);
  return err;
}

// Sends a file (File or Blob) as the raw body of a POST, for uploads such as
// /cases/{id}/attachments?name=...  opts: { query, headers, quiet, onProgress }:
// onProgress(fraction 0..1) follows the bytes sent (XMLHttpRequest, since fetch
// reports no upload progress).  Resolves and rejects as request() does.
export function upload(path, file, opts = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + path + buildQuery(opts.query));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    for (const [k, v] of Object.entries(opts.headers || {})) xhr.setRequestHeader(k, v);
    if (opts.onProgress) {
      xhr.upload.onprogress = (ev) => { if (ev.lengthComputable && ev.total) opts.onProgress(ev.loaded / ev.total); };
    }
    xhr.onerror = () => {
      const err = new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
      if (!opts.quiet) showError(err);
      reject(err);
    };
    xhr.onload = () => {
      let data = null;
      if (xhr.responseText) {
        try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ data, status: xhr.status });
      else reject(failure(xhr.status, data, opts));
    };
    xhr.send(file);
  });
}

// Downloads a file answered by GET path (an .xlsx export) under the server's file
// name; an error answer is shown like every other.  Resolves to the row count
// the server reports (X-Export-Rows) or null.
export async function download(path, query) {
  let res;
  try {
    res = await fetch(BASE + path + buildQuery(query), { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
    showError(err);
    throw err;
  }
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { e = {}; }
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || `服务器返回错误（${res.status}）`, e.field);
    showError(err);
    throw err;
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : 'export.xlsx';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  const rows = res.headers.get('X-Export-Rows');
  return rows === null ? null : Number(rows);
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  // PATCH always carries the ETag of the version the user edited.
  patch: (path, body, etag, opts = {}) => request('PATCH', path, { ...opts, body, etag }),
  del: (path, opts = {}) => request('DELETE', path, opts),
  upload,
};

export default api;
