import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KFold, ShuffleSplit, StratifiedKFold, takeRows, trainTestSplit } from './split.js';
import { sk } from '../testdata.js';

const asLists = (splits: Iterable<[Int32Array, Int32Array]>) => [...splits].map(([a, b]) => [Array.from(a), Array.from(b)]);

test('KFold folds equal scikit-learn\'s (unshuffled)', () => {
  assert.deepEqual(asLists(new KFold({ nSplits: 3 }).split(10)), sk.splits.kfold_10_3);
  assert.deepEqual(asLists(new KFold({ nSplits: 4 }).split(11)), sk.splits.kfold_11_4);
});

test('StratifiedKFold folds equal scikit-learn\'s (unshuffled)', () => {
  assert.deepEqual(asLists(new StratifiedKFold({ nSplits: 3 }).split(sk.splits.strat_y)), sk.splits.stratified_3);
});

test('shuffled KFold partitions the samples: every index is tested exactly once, reproducibly', () => {
  const folds = asLists(new KFold({ nSplits: 4, shuffle: true, randomState: 7 }).split(23));
  const tested = folds.flatMap(([, te]) => te).sort((a, b) => a - b);
  assert.deepEqual(tested, Array.from({ length: 23 }, (_, i) => i));
  for (const [tr, te] of folds) assert.equal(tr.length + te.length, 23);
  assert.deepEqual(asLists(new KFold({ nSplits: 4, shuffle: true, randomState: 7 }).split(23)), folds);
  assert.notDeepEqual(asLists(new KFold({ nSplits: 4 }).split(23)), folds);
});

test('ShuffleSplit sizes follow scikit-learn (test rounded up) and train and test are disjoint', () => {
  for (const [tr, te] of new ShuffleSplit({ nSplits: 3, testSize: 0.25, randomState: 1 }).split(10)) {
    assert.equal(te.length, 3);
    assert.equal(tr.length, 7);
    assert.equal(new Set([...tr, ...te]).size, 10);
  }
});

test('trainTestSplit splits X and y with the same rows', () => {
  const X = { data: Float64Array.from({ length: 20 }, (_, i) => i), shape: [10, 2] };
  const y = Float64Array.from({ length: 10 }, (_, i) => i * 10);
  const [Xtr, Xte, ytr, yte] = trainTestSplit([X, y], { testSize: 0.3, randomState: 3 }) as [{ data: Float64Array; shape: number[] }, { data: Float64Array; shape: number[] }, Float64Array, Float64Array];
  assert.deepEqual(Xtr.shape, [7, 2]);
  assert.deepEqual(Xte.shape, [3, 2]);
  for (let r = 0; r < 7; r++) assert.equal(Xtr.data[2 * r] * 5, ytr[r]);
  for (let r = 0; r < 3; r++) assert.equal(Xte.data[2 * r + 1], yte[r] / 5 + 1);
  const rows = [...ytr, ...yte].sort((a, b) => a - b);
  assert.deepEqual(rows, Array.from(y));
});

test('splitters name the bad argument', () => {
  assert.throws(() => [...new KFold({ nSplits: 1 }).split(5)], /KFold: hyper-parameter nSplits must be an integer ≥ 2, got 1/);
  assert.throws(() => [...new KFold({ nSplits: 6 }).split(5)], /nSplits=6 is more than the 5 samples/);
  assert.throws(() => trainTestSplit([[1, 2, 3], [1, 2]]), /arrays\[1\]: expected 3 rows as arrays\[0\], got 2/);
  assert.throws(() => trainTestSplit([[1, 2, 3]], { testSize: 1.5 }), /testSize must be a fraction in \(0, 1\) or a count/);
});

test('takeRows copies runs, lone rows, repeats and reversed rows as a row-by-row copy would', () => {
  const naive = <T extends Float64Array | Int32Array>(data: T, cols: number, idx: number[]): number[] =>
    idx.flatMap((i) => Array.from(data.subarray(i * cols, i * cols + cols)));
  const orders = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [5, 6, 7, 0, 1, 9],
    [3, 3, 4, 2, 1, 0, 8],
    [9, 0, 9, 1],
    [],
  ];
  for (const cols of [1, 3, 33]) {
    const f = Float64Array.from({ length: 10 * cols }, (_, i) => i * 0.5 - 7);
    const n = Int32Array.from({ length: 10 * cols }, (_, i) => 1000 - i);
    for (const idx of orders) {
      const a = takeRows(f, cols, idx);
      assert.ok(a instanceof Float64Array);
      assert.deepEqual(Array.from(a), naive(f, cols, idx), `cols ${cols}, rows ${idx}`);
      const b = takeRows(n, cols, Int32Array.from(idx));
      assert.ok(b instanceof Int32Array);
      assert.deepEqual(Array.from(b), naive(n, cols, idx), `cols ${cols}, rows ${idx} (Int32Array)`);
    }
  }
});
