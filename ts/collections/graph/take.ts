/**
 * Integer (fancy) indexing by global row position, shared by Arrays
 * (`X.take`) and DataFrames (`df.take`): which input chunk holds each
 * requested row, and the tasks that pick the rows and put them in order.
 * The collection names its per-chunk ops; this file knows only rows.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';

/** How a take maps each requested row to a chunk (`takePlan`). */
export interface TakePlan {
  /** per input chunk: the distinct local rows it gives, ascending */
  local: Int32Array[];
  /** per requested row: the chunk that holds it */
  chunkOf: Int32Array;
  /** per requested row: its place in `local[chunkOf[k]]` */
  at: Int32Array;
}

/**
 * Maps global row positions (negative ones count from the end) to chunks
 * with `lengths` rows each. Throws a RangeError naming `indices` for a
 * position outside the rows (`base`: where `indices` sits in the caller's
 * list, for the message).
 */
export function takePlan(lengths: readonly number[], indices: ArrayLike<number>, base = 0): TakePlan {
  const offsets = [0];
  for (const n of lengths) offsets.push(offsets[offsets.length - 1] + n);
  const total = offsets[offsets.length - 1];
  const n = indices.length;
  const chunkOf = new Int32Array(n);
  const row = new Int32Array(n);
  const perChunk: number[][] = lengths.map(() => []);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    const g = i < 0 ? total + i : i;
    if (!(g >= 0 && g < total)) throw new RangeError(`indices: index ${i} (position ${base + k}) is out of range for ${total} rows; expected -${total} <= index < ${total}`);
    // the last chunk starting at or before g (an empty chunk shares the next one's offset and is passed over)
    let lo = 0, hi = lengths.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (offsets[mid] <= g) lo = mid; else hi = mid - 1; }
    chunkOf[k] = lo;
    row[k] = g - offsets[lo];
    perChunk[lo].push(row[k]);
  }
  const local = perChunk.map((rows) => Int32Array.from(new Set(rows)).sort());
  const at = new Int32Array(n);
  for (let k = 0; k < n; k++) at[k] = lowerBound(local[chunkOf[k]], row[k]);
  return { local, chunkOf, at };
}

function lowerBound(a: Int32Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Checks `indices` (integers in a JS or typed array) and copies them for the graph. */
export function takeIndices(indices: unknown): Float64Array {
  if (!(Array.isArray(indices) || (ArrayBuffer.isView(indices) && !(indices instanceof DataView)))) {
    const what = indices === null ? 'null' : typeof indices === 'object' ? (indices as object).constructor?.name ?? 'object' : typeof indices;
    throw new TypeError(`indices: expected integers in a JS or typed array, got ${what}${what === 'ShoalArray' ? '; compute it first ((await idx.compute()).data)' : ''}`);
  }
  const idx = Float64Array.from(indices as ArrayLike<number>);
  idx.forEach((v, k) => { if (!Number.isInteger(v)) throw new TypeError(`indices: expected integers, got ${(indices as ArrayLike<unknown>)[k]} at position ${k}`); });
  return idx;
}

/** The default rows per output chunk of a take: the largest input chunk, or an even share of `n` rows over the chunks when lengths are unknown. */
export function takeRowsPer(lengths: readonly number[], n: number): number {
  return Math.max(1, lengths.every((l) => Number.isFinite(l)) ? lengths.reduce((a, b) => Math.max(a, b), 0) : Math.ceil(n / lengths.length));
}

/** The ops a collection lends to `takeTasks`; `gather` and `gatherPlanned` get `extra` appended. */
export interface TakeOps {
  /** `(chunk, rows: Int32Array)` → those rows, in that order */
  take: string;
  /** `(parts, partOf: Int32Array, rowOf: Int32Array, ...extra)` → row k is row `rowOf[k]` of `parts[partOf[k]]` */
  gather: string;
  /** `(chunk) → number of rows`, for unknown lengths */
  len: string;
  /** `(chunk, plan, c)` → rows `plan.local[c]` */
  planned: string;
  /** `(parts, plan, lo, hi, ...extra)` → requested rows lo..hi */
  gatherPlanned: string;
}

/**
 * Tasks for rows `idx` of the chunks `keys` (rows per chunk `lengths`, NaN
 * where unknown), in output chunks of `per` rows keyed `${layer}-${j}`.
 *
 * Known lengths: each output chunk gets one `take` per input chunk its rows
 * fall in (the distinct rows it needs, ascending) and a `gather` that puts
 * them in order — none when one input chunk gives them all, in order — so
 * only picked rows move. A position out of range throws here.
 *
 * Unknown lengths: a plan task over the chunks' lengths (`len` tasks), one
 * `planned` pick per input chunk of the rows any output needs, and one
 * `gatherPlanned` per output chunk over all the picks. A position out of
 * range fails at compute, with the same message.
 */
export function takeTasks(layer: string, keys: readonly string[], lengths: readonly number[], idx: Float64Array, per: number, ops: TakeOps, extra: unknown[]): { tasks: Map<string, TaskSpec>; keys: string[]; sizes: number[] } {
  const n = idx.length;
  const nOut = Math.max(1, Math.ceil(n / per));
  const tasks = new Map<string, TaskSpec>();
  const out = Array.from({ length: nOut }, (_, j) => `${layer}-${j}`);
  const range = (j: number): [number, number] => [j * per, Math.min(n, (j + 1) * per)];
  if (n === 0) {
    tasks.set(out[0], { op: ops.take, args: [ref(keys[0]), new Int32Array(0)] });
  } else if (lengths.every((l) => Number.isFinite(l))) {
    for (let j = 0; j < nOut; j++) {
      const [lo, hi] = range(j);
      const plan = takePlan(lengths, idx.subarray(lo, hi), lo);
      const touched = plan.local.map((rows, c) => (rows.length > 0 ? c : -1)).filter((c) => c >= 0);
      if (touched.length === 1) {
        const c = touched[0];
        tasks.set(out[j], { op: ops.take, args: [ref(keys[c]), Int32Array.from(plan.at, (a) => plan.local[c][a])] });
        continue;
      }
      const partOf = new Int32Array(keys.length);
      touched.forEach((c, p) => { partOf[c] = p; });
      const parts = touched.map((c) => {
        const key = `${layer}-${j}-${c}`;
        tasks.set(key, { op: ops.take, args: [ref(keys[c]), plan.local[c]] });
        return ref(key);
      });
      tasks.set(out[j], { op: ops.gather, args: [parts, Int32Array.from(plan.chunkOf, (c) => partOf[c]), plan.at, ...extra] });
    }
  } else {
    const lens = keys.map((k, c) => { const key = `${layer}-len-${c}`; tasks.set(key, { op: ops.len, args: [ref(k)] }); return ref(key); });
    const planKey = `${layer}-plan`;
    tasks.set(planKey, { op: 'collections.takePlan', args: [lens, idx] });
    const parts = keys.map((k, c) => {
      const key = `${layer}-part-${c}`;
      tasks.set(key, { op: ops.planned, args: [ref(k), ref(planKey), c] });
      return ref(key);
    });
    for (let j = 0; j < nOut; j++) tasks.set(out[j], { op: ops.gatherPlanned, args: [parts, ref(planKey), ...range(j), ...extra] });
  }
  return { tasks, keys: out, sizes: out.map((_, j) => { const [lo, hi] = range(j); return Math.max(0, hi - lo); }) };
}
