/**
 * The lazy, row-chunked Array (1-D or 2-D). Every method returns a new
 * array holding graph layers, one output key per row chunk, and metadata
 * (dtype, columns, rows per chunk). Nothing runs until `compute`/`persist`.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';
import { computeKeys, persistKeys, retainKeys, type ComputeOptions } from '../graph/compute.js';
import { flatten, tokenize, withLayer, type Layers } from '../graph/layers.js';
import { treeReduce } from '../graph/reduce.js';
import { takeIndices, takeRowsPer, takeTasks } from '../graph/take.js';
import { assertDType, describe, promote, type ChunkLike, type DType } from './dtype.js';
import { COMPARISONS, concatRows, countStrided, prefixSums, type BinaryOp, type ExtremaStat, type MomentStat, type UnaryOp } from './kernels.js';

export interface ArrayMeta {
  dtype: DType;
  /** columns of a 2-D array; null for 1-D */
  cols: number | null;
  /** rows of each chunk; NaN where unknown until computed */
  chunks: number[];
}

/** An operand of arithmetic: another array, a 0-d lazy scalar, or a number. */
export type ArrayOperand = ShoalArray | LazyScalar | number;

export type { ComputeOptions };

/** A lazy 0-d result (a reduction over all elements). */
export class LazyScalar {
  constructor(readonly layers: Layers, readonly key: string, readonly dtype: DType) {}

  /** Runs the graph and returns the number. */
  async compute(options: ComputeOptions = {}): Promise<number> {
    const [c] = (await computeKeys(this.layers, [this.key], options)) as ChunkLike[];
    return Number(c.data[0]);
  }
}

/** The lazy chunked array. Build with `fromArray`, `random.*`, `fromDelayed`, `concatenate`. */
export class ShoalArray {
  readonly dtype: DType;
  readonly cols: number | null;
  readonly chunks: readonly number[];

  constructor(readonly layers: Layers, readonly keys: readonly string[], meta: ArrayMeta, readonly name: string) {
    if (keys.length !== meta.chunks.length) throw new RangeError(`chunks: expected ${keys.length} lengths (one per key), got ${meta.chunks.length}`);
    assertDType('dtype', meta.dtype);
    this.dtype = meta.dtype;
    this.cols = meta.cols;
    this.chunks = meta.chunks;
  }

  get ndim(): 1 | 2 { return this.cols === null ? 1 : 2; }
  get numChunks(): number { return this.keys.length; }
  /** Total rows, or NaN while some chunk length is unknown. */
  get rows(): number { return this.chunks.reduce((a, b) => a + b, 0); }
  get shape(): number[] { return this.cols === null ? [this.rows] : [this.rows, this.cols]; }
  get knownLengths(): boolean { return this.chunks.every((c) => Number.isFinite(c)); }

