import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { trainTestSplit } from './split.js';
import { ShoalArray, DataFrame } from '../collections-bridge.js';

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

// row i of X is [i, 10 i]; y_i = i: a row's identity is visible in every piece
const n = 1000;
const X = fromArray(Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * k - 5)), { shape: [n, 2], chunks: 300 });
const y = fromArray(Float64Array.from({ length: n }, (_, i) => i), { shape: [n], chunks: 300 });

test('trainTestSplit on Arrays: block-wise, exact ⌈testSize·rows⌉ per block, X and y cut at the same rows, a partition of all rows', async () => {
  const [Xtr, Xte, ytr, yte] = trainTestSplit([X, y], { testSize: 0.2, randomState: 4 }) as ShoalArray[];
  assert.deepEqual(Xte.chunks, [60, 60, 60, 20], 'test rows per block known without computing');
  assert.deepEqual(Xtr.chunks, [240, 240, 240, 80]);
  const [xtr, xte, vtr, vte] = await Promise.all([Xtr, Xte, ytr, yte].map((a) => a.compute()));
  assert.deepEqual(Array.from(xtr.data).filter((_, k) => k % 2 === 0), Array.from(vtr.data), 'train X rows are the train y rows');
  assert.deepEqual(Array.from(xte.data).filter((_, k) => k % 2 === 0), Array.from(vte.data), 'test X rows are the test y rows');
  const all = [...vtr.data, ...vte.data].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i), 'every row once');
  // shuffled within blocks only: each block's test rows come from that block
  for (const [b, lo] of [[0, 0], [1, 300], [2, 600], [3, 900]]) {
    const rows = Array.from(vte.data).slice(b * 60, b * 60 + (b === 3 ? 20 : 60));
    assert.ok(rows.every((r) => r >= lo && r < lo + 300), `block ${b}`);
  }
  // the same seed, the same split; unshuffled, the last rows of each block are the test rows
  const again = await (trainTestSplit([y], { testSize: 0.2, randomState: 4 })[1] as ShoalArray).compute();
  assert.deepEqual(again.data, vte.data);
  const plain = await (trainTestSplit([y], { testSize: 0.2, shuffle: false })[1] as ShoalArray).compute();
  assert.deepEqual(Array.from(plain.data.slice(0, 3)), [240, 241, 242]);
});

test('trainTestSplit on DataFrames: partition-wise random split, the same rows for frames partitioned alike', async () => {
  const table = arrow.tableFromArrays({ id: Float64Array.from({ length: n }, (_, i) => i), v: Float64Array.from({ length: n }, (_, i) => 2 * i) });
  const df = fromArrow(table, { npartitions: 4 });
  const [Xtr, Xte, ytr, yte] = trainTestSplit([df.select(['v']), df.select(['id'])], { testSize: 0.3, randomState: 1 }) as DataFrame[];
  const [a, b, c, d] = await Promise.all([Xtr, Xte, ytr, yte].map((f) => f.compute()));
  assert.deepEqual(Array.from(a.getChild('v')!.toArray() as Float64Array, (v) => v / 2), Array.from(c.getChild('id')!.toArray() as Float64Array));
  assert.deepEqual(Array.from(b.getChild('v')!.toArray() as Float64Array, (v) => v / 2), Array.from(d.getChild('id')!.toArray() as Float64Array));
  assert.equal(a.numRows + b.numRows, n);
  assert.ok(Math.abs(b.numRows / n - 0.3) < 0.06, `test fraction ${b.numRows / n}`);
});

test('trainTestSplit on collections names bad input', () => {
  assert.throws(() => trainTestSplit([X, y], { testSize: 100 }), /testSize must be a fraction in \(0, 1\) for shoal collections/);
  assert.throws(() => trainTestSplit([X, fromArray(new Float64Array(n), { shape: [n], chunks: 500 })]), /arrays\[1\]: expected 4 chunks as arrays\[0\], got 2/);
  assert.throws(() => trainTestSplit([X, new Float64Array(n)] as never), /mix of shoal collections and in-memory arrays/);
});
