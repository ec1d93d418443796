import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../ops.js';
import { evaluateHere } from './evaluate-here.js';
import { fromArray } from '../array/create.js';
import { readParquet } from '../dataframe/io.js';
import { testdataPath } from '../testdata.js';
import { FUSED_OP, cull, fuse, optimize } from './optimize.js';
import { flatten } from './layers.js';
import type { ChunkLike } from '../array/dtype.js';


test('linear chains fuse into one task per chunk; tree reductions keep their parallel partials', async () => {
  const X = fromArray(Float64Array.from({ length: 40 }, (_, i) => i * 0.5 - 3), { shape: [20, 2], chunks: 4 });
  const z = X.sub(X.mean(0)).abs().mul(2);
  const total = z.sum();
  const g = flatten(total.layers);
  const opt = optimize(g, [total.key]);
  assert.ok(opt.size < g.size, `${opt.size} tasks after, ${g.size} before`);
  const fused = [...opt.values()].filter((t) => t.op === FUSED_OP);
  // each chunk's sub → abs → mul → moments.partial is one task (the chunk itself also feeds the mean, so it stays)
  const chains = fused.map((t) => (t.args[0] as { steps: { op: string }[] }).steps.map((s) => s.op).join(' > '));
  assert.equal(chains.filter((c) => c === 'array.elemwise > array.unary > array.elemwise > array.moments.partial').length, 5);
  // the column means' and the total's last combine step fuse with their finalize; nothing else does
  assert.equal(chains.filter((c) => c === 'array.moments.combine > array.moments.finalize').length, 2);
  assert.equal(chains.length, 7);
  const [a] = (await evaluateHere(g, [total.key])) as ChunkLike[];
  const [b] = (await evaluateHere(opt, [total.key])) as ChunkLike[];
  assert.equal(b.data[0], a.data[0]);
  // brute force: mean of columns, |x - mean| * 2, summed
  const d = Array.from({ length: 40 }, (_, i) => i * 0.5 - 3);
  const means = [0, 1].map((j) => d.filter((_, i) => i % 2 === j).reduce((x, y) => x + y) / 20);
  assert.ok(Math.abs(a.data[0] - d.reduce((s, x, i) => s + 2 * Math.abs(x - means[i % 2]), 0)) < 1e-9);
});

test('requested and persisted keys are never fused away', () => {
  const X = fromArray([1, 2, 3, 4], { chunks: 2 });
  const y = X.add(1).mul(3);
  const g = flatten(y.layers);
  const inner = X.add(1).keys[0];
  const opt = fuse(g, [...y.keys], new Set([inner]));
  assert.ok(opt.has(inner));
  assert.ok(opt.has(y.keys[0]) && opt.has(y.keys[1]));
  assert.deepEqual([...cull(g, [X.keys[0]]).keys()], [X.keys[0]]);
});

test('a column selection is pushed into the Parquet read it follows', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const arr = df.select(['fare_amount', 'tip_amount']).toArray();
  const opt = optimize(flatten(arr.layers), [...arr.keys], { fuse: false });
  const reads = [...opt.values()].filter((t) => t.op === 'frame.readParquet');
  assert.equal(reads.length, 3);
  for (const r of reads) assert.deepEqual((r.args[0] as { columns: string[] }).columns, ['fare_amount', 'tip_amount']);
  const fused = optimize(flatten(arr.layers), [...arr.keys]);
  const parts = (await evaluateHere(fused, [...arr.keys])) as ChunkLike[];
  assert.deepEqual(parts.map((p) => p.shape), [[200, 2], [200, 2], [100, 2]]);
});

test('a read whose only consumer is a reduction partial becomes a scan of the columns it needs', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const g = df.groupby('VendorID').agg({ fare_amount: 'sum', tip_amount: ['min', 'max'] });
  const plain = flatten(g.layers);
  const opt = optimize(plain, [...g.keys], { fuse: false });
  const scans = [...opt.values()].filter((t) => t.op === 'frame.scanParquet');
  assert.equal(scans.length, 3);
  assert.ok(![...opt.values()].some((t) => t.op === 'frame.readParquet'));
  for (const s of scans) {
    assert.deepEqual((s.args[0] as { columns: string[] }).columns, ['VendorID', 'fare_amount', 'tip_amount']);
    assert.deepEqual((s.args[1] as [string, unknown[]][]).map(([op]) => op), ['frame.groupby.partial']);
  }
  // same answer as the graph as built (reads copied, all columns)
  const [a] = (await evaluateHere(opt, [...g.keys])) as import('apache-arrow').Table[];
  const [b] = (await evaluateHere(plain, [...g.keys])) as import('apache-arrow').Table[];
  assert.deepEqual(a.toArray().map((r) => r.toJSON()), b.toArray().map((r) => r.toJSON()));
  // a read that is requested or persisted stays a read
  const kept = optimize(plain, [...g.keys], { fuse: false, protectedKeys: new Set([df.keys[0]]) });
  assert.equal([...kept.values()].filter((t) => t.op === 'frame.readParquet').length, 1);
  // through row-wise steps: select, filter
  const d = df.select(['fare_amount', 'tip_amount', 'trip_distance']).filter(df.col('trip_distance').gt(1)).describe();
  const dPlain = flatten(d.layers);
  const dOpt = optimize(dPlain, [...d.keys], { fuse: false });
  const dScans = [...dOpt.values()].filter((t) => t.op === 'frame.scanParquet');
  assert.equal(dScans.length, 3);
  assert.deepEqual((dScans[0].args[1] as [string, unknown[]][]).map(([op]) => op), ['frame.select', 'frame.filter', 'frame.describe.partial']);
  const [x] = (await evaluateHere(dOpt, [...d.keys])) as import('apache-arrow').Table[];
  const [y] = (await evaluateHere(dPlain, [...d.keys])) as import('apache-arrow').Table[];
  assert.deepEqual(x.toArray().map((r) => r.toJSON()), y.toArray().map((r) => r.toJSON()));
});
