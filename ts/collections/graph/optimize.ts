/**
 * Graph optimisation before submission:
 * - cull: keep only the tasks the requested keys need;
 * - projection pushdown: a Parquet read whose only consumer keeps some
 *   columns reads only those columns;
 * - scans: a read whose only consumer is a reduction partial becomes one
 *   `frame.scanParquet` task that lends the row group instead of copying it;
 * - fusion: a task whose result only one other task uses is folded into that
 *   task, so a chain `read → select → assign → toChunk` runs as one task (no
 *   scheduling, no intermediate results stored) — Dask's `fuse` of linear chains.
 */
import type { Graph, TaskSpec } from '../../actors/graph.js';
import { isRefValue, mapRefs, refKey } from './refs.js';

/** A fused task runs these steps in order; `{ [LOCAL]: i }` in an argument is step i's result. */
export const FUSED_OP = 'collections.fused';
export const LOCAL = '__shoalLocal';

export interface FusedStep { op: string; args: unknown[] }

export function dependencies(task: TaskSpec): Set<string> {
  const out = new Set<string>();
  mapRefs(task.args, (key) => { out.add(key); return undefined; });
  return out;
}

export function cull(graph: Graph, outputs: string[]): Graph {
  const keep = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const k = stack.pop()!;
    if (keep.has(k)) continue;
    keep.add(k);
    const t = graph.get(k);
    if (t) for (const d of dependencies(t)) stack.push(d);
  }
  const out: Graph = new Map();
  for (const [k, t] of graph) if (keep.has(k)) out.set(k, t);
  return out;
}

function dependents(graph: Graph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, t] of graph) for (const d of dependencies(t)) { const l = out.get(d) ?? []; l.push(k); out.set(d, l); }
  return out;
}

/** Consumers that use only some columns of a partition, and which arguments name them (the union is read). */
const PROJECTING: Record<string, number[]> = {
  'frame.select': [1], 'frame.toChunk': [1], 'frame.describe.partial': [1], 'frame.corr.partial': [1], 'frame.uniques.partial': [1],
  'frame.groupby.partial': [1, 2], // keys, value columns
};

function projectedColumns(u: TaskSpec): string[] | null {
  const at = PROJECTING[u.op];
  if (at === undefined) return null;
  const cols: string[] = [];
  for (const i of at) {
    const list = u.args[i];
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) return null;
    for (const c of list as string[]) if (!cols.includes(c)) cols.push(c);
  }
  return cols;
}

export function pushProjection(graph: Graph, protectedKeys: Set<string>): Graph {
  const users = dependents(graph);
  const out: Graph = new Map(graph);
  for (const [k, t] of graph) {
    if (t.op !== 'frame.readParquet' || protectedKeys.has(k)) continue;
    const us = users.get(k) ?? [];
    if (us.length !== 1) continue;
    const u = graph.get(us[0])!;
    const cols = projectedColumns(u);
    if (cols === null || !isRefValue(u.args[0]) || refKey(u.args[0]) !== k) continue;
    const spec = t.args[0] as { columns: string[] | null };
    if (spec.columns && !cols.every((c) => spec.columns!.includes(c))) continue;
    out.set(k, { ...t, args: [{ ...spec, columns: cols }] });
  }
  return out;
}

/**
 * Per-partition reductions whose partials are fresh values (sums, sketches,
 * counts, distinct values), never views of their input table: a Parquet read
 * feeding only one of them — directly or through synchronous row-wise steps
 * (SCAN_STEPS) — becomes one `frame.scanParquet` task that lends the row group
 * from the reader's memory instead of copying it.
 */
export const SCAN_OPS = ['frame.describe.partial', 'frame.corr.partial', 'frame.groupby.partial', 'frame.nullCounts', 'frame.uniques.partial'];
export const SCAN_STEPS = ['frame.select', 'frame.assign', 'frame.filter', 'frame.dropna'];

export function scanReads(graph: Graph, keep: Set<string>): Graph {
  const users = dependents(graph);
  const out: Graph = new Map(graph);
  // the single consumer of `k`, when `k`'s result is its first argument and its only input
  const next = (k: string): [string, TaskSpec] | null => {
    const us = users.get(k) ?? [];
    if (us.length !== 1 || keep.has(k)) return null;
    const u = graph.get(us[0])!;
    if (!isRefValue(u.args[0]) || refKey(u.args[0]) !== k || [...dependencies(u)].some((d) => d !== k)) return null;
    return [us[0], u];
  };
  for (const [k, t] of graph) {
    if (t.op !== 'frame.readParquet') continue;
    const chain: string[] = [];
    const steps: [string, unknown[]][] = [];
    let at = next(k);
    while (at && SCAN_STEPS.includes(at[1].op)) {
      chain.push(at[0]);
      steps.push([at[1].op, at[1].args.slice(1)]);
      at = next(at[0]);
    }
    if (!at || !SCAN_OPS.includes(at[1].op)) continue;
    steps.push([at[1].op, at[1].args.slice(1)]);
    out.delete(k);
    for (const c of chain) out.delete(c);
    out.set(at[0], { ...at[1], op: 'frame.scanParquet', args: [t.args[0], steps] });
  }
  return out;
}

