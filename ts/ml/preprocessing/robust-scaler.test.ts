import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { getOp } from '../../actors/ops.js';
import { fromArray } from '../../collections/array/create.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { ArrayData, type ChunkedData } from '../chunked.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, pp } from '../testdata-preprocessing.js';
import { columnOrderStatistics, linearPercentile, median, normPpf } from './quantiles.js';
import { RobustScaler, type RobustScalerParams } from './robust-scaler.js';

const X: number[][] = pp.robust.X;
const cases: { name: string; rows: number; params: RobustScalerParams; center_: number[] | null; scale_: number[] | null; transform: number[][] }[] = pp.robust.cases;

for (const c of cases) {
  test(`RobustScaler ${c.name}: center_, scale_ and transform match scikit-learn to 1e-12 (in memory)`, async () => {
    const Xc = X.slice(0, c.rows);
    const s = await new RobustScaler(c.params).fit(Xc);
    if (c.center_ === null) assert.equal(s.center_, undefined);
    else assertClose(s.center_!, c.center_, 1e-12, 'center_');
    if (c.scale_ === null) assert.equal(s.scale_, undefined);
    else assertClose(s.scale_!, c.scale_, 1e-12, 'scale_');
    assertClose(s.transform(Xc).data, c.transform.flat(), 1e-12, 'transform');
    assertClose(s.inverseTransform(s.transform(Xc)).data, Xc.flat(), 1e-12, 'inverseTransform');
    assert.equal(s.nSamplesSeen_, c.rows);
  });
}

test('normPpf matches scipy.stats.norm.ppf to 1e-14 across both tails and the centre', () => {
  const { p, value } = pp.norm_ppf as { p: number[]; value: number[] };
  assertClose(p.map(normPpf), value, 1e-14, 'norm.ppf');
  assert.equal(normPpf(0), -Infinity);
  assert.equal(normPpf(1), Infinity);
  assert.ok(Number.isNaN(normPpf(1.5)));
});

test('linearPercentile and median follow NumPy on small closed forms', () => {
  const s = [1, 2, 4, 8];
  const at = (k: number): number => s[k];
  assert.equal(median(at, 4), 3);
  assert.equal(median(at, 3), 2);
  assert.equal(linearPercentile(at, 4, 0), 1);
  assert.equal(linearPercentile(at, 4, 100), 8);
  // virtual index 3·0.5 = 1.5 → halfway between 2 and 4
  assert.equal(linearPercentile(at, 4, 50), 3);
  // virtual index 3·0.25 = 0.75 → 1 + 0.75·1
  assert.equal(linearPercentile(at, 4, 25), 1.75);
  assert.equal(linearPercentile(() => 5, 1, 37), 5);
});

test('RobustScaler rejects a bad quantileRange at fit, naming it', async () => {
  await assert.rejects(new RobustScaler({ quantileRange: [80, 20] }).fit(X), /hyper-parameter quantileRange must be a pair \[qMin, qMax\] with 0 ≤ qMin ≤ qMax ≤ 100, got \[80,20\]/);
  await assert.rejects(new RobustScaler({ quantileRange: [-1, 50] }).fit(X), /quantileRange/);
});

checkEstimator('RobustScaler', {
  make: () => new RobustScaler({ quantileRange: [10, 90] }),
  paramToChange: ['unitVariance', true],
  invalidParam: ['quantileRange', [50, 101]],
  X,
  fittedState: (e) => [Array.from(e.center_!), Array.from(e.scale_!)],
  fittedMethods: ['transform', 'inverseTransform'],
});

// ---- the distributed selection, run in this thread over several chunks with the real ops

/** Chunks combined by the registered ops in groups of three (a small tree), no cluster. */
class LocalChunks implements ChunkedData {
  constructor(readonly chunks: ChunkLike[]) {}
  get numChunks(): number { return this.chunks.length; }
  get cols(): number { return this.chunks[0].shape[1]; }
  async reduce<T>(perChunkOp: string, args: (i: number) => unknown[], combineOp: string): Promise<T> {
    let level = await Promise.all(this.chunks.map((c, i) => getOp(perChunkOp)(c, ...args(i))));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 3) next.push(await getOp(combineOp)(level.slice(i, i + 3)));
      level = next;
    }
    return (await getOp(combineOp)(level)) as T;
  }
  async map<T>(): Promise<T[]> { throw new Error('unused'); }
  async one<T>(): Promise<T> { throw new Error('unused'); }
}