  /** A new array of per-chunk tasks `op(chunk_i, ...)` built by `argsOf(i)`. */
  blockwise(name: string, argsOf: (i: number) => unknown[], op: string, meta: Partial<ArrayMeta>, deps: (ShoalArray | LazyScalar)[] = [], tokenParts: unknown[] = []): ShoalArray {
    const token = tokenize(name, op, this.keys, deps.map((d) => (d instanceof ShoalArray ? d.keys : d.key)), tokenParts);
    const layer = `${name}-${token}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((_, i) => `${layer}-${i}`);
    keys.forEach((k, i) => tasks.set(k, { op, args: argsOf(i) }));
    const layers = withLayer([this.layers, ...deps.map((d) => d.layers)], layer, tasks);
    return new ShoalArray(layers, keys, { dtype: meta.dtype ?? this.dtype, cols: meta.cols === undefined ? this.cols : meta.cols, chunks: meta.chunks ?? [...this.chunks] }, layer);
  }

  // ------------------------------------------------------------ element-wise

  private binary(op: BinaryOp, other: ArrayOperand, swap = false): ShoalArray {
    const outDtype = COMPARISONS.includes(op) ? 'bool' : op === 'div' || op === 'pow' ? (this.dtype === 'float32' ? 'float32' : 'float64') : promote(this.dtype, operandDType(other));
    const deps = other instanceof ShoalArray || other instanceof LazyScalar ? [other] : [];
    const operandOf = operandFor(this, other);
    return this.blockwise(op, (i) => {
      const a = ref(this.keys[i]);
      const b = operandOf(i);
      return swap ? [op, b, a, outDtype] : [op, a, b, outDtype];
    }, 'array.elemwise', { dtype: outDtype }, deps, [swap, typeof other === 'number' ? other : null]);
  }

  add(o: ArrayOperand): ShoalArray { return this.binary('add', o); }
  sub(o: ArrayOperand): ShoalArray { return this.binary('sub', o); }
  /** `o - this` */
  rsub(o: ArrayOperand): ShoalArray { return this.binary('sub', o, true); }
  mul(o: ArrayOperand): ShoalArray { return this.binary('mul', o); }
  div(o: ArrayOperand): ShoalArray { return this.binary('div', o); }
  /** `o / this` */
  rdiv(o: ArrayOperand): ShoalArray { return this.binary('div', o, true); }
  pow(o: ArrayOperand): ShoalArray { return this.binary('pow', o); }
  mod(o: ArrayOperand): ShoalArray { return this.binary('mod', o); }
  minimum(o: ArrayOperand): ShoalArray { return this.binary('minimum', o); }
  maximum(o: ArrayOperand): ShoalArray { return this.binary('maximum', o); }
  eq(o: ArrayOperand): ShoalArray { return this.binary('eq', o); }
  ne(o: ArrayOperand): ShoalArray { return this.binary('ne', o); }
  lt(o: ArrayOperand): ShoalArray { return this.binary('lt', o); }
  le(o: ArrayOperand): ShoalArray { return this.binary('le', o); }
  gt(o: ArrayOperand): ShoalArray { return this.binary('gt', o); }
  ge(o: ArrayOperand): ShoalArray { return this.binary('ge', o); }
  and(o: ArrayOperand): ShoalArray { return this.binary('and', o); }
  or(o: ArrayOperand): ShoalArray { return this.binary('or', o); }

  private unaryOp(op: UnaryOp, outDtype: DType): ShoalArray {
    return this.blockwise(op, (i) => [op, ref(this.keys[i]), outDtype], 'array.unary', { dtype: outDtype });
  }

  neg(): ShoalArray { return this.unaryOp('neg', this.dtype === 'bool' ? 'uint8' : this.dtype); }
  abs(): ShoalArray { return this.unaryOp('abs', this.dtype); }
  square(): ShoalArray { return this.unaryOp('square', this.dtype === 'bool' ? 'uint8' : this.dtype); }
  sqrt(): ShoalArray { return this.unaryOp('sqrt', floatOf(this.dtype)); }
  exp(): ShoalArray { return this.unaryOp('exp', floatOf(this.dtype)); }
  log(): ShoalArray { return this.unaryOp('log', floatOf(this.dtype)); }
  not(): ShoalArray { return this.unaryOp('not', 'bool'); }
  isnan(): ShoalArray { return this.unaryOp('isnan', 'bool'); }

  astype(dtype: DType): ShoalArray {
    assertDType('dtype', dtype);
    return this.blockwise('astype', (i) => [ref(this.keys[i]), dtype], 'array.astype', { dtype }, [], [dtype]);
  }

  // ------------------------------------------------------------ reductions

  private moments(stat: MomentStat, axis: number | null, ddof: number): ShoalArray | LazyScalar {
    if (axis === 1) return this.rowReduce(stat, ddof);
    const ax = checkAxis(axis, this.ndim);
    const token = tokenize(stat, this.keys, ax, ddof);
    const partial = `moments-${tokenize(this.keys, ax)}`;
    const tasks = new Map<string, TaskSpec>();
    const parts = this.keys.map((k, i) => { const key = `${partial}-${i}`; tasks.set(key, { op: 'array.moments.partial', args: [ref(k), ax] }); return key; });
    const tree = treeReduce(`${partial}-combine`, parts, 'array.moments.combine');
    const out = `${stat}-${token}`;
    return this.finish(tasks, tree, { op: 'array.moments.finalize', args: [ref(tree.root), stat, ddof, ax === null] }, out, ax, 'float64');
  }

  private extrema(stat: ExtremaStat, axis: number | null): ShoalArray | LazyScalar {
    if (axis === 1) return this.rowReduce(stat, 0);
    const ax = checkAxis(axis, this.ndim);
    const partial = `extrema-${tokenize(this.keys, ax)}`;
    const tasks = new Map<string, TaskSpec>();
    const parts = this.keys.map((k, i) => { const key = `${partial}-${i}`; tasks.set(key, { op: 'array.extrema.partial', args: [ref(k), ax] }); return key; });
    const tree = treeReduce(`${partial}-combine`, parts, 'array.extrema.combine');
    const arg = stat === 'argmin' || stat === 'argmax';
    const outDtype: DType = arg ? 'int32' : this.dtype === 'bool' ? 'uint8' : this.dtype;
    return this.finish(tasks, tree, { op: 'array.extrema.finalize', args: [ref(tree.root), stat, ax === null, outDtype] }, `${stat}-${tokenize(stat, this.keys, ax)}`, ax, outDtype);
  }

  private finish(tasks: Map<string, TaskSpec>, tree: { tasks: Map<string, TaskSpec>; root: string }, final: TaskSpec, out: string, ax: 0 | null, dtype: DType): ShoalArray | LazyScalar {
    for (const [k, t] of tree.tasks) tasks.set(k, t);
    tasks.set(out, final);
    // one layer per output: the shared partials may appear in several, under the same keys
    const layers = withLayer([this.layers], out, tasks);
    if (ax === null) return new LazyScalar(layers, out, dtype);
    return new ShoalArray(layers, [out], { dtype, cols: null, chunks: [this.cols ?? 1] }, out);
  }

  private rowReduce(stat: MomentStat | ExtremaStat, ddof: number): ShoalArray {
    if (this.ndim !== 2) throw new RangeError(`axis: expected 0 or null for a 1-D array, got 1`);
    const dtype: DType = stat === 'argmin' || stat === 'argmax' ? 'int32' : 'float64';
    return this.blockwise(`${stat}-rows`, (i) => [ref(this.keys[i]), stat, ddof], 'array.rowReduce', { dtype, cols: null }, [], [ddof]);
  }

  /** Sum over all elements (`axis` omitted/null), per column (0) or per row (1). */
  sum(axis?: null): LazyScalar;
  sum(axis: 0 | 1): ShoalArray;
  sum(axis: number | null = null): ShoalArray | LazyScalar { return this.moments('sum', axis, 0); }
  mean(axis?: null): LazyScalar;
  mean(axis: 0 | 1): ShoalArray;
  mean(axis: number | null = null): ShoalArray | LazyScalar { return this.moments('mean', axis, 0); }
  /** Variance with `ddof` delta degrees of freedom (NumPy's default 0). */
  var(axis?: null, options?: { ddof?: number }): LazyScalar;
  var(axis: 0 | 1, options?: { ddof?: number }): ShoalArray;
  var(axis: number | null = null, options: { ddof?: number } = {}): ShoalArray | LazyScalar { return this.moments('var', axis, options.ddof ?? 0); }
  std(axis?: null, options?: { ddof?: number }): LazyScalar;
  std(axis: 0 | 1, options?: { ddof?: number }): ShoalArray;
  std(axis: number | null = null, options: { ddof?: number } = {}): ShoalArray | LazyScalar { return this.moments('std', axis, options.ddof ?? 0); }
  min(axis?: null): LazyScalar;
  min(axis: 0 | 1): ShoalArray;
  min(axis: number | null = null): ShoalArray | LazyScalar { return this.extrema('min', axis); }
  max(axis?: null): LazyScalar;
  max(axis: 0 | 1): ShoalArray;
  max(axis: number | null = null): ShoalArray | LazyScalar { return this.extrema('max', axis); }
  /** Index of the first minimum (of the flattened array when `axis` is null, as NumPy). */
  argmin(axis?: null): LazyScalar;
  argmin(axis: 0 | 1): ShoalArray;
  argmin(axis: number | null = null): ShoalArray | LazyScalar { return this.extrema('argmin', axis); }
  argmax(axis?: null): LazyScalar;
  argmax(axis: 0 | 1): ShoalArray;
  argmax(axis: number | null = null): ShoalArray | LazyScalar { return this.extrema('argmax', axis); }

  // ------------------------------------------------------------ layout

  /**
   * Rows `start:stop:step` (NumPy semantics for step > 0; null means the
   * end). Works with unknown chunk lengths: the offsets are then computed in
   * the graph from the chunks' lengths.
   */
  slice(start: number | null = 0, stop: number | null = null, step = 1): ShoalArray {
    if (!Number.isInteger(step) || step <= 0) throw new RangeError(`step: expected a positive integer, got ${step}`);
    const total = this.rows;
    const norm = (v: number | null, dflt: number, name: string): number => {
      if (v === null) return dflt;
      if (!Number.isInteger(v)) throw new TypeError(`${name}: expected an integer or null, got ${v}`);
      if (v < 0) {
        if (!Number.isFinite(total)) throw new RangeError(`${name}: a negative index needs known chunk lengths; call await x.resolveLengths() first`);
        return Math.max(0, total + v);
      }
      return v;
    };
    const s = norm(start, 0, 'start');
    const e = norm(stop, Number.isFinite(total) ? total : Number.MAX_SAFE_INTEGER, 'stop');
    const stopArg = Math.min(e, Number.MAX_SAFE_INTEGER);
    if (this.knownLengths) {
      const offsets = prefixSums(this.chunks);
      const lengths = this.chunks.map((n, i) => countStrided(offsets[i], n, s, stopArg, step));
      const keep = lengths.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
      // keep one (empty) chunk so the result still has a dtype and width
      const picked = keep.length > 0 ? keep : [0];
      const sliced = this.blockwise('slice', (i) => [ref(this.keys[i]), offsets[i], s, stopArg, step], 'array.sliceRows', { chunks: lengths }, [], [s, stopArg, step]);
      return sliced.pick(picked);
    }
    const lens = this.lengthsTask();
    return this.blockwise('slice', (i) => [ref(this.keys[i]), ref(lens.key), i, s, stopArg, step], 'array.sliceRowsAt', { chunks: this.chunks.map(() => NaN) }, [lens], [s, stopArg, step]);
  }

  /**
   * Re-cuts the rows into chunks of `rows` (the last may be short). Needs
   * known chunk lengths: `await x.resolveLengths()` first when they are not.
   */
  rechunk(rows: number): ShoalArray {
    if (!Number.isInteger(rows) || rows <= 0) throw new RangeError(`rows: expected a positive integer number of rows per chunk, got ${rows}`);
    if (!this.knownLengths) throw new RangeError('rechunk: the chunk lengths are unknown; call await x.resolveLengths() first');
    const total = this.rows;
    const offsets = prefixSums(this.chunks);
    const layer = `rechunk-${tokenize(this.keys, rows)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys: string[] = [];
    const sizes: number[] = [];
    for (let start = 0; start < Math.max(total, 1); start += rows) {
      const end = Math.min(total, start + rows);
      // the input chunks overlapping [start, end), each cut to its part
      const parts: unknown[] = [];
      for (let i = 0; i < this.keys.length; i++) {
        if (offsets[i + 1] <= start || offsets[i] >= end || this.chunks[i] === 0) continue;
        parts.push([ref(this.keys[i]), offsets[i]]);
      }
      const key = `${layer}-${keys.length}`;
      tasks.set(key, { op: 'array.rechunkPiece', args: [parts, start, end, this.dtype, this.cols] });
      keys.push(key);
      sizes.push(end - start);
    }
    return new ShoalArray(withLayer([this.layers], layer, tasks), keys, { dtype: this.dtype, cols: this.cols, chunks: sizes }, layer);
  }

  /**
   * Rows where a 1-D boolean mask (chunked like this array) is true, as
   * NumPy's `X[mask]`; the result's chunk lengths are unknown until computed.
   */
  mask(mask: ShoalArray): ShoalArray {
    if (!(mask instanceof ShoalArray) || mask.ndim !== 1) throw new TypeError(`mask: expected a 1-D shoal Array of bool, got ${mask instanceof ShoalArray ? `${mask.ndim}-D` : describe(mask)}`);
    if (mask.dtype !== 'bool') throw new TypeError(`mask: expected dtype bool (a comparison's result), got ${mask.dtype}`);
    if (mask.numChunks !== this.numChunks) throw new RangeError(`mask: expected ${this.numChunks} chunks like the array, got ${mask.numChunks}`);
    this.chunks.forEach((n, i) => {
      if (Number.isFinite(n) && Number.isFinite(mask.chunks[i]) && n !== mask.chunks[i]) throw new RangeError(`mask: chunk ${i} has ${mask.chunks[i]} rows, expected ${n} like the array`);
    });
    return this.blockwise('mask', (i) => [ref(this.keys[i]), ref(mask.keys[i])], 'array.maskRows', { chunks: this.chunks.map(() => NaN) }, [mask]);
  }

  /**
   * Rows at integer positions, as NumPy's and Dask's `x[[3, 0, 7]]`: any
   * order, repeats, negative positions counted from the end. Lazy: each
   * output chunk (`chunks` rows; default the largest input chunk) takes, from
   * every input chunk its positions fall in, only the rows it needs, and puts
   * them in the requested order — only picked rows move between workers.
   * With unknown chunk lengths the mapping is itself a task over the chunks'
   * lengths (as `slice` does), so a position out of range then fails at
   * compute; with known lengths it throws here.
   *
   * @example
   * const X = fromArray([[0, 1], [2, 3], [4, 5], [6, 7]], { chunks: 2 });
   * await X.take([3, 0, -1, 3]).compute();   // rows 3, 0, 3, 3: { data: [6, 7, 0, 1, 6, 7, 6, 7], shape: [4, 2] }
   */
  take(indices: ArrayLike<number>, options: { chunks?: number } = {}): ShoalArray {
    const idx = takeIndices(indices);
    if (options.chunks !== undefined && (!Number.isInteger(options.chunks) || options.chunks <= 0)) throw new RangeError(`chunks: expected a positive integer number of rows per output chunk, got ${options.chunks}`);
    const per = options.chunks ?? takeRowsPer(this.chunks, idx.length);
    const layer = `take-${tokenize(this.keys, idx, per)}`;
    const ops = { take: 'array.takeRows', gather: 'array.gatherRows', len: 'array.len', planned: 'array.takePlanned', gatherPlanned: 'array.gatherPlanned' };
    const { tasks, keys, sizes } = takeTasks(layer, this.keys, this.chunks, idx, per, ops, [this.dtype, this.cols]);
    return new ShoalArray(withLayer([this.layers], layer, tasks), keys, { dtype: this.dtype, cols: this.cols, chunks: sizes }, layer);
  }

  /** Keeps only the given chunks (by index). */
  pick(indices: number[]): ShoalArray {
    return new ShoalArray(this.layers, indices.map((i) => this.keys[i]), { dtype: this.dtype, cols: this.cols, chunks: indices.map((i) => this.chunks[i]) }, this.name);
  }

  /** Columns of a 2-D array: one index gives a 1-D array, a list a 2-D one. */
  col(index: number | number[]): ShoalArray {
    if (this.cols === null) throw new RangeError('col: expected a 2-D array, got a 1-D one');
    const list = Array.isArray(index) ? index : [index];
    for (const j of list) if (!Number.isInteger(j) || j < -this.cols || j >= this.cols) throw new RangeError(`col: expected column indices in [${-this.cols}, ${this.cols}), got ${j}`);
    const cols = list.map((j) => (j < 0 ? this.cols! + j : j));
    const squeeze = !Array.isArray(index);
    return this.blockwise('cols', (i) => [ref(this.keys[i]), cols, squeeze], 'array.selectCols', { cols: squeeze ? null : cols.length }, [], [cols, squeeze]);
  }

  /**
   * Applies a registered op to every chunk: `op(chunk, ...args)` must return a
   * chunk. Give `dtype`/`cols` when they change, and `rows: 'unknown'` when the
   * op changes the number of rows.
   */
  mapBlocks(op: string, options: { args?: unknown[]; dtype?: DType; cols?: number | null; rows?: 'same' | 'unknown' } = {}): ShoalArray {
    if (typeof op !== 'string' || op.length === 0) throw new TypeError(`op: expected the name of a registered op, got ${describe(op)}`);
    if (options.dtype !== undefined) assertDType('dtype', options.dtype);
    const args = options.args ?? [];
    return this.blockwise(op.replace(/[^a-zA-Z0-9_.]/g, '_'), (i) => [ref(this.keys[i]), ...args], op, {
      dtype: options.dtype, cols: options.cols, chunks: options.rows === 'unknown' ? this.chunks.map(() => NaN) : undefined,
    }, [], [args]);
  }

  /** A task that computes every chunk's row count (cheap on persisted chunks). */
  lengthsTask(): LazyScalar {
    const token = tokenize('lengths', this.keys);
    const tasks = new Map<string, TaskSpec>();
    const lenKeys = this.keys.map((k, i) => { const key = `len-${token}-${i}`; tasks.set(key, { op: 'array.len', args: [ref(k)] }); return key; });
    const out = `lengths-${token}`;
    tasks.set(out, { op: 'collections.list', args: [lenKeys.map((k) => ref(k))] });
    return new LazyScalar(withLayer([this.layers], `len-${token}`, tasks), out, 'int32');
  }

  /** Computes unknown chunk lengths and returns an array that knows them. */
  async resolveLengths(options: ComputeOptions = {}): Promise<ShoalArray> {
    if (this.knownLengths) return this;
    const lens = this.lengthsTask();
    const [list] = (await computeKeys(lens.layers, [lens.key], options)) as number[][];
    const out = new ShoalArray(this.layers, this.keys, { dtype: this.dtype, cols: this.cols, chunks: list }, this.name);
    retainKeys(out, this.keys); // the same chunks: persisted ones stay while either array lives
    return out;
  }

  // ------------------------------------------------------------ execution

  /** Runs the graph and returns the whole array as one row-major chunk. */
  async compute(options: ComputeOptions = {}): Promise<ChunkLike> {
    const parts = (await computeKeys(this.layers, [...this.keys], options)) as ChunkLike[];
    return concatRows(parts, this.dtype, this.cols);
  }

  /** Computes each chunk; the chunks stay apart. */
  async computeChunks(options: ComputeOptions = {}): Promise<ChunkLike[]> {
    return (await computeKeys(this.layers, [...this.keys], options)) as ChunkLike[];
  }

  /**
   * Starts computing the chunks on the workers, where they stay, and
   * resolves once submitted; with `wait` (or `progress`, which shows a bar)
   * once they are computed. Later graphs built on this array reuse the
   * stored chunks by key. With `wait`, unknown chunk lengths are resolved.
   */
  async persist(options: ComputeOptions & { wait?: boolean } = {}): Promise<ShoalArray> {
    await persistKeys(this, this.layers, [...this.keys], options);
    if (options.wait) return this.resolveLengths(options);
    return this;
  }

  /** The flat graph (for inspection and tests). */
  graph(): ReturnType<typeof flatten> { return flatten(this.layers); }
}

function floatOf(d: DType): DType { return d === 'float32' ? 'float32' : 'float64'; }

function operandDType(o: ArrayOperand): DType {
  if (typeof o === 'number') return Number.isInteger(o) ? 'int32' : 'float64';
  return o.dtype;
}

function operandFor(a: ShoalArray, o: ArrayOperand): (i: number) => unknown {
  if (typeof o === 'number') return () => o;
  if (o instanceof LazyScalar) return () => ref(o.key);
  if (o.numChunks === 1 && o.ndim === 1 && a.ndim === 2 && (o.chunks[0] === a.cols || !Number.isFinite(o.chunks[0]))) return () => ref(o.keys[0]);
  if (o.numChunks !== a.numChunks) throw new RangeError(`operand: expected ${a.numChunks} chunks like the left array, got ${o.numChunks}; rechunk one of them`);
  if (o.cols !== a.cols) throw new RangeError(`operand: expected ${a.cols === null ? '1-D' : `${a.cols} columns`}, got ${o.cols === null ? '1-D' : `${o.cols} columns`}`);
  for (let i = 0; i < a.numChunks; i++) {
    if (Number.isFinite(a.chunks[i]) && Number.isFinite(o.chunks[i]) && a.chunks[i] !== o.chunks[i]) {
      throw new RangeError(`operand: chunk ${i} has ${o.chunks[i]} rows, expected ${a.chunks[i]} like the left array`);
    }
  }
  return (i) => ref(o.keys[i]);
}

function checkAxis(axis: number | null, ndim: number): 0 | null {
  if (axis === null || axis === undefined) return null;
  if (axis === 0) return 0;
  throw new RangeError(`axis: expected null, 0${ndim === 2 ? ' or 1' : ''}, got ${axis}`);
}

/**
 * `cond ? a : b` element by element (NumPy's `where`); `a` and `b` are arrays
 * chunked like `cond`, numbers, lazy scalars or per-column rows.
 */
export function where(cond: ShoalArray, a: ArrayOperand, b: ArrayOperand): ShoalArray {
  if (!(cond instanceof ShoalArray)) throw new TypeError(`cond: expected a shoal Array, got ${describe(cond)}`);
  const dtype = promote(operandDType(a), operandDType(b));
  const deps = [a, b].filter((o): o is ShoalArray | LazyScalar => o instanceof ShoalArray || o instanceof LazyScalar);
  const ra = operandFor(cond, a);
  const rb = operandFor(cond, b);
  return cond.blockwise('where', (i) => [ref(cond.keys[i]), ra(i), rb(i), dtype], 'array.where', { dtype }, deps, [typeof a === 'number' ? a : null, typeof b === 'number' ? b : null]);
}
