/**
 * Cross-validation splitters and trainTestSplit over in-memory data, as
 * scikit-learn's: `split(n)` yields `[trainIndices, testIndices]` pairs.
 * Shuffling uses shoal's seeded generator (same `randomState`, same split),
 * not NumPy's, so shuffled folds differ from scikit-learn's by design.
 */
import { uniformSource } from '../../collections/array/rng.js';
import { checkParam } from '../base.js';
import { DataFrame, ShoalArray } from '../collections-bridge.js';
import { trainTestSplitLazy, type LazySplitOptions } from './split-lazy.js';

export type Split = [Int32Array, Int32Array];

/** shoal's seeded uniform generator (collections' xoshiro128**), one stream per use. */
export function seededRandom(seed: number): () => number {
  return uniformSource(seed, 0);
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function complement(n: number, test: Int32Array): Int32Array {
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const train = new Int32Array(n - test.length);
  let k = 0;
  for (let i = 0; i < n; i++) if (!inTest[i]) train[k++] = i;
  return train;
}

function checkSplits(owner: string, nSplits: number, n: number): void {
  checkParam(owner, 'nSplits', nSplits, Number.isInteger(nSplits) && nSplits >= 2, 'an integer ≥ 2');
  if (n < nSplits) throw new RangeError(`${owner}: nSplits=${nSplits} is more than the ${n} samples`);
}

/** K folds of consecutive samples (shuffled first with `shuffle`); the first `n % k` folds get one extra sample. */
export class KFold {
  constructor(readonly options: { nSplits?: number; shuffle?: boolean; randomState?: number } = {}) {}

  get nSplits(): number { return this.options.nSplits ?? 5; }

  *split(nSamples: number): Generator<Split> {
    const k = this.nSplits;
    checkSplits('KFold', k, nSamples);
    const order = this.options.shuffle ? permutation(nSamples, this.options.randomState ?? 0) : Int32Array.from({ length: nSamples }, (_, i) => i);
    let start = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(nSamples / k) + (f < nSamples % k ? 1 : 0);
      const test = order.slice(start, start + size).sort();
      start += size;
      yield [complement(nSamples, test), test];
    }
  }
}

/**
 * K folds that keep each class's share, as scikit-learn's StratifiedKFold:
 * samples of each class (in order, or shuffled) are dealt to folds so that
 * fold sizes differ by at most one and class counts per fold by at most one.
 */
export class StratifiedKFold {
  constructor(readonly options: { nSplits?: number; shuffle?: boolean; randomState?: number } = {}) {}

  get nSplits(): number { return this.options.nSplits ?? 5; }

  *split(y: ArrayLike<number>): Generator<Split> {
    const n = y.length;
    const k = this.nSplits;
    checkSplits('StratifiedKFold', k, n);
    // classes in order of first appearance, as scikit-learn's encoding does
    const classes = [...new Set(Array.from(y))];
    const yEnc = Int32Array.from(y, (v) => classes.indexOf(v));
    const counts = classes.map((_, c) => yEnc.filter((v) => v === c).length);
    if (Math.max(...counts) < k) throw new RangeError(`StratifiedKFold: nSplits=${k} is more than the members of every class (largest class has ${Math.max(...counts)})`);
    // scikit-learn: sort samples by class, deal them round-robin to folds, then count per class per fold
    const sortedEnc = Array.from(yEnc).sort((a, b) => a - b);
    const allocation = classes.map(() => new Array<number>(k).fill(0));
    for (let f = 0; f < k; f++) for (let i = f; i < n; i += k) allocation[sortedEnc[i]][f]++;
    const testFold = new Int32Array(n);
    const rand = this.options.shuffle ? seededRandom(this.options.randomState ?? 0) : null;
    classes.forEach((_, c) => {
      const folds: number[] = [];
      allocation[c].forEach((cnt, f) => { for (let q = 0; q < cnt; q++) folds.push(f); });
      if (rand) for (let i = folds.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [folds[i], folds[j]] = [folds[j], folds[i]]; }
      let q = 0;
      for (let i = 0; i < n; i++) if (yEnc[i] === c) testFold[i] = folds[q++];
    });
    for (let f = 0; f < k; f++) {
      const test = Int32Array.from(testFold.keys()).filter((i) => testFold[i] === f);
      yield [complement(n, test), test];
    }
  }
}

/** Random train/test splits, `nSplits` times. */
export class ShuffleSplit {
  constructor(readonly options: { nSplits?: number; testSize?: number; trainSize?: number; randomState?: number } = {}) {}

  *split(nSamples: number): Generator<Split> {
    const nSplits = this.options.nSplits ?? 10;
    checkParam('ShuffleSplit', 'nSplits', nSplits, Number.isInteger(nSplits) && nSplits >= 1, 'an integer ≥ 1');
    const [nTrain, nTest] = splitSizes('ShuffleSplit', nSamples, this.options.testSize ?? 0.1, this.options.trainSize);
    const seed = this.options.randomState ?? 0;
    for (let s = 0; s < nSplits; s++) {
      const p = permutation(nSamples, seed + s * 0x9e3779b9);
      yield [p.slice(nTest, nTest + nTrain).sort(), p.slice(0, nTest).sort()];
    }
  }
}

