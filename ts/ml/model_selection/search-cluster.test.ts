/** GridSearchCV / RandomizedSearchCV on a local cluster: the same numbers as in-process and as scikit-learn, every fit a task on a worker, the data scattered once. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../actors/mod.js';
import { Future } from '../../actors/future.js';
import { recordCalls } from '../../actors/testing/record-calls.js';
import { fromArray } from '../../collections/array/create.js';
import { LinearRegression } from '../linear_model/linear-regression.js';
import { LogisticRegression } from '../linear_model/logistic-regression.js';
import { r2Score } from '../metrics.js';
import { stats } from './param-grid.js';
import { FitFailedError, GridSearchCV, RandomizedSearchCV } from './search.js';
import { assertMatchesSklearn, estimatorOf, optionsOf, ref, scoreColumns, Shift } from './search-testdata.js';

const bin = ref.data.binary;
const reg = ref.data.reg;

let client: Client;
let workers: string[];
/** What the searches asked of the client: scatter and submit calls (passed through unchanged). */
let calls: { scatter: unknown[][]; submit: unknown[][] };

before(async () => {
  client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 });
  workers = client.cluster!.workerAddresses;
  calls = recordCalls(client, ['scatter', 'submit']);
});
after(async () => { await client.close(); });

function resetCalls(): void {
  calls.scatter.length = 0;
  calls.submit.length = 0;
}

for (const [name, c] of Object.entries(ref.cases)) {
  test(`GridSearchCV ${name} on a 2-worker cluster: one task per candidate x split on the workers, X scattered once, scores as in-process and scikit-learn's`, async () => {
    const d = ref.data[c.data];
    const { options: searchOptions, fitParams } = optionsOf(c);
    const weighted = fitParams.sampleWeight !== undefined;
    const make = (scheduler: Client | 'local' | null) => new GridSearchCV(estimatorOf(c), c.grid, { ...searchOptions, scheduler });
    resetCalls();
    const onCluster = await make(null).fit(d.X, d.y, fitParams); // the active client
    const nTasks = c.cv_results.params.length * c.n_splits;
    // the data went out once, to every worker; every task referenced it by key
    assert.equal(calls.scatter.length, 1, 'one scatter');
    const [values, options] = calls.scatter[0] as [unknown[], { broadcast?: boolean }];
    assert.equal(options.broadcast, true);
    assert.equal(values.length, weighted ? 4 : 3, weighted ? 'X, y, the splits and the fit parameters' : 'X, y and the splits');
    assert.equal(calls.submit.length, nTasks, 'candidates x splits tasks');
    for (const args of calls.submit) {
      assert.equal(args[0], 'ml.search.fitScore');
      assert.ok(args[1] instanceof Future && args[2] instanceof Future && args[3] instanceof Future, 'X, y and splits travel as keys, not copies');
      assert.equal(args[5], c.estimator);
      if (weighted) assert.ok(args[9] instanceof Future, 'the sample weights travel as a key');
    }
    const ran = onCluster.fitWorkers_!.flat();
    assert.equal(ran.length, nTasks);
    assert.ok(ran.every((w) => workers.includes(w)), `every fit ran on a worker: ${[...new Set(ran)].join(', ')}`);
    assertMatchesSklearn(onCluster, c, name);

    resetCalls();
    const here = await make('local').fit(d.X, d.y, fitParams);
    assert.equal(calls.submit.length + calls.scatter.length, 0, "scheduler 'local' sends nothing to the cluster");
    assert.ok(here.fitWorkers_!.flat().every((w) => w === 'client'));
    assert.deepEqual(scoreColumns(onCluster.cvResults_!), scoreColumns(here.cvResults_!), 'distributed and in-process searches agree exactly');
    if (c.refit_score_on_data !== null) assert.equal(await onCluster.score(d.X, d.y), await here.score(d.X, d.y));
  });
}

test('the search spreads its tasks over both workers', async () => {
  const s = await new GridSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }), { C: [0.001, 0.01, 0.1, 1, 10, 100] }, { cv: 5 }).fit(bin.X, bin.y);
  assert.deepEqual([...new Set(s.fitWorkers_!.flat())].sort(), [...workers].sort());
});

test('nJobs caps the tasks in flight and changes no number', async () => {
  const make = (nJobs: number | null) => new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: 5, nJobs });
  const one = await make(1).fit(reg.X, reg.y);
  const all = await make(null).fit(reg.X, reg.y);
  assert.deepEqual(scoreColumns(one.cvResults_!), scoreColumns(all.cvResults_!));
});

