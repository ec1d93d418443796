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

test('gramAccumulate adds blocks of rows into the caller\'s arrays in place (lower triangle), and mirrorLower makes the Gram result', () => {
  const [xtx, xty, colSums] = [new Float64Array(L.cols * L.cols), new Float64Array(L.cols), new Float64Array(L.cols)];
  let ySum = 0;
  for (const [a, b] of [[0, 7], [7, 8], [8, 8], [8, L.rows]]) {
    ySum += native.gramAccumulate(x.subarray(a * L.cols, b * L.cols), b - a, L.cols, y.subarray(a, b), xtx, xty, colSums);
  }
  for (let i = 0; i < L.cols; i++) for (let j = i + 1; j < L.cols; j++) assert.equal(xtx[i * L.cols + j], 0, `upper cell (${i}, ${j}) untouched`);
  native.mirrorLower(xtx, L.cols);
  assertClose(xtx, L.xtx, 1e-12, 'xtx');
  assertClose(xty, L.xty, 1e-12, 'xty');
  assertClose(colSums, L.colSums, 1e-12, 'colSums');
  assert.ok(Math.abs(ySum - y.reduce((s, v) => s + v, 0)) < 1e-9);
  // f32 rows, no y: xty untouched; sums in SharedArrayBuffers
  const shared = (n: number) => new Float64Array(new SharedArrayBuffer(8 * n));
  const [g2, s2, untouched] = [shared(L.cols * L.cols), shared(L.cols), new Float64Array([5])];
  assert.equal(native.gramAccumulate(new Float32Array(x), L.rows, L.cols, null, g2, untouched, s2), 0);
  native.mirrorLower(g2, L.cols);
  assertClose(g2, L.xtx, 1e-5, 'xtx (f32)');
  assert.deepEqual(Array.from(untouched), [5]);
  // mistakes name the argument; overlapping sums are refused
  assert.throws(() => native.gramAccumulate(x, L.rows, L.cols, y, new Float64Array(3), xty, colSums), { name: 'RangeError', message: /^xtx: expected cols\*cols = 5\*5 = 25 values, got 3/ });
  assert.throws(() => native.gramAccumulate(x, L.rows, L.cols, y, xtx, new Float64Array(2), colSums), { name: 'RangeError', message: /^xty: expected cols = 5 values, got 2/ });
  assert.throws(() => native.gramAccumulate(x, L.rows, L.cols, new Float32Array(L.rows), xtx, xty, colSums), { name: 'TypeError', message: /^y: expected the same dtype as x/ });
  const big = new Float64Array(L.cols * L.cols + L.cols);
  assert.throws(() => native.gramAccumulate(x, L.rows, L.cols, y, big.subarray(0, 25), big.subarray(20, 25), colSums), { name: 'TypeError', message: /^xty: overlaps xtx/ });
  assert.throws(() => native.mirrorLower(xtx, L.cols + 1), { name: 'RangeError', message: /^a: expected n\*n/ });
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
