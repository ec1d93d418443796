import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { SGDClassifier } from '../linear_model/sgd.js';
import { LinearRegression } from '../linear_model/linear-regression.js';
import { sk } from '../testdata.js';
import { HyperbandSearchCV, SuccessiveHalvingSearchCV } from './hyperband.js';
import { loguniform } from './param-grid.js';
import { checkEstimator } from '../testing/conformance.js';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../ts/ml/testdata/hyperband.json', import.meta.url)), 'utf8'));
const X: number[][] = sk.glm.X;
const y: number[] = sk.glm.y_multi;
const space = { alpha: loguniform(1e-5, 1), loss: ['hinge', 'log_loss'] };

for (const c of ref.hyperband) {
  test(`HyperbandSearchCV maxIter=${c.max_iter}, aggressiveness=${c.aggressiveness}: Dask-ML's brackets, models, decisions and partial fit calls`, async () => {
    const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: c.max_iter, aggressiveness: c.aggressiveness, scheduler: 'local' }).fit(X, y);
    const m = search.metadata_!;
    assert.equal(m.nModels, c.n_models);
    assert.equal(m.partialFitCalls, c.partial_fit_calls);
    assert.deepEqual(m.brackets.map((b) => [b.bracket, b.nModels, b.partialFitCalls, b.decisions]),
      c.brackets.map((b: { bracket: number; n_models: number; partial_fit_calls: number; decisions: number[] }) => [b.bracket, b.n_models, b.partial_fit_calls, b.decisions]));
  });
}

for (const c of ref.successive_halving) {
  test(`SuccessiveHalvingSearchCV n=${c.n_initial_parameters}, r=${c.n_initial_iter}, maxIter=${c.max_iter}: Dask-ML's partial fit calls`, async () => {
    const search = await new SuccessiveHalvingSearchCV(new SGDClassifier({ shuffle: false }), space, {
      nInitialParameters: c.n_initial_parameters, nInitialIter: c.n_initial_iter, maxIter: c.max_iter, aggressiveness: c.aggressiveness, scheduler: 'local',
    }).fit(X, y);
    assert.equal(search.metadata_!.nModels, c.n_models);
    assert.equal(search.metadata_!.partialFitCalls, c.partial_fit_calls);
  });
}

test('the best model is the best-scored one, its score is its test score, and it was trained the most in its bracket', async () => {
  const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 27, scheduler: 'local', randomState: 1 }).fit(X, y);
  const r = search.cvResults_!;
  const scores = r.test_score as number[];
  assert.equal(search.bestScore_, Math.max(...scores));
  assert.equal((r.rank_test_score as number[])[search.bestIndex_!], 1);
  assert.deepEqual(search.bestParams_, (r.params as object[])[search.bestIndex_!]);
  assert.ok(search.bestScore_! > 0.7, `best accuracy ${search.bestScore_}`);
  // ranks agree with scores
  const order = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  assert.equal((r.rank_test_score as number[])[order[0][1]], 1);
  assert.ok(Array.isArray(search.predict(X)) || ArrayBuffer.isView(search.predict(X)));
  // the same seed, the same search
  const again = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 27, scheduler: 'local', randomState: 1 }).fit(X, y);
  assert.deepEqual(again.cvResults_!.test_score, r.test_score);
});

test('incremental searches name bad input', async () => {
  await assert.rejects(new HyperbandSearchCV(new LinearRegression() as never, space).fit(X, y), /estimator must be an estimator with partialFit, got "LinearRegression"/);
  await assert.rejects(new HyperbandSearchCV(new SGDClassifier(), space, { aggressiveness: 1 }).fit(X, y), /aggressiveness must be a number > 1/);
  await assert.rejects(new HyperbandSearchCV(new SGDClassifier(), { nope: [1, 2] }, { maxIter: 3, scheduler: 'local' }).fit(X, y), /nope/);
  await assert.rejects(new SuccessiveHalvingSearchCV(new SGDClassifier(), space, { nInitialParameters: 0 }).fit(X, y), /nInitialParameters must be an integer ≥ 1/);
});

checkEstimator('HyperbandSearchCV', {
  make: () => new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 3, scheduler: 'local' }),
  paramToChange: ['maxIter', 9],
  invalidParam: ['aggressiveness', 0],
  X,
  y,
  fittedState: (e) => e.cvResults_!.test_score,
  fittedMethods: ['predict'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('on a cluster every partial fit call is a task; in-memory data gives the same search as on this thread', async () => {
  const local = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, scheduler: 'local', randomState: 2 }).fit(X, y);
  const remote = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, scheduler: client, randomState: 2 }).fit(X, y);
  assert.deepEqual(remote.cvResults_!.test_score, local.cvResults_!.test_score);
  assert.deepEqual(remote.bestParams_, local.bestParams_);
  assert.deepEqual(remote.metadata_, local.metadata_);
});

test('HyperbandSearchCV on chunked Arrays: block-wise training on the workers, a test part held in memory', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const yA = fromArray(Float64Array.from(y), { shape: [400], chunks: 100 });
  const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, aggressiveness: 2, randomState: 3 }).fit(XA, yA);
  const expected = ref.hyperband.find((h: { max_iter: number }) => h.max_iter === 9);
  assert.deepEqual([search.metadata_!.nModels, search.metadata_!.partialFitCalls], [expected.n_models, expected.partial_fit_calls], JSON.stringify(search.metadata_));
  assert.ok(search.bestScore_! > 0.6, `best accuracy ${search.bestScore_}`);
  assert.deepEqual((search.bestEstimator_ as SGDClassifier).classes_, [0, 1, 2]);
});