test('a failing candidate on the cluster: errorScore "raise" names its params and worker; a number scores it and the rest go on', async () => {
  await assert.rejects(
    new GridSearchCV(new LogisticRegression(), { C: [1, -1] }, { cv: 3 }).fit(bin.X, bin.y),
    (e: unknown) => e instanceof FitFailedError && /GridSearchCV: fitting candidate \{"C":-1\} on split \d of 3 failed \(on worker-\d\): RangeError: LogisticRegression: hyper-parameter C must be a positive number, got -1/.test((e as Error).message),
  );
  const s = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [1, -1] }, { cv: 3, errorScore: -5 }).fit(bin.X, bin.y);
  const here = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [1, -1] }, { cv: 3, errorScore: -5, scheduler: 'local' }).fit(bin.X, bin.y);
  assert.deepEqual(scoreColumns(s.cvResults_!), scoreColumns(here.cvResults_!));
  assert.deepEqual(s.cvResults_!.mean_test_score[1], -5);
  assert.deepEqual(s.bestParams_, { C: 1 });
});


test('what cannot travel is refused at the call: an unregistered estimator class, a scoring function; scheduler "local" runs them here', async () => {
  await assert.rejects(new GridSearchCV(new Shift(), { by: [0, 1] }, { scoring: 'r2' }).fit(reg.X, reg.y),
    /GridSearchCV: Shift is not a registered estimator class, so its fits cannot run on the cluster's workers; call registerEstimator\('Shift', Shift, kind\)/);
  const r2 = (e: unknown, X: { data: Float64Array; shape: number[] }, y: unknown) => r2Score(y as Float64Array, (e as LinearRegression).predict(X));
  await assert.rejects(new GridSearchCV(new LinearRegression(), { fitIntercept: [true] }, { scoring: r2 }).fit(reg.X, reg.y), /a scoring function cannot travel to the cluster's workers; register it with registerScorer/);
  resetCalls();
  const s = await new GridSearchCV(new Shift(), { by: [1, 0] }, { scoring: 'r2', scheduler: 'local' }).fit(reg.X, reg.y);
  assert.deepEqual(s.bestParams_, { by: 0 });
  assert.equal(calls.submit.length, 0);
});

test('shoal Arrays as X and y give the in-memory search\'s results', async () => {
  const c = ref.cases.linreg_default;
  const X = fromArray(reg.X, { chunks: 40 });
  const y = fromArray(reg.y, { chunks: 40 });
  const lazy = await new GridSearchCV(new LinearRegression(), c.grid, { cv: 5 }).fit(X, y);
  assertMatchesSklearn(lazy, c, 'linreg_default from Arrays');
  const p = lazy.predict(X) as unknown as { compute(): Promise<{ data: Float64Array }> };
  assert.deepEqual(Array.from((await p.compute()).data), Array.from(lazy.predict(reg.X) as Float64Array));
});

test('shoal Arrays as X, y and sampleWeight give the in-memory weighted search\'s results (scikit-learn\'s)', async () => {
  const c = ref.cases.weighted_linreg_default_kfold5;
  const { options, fitParams } = optionsOf(c);
  const lazy = await new GridSearchCV(estimatorOf(c), c.grid, options)
    .fit(fromArray(reg.X, { chunks: 40 }), fromArray(reg.y, { chunks: 40 }), { sampleWeight: fromArray(fitParams.sampleWeight!, { chunks: 40 }) });
  assertMatchesSklearn(lazy, c, 'weighted_linreg_default_kfold5 from Arrays');
});

test('RandomizedSearchCV on the cluster draws the same candidates and scores as in-process', async () => {
  const make = (scheduler: 'local' | null) => new RandomizedSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }),
    { C: stats.loguniform(1e-3, 1e2) }, { nIter: 4, randomState: 5, cv: 3, scoring: 'neg_log_loss', returnTrainScore: true, scheduler });
  const a = await make(null).fit(bin.X, bin.y);
  const b = await make('local').fit(bin.X, bin.y);
  assert.deepEqual(scoreColumns(a.cvResults_!), scoreColumns(b.cvResults_!));
  assert.ok(a.fitWorkers_!.flat().every((w) => workers.includes(w)));
});

test('an explicit client as scheduler runs the fits on its workers', async () => {
  const s = await new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: 3, scheduler: client }).fit(reg.X, reg.y);
  assert.ok(s.fitWorkers_!.flat().every((w) => workers.includes(w)));
});
