/**
 * The value format shared by the wire, the task threads and the spill files:
 * a small header (V8 structured-clone bytes of the value with its typed arrays
 * and custom types replaced by markers) plus a list of out-of-band buffers.
 * Typed arrays are never copied into the header, so the in-process transport
 * passes them by reference and a SharedArrayBuffer stays shared.
 */
import v8 from 'node:v8';
import { REF } from './graph.js';
import type { WireValue } from './protocol/messages.js';

/** A type that structured clone cannot carry (e.g. Arrow `Table`): how to take it apart and rebuild it. */
export interface Serializer<T = unknown> {
  name: string;
  test(value: unknown): value is T;
  /** `header` must be structured-clonable; `buffers` are passed out-of-band. */
  encode(value: T): { header: unknown; buffers: ArrayBufferView[] };
  decode(header: any, buffers: ArrayBufferView[]): T;
  /** Bytes the value holds; defaults to the size of its encoding. */
  sizeOf?(value: T): number;
}

export interface Encoded {
  header: Uint8Array;
  buffers: ArrayBufferView[];
}

const BUF = '\u0000shoal.buf';
const SER = '\u0000shoal.ser';
const serializers: Serializer[] = [];

/** Adds a type to the wire / spill format. Must be registered on every thread that sees the type. */
export function registerSerializer<T>(s: Serializer<T>): void {
  if (typeof s?.name !== 'string' || typeof s.test !== 'function' || typeof s.encode !== 'function' ||
      typeof s.decode !== 'function') {
    throw new TypeError('registerSerializer: expected { name: string, test, encode, decode } functions');
  }
  const i = serializers.findIndex((x) => x.name === s.name);
  if (i >= 0) serializers[i] = s as Serializer;
  else serializers.push(s as Serializer);
}

function customFor(value: object): Serializer | undefined {
  for (const s of serializers) if (s.test(value)) return s;
  return undefined;
}

const TYPED: Record<string, new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView & { length?: number }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
  Uint8ClampedArray, BigInt64Array, BigUint64Array, DataView: DataView as any,
};

function isPlain(value: object): boolean {
  const p = Object.getPrototypeOf(value);
  return p === Object.prototype || p === null;
}

/** Replaces typed arrays and custom types by markers; `flags.marked` says whether a decode walk is needed. */
function replace(value: unknown, buffers: ArrayBufferView[], flags: { marked: boolean }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    flags.marked = true;
    buffers.push(value);
    const name = value.constructor.name === 'Buffer' ? 'Uint8Array' : value.constructor.name;
    return { [BUF]: buffers.length - 1, t: name };
  }
  if ((value as Record<string, unknown>)[REF] !== undefined) {
    flags.marked = true;
    return value;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const r = replace(value[i], buffers, flags);
      if (r !== value[i]) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, replace(v, buffers, flags)]));
  }
  if (!isPlain(value)) {
    const s = customFor(value);
    if (s === undefined) return value; // left to structured clone (loses its prototype)
    flags.marked = true;
    const enc = s.encode(value);
    const first = buffers.length;
    buffers.push(...enc.buffers);
    return { [SER]: s.name, h: enc.header, b0: first, n: enc.buffers.length };
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const r = replace(v, buffers, flags);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
  }
  return out ?? value;
}

/** Encodes `value` into a header and out-of-band buffers. */
/**
 * Appends an encoded value's buffers to a message's `attachments`: the wire
 * value (header, buffer indexes) that points at them.
 */
export function attach(enc: Encoded, attachments: ArrayBufferView[]): WireValue {
  const first = attachments.length;
  attachments.push(...enc.buffers);
  return { header: enc.header, buffers: enc.buffers.map((_, i) => first + i) };
}

export function encodeValue(value: unknown): Encoded {
  const buffers: ArrayBufferView[] = [];
  const flags = { marked: false };
  const replaced = replace(value, buffers, flags);
  const body = v8.serialize(replaced);
  // First byte: 1 when the decoder must walk the value to restore markers.
  const header = new Uint8Array(body.length + 1);
  header[0] = flags.marked ? 1 : 0;
  header.set(body, 1);
  return { header, buffers };
}

