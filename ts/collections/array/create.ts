/**
 * Ways to make a lazy array: from data on the client, from blocks a task
 * makes on a worker, by joining arrays, and random data generated per chunk
 * on the workers.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';
import { tokenize, withLayer, mergeLayers } from '../graph/layers.js';
import { ShoalArray } from './array.js';
import { assertDType, describe, dtypeOfData, type DType, type TypedArray } from './dtype.js';

/** Rows per chunk for `n` rows in chunks of `chunk` rows (the last may be short). */
export function chunkSizes(n: number, chunk: number, what = 'chunks'): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`nSamples: expected a non-negative integer, got ${n}`);
  if (!Number.isInteger(chunk) || chunk <= 0) throw new RangeError(`${what}: expected a positive integer number of rows, got ${chunk}`);
  const out: number[] = [];
  for (let at = 0; at < n; at += chunk) out.push(Math.min(chunk, n - at));
  return out.length ? out : [0];
}

/**
 * An array from client data: a typed array (1-D, or 2-D with `shape`), or
 * nested JS arrays (rows). The chunks travel inside the graph.
 */
export function fromArray(data: TypedArray | number[] | number[][] | boolean[], options: { chunks?: number; shape?: [number] | [number, number]; dtype?: DType } = {}): ShoalArray {
  let flat: TypedArray | number[];
  let rows: number;
  let cols: number | null;
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    dtype = options.dtype ?? dtypeOfData(flat);
    if (options.shape?.length === 2) [rows, cols] = options.shape;
    else { rows = flat.length; cols = null; }
  } else if (Array.isArray(data)) {
    if (data.length > 0 && Array.isArray(data[0])) {
      const nested = data as number[][];
      cols = nested[0].length;
      nested.forEach((r, i) => { if (!Array.isArray(r) || r.length !== cols) throw new RangeError(`data: row ${i} has ${Array.isArray(r) ? r.length : describe(r)} values, expected ${cols} like row 0`); });
      rows = nested.length;
      flat = nested.flat();
    } else {
      flat = (data as (number | boolean)[]).map(Number);
      rows = flat.length; cols = null;
    }
    dtype = options.dtype ?? (typeof data[0] === 'boolean' ? 'bool' : 'float64');
  } else {
    throw new TypeError(`data: expected a typed array or (nested) array of numbers, got ${describe(data)}`);
  }
  assertDType('dtype', dtype);
  if (flat.length !== rows * (cols ?? 1)) throw new RangeError(`shape: expected ${flat.length} values for [${options.shape}], got ${rows * (cols ?? 1)}`);
  const sizes = chunkSizes(rows, options.chunks ?? Math.max(rows, 1));
  const token = tokenize('array', flat, rows, cols, dtype, sizes);
  const name = `array-${token}`;
  const tasks = new Map<string, TaskSpec>();
  let at = 0;
  const keys = sizes.map((n, i) => {
    const w = cols ?? 1;
    const part = flat.slice(at * w, (at + n) * w);
    at += n;
    const key = `${name}-${i}`;
    tasks.set(key, { op: 'array.chunk', args: [part, cols === null ? [n] : [n, cols], dtype] });
    return key;
  });
  return new ShoalArray(new Map([[name, tasks]]), keys, { dtype, cols, chunks: sizes }, name);
}

/** A block made by a task: the op and its arguments (refs to other tasks allowed). */
export interface DelayedBlock {
  op: string;
  args?: unknown[];
  /** rows, when known in advance */
  rows?: number;
}

/**
 * An array whose chunks are made on the workers by registered ops, one task
 * per block (Dask's `from_delayed`); nothing is built on the client. Rows
 * per block may be unknown: shoal resolves them when needed.
 */
export function fromDelayed(blocks: DelayedBlock[], options: { dtype: DType; cols: number | null }): ShoalArray {
  if (!Array.isArray(blocks) || blocks.length === 0) throw new RangeError(`blocks: expected a non-empty array of { op, args }, got ${describe(blocks)}`);
  assertDType('dtype', options.dtype);
  blocks.forEach((b, i) => { if (typeof b?.op !== 'string') throw new TypeError(`blocks[${i}].op: expected an op name, got ${describe(b?.op)}`); });
  const token = tokenize('delayed', blocks.map((b) => [b.op, b.args ?? []]), options);
  const name = `delayed-${token}`;
  const tasks = new Map<string, TaskSpec>();
  const keys = blocks.map((b, i) => { const k = `${name}-${i}`; tasks.set(k, { op: b.op, args: b.args ?? [] }); return k; });
  return new ShoalArray(new Map([[name, tasks]]), keys, { dtype: options.dtype, cols: options.cols, chunks: blocks.map((b) => b.rows ?? NaN) }, name);
}

