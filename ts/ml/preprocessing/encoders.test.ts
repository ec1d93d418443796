import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { checkEstimator } from '../testing/conformance.js';
import { pp } from '../testdata-preprocessing.js';
import { OneHotEncoder, OrdinalEncoder, type OneHotEncoderParams, type OrdinalEncoderParams } from './encoders.js';

type Row = (string | number)[];
const enc = pp.encoders;
const X: Row[] = enc.X;
const Xtest: Row[] = enc.X_test;
const names: string[] = enc.columns;

/** X as an Arrow table with named columns (strings, int32, strings). */
function table(rows: Row[]): arrow.Table {
  return new arrow.Table({
    color: arrow.vectorFromArray(rows.map((r) => r[0] as string), new arrow.Utf8()),
    size: arrow.makeVector(Int32Array.from(rows, (r) => r[1] as number)),
    ok: arrow.vectorFromArray(rows.map((r) => r[2] as string), new arrow.Utf8()),
  });
}

interface OneHotCase {
  name: string; params: OneHotEncoderParams; categories_: Row[]; drop_idx_: (number | null)[] | null;
  feature_names_out: string[]; feature_names_out_df: string[]; transform: number[][]; inverse_first5: Row[];
  transform_test?: number[][]; inverse_test?: (Row[number] | null)[][];
}

for (const c of enc.onehot as OneHotCase[]) {
  test(`OneHotEncoder ${c.name}: categories_, dropIdx_, names, transform and inverse equal scikit-learn's`, async () => {
    const e = await new OneHotEncoder(c.params).fit(X);
    assert.deepEqual(e.categories_, c.categories_);
    assert.deepEqual(e.dropIdx_, c.drop_idx_);
    assert.deepEqual(e.getFeatureNamesOut(), c.feature_names_out);
    const out = e.transform(X);
    assert.deepEqual(out.shape, [X.length, c.feature_names_out.length]);
    assert.deepEqual(Array.from(out.data), c.transform.flat());
    assert.deepEqual(e.inverseTransform(e.transform(X.slice(0, 5))), c.inverse_first5);
    if (c.transform_test) {
      const t = e.transform(Xtest);
      assert.deepEqual(Array.from(t.data), c.transform_test.flat());
      assert.deepEqual(e.inverseTransform(t), c.inverse_test);
    }
    // an Arrow table: names from its columns, the same numbers
    const named = await new OneHotEncoder(c.params).fit(table(X));
    assert.deepEqual(named.featureNamesIn_, names);
    assert.deepEqual(named.getFeatureNamesOut(), c.feature_names_out_df);
    assert.deepEqual(Array.from(named.transform(table(X)).data), c.transform.flat());
  });
}

interface OrdinalCase {
  name: string; params: OrdinalEncoderParams; categories_: Row[]; transform: number[][]; inverse_first5: Row[];
  transform_test?: number[][]; inverse_test?: (Row[number] | null)[][];
}

for (const c of enc.ordinal as OrdinalCase[]) {
  test(`OrdinalEncoder ${c.name}: categories_, transform and inverse equal scikit-learn's`, async () => {
    const e = await new OrdinalEncoder(c.params).fit(X);
    assert.deepEqual(e.categories_, c.categories_);
    assert.deepEqual(Array.from(e.transform(X).data), c.transform.flat());
    assert.deepEqual(e.inverseTransform(e.transform(X.slice(0, 5))), c.inverse_first5);
    assert.deepEqual(e.getFeatureNamesOut(), ['x0', 'x1', 'x2']);
    if (c.transform_test) {
      const t = e.transform(Xtest);
      assert.deepEqual(Array.from(t.data), c.transform_test.flat());
      assert.deepEqual(e.inverseTransform(t), c.inverse_test);
    }
  });
}

