import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getOp, registerOp } from '../../actors/ops.js';
import '../ops.js';
import { evaluateHere } from './evaluate-here.js';
import { random } from '../array/create.js';
import { regressionChunk, regressionRows } from '../array/generate.js';
import { makeRegression } from '../datasets/synthetic.js';
import type { ChunkLike } from '../array/dtype.js';
import { flatten, withLayer, mergeLayers } from './layers.js';
import { FUSED_OP, optimize } from './optimize.js';
import { registerRowPartial, rowBlockPlan, setRowBlockBytes } from './row-blocks.js';
import { ref, type TaskSpec } from '../../actors/graph.js';


// Σ x·y per column and the row count: a row-additive partial over (X, y), as XᵀY is
interface XY { xy: Float64Array; n: number }
registerOp('test.xy.partial', (x: ChunkLike, y: ChunkLike): XY => {
  const rows = x.shape[0], p = x.shape[1];
  const xy = new Float64Array(p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) xy[j] += x.data[r * p + j] * y.data[r];
  return { xy, n: rows };
});
registerOp('test.xy.combine', (parts: XY[]): XY => ({ xy: parts.map((q) => q.xy).reduce((a, b) => a.map((v, j) => v + b[j])), n: parts.reduce((a, q) => a + q.n, 0) }));
registerRowPartial('test.xy.partial', 'test.xy.combine');
// the same partial, summed block by block into one running XY by an accumulator
registerOp('test.xyAcc.partial', (x: ChunkLike, y: ChunkLike): XY => getOp('test.xy.partial')(x, y) as XY);
let accumulatorBlocks = 0;
registerRowPartial<XY>('test.xyAcc.partial', 'test.xy.combine', {
  add: (acc, x: ChunkLike, y: ChunkLike) => {
    accumulatorBlocks++;
    const part = getOp('test.xy.partial')(x, y) as XY;
    if (acc === undefined) return part;
    part.xy.forEach((v, j) => { acc.xy[j] += v; });
    acc.n += part.n;
    return acc;
  },
  finish: (acc) => ({ ...acc, finished: true }),
});

test('rows [start, end) of a regression chunk are those rows of the whole chunk', () => {
  const spec = { seed: 4, stream: 2, rows: 1000, nFeatures: 7, coef: Float64Array.from({ length: 14 }, (_, i) => i - 3), nTargets: 2, bias: 1.5, noise: 0.3 };
  const whole = regressionChunk(spec);
  const scratch = {};
  for (const [a, b] of [[0, 1], [1, 300], [300, 301], [511, 1000]]) {
    const part = regressionRows(spec, a, b, scratch);
    assert.deepEqual(Array.from(part.X.data), Array.from(whole.X.data.subarray(a * 7, b * 7)), `X rows ${a}..${b}`);
    const yw = whole.y.data.subarray(a * 2, b * 2);
    part.y.data.forEach((v, i) => assert.ok(Math.abs(v - yw[i]) <= 1e-12 * Math.max(1, Math.abs(v)), `y[${i}] of rows ${a}..${b}`));
    assert.deepEqual(part.X.shape, [b - a, 7]);
  }
  // y is X·coef + bias + noise, row by row
  const X = whole.X.data, y = whole.y.data;
  for (const r of [0, 999]) {
    for (let t = 0; t < 2; t++) {
      let v = 1.5;
      for (let j = 0; j < 7; j++) v += X[r * 7 + j] * spec.coef[j * 2 + t];
      assert.ok(Math.abs(y[r * 2 + t] - v) < 0.3 * 6, `row ${r} target ${t}: ${y[r * 2 + t]} vs ${v} without noise`);
    }
  }
});

test('a data set\'s X and y picked into one task fuse with their generator, and it runs in row blocks', async () => {
  const [X, y] = makeRegression({ nSamples: 2_500, nFeatures: 6, chunks: 1_000, noise: 1, randomState: 5 });
  const tasks = new Map<string, TaskSpec>();
  const parts = X.keys.map((k, i) => { const key = `xy-${i}`; tasks.set(key, { op: 'test.xy.partial', args: [ref(k), ref(y.keys[i])] }); return key; });
  tasks.set('xy', { op: 'test.xy.combine', args: [parts.map((k) => ref(k))] });
  const g = flatten(withLayer([mergeLayers(X.layers, y.layers)], 'xy', tasks));
  const opt = optimize(g, ['xy']);
  const fused = [...opt.values()].filter((t) => t.op === FUSED_OP).map((t) => (t.args[0] as { steps: { op: string }[] }).steps);
  assert.equal(fused.length, 3, 'one task per chunk');
  for (const steps of fused) assert.deepEqual(steps.map((s) => s.op), ['datasets.regression', 'collections.pick', 'collections.pick', 'test.xy.partial']);
  assert.equal(opt.size, 4, 'the chunks\' tasks and the combine: nothing stored between generator and partial');
  const [want] = (await evaluateHere(g, ['xy'])) as XY[];
  const old = setRowBlockBytes(64 * 7 * 8); // blocks of 64 rows: 16 per chunk, the last ones short
  try {
    assert.ok(rowBlockPlan(fused[0] as never), 'the fused chain runs in row blocks');
    const [got] = (await evaluateHere(opt, ['xy'])) as XY[];
    assert.equal(got.n, 2_500);
    got.xy.forEach((v, j) => assert.ok(Math.abs(v - want.xy[j]) < 1e-9 * Math.abs(want.xy[j]), `column ${j}: ${v} vs ${want.xy[j]}`));
  } finally {
    setRowBlockBytes(old);
  }
});

