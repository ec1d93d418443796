/**
 * How values cross between a worker and its task threads. Kept apart from
 * task-thread.ts: that module imports op modules at load time, and an op module
 * importing the public API would otherwise form an import cycle through it.
 */
import { decodeValue, encodeValue, needsEncoding, type Encoded } from './serialize.js';

/** How values cross to and from a thread: as themselves, or encoded when structured clone would lose them. */
export type Packed = { v: unknown } | { e: Encoded };

export function pack(value: unknown): Packed {
  return needsEncoding(value) ? { e: encodeValue(value) } : { v: value };
}

export function unpack(p: Packed): unknown {
  return 'e' in p ? decodeValue(p.e.header, p.e.buffers) : p.v;
}

