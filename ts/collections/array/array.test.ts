import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/client.js';
import { readReference } from '../testdata.js';
import { concatenate, fromArray, fromDelayed, random } from './create.js';
import { where, ShoalArray } from './array.js';
import { makeBlobs, makeClassification, makeRegression } from '../datasets/synthetic.js';

const ref = readReference('array_reference.json');
const X: number[][] = ref.X;
const v: number[] = ref.v;
let client: Client;

before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

function close(actual: ArrayLike<number> | number, expected: number[] | number, tol = 1e-9): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = Array.isArray(expected) ? expected : [expected];
  assert.equal(a.length, e.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - e[i]) <= tol * Math.max(1, Math.abs(e[i])), `[${i}] ${x} vs ${e[i]}`));
}

test('reductions over all, axis 0 and axis 1 match NumPy, through the cluster', async () => {
  const A = fromArray(X, { chunks: 17 });
  const V = fromArray(Float64Array.from(v), { chunks: 10 });
  assert.deepEqual(A.shape, [103, 4]);
  assert.equal(A.numChunks, 7);
  for (const s of ['sum', 'mean', 'min', 'max', 'argmin', 'argmax'] as const) {
    close(await A[s]().compute(), ref.reductions[s].all);
    close((await A[s](0).compute()).data, ref.reductions[s].axis0);
    close((await A[s](1).compute()).data, ref.reductions[s].axis1);
    close(await V[s]().compute(), ref.reductions[s].v);
  }
  for (const ddof of [0, 1]) {
    close(await A.var(null, { ddof }).compute(), ref.reductions[`var_ddof${ddof}`].all);
    close((await A.std(0, { ddof }).compute()).data, ref.reductions[`std_ddof${ddof}`].axis0);
    close((await A.std(1, { ddof }).compute()).data, ref.reductions[`std_ddof${ddof}`].axis1);
  }
});

test('standardising with broadcast column statistics and where', async () => {
  const A = fromArray(X, { chunks: 25 });
  close(await A.sub(A.mean(0)).div(A.std(0)).sum().compute(), ref.elementwise.X_minus_colmean_over_colstd_sum);
  // the graph as built (no fusion, no culling) gives the same numbers
  close(await A.sub(A.mean(0)).div(A.std(0)).sum().compute({ optimize: false }), ref.elementwise.X_minus_colmean_over_colstd_sum);
  close(await where(A.gt(5), A, 0).sum().compute(), ref.elementwise.where_gt5_sum);
  close(await A.gt(5).astype('int32').sum().compute(), ref.elementwise.count_gt5);
  // rows whose first column exceeds 5, as X[X[:, 0] > 5]
  const picked = A.mask(A.col(0).gt(5));
  const want = X.filter((r) => r[0] > 5);
  const got = await picked.compute();
  assert.deepEqual(got.shape, [want.length, 4]);
  close(got.data, want.flat());
  assert.throws(() => A.mask(A.col(0)), /mask: expected dtype bool/);
  assert.equal(A.gt(5).dtype, 'bool');
  close(await A.sub(A.mean()).mean().compute(), 0, 1e-12);
});

test('slices: strided rows, negative bounds, columns — with known and unknown chunk lengths', async () => {
  const A = fromArray(X, { chunks: 17 });
  close((await A.slice(5, 90, 7).compute()).data, ref.slices.rows_5_90_7.flat());
  close((await A.slice(-30, -3).compute()).data, ref.slices.rows_neg.flat());
  close((await A.col(2).compute()).data, ref.slices.col2);
  // the same array as blocks of unknown length made by tasks
  const blocks = [0, 17, 40, 41, 103].slice(1).map((end, i, ends) => {
    const start = i === 0 ? 0 : ends[i - 1];
    return { op: 'array.chunk', args: [Float64Array.from(X.slice(start, end).flat()), [end - start, 4], 'float64'] };
  });
  const D = fromDelayed(blocks, { dtype: 'float64', cols: 4 });
  assert.ok(Number.isNaN(D.rows));
  const s = D.slice(0, null, 10);
  assert.ok(!s.knownLengths);
  close((await s.compute()).data, ref.slices.rows_0_end_10.flat());
  const known = await D.resolveLengths();
  assert.deepEqual(known.chunks, [17, 23, 1, 62]);
  assert.throws(() => D.rechunk(10), /rechunk: the chunk lengths are unknown/);
  const re = known.rechunk(30);
  assert.deepEqual(re.chunks, [30, 30, 30, 13]);
  close((await re.compute()).data, X.flat());
  close((await re.std(0).compute()).data, ref.reductions.std_ddof0.axis0);
  close(await D.sum().compute(), ref.reductions.sum.all);
});

const takeRef = readReference('take_reference.json');
const CTORS = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array } as const;

