/**
 * Finding and replacing `ref(key)` placeholders inside task arguments, for
 * the optimiser. The runtime owns the placeholder's representation; this
 * module learns it from one probe `ref()` (its prototype, and the property
 * that holds the key), so it stays right if that representation changes.
 */
import { ref } from '../../actors/graph.js';

const PROBE = '\u0000shoal-probe\u0000';
const sample = ref(PROBE) as unknown as Record<string, unknown>;
const sampleProto = Object.getPrototypeOf(sample);
const sampleKeys = Object.keys(sample).sort().join('\u0000');
const keyProp = Object.keys(sample).find((k) => sample[k] === PROBE);
if (keyProp === undefined) throw new Error('collections: cannot find the key inside the runtime\'s ref() value');

export function isRefValue(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Array.isArray(v)) return false;
  if (Object.getPrototypeOf(v) !== sampleProto) return false;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).sort().join('\u0000') !== sampleKeys || typeof o[keyProp!] !== 'string') return false;
  // every other property (a brand, a tag) must match the probe's
  return Object.keys(sample).every((k) => k === keyProp || o[k] === sample[k]);
}

export function refKey(v: unknown): string {
  return (v as Record<string, string>)[keyProp!];
}

/**
 * Copies `v`, replacing each ref by `f(key)` when that returns a value
 * (leaves the ref otherwise). Typed arrays and class instances are kept as they are.
 */
export function mapRefs(v: unknown, f: (key: string) => unknown): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (isRefValue(v)) { const r = f(refKey(v)); return r === undefined ? v : r; }
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, f));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, mapRefs(x, f)]));
}
