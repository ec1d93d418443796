/** GridSearchCV / RandomizedSearchCV in-process (no client): against scikit-learn, errors, conformance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaseEstimator, type Params } from '../base.js';
import { NotFittedError } from '../errors.js';
import { LinearRegression } from '../linear_model/linear-regression.js';
import { LogisticRegression } from '../linear_model/logistic-regression.js';
import { r2Score } from '../metrics.js';
import { checkEstimator } from '../testing/conformance.js';
import { stats } from './param-grid.js';
import { FitFailedError, GridSearchCV, RandomizedSearchCV } from './search.js';
import { assertMatchesSklearn, assertRelClose, estimatorOf, optionsOf, ref, scoreColumns, Shift } from './search-testdata.js';
import { getScorer, type Scorer } from './scoring.js';
import { KFold } from './split.js';

const bin = ref.data.binary;
const reg = ref.data.reg;

/** Resolves with the first process warning of `type` emitted while `fn` runs. */
async function warningDuring(type: string, fn: () => Promise<unknown>): Promise<Error | undefined> {
  let seen: Error | undefined;
  const on = (w: Error) => { if (w.name === type && seen === undefined) seen = w; };
  process.on('warning', on);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
  }
  return seen;
}

for (const [name, c] of Object.entries(ref.cases)) {
  test(`GridSearchCV ${name} in-process matches scikit-learn ${ref.sklearn_version} (scores per split, means, ranks, best)`, async () => {
    const d = ref.data[c.data];
    const { options, fitParams } = optionsOf(c);
    const search = await new GridSearchCV(estimatorOf(c), c.grid, options).fit(d.X, d.y, fitParams);
    assertMatchesSklearn(search, c, name);
    assert.ok(search.fitWorkers_!.flat().every((w) => w === 'client'), 'no client: every fit ran on this thread');
    const nCand = c.cv_results.params.length;
    for (const k of ['mean_fit_time', 'std_fit_time', 'mean_score_time', 'std_score_time']) {
      assert.equal((search.cvResults_![k] as number[]).length, nCand);
      assert.ok((search.cvResults_![k] as number[]).every((t) => t >= 0 && Number.isFinite(t)), k);
    }
    assert.ok(search.cvResults_!.mean_fit_time.some((t) => t > 0));
    if (c.refit_score_on_data !== null) {
      // the best candidate refitted on all the data, scored with the search's scoring
      assertRelClose([await search.score(d.X, d.y)], [c.refit_score_on_data], 1e-6, `${name}: score of bestEstimator_`);
    }
  });
}

test('GridSearchCV cvResults_ has scikit-learn\'s columns, in its order, with param_<name> undefined where a grid does not set it', async () => {
  const c = ref.cases.logreg_binary_roc_auc_grids;
  const s = await new GridSearchCV(estimatorOf(c), c.grid, { cv: 3, scoring: 'roc_auc', returnTrainScore: true }).fit(bin.X, bin.y);
  assert.deepEqual(Object.keys(s.cvResults_!), [
    'mean_fit_time', 'std_fit_time', 'mean_score_time', 'std_score_time', 'param_C', 'param_fitIntercept', 'params',
    'split0_test_score', 'split1_test_score', 'split2_test_score', 'mean_test_score', 'std_test_score', 'rank_test_score',
    'split0_train_score', 'split1_train_score', 'split2_train_score', 'mean_train_score', 'std_train_score',
  ]);
  assert.deepEqual(s.cvResults_!.param_C, [0.01, 1, 0.1, 10]);
  assert.deepEqual(s.cvResults_!.param_fitIntercept, [undefined, undefined, false, false]);
  assert.equal(s.nSplits_, 3);
  assert.ok(s.refitTime_! >= 0);
});

