import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { SGDClassifier } from '../linear_model/sgd.js';
import { LinearRegression } from '../linear_model/linear-regression.js';
import { sk } from '../testdata.js';
import { HyperbandSearchCV, SuccessiveHalvingSearchCV, type HistoryRecord } from './hyperband.js';
import { loguniform, stats } from './param-grid.js';
import { BaseEstimator } from '../base.js';
import { registerEstimator, type EstimatorClass } from '../registry.js';
import { checkEstimator } from '../testing/conformance.js';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../ts/ml/testdata/hyperband.json', import.meta.url)), 'utf8'));
const X: number[][] = sk.glm.X;
const y: number[] = sk.glm.y_multi;
const space = { alpha: loguniform(1e-5, 1), loss: ['hinge', 'log_loss'] };

for (const c of ref.hyperband) {
  test(`HyperbandSearchCV maxIter=${c.max_iter}, aggressiveness=${c.aggressiveness}: Dask-ML's brackets, models, decisions and partial fit calls`, async () => {
    const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: c.max_iter, aggressiveness: c.aggressiveness, scheduler: 'local' }).fit(X, y);
    const m = search.metadata_!;
    assert.equal(m.nModels, c.n_models);
    assert.equal(m.partialFitCalls, c.partial_fit_calls);
    assert.deepEqual(m.brackets.map((b) => [b.bracket, b.nModels, b.partialFitCalls, b.decisions]),
      c.brackets.map((b: { bracket: number; n_models: number; partial_fit_calls: number; decisions: number[] }) => [b.bracket, b.n_models, b.partial_fit_calls, b.decisions]));
  });
}

for (const c of ref.successive_halving) {
  test(`SuccessiveHalvingSearchCV n=${c.n_initial_parameters}, r=${c.n_initial_iter}, maxIter=${c.max_iter}: Dask-ML's partial fit calls`, async () => {
    const search = await new SuccessiveHalvingSearchCV(new SGDClassifier({ shuffle: false }), space, {
      nInitialParameters: c.n_initial_parameters, nInitialIter: c.n_initial_iter, maxIter: c.max_iter, aggressiveness: c.aggressiveness, scheduler: 'local',
    }).fit(X, y);
    assert.equal(search.metadata_!.nModels, c.n_models);
    assert.equal(search.metadata_!.partialFitCalls, c.partial_fit_calls);
  });
}

test('the best model is the best-scored one, its score is its test score, and it was trained the most in its bracket', async () => {
  const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 27, scheduler: 'local', randomState: 1 }).fit(X, y);
  const r = search.cvResults_!;
  const scores = r.test_score as number[];
  assert.equal(search.bestScore_, Math.max(...scores));
  assert.equal((r.rank_test_score as number[])[search.bestIndex_!], 1);
  assert.deepEqual(search.bestParams_, (r.params as object[])[search.bestIndex_!]);
  assert.ok(search.bestScore_! > 0.7, `best accuracy ${search.bestScore_}`);
  // ranks agree with scores
  const order = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  assert.equal((r.rank_test_score as number[])[order[0][1]], 1);
  assert.ok(Array.isArray(search.predict(X)) || ArrayBuffer.isView(search.predict(X)));
  // the same seed, the same search
  const again = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 27, scheduler: 'local', randomState: 1 }).fit(X, y);
  assert.deepEqual(again.cvResults_!.test_score, r.test_score);
});

test('incremental searches name bad input', async () => {
  await assert.rejects(new HyperbandSearchCV(new LinearRegression() as never, space).fit(X, y), /estimator must be an estimator with partialFit, got "LinearRegression"/);
  await assert.rejects(new HyperbandSearchCV(new SGDClassifier(), space, { aggressiveness: 1 }).fit(X, y), /aggressiveness must be a number > 1/);
  await assert.rejects(new HyperbandSearchCV(new SGDClassifier(), { nope: [1, 2] }, { maxIter: 3, scheduler: 'local' }).fit(X, y), /nope/);
  await assert.rejects(new SuccessiveHalvingSearchCV(new SGDClassifier(), space, { nInitialParameters: 0 }).fit(X, y), /nInitialParameters must be an integer ≥ 1/);
});

