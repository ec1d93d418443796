/** delayedFit / computeFits / fitMany on a 2-worker local cluster: the same models as fitting one by one in memory, each distinct argument sent once, failures that lose nothing, bad input named at the call. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { Client } from '../actors/mod.js';
import type { Graph } from '../actors/graph.js';
import { recordCalls } from '../actors/testing/record-calls.js';
import { fromArray } from '../collections/array/create.js';
import { fromArrow } from '../collections/dataframe/io.js';
import { BaseEstimator, type Params } from './base.js';
import { KMeans } from './cluster/kmeans.js';
import { computeFits, delayedFit, DelayedFit, DelayedFitError, fitMany, type Fittable } from './delayed.js';
import { LinearRegression } from './linear_model/linear-regression.js';
import { LogisticRegression } from './linear_model/logistic-regression.js';
import { GridSearchCV } from './model_selection/search.js';
import { StandardScaler } from './preprocessing/scalers.js';
import { sk } from './testdata.js';

const X: number[][] = sk.glm.X;
const yb: number[] = sk.glm.y_binary;
const ym: number[] = sk.glm.y_multi;
const yc: number[] = sk.glm.y_counts;
/** fixed initial centres: KMeans is then deterministic whatever its seed handling */
const init = [X[0], X[1], X[2]];

let client: Client;
let workers: string[];
/** What the fits asked of the client (passed through unchanged). */
let calls: { scatter: unknown[][]; persist: [Graph, string[]][] };

before(async () => {
  client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 });
  workers = client.cluster!.workerAddresses;
  calls = recordCalls(client, ['scatter', 'persist']) as typeof calls;
});
after(async () => { await client.close(); });

function resetCalls(): void {
  calls.scatter.length = 0;
  calls.persist.length = 0;
}

/** The learned attributes (ending in _), as persistence sees them. */
function learned(est: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(est).filter(([k, v]) => k.endsWith('_') && v !== undefined && v !== null));
}

function assertSameModel(actual: unknown, expected: BaseEstimator<Params>, what: string): void {
  assert.ok(actual instanceof expected.constructor, `${what}: a ${expected.constructor.name}`);
  const a = actual as BaseEstimator<Params>;
  assert.ok(a.isFitted, `${what}: fitted`);
  assert.deepEqual(a.getParams(), expected.getParams(), `${what}: hyper-parameters`);
  const la = learned(a);
  const le = learned(expected);
  assert.deepEqual(Object.keys(la).sort(), Object.keys(le).sort(), `${what}: the same learned attributes`);
  for (const k of Object.keys(le)) {
    const ea = le[k], aa = la[k];
    // typed arrays compared by value (one side may sit on a SharedArrayBuffer)
    if (ArrayBuffer.isView(ea)) assert.deepEqual(Array.from(aa as ArrayLike<number>), Array.from(ea as unknown as ArrayLike<number>), `${what}.${k}`);
    else if (ea !== null && typeof ea === 'object' && 'data' in ea) {
      assert.deepEqual(Array.from((aa as { data: ArrayLike<number> }).data), Array.from((ea as { data: ArrayLike<number> }).data), `${what}.${k}.data`);
      assert.deepEqual((aa as { shape: unknown }).shape, (ea as unknown as { shape: unknown }).shape, `${what}.${k}.shape`);
    } else assert.deepEqual(aa, ea, `${what}.${k}`);
  }
}

/** Four different estimators, each fitted in memory one by one: the reference. */
function fourEstimators(): Fittable[] {
  return [new LinearRegression(), new LogisticRegression({ C: 0.5 }), new KMeans({ nClusters: 3, init, nInit: 1 }), new StandardScaler()];
}

async function oneByOne(ests: Fittable[], argsOf: (i: number) => unknown[]): Promise<Fittable[]> {
  const out: Fittable[] = [];
  for (const [i, e] of ests.entries()) {
    const c = e.clone();
    await c.fit(...argsOf(i));
    out.push(c);
  }
  return out;
}