test('RandomizedSearchCV over lists draws distinct grid points; with nIter ≥ the grid it searches the whole grid, scores as scikit-learn\'s GridSearchCV', async () => {
  const c = ref.cases.logreg_multi_neg_log_loss;
  const d = ref.data[c.data];
  let search!: RandomizedSearchCV;
  const w = await warningDuring('UserWarning', async () => {
    search = await new RandomizedSearchCV(estimatorOf(c), c.grid, { nIter: 10, randomState: 3, cv: 3, scoring: 'neg_log_loss' }).fit(d.X, d.y);
  });
  assert.match(w!.message, /total space of parameters 6 is smaller than nIter=10/);
  const cv = search.cvResults_!;
  assert.equal(cv.params.length, 6);
  const key = (p: Params) => JSON.stringify(p);
  assert.deepEqual(cv.params.map(key).sort(), c.cv_results.params.map(key).sort());
  assert.notDeepEqual(cv.params.map(key), c.cv_results.params.map(key), 'drawn in a random order, not the grid\'s');
  for (let i = 0; i < 6; i++) {
    const j = c.cv_results.params.map(key).indexOf(key(cv.params[i]));
    for (const col of ['split0_test_score', 'split1_test_score', 'split2_test_score', 'mean_test_score']) {
      assertRelClose([(cv[col] as number[])[i]], [(c.cv_results[col] as number[])[j]], 1e-6, `${col} of ${key(cv.params[i])}`);
    }
    assert.equal(cv.rank_test_score[i], c.cv_results.rank_test_score[j]);
  }
  assert.deepEqual(search.bestParams_, c.best_params);

  const some = await new RandomizedSearchCV(estimatorOf(c), c.grid, { nIter: 4, randomState: 3, cv: 3 }).fit(d.X, d.y);
  assert.equal(new Set(some.cvResults_!.params.map(key)).size, 4, 'without replacement');
});

test('RandomizedSearchCV with distributions: reproducible by randomState, values in range, each candidate scored as a search of that candidate alone', async () => {
  const space = { C: stats.loguniform(1e-3, 1e2), fitIntercept: [true, false] };
  const make = (seed: number) => new RandomizedSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }), space, { nIter: 5, randomState: seed, cv: 3, scoring: 'neg_log_loss' });
  const a = await make(11).fit(bin.X, bin.y);
  const b = await make(11).fit(bin.X, bin.y);
  const other = await make(12).fit(bin.X, bin.y);
  assert.deepEqual(a.cvResults_!.params, b.cvResults_!.params);
  assert.notDeepEqual(a.cvResults_!.params, other.cvResults_!.params);
  assert.equal(a.cvResults_!.params.length, 5);
  for (const p of a.cvResults_!.params) {
    assert.ok((p.C as number) >= 1e-3 && (p.C as number) <= 1e2, `C=${p.C} in [1e-3, 1e2]`);
    assert.equal(typeof p.fitIntercept, 'boolean');
  }
  // the same candidates as a grid, one grid per candidate, in the same order
  const grid = a.cvResults_!.params.map((p) => ({ C: [p.C], fitIntercept: [p.fitIntercept] }));
  const g = await new GridSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }), grid, { cv: 3, scoring: 'neg_log_loss' }).fit(bin.X, bin.y);
  assert.deepEqual(scoreColumns(a.cvResults_!), scoreColumns(g.cvResults_!));
  assert.deepEqual(a.bestParams_, g.bestParams_);
  // integer draws
  const ri = stats.randint(2, 5);
  const draws = Array.from({ length: 200 }, (_, i) => ri.rvs(() => (i + 0.5) / 200));
  assert.deepEqual([...new Set(draws)].sort(), [2, 3, 4]);
});

test('GridSearchCV delegates to the refitted best estimator: predict, predictProba, decisionFunction, classes_, score', async () => {
  const s = await new GridSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }), { C: [0.01, 1] }, { cv: 3 }).fit(bin.X, bin.y);
  const best = new LogisticRegression({ tol: 1e-10, maxIter: 100_000, ...s.bestParams_ });
  await best.fit(bin.X, bin.y);
  assert.deepEqual(s.predict(bin.X), best.predict(bin.X));
  assert.deepEqual(s.predictProba(bin.X), best.predictProba(bin.X));
  assert.deepEqual(s.decisionFunction(bin.X), best.decisionFunction(bin.X));
  assert.deepEqual(s.classes_, [0, 1]);
  assert.equal(await s.score(bin.X, bin.y), await best.score(bin.X, bin.y));
  assert.throws(() => s.transform(bin.X), /GridSearchCV.transform: the best estimator, LogisticRegression, has no transform/);
});

