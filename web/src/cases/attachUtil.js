// attachUtil.js - what the screens that file attachments share (the case page,
// the action dialog, the phone pages): the client-side check of a chosen file
// (type by name or browser type, size), the upload itself (POST
// /cases/{id}/attachments?name=, raw body, with an Idempotency-Key so a retried
// upload files one attachment) and how an attachment is shown.  The server
// decides: it detects the type from the bytes and refuses what is not JPEG,
// PNG, WebP or PDF with its own Chinese message, which the callers show.
import { upload } from '../api.js';
import { newIdempotencyKey } from './caseUtil.js';

export const MAX_BYTES = 10 * 1024 * 1024; // docs/api.md: at most 10 MB per file
export const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf';
const TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
const EXTS = /\.(jpe?g|png|webp|pdf)$/i;

// Why the browser will not send `file` (a File), or '' when it may be sent.
export function checkFile(file) {
  if (!file) return '请选择文件';
  if (!(TYPES.has(file.type) || EXTS.test(file.name || ''))) {
    return `“${file.name}”不是 JPEG、PNG、WebP 图片或 PDF 文件，不能上传`;
  }
  if (file.size === 0) return `“${file.name}”是空文件，不能上传`;
  if (file.size > MAX_BYTES) return `“${file.name}”超过 10 MB（${formatSize(file.size)}），不能上传`;
  return '';
}

// Files `file` on case `caseId`; resolves to the <attachment>, rejects with the
// server's ApiError (not shown: the caller shows it next to the file).
export function uploadAttachment(caseId, file, onProgress, name = file.name) {
  return upload(`/cases/${caseId}/attachments`, file, {
    query: { name: name || 'file' }, quiet: true, onProgress,
    headers: { 'Idempotency-Key': newIdempotencyKey() },
  }).then((r) => r.data);
}

export const isImage = (a) => !!(a && typeof a.mime === 'string' && a.mime.startsWith('image/'));

// 1234567 -> '1.2 MB'
export function formatSize(n) {
  const b = Number(n) || 0;
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${(b / 1024 / 1024).toFixed(1)} MB`;
}

// A name for a photo taken with the camera (the browser names them image.jpg).
export function photoName(file, prefix = '现场照片') {
  const ext = (/\.[a-z0-9]{2,5}$/i.exec(file.name || '') || ['.jpg'])[0].toLowerCase();
  const d = new Date(Date.now() + 8 * 3600 * 1000).toISOString();
  return `${prefix}-${d.slice(0, 10).replace(/-/g, '')}-${d.slice(11, 19).replace(/:/g, '')}${ext}`;
}
