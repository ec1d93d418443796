/**
 * The graph a lazy collection carries: named layers of tasks (as Dask's
 * HighLevelGraph), shared by reference between collections built from one
 * another, flattened into the runtime's `Graph` only at compute time.
 */
import { createHash } from 'node:crypto';
import type { Graph, TaskSpec } from '../../actors/graph.js';

export type Layers = ReadonlyMap<string, ReadonlyMap<string, TaskSpec>>;

export function mergeLayers(...all: Layers[]): Map<string, ReadonlyMap<string, TaskSpec>> {
  const out = new Map<string, ReadonlyMap<string, TaskSpec>>();
  for (const layers of all) for (const [name, tasks] of layers) out.set(name, tasks);
  return out;
}

export function withLayer(base: Layers[], name: string, tasks: ReadonlyMap<string, TaskSpec>): Layers {
  const out = mergeLayers(...base);
  out.set(name, tasks);
  return out;
}

export function flatten(layers: Layers): Graph {
  const g: Graph = new Map();
  for (const tasks of layers.values()) for (const [k, t] of tasks) g.set(k, t);
  return g;
}

/**
 * A deterministic token for a computation: the same op over the same inputs
 * and parameters gives the same keys, so persisted results are found again.
 */
export function tokenize(...parts: unknown[]): string {
  const h = createHash('sha1');
  const feed = (v: unknown): void => {
    if (v === null || v === undefined) h.update(String(v));
    else if (ArrayBuffer.isView(v)) {
      h.update(v.constructor.name);
      h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else if (Array.isArray(v)) { h.update('['); v.forEach(feed); h.update(']'); }
    else if (typeof v === 'object') {
      h.update('{');
      for (const k of Object.keys(v as object).sort()) { h.update(k); h.update(':'); feed((v as Record<string, unknown>)[k]); }
      h.update('}');
    } else h.update(`${typeof v}:${String(v)}`);
  };
  parts.forEach(feed);
  return h.digest('hex').slice(0, 12);
}