/** Joins arrays by rows; widths and dtypes must agree (dtype is promoted by a cast otherwise). */
export function concatenate(arrays: ShoalArray[]): ShoalArray {
  if (!Array.isArray(arrays) || arrays.length === 0) throw new RangeError(`arrays: expected a non-empty list of arrays, got ${describe(arrays)}`);
  const first = arrays[0];
  arrays.forEach((a, i) => {
    if (!(a instanceof ShoalArray)) throw new TypeError(`arrays[${i}]: expected a shoal Array, got ${describe(a)}`);
    if (a.cols !== first.cols) throw new RangeError(`arrays[${i}]: expected ${first.cols === null ? 'a 1-D array' : `${first.cols} columns`} like arrays[0], got ${a.cols === null ? '1-D' : `${a.cols} columns`}`);
    if (a.dtype !== first.dtype) throw new TypeError(`arrays[${i}]: expected dtype ${first.dtype} like arrays[0], got ${a.dtype}; use astype first`);
  });
  return new ShoalArray(mergeLayers(...arrays.map((a) => a.layers)), arrays.flatMap((a) => a.keys), { dtype: first.dtype, cols: first.cols, chunks: arrays.flatMap((a) => a.chunks) }, `concatenate-${tokenize(arrays.map((a) => a.keys))}`);
}

/** Random arrays generated chunk by chunk on the workers. */
export interface RandomOptions {
  /** `n` for 1-D or `[n, cols]` */
  size: number | [number, number];
  /** rows per chunk (default: all rows in one chunk) */
  chunks?: number;
  /** the seed; chunk i draws from stream i of it */
  randomState?: number;
  dtype?: 'float64' | 'float32';
}

let autoSeed = 0;
function seedOf(randomState: number | undefined): number {
  if (randomState === undefined) return (Date.now() + autoSeed++ * 7919) % 2 ** 31;
  if (!Number.isInteger(randomState) || randomState < 0) throw new RangeError(`randomState: expected a non-negative integer, got ${randomState}`);
  return randomState;
}

function randomArray(kind: 'normal' | 'uniform', params: Record<string, number>, o: RandomOptions): ShoalArray {
  const [n, cols] = typeof o.size === 'number' ? [o.size, null] : o.size;
  if (cols !== null && (!Number.isInteger(cols) || cols <= 0)) throw new RangeError(`size: expected a positive number of columns, got ${cols}`);
  const sizes = chunkSizes(n, o.chunks ?? Math.max(n, 1));
  const seed = seedOf(o.randomState);
  const dtype = o.dtype ?? 'float64';
  const name = `random.${kind}-${tokenize(kind, params, seed, sizes, cols, dtype)}`;
  const tasks = new Map<string, TaskSpec>();
  const keys = sizes.map((rows, i) => { const k = `${name}-${i}`; tasks.set(k, { op: `array.random.${kind}`, args: [{ seed, stream: i, rows, cols, dtype, ...params }] }); return k; });
  return new ShoalArray(new Map([[name, tasks]]), keys, { dtype, cols, chunks: sizes }, name);
}

/** `random.normal({ loc, scale, size, chunks, randomState })`, as `numpy.random.normal`. */
export function normal(o: RandomOptions & { loc?: number; scale?: number }): ShoalArray {
  const scale = o.scale ?? 1;
  if (!(scale >= 0)) throw new RangeError(`scale: expected a non-negative number, got ${scale}`);
  return randomArray('normal', { loc: o.loc ?? 0, scale }, o);
}

/** `random.uniform({ low, high, size, chunks, randomState })`: values in [low, high). */
export function uniform(o: RandomOptions & { low?: number; high?: number }): ShoalArray {
  const low = o.low ?? 0, high = o.high ?? 1;
  if (!(high >= low)) throw new RangeError(`high: expected a number >= low (${low}), got ${high}`);
  return randomArray('uniform', { low, high }, o);
}

export const random = { normal, uniform };

/** Splits a task returning `{ X, y }` into two arrays (a `pick` task each). */
export function splitXY(name: string, tasks: Map<string, TaskSpec>, genKeys: string[], sizes: number[], xMeta: { dtype: DType; cols: number | null }, yMeta: { dtype: DType; cols: number | null }): [ShoalArray, ShoalArray] {
  const xt = new Map<string, TaskSpec>();
  const yt = new Map<string, TaskSpec>();
  const xKeys = genKeys.map((g, i) => { const k = `${name}-X-${i}`; xt.set(k, { op: 'collections.pick', args: [ref(g), 'X'] }); return k; });
  const yKeys = genKeys.map((g, i) => { const k = `${name}-y-${i}`; yt.set(k, { op: 'collections.pick', args: [ref(g), 'y'] }); return k; });
  const base = new Map([[name, tasks]]);
  return [
    new ShoalArray(withLayer([base], `${name}-X`, xt), xKeys, { ...xMeta, chunks: sizes }, `${name}-X`),
    new ShoalArray(withLayer([base], `${name}-y`, yt), yKeys, { ...yMeta, chunks: sizes }, `${name}-y`),
  ];
}

export { seedOf };
