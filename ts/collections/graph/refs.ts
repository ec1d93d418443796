/**
 * Finding and replacing `ref(key)` placeholders inside task arguments, for
 * the optimiser (the runtime's `isRef`/`REF` define them).
 */
import { isRef, REF } from '../../actors/graph.js';

export function isRefValue(v: unknown): boolean {
  return isRef(v);
}

export function refKey(v: unknown): string {
  if (!isRef(v)) throw new TypeError('refKey: not a ref');
  return v[REF];
}

/**
 * Copies `v`, replacing each ref by `f(key)` when that returns a value
 * (leaves the ref otherwise). Typed arrays and class instances are kept as they are.
 */
export function mapRefs(v: unknown, f: (key: string) => unknown): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (isRef(v)) { const r = f(v[REF]); return r === undefined ? v : r; }
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, f));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, mapRefs(x, f)]));
}
