import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';
import { PoissonRegression } from './poisson-regression.js';

const ref = sk.glm;
const X: number[][] = ref.X;
const y: number[] = ref.y_counts;
const pois = ref.poisson;

for (const solver of ['lbfgs', 'newton', 'proximal_grad'] as const) {
  test(`PoissonRegression (${solver}) matches scikit-learn's PoissonRegressor with C = 1/(alpha·n)`, async () => {
    const pr = await new PoissonRegression({ C: pois.C, solver, tol: 1e-9, maxIter: 20_000 }).fit(X, y);
    assert.equal(pr.converged_, true);
    assertClose(pr.coef_!.data, pois.coef_, 1e-4, 'coef_');
    assertClose(pr.intercept_!, [pois.intercept_], 1e-4, 'intercept_');
    assertClose(pr.predict(X.slice(0, 5)), pois.predict_first5, 1e-4, 'predict');
    assertClose([await pr.score(X, y)], [pois.score], 1e-6, 'score (D²)');
  });
}

test('PoissonRegression names bad input', async () => {
  await assert.rejects(new PoissonRegression().fit(X, y.map((v, i) => (i === 3 ? -1 : v))), /y: Poisson regression needs non-negative targets, got -1 at index 3/);
  await assert.rejects(new PoissonRegression().fit(X, y.slice(2)), /X and y: expected the same number of samples, got 400 and 398/);
});

checkEstimator('PoissonRegression', {
  make: () => new PoissonRegression({ C: 0.1 }),
  paramToChange: ['fitIntercept', false],
  invalidParam: ['tol', -1],
  X,
  y,
  fittedState: (e) => [Array.from(e.coef_!.data), Array.from(e.intercept_!)],
  fittedMethods: ['predict'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('PoissonRegression on chunked Arrays matches scikit-learn; lazy predict and D² on the cluster', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 64 });
  const yA = fromArray(Float64Array.from(y), { shape: [400], chunks: 64 });
  const pr = await new PoissonRegression({ C: pois.C, tol: 1e-9, maxIter: 1000 }).fit(XA, yA);
  assertClose(pr.coef_!.data, pois.coef_, 1e-4, 'coef_');
  const mu = await pr.predict(XA).compute();
  assertClose(mu.data.slice(0, 5), pois.predict_first5, 1e-4, 'lazy predict');
  assertClose([await pr.score(XA, yA)], [pois.score], 1e-6, 'lazy score');
  const negative = fromArray(Float64Array.from(y, (v, i) => (i === 7 ? -2 : v)), { shape: [400], chunks: 64 });
  await assert.rejects(new PoissonRegression().fit(XA, negative), /y: Poisson regression needs non-negative targets, got -2/);
  const nan = fromArray(Float64Array.from(y, (v, i) => (i === 9 ? NaN : v)), { shape: [400], chunks: 64 });
  await assert.rejects(new PoissonRegression().fit(XA, nan), /y: expected finite targets/);
});