checkEstimator('HyperbandSearchCV', {
  make: () => new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 3, scheduler: 'local' }),
  paramToChange: ['maxIter', 9],
  invalidParam: ['aggressiveness', 0],
  X,
  y,
  fittedState: (e) => e.cvResults_!.test_score,
  fittedMethods: ['predict'],
});

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('on a cluster every partial fit call is a task; in-memory data gives the same search as on this thread', async () => {
  const local = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, scheduler: 'local', randomState: 2 }).fit(X, y);
  const remote = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, scheduler: client, randomState: 2 }).fit(X, y);
  assert.deepEqual(remote.cvResults_!.test_score, local.cvResults_!.test_score);
  assert.deepEqual(remote.bestParams_, local.bestParams_);
  assert.deepEqual(remote.metadata_, local.metadata_);
});

test('HyperbandSearchCV on chunked Arrays: block-wise training on the workers, a test part held in memory', async () => {
  const XA = fromArray(Float64Array.from(X.flat()), { shape: [400, 4], chunks: 100 });
  const yA = fromArray(Float64Array.from(y), { shape: [400], chunks: 100 });
  const search = await new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, aggressiveness: 2, randomState: 3 }).fit(XA, yA);
  const expected = ref.hyperband.find((h: { max_iter: number }) => h.max_iter === 9);
  assert.deepEqual([search.metadata_!.nModels, search.metadata_!.partialFitCalls], [expected.n_models, expected.partial_fit_calls], JSON.stringify(search.metadata_));
  assert.ok(search.bestScore_! > 0.6, `best accuracy ${search.bestScore_}`);
  assert.deepEqual((search.bestEstimator_ as SGDClassifier).classes_, [0, 1, 2]);
});

// ---------------- patience, tol and history_ against Dask-ML's real runs ----------------

/** scripts/reference/hyperband_reference.py's Curve: (1 + plateau/100)·min(calls, plateau)/plateau·height, whatever the data. */
class Curve extends BaseEstimator<{ plateau: number; height: number }> {
  calls_?: number;
  constructor(p: Partial<{ plateau: number; height: number }> = {}) { super({ plateau: 4, height: 1 }, p); }
  get isFitted(): boolean { return this.calls_ !== undefined; }
  async partialFit(): Promise<this> { this.calls_ = (this.calls_ ?? 0) + 1; return this; }
  score(): number { return (1 + this.params.plateau / 100) * Math.min(this.calls_!, this.params.plateau) / this.params.plateau * this.params.height; }
}
registerEstimator('HyperbandTestCurve', Curve as unknown as EstimatorClass, 'regressor');

interface RunBracket { bracket: number; n_models: number; partial_fit_calls: number; decisions: number[] | null; calls: number[]; record_calls: number[] }
interface Run {
  kind: 'hyperband' | 'successive_halving'; max_iter: number; aggressiveness: number; patience: boolean | number; tol: number | null;
  plateau?: number; plateaus?: number[]; n_initial_parameters?: number; n_initial_iter?: number;
  n_models: number; partial_fit_calls: number; brackets: RunBracket[]; history_keys: string[];
  models?: Array<{ plateau: number; partial_fit_calls: number; history: [number, number][] }>;
}
const Xz = Array.from({ length: 200 }, () => [0, 0]);
const yz = new Float64Array(200);
const sorted = (v: number[]) => [...v].sort((a, b) => a - b);