function viewAs(buf: ArrayBufferView, type: string): ArrayBufferView {
  if (buf.constructor.name === type) return buf;
  const ctor = TYPED[type];
  if (ctor === undefined) throw new TypeError(`decodeValue: unknown buffer type ${type}`);
  const size = (ctor as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  let b = buf;
  if (b.byteOffset % size !== 0) b = new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
  return type === 'DataView'
    ? new DataView(b.buffer, b.byteOffset, b.byteLength)
    : new ctor(b.buffer, b.byteOffset, b.byteLength / size);
}

function restore(value: unknown, buffers: ArrayBufferView[], resolve?: (key: string) => unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  const rec = value as Record<string, any>;
  if (typeof rec[BUF] === 'number') {
    const b = buffers[rec[BUF]];
    if (b === undefined) throw new RangeError(`decodeValue: buffer ${rec[BUF]} missing (have ${buffers.length})`);
    return viewAs(b, rec.t);
  }
  if (typeof rec[REF] === 'string') return resolve ? resolve(rec[REF]) : value;
  if (typeof rec[SER] === 'string') {
    const s = serializers.find((x) => x.name === rec[SER]);
    if (s === undefined) throw new TypeError(`decodeValue: no serializer named ${rec[SER]} registered on this thread`);
    return s.decode(rec.h, buffers.slice(rec.b0, rec.b0 + rec.n));
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], buffers, resolve);
  } else if (value instanceof Map) {
    for (const [k, v] of value) value.set(k, restore(v, buffers, resolve));
  } else if (isPlain(value)) {
    for (const k in rec) rec[k] = restore(rec[k], buffers, resolve);
  }
  return value;
}

/** Rebuilds a value; `resolve` (if given) replaces each ref by a result. */
export function decodeValue(header: Uint8Array, buffers: ArrayBufferView[], resolve?: (key: string) => unknown): unknown {
  if (header.length < 2) throw new RangeError(`decodeValue: header of ${header.length} bytes is truncated`);
  const value = v8.deserialize(header.subarray(1));
  return header[0] === 1 ? restore(value, buffers, resolve) : value;
}

/** True when structured clone alone would lose part of `value` (a registered custom type inside). */
export function needsEncoding(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  if (serializers.length === 0) return false;
  if (Array.isArray(value)) return value.some(needsEncoding);
  if (value instanceof Map) return [...value.values()].some(needsEncoding);
  if (!isPlain(value)) return customFor(value) !== undefined;
  for (const k in value) if (needsEncoding((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** Bytes `value` holds in memory (typed arrays exactly, the rest estimated); used for memory accounting. */
export function sizeOf(value: unknown): number {
  switch (typeof value) {
    case 'number': case 'bigint': return 8;
    case 'boolean': case 'undefined': return 4;
    case 'string': return 16 + 2 * value.length;
    case 'object': break;
    default: return 8;
  }
  if (value === null) return 4;
  if (ArrayBuffer.isView(value)) return value.byteLength + 64;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return value.byteLength;
  if (Array.isArray(value)) {
    let n = 16 + 8 * value.length;
    for (const v of value) n += typeof v === 'object' ? sizeOf(v) : 0;
    return n;
  }
  if (value instanceof Map) {
    let n = 32;
    for (const [k, v] of value) n += sizeOf(k) + sizeOf(v);
    return n;
  }
  if (!isPlain(value)) {
    const s = customFor(value);
    if (s !== undefined) {
      if (s.sizeOf) return s.sizeOf(value);
      const enc = s.encode(value);
      return enc.buffers.reduce((a, b) => a + b.byteLength, 64);
    }
  }
  let n = 32;
  for (const k in value) n += 16 + sizeOf((value as Record<string, unknown>)[k]);
  return n;
}

/** A short type name for progress and errors (`Float64Array`, `Object`, `number`). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'Object';
}
