import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../actors/mod.js';
import { fromArray } from '../collections/array/create.js';
import { KMeans } from './cluster/kmeans.js';
import { LinearRegression } from './linear_model/linear-regression.js';
import { LogisticRegression } from './linear_model/logistic-regression.js';
import { PoissonRegression } from './linear_model/poisson-regression.js';
import { GridSearchCV } from './model_selection/search.js';
import { loadModel, modelFromBytes, modelToBytes, saveModel } from './persistence.js';
import { MinMaxScaler, StandardScaler } from './preprocessing/scalers.js';
import { sk } from './testdata.js';
import type { Matrix } from './validation.js';

const dir = mkdtempSync(join(tmpdir(), 'shoal-models-'));
const X: number[][] = sk.glm.X;

test('a saved and loaded model predicts exactly as the original, for every kind of estimator', async () => {
  const cases: Array<[string, object, (e: never) => unknown]> = [
    ['LinearRegression', await new LinearRegression().fit(X, sk.glm.y_counts), (e: LinearRegression) => Array.from(e.predict(X))],
    ['LogisticRegression (multinomial, string classes)', await new LogisticRegression({ C: 0.5 }).fit(X, sk.glm.y_multi.map((c: number) => ['a', 'b', 'c'][c])),
      (e: LogisticRegression) => [e.predict(X), Array.from(e.predictProba(X).data)]],
    ['PoissonRegression', await new PoissonRegression({ C: 0.1 }).fit(X, sk.glm.y_counts), (e: PoissonRegression) => Array.from(e.predict(X))],
    ['KMeans', await new KMeans({ nClusters: 3, randomState: 1 }).fit(X), (e: KMeans) => [Array.from(e.predict(X)), e.inertia_, Array.from(e.labels_ as Int32Array)]],
    ['StandardScaler', await new StandardScaler().fit(X), (e: StandardScaler) => Array.from((e.transform(X) as Matrix).data)],
    ['MinMaxScaler', await new MinMaxScaler({ featureRange: [-1, 2] }).fit(X), (e: MinMaxScaler) => Array.from((e.transform(X) as Matrix).data)],
  ];
  for (const [name, est, outputs] of cases) {
    const path = join(dir, `${name.split(' ')[0]}.shoal`);
    await saveModel(est as never, path);
    const back = await loadModel(path);
    assert.equal(back.constructor, est.constructor, name);
    assert.deepEqual(back.getParams(), (est as LinearRegression).getParams(), `${name} params`);
    assert.deepEqual(outputs(back as never), outputs(est as never), `${name} outputs`);
  }
});

test('a fitted search saves its best estimator inside it', async () => {
  const search = await new GridSearchCV(new LogisticRegression(), { C: [0.1, 1] }, { cv: 3 }).fit(X, sk.glm.y_binary);
  const back = modelFromBytes(modelToBytes(search as never)) as unknown as GridSearchCV;
  assert.deepEqual(back.bestParams_, search.bestParams_);
  assert.ok(back.bestEstimator_ instanceof LogisticRegression);
  assert.deepEqual(Array.from(back.predict(X) as Float64Array), Array.from(search.predict(X) as Float64Array));
});

test('the file is the documented layout: magic, version, JSON, then 8-aligned float64 bytes', async () => {
  const lr = await new LinearRegression().fit(X, sk.glm.y_counts);
  const bytes = modelToBytes(lr as never);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'SHOALMDL');
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(dv.getUint32(8, true), 1);
  const jsonLength = dv.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength)));
  assert.equal(json.estimator, 'LinearRegression');
  assert.deepEqual(json.params, { fitIntercept: true });
  assert.deepEqual(json.attributes.coef_, { $typed: 'Float64Array', offset: 0, length: 4 });
  const start = Math.ceil((16 + jsonLength) / 8) * 8;
  assert.deepEqual(new Float64Array(bytes.slice(start, start + 32).buffer), lr.coef_);
});

test('bad model files are refused with a clear error', async () => {
  const lr = await new LinearRegression().fit(X, sk.glm.y_counts);
  const good = modelToBytes(lr as never);
  assert.throws(() => modelFromBytes(new TextEncoder().encode('not a model at all')), /not a shoal model file/);
  assert.throws(() => modelFromBytes(good.subarray(0, 40)), /truncated/);
  const badVersion = good.slice();
  new DataView(badVersion.buffer).setUint32(8, 99, true);
  assert.throws(() => modelFromBytes(badVersion), /format version 99/);
  const shortBinary = good.subarray(0, good.byteLength - 8);
  assert.throws(() => modelFromBytes(shortBinary), /lies outside the file's/);
  const path = join(dir, 'renamed.shoal');
  writeFileSync(path, readFileSync(join(dir, 'LinearRegression.shoal')).toString('latin1').replace('"LinearRegression"', '"EvilRegression!!"'), 'latin1');
  await assert.rejects(loadModel(path), /unknown estimator "EvilRegression!!"/);
  await assert.rejects(loadModel(join(dir, 'LinearRegression.shoal'), KMeans), /holds a LinearRegression, not a KMeans/);
  assert.throws(() => modelToBytes(new LinearRegression() as never), /LinearRegression\) is not fitted/);
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('a model fitted on the cluster saves its parameters, not its lazy labels', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const km = await new KMeans({ nClusters: 3, randomState: 1 }).fit(XA);
  const back = modelFromBytes(modelToBytes(km as never)) as KMeans;
  assert.equal(back.labels_, null);
  assert.deepEqual(back.clusterCenters_, km.clusterCenters_);
  assert.deepEqual((await back.predict(XA).compute()).data, (await km.predict(XA).compute()).data);
});
