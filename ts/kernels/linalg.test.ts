import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native } from '../native.js';
import { reference, assertClose } from './reference.js';

const L = reference.linalg;
const x = new Float64Array(L.x);
const y = new Float64Array(L.y);

test('gram gives XᵀX, Xᵀy and column sums equal to NumPy, also from a SharedArrayBuffer and as f32', () => {
  const g = native.gram(x, L.rows, L.cols, y);
  assertClose(g.xtx, L.xtx, 1e-12, 'xtx');
  assertClose(g.xty, L.xty, 1e-12, 'xty');
  assertClose(g.colSums, L.colSums, 1e-12, 'colSums');
  const shared = new Float64Array(new SharedArrayBuffer(x.byteLength));
  shared.set(x);
  assertClose(native.gram(shared, L.rows, L.cols).xtx, L.xtx, 1e-12, 'xtx (shared)');
  assertClose(native.gram(new Float32Array(x), L.rows, L.cols).xtx, L.xtx, 1e-5, 'xtx (f32)');
  assertClose(native.columnSums(x, L.rows, L.cols), L.colSums, 1e-12, 'columnSums');
});

test('gemm of Xᵀ and X equals the Gram matrix', () => {
  const xt = new Float64Array(L.rows * L.cols);
  for (let i = 0; i < L.rows; i++) for (let j = 0; j < L.cols; j++) xt[j * L.rows + i] = x[i * L.cols + j]!;
  assertClose(native.gemm(xt, x, L.cols, L.rows, L.cols), L.xtx, 1e-12, 'gemm');
});

test('cholesky, solveSpd, qr, svd and normal equations agree with NumPy', () => {
  const spd = new Float64Array(L.spd);
  const l = native.cholesky(spd, L.cols);
  assertClose(l, L.cholesky, 1e-12, 'cholesky');
  assertClose(native.choleskySolve(l, L.cols, new Float64Array(L.b), 2), L.solve, 1e-10, 'choleskySolve');
  assertClose(native.solveSpd(spd, L.cols, new Float64Array(L.b), 2), L.solve, 1e-10, 'solveSpd');
  assertClose(native.qr(x, L.rows, L.cols).r, L.r, 1e-10, 'qr.r');
  assertClose(native.svd(x, L.rows, L.cols).s, L.singularValues, 1e-10, 'svd.s');
  const g = native.gram(x, L.rows, L.cols, y);
  assertClose(native.solveSpd(g.xtx, L.cols, g.xty, 1), L.lstsq, 1e-9, 'normal equations vs lstsq');
});

test('tsqrCombine over two blocks gives the R of the whole matrix', () => {
  const half = (L.rows / 2) * L.cols;
  const r1 = native.qr(x.subarray(0, half), L.rows / 2, L.cols).r;
  const r2 = native.qr(x.subarray(half), L.rows / 2, L.cols).r;
  const stacked = new Float64Array(2 * L.cols * L.cols);
  stacked.set(r1);
  stacked.set(r2, r1.length);
  const combined = native.tsqrCombine(stacked, 2, L.cols);
  assertClose(combined.r, L.r, 1e-10, 'tsqr r');
  assert.equal(combined.qFactors.length, 2 * L.cols * L.cols);
});

test('shape and dtype mistakes throw RangeError/TypeError naming the argument', () => {
  assert.throws(() => native.gram(x, L.rows + 1, L.cols), { name: 'RangeError', message: /^x: expected rows\*cols = 41\*5 = 205 values, got 200/ });
  assert.throws(() => native.gram(x, L.rows, L.cols, new Float64Array(3)), { name: 'RangeError', message: /^y: expected rows = 40 values, got 3/ });
  assert.throws(() => native.gram(x, L.rows, L.cols, new Float32Array(L.rows)), { name: 'TypeError', message: /^y: expected the same dtype as x/ });
  assert.throws(() => native.gemm(x, new Float32Array(5), 8, 25, 1), { name: 'TypeError', message: /^b:/ });
  assert.throws(() => native.cholesky(new Float64Array([1, 2, 2, 1]), 2), { name: 'RangeError', code: 'NotPositiveDefinite', message: /not positive definite/ });
  assert.throws(() => native.qr(x, 2, 100), { name: 'RangeError', message: /^a: thin QR needs rows >= cols/ });
});
