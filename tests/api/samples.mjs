// tests/api/samples.mjs - small real files of each type the server accepts or refuses,
// for the attachment tests (bytes, not mocks: libmagic on the server must recognise them).
import { deflateSync, crc32 } from 'node:zlib';

function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

// A w×h RGB PNG filled with one colour (seed varies the colour so files differ).
export function png(w = 2, h = 2, seed = 0) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const row = Buffer.alloc(1 + 3 * w);
  for (let x = 0; x < w; x++) row.set([seed & 255, (seed >> 8) & 255, 128], 1 + 3 * x);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]));
}

export const PNG = png();

// A JPEG/JFIF header and an end marker: what libmagic needs to say image/jpeg.
export const JPEG = new Uint8Array(Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  Buffer.alloc(64, 0x11), Buffer.from([0xff, 0xd9]),
]));

// A one-page PDF.
export const PDF = new Uint8Array(Buffer.from(`%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`, 'latin1'));

// Things that must be refused whatever name or type the client claims.
export const HTML = new Uint8Array(Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'));
export const TEXT = new Uint8Array(Buffer.from('这不是图片，只是一段文字。\n'));
export const EXE = new Uint8Array(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]));
