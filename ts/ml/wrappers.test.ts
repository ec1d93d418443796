import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../actors/mod.js';
import { concatenate, fromArray } from '../collections/array/create.js';
import { KMeans } from './cluster/kmeans.js';
import { LinearRegression } from './linear_model/linear-regression.js';
import { LogisticRegression } from './linear_model/logistic-regression.js';
import { checkEstimator } from './testing/conformance.js';
import { assertClose, sk } from './testdata.js';
import { Incremental, ParallelPostFit } from './wrappers.js';
import { GaussianNB } from './naive_bayes/gaussian-nb.js';
import { SGDClassifier, SGDRegressor } from './linear_model/sgd.js';
import { permutation } from './model_selection/split.js';
import type { BaseEstimator, Params } from './base.js';

const X: number[][] = sk.glm.X;
const yb: number[] = sk.glm.y_binary;
const ym: number[] = sk.glm.y_multi;

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

const XA = () => fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 64 });

test('ParallelPostFit fits in memory and predicts block-wise on the cluster exactly as the estimator itself', async () => {
  const clf = await new ParallelPostFit({ estimator: new LogisticRegression({ C: 0.5 }) }).fit(X, ym);
  const direct = await new LogisticRegression({ C: 0.5 }).fit(X, ym);
  assert.deepEqual(clf.estimator_!.getParams(), direct.getParams());
  const proba = clf.predictProba(XA());
  assert.deepEqual(proba.shape, [400, 3]);
  assertClose((await proba.compute()).data, direct.predictProba(X).data, 1e-15, 'predictProba');
  assert.deepEqual(Array.from((await clf.predict(XA()).compute()).data), Array.from(direct.predict(X) as Float64Array));
  assertClose([await clf.score(XA(), fromArray(Float64Array.from(ym), { shape: [400], chunks: 64 }))], [await direct.score(X, ym)], 1e-12, 'accuracy');
  // in-memory X goes straight to the estimator
  assert.deepEqual(clf.predict(X), direct.predict(X));
});

test('ParallelPostFit fits on a gathered collection; regressors score R², clusterers label', async () => {
  const yA = fromArray(Float64Array.from(sk.glm.y_counts), { shape: [400], chunks: 64 });
  const reg = await new ParallelPostFit({ estimator: new LinearRegression() }).fit(XA(), yA);
  const direct = await new LinearRegression().fit(X, sk.glm.y_counts);
  assertClose(reg.estimator_ instanceof LinearRegression ? reg.estimator_.coef_! : [], direct.coef_!, 1e-12, 'coef_');
  assertClose([await reg.score(XA(), yA)], [await direct.score(X, sk.glm.y_counts)], 1e-12, 'R²');
  const km = await new ParallelPostFit({ estimator: new KMeans({ nClusters: 3, randomState: 0 }) }).fit(X);
  const labels = await km.predict(XA()).compute();
  assert.equal(labels.data.constructor, Int32Array);
  assert.deepEqual(Array.from(labels.data), Array.from((km.estimator_ as KMeans).predict(X)));
  const dist = await km.transform(XA()).compute();
  assert.deepEqual(dist.shape, [400, 3]);
});

test('ParallelPostFit names bad input', async () => {
  await assert.rejects(new ParallelPostFit().fit(X, yb), /ParallelPostFit: hyper-parameter estimator must be an estimator with fit, got null/);
  class Unregistered extends LinearRegression {}
  await assert.rejects(new ParallelPostFit({ estimator: new Unregistered() as unknown as BaseEstimator<Params> as never }).fit(X, yb), /Unregistered is not a registered estimator class/);
  const reg = await new ParallelPostFit({ estimator: new LinearRegression() }).fit(X, yb);
  assert.throws(() => reg.predictProba(XA()), /ParallelPostFit.predictProba: LinearRegression has no predictProba/);
});

checkEstimator('ParallelPostFit', {
  make: () => new ParallelPostFit({ estimator: new LogisticRegression({ C: 0.5 }) }),
  paramToChange: ['estimator', new LinearRegression()],
  invalidParam: ['estimator', null],
  X,
  y: yb,
  fittedState: (e) => Array.from((e.estimator_ as LogisticRegression).coef_!.data),
  fittedMethods: ['predict', 'predictProba'],
});

test('Incremental trains through partialFit block by block as a chain of tasks: in order it equals scikit-learn\'s partial_fit over the same batches', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const yA = fromArray(Float64Array.from(ym), { shape: [400], chunks: 100 });
  const inc = await new Incremental({ estimator: new GaussianNB(), shuffleBlocks: false }).fit(XA, yA);
  const nb = inc.estimator_ as GaussianNB;
  assert.deepEqual(nb.classes_, [0, 1, 2], 'classes found on the cluster before the first partialFit');
  assertClose(nb.theta_!.data, sk.gaussian_nb.partial_theta_.flat(), 1e-12, 'theta_');
  assertClose(nb.var_!.data, sk.gaussian_nb.partial_var_.flat(), 1e-12, 'var_');
  // predictions are ParallelPostFit's: block-wise on the cluster
  assertClose((await inc.predictProba(XA).compute()).data, nb.predictProba(X).data, 1e-15, 'predictProba');
  // shuffled blocks: the same model up to rounding (the moments do not depend on the order)
  const shuffled = await new Incremental({ estimator: new GaussianNB(), randomState: 3 }).fit(XA, yA);
  assertClose((shuffled.estimator_ as GaussianNB).theta_!.data, nb.theta_!.data, 1e-12, 'shuffled theta_');
  // a second pass continues from the fitted model: every row counted twice
  await inc.partialFit(XA, yA);
  assert.deepEqual(Array.from((inc.estimator_ as GaussianNB).classCount_!), Array.from(nb.classCount_!, (c) => 2 * c));
});