test('GridSearchCV with refit false keeps the best candidate but no estimator; refit as a function picks the index', async () => {
  const s = await new GridSearchCV(new LinearRegression(), { fitIntercept: [false, true] }, { refit: false }).fit(reg.X, reg.y);
  assert.deepEqual(s.bestParams_, { fitIntercept: true });
  assert.equal(s.bestIndex_, 1);
  assert.equal(s.bestEstimator_, undefined);
  assert.throws(() => s.predict(reg.X), (e: unknown) => e instanceof NotFittedError && /refit is false/.test((e as Error).message));
  const worst = await new GridSearchCV(new LinearRegression(), { fitIntercept: [false, true] }, { refit: (cv) => cv.rank_test_score.indexOf(2) }).fit(reg.X, reg.y);
  assert.deepEqual(worst.bestParams_, { fitIntercept: false });
  assert.equal(worst.bestScore_, undefined);
  assert.equal((worst.bestEstimator_ as LinearRegression).getParams().fitIntercept, false);
});

test('GridSearchCV with string class labels scores as with the numeric labels they stand for', async () => {
  const names = bin.y.map((v) => (v === 1 ? 'pos' : 'neg'));
  for (const scoring of [null, 'accuracy', 'neg_log_loss', 'roc_auc']) {
    const make = () => new GridSearchCV(new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }), { C: [0.01, 1] }, { cv: 3, scoring });
    const a = await make().fit(bin.X, names);
    const b = await make().fit(bin.X, bin.y);
    assert.deepEqual(scoreColumns(a.cvResults_!), scoreColumns(b.cvResults_!), `scoring ${scoring}`);
    assert.deepEqual(a.classes_, ['neg', 'pos']);
    assert.deepEqual((a.predict(bin.X.slice(0, 5)) as string[]), Array.from(b.predict(bin.X.slice(0, 5)) as Float64Array, (v) => (v === 1 ? 'pos' : 'neg')));
  }
});

test('scoring as a function, a splitter or explicit splits give what the named scorer and cv=k give', async () => {
  const r2: Scorer = (e, X, y) => r2Score(y as Float64Array, (e as LinearRegression).predict(X));
  const named = await new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: 4, scoring: 'r2' }).fit(reg.X, reg.y);
  const fn = await new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: new KFold({ nSplits: 4 }), scoring: r2 }).fit(reg.X, reg.y);
  const pairs = [...new KFold({ nSplits: 4 }).split(reg.X.length)];
  const listed = await new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: pairs, scoring: getScorer('r2') }).fit(reg.X, reg.y);
  assert.deepEqual(scoreColumns(fn.cvResults_!), scoreColumns(named.cvResults_!));
  assert.deepEqual(scoreColumns(listed.cvResults_!), scoreColumns(named.cvResults_!));
  assert.equal(await fn.score(reg.X, reg.y), await named.score(reg.X, reg.y));
});

test('a failing candidate: errorScore "raise" names its params; a number scores it and the others go on', async () => {
  const grid = { C: [1, -1] };
  await assert.rejects(
    new GridSearchCV(new LogisticRegression(), grid, { cv: 3 }).fit(bin.X, bin.y),
    (e: unknown) => e instanceof FitFailedError && /GridSearchCV: fitting candidate \{"C":-1\} on split 0 of 3 failed: RangeError: LogisticRegression: hyper-parameter C must be a positive number, got -1/.test((e as Error).message)
      && (e as FitFailedError).params.C === -1 && (e as FitFailedError).errorType === 'RangeError',
  );
  let s!: GridSearchCV;
  const w = await warningDuring('FitFailedWarning', async () => {
    s = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), grid, { cv: 3, errorScore: -5 }).fit(bin.X, bin.y);
  });
  assert.match(w!.message, /3 fits failed out of a total of 6/);
  const alone = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [1] }, { cv: 3 }).fit(bin.X, bin.y);
  const cv = s.cvResults_!;
  for (let k = 0; k < 3; k++) {
    assert.equal((cv[`split${k}_test_score`] as number[])[1], -5);
    assert.equal((cv[`split${k}_test_score`] as number[])[0], (alone.cvResults_![`split${k}_test_score`] as number[])[0]);
  }
  assert.deepEqual(cv.rank_test_score, [1, 2]);
  assert.deepEqual(s.bestParams_, { C: 1 });
  // NaN: the failed candidate ranks last
  const n = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [-1, 1] }, { cv: 3, errorScore: NaN }).fit(bin.X, bin.y);
  assert.ok(Number.isNaN(n.cvResults_!.mean_test_score[0]));
  assert.deepEqual(n.cvResults_!.rank_test_score, [2, 1]);
  await assert.rejects(new GridSearchCV(new LogisticRegression(), { C: [-1, -2] }, { cv: 3, errorScore: 0 }).fit(bin.X, bin.y), /GridSearchCV: all the 6 fits failed; the first: RangeError: LogisticRegression: hyper-parameter C must be a positive number/);
});