/** A seeded generator (mulberry32), so the property cases are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunked(data: Float64Array, cols: number, sizes: number[]): ChunkLike[] {
  const out: ChunkLike[] = [];
  let at = 0;
  for (const s of sizes) { out.push({ data: data.slice(at * cols, (at + s) * cols), shape: [s, cols] }); at += s; }
  return out;
}

test('columnOrderStatistics is exact with tiny sketches (many refinement rounds), ties, skew and empty chunks', async () => {
  const rand = rng(7);
  let multiRound = 0;
  for (let trial = 0; trial < 40; trial++) {
    const rows = 50 + Math.floor(rand() * 3000);
    const cols = 3;
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      data[r * cols] = rand() * 1000 - 500;                    // distinct
      data[r * cols + 1] = Math.floor(rand() * (1 + trial % 5)); // heavy ties (one value when trial % 5 = 0)
      data[r * cols + 2] = Math.exp(rand() * 20) * (rand() < 0.5 ? -1 : 1); // wide range, both signs
    }
    const sizes: number[] = [];
    for (let left = rows; left > 0;) { const s = Math.min(left, Math.floor(rand() * 400)); sizes.push(s); left -= s; }
    const ranks = Array.from({ length: cols }, () => [0, rows - 1, Math.floor(rand() * rows), Math.floor(rand() * rows), Math.floor(rows / 2)]);
    const { n, values, rounds } = await columnOrderStatistics(new LocalChunks(chunked(data, cols, sizes)), () => ranks, { sketchSize: 4 + (trial % 7), exactCap: 16 });
    if (rounds > 2) multiRound++;
    assert.equal(n, rows);
    for (let j = 0; j < cols; j++) {
      const sorted = Float64Array.from({ length: rows }, (_, r) => data[r * cols + j]).sort();
      for (const k of ranks[j]) assert.equal(values[j].get(k), sorted[k], `trial ${trial}, column ${j}, rank ${k}`);
    }
  }
  assert.ok(multiRound > 20, `expected most trials to need several rounds, got ${multiRound}`);
});

test('columnOrderStatistics reports NaN in a chunk, naming X', async () => {
  const chunks = [{ data: Float64Array.from([1, 2, NaN]), shape: [3, 1] }];
  await assert.rejects(columnOrderStatistics(new LocalChunks(chunks), () => [[0]]), /X: expected finite numbers, got NaN in column 0/);
});

// ---- on the cluster: the same statistics from a chunked Array and a DataFrame

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('RobustScaler on a chunked Array equals the in-memory fit exactly, and transforms lazily', async () => {
  for (const c of cases) {
    const Xc = X.slice(0, c.rows);
    const A = fromArray(Float64Array.from(Xc.flat()), { shape: [c.rows, 5], chunks: 7 });
    const lazy = await new RobustScaler(c.params).fit(A);
    const mem = await new RobustScaler(c.params).fit(Xc);
    assert.deepEqual(lazy.center_, mem.center_, `${c.name} center_`);
    assert.deepEqual(lazy.scale_, mem.scale_, `${c.name} scale_`);
    assert.equal(lazy.nSamplesSeen_, c.rows);
    if (c.name === 'range_10_90_unit_variance') {
      const Z = lazy.transform(A);
      assert.equal(Z.numChunks, A.numChunks);
      assertClose((await Z.compute()).data, c.transform.flat(), 1e-12, 'lazy transform');
      assertClose((await lazy.inverseTransform(Z).compute()).data, Xc.flat(), 1e-12, 'lazy inverse');
    }
  }
});

test('RobustScaler on a DataFrame keeps column names and matches scikit-learn', async () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  const table = tableFromArrays(Object.fromEntries(names.map((n, j) => [n, Float64Array.from(X, (r) => r[j])])));
  const df = fromArrow(table, { npartitions: 4 });
  const ref = cases[0];
  const s = await new RobustScaler().fit(df);
  assert.deepEqual(s.featureNamesIn_, names);
  assertClose(s.center_!, ref.center_!, 1e-12, 'center_');
  assertClose(s.scale_!, ref.scale_!, 1e-12, 'scale_');
  const out = await s.transform(df).compute();
  assert.deepEqual(out.schema.fields.map((f) => f.name), names);
  const got = X.flatMap((_, r) => names.map((n) => Number(out.getChild(n)!.get(r))));
  assertClose(got, ref.transform.flat(), 1e-12, 'transform');
});

test('exact order statistics of 300 000 values in 9 chunks, on the cluster, in few rounds', async () => {
  const rand = rng(11);
  const rows = 300_000;
  const data = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) { data[2 * r] = rand() * 2 - 1 + (rand() < 0.01 ? 1e6 : 0); data[2 * r + 1] = Math.floor(rand() * 50); }
  const A = await fromArray(data, { shape: [rows, 2], chunks: 33_334 }).persist({ wait: true });
  const ranks = [[0, 74_999, 75_000, 149_999, 150_000, 224_999, 299_999], [1, 150_000, 299_998]];
  const { values, rounds } = await columnOrderStatistics(new ArrayData(A), () => ranks);
  assert.ok(rounds <= 3, `rounds: ${rounds}`);
  for (let j = 0; j < 2; j++) {
    const sorted = Float64Array.from({ length: rows }, (_, r) => data[2 * r + j]).sort();
    for (const k of ranks[j]) assert.equal(values[j].get(k), sorted[k], `column ${j}, rank ${k}`);
  }
  const lazy = await new RobustScaler({ unitVariance: true }).fit(A);
  const mem = await new RobustScaler({ unitVariance: true }).fit({ data, shape: [rows, 2] });
  assert.deepEqual(lazy.center_, mem.center_);
  assert.deepEqual(lazy.scale_, mem.scale_);
});

test('RobustScaler on an Array with NaN fails at fit, naming X', async () => {
  const A = fromArray(Float64Array.from([1, 2, NaN, 4]), { shape: [4, 1], chunks: 2 });
  await assert.rejects(new RobustScaler().fit(A), /X: expected finite numbers, got NaN/);
});