test('computeFits: four different estimators fitted at once on the workers equal the same fitted one by one in memory; shared X sent once to every worker', async () => {
  const ests = fourEstimators();
  const args = [[X, yc], [X, ym], [X], [X]];
  resetCalls();
  const fitted = await computeFits(ests.map((e, i) => delayedFit(e, ...(args[i] as [unknown, unknown?]))));
  // X (used by four fits) in one broadcast; each y (one fit each) in one round-robin scatter
  assert.equal(calls.scatter.length, 2, 'two scatter calls');
  const [[bValues, bOpts], [sValues, sOpts]] = calls.scatter as [unknown[], { broadcast: boolean }][];
  assert.deepEqual([bOpts.broadcast, (bValues as unknown[]).length], [true, 1]);
  assert.equal((bValues as unknown[])[0], X, 'X itself, once');
  assert.deepEqual([sOpts.broadcast, sValues], [false, [yc, ym]]);
  assert.equal(calls.persist.length, 1, 'one graph');
  const [graph, keys] = calls.persist[0];
  assert.equal(keys.length, 4);
  for (const [, spec] of graph) {
    assert.equal(spec.op, 'ml.delayed.fit');
    assert.ok(!JSON.stringify(spec.args).includes('"data"'), 'no data inside the tasks, only keys');
  }
  const expected = await oneByOne(ests, (i) => args[i]);
  fitted.forEach((f, i) => assertSameModel(f, expected[i], `fit ${i}`));
  // new objects; the originals untouched
  fitted.forEach((f, i) => { assert.notEqual(f, ests[i]); assert.equal(ests[i].isFitted, false); });
  const [lr, clf] = fitted as [LinearRegression, LogisticRegression, KMeans, StandardScaler];
  assert.deepEqual(Array.from(clf.predict(X) as ArrayLike<number>), Array.from((expected[1] as LogisticRegression).predict(X) as ArrayLike<number>));
  assert.equal(await lr.score(X, yc), await (expected[0] as LinearRegression).score(X, yc));
});

test('fitMany: every estimator on the same X and y; X and y scattered once, together, to every worker; results in input order', async () => {
  const ests = [new LogisticRegression({ C: 0.01 }), new LinearRegression(), new LogisticRegression({ C: 100 }), new LinearRegression({ fitIntercept: false }), new LogisticRegression({ C: 1, fitIntercept: false })];
  const Xm = { data: Float64Array.from(X.flat()), shape: [400, 4] };
  resetCalls();
  const fitted = await fitMany(ests, Xm, yb, { client });
  assert.equal(calls.scatter.length, 1, 'one scatter call');
  const [values, opts] = calls.scatter[0] as [unknown[], { broadcast: boolean }];
  assert.equal(opts.broadcast, true);
  assert.equal(values.length, 2);
  assert.equal(values[0], Xm);
  assert.equal(values[1], yb);
  const graph = calls.persist[0][0];
  for (const [, spec] of graph) {
    const refs = spec.args[2] as unknown[];
    assert.equal(refs.length, 2, 'X and y, by key');
  }
  const expected = await oneByOne(ests, () => [Xm, yb]);
  fitted.forEach((f, i) => assertSameModel(f, expected[i], `fit ${i}`));
});