export function topoOrder(graph: Graph): string[] {
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  for (const root of graph.keys()) {
    if (state.has(root)) continue;
    const stack: [string, boolean][] = [[root, false]];
    while (stack.length) {
      const [k, done] = stack.pop()!;
      if (done) { state.set(k, 2); order.push(k); continue; }
      if (state.has(k)) continue;
      state.set(k, 1);
      stack.push([k, true]);
      const t = graph.get(k);
      if (t) for (const d of dependencies(t)) if (!state.has(d) && graph.has(d)) stack.push([d, false]);
    }
  }
  return order;
}

/** Ops that only take a field or view of their input: free to run wherever the input is. */
export const PICKS = new Set(['collections.pick']);

/**
 * Folds every task with exactly one consumer into that consumer, unless it is
 * requested or protected (persisted, so its stored result must be reused).
 * Also a task with several outputs picked apart (a data set's `{ X, y }`)
 * whose picks all feed one task: source, picks and consumer become one task,
 * so the source's result (a generated chunk) is never stored.
 */
export function fuse(graph: Graph, outputs: string[], protectedKeys: Set<string>): Graph {
  const users = dependents(graph);
  const keep = new Set([...outputs, ...protectedKeys]);
  const programs = new Map<string, FusedStep[]>();
  const absorbed = new Set<string>();
  const inlinable = (d: string): boolean => programs.has(d) && !keep.has(d) && graph.get(d)?.op !== FUSED_OP;
  for (const k of topoOrder(graph)) {
    const t = graph.get(k);
    if (!t) continue;
    const steps: FusedStep[] = [];
    // Only linear chains: a task that gathers several private inputs (a
    // tree-reduction step) keeps them as separate, parallel tasks.
    const privateDeps = [...dependencies(t)].filter((d) => inlinable(d) && (users.get(d) ?? []).length === 1);
    const fusable = new Set(privateDeps.length === 1 ? privateDeps : []);
    const local = new Map<string, number>();
    const source = privateDeps.length > 1 ? pickedSource(graph, users, privateDeps, inlinable) : null;
    if (source !== null) {
      // the diamond source → picks → this task: the picks cost nothing, so nothing parallel is lost
      steps.push(...programs.get(source)!);
      absorbed.add(source);
      const at = steps.length - 1;
      for (const d of privateDeps) {
        const pick = graph.get(d)!;
        steps.push({ op: pick.op, args: mapRefs(pick.args, (key) => (key === source ? { [LOCAL]: at } : undefined)) as unknown[] });
        local.set(d, steps.length - 1);
        absorbed.add(d);
      }
    }
    const args = mapRefs(t.args, (dep) => {
      if (local.has(dep)) return { [LOCAL]: local.get(dep) };
      const prog = programs.get(dep);
      if (!prog || !fusable.has(dep)) return undefined;
      const offset = steps.length;
      for (const s of prog) steps.push({ op: s.op, args: shiftLocals(s.args, offset) as unknown[] });
      absorbed.add(dep);
      return { [LOCAL]: steps.length - 1 };
    }) as unknown[];
    steps.push({ op: t.op, args });
    programs.set(k, steps);
  }
  const out: Graph = new Map();
  for (const [k, t] of graph) {
    if (absorbed.has(k)) continue;
    const steps = programs.get(k)!;
    out.set(k, steps.length === 1 ? t : { ...t, op: FUSED_OP, args: [{ steps }] });
  }
  return out;
}

/**
 * The one task that `deps` all pick from, when each dep is a single pick of
 * it and nothing else uses it; null otherwise.
 */
function pickedSource(graph: Graph, users: Map<string, string[]>, deps: string[], inlinable: (k: string) => boolean): string | null {
  let source: string | null = null;
  for (const d of deps) {
    const t = graph.get(d)!;
    if (!PICKS.has(t.op)) return null;
    const ins = [...dependencies(t)];
    if (ins.length !== 1 || (source !== null && ins[0] !== source)) return null;
    source = ins[0];
  }
  if (source === null || !inlinable(source)) return null;
  return (users.get(source) ?? []).every((u) => deps.includes(u)) ? source : null;
}

function shiftLocals(v: unknown, by: number): unknown {
  if (by === 0 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || isRefValue(v)) return v;
  if (Array.isArray(v)) return v.map((x) => shiftLocals(x, by));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const o = v as Record<string, unknown>;
  if (typeof o[LOCAL] === 'number' && Object.keys(o).length === 1) return { [LOCAL]: (o[LOCAL] as number) + by };
  return Object.fromEntries(Object.entries(o).map(([key, x]) => [key, shiftLocals(x, by)]));
}

/** Replaces local markers by step results (inside a fused task, on the worker). */
export function resolveLocals(v: unknown, results: unknown[]): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => resolveLocals(x, results));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const o = v as Record<string, unknown>;
  if (typeof o[LOCAL] === 'number' && Object.keys(o).length === 1) return results[o[LOCAL] as number];
  return Object.fromEntries(Object.entries(o).map(([key, x]) => [key, resolveLocals(x, results)]));
}

export interface OptimizeOptions { fuse?: boolean; protectedKeys?: Set<string> }

export function optimize(graph: Graph, outputs: string[], o: OptimizeOptions = {}): Graph {
  const protectedKeys = o.protectedKeys ?? new Set<string>();
  let g = cull(graph, outputs);
  g = pushProjection(g, protectedKeys);
  g = scanReads(g, new Set([...protectedKeys, ...outputs]));
  if (o.fuse !== false) g = fuse(g, outputs, protectedKeys);
  return g;
}