test('Incremental names bad input', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  await assert.rejects(new Incremental({ estimator: new LinearRegression() }).fit(XA, XA.col(0)), /Incremental: hyper-parameter estimator must be an estimator with partialFit, got "LinearRegression"/);
  await assert.rejects(new Incremental({ estimator: new GaussianNB() }).fit(XA, fromArray(new Float64Array(400), { shape: [400], chunks: 200 })), /X and y: expected the same chunks, got 4 and 2 chunks/);
});

test('Incremental(SGDClassifier) in block order equals scikit-learn\'s partial_fit over the same batches (one epoch per block, the step counter carried along)', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const yA = fromArray(Float64Array.from(ym), { shape: [400], chunks: 100 });
  const inc = await new Incremental({ estimator: new SGDClassifier({ shuffle: false }), shuffleBlocks: false }).fit(XA, yA);
  const sgd = inc.estimator_ as SGDClassifier;
  assertClose(sgd.coef_!.data, sk.sgd.hinge_partial.coef_.flat(), 1e-8, 'coef_');
  assert.equal(sgd.t_, sk.sgd.hinge_partial.t_);
  assert.deepEqual(Array.from((await inc.predict(XA).compute()).data), Array.from(sgd.predict(X) as Float64Array));
});

function checkSgd(est: { coef_?: { data: Float64Array }; intercept_?: Float64Array; t_?: number }, c: { coef_: number[][]; intercept_: number[]; t_: number }, what: string) {
  assertClose(est.coef_!.data, c.coef_.flat(), 1e-8, `${what} coef_`);
  assertClose(est.intercept_!, c.intercept_, 1e-8, `${what} intercept_`);
  assert.equal(est.t_, c.t_, `${what} t_`);
}

test('Incremental with sampleWeight: each block\'s partialFit gets its own block of weights, as scikit-learn\'s partial_fit over the same weighted batches', async () => {
  const w = sk.weighted;
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  // a regressor, the weights a shoal Array chunked like X
  const yr = fromArray(Float64Array.from(sk.sgd.y_reg), { shape: [400], chunks: 100 });
  const reg = await new Incremental({ estimator: new SGDRegressor({ shuffle: false }), shuffleBlocks: false })
    .fit(XA, yr, { sampleWeight: fromArray(Float64Array.from(w.w_real), { chunks: 100 }) });
  checkSgd(reg.estimator_ as SGDRegressor, w.sgd_regressor_partial_real, 'SGDRegressor');
  // a classifier, the weights in memory (cut at X's chunks); classes found on the cluster
  const clf = await new Incremental({ estimator: new SGDClassifier({ shuffle: false }), shuffleBlocks: false })
    .fit(XA, fromArray(Float64Array.from(ym), { shape: [400], chunks: 100 }), { sampleWeight: w.w_int });
  checkSgd(clf.estimator_ as SGDClassifier, w.sgd_classifier_partial_int, 'SGDClassifier');
});

test('Incremental with sampleWeight on unequal chunks and shuffled blocks equals partialFit by hand over the same blocks', async () => {
  const w: number[] = sk.weighted.w_real;
  const XA = concatenate([fromArray(Float64Array.from(X.slice(0, 150).flat()), { shape: [150, 4] }), fromArray(Float64Array.from(X.slice(150).flat()), { shape: [250, 4], chunks: 125 })]);
  const yA = concatenate([fromArray(Float64Array.from(sk.sgd.y_reg.slice(0, 150))), fromArray(Float64Array.from(sk.sgd.y_reg.slice(150)), { chunks: 125 })]);
  assert.deepEqual(XA.chunks, [150, 125, 125]);
  const inc = await new Incremental({ estimator: new SGDRegressor({ shuffle: false }), randomState: 4 }).fit(XA, yA, { sampleWeight: w });
  const bounds = [[0, 150], [150, 275], [275, 400]];
  const byHand = new SGDRegressor({ shuffle: false });
  for (const i of permutation(3, 4)) {
    const [a, b] = bounds[i];
    await byHand.partialFit(X.slice(a, b), sk.sgd.y_reg.slice(a, b), { sampleWeight: w.slice(a, b) });
  }
  assertClose((inc.estimator_ as SGDRegressor).coef_!.data, byHand.coef_!.data, 1e-12, 'coef_');
  assert.equal((inc.estimator_ as SGDRegressor).t_, byHand.t_);
});

test('Incremental sampleWeight errors name the weights and what they must be chunked like', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const yA = fromArray(Float64Array.from(sk.sgd.y_reg), { shape: [400], chunks: 100 });
  const inc = () => new Incremental({ estimator: new SGDRegressor() });
  await assert.rejects(inc().fit(XA, yA, { sampleWeight: fromArray(new Float64Array(400).fill(1), { chunks: 200 }) }), /sampleWeight: expected 4 chunks \(chunked like X\), got 2/);
  await assert.rejects(inc().fit(XA, yA, { sampleWeight: [1, 2, 3] }), /sampleWeight: expected 400 weights \(one per sample\), got 3/);
  await assert.rejects(inc().fit(XA, yA, { sampleWeight: fromArray(new Float64Array(400).fill(-1), { chunks: 100 }) }), /sampleWeight: expected non-negative weights/);
  await assert.rejects(inc().fit(X, sk.sgd.y_reg, { sampleWeight: fromArray(new Float64Array(400).fill(1), { chunks: 100 }) }), /sampleWeight: with in-memory X, sampleWeight must be in memory too/);
});