test('an unknown category at transform is an error naming the column and the value', async () => {
  const oh = await new OneHotEncoder().fit(table(X));
  assert.throws(() => oh.transform(table(Xtest)), /OneHotEncoder.transform: column 'color' has the unknown category "purple"; the categories seen at fit are "blue", "green", "red" \(set handleUnknown: 'ignore'/);
  const od = await new OrdinalEncoder().fit(X);
  assert.throws(() => od.transform([['red', 11, 'no']]), /OrdinalEncoder.transform: column 'x1' has the unknown category 11; the categories seen at fit are 1, 2, 3, 10 \(set handleUnknown: 'use_encoded_value'/);
});

test('OrdinalEncoder with NaN as unknownValue encodes unknowns as NaN and inverts them to null', async () => {
  const e = await new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: NaN }).fit(X);
  const t = e.transform([['purple', 2, 'yes']]);
  assert.ok(Number.isNaN(t.data[0]));
  assert.deepEqual(Array.from(t.data.subarray(1)), [1, 1]);
  assert.deepEqual(e.inverseTransform({ data: t.data, shape: [1, 3] }), [[null, 2, 'yes']]);
});

test('encoders validate their hyper-parameters at fit, naming them', async () => {
  await assert.rejects(new OneHotEncoder({ handleUnknown: 'use_encoded_value' as never }).fit(X), /OneHotEncoder: hyper-parameter handleUnknown must be 'error' or 'ignore'/);
  await assert.rejects(new OneHotEncoder({ drop: ['green', 99, 'no'] }).fit(X), /hyper-parameter drop names 99 for column 'x1', which is not among its categories 1, 2, 3, 10/);
  await assert.rejects(new OneHotEncoder({ drop: ['green'] }).fit(X), /hyper-parameter drop must have one category per column \(3\), got 1/);
  await assert.rejects(new OneHotEncoder({ categories: [['a', 'b']] }).fit(X), /hyper-parameter categories must have one list per column \(3\), got 1/);
  await assert.rejects(new OneHotEncoder({ categories: [['blue', 'green', 'red'], [3, 1, 2, 10], ['no', 'yes']] }).fit(X), /categories for column 'x1' must be sorted ascending/);
  await assert.rejects(new OneHotEncoder({ categories: [['blue', 'green'], [1, 2, 3, 10], ['no', 'yes']] }).fit(X), /OneHotEncoder.fit: column 'x0' has "red", not among the given categories "blue", "green"/);
  await assert.rejects(new OneHotEncoder({ categories: [['a', 'a']] as never }).fit(X), /hyper-parameter categories must be 'auto' or a list per column of distinct categories/);
  await assert.rejects(new OrdinalEncoder({ handleUnknown: 'use_encoded_value' }).fit(X), /hyper-parameter unknownValue must be an integer or NaN when handleUnknown is 'use_encoded_value', got null/);
  await assert.rejects(new OrdinalEncoder({ unknownValue: -1 }).fit(X), /hyper-parameter unknownValue must be null unless handleUnknown is 'use_encoded_value', got -1/);
  await assert.rejects(new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: 1 }).fit(X), /unknownValue must not be a code of a category seen at fit \(column 'x0' uses 0…2\), got 1/);
});

test('encoders reject mixed types and missing values, naming the column', async () => {
  await assert.rejects(new OneHotEncoder().fit([['a', 1], [2, 1]]), /X: column 'x0' mixes numbers and strings \(2 and "a"\)/);
  const t = new arrow.Table({ c: arrow.vectorFromArray(['a', null, 'b'], new arrow.Utf8()) });
  await assert.rejects(new OrdinalEncoder().fit(t), /X: column 'c' has 1 missing value \(null or NaN\); fill or drop them first/);
  await assert.rejects(new OneHotEncoder().fit([['a', null]] as never), /X: expected a number or a string, got null at row 0, column 1/);
  const e = await new OneHotEncoder({ handleUnknown: 'ignore' }).fit(new arrow.Table({ c: arrow.vectorFromArray(['a', 'b'], new arrow.Utf8()) }));
  assert.throws(() => e.transform(t), /OneHotEncoder.transform: column 'c' has a missing value/);
  assert.throws(() => e.transform(new arrow.Table({ d: arrow.vectorFromArray(['a'], new arrow.Utf8()) })), /OneHotEncoder.transform: X has no column 'c'; the columns seen at fit are c/);
  assert.throws(() => e.transform([['a', 'b']]), /OneHotEncoder.transform: X has 2 columns, 1 were seen at fit/);
});