test('shoal Arrays and DataFrames: each computed once on the cluster (never scattered from here), the fits equal fits on their computed values', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 64 });
  const yA = fromArray(Float64Array.from(yc), { shape: [400], chunks: 64 });
  const table = arrow.tableFromArrays({ a: Float64Array.from(X, (r) => r[0]), b: Float64Array.from(X, (r) => r[1]), c: Float64Array.from(X, (r) => r[2]) });
  const df = fromArrow(table, { npartitions: 3 });
  resetCalls();
  const fitted = await computeFits([
    delayedFit(new LinearRegression(), XA, yA),
    delayedFit(new KMeans({ nClusters: 3, init, nInit: 1 }), XA),
    delayedFit(new StandardScaler(), df),
    delayedFit(new LinearRegression({ fitIntercept: false }), df, yA),
  ]);
  assert.equal(calls.scatter.length, 0, 'nothing scattered from this process');
  assert.equal(calls.persist.length, 2, 'one graph for the collections, one for the fits');
  const [dataGraph, dataKeys] = calls.persist[0];
  assert.equal(dataKeys.length, 3, 'XA, yA and df, once each');
  assert.equal([...dataGraph.values()].filter((t) => t.op === 'ml.delayed.arrayValue').length, 2, 'one concatenation per Array');
  const fitGraph = calls.persist[1][0];
  for (const [, spec] of fitGraph) for (const r of spec.args[2] as unknown[]) assert.ok(dataKeys.some((k) => JSON.stringify(r).includes(k)), 'fits read the computed values by key');

  const Xc = await XA.compute();
  const Xv = { data: Xc.data, shape: Xc.shape };
  const yv = (await yA.compute()).data;
  const dv = await df.compute();
  const expected = await oneByOne([new LinearRegression(), new KMeans({ nClusters: 3, init, nInit: 1 }), new StandardScaler(), new LinearRegression({ fitIntercept: false })],
    (i) => [[Xv, yv], [Xv], [dv], [dv, yv]][i]);
  fitted.forEach((f, i) => assertSameModel(f, expected[i], `fit ${i}`));
  assert.deepEqual((fitted[2] as StandardScaler).featureNamesIn_, ['a', 'b', 'c']);
});

test("client: 'local' fits here, one after another, with the same results and nothing sent", async () => {
  const ests = fourEstimators();
  const args = [[X, yc], [X, ym], [X], [X]];
  const handles = ests.map((e, i) => delayedFit(e, ...(args[i] as [unknown, unknown?])));
  const onCluster = await computeFits(handles, { client });
  resetCalls();
  const here = await computeFits(handles, { client: 'local' });
  assert.equal(calls.scatter.length + calls.persist.length, 0);
  here.forEach((f, i) => assertSameModel(f, onCluster[i] as Fittable, `fit ${i}`));
  // a handle computes afresh each time: new objects
  assert.notEqual(here[0], onCluster[0]);
  const one = await handles[0].compute({ client: 'local' });
  assertSameModel(one, here[0] as Fittable, 'handle.compute()');
});

test('a handle snapshots the hyper-parameters: setParams on the original afterwards changes nothing', async () => {
  const lr = new LinearRegression();
  const h = delayedFit(lr, X, yc);
  lr.setParams({ fitIntercept: false });
  const fitted = await h.compute();
  assert.equal(fitted.getParams().fitIntercept, true);
  assert.equal(lr.isFitted, false);
  assert.ok(h instanceof DelayedFit);
  assert.match(h.key, /^fit-LinearRegression-/);
});

test("a failing fit: 'raise' throws once every fit has ended, naming the estimator, with the worker's type, message and stack, and every other result kept", async () => {
  const ests = [new LinearRegression(), new KMeans({ nClusters: 500, init: 'random', nInit: 1 }), new LogisticRegression()];
  const err = await fitMany(ests, X, yb).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(err instanceof DelayedFitError, String(err));
  assert.equal(err.index, 1);
  assert.equal(err.estimatorName, 'KMeans');
  assert.equal(err.params.nClusters, 500);
  assert.match(err.message, /^fitting estimator 1 of 3 \(KMeans\) failed on .+: RangeError: /);
  assert.equal(err.errorType, 'RangeError');
  assert.ok(workers.includes(err.workerId), `ran on a worker: ${err.workerId}`);
  assert.match(err.remoteStack, /kmeans/i, 'the worker-side stack');
  assert.match(err.stack!, /--- worker stack ---/);
  assert.ok(err.results !== undefined && err.results.length === 3);
  assert.equal(err.results[1], err);
  const expected = await oneByOne([ests[0], ests[2]], () => [X, yb]);
  assertSameModel(err.results[0], expected[0], 'the fit before');
  assertSameModel(err.results[2], expected[1], 'the fit after');
});