test('a partial registered with an accumulator sums the row blocks into it and finishes once', async () => {
  const [X, y] = makeRegression({ nSamples: 2_500, nFeatures: 6, chunks: 1_000, noise: 1, randomState: 6 });
  const tasks = new Map<string, TaskSpec>();
  const parts = X.keys.map((k, i) => { const key = `xya-${i}`; tasks.set(key, { op: 'test.xyAcc.partial', args: [ref(k), ref(y.keys[i])] }); return key; });
  tasks.set('xya', { op: 'test.xy.combine', args: [parts.map((k) => ref(k))] });
  const g = flatten(withLayer([mergeLayers(X.layers, y.layers)], 'xya', tasks));
  const opt = optimize(g, parts);
  const [want] = (await evaluateHere(g, ['xya'])) as XY[];
  const old = setRowBlockBytes(64 * 7 * 8);
  try {
    accumulatorBlocks = 0;
    const got = (await evaluateHere(opt, parts)) as (XY & { finished?: boolean })[];
    assert.equal(accumulatorBlocks, 16 + 16 + 8, 'one add per block of 64 rows');
    assert.deepEqual(got.map((p) => [p.n, p.finished]), [[1_000, true], [1_000, true], [500, true]]);
    const sum = got.map((p) => p.xy).reduce((a, b) => a.map((v, j) => v + b[j]));
    sum.forEach((v, j) => assert.ok(Math.abs(v - want.xy[j]) < 1e-9 * Math.abs(want.xy[j]), `column ${j}: ${v} vs ${want.xy[j]}`));
  } finally {
    setRowBlockBytes(old);
  }
});

test('a random array reduced (column moments) runs in row blocks with the same result', async () => {
  const A = random.normal({ size: [3_000, 5], chunks: 1_200, randomState: 1, loc: 2, scale: 3 });
  const m = A.mean(0);
  const v = A.var(0);
  const g = flatten(mergeLayers(m.layers, v.layers));
  const want = (await evaluateHere(g, [m.keys[0], v.keys[0]])) as ChunkLike[];
  const old = setRowBlockBytes(100 * 5 * 8);
  try {
    const opt = optimize(g, [m.keys[0], v.keys[0]]);
    const chains = [...opt.values()].filter((t) => t.op === FUSED_OP).map((t) => (t.args[0] as { steps: { op: string }[] }).steps);
    const blocked = chains.filter((steps) => rowBlockPlan(steps as never) !== null);
    assert.equal(blocked.length, 3, 'each chunk\'s generator and partial run in row blocks');
    assert.deepEqual(blocked[0].map((s) => s.op), ['array.random.normal', 'array.moments.partial']);
    const got = (await evaluateHere(opt, [m.keys[0], v.keys[0]])) as ChunkLike[];
    for (let s = 0; s < 2; s++) got[s].data.forEach((x, j) => assert.ok(Math.abs(x - want[s].data[j]) < 1e-12 * Math.max(1, Math.abs(want[s].data[j])), `stat ${s} column ${j}`));
    assert.ok(Math.abs(got[0].data[0] - 2) < 0.3 && Math.abs(got[1].data[0] - 9) < 1.5, `mean ${got[0].data[0]}, var ${got[1].data[0]}`);
  } finally {
    setRowBlockBytes(old);
  }
});

test('chains with another chunk as input, or a step that is not a pick, do not run in row blocks', () => {
  const spec = { seed: 1, stream: 0, rows: 10_000, nFeatures: 3, coef: new Float64Array(3), nTargets: 1, bias: 0, noise: 0 };
  const gen = { op: 'datasets.regression', args: [spec] };
  const pickX = { op: 'collections.pick', args: [{ __shoalLocal: 0 }, 'X'] };
  const pickY = { op: 'collections.pick', args: [{ __shoalLocal: 0 }, 'y'] };
  const old = setRowBlockBytes(1024);
  try {
    assert.ok(rowBlockPlan([gen, pickX, pickY, { op: 'test.xy.partial', args: [{ __shoalLocal: 1 }, { __shoalLocal: 2 }] }]));
    const chunk = { data: new Float64Array(10_000), shape: [10_000] };
    assert.equal(rowBlockPlan([gen, pickX, { op: 'test.xy.partial', args: [{ __shoalLocal: 1 }, chunk] }]), null);
    assert.equal(rowBlockPlan([gen, pickX, { op: 'array.unary', args: ['abs', { __shoalLocal: 1 }, 'float64'] }, { op: 'test.xy.partial', args: [{ __shoalLocal: 2 }, { __shoalLocal: 2 }] }]), null);
    assert.equal(rowBlockPlan([gen, pickX, pickY, { op: 'array.concat', args: [[{ __shoalLocal: 1 }], 'float64', 3] }]), null);
  } finally {
    setRowBlockBytes(old);
  }
});
