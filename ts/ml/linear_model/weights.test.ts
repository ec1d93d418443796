/**
 * Sample weights and class weights of the linear models against scikit-learn
 * (scripts/reference/ml_reference.py, "weighted"), for every solver, in
 * memory and on chunked Arrays; integer weights against repeated rows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { accuracyScore, logLoss, meanAbsoluteError, meanSquaredError, r2Score } from '../metrics.js';
import type { ClassWeight } from '../sample-weight.js';
import { assertClose, sk } from '../testdata.js';
import type { GlmSolver } from './glm-solvers.js';
import { LinearRegression } from './linear-regression.js';
import { LogisticRegression } from './logistic-regression.js';
import { PoissonRegression } from './poisson-regression.js';
import { SGDClassifier, SGDRegressor } from './sgd.js';

const ref = sk.weighted;
const X: number[][] = sk.glm.X;
const yb: number[] = sk.glm.y_binary;
const ym: number[] = sk.glm.y_multi;
const yc: number[] = sk.glm.y_counts;
const Xl: number[][] = sk.linear_regression.X;
const yl: number[] = sk.linear_regression.y;
const wInt: number[] = ref.w_int;
const wReal: number[] = ref.w_real;
const wLin: number[] = ref.w_lin;

interface LogisticCase { C: number; l1_ratio: number; class_weight: ClassWeight; sample_weight: 'int' | 'real' | null; coef_: number[][]; intercept_: number[]; classes_: number[]; score: number }

function logisticParams(c: LogisticCase, solver: GlmSolver) {
  // gradient descent and ADMM crawl near the optimum: a looser tolerance, still well inside 1e-4 of the coefficients
  const tol = solver === 'gradient_descent' ? 1e-7 : solver === 'admm' ? 1e-8 : 1e-9;
  return { C: c.C, penalty: c.l1_ratio === 1 ? 'l1' as const : 'l2' as const, classWeight: c.class_weight, solver, tol, maxIter: 100_000 };
}

function weightsOf(c: { sample_weight: 'int' | 'real' | null }): number[] | undefined {
  return c.sample_weight === 'int' ? wInt : c.sample_weight === 'real' ? wReal : undefined;
}

function checkCoef(est: { coef_?: { data: Float64Array } | Float64Array; intercept_?: Float64Array | number }, coef: number[] | number[][], intercept: number | number[], what: string, tol = 1e-4): void {
  const data = est.coef_ instanceof Float64Array ? est.coef_ : est.coef_!.data;
  assertClose(data, coef.flat(), tol, `${what} coef_`);
  assertClose(typeof est.intercept_ === 'number' ? [est.intercept_] : est.intercept_!, [intercept].flat(), tol, `${what} intercept_`);
}

// ------------------------------------------------------------------ in memory

test('LinearRegression with sampleWeight is scikit-learn\'s weighted least squares; integer weights equal repeated rows', async () => {
  const lr = await new LinearRegression().fit(Xl, yl, { sampleWeight: wLin });
  checkCoef(lr, ref.linear_real.coef_, ref.linear_real.intercept_, 'real', 1e-8);
  assertClose([await lr.score(Xl, yl, { sampleWeight: wLin })], [ref.linear_real.score], 1e-10, 'weighted R²');
  const lr0 = await new LinearRegression({ fitIntercept: false }).fit(Xl, yl, { sampleWeight: Float64Array.from(wLin) });
  assertClose(lr0.coef_!, ref.linear_real.coef_no_intercept, 1e-8, 'no intercept coef_');
  const w = wInt.slice(0, 300);
  const li = await new LinearRegression().fit(Xl, yl, { sampleWeight: w });
  checkCoef(li, ref.linear_int.coef_, ref.linear_int.intercept_, 'int', 1e-8);
  const rows = w.flatMap((k, i) => Array<number>(k).fill(i));
  const rep = await new LinearRegression().fit(rows.map((i) => Xl[i]), rows.map((i) => yl[i]));
  checkCoef(li, Array.from(rep.coef_!), rep.intercept_!, 'int vs repeated rows', 1e-9);
});

const logisticCases: Array<[string, GlmSolver[]]> = [
  ['binary_l2_int', ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad', 'admm']],
  ['binary_l2_real', ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad', 'admm']],
  ['binary_l1_real', ['proximal_grad', 'admm']],
  ['multi_l2_int', ['lbfgs', 'newton', 'proximal_grad']],
  ['multi_l2_real', ['lbfgs', 'newton', 'proximal_grad', 'admm']],
  ['binary_balanced', ['lbfgs', 'newton']],
  ['binary_dict_real', ['lbfgs', 'newton', 'proximal_grad']],
  ['multi_balanced_real', ['lbfgs', 'newton']],
  ['multi_dict', ['lbfgs', 'newton']],
];
for (const [name, solvers] of logisticCases) {
  for (const solver of solvers) {
    test(`LogisticRegression ${name} (${solver}, in memory) matches scikit-learn's weighted fit`, async () => {
      const c: LogisticCase = ref[name];
      const y = name.startsWith('multi') ? ym : yb;
      const sampleWeight = weightsOf(c);
      const lr = await new LogisticRegression(logisticParams(c, solver)).fit(X, y, { sampleWeight });
      assert.equal(lr.converged_, true, `converged in ${lr.nIter_} iterations`);
      checkCoef(lr, c.coef_, c.intercept_, `${name}/${solver}`);
      assertClose([await lr.score(X, y, { sampleWeight })], [c.score], 1e-12, 'weighted accuracy');
    });
  }
}

test('LogisticRegression: integer sample weights equal repeated rows, and classWeight equals the sample weights it implies', async () => {
  for (const [y, C] of [[yb, 0.5], [ym, 1]] as const) {
    const weighted = await new LogisticRegression({ C, solver: 'newton', tol: 1e-10 }).fit(X, y, { sampleWeight: wInt });
    const rows = wInt.flatMap((k, i) => Array<number>(k).fill(i));
    const repeated = await new LogisticRegression({ C, solver: 'newton', tol: 1e-10 }).fit(rows.map((i) => X[i]), rows.map((i) => y[i]));
    assertClose(weighted.coef_!.data, repeated.coef_!.data, 1e-7, 'coef_');
    assertClose(weighted.intercept_!, repeated.intercept_!, 1e-7, 'intercept_');
  }
  const byClass = await new LogisticRegression({ C: 0.5, classWeight: { 3: 2, 7: 0.5 }, tol: 1e-10 }).fit(X, yb);
  const bySample = await new LogisticRegression({ C: 0.5, tol: 1e-10 }).fit(X, yb, { sampleWeight: yb.map((v) => (v === 3 ? 2 : 0.5)) });
  assertClose(byClass.coef_!.data, bySample.coef_!.data, 1e-9, 'classWeight = sampleWeight by class');
});

test('LogisticRegression classWeight works with string labels (keys are the labels)', async () => {
  const names = yb.map((v) => (v === 7 ? 'spam' : 'ham'));
  const lr = await new LogisticRegression({ C: 0.5, classWeight: { ham: 2, spam: 0.5 }, tol: 1e-10 }).fit(X, names, { sampleWeight: wReal });
  checkCoef(lr, ref.binary_dict_real.coef_, ref.binary_dict_real.intercept_, 'string labels');
});

for (const solver of ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad', 'admm'] as const) {
  test(`PoissonRegression with sampleWeight (${solver}, in memory) matches scikit-learn with C = 1/(alpha·Σw)`, async () => {
    const c = ref.poisson_real;
    const pr = await new PoissonRegression({ C: c.C, solver, tol: solver === 'gradient_descent' ? 1e-7 : 1e-9, maxIter: 100_000 }).fit(X, yc, { sampleWeight: wReal });
    assert.equal(pr.converged_, true);
    checkCoef(pr, c.coef_, c.intercept_, `poisson/${solver}`);
    assertClose([await pr.score(X, yc, { sampleWeight: wReal })], [c.score], 1e-6, 'weighted D²');
  });
}

function checkSgd(est: { coef_?: { data: Float64Array }; intercept_?: Float64Array; nIter_?: number; t_?: number }, c: { coef_: number[][]; intercept_: number[]; n_iter_: number; t_: number }, what: string) {
  assertClose(est.coef_!.data, c.coef_.flat(), 1e-8, `${what} coef_`);
  assertClose(est.intercept_!, c.intercept_, 1e-8, `${what} intercept_`);
  assert.equal(est.nIter_, c.n_iter_, `${what} nIter_`);
  assert.equal(est.t_, c.t_, `${what} t_`);
}

test('SGD with sample and class weights follows scikit-learn step for step', async () => {
  checkSgd(await new SGDClassifier({ shuffle: false, classWeight: { 3: 2 } }).fit(X, yb, { sampleWeight: wReal }), ref.sgd_hinge_dict_real, 'hinge dict real');
  checkSgd(await new SGDClassifier({ loss: 'log_loss', alpha: 1e-3, shuffle: false, classWeight: 'balanced' }).fit(X, ym), ref.sgd_log_multi_balanced, 'log multi balanced');
  checkSgd(await new SGDClassifier({ shuffle: false, classWeight: { 1: 3 } }).fit(X, ym, { sampleWeight: wInt }), ref.sgd_hinge_multi_dict_int, 'hinge multi dict int');
  checkSgd(await new SGDRegressor({ shuffle: false }).fit(X, yc.map((_, i) => sk.sgd.y_reg[i]), { sampleWeight: wReal }), ref.sgd_regressor_real, 'regressor');
  const inc = new SGDRegressor({ shuffle: false });
  for (let s = 0; s < 400; s += 100) await inc.partialFit(X.slice(s, s + 100), sk.sgd.y_reg.slice(s, s + 100), { sampleWeight: wReal.slice(s, s + 100) });
  checkSgd(inc, ref.sgd_regressor_partial_real, 'regressor partialFit');
  await assert.rejects(new SGDClassifier({ classWeight: 'balanced' }).partialFit(X, yb, { classes: [3, 7] }), /classWeight 'balanced' needs every label at once/);
});

test('weighted metrics match scikit-learn\'s sample_weight, in memory and on Arrays', async () => {
  const r = sk.regression;
  const c = sk.classification;
  const w = wReal.slice(0, 40);
  const m = ref.metrics;
  assertClose([r2Score(r.y_true, r.y_pred, { sampleWeight: w })], [m.r2], 1e-12, 'r2');
  assertClose([meanSquaredError(r.y_true, r.y_pred, { sampleWeight: w })], [m.mse], 1e-12, 'mse');
  assertClose([meanAbsoluteError(r.y_true, r.y_pred, { sampleWeight: w })], [m.mae], 1e-12, 'mae');
  assertClose([accuracyScore(c.labels_true, c.labels_pred, { sampleWeight: w })], [m.accuracy], 1e-12, 'accuracy');
  assertClose([logLoss(c.labels_true, c.proba3, { labels: [0, 1, 2], sampleWeight: w })], [m.log_loss3], 1e-12, 'log loss');
  assert.throws(() => r2Score(r.y_true, r.y_pred, { sampleWeight: w.slice(1) }), /sampleWeight: expected 40 weights \(one per sample\), got 39/);
});

test('bad weights are errors that name sampleWeight or classWeight', async () => {
  const lr = () => new LogisticRegression();
  await assert.rejects(lr().fit(X, yb, { sampleWeight: wReal.slice(1) }), /sampleWeight: expected 400 weights \(one per sample\), got 399/);
  await assert.rejects(lr().fit(X, yb, { sampleWeight: wReal.map((v, i) => (i === 5 ? -1 : v)) }), /sampleWeight: expected non-negative weights, got -1 at index 5/);
  await assert.rejects(lr().fit(X, yb, { sampleWeight: wReal.map((v, i) => (i === 8 ? NaN : v)) }), /sampleWeight: expected finite weights, got NaN at index 8/);
  await assert.rejects(lr().fit(X, yb, { sampleWeight: wReal.map((v, i) => (i === 2 ? Infinity : v)) }), /sampleWeight: expected finite weights, got Infinity at index 2/);
  await assert.rejects(lr().fit(X, yb, { sampleWeight: wReal.map(() => 0) }), /sampleWeight: every weight is 0/);
  await assert.rejects(new LogisticRegression({ classWeight: { 3: 0, 7: 0 } }).fit(X, yb), /sampleWeight: every sample has weight 0 \(sample weights times class weights\)/);
  await assert.rejects(new LogisticRegression({ classWeight: { 3: 1, 5: 2 } }).fit(X, yb), /classWeight: class "5" is not among the classes in y \(3, 7\)/);
  await assert.rejects(new LogisticRegression({ classWeight: { 3: -1 } }).fit(X, yb), /hyper-parameter classWeight must be 'balanced', an object of non-negative finite weights/);
  await assert.rejects(new LogisticRegression({ classWeight: 'even' as ClassWeight }).fit(X, yb), /hyper-parameter classWeight must be/);
  await assert.rejects(new LogisticRegression({ classWeight: 'balanced' }).fit(X, yb, { sampleWeight: yb.map((v) => (v === 3 ? 0 : 1)) }), /classWeight: 'balanced' needs a positive total weight in every class; class 3 has 0/);
  await assert.rejects(new LinearRegression().fit(Xl, yl, { sampleWeight: wLin.slice(3) }), /sampleWeight: expected 300 weights/);
  await assert.rejects(new PoissonRegression().fit(X, yc, { sampleWeight: wReal.map(() => -1) }), /sampleWeight: expected non-negative weights, got -1 at index 0/);
  await assert.rejects(new SGDClassifier().fit(X, yb, { sampleWeight: [1, 2] }), /sampleWeight: expected 400 weights/);
  await assert.rejects(new SGDClassifier({ classWeight: { 4: 1 } }).fit(X, yb), /classWeight: class "4" is not among the classes in y/);
});

// ------------------------------------------------------------------ on the cluster

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

const arr = (v: number[], chunks = 57) => fromArray(Float64Array.from(v), { shape: [v.length], chunks });
const XA = () => fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 57 });

const lazyCases: Array<[string, GlmSolver[]]> = [
  ['binary_l2_real', ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad', 'admm']],
  ['binary_l1_real', ['proximal_grad', 'admm']],
  ['multi_l2_int', ['lbfgs', 'newton']],
  ['multi_balanced_real', ['lbfgs', 'newton', 'admm']],
  ['binary_balanced', ['newton']],
  ['binary_dict_real', ['lbfgs']],
];
for (const [name, solvers] of lazyCases) {
  for (const solver of solvers) {
    test(`LogisticRegression ${name} (${solver}) on chunked Arrays with a weight Array matches scikit-learn`, async () => {
      const c: LogisticCase = ref[name];
      const y = name.startsWith('multi') ? ym : yb;
      const w = weightsOf(c);
      const sampleWeight = w === undefined ? undefined : arr(w);
      const lr = await new LogisticRegression(logisticParams(c, solver)).fit(XA(), arr(y), { sampleWeight });
      assert.equal(lr.converged_, true, `converged in ${lr.nIter_} iterations`);
      checkCoef(lr, c.coef_, c.intercept_, `${name}/${solver}`);
      assertClose([await lr.score(XA(), arr(y), { sampleWeight })], [c.score], 1e-12, 'weighted accuracy on the cluster');
    });
  }
}

test('PoissonRegression and LinearRegression with a weight Array match scikit-learn; weighted scores on the cluster', async () => {
  const c = ref.poisson_real;
  for (const solver of ['lbfgs', 'admm'] as const) {
    const pr = await new PoissonRegression({ C: c.C, solver, tol: solver === 'admm' ? 1e-8 : 1e-9, maxIter: 100_000 }).fit(XA(), arr(yc), { sampleWeight: arr(wReal) });
    checkCoef(pr, c.coef_, c.intercept_, `poisson/${solver}`);
    assertClose([await pr.score(XA(), arr(yc), { sampleWeight: arr(wReal) })], [c.score], 1e-6, 'weighted D² on the cluster');
  }
  const XlA = fromArray(Float64Array.from(Xl.flat()), { shape: [300, 4], chunks: 70 });
  const lr = await new LinearRegression().fit(XlA, arr(yl, 70), { sampleWeight: arr(wLin, 70) });
  checkCoef(lr, ref.linear_real.coef_, ref.linear_real.intercept_, 'linear', 1e-8);
  assertClose([await lr.score(XlA, arr(yl, 70), { sampleWeight: arr(wLin, 70) })], [ref.linear_real.score], 1e-10, 'weighted R² on the cluster');
});

test('weighted metrics on Arrays; bad weight Arrays are errors naming sampleWeight', async () => {
  const r = sk.regression;
  const c = sk.classification;
  const w = arr(wReal.slice(0, 40), 15);
  assertClose([await r2Score(arr(r.y_true, 15), arr(r.y_pred, 15), { sampleWeight: w })], [ref.metrics.r2], 1e-12, 'r2');
  assertClose([await meanSquaredError(arr(r.y_true, 15), arr(r.y_pred, 15), { sampleWeight: w })], [ref.metrics.mse], 1e-12, 'mse');
  assertClose([await accuracyScore(arr(c.labels_true, 15), arr(c.labels_pred, 15), { sampleWeight: w })], [ref.metrics.accuracy], 1e-12, 'accuracy');
  const fit = (sampleWeight: unknown) => new LogisticRegression().fit(XA(), arr(yb), { sampleWeight: sampleWeight as number[] });
  await assert.rejects(fit(wReal), /sampleWeight: with X a shoal Array or DataFrame, sampleWeight must be a 1-D shoal Array chunked like X/);
  await assert.rejects(fit(arr(wReal, 100)), /sampleWeight: expected 8 chunks \(chunked like X\), got 4/);
  await assert.rejects(fit(arr(wReal.map((v, i) => (i === 77 ? -3 : v)))), /sampleWeight: expected non-negative weights, got values from -3/);
  await assert.rejects(fit(arr(wReal.map((v, i) => (i === 7 ? NaN : v)))), /sampleWeight: expected finite weights/);
  await assert.rejects(fit(arr(wReal.map(() => 0))), /sampleWeight: every weight is 0/);
  await assert.rejects(new LogisticRegression({ classWeight: { 9: 1 } }).fit(XA(), arr(yb)), /classWeight: class "9" is not among the classes in y \(3, 7\)/);
});