test('bad input is rejected at the call, naming what is wrong', async () => {
  const lr = () => new LogisticRegression();
  const X = bin.X.slice(0, 5);
  const y = [0, 1, 0, 1, 0];
  await assert.rejects(new GridSearchCV(lr(), []).fit(bin.X, bin.y), /GridSearchCV: paramGrid is empty/);
  await assert.rejects(new GridSearchCV(lr(), { C: [] }).fit(bin.X, bin.y), /GridSearchCV: paramGrid.C is an empty list/);
  await assert.rejects(new GridSearchCV(lr(), { C: 0.1 } as never).fit(bin.X, bin.y), /GridSearchCV: paramGrid.C must be a list of values, got 0.1; wrap a single value as \[value\]/);
  await assert.rejects(new GridSearchCV(lr(), [{ C: [1] }, { alpha: [1] }]).fit(bin.X, bin.y), /GridSearchCV: paramGrid names hyper-parameter "alpha", which LogisticRegression does not have; expected one of penalty, C, /);
  await assert.rejects(new RandomizedSearchCV(lr(), { lr: stats.uniform() }).fit(bin.X, bin.y), /RandomizedSearchCV: paramDistributions names hyper-parameter "lr"/);
  await assert.rejects(new GridSearchCV(new LinearRegression(), { fitIntercept: [true] }, { cv: 10 }).fit(X, y), /GridSearchCV: cv=10 folds need at least 10 samples, got 5/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { cv: 4 }).fit(X, y), /GridSearchCV: cv: StratifiedKFold: nSplits=4 is more than the members of every class/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { cv: 1 }).fit(X, y), /GridSearchCV: hyper-parameter cv must be an integer ≥ 2/);
  await assert.rejects(new RandomizedSearchCV(lr(), { C: [1, 2] }, { nIter: 0 }).fit(bin.X, bin.y), /RandomizedSearchCV: hyper-parameter nIter must be a positive integer, got 0/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { scoring: 'f1_weighted' }).fit(bin.X, bin.y), /GridSearchCV: scoring: unknown scorer "f1_weighted"; expected one of accuracy, r2/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }).fit(bin.X, bin.y.slice(1)), /GridSearchCV: X has 180 samples and y has 179/);
  await assert.rejects(new GridSearchCV({} as never, { C: [1] }).fit(bin.X, bin.y), /GridSearchCV: hyper-parameter estimator must be an estimator/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { cv: [[[0, 1], [7, 200]]] }).fit(bin.X, bin.y), /GridSearchCV: cv: split 0 test index 200 is outside the 180 samples/);
  assert.throws(() => new GridSearchCV(lr(), { C: [1] }, { nJob: 2 } as never), /GridSearchCV: unknown hyper-parameter "nJob"/);
});

// ---------------- conformance ----------------


test('GridSearchCV searches any estimator with the contract, registered or not, in-process', async () => {
  const s = await new GridSearchCV(new Shift(), { by: [3, 0, -1] }, { cv: 3, scoring: 'neg_mean_squared_error' }).fit(reg.X, reg.y);
  assert.deepEqual(s.bestParams_, { by: 0 });
  assert.ok((s.bestEstimator_ as Shift).mean_! > 0);
});

const Xc = reg.X.slice(0, 60);
const yc = reg.y.slice(0, 60);
checkEstimator('GridSearchCV', {
  make: () => new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: 3, scoring: 'neg_mean_squared_error' }),
  paramToChange: ['cv', 4],
  invalidParam: ['errorScore', 'ignore'],
  X: Xc,
  y: yc,
  fittedState: (e) => ({ scores: scoreColumns(e.cvResults_!), best: e.bestParams_, coef: Array.from((e.bestEstimator_ as LinearRegression).coef_!) }),
  fittedMethods: ['predict', 'score'],
});

