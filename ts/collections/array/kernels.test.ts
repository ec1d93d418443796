import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readReference } from '../testdata.js';
import { toChunk, momentsPartial, momentsCombine, momentsFinalize, extremaPartial, extremaCombine, extremaFinalize, rowReduce, sliceRows, selectCols, elemwise, where, concatRows, countStrided } from './kernels.js';
import type { ChunkLike } from './dtype.js';
import { fillNormal, fillUniform } from './rng.js';

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);
const ref = readReference('array_reference.json');
const X: number[][] = ref.X;
const flat = X.flat();
const cols = X[0].length;

/** The reference array cut into uneven row chunks (one empty). */
function chunks(): ChunkLike[] {
  const cuts = [0, 10, 10, 45, 80, X.length];
  return cuts.slice(1).map((end, i) => toChunk(flat.slice(cuts[i] * cols, end * cols), [end - cuts[i], cols], 'float64'));
}

function close(actual: ArrayLike<number>, expected: number[] | number, tol = 1e-9): void {
  const e = Array.isArray(expected) ? expected : [expected];
  assert.equal(actual.length, e.length);
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(actual[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])), `[${i}] ${actual[i]} vs ${e[i]}`);
}

test('moments combined over uneven chunks match NumPy (all, axis 0)', () => {
  for (const [stat, key, ddof] of [['sum', 'sum', 0], ['mean', 'mean', 0], ['var', 'var_ddof0', 0], ['var', 'var_ddof1', 1], ['std', 'std_ddof1', 1]] as const) {
    const all = momentsFinalize(momentsCombine(chunks().map((c) => momentsPartial(c, null))), stat, ddof);
    close(all, ref.reductions[key].all);
    const ax0 = momentsFinalize(momentsCombine(chunks().map((c) => momentsPartial(c, 0))), stat, ddof);
    close(ax0, ref.reductions[key].axis0);
    const ax1 = concatRows(chunks().map((c) => rowReduce(c, stat, ddof)), 'float64', null);
    close(ax1.data, ref.reductions[key].axis1);
  }
});

test('extrema and arg-extrema keep global first-occurrence indices across chunks', () => {
  for (const stat of ['min', 'max', 'argmin', 'argmax'] as const) {
    close(extremaFinalize(extremaCombine(chunks().map((c) => extremaPartial(c, null))), stat), ref.reductions[stat].all);
    close(extremaFinalize(extremaCombine(chunks().map((c) => extremaPartial(c, 0))), stat), ref.reductions[stat].axis0);
    close(concatRows(chunks().map((c) => rowReduce(c, stat, 0)), 'float64', null).data, ref.reductions[stat].axis1);
  }
  assert.throws(() => extremaFinalize(extremaPartial(toChunk([], [0], 'float64'), null), 'min'), /empty/);
});

test('strided row slices over chunks match NumPy slicing', () => {
  const offsets = [0, 10, 10, 45, 80];
  for (const [key, [s, e, step]] of [['rows_5_90_7', [5, 90, 7]], ['rows_0_end_10', [0, X.length, 10]], ['rows_neg', [X.length - 30, X.length - 3, 1]]] as const) {
    const parts = chunks().map((c, i) => sliceRows(c, offsets[i], s, e, step));
    parts.forEach((p, i) => assert.equal(p.shape[0], countStrided(offsets[i], chunks()[i].shape[0], s, e, step)));
    close(concatRows(parts, 'float64', cols).data, ref.slices[key].flat());
  }
  close(concatRows(chunks().map((c) => selectCols(c, [2], true)), 'float64', null).data, ref.slices.col2);
});

test('element-wise arithmetic with per-column broadcasting and where', () => {
  const mean = momentsFinalize(momentsCombine(chunks().map((c) => momentsPartial(c, 0))), 'mean', 0);
  const std = momentsFinalize(momentsCombine(chunks().map((c) => momentsPartial(c, 0))), 'std', 0);
  let total = 0;
  let count = 0;
  let whereSum = 0;
  for (const c of chunks()) {
    const z = elemwise('div', elemwise('sub', c, { data: mean, shape: [cols] }, 'float64'), { data: std, shape: [cols] }, 'float64');
    total += sum(z.data);
    const gt = elemwise('gt', c, 5, 'bool');
    assert.ok(gt.data instanceof Uint8Array);
    count += sum(gt.data);
    whereSum += sum(where(gt, c, 0, 'float64').data);
  }
  assert.ok(Math.abs(total - ref.elementwise.X_minus_colmean_over_colstd_sum) < 1e-9);
  assert.equal(count, ref.elementwise.count_gt5);
  assert.ok(Math.abs(whereSum - ref.elementwise.where_gt5_sum) < 1e-9);
  assert.throws(() => elemwise('add', chunks()[1], toChunk([1, 2, 3], [3], 'float64'), 'float64'), /operand: expected shape/);
});

test('per-chunk random fills: reproducible per (seed, stream), moments of N(3, 2) and U(-1, 4)', () => {
  const a = new Float64Array(200_000), b = new Float64Array(200_000), c = new Float64Array(10);
  fillNormal(a, 7, 3, 3, 2);
  fillNormal(b, 7, 3, 3, 2);
  fillNormal(c, 7, 4, 3, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.subarray(0, 10), c);
  const m = momentsFinalize(momentsPartial({ data: a, shape: [a.length] }, null), 'mean', 0)[0];
  const s = momentsFinalize(momentsPartial({ data: a, shape: [a.length] }, null), 'std', 0)[0];
  // standard errors: 2/sqrt(n) = 0.0045 for the mean, ~0.0032 for the std
  assert.ok(Math.abs(m - 3) < 0.03, `mean ${m}`);
  assert.ok(Math.abs(s - 2) < 0.02, `std ${s}`);
  fillUniform(a, 1, 0, -1, 4);
  const e = extremaPartial({ data: a, shape: [a.length] }, null);
  assert.ok(e.min[0] >= -1 && e.max[0] < 4);
  const um = momentsFinalize(momentsPartial({ data: a, shape: [a.length] }, null), 'mean', 0)[0];
  assert.ok(Math.abs(um - 1.5) < 0.02, `uniform mean ${um}`);
});
