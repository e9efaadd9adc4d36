// imports_lib.mjs - the import job round trip the registry and payments
// import tests share: a UTF-8 CSV body, the upload, waiting for the job, and
// the commit.
import assert from 'node:assert/strict';
import { expectStatus, sleep } from './lib.mjs';

export const csv = (rows) => Buffer.from(`\ufeff${rows.map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8');

export const upload = (c, kind, body, name = `${kind}.csv`) =>
  c.post(`/api/v1/imports?kind=${kind}&name=${encodeURIComponent(name)}`, body, { 'content-type': 'application/octet-stream' });

// Polls the job until it is neither checking nor importing; returns it.
export async function waitJob(c, id) {
  for (let i = 0; i < 300; i++) {
    const r = await c.get(`/api/v1/imports/${id}`);
    expectStatus(r, 200, `GET job ${id}:`);
    if (!['checking', 'importing'].includes(r.body.status)) return r.body;
    await sleep(100);
  }
  throw new Error(`job ${id} did not finish`);
}

export async function commitJob(c, id, mode) {
  const r = await c.post(`/api/v1/imports/${id}/commit`, { mode });
  expectStatus(r, 202, 'commit:');
  return waitJob(c, id);
}

// Uploads and waits for the dry run; returns the checked (or failed) job.
export async function checkJob(c, kind, body, name) {
  const r = await upload(c, kind, body, name);
  expectStatus(r, 202, 'upload:');
  assert.equal(r.body.job, r.body.id);
  return waitJob(c, r.body.job);
}

// A report's errors (or warnings) as [row, column, message].
export const issues = (job, key = 'errors') => job.report[key].map((e) => [e.row, e.column, e.message]);