test('take (X[[3, 0, 7]]): any order, repeats, negatives, every dtype, 1-D and 2-D, as NumPy — known and unknown chunk lengths', async () => {
  const cuts = [0, 17, 40, 40, 41, 103]; // an empty and a one-row chunk
  for (const [dtype, Ctor] of Object.entries(CTORS) as [keyof typeof CTORS, (typeof CTORS)[keyof typeof CTORS]][]) {
    const entry = takeRef.arrays[dtype];
    const flat = Ctor.from((entry.A as number[][]).flat());
    const A = fromArray(flat, { chunks: 17, shape: [103, 4], dtype });
    const D = fromDelayed(cuts.slice(1).map((end, i) => ({ op: 'array.chunk', args: [flat.slice(cuts[i] * 4, end * 4), [end - cuts[i], 4], dtype] })), { dtype, cols: 4 });
    for (const [name, idx] of Object.entries(takeRef.indices) as [string, number[]][]) {
      const want2 = (entry.take2d[name] as number[][]).flat();
      for (const [label, T, opts] of [['known', A, {}], ['unknown', D, {}], ['known, 7-row chunks', A, { chunks: 7 }], ['unknown, 7-row chunks', D, { chunks: 7 }]] as const) {
        const t = T.take(idx, opts);
        assert.equal(t.dtype, dtype);
        assert.ok(t.knownLengths, `${label}: the result's lengths are the count of indices`);
        assert.equal(t.rows, idx.length);
        const got = await t.compute();
        assert.deepEqual(got.shape, [idx.length, 4], `${dtype} ${name} ${label}`);
        assert.ok(got.data instanceof Ctor);
        assert.deepEqual(Array.from(got.data), want2, `${dtype} ${name} ${label}`);
      }
      const got1 = await A.col(1).take(Int32Array.from(idx)).compute();
      assert.deepEqual(got1.shape, [idx.length]);
      assert.deepEqual(Array.from(got1.data), entry.take1d[name], `${dtype} ${name} 1-D`);
    }
  }
  // output chunks of 7 rows each read only the input chunks their rows are in
  const A = fromArray(X, { chunks: 17 });
  const t = A.take([0, 1, 2, 3, 4, 5, 6, 20, 21, 22, 23], { chunks: 7 });
  assert.deepEqual(t.chunks, [7, 4]);
  const reads = [...t.graph().values()].filter((s) => s.op === 'array.takeRows').length;
  assert.equal(reads, 2); // one chunk each, already in order: no reassembly
  // a take of a take, and arithmetic on it
  close(await A.take([5, 1]).take([1, 1, 0]).sum().compute(), [X[1], X[1], X[5]].flat().reduce((a, b) => a + b, 0));
});

test('take: a position out of range is a RangeError naming indices (at the call when lengths are known)', async () => {
  const A = fromArray(X, { chunks: 17 });
  assert.throws(() => A.take([0, 103]), (e: Error) => e instanceof RangeError && /indices: index 103 \(position 1\) is out of range for 103 rows/.test(e.message));
  assert.throws(() => A.take([5, 6, 7, -104], { chunks: 2 }), /indices: index -104 \(position 3\) is out of range for 103 rows; expected -103 <= index < 103/);
  assert.throws(() => A.take([1.5]), /indices: expected integers, got 1.5 at position 0/);
  assert.throws(() => A.take(A.col(0) as unknown as number[]), /indices: expected integers in a JS or typed array, got ShoalArray; compute it first/);
  assert.throws(() => A.take([0], { chunks: 0 }), /chunks: expected a positive integer number of rows per output chunk, got 0/);
  const D = fromDelayed([{ op: 'array.chunk', args: [Float64Array.from([1, 2, 3]), [3], 'float64'] }], { dtype: 'float64', cols: null });
  await assert.rejects(D.take([0, -4]).compute(), /indices: index -4 \(position 1\) is out of range for 3 rows/);
  assert.deepEqual(Array.from((await D.take([-3, 2]).compute()).data), [1, 3]);
});

test('bad input: mismatched chunks and widths, bad axes and slices throw at the call', () => {
  const A = fromArray(X, { chunks: 17 });
  const B = fromArray(X, { chunks: 20 });
  assert.throws(() => A.add(B), /operand: expected 7 chunks like the left array, got 6/);
  assert.throws(() => A.add(A.col([0, 1])), /operand: expected 4 columns, got 2 columns/);
  assert.throws(() => A.sum(2 as 0), /axis: expected null, 0 or 1, got 2/);
  assert.throws(() => A.slice(0, 10, 0), /step: expected a positive integer, got 0/);
  assert.throws(() => A.col(4), /col: expected column indices in \[-4, 4\), got 4/);
  assert.throws(() => concatenate([A, A.col(1)]), /arrays\[1\]: expected 4 columns like arrays\[0\], got 1-D/);
  assert.throws(() => fromArray([[1, 2], [3]]), /data: row 1 has 1 values, expected 2 like row 0/);
  assert.throws(() => random.normal({ size: [10, 2], chunks: 0 }), /chunks: expected a positive integer number of rows, got 0/);
});

