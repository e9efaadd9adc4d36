// tests/lib/xlsx_read.mjs - reads the .xlsx files the server exports, for the
// API tests (the counterpart of xlsx_build.mjs; no npm package, no unzip
// process): the zip's central directory over node:zlib, then the first
// sheet's cells with inline or shared strings.
import zlib from 'node:zlib';
import assert from 'node:assert/strict';

// The entries of a zip archive: Map name -> Buffer (stored or deflated).
export function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, 'a zip archive (end of central directory found)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const packed = buf.subarray(start, start + size);
    out.set(name, method === 0 ? Buffer.from(packed) : zlib.inflateRawSync(packed));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// The first sheet of an .xlsx as { xml, rows: [[cell text...]] }: xml is the
// sheet and shared-strings text (to search for what must not be there), rows
// the cells by column letter, '' where a row has none.
export function readXlsx(buf) {
  const parts = unzip(buf);
  const part = (name) => (parts.has(name) ? parts.get(name).toString('utf8') : '');
  const xml = part('xl/worksheets/sheet1.xml');
  assert.ok(xml.includes('<sheetData'), 'a worksheet');
  const sharedXml = part('xl/sharedStrings.xml');
  const shared = [...sharedXml.matchAll(/<si>(.*?)<\/si>/gs)].map((m) => [...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => unescape(t[1])).join(''));
  const col = (ref) => [...ref].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  const rows = [...xml.matchAll(/<row [^>]*>(.*?)<\/row>/gs)].map((r) => {
    const cells = [];
    for (const c of r[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const inner = c[3] || '';
      let v = [...inner.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => unescape(t[1])).join('');
      if (/t="s"/.test(c[2])) v = shared[Number(/<v>(\d+)<\/v>/.exec(inner)[1])];
      else if (!v) { const m = /<v>(.*?)<\/v>/.exec(inner); v = m ? m[1] : ''; }
      cells[col(c[1])] = v;
    }
    return Array.from(cells, (x) => x ?? '');
  });
  return { xml: xml + sharedXml, rows };
}
