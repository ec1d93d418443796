import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';
import { SGDClassifier, SGDRegressor, type SGDParams } from './sgd.js';

const ref = sk.sgd;
const X: number[][] = sk.glm.X;
const yb: number[] = sk.glm.y_binary;
const ym: number[] = sk.glm.y_multi;
const yr: number[] = ref.y_reg;

function check(est: { coef_?: { data: Float64Array }; intercept_?: Float64Array; nIter_?: number; t_?: number }, c: { coef_: number[][]; intercept_: number[]; n_iter_: number; t_: number }, what: string) {
  assertClose(est.coef_!.data, c.coef_.flat(), 1e-8, `${what} coef_`);
  assertClose(est.intercept_!, c.intercept_, 1e-8, `${what} intercept_`);
  assert.equal(est.nIter_, c.n_iter_, `${what} nIter_`);
  assert.equal(est.t_, c.t_, `${what} t_`);
}

const classifierCases: Array<[string, Partial<SGDParams>, number[]]> = [
  ['hinge_binary', {}, yb],
  ['log_multi_elasticnet', { loss: 'log_loss', penalty: 'elasticnet', l1Ratio: 0.3, alpha: 1e-3 }, ym],
  ['modified_huber_l1', { loss: 'modified_huber', penalty: 'l1', alpha: 1e-3 }, yb],
];
for (const [name, params, y] of classifierCases) {
  test(`SGDClassifier ${name} follows scikit-learn's SGD step for step (unshuffled): coefficients, epochs, step count`, async () => {
    const est = await new SGDClassifier({ ...params, shuffle: false }).fit(X, y);
    check(est, ref[name], name);
  });
}

test('SGDClassifier.partialFit over four batches equals scikit-learn\'s partial_fit', async () => {
  const est = new SGDClassifier({ shuffle: false });
  for (let s = 0; s < 400; s += 100) await est.partialFit(X.slice(s, s + 100), ym.slice(s, s + 100), { classes: [0, 1, 2] });
  check(est, ref.hinge_partial, 'hinge_partial');
});

test('SGDRegressor follows scikit-learn: squared error (invscaling), huber (constant rate), partialFit', async () => {
  const full = await new SGDRegressor({ shuffle: false }).fit(X, yr);
  check(full, ref.squared_error, 'squared_error');
  assert.ok((await full.score(X, yr)) > 0.9, 'R² of a fitted linear signal');
  check(await new SGDRegressor({ loss: 'huber', learningRate: 'constant', eta0: 0.005, shuffle: false }).fit(X, yr), ref.huber_constant, 'huber');
  const est = new SGDRegressor({ shuffle: false });
  for (let s = 0; s < 400; s += 100) await est.partialFit(X.slice(s, s + 100), yr.slice(s, s + 100));
  check(est, ref.regressor_partial, 'regressor_partial');
});

test('probabilities and predictions are consistent; shuffled runs are reproducible', async () => {
  const est = await new SGDClassifier({ loss: 'log_loss', randomState: 7 }).fit(X, ym);
  const p = est.predictProba(X);
  for (let i = 0; i < 400; i++) assert.ok(Math.abs(p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2] - 1) < 1e-12);
  const pred = est.predict(X) as Float64Array;
  for (let i = 0; i < 400; i++) {
    const row = [p.data[i * 3], p.data[i * 3 + 1], p.data[i * 3 + 2]];
    assert.equal(pred[i], row.indexOf(Math.max(...row)));
  }
  const again = await new SGDClassifier({ loss: 'log_loss', randomState: 7 }).fit(X, ym);
  assert.deepEqual(again.coef_, est.coef_);
  assert.ok((await est.score(X, ym)) > 0.6);
});

test('SGD names bad input', async () => {
  await assert.rejects(new SGDClassifier({ loss: 'squared_loss' }).fit(X, yb), /SGDClassifier: hyper-parameter loss must be 'hinge', 'log_loss'/);
  await assert.rejects(new SGDRegressor({ loss: 'hinge' }).fit(X, yr), /SGDRegressor: hyper-parameter loss must be 'squared_error'/);
  await assert.rejects(new SGDClassifier().partialFit(X, yb), /classes must be given on the first call/);
  await assert.rejects(new SGDClassifier().fit(X, yb.map(() => 1)), /needs samples of at least 2 classes/);
  await assert.rejects(new SGDRegressor({ learningRate: 'constant', eta0: 0 }).fit(X, yr), /eta0 must be a positive number with learningRate 'constant'/);
  assert.throws(() => new SGDClassifier({ loss: 'hinge' }).predictProba(X), /not fitted|NotFitted/);
  const est = await new SGDClassifier().fit(X, yb);
  assert.throws(() => est.predictProba(X), /probabilities need loss 'log_loss' or 'modified_huber'/);
  assert.throws(() => est.predict([[1, 2]]), /X has 2 columns, 4 were seen before/);
});

checkEstimator('SGDClassifier', {
  make: () => new SGDClassifier({ alpha: 1e-3, shuffle: false }),
  paramToChange: ['alpha', 1e-2],
  invalidParam: ['alpha', -1],
  X,
  y: yb,
  fittedState: (e) => [Array.from(e.coef_!.data), Array.from(e.intercept_!)],
  fittedMethods: ['predict', 'decisionFunction'],
});

checkEstimator('SGDRegressor', {
  make: () => new SGDRegressor({ alpha: 1e-3 }),
  paramToChange: ['alpha', 1e-2],
  invalidParam: ['maxIter', 0],
  X,
  y: yr,
  fittedState: (e) => [Array.from(e.coef_!.data), Array.from(e.intercept_!)],
  fittedMethods: ['predict', 'decisionFunction'],
});