test("a failing fit: 'return' puts the error in its place; several failures are each named", async () => {
  const ests = [new KMeans({ nClusters: 500, init: 'random', nInit: 1 }), new LinearRegression(), new LinearRegression({ fitIntercept: 'yes' as never })];
  const out = await fitMany(ests, X, yc, { errors: 'return' });
  assert.equal(out.length, 3);
  assert.ok(out[0] instanceof DelayedFitError && out[0].index === 0 && out[0].estimatorName === 'KMeans');
  assert.ok(out[1] instanceof LinearRegression && out[1].isFitted);
  assert.ok(out[2] instanceof DelayedFitError && out[2].index === 2);
  assert.match(out[2].message, /fitting estimator 2 of 3 \(LinearRegression\) failed on .+: RangeError: LinearRegression: hyper-parameter fitIntercept must be a boolean/);
  // 'raise' with two failures: the first thrown, the count in its message
  await assert.rejects(fitMany(ests, X, yc), (e: unknown) => e instanceof DelayedFitError && e.index === 0 && /2 of 3 fits failed/.test(e.message));
  // on this thread, the same failure names the client
  const local = await fitMany(ests, X, yc, { errors: 'return', client: 'local' });
  assert.ok(local[0] instanceof DelayedFitError && local[0].workerId === 'client' && local[0].errorType === (out[0] as DelayedFitError).errorType);
  assert.equal((local[0] as DelayedFitError).errorMessage, (out[0] as DelayedFitError).errorMessage);
});

test('bad input is a TypeError (or RangeError) at the call, before anything is sent', async () => {
  resetCalls();
  assert.throws(() => delayedFit(null as never, X), /delayedFit: estimator must be an estimator \(a BaseEstimator with fit\), got null/);
  assert.throws(() => delayedFit({ fit: async () => undefined } as never, X), TypeError);
  assert.throws(() => delayedFit(new LinearRegression(), undefined), /delayedFit: X must be data .*got undefined/);
  assert.throws(() => delayedFit(new LinearRegression(), 3), /X must be data/);
  await assert.rejects(computeFits('nope' as never), /computeFits: handles must be an array/);
  await assert.rejects(computeFits([new LinearRegression()] as never), /computeFits: handles\[0\] must be a delayedFit\(\.\.\.\) handle, got an estimator \(LinearRegression\); for estimators and data use fitMany/);
  await assert.rejects(fitMany(new LinearRegression() as never, X, yc), /fitMany: estimators must be an array/);
  await assert.rejects(fitMany([new LinearRegression(), 'x'] as never, X, yc), /fitMany: estimators\[1\] must be an estimator/);
  await assert.rejects(fitMany([new LinearRegression()], X, yc, { errors: 'skip' as never }), /options.errors must be 'raise' or 'return', got "skip"/);
  await assert.rejects(fitMany([new LinearRegression()], X, yc, { client: 'cluster' as never }), /options.client must be a Client, 'local' or null/);
  class Unregistered extends LinearRegression {}
  await assert.rejects(fitMany([new LinearRegression(), new Unregistered()], X, yc), (e: unknown) => e instanceof TypeError && /estimator 1 \(Unregistered\) is not a registered estimator class.*client: 'local'/.test(e.message));
  await assert.rejects(fitMany([new LinearRegression({ fitIntercept: (() => true) as never })], X, yc), /fitMany: the hyper-parameters of LinearRegression cannot be copied \(.*could not be cloned\.\)/);
  // a meta-estimator's inner estimator is an object a task cannot rebuild (and a search on a worker would have no cluster to use)
  const search = new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] });
  await assert.rejects(fitMany([search], X, yc), /computeFits: estimator 0 \(GridSearchCV\): hyper-parameter estimator is an estimator \(LinearRegression\), which cannot travel to the workers .*client: 'local'/);

  assert.equal(calls.scatter.length + calls.persist.length, 0, 'nothing sent');
  // fitted here, a search runs as it would alone (on the active client)
  const [fittedSearch] = await fitMany([search], X, yc, { client: 'local' });
  assert.ok(fittedSearch.isFitted && fittedSearch.bestParams_ !== undefined);
  // an unregistered class still fits on this thread
  const [u] = await fitMany([new Unregistered()], X, yc, { client: 'local' });
  assert.ok(u instanceof Unregistered && u.isFitted);
  assert.deepEqual(await computeFits([]), []);
});

