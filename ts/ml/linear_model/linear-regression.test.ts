import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { makeRegression } from '../../collections/datasets/synthetic.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';
import { LinearRegression } from './linear-regression.js';

const ref = sk.linear_regression;
const X: number[][] = ref.X;
const y: number[] = ref.y;

test('LinearRegression matches scikit-learn\'s coefficients, intercept and R² (in memory)', async () => {
  const lr = await new LinearRegression().fit(X, y);
  assertClose(lr.coef_!, ref.coef_, 1e-8, 'coef_');
  assertClose([lr.intercept_!], [ref.intercept_], 1e-8, 'intercept_');
  assertClose([await lr.score(X, y)], [ref.score], 1e-10, 'score');
  const through0 = await new LinearRegression({ fitIntercept: false }).fit(X, y);
  assertClose(through0.coef_!, ref.coef_no_intercept, 1e-8, 'coef_ without intercept');
  assert.equal(through0.intercept_, 0);
});

test('collinear features give scikit-learn\'s minimum-norm solution', async () => {
  const Xc = X.map((r) => [r[0], r[1], r[0] + r[1]]);
  const lr = await new LinearRegression().fit(Xc, y);
  assertClose(lr.coef_!, ref.collinear_coef_, 1e-6, 'coef_');
  assertClose([lr.intercept_!], [ref.collinear_intercept_], 1e-6, 'intercept_');
  assert.equal(lr.rank_, ref.collinear_rank_);
});

test('LinearRegression names bad input', async () => {
  await assert.rejects(new LinearRegression().fit(X, y.slice(1)), /X and y: expected the same number of samples, got 300 and 299/);
  await assert.rejects(new LinearRegression().fit([[1], [Infinity]], [1, 2]), /X: expected finite numbers, got Infinity at index 1/);
  const lr = await new LinearRegression().fit(X, y);
  assert.throws(() => lr.predict([[1, 2]]), /LinearRegression.predict: X has 2 columns, 4 were seen at fit/);
});

checkEstimator('LinearRegression', {
  make: () => new LinearRegression({ fitIntercept: false }),
  paramToChange: ['fitIntercept', true],
  invalidParam: ['fitIntercept', 'no'],
  X,
  y,
  fittedState: (e) => [Array.from(e.coef_!), e.intercept_],
  fittedMethods: ['predict', 'score'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('LinearRegression on chunked Arrays matches scikit-learn (statistics reduced on the cluster)', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [300, 4], chunks: 37 });
  const yA = fromArray(Float64Array.from(y), { shape: [300], chunks: 37 });
  const lr = await new LinearRegression().fit(XA, yA);
  assertClose(lr.coef_!, ref.coef_, 1e-8, 'coef_');
  assertClose([lr.intercept_!], [ref.intercept_], 1e-8, 'intercept_');
  const pred = await lr.predict(XA).compute();
  assertClose(pred.data, lr.predict(X), 1e-12, 'lazy predict');
  assertClose([await lr.score(XA, yA)], [ref.score], 1e-10, 'score');
});

test('LinearRegression recovers makeRegression\'s coefficients from data generated on the workers', async () => {
  const [XA, yA, coef] = makeRegression({ nSamples: 20_000, nFeatures: 5, chunks: 4_000, noise: 0, randomState: 3 });
  const lr = await new LinearRegression().fit(XA, yA);
  assertClose(lr.coef_!, coef, 1e-8, 'coef_ vs the generator\'s');
  assert.ok(Math.abs(lr.intercept_!) < 1e-8, `intercept ${lr.intercept_}`);
});

test('LinearRegression on data generated in the graph (fused with the Gram statistics, in row blocks) equals the in-memory fit', async () => {
  // 40 000 x (20 + 1) float64 rows per chunk: 6.7 MB, two row blocks of at most 4 MiB each
  const [XA, yA, coef] = makeRegression({ nSamples: 100_000, nFeatures: 20, nInformative: 8, chunks: 40_000, noise: 2, bias: -3, randomState: 11 });
  const lazy = await new LinearRegression().fit(XA, yA);
  const [xs, ys] = await Promise.all([XA.compute(), yA.compute()]);
  const mem = await new LinearRegression().fit({ data: Float64Array.from(xs.data), shape: xs.shape }, Float64Array.from(ys.data));
  assertClose(lazy.coef_!, mem.coef_!, 1e-9, 'coef_ vs the in-memory fit');
  assertClose([lazy.intercept_!], [mem.intercept_!], 1e-9, 'intercept_ vs the in-memory fit');
  // and near the truth: the standard error of each coefficient is noise/√n ≈ 0.006
  assertClose(lazy.coef_!, coef, 0.04, 'coef_ vs the generator\'s');
  assert.ok(Math.abs(lazy.intercept_! + 3) < 0.04, `intercept ${lazy.intercept_}`);
});
