import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { checkEstimator } from '../testing/conformance.js';
import { assertClose, sk } from '../testdata.js';
import { GaussianNB } from './gaussian-nb.js';

const ref = sk.gaussian_nb;
const X: number[][] = sk.glm.X;
const y: number[] = sk.glm.y_multi;

test('GaussianNB matches scikit-learn: means, variances, priors, epsilon, probabilities, accuracy', async () => {
  const nb = await new GaussianNB().fit(X, y);
  assert.deepEqual(nb.classes_, [0, 1, 2]);
  assertClose(nb.theta_!.data, ref.theta_.flat(), 1e-12, 'theta_');
  assertClose(nb.var_!.data, ref.var_.flat(), 1e-12, 'var_');
  assertClose(nb.classPrior_!, ref.class_prior_, 1e-15, 'classPrior_');
  assertClose([nb.epsilon_! * 1e9], [ref.epsilon_ * 1e9], 1e-10, 'epsilon_');
  assertClose(nb.predictProba(X.slice(0, 5)).data, ref.proba_first5.flat(), 1e-10, 'predictProba');
  assert.equal(await nb.score(X, y), ref.score);
});

test('GaussianNB.partialFit over four batches follows scikit-learn\'s partial_fit exactly', async () => {
  const nb = new GaussianNB();
  for (let s = 0; s < 400; s += 100) await nb.partialFit(X.slice(s, s + 100), y.slice(s, s + 100), { classes: [0, 1, 2] });
  assertClose(nb.theta_!.data, ref.partial_theta_.flat(), 1e-12, 'theta_');
  assertClose(nb.var_!.data, ref.partial_var_.flat(), 1e-12, 'var_');
  assertClose([nb.epsilon_! * 1e9], [ref.partial_epsilon_ * 1e9], 1e-10, 'epsilon_');
});

test('GaussianNB names bad input', async () => {
  await assert.rejects(new GaussianNB().partialFit(X, y), /classes must be given on the first call/);
  await assert.rejects(new GaussianNB().partialFit(X, y, { classes: [0, 1] }), /y: label 2 at index \d+ is not one of the classes \(0, 1\)/);
  await assert.rejects(new GaussianNB({ priors: [0.5, 0.6] }).fit(X, y), /priors must be null or non-negative numbers summing to 1/);
  await assert.rejects(new GaussianNB().fit(X, y.slice(1)), /X and y: expected the same number of samples, got 400 and 399/);
  const nb = await new GaussianNB().fit(X, y);
  assert.throws(() => nb.predict([[1, 2]]), /GaussianNB.predict: X has 2 columns, 4 were seen at fit/);
});

checkEstimator('GaussianNB', {
  make: () => new GaussianNB({ varSmoothing: 1e-6 }),
  paramToChange: ['varSmoothing', 1e-3],
  invalidParam: ['varSmoothing', -1],
  X,
  y,
  fittedState: (e) => [Array.from(e.theta_!.data), Array.from(e.var_!.data)],
  fittedMethods: ['predict', 'predictProba'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('GaussianNB on chunked Arrays: one pass of class moments merged in a tree equals scikit-learn\'s fit', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 37 });
  const yA = fromArray(Float64Array.from(y), { shape: [400], chunks: 37 });
  const nb = await new GaussianNB().fit(XA, yA);
  assertClose(nb.theta_!.data, ref.theta_.flat(), 1e-12, 'theta_');
  assertClose(nb.var_!.data, ref.var_.flat(), 1e-12, 'var_');
  assertClose((await nb.predictProba(XA).compute()).data.slice(0, 15), ref.proba_first5.flat(), 1e-10, 'lazy predictProba');
  assertClose([await nb.score(XA, yA)], [ref.score], 1e-12, 'lazy score');
});
