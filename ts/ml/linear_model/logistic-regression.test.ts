import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { NotFittedError } from '../errors.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';
import { LogisticRegression } from './logistic-regression.js';
import type { GlmSolver } from './glm-solvers.js';

const ref = sk.glm;
const X: number[][] = ref.X;
const yb: number[] = ref.y_binary;
const ym: number[] = ref.y_multi;

/** scikit-learn's case → shoal's hyper-parameters. */
function paramsOf(c: { C: number | string; l1_ratio: number; fit_intercept: boolean }) {
  const C = c.C === 'inf' ? 1 : (c.C as number);
  const penalty = c.C === 'inf' ? 'none' as const : c.l1_ratio === 0 ? 'l2' as const : c.l1_ratio === 1 ? 'l1' as const : 'elasticnet' as const;
  return { C, penalty, l1Ratio: penalty === 'elasticnet' ? c.l1_ratio : null, fitIntercept: c.fit_intercept };
}

function checkAgainst(lr: LogisticRegression, c: { coef_: number[][]; intercept_: number[]; score: number }, tol: number, what: string) {
  assertClose(lr.coef_!.data, c.coef_.flat(), tol, `${what} coef_`);
  assertClose(lr.intercept_!, c.intercept_, tol, `${what} intercept_`);
}

