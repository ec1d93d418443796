import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { checkEstimator } from '../testing/conformance.js';
import { pp } from '../testdata-preprocessing.js';
import { LabelEncoder } from './label-encoder.js';

const strings: { y: string[]; classes_: string[]; transform: number[]; inverse: string[] } = pp.label.strings;
const numbers: { y: number[]; classes_: number[]; transform: number[]; inverse: number[] } = pp.label.numbers;

for (const [name, ref] of [['strings', strings], ['numbers', numbers]] as const) {
  test(`LabelEncoder on ${name}: classes_, transform and inverseTransform equal scikit-learn's`, async () => {
    const e = await new LabelEncoder().fit(ref.y);
    assert.deepEqual(e.classes_, ref.classes_);
    const codes = e.transform(ref.y);
    assert.ok(codes instanceof Int32Array);
    assert.deepEqual(Array.from(codes), ref.transform);
    assert.deepEqual(e.inverseTransform(Int32Array.from(codes).reverse()), ref.inverse);
    assert.deepEqual(Array.from(await new LabelEncoder().fitTransform(ref.y) as Int32Array), ref.transform);
  });
}

test('LabelEncoder reads typed arrays, Arrow vectors and a single column', async () => {
  const e = await new LabelEncoder().fit(Float64Array.from(numbers.y));
  assert.deepEqual(e.classes_, numbers.classes_);
  const v = arrow.vectorFromArray(strings.y, new arrow.Utf8());
  assert.deepEqual(Array.from((await new LabelEncoder().fit(v)).transform(v)), strings.transform);
  const col = strings.y.map((s) => [s]);
  assert.deepEqual(Array.from((await new LabelEncoder().fit(col)).transform(col)), strings.transform);
  await assert.rejects(new LabelEncoder().fit([['a', 'b']]), /y: expected 1-D labels or a single column, got 2 columns/);
});

test('LabelEncoder names unseen labels, bad codes, mixed types and missing labels', async () => {
  const e = await new LabelEncoder().fit(strings.y);
  assert.throws(() => e.transform(['paris', 'rome']), /LabelEncoder.transform: y has the unseen label "rome"; the classes are "Oslo", "amsterdam", "lima", "paris", "tokyo"/);
  assert.throws(() => e.inverseTransform([0, 5]), /LabelEncoder.inverseTransform: y has the code 5 at index 1; expected an integer in \[0, 5\)/);
  await assert.rejects(new LabelEncoder().fit(['a', 1]), /y: mixes numbers and strings \(1 and "a"\)/);
  await assert.rejects(new LabelEncoder().fit([1, NaN]), /y: expected finite numbers, got NaN at index 1/);
  await assert.rejects(new LabelEncoder().fit(arrow.vectorFromArray(['a', null], new arrow.Utf8())), /y: has 1 missing value \(null or NaN\)/);
  await assert.rejects(new LabelEncoder().fit([]), /y: expected at least one label, got 0/);
});

test('LabelEncoder with given classes keeps their order and rejects other labels at fit', async () => {
  const e = await new LabelEncoder({ classes: ['tokyo', 'paris', 'lima', 'amsterdam', 'Oslo'] }).fit(strings.y);
  assert.deepEqual(Array.from(e.transform(['tokyo', 'Oslo'])), [0, 4]);
  await assert.rejects(new LabelEncoder({ classes: ['tokyo', 'paris'] }).fit(strings.y), /LabelEncoder.fit: y has "Oslo", "amsterdam", "lima", not among the given classes "tokyo", "paris"/);
});

checkEstimator('LabelEncoder', {
  make: () => new LabelEncoder(),
  paramToChange: ['classes', ['Oslo', 'amsterdam', 'lima', 'paris', 'tokyo']],
  invalidParam: ['classes', 'abc'],
  X: strings.y,
  fittedState: (e) => e.classes_,
  fittedMethods: ['transform', 'inverseTransform'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('LabelEncoder on a 1-D Array: classes in one pass, block-wise codes and labels equal to scikit-learn\'s', async () => {
  const y = fromArray(Float64Array.from(numbers.y), { chunks: 4 });
  const e = await new LabelEncoder().fit(y);
  assert.deepEqual(e.classes_, numbers.classes_);
  const codes = e.transform(y);
  assert.equal(codes.dtype, 'int32');
  assert.equal(codes.numChunks, y.numChunks);
  assert.deepEqual(Array.from((await codes.compute()).data), numbers.transform);
  assert.deepEqual(Array.from((await e.inverseTransform(codes).compute()).data), numbers.y);
  const other = fromArray(Float64Array.from([1, 5]), { chunks: 1 });
  await assert.rejects(e.transform(other).compute(), /LabelEncoder.transform: y has the unseen label 5/);
  const s = await new LabelEncoder().fit(strings.y);
  assert.throws(() => s.transform(y), /LabelEncoder.transform: the classes are strings; a shoal Array holds numbers/);
});