checkEstimator('OneHotEncoder', {
  make: () => new OneHotEncoder({ drop: 'first' }),
  paramToChange: ['handleUnknown', 'ignore'],
  invalidParam: ['drop', 'last'],
  X,
  fittedState: (e) => [e.categories_, e.dropIdx_],
  fittedMethods: ['transform', 'inverseTransform', 'getFeatureNamesOut'],
});

checkEstimator('OrdinalEncoder', {
  make: () => new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }),
  paramToChange: ['unknownValue', -2],
  invalidParam: ['handleUnknown', 'ignore'],
  X,
  fittedState: (e) => e.categories_,
  fittedMethods: ['transform', 'inverseTransform', 'getFeatureNamesOut'],
});

// ---- on the cluster: categories in one pass, lazy transforms equal to the in-memory ones

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('OneHotEncoder and OrdinalEncoder on a DataFrame: scikit-learn\'s categories, lazy frames with its column names', async () => {
  const df = fromArrow(table(X), { npartitions: 3 });
  for (const c of (enc.onehot as OneHotCase[]).filter((k) => ['default', 'drop_if_binary', 'given_ignore'].includes(k.name))) {
    const e = await new OneHotEncoder(c.params).fit(df);
    assert.deepEqual(e.categories_, c.categories_);
    const out = e.transform(df);
    assert.deepEqual(out.columns, c.feature_names_out_df);
    assert.equal(out.npartitions, 3);
    const t = await out.compute();
    assert.deepEqual(X.flatMap((_, r) => out.columns.map((n) => t.getChild(n)!.get(r))), c.transform.flat(), c.name);
  }
  const od = await new OrdinalEncoder().fit(df);
  const ref = (enc.ordinal as OrdinalCase[])[0];
  assert.deepEqual(od.categories_, ref.categories_);
  const t = await od.transform(df).compute();
  assert.deepEqual(t.schema.fields.map((f) => f.name), names);
  assert.deepEqual(X.flatMap((_, r) => names.map((n) => t.getChild(n)!.get(r))), ref.transform.flat());
});

test('an unknown category in a partition fails the lazy transform, naming the column and the value', async () => {
  const e = await new OneHotEncoder().fit(fromArrow(table(X), { npartitions: 2 }));
  // one partition holds the unknown value; the other only categories seen at fit (with an
  // unknown in each, which task fails first — and so which error arrives — is a race)
  const rows = [Xtest[0], X[0], X[1], X[2]];
  await assert.rejects(e.transform(fromArrow(table(rows), { npartitions: 2 })).compute(), /OneHotEncoder.transform: column 'color' has the unknown category "purple"/);
});

test('OneHotEncoder and OrdinalEncoder on a numeric Array: one task per chunk, equal to the in-memory result', async () => {
  const rows = X.map((r, i) => [r[1] as number, (i * 7) % 3]);
  const A = fromArray(Float64Array.from(rows.flat()), { shape: [rows.length, 2], chunks: 6 });
  for (const make of [() => new OneHotEncoder({ drop: 'if_binary' }), () => new OrdinalEncoder()]) {
    const lazy = await make().fit(A);
    const mem = await make().fit(rows);
    assert.deepEqual(lazy.categories_, mem.categories_);
    const Z = lazy.transform(A);
    assert.equal(Z.numChunks, A.numChunks);
    assert.deepEqual(Array.from((await Z.compute()).data), Array.from(mem.transform(rows).data));
  }
});