checkEstimator('RandomizedSearchCV', {
  make: () => new RandomizedSearchCV(new LogisticRegression({ tol: 1e-8 }), { C: stats.loguniform(0.01, 10) }, { nIter: 3, randomState: 1, cv: 3 }),
  paramToChange: ['nIter', 4],
  invalidParam: ['nIter', 0],
  X: bin.X,
  y: bin.y,
  fittedState: (e) => ({ scores: scoreColumns(e.cvResults_!), best: e.bestParams_ }),
  fittedMethods: ['predict', 'predictProba', 'score'],
});

test('GridSearchCV getParams/clone: the estimator is copied, not shared; new GridSearchCV(getParams()) equals the original', () => {
  const est = new LogisticRegression({ C: 2 });
  const s = new GridSearchCV(est, { C: [1, 2] }, { cv: 3, scoring: 'accuracy' });
  const p = s.getParams();
  assert.notEqual(p.estimator, est);
  assert.deepEqual(p.estimator.getParams(), est.getParams());
  (p.paramGrid as { C: number[] }).C.push(3);
  assert.deepEqual((s.getParams().paramGrid as { C: number[] }).C, [1, 2], 'getParams copies the grid');
  const k = s.clone();
  assert.ok(k instanceof GridSearchCV);
  k.getParams().estimator.setParams({ C: 9 });
  k.setParams({ scoring: 'roc_auc' });
  assert.equal(s.getParams().scoring, 'accuracy');
  assert.equal(s.getParams().estimator.getParams().C, 2);
});

// ---------------- fit parameters and several metrics ----------------

/** Records the options each fit got (a per-sample `tag` and a shared `note`). */
class Recorder extends BaseEstimator<{ by: number }> {
  static seen: Array<{ n: number; tag?: number[]; note?: unknown; sampleWeight?: number[] }> = [];
  mean_?: number;
  constructor(p: Partial<{ by: number }> = {}) { super({ by: 0 }, p); }
  get isFitted(): boolean { return this.mean_ !== undefined; }
  async fit(_X: unknown, y: ArrayLike<number>, o: { tag?: ArrayLike<number>; note?: unknown; sampleWeight?: ArrayLike<number> } = {}): Promise<this> {
    Recorder.seen.push({ n: y.length, tag: o.tag && Array.from(o.tag), note: o.note, sampleWeight: o.sampleWeight && Array.from(o.sampleWeight) });
    this.mean_ = Array.from(y).reduce((a, b) => a + b, 0) / y.length + this.params.by;
    return this;
  }
  predict(X: { shape: readonly number[] }): Float64Array { return new Float64Array(X.shape[0]).fill(this.mean_!); }
}

test('fit parameters: per-sample ones are cut by each split\'s training rows, the rest passed unchanged; the refit gets every row', async () => {
  Recorder.seen = [];
  const n = 12;
  const X = Array.from({ length: n }, (_, i) => [i]);
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const tag = Array.from({ length: n }, (_, i) => 100 + i);
  await new GridSearchCV(new Recorder(), { by: [0] }, { cv: new KFold({ nSplits: 3 }), scoring: 'r2' }).fit(X, y, { tag, note: ['a', 'b'], sampleWeight: new Float64Array(n).fill(2) });
  assert.equal(Recorder.seen.length, 4, '3 splits and the refit');
  for (let k = 0; k < 3; k++) {
    const train = tag.filter((_, i) => Math.floor(i / 4) !== k);
    assert.deepEqual(Recorder.seen[k].tag, train, `split ${k}: the training rows' tags`);
    assert.deepEqual(Recorder.seen[k].sampleWeight, train.map(() => 2));
    assert.deepEqual(Recorder.seen[k].note, ['a', 'b'], 'a value that is not per-sample goes to every fit');
  }
  assert.deepEqual(Recorder.seen[3].tag, tag, 'the refit: every row');
});

