import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native } from '../native.js';
import { reference, assertClose } from './reference.js';

const G = reference.glm;
const x = new Float64Array(G.x);
const weights = new Float64Array(G.weights);
const fitOpts = (alpha: number, solver = 'lbfgs', l1Ratio = 0) => ({ solver, alpha, l1Ratio, maxIter: 2000, tol: 1e-10 });

test('logistic regression with sample weights matches scikit-learn for lbfgs and newton', () => {
  for (const solver of ['lbfgs', 'newton']) {
    const f = native.glmFit({ family: 'logistic', fitIntercept: true, weights }, x, G.rows, G.cols, new Float64Array(G.yBinary), fitOpts(G.logistic.alpha, solver));
    assert.ok(f.converged, solver);
    assertClose(f.beta, [...G.logistic.coef, G.logistic.intercept], 1e-6, `logistic ${solver}`);
  }
});

test('multinomial regression matches scikit-learn (intercepts compared centred)', () => {
  const f = native.glmFit({ family: 'multinomial', classes: 3, fitIntercept: true }, x, G.rows, G.cols, new Float64Array(G.yMulti), fitOpts(G.multinomial.alpha, 'newton'));
  assert.ok(f.converged);
  const q = G.cols + 1;
  const coef = [0, 1, 2].flatMap((c) => Array.from(f.beta.subarray(c * q, c * q + G.cols)));
  assertClose(coef, G.multinomial.coef, 1e-6, 'multinomial coef');
  const ref: number[] = G.multinomial.intercept;
  const mean = ref.reduce((s, v) => s + v, 0) / 3;
  assertClose([0, 1, 2].map((c) => f.beta[c * q + G.cols]!), ref.map((v) => v - mean), 1e-6, 'multinomial intercepts');
});

test('Poisson, ridge and elastic net match scikit-learn', () => {
  const pois = native.glmFit({ family: 'poisson', fitIntercept: true }, x, G.rows, G.cols, new Float64Array(G.yPoisson), fitOpts(G.poisson.alpha, 'newton'));
  assertClose(pois.beta, [...G.poisson.coef, G.poisson.intercept], 1e-6, 'poisson');
  const ridge = native.glmFit({ family: 'normal', fitIntercept: true }, x, G.rows, G.cols, new Float64Array(G.yNormal), fitOpts(G.ridge.alpha, 'newton'));
  assertClose(ridge.beta, [...G.ridge.coef, G.ridge.intercept], 1e-8, 'ridge');
  const enet = native.glmFit({ family: 'normal', fitIntercept: true }, x, G.rows, G.cols, new Float64Array(G.yNormal), fitOpts(G.elasticNet.alpha, 'proximal', G.elasticNet.l1Ratio));
  assert.ok(enet.converged);
  assertClose(enet.beta, [...G.elasticNet.coef, G.elasticNet.intercept], 1e-6, 'elastic net');
});

test('distributed pieces: chunk partials add up, a Newton step from them reaches the in-memory fit', () => {
  const spec = { family: 'logistic', fitIntercept: true };
  const y = new Float64Array(G.yBinary);
  let beta = new Float64Array(G.cols + 1);
  const half = G.rows / 2;
  for (let it = 0; it < 30; it++) {
    const a = native.glmPartial(spec, x.subarray(0, half * G.cols), half, G.cols, y.subarray(0, half), beta, true);
    const b = native.glmPartial(spec, x.subarray(half * G.cols), half, G.cols, y.subarray(half), beta, true);
    const n = a.weightSum + b.weightSum;
    const pen = native.glmPenalty(beta, G.cols, true, 0.01, 0);
    const grad = a.grad.map((g, i) => (g + b.grad[i]!) / n + pen.grad[i]!);
    const hess = a.hessian.map((h, i) => (h + b.hessian[i]!) / n + (i % (G.cols + 2) === 0 && i < G.cols * (G.cols + 2) ? 0.01 : 0));
    const step = native.newtonStep(hess, grad);
    beta = beta.map((v, i) => v + step[i]!);
  }
  const whole = native.glmFit(spec, x, G.rows, G.cols, y, fitOpts(0.01, 'newton'));
  assertClose(beta, whole.beta, 1e-8, 'distributed Newton vs in-memory');
  const hv = native.glmHvp(spec, x, G.rows, G.cols, y, beta, new Float64Array([1, 0, 0, 0]));
  const h = native.glmPartial(spec, x, G.rows, G.cols, y, beta, true).hessian;
  assertClose(hv, [h[0]!, h[4]!, h[8]!, h[12]!], 1e-10, 'hvp column 0');
});

test('solver helpers: prox, L-BFGS direction, Armijo bookkeeping, ADMM local solve', () => {
  assertClose(native.proxElasticNet(new Float64Array([2, -0.1, 5]), 2, true, 1, 1, 1), [1, 0, 5], 1e-15, 'prox');
  assertClose(native.lbfgsDirection(new Float64Array([3, -1]), new Float64Array(0), new Float64Array(0), 0), [-3, 1], 0, 'lbfgs no memory');
  assert.equal(native.lbfgsPairOk(new Float64Array([1, 0]), new Float64Array([-1, 0])), false);
  const arm = native.armijoStep(1, -1, 1, 2, 1e-4);
  assert.equal(arm.accepted, false);
  assert.ok(arm.nextStep >= 0.1 && arm.nextStep <= 0.5);
  const spec = { family: 'normal', fitIntercept: false };
  const z = new Float64Array([0.1, 0.2, 0.3]);
  const u = new Float64Array(3);
  const f = native.admmLocalSolve(spec, x, G.rows, G.cols, new Float64Array(G.yNormal), new Float64Array(3), z, u, 5, 50, 1e-10);
  const g = native.glmPartial(spec, x, G.rows, G.cols, new Float64Array(G.yNormal), f.beta, false).grad;
  assertClose(g.map((v, i) => v + 5 * (f.beta[i]! - z[i]!)), [0, 0, 0], 1e-8, 'augmented gradient');
});

test('GLM argument errors name the argument', () => {
  const y = new Float64Array(G.yBinary);
  assert.throws(() => native.glmPartial({ family: 'gamma', fitIntercept: true }, x, G.rows, G.cols, y, new Float64Array(4), false), { name: 'TypeError', message: /^family:/ });
  assert.throws(() => native.glmPartial({ family: 'logistic', fitIntercept: true }, x, G.rows, G.cols, y, new Float64Array(3), false), { name: 'RangeError', message: /^beta: expected cols\+intercept = 4 values, got 3/ });
  assert.throws(() => native.glmFit({ family: 'normal', fitIntercept: true }, x, G.rows, G.cols, y, fitOpts(1, 'lbfgs', 0.5)), { name: 'TypeError', message: /^solver:/ });
});