test('arguments after y reach fit; a y left out stays undefined', async () => {
  // on the cluster: StandardScaler.fit(X, undefined, options) — y travels as nothing, the options as one more scattered value
  const [s, lr] = await computeFits([delayedFit(new StandardScaler(), X, undefined, { note: 1 }), delayedFit(new LinearRegression(), X, yc, undefined)]);
  assert.ok(s instanceof StandardScaler && s.isFitted);
  assert.ok(lr instanceof LinearRegression && lr.isFitted);
  // here, an estimator that keeps what fit got
  class Recorder extends StandardScaler {
    got_?: unknown[];
    override async fit(...args: unknown[]): Promise<this> {
      this.got_ = args.slice(1);
      return super.fit(args[0] as never);
    }
  }
  const opts = { sampleWeight: [1, 2] };
  const [r] = await computeFits([delayedFit(new Recorder(), X, undefined, opts)], { client: 'local' });
  assert.deepEqual(r.got_, [undefined, opts]);
});

test('fit options after y (sample weights): the same weights in options written for each fit travel once; equal to weighted fits in memory; a weights Array is computed on the cluster', async () => {
  const w = Float64Array.from(X, (_, i) => 1 + (i % 5));
  const ests = [new LinearRegression(), new LinearRegression({ fitIntercept: false }), new LogisticRegression({ C: 0.5 })];
  const ys = [yc, yc, ym];
  resetCalls();
  const fitted = await computeFits(ests.map((e, i) => delayedFit(e, X, ys[i], { sampleWeight: w })));
  // X, yc (two fits) and w (three) broadcast together; ym (one fit) on its own
  assert.equal(calls.scatter.length, 2);
  const [[shared, so], [single, po]] = calls.scatter as [unknown[], { broadcast: boolean }][];
  assert.equal(so.broadcast, true);
  assert.deepEqual(new Set(shared), new Set([X, yc, w]));
  assert.equal(po.broadcast, false);
  assert.deepEqual(single, [ym]);
  const expected = await oneByOne(ests, (i) => [X, ys[i], { sampleWeight: w }]);
  fitted.forEach((f, i) => assertSameModel(f, expected[i], `weighted fit ${i}`));
  const unweighted = await new LinearRegression().fit(X, yc);
  assert.notDeepEqual(Array.from((fitted[0] as LinearRegression).coef_ as ArrayLike<number>), Array.from(unweighted.coef_ as ArrayLike<number>), 'the weights reached the fit');

  const wA = fromArray(w, { shape: [400], chunks: 100 });
  resetCalls();
  const [lrA] = await computeFits([delayedFit(new LinearRegression(), X, yc, { sampleWeight: wA })]);
  assert.equal(calls.persist.length, 2, 'the weights Array computed on the cluster, then the fit');
  assertSameModel(lrA, expected[0], 'weights from an Array');
});

test('the fits spread over both workers (seen through where failing fits ran)', async () => {
  const out = await fitMany(Array.from({ length: 8 }, () => new KMeans({ nClusters: 500, init: 'random', nInit: 1 })), X, undefined, { errors: 'return' });
  const ran = out.map((e) => (e as DelayedFitError).workerId);
  assert.deepEqual([...new Set(ran)].sort(), [...workers].sort());
});