for (const run of ref.runs as Run[]) {
  const what = run.kind === 'hyperband'
    ? `HyperbandSearchCV maxIter=${run.max_iter}, aggressiveness=${run.aggressiveness}, patience=${run.patience}, tol=${run.tol}`
    : `SuccessiveHalvingSearchCV n=${run.n_initial_parameters}, r=${run.n_initial_iter}, maxIter=${run.max_iter}, aggressiveness=${run.aggressiveness}, patience=${run.patience}, tol=${run.tol}`;
  test(`${what}: Dask-ML's decisions, partial fit calls and history_`, async () => {
    const common = { maxIter: run.max_iter, aggressiveness: run.aggressiveness, patience: run.patience, tol: run.tol, scheduler: 'local' as const };
    const search = run.kind === 'hyperband'
      ? await new HyperbandSearchCV(new Curve({ plateau: run.plateau }) as never, { height: stats.uniform(0.5, 1) }, common).fit(Xz, yz)
      : await new SuccessiveHalvingSearchCV(new Curve() as never, { plateau: run.plateaus! }, { ...common, nInitialParameters: run.n_initial_parameters!, nInitialIter: run.n_initial_iter! }).fit(Xz, yz);
    const m = search.metadata_!;
    assert.equal(m.nModels, run.n_models);
    assert.equal(m.partialFitCalls, run.partial_fit_calls);
    const hist = search.history_!;
    for (const b of run.brackets) {
      const mine = m.brackets.find((x) => x.bracket === b.bracket)!;
      const ids = new Set((search.cvResults_!.model_id as number[]).filter((_, i) => (search.cvResults_!.bracket as number[])[i] === b.bracket));
      assert.equal(mine.nModels, b.n_models, `bracket ${b.bracket}: models`);
      assert.equal(mine.partialFitCalls, b.partial_fit_calls, `bracket ${b.bracket}: partial fit calls`);
      if (b.decisions !== null) assert.deepEqual(mine.decisions, b.decisions, `bracket ${b.bracket}: decisions`);
      assert.deepEqual(sorted((search.cvResults_!.partial_fit_calls as number[]).filter((_, i) => ids.has((search.cvResults_!.model_id as number[])[i]))), b.calls, `bracket ${b.bracket}: calls per model`);
      assert.deepEqual(sorted(hist.filter((r) => r.bracket === b.bracket).map((r) => r.partial_fit_calls)), b.record_calls, `bracket ${b.bracket}: history_ records`);
    }
    // every model by its parameters: its calls and every score it got, as Dask-ML
    for (const want of run.models ?? []) {
      const id = (search.cvResults_!.params as Array<{ plateau: number }>).findIndex((p) => p.plateau === want.plateau);
      assert.equal((search.cvResults_!.partial_fit_calls as number[])[id], want.partial_fit_calls, `plateau ${want.plateau}: calls`);
      assert.deepEqual(search.modelHistory_![id].map((r) => [r.partial_fit_calls, r.score]), want.history, `plateau ${want.plateau}: history`);
    }
    // Dask-ML's keys (its successive halving records have no bracket; shoal's say bracket 0)
    assert.deepEqual(Object.keys(hist[0]).filter((k) => run.history_keys.includes('bracket') || k !== 'bracket').sort(), run.history_keys, 'history_ records carry Dask-ML\'s keys');
    const times = hist.map((r) => r.elapsed_wall_time);
    assert.deepEqual(times, sorted(times), 'history_ in time order');
    assert.deepEqual(search.cvResults_!.test_score, (search.cvResults_!.model_id as number[]).map((id) => search.modelHistory_![id].at(-1)!.score), 'test_score is each model\'s last score');
  });
}

test('patience and tol: checked at the call as Dask-ML checks them', async () => {
  const hb = (o: object) => new HyperbandSearchCV(new Curve() as never, { height: stats.uniform(0.5, 1) }, { scheduler: 'local', ...o });
  await assert.rejects(hb({ maxIter: 3, patience: true }).fit(Xz, yz), /HyperbandSearchCV: patience=1 ≤ 1 would always detect a plateau; set patience ≥ 2/);
  await assert.rejects(hb({ patience: 2.5 }).fit(Xz, yz), /HyperbandSearchCV: hyper-parameter patience must be a boolean or an integer ≥ 2, got 2.5/);
  await assert.rejects(hb({ tol: 'x' }).fit(Xz, yz), /hyper-parameter tol must be a number or null/);
  await assert.rejects(hb({}).fit(Xz, yz, { sampleWeight: new Float64Array(200) }), /HyperbandSearchCV: fit parameters \(sampleWeight\) are not supported yet/);
  await assert.rejects(new SuccessiveHalvingSearchCV(new Curve() as never, { plateau: [1, 2] }, { patience: true, scheduler: 'local' }).fit(Xz, yz), /SuccessiveHalvingSearchCV: hyper-parameter patience must be an integer ≥ 2 or false, got true/);
  let warned: Error | undefined;
  const on = (w: Error) => { warned ??= w; };
  process.on('warning', on);
  try {
    await hb({ maxIter: 27, patience: 3 }).fit(Xz, yz);
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
  }
  assert.match(warned!.message, /patience=3 is below 9 = maxIter \/ aggressiveness/);
});

test('with patience on a cluster: the same decisions, scores and history_ as on this thread', async () => {
  const make = (scheduler: Client | 'local') => new HyperbandSearchCV(new SGDClassifier({ shuffle: false }), space, { maxIter: 9, patience: true, tol: 0.01, scheduler, randomState: 2 });
  const local = await make('local').fit(X, y);
  const remote = await make(client).fit(X, y);
  assert.deepEqual(remote.metadata_, local.metadata_);
  assert.deepEqual(remote.cvResults_!.test_score, local.cvResults_!.test_score);
  const strip = (h: HistoryRecord[]) => h.map((r) => [r.model_id, r.partial_fit_calls, r.score]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(strip(remote.history_!), strip(local.history_!));
});