test('a weighted search: the refit equals a weighted fit on all the data; null weights are none', async () => {
  const c = ref.cases.weighted_logreg_default_kfold5;
  const w = ref.weights.clf;
  const s = await new GridSearchCV(estimatorOf(c), c.grid, { cv: new KFold({ nSplits: 5 }) }).fit(bin.X, bin.y, { sampleWeight: w });
  const direct = await (estimatorOf(c) as unknown as LogisticRegression).setParams(s.bestParams_!).fit(bin.X, bin.y, { sampleWeight: w });
  assertRelClose((s.bestEstimator_ as LogisticRegression).coef_!.data, direct.coef_!.data, 1e-9, 'coef_');
  // null and undefined weights are no weights
  const plain = await new GridSearchCV(estimatorOf(c), c.grid, { cv: 3 }).fit(bin.X, bin.y, { sampleWeight: null });
  const none = await new GridSearchCV(estimatorOf(c), c.grid, { cv: 3 }).fit(bin.X, bin.y);
  assert.deepEqual(scoreColumns(plain.cvResults_!), scoreColumns(none.cvResults_!));
});

test('fit parameters and several metrics: bad input names what is wrong', async () => {
  const lr = () => new LogisticRegression();
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }).fit(bin.X, bin.y, { sampleWeight: [1, 2] }), /GridSearchCV: sampleWeight: expected 180 weights \(one per sample\), got 2/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }).fit(bin.X, bin.y, { sampleWeight: bin.y.map(() => -1) }), /GridSearchCV: sampleWeight: expected non-negative weights, got -1 at index 0/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { scoring: ['accuracy', 'neg_log_loss'] }).fit(bin.X, bin.y),
    /GridSearchCV: hyper-parameter refit must be for multi-metric scoring, the name of a metric \("accuracy", "neg_log_loss"\), a function of cvResults_ or false, got true/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { scoring: ['accuracy', 'nope'], refit: 'accuracy' }).fit(bin.X, bin.y), /GridSearchCV: scoring: unknown scorer "nope"/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { scoring: ['accuracy', 'accuracy'], refit: false }).fit(bin.X, bin.y), /GridSearchCV: scoring: the list names a metric twice/);
  await assert.rejects(new GridSearchCV(lr(), { C: [1] }, { scoring: 'accuracy', refit: 'accuracy' }).fit(bin.X, bin.y), /GridSearchCV: hyper-parameter refit must be a boolean or a function of cvResults_ \(a metric name only with several metrics\)/);
});

test('several metrics: a record of functions in-process; refit false keeps no best candidate; a function refit picks the index', async () => {
  const accuracy = getScorer('accuracy');
  const byHand: Scorer = (e, X, y) => 1 - (accuracy(e, X, y) as number);
  const s = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [0.01, 1] }, { cv: 3, scoring: { acc: accuracy, err: byHand }, refit: 'err' }).fit(bin.X, bin.y);
  const cv = s.cvResults_!;
  assertRelClose((cv.mean_test_err as number[]).map((v) => 1 - v), cv.mean_test_acc as number[], 1e-12, 'err = 1 − acc per candidate');
  assert.equal(s.bestIndex_, (cv.rank_test_err as number[]).indexOf(1));
  assert.equal(s.bestScore_, (cv.mean_test_err as number[])[s.bestIndex_!]);
  assert.equal(await s.score(bin.X, bin.y), byHand(s.bestEstimator_, { data: Float64Array.from(bin.X.flat()), shape: [180, 3] }, Float64Array.from(bin.y)), 'score uses the refit metric');
  assert.equal(cv.mean_test_score, undefined, 'no single-metric columns');
  const none = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [0.01, 1] }, { cv: 3, scoring: ['accuracy', 'roc_auc'], refit: false }).fit(bin.X, bin.y);
  assert.equal(none.bestIndex_, undefined);
  assert.equal(none.bestParams_, undefined);
  assert.throws(() => none.predict(bin.X), NotFittedError);
  const picked = await new GridSearchCV(new LogisticRegression({ tol: 1e-10 }), { C: [0.01, 1] }, { cv: 3, scoring: ['accuracy', 'roc_auc'], refit: (r) => (r.rank_test_roc_auc as number[]).indexOf(2) }).fit(bin.X, bin.y);
  assert.equal(picked.bestIndex_, (picked.cvResults_!.rank_test_roc_auc as number[]).indexOf(2));
  assert.equal(picked.bestScore_, undefined);
});
