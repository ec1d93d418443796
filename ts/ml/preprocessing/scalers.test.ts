import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { tableFromArrays } from 'apache-arrow';
import { MinMaxScaler, StandardScaler } from './scalers.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';

const X: number[][] = sk.X;
const flat = Float64Array.from(X.flat());
const ref = sk.standard_scaler;
const mm = sk.minmax_scaler;

test('StandardScaler statistics and transform match scikit-learn to 1e-12 (in memory)', async () => {
  const s = await new StandardScaler().fit(X);
  assertClose(s.mean_!, ref.mean_, 1e-12, 'mean_');
  assertClose(s.var_!, ref.var_, 1e-12, 'var_');
  assertClose(s.scale_!, ref.scale_, 1e-12, 'scale_');
  assertClose(s.transform(X.slice(0, 3)).data, ref.transform_first3.flat(), 1e-12, 'transform');
  assertClose(s.inverseTransform(s.transform(X)).data, flat, 1e-12, 'inverse');
  assert.equal(s.nSamplesSeen_, 50);
});

test('MinMaxScaler statistics and transform match scikit-learn to 1e-12 (in memory)', async () => {
  const s = await new MinMaxScaler({ featureRange: mm.feature_range }).fit({ data: flat, shape: [50, 3] });
  assertClose(s.dataMin_!, mm.data_min_, 1e-12, 'dataMin_');
  assertClose(s.dataMax_!, mm.data_max_, 1e-12, 'dataMax_');
  assertClose(s.scale_!, mm.scale_, 1e-12, 'scale_');
  assertClose(s.min_!, mm.min_, 1e-12, 'min_');
  assertClose(s.transform(X.slice(0, 3)).data, mm.transform_first3.flat(), 1e-12, 'transform');
});

test('a constant column is passed through unscaled, as scikit-learn', async () => {
  const s = await new StandardScaler().fit([[1, 5], [2, 5], [3, 5]]);
  assert.equal(s.scale_![1], 1);
  assert.deepEqual(Array.from(s.transform([[2, 5]]).data), [0, 0]);
  const m = await new MinMaxScaler().fit([[1, 5], [3, 5]]);
  assert.deepEqual(Array.from(m.transform([[3, 5]]).data), [1, 0]);
});

test('scalers reject mismatched widths at transform, naming X', async () => {
  const s = await new StandardScaler().fit(X);
  assert.throws(() => s.transform([[1, 2]]), /StandardScaler.transform: X has 2 columns, 3 were seen at fit/);
});

checkEstimator('StandardScaler', {
  make: () => new StandardScaler({ withMean: false }),
  paramToChange: ['withMean', true],
  invalidParam: ['withStd', 'yes'],
  X,
  fittedState: (e) => [Array.from(e.var_!), Array.from(e.scale_!)],
  fittedMethods: ['transform', 'inverseTransform'],
});

checkEstimator('MinMaxScaler', {
  make: () => new MinMaxScaler({ featureRange: [-1, 1] }),
  paramToChange: ['featureRange', [0, 5]],
  invalidParam: ['featureRange', [2, 1]],
  X,
  fittedState: (e) => [Array.from(e.scale_!), Array.from(e.min_!)],
  fittedMethods: ['transform', 'inverseTransform'],
});

// ---- on the cluster: the same numbers from a chunked Array and a DataFrame

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('StandardScaler on a chunked shoal Array matches scikit-learn, and transforms lazily', async () => {
  const A = fromArray(flat, { shape: [50, 3], chunks: 7 });
  const s = await new StandardScaler().fit(A);
  assertClose(s.mean_!, ref.mean_, 1e-12, 'mean_');
  assertClose(s.var_!, ref.var_, 1e-11, 'var_');
  const Z = s.transform(A);
  assert.equal(Z.numChunks, A.numChunks);
  const first = await Z.slice(0, 3).compute();
  // column 0 sits at 1e6 with σ≈3: one ulp of the mean (1.2e-10) moves z by 4e-11, and a
  // chunked mean may differ from the two-pass one by a few ulps
  assertClose(first.data, ref.transform_first3.flat(), 1e-9, 'transform');
});

test('MinMaxScaler on a DataFrame keeps column names and matches scikit-learn', async () => {
  const table = tableFromArrays({ a: Float64Array.from(X, (r) => r[0]), b: Float64Array.from(X, (r) => r[1]), c: Float64Array.from(X, (r) => r[2]) });
  const df = fromArrow(table, { npartitions: 4 });
  const s = await new MinMaxScaler({ featureRange: mm.feature_range }).fit(df);
  assert.deepEqual(s.featureNamesIn_, ['a', 'b', 'c']);
  assertClose(s.scale_!, mm.scale_, 1e-12, 'scale_');
  const out = await s.transform(df).head(3);
  assert.deepEqual(out.schema.fields.map((f) => f.name), ['a', 'b', 'c']);
  const got = [0, 1, 2].flatMap((r) => ['a', 'b', 'c'].map((c) => Number(out.getChild(c)!.get(r))));
  assertClose(got, mm.transform_first3.flat(), 1e-12, 'transform');
});
