/**
 * trainTestSplit for shoal collections, as Dask-ML's: nothing is shuffled
 * across the data set and nothing is computed here.
 * - Arrays are split block-wise: each block's rows are shuffled with a
 *   per-block seed and cut at ⌈testSize·rows⌉ (exact per block), so X and y
 *   chunked alike are cut at the same rows.
 * - DataFrames are split partition-wise with `randomSplit` (each row goes to
 *   test with probability testSize, from a per-partition seed): sizes are
 *   approximate, as Dask-ML's `random_split`.
 */
import { ref } from '../../actors/graph.js';
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import { uniformSource } from '../../collections/array/rng.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { DataFrame, ShoalArray } from '../collections-bridge.js';

export interface LazySplitOptions {
  /** fraction of rows for the test part (default 0.25, or 1 − trainSize) */
  testSize?: number;
  trainSize?: number;
  /** shuffle rows within each block before cutting (default true; DataFrames need it) */
  shuffle?: boolean;
  randomState?: number;
}

/** [train, test] of every input, in order: `[Xtr, Xte, ytr, yte]`. */
export function trainTestSplitLazy(arrays: (ShoalArray | DataFrame)[], options: LazySplitOptions = {}): (ShoalArray | DataFrame)[] {
  const testFraction = fractionOf(options);
  const shuffle = options.shuffle ?? true;
  const seed = options.randomState ?? Math.floor(Math.random() * 2 ** 31);
  const first = arrays[0];
  const blocks = first instanceof ShoalArray ? first.numChunks : first.npartitions;
  arrays.forEach((a, i) => {
    const n = a instanceof ShoalArray ? a.numChunks : a.npartitions;
    if (n !== blocks) throw new RangeError(`arrays[${i}]: expected ${blocks} ${first instanceof ShoalArray ? 'chunks' : 'partitions'} as arrays[0], got ${n}: inputs must be chunked alike to be cut at the same rows`);
  });
  return arrays.flatMap((a): (ShoalArray | DataFrame)[] => {
    if (a instanceof DataFrame) {
      if (!shuffle) throw new RangeError('trainTestSplit: shuffle: false is not supported for DataFrames (they are split by a random draw per row, as Dask-ML\'s random_split)');
      return a.randomSplit([1 - testFraction, testFraction], { randomState: seed });
    }
    return (['train', 'test'] as const).map((which) => a.blockwise(`split-${which}`, (i) => [ref(a.keys[i]), testFraction, shuffle, seed, i, which], 'ml.split.block',
      { chunks: a.chunks.map((n) => (Number.isFinite(n) ? blockSizes(n, testFraction)[which === 'train' ? 0 : 1] : NaN)) }, [], [testFraction, shuffle, seed]));
  });
}

function fractionOf(o: LazySplitOptions): number {
  const check = (v: number, name: string): number => {
    if (!(v > 0 && v < 1)) throw new RangeError(`trainTestSplit: ${name} must be a fraction in (0, 1) for shoal collections (their lengths may be unknown), got ${v}`);
    return v;
  };
  if (o.testSize !== undefined && o.trainSize !== undefined && Math.abs(o.testSize + o.trainSize - 1) > 1e-12) {
    throw new RangeError(`trainTestSplit: for shoal collections testSize + trainSize must be 1, got ${o.testSize} + ${o.trainSize}`);
  }
  if (o.testSize !== undefined) return check(o.testSize, 'testSize');
  if (o.trainSize !== undefined) return 1 - check(o.trainSize, 'trainSize');
  return 0.25;
}

/** [train, test] rows of an n-row block (test = ⌈fraction·n⌉, as scikit-learn rounds). */
function blockSizes(n: number, testFraction: number): [number, number] {
  const test = Math.min(n, Math.ceil(testFraction * n));
  return [n - test, test];
}

/** The train or test rows of one block: the same rows for every input chunked alike. */
export function splitBlock(x: ChunkLike, testFraction: number, shuffle: boolean, seed: number, block: number, which: 'train' | 'test'): ChunkLike {
  const n = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  const [nTrain] = blockSizes(n, testFraction);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) {
    const rand = uniformSource(seed, block + 1);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const rows = which === 'train' ? order.subarray(0, nTrain) : order.subarray(nTrain);
  const Ctor = x.data.constructor as Float64ArrayConstructor;
  const out = allocShared(Ctor, rows.length * cols) as Float64Array;
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = x.data[rows[r] * cols + c];
  return { data: out, shape: x.shape.length === 2 ? [rows.length, cols] : [rows.length] };
}

registerOp('ml.split.block', splitBlock);
