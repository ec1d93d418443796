import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { native } from '../native.js';
import { reference, assertClose } from './reference.js';

const K = reference.kmeans;
const x = new Float64Array(K.x);
const centers = new Float64Array(K.centers);

test('lloydPartial labels, counts and inertia match NumPy; one Lloyd step matches scikit-learn', () => {
  const labels = new Int32Array(K.rows);
  const p = native.lloydPartial(x, K.rows, K.cols, centers, K.k, null, labels);
  assert.deepEqual(Array.from(labels), K.labels);
  assert.deepEqual(Array.from(p.counts), K.counts);
  assertClose([p.inertia], [K.inertia], 1e-12, 'inertia');
  const next = p.sums.map((s, i) => s / p.counts[Math.floor(i / K.cols)]!);
  assertClose(next, K.centersAfterOneStep, 1e-12, 'centres after one step');
  assertClose(native.kmeansTransform(x, K.rows, K.cols, next, K.k), K.transformAfterOneStep, 1e-10, 'transform');
});

test('kmeansKernel names the CPU kernel; SHOAL_KMEANS_KERNEL picks another, with the same labels', () => {
  assert.ok(['Portable', 'Avx2', 'Avx512', 'Avx512Full'].includes(native.kmeansKernel()), native.kmeansKernel());
  // A fresh process, as the choice is made once per process.
  const script = `import { native } from ${JSON.stringify(new URL('../native.js', import.meta.url).href)};
    const x = new Float64Array(${JSON.stringify(K.x)}), labels = new Int32Array(${K.rows});
    native.lloydPartial(x, ${K.rows}, ${K.cols}, new Float64Array(${JSON.stringify(K.centers)}), ${K.k}, null, labels);
    console.log(JSON.stringify([native.kmeansKernel(), Array.from(labels)]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, SHOAL_KMEANS_KERNEL: 'portable' } });
  const [kernel, labels] = JSON.parse(out.toString()) as [string, number[]];
  assert.equal(kernel, 'Portable');
  assert.deepEqual(labels, K.labels);
});

test('lloydPartial without labels (2 columns, 5 to 8 centres: the f32-screened pass on Zen 5) equals brute force', () => {
  const rows = 20_000;
  const data = new Float64Array(2 * rows);
  native.fillNormal(data, 7, 0, 0, 1);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * 2 + 1000; // far from the origin
  for (const k of [5, 8]) {
    const c = data.slice(0, 2 * k);
    const want = { sums: new Float64Array(2 * k), counts: new Array<number>(k).fill(0), inertia: 0 };
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const d = (data[2 * i]! - c[2 * j]!) ** 2 + (data[2 * i + 1]! - c[2 * j + 1]!) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      }
      want.sums[2 * best] += data[2 * i]!;
      want.sums[2 * best + 1] += data[2 * i + 1]!;
      want.counts[best]! += 1;
      want.inertia += bestD;
    }
    const p = native.lloydPartial(data, rows, 2, c, k);
    assert.deepEqual(Array.from(p.counts), want.counts, `k = ${k}`);
    assertClose(p.sums, want.sums, 1e-12, `sums, k = ${k}`);
    assertClose([p.inertia], [want.inertia], 1e-9, `inertia, k = ${k}`);
  }
});

test('lloydPartial on f32 data in a SharedArrayBuffer gives the same labels', () => {
  const shared = new Float32Array(new SharedArrayBuffer(4 * x.length));
  shared.set(x);
  const labels = new Int32Array(K.rows);
  native.kmeansPredict(shared, K.rows, K.cols, centers, K.k, labels);
  assert.deepEqual(Array.from(labels), K.labels);
});

test('k-means|| pieces: distances, cost update, seeded oversampling, reduction to k centres', () => {
  const dist = native.minSqDistances(x, K.rows, K.cols, centers.subarray(0, 2), 1);
  const cost = native.updateMinSqDistances(x, K.rows, K.cols, centers.subarray(2), 2, dist);
  assertClose([cost], [K.inertia], 1e-12, 'cost after adding all centres');
  const a = native.kmeansOversample(dist, cost, 10, 3, 1);
  assert.deepEqual(Array.from(a), Array.from(native.kmeansOversample(dist, cost, 10, 3, 1)));
  assert.ok(a.every((i) => i < K.rows));
  // The fused pieces: the cost as one number (NumPy's inertia once every centre is in), and the
  // same oversampled rows as from the distance array.
  assertClose([native.kmeansCost(x, K.rows, K.cols, centers, K.k)], [K.inertia], 1e-12, 'kmeansCost');
  const two = centers.subarray(0, 4);
  const d2 = native.minSqDistances(x, K.rows, K.cols, two, 2);
  const c2 = native.kmeansCost(x, K.rows, K.cols, two, 2);
  assert.equal(c2, d2.reduce((s, v) => s + v, 0));
  assert.deepEqual(Array.from(native.kmeansOversampleRows(x, K.rows, K.cols, two, 2, c2, 10, 3, 1)), Array.from(native.kmeansOversample(d2, c2, 10, 3, 1)));
  const reduced = native.kmeansReduceCandidates(x, K.rows, K.cols, new Float64Array(K.rows).fill(1), 3, 5, 100);
  const sorted = [0, 1, 2].map((c) => [reduced[2 * c]!, reduced[2 * c + 1]!]).sort((p, q) => p[0]! + p[1]! - q[0]! - q[1]!);
  // The three blobs are centred at (0,0), (0,6) and (5,5) with sd 0.5 and 30 points each.
  for (const [c, want] of sorted.map((c, i) => [c, [[0, 0], [0, 6], [5, 5]][i]!] as const)) {
    assert.ok(Math.hypot(c[0]! - want[0]!, c[1]! - want[1]!) < 0.4, `${c} vs ${want}`);
  }
});

test('k-means shape errors name the argument', () => {
  assert.throws(() => native.lloydPartial(x, K.rows, K.cols, new Float64Array(5), 3), { name: 'RangeError', message: /^centers: expected k\*cols = 3\*2 = 6 values, got 5/ });
  assert.throws(() => native.kmeansPredict(x, K.rows, K.cols, centers, 3, new Int32Array(2)), { name: 'RangeError', message: /^labels:/ });
  assert.throws(() => native.kmeansOversample(new Float64Array(3), 1, -1, 0, 0), { name: 'TypeError', message: /^oversampling:/ });
  assert.throws(() => native.kmeansCost(x, K.rows + 1, K.cols, centers, K.k), { name: 'RangeError', message: /^x:/ });
  assert.throws(() => native.kmeansOversampleRows(x, K.rows, K.cols, centers, K.k, Number.NaN, 2, 0, 0), { name: 'TypeError', message: /^totalCost:/ });
});