/** Train and test sizes from fractions or counts, as scikit-learn (test rounded up, train down). */
export function splitSizes(owner: string, n: number, testSize: number | undefined, trainSize: number | undefined): [number, number] {
  const count = (v: number, name: string, ceil: boolean): number => {
    if (v > 0 && v < 1) return ceil ? Math.ceil(v * n) : Math.floor(v * n);
    if (Number.isInteger(v) && v >= 1 && v < n) return v;
    throw new RangeError(`${owner}: ${name} must be a fraction in (0, 1) or a count in [1, ${n - 1}], got ${v}`);
  };
  const nTest = testSize !== undefined ? count(testSize, 'testSize', true) : trainSize !== undefined ? n - count(trainSize, 'trainSize', false) : Math.ceil(0.25 * n);
  const nTrain = trainSize !== undefined ? count(trainSize, 'trainSize', false) : n - nTest;
  if (nTrain + nTest > n) throw new RangeError(`${owner}: trainSize + testSize = ${nTrain + nTest} samples, more than the ${n} there are`);
  if (nTrain === 0 || nTest === 0) throw new RangeError(`${owner}: with ${n} samples the split leaves an empty train or test set`);
  return [nTrain, nTest];
}

/**
 * Rows `idx` of a dense row-major matrix or vector. Runs of consecutive rows (a K-fold
 * split's folds are two or three runs) go in one copy each; a lone row is copied value by
 * value (a `subarray` per row cost ~100 ns, which was 7 ms of each search task's 66 667 rows).
 */
export function takeRows<T extends Float64Array | Int32Array | Uint8Array | Float32Array>(data: T, cols: number, idx: ArrayLike<number>): T {
  const Ctor = data.constructor as new (n: number) => T;
  const out = new Ctor(idx.length * cols);
  let r = 0;
  while (r < idx.length) {
    let end = r + 1;
    while (end < idx.length && idx[end] === idx[end - 1] + 1) end++;
    const from = idx[r] * cols;
    if (end - r === 1 && cols <= 32) {
      for (let j = 0; j < cols; j++) out[r * cols + j] = data[from + j];
    } else {
      out.set(data.subarray(from, from + (end - r) * cols) as ArrayLike<number>, r * cols);
    }
    r = end;
  }
  return out;
}

/**
 * Splits several same-length arrays into train and test parts, shuffled by
 * default: `const [Xtr, Xte, ytr, yte] = trainTestSplit([X, y], { testSize: 0.25, randomState: 0 })`.
 * In memory, each input is `{ data, shape }` (rows first) or a 1-D typed/plain
 * array. shoal Arrays and DataFrames are split lazily, block- or partition-wise
 * (split-lazy.ts), and come back as lazy collections.
 */
export function trainTestSplit(arrays: (ShoalArray | DataFrame)[], options?: LazySplitOptions): (ShoalArray | DataFrame)[];
export function trainTestSplit(arrays: ({ data: Float64Array; shape: number[] } | ArrayLike<number>)[], options?: { testSize?: number; trainSize?: number; shuffle?: boolean; randomState?: number }): ({ data: Float64Array; shape: number[] } | Float64Array)[];
export function trainTestSplit(arrays: unknown[], options: { testSize?: number; trainSize?: number; shuffle?: boolean; randomState?: number } = {}): unknown[] {
  if (!Array.isArray(arrays) || arrays.length === 0) throw new TypeError('arrays: expected a non-empty list of arrays to split');
  const lazy = arrays.map((a) => a instanceof ShoalArray || a instanceof DataFrame);
  if (lazy.some((l) => l)) {
    if (!lazy.every((l) => l)) throw new TypeError('arrays: mix of shoal collections and in-memory arrays; split them separately');
    // collections: block-wise / partition-wise, lazily (split-lazy.ts)
    return trainTestSplitLazy(arrays as (ShoalArray | DataFrame)[], options);
  }
  return trainTestSplitInMemory(arrays as ({ data: Float64Array; shape: number[] } | ArrayLike<number>)[], options);
}

function trainTestSplitInMemory(arrays: ({ data: Float64Array; shape: number[] } | ArrayLike<number>)[], options: { testSize?: number; trainSize?: number; shuffle?: boolean; randomState?: number }): ({ data: Float64Array; shape: number[] } | Float64Array)[] {
  const views = arrays.map((a, i) => {
    if (typeof a === 'object' && a !== null && 'shape' in a) {
      const s = (a as { shape: number[] }).shape;
      return { data: Float64Array.from((a as { data: ArrayLike<number> }).data), rows: s[0], cols: s.length === 2 ? s[1] : 1, shape: s };
    }
    if (!(Array.isArray(a) || ArrayBuffer.isView(a))) throw new TypeError(`arrays[${i}]: expected a { data, shape } matrix or a 1-D array`);
    const d = Float64Array.from(a as ArrayLike<number>);
    return { data: d, rows: d.length, cols: 1, shape: null };
  });
  const n = views[0].rows;
  views.forEach((v, i) => { if (v.rows !== n) throw new RangeError(`arrays[${i}]: expected ${n} rows as arrays[0], got ${v.rows}`); });
  const [nTrain, nTest] = splitSizes('trainTestSplit', n, options.testSize, options.trainSize);
  const order = options.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : permutation(n, options.randomState ?? 0);
  const train = order.slice(0, nTrain);
  const test = order.slice(nTrain, nTrain + nTest);
  return views.flatMap((v) => [train, test].map((idx) => {
    const data = takeRows(v.data, v.cols, idx);
    return v.shape ? { data, shape: v.shape.length === 2 ? [idx.length, v.cols] : [idx.length] } : data;
  }));
}
