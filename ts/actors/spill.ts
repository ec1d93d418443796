/**
 * The spill-file format: an encoded value (serializer header + buffers) in one
 * file. Layout (little-endian): u32 header length, header, u32 buffer count,
 * then per buffer: u8 type-name length, type name, u8 shared flag, f64 byte
 * length, bytes. Shared buffers come back in a SharedArrayBuffer so threads
 * can keep sharing them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Encoded } from './serialize.js';

export function writeSpillFile(path: string, enc: Encoded): number {
  const names = enc.buffers.map((b) => Buffer.from(b.constructor.name === 'Buffer' ? 'Uint8Array' : b.constructor.name));
  let size = 4 + enc.header.length + 4;
  enc.buffers.forEach((b, i) => (size += 1 + names[i]!.length + 1 + 8 + b.byteLength));
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt32LE(enc.header.length, 0);
  out.set(enc.header, o);
  o += enc.header.length;
  o = out.writeUInt32LE(enc.buffers.length, o);
  enc.buffers.forEach((b, i) => {
    o = out.writeUInt8(names[i]!.length, o);
    out.set(names[i]!, o);
    o += names[i]!.length;
    o = out.writeUInt8(b.buffer instanceof SharedArrayBuffer ? 1 : 0, o);
    o = out.writeDoubleLE(b.byteLength, o);
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), o);
    o += b.byteLength;
  });
  writeFileSync(path, out);
  return size;
}

export function readSpillFile(path: string): Encoded {
  const buf = readFileSync(path);
  const fail = (what: string) => new Error(`spill file ${path} is corrupt: ${what}`);
  if (buf.length < 8) throw fail('shorter than its fixed header');
  const hlen = buf.readUInt32LE(0);
  if (4 + hlen + 4 > buf.length) throw fail('header past the end');
  const header = new Uint8Array(buf.subarray(4, 4 + hlen));
  let o = 4 + hlen;
  const n = buf.readUInt32LE(o);
  o += 4;
  const buffers: ArrayBufferView[] = [];
  for (let i = 0; i < n; i++) {
    const nameLen = buf.readUInt8(o++);
    const name = buf.toString('latin1', o, o + nameLen);
    o += nameLen;
    const shared = buf.readUInt8(o++) === 1;
    const len = buf.readDoubleLE(o);
    o += 8;
    if (o + len > buf.length) throw fail(`buffer ${i} past the end`);
    const backing = shared ? new SharedArrayBuffer(len) : new ArrayBuffer(len);
    new Uint8Array(backing).set(buf.subarray(o, o + len));
    o += len;
    // decodeValue re-views these bytes as the type its header recorded; `name` is checked for sanity.
    if (!/^[A-Za-z0-9]+$/.test(name)) throw fail(`buffer ${i} has type name ${JSON.stringify(name)}`);
    buffers.push(new Uint8Array(backing));
  }
  return { header, buffers };
}