const smoothCases: Array<[string, GlmSolver[]]> = [
  ['binary_l2', ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad']],
  ['binary_l2_no_intercept', ['lbfgs', 'newton']],
  ['binary_none', ['lbfgs', 'newton']],
  ['multi_l2', ['lbfgs', 'newton', 'proximal_grad']],
];
for (const [name, solvers] of smoothCases) {
  for (const solver of solvers) {
    test(`LogisticRegression ${name} with solver ${solver} matches scikit-learn (in memory)`, async () => {
      const c = ref[name];
      const y = name.startsWith('multi') ? ym : yb;
      // plain gradient descent crawls near the optimum: a looser gradient tolerance, still well inside 1e-4 of the coefficients
      const tol = solver === 'gradient_descent' ? 1e-7 : 1e-9;
      const lr = await new LogisticRegression({ ...paramsOf(c), solver, tol, maxIter: 100_000 }).fit(X, y);
      assert.equal(lr.converged_, true, `converged in ${lr.nIter_} iterations`);
      checkAgainst(lr, c, 1e-4, `${name}/${solver}`);
      assert.deepEqual(lr.classes_, c.classes_);
      assert.equal(await lr.score(X, y), c.score);
    });
  }
}

for (const name of ['binary_l1', 'binary_elasticnet', 'multi_l1']) {
  test(`LogisticRegression ${name} with proximal_grad matches scikit-learn's saga, zeros included`, async () => {
    const c = ref[name];
    const y = name.startsWith('multi') ? ym : yb;
    const lr = await new LogisticRegression({ ...paramsOf(c), solver: 'proximal_grad', tol: 1e-9, maxIter: 50_000 }).fit(X, y);
    assert.equal(lr.converged_, true);
    checkAgainst(lr, c, 1e-4, name);
    const zeros = c.coef_.flat().map((v: number) => v === 0);
    assert.deepEqual(Array.from(lr.coef_!.data, (v) => v === 0), zeros, 'the L1 penalty zeroes the same coefficients');
  });
}

test('predictProba and predict agree with scikit-learn; probabilities sum to one', async () => {
  for (const [name, y] of [['binary_l2', yb], ['multi_l2', ym]] as const) {
    const c = ref[name];
    const lr = await new LogisticRegression({ ...paramsOf(c), tol: 1e-9, maxIter: 10_000 }).fit(X, y);
    const p = lr.predictProba(X.slice(0, 5));
    assertClose(p.data, c.proba_first5.flat(), 1e-5, `${name} predictProba`);
    const pred = lr.predict(X) as Float64Array;
    assert.ok(pred.every((v) => (c.classes_ as number[]).includes(v)));
  }
});

test('string labels work in memory and come back as strings', async () => {
  const names = yb.map((v) => (v === 7 ? 'spam' : 'ham'));
  const lr = await new LogisticRegression({ C: 0.5, tol: 1e-9 }).fit(X, names);
  assert.deepEqual(lr.classes_, ['ham', 'spam']);
  assertClose(lr.coef_!.data, ref.binary_l2.coef_.flat(), 1e-4, 'coef_');
  const pred = lr.predict(X.slice(0, 3)) as string[];
  assert.ok(pred.every((v) => v === 'ham' || v === 'spam'));
  assert.equal(await lr.score(X, names), ref.binary_l2.score);
});

test('LogisticRegression names bad input', async () => {
  await assert.rejects(new LogisticRegression().fit(X, yb.slice(1)), /X and y: expected the same number of samples, got 400 and 399/);
  await assert.rejects(new LogisticRegression().fit(X, yb.map(() => 1)), /y: LogisticRegression needs samples of at least 2 classes, got only class 1/);
  await assert.rejects(new LogisticRegression().fit([[1], [NaN]], [0, 1]), /X: expected finite numbers, got NaN at index 1/);
  await assert.rejects(new LogisticRegression({ penalty: 'l1' }).fit(X, yb), /solver 'lbfgs' supports penalty 'l2' or 'none', got penalty 'l1'; use solver 'proximal_grad' or 'admm'/);
  await assert.rejects(new LogisticRegression({ penalty: 'elasticnet' }).fit(X, yb), /l1Ratio must be a number in \[0, 1\]/);
  await assert.rejects(new LogisticRegression({ C: -1 }).fit(X, yb), /C must be a positive number, got -1/);
  await assert.rejects(new LogisticRegression({ solver: 'sag' as GlmSolver }).fit(X, yb), /solver must be 'lbfgs', 'newton'/);
  const lr = await new LogisticRegression().fit(X, yb);
  assert.throws(() => lr.predict([[1, 2]]), /LogisticRegression.predict: X has 2 columns, 4 were seen at fit/);
  assert.throws(() => new LogisticRegression().predictProba(X), NotFittedError);
});

checkEstimator('LogisticRegression', {
  make: () => new LogisticRegression({ C: 0.5, solver: 'newton' }),
  paramToChange: ['C', 2],
  invalidParam: ['maxIter', 0],
  X,
  y: ym,
  fittedState: (e) => [Array.from(e.coef_!.data), Array.from(e.intercept_!), e.nIter_],
  fittedMethods: ['predict', 'predictProba', 'decisionFunction'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

const XA = () => fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 57 });
const yA = (y: number[]) => fromArray(Float64Array.from(y), { shape: [400], chunks: 57 });

for (const solver of ['lbfgs', 'newton'] as const) {
  test(`LogisticRegression on chunked Arrays (${solver}): each step a tree reduction on the cluster, same answer as scikit-learn`, async () => {
    const multi = await new LogisticRegression({ C: 1, solver, tol: 1e-9, maxIter: 1000 }).fit(XA(), yA(ym));
    checkAgainst(multi, ref.multi_l2, 1e-4, `multi/${solver}`);
    assert.deepEqual(multi.classes_, [0, 1, 2]);
    const bin = await new LogisticRegression({ C: 0.5, solver, tol: 1e-9, maxIter: 1000 }).fit(XA(), yA(yb));
    checkAgainst(bin, ref.binary_l2, 1e-4, `binary/${solver}`);
    assert.deepEqual(bin.classes_, [3, 7]);
    const proba = await bin.predictProba(XA()).compute();
    assertClose(proba.data.slice(0, 10), ref.binary_l2.proba_first5.flat(), 1e-5, 'lazy predictProba');
    assertClose([await bin.score(XA(), yA(yb))], [ref.binary_l2.score], 1e-12, 'lazy score');
  });
}

test('LogisticRegression with ADMM (one local Newton solve per chunk as a task) reaches scikit-learn\'s L2 and L1 solutions', async () => {
  const l2 = await new LogisticRegression({ C: 0.5, solver: 'admm', tol: 1e-7, maxIter: 2000 }).fit(XA(), yA(yb));
  assert.equal(l2.converged_, true, `ADMM converged (${l2.nIter_} iterations)`);
  checkAgainst(l2, ref.binary_l2, 1e-3, 'admm l2');
  const l1 = await new LogisticRegression({ C: 0.05, penalty: 'l1', solver: 'admm', tol: 1e-7, maxIter: 2000 }).fit(XA(), yA(yb));
  checkAgainst(l1, ref.binary_l1, 1e-3, 'admm l1');
});