test('makeBlobs, makeClassification, makeRegression: shapes and closed-form properties', async () => {
  const [Xb, yb, centers] = makeBlobs({ nSamples: 30_000, nFeatures: 2, centers: 3, clusterStd: 0.5, chunks: 7_000, randomState: 3 });
  assert.deepEqual(Xb.shape, [30_000, 2]);
  const xs = await Xb.compute();
  const ys = await yb.compute();
  for (let c = 0; c < 3; c++) {
    let n = 0, sx = 0, sy = 0;
    for (let i = 0; i < ys.data.length; i++) if (ys.data[i] === c) { n++; sx += xs.data[2 * i]; sy += xs.data[2 * i + 1]; }
    assert.equal(n, 10_000);
    // the sample mean of 10 000 N(centre, 0.5²) points is within 0.5/100 * 5 of the centre
    assert.ok(Math.abs(sx / n - centers[2 * c]) < 0.025 && Math.abs(sy / n - centers[2 * c + 1]) < 0.025);
  }
  const [Xc, yc] = makeClassification({ nSamples: 20_000, nFeatures: 10, nInformative: 3, nRedundant: 2, nClasses: 3, nClustersPerClass: 1, flipY: 0, chunks: 6_000, randomState: 0 });
  const yv = (await yc.compute()).data;
  assert.deepEqual([0, 1, 2].map((k) => Array.from(yv).filter((x) => x === k).length), [6667, 6667, 6666]);
  const xc = (await Xc.compute()).data;
  // informative features are ±1 (classSep) apart from 0 per cluster; noise features have mean 0 and variance 1
  const noiseVar = await Xc.col(9).var().compute();
  assert.ok(Math.abs(noiseVar - 1) < 0.05);
  assert.ok(xc.length === 200_000);
  const [Xr, yr, coef] = makeRegression({ nSamples: 5_000, nFeatures: 8, nInformative: 3, bias: 2.5, noise: 0, chunks: 1_500, randomState: 9 });
  assert.deepEqual(Array.from(coef.slice(3)), [0, 0, 0, 0, 0]);
  const xr = (await Xr.compute()).data, yrv = (await yr.compute()).data;
  for (let i = 0; i < 5_000; i += 499) {
    let pred = 2.5;
    for (let j = 0; j < 8; j++) pred += xr[i * 8 + j] * coef[j];
    assert.ok(Math.abs(pred - yrv[i]) < 1e-9);
  }
  assert.ok(Xr instanceof ShoalArray);
});

test('mapBlocks with a registered op, and persist keeps results for later graphs', async () => {
  const A = fromArray(X, { chunks: 30 });
  const f32 = A.mapBlocks('array.astype', { args: ['float32'], dtype: 'float32' });
  const got = await f32.compute();
  assert.ok(got.data instanceof Float32Array);
  close(got.data, Array.from(Float32Array.from(X.flat())));
  // an op that changes the rows: the first 5 rows of each chunk (lengths unknown until run)
  const heads = A.mapBlocks('array.sliceRows', { args: [0, 0, 5, 1], rows: 'unknown' });
  assert.ok(!heads.knownLengths);
  const expected = [0, 30, 60, 90].flatMap((r) => X.slice(r, r + 5).flat()).reduce((a, b) => a + b, 0);
  close(await heads.sum().compute(), expected);
  assert.deepEqual((await heads.resolveLengths()).chunks, [5, 5, 5, 5]);
  const P = await A.mul(2).persist({ wait: true });
  assert.deepEqual(P.chunks, [30, 30, 30, 13]);
  close(await P.sum().compute(), 2 * ref.reductions.sum.all);
  close(await P.max().compute(), 2 * ref.reductions.max.all);
});

// last: closing a second client leaves no default client for tests after it
test('random chunks are reproducible and independent of the worker count', async () => {
  const R = random.normal({ size: [40_000, 3], chunks: 7_000, randomState: 11, loc: 2, scale: 3 });
  const a = await R.compute();
  // N(2, 3): mean within 5 standard errors, std within 2 %
  const mean = await R.mean().compute();
  assert.ok(Math.abs(mean - 2) < 5 * 3 / Math.sqrt(120_000), `mean ${mean}`);
  const std = await R.std().compute();
  assert.ok(Math.abs(std - 3) < 0.06, `std ${std}`);
  const U = random.uniform({ size: 50_000, chunks: 9_999, low: -2, high: 6, randomState: 1 });
  assert.ok((await U.min().compute()) >= -2 && (await U.max().compute()) < 6);
  assert.ok(Math.abs((await U.mean().compute()) - 2) < 0.06);
  const C = concatenate([R.col(0), R.col(1)]);
  assert.deepEqual(C.shape, [80_000]);
  const one = await Client.local({ nWorkers: 1, threadsPerWorker: 1 });
  try {
    const b = await random.normal({ size: [40_000, 3], chunks: 7_000, randomState: 11, loc: 2, scale: 3 }).compute({ client: one });
    assert.deepEqual(b.data, a.data);
  } finally {
    await one.close();
  }
});
