/**
 * The work of one candidate on one split — fit on the train rows, score on
 * the test rows — as a plain function (the in-process search calls it) and
 * as the op `ml.search.fitScore` (the cluster search's tasks). The op rebuilds
 * the estimator from the registry by name and hyper-parameters and reads X, y
 * and the splits from keys scattered once to every worker.
 *
 * The registry and the scorers are imported when the first search task runs:
 * they load the estimators and, through them, most of shoal, which a task
 * thread that never runs a search should not pay for at start-up.
 */
import { opContext, registerOp } from '../../actors/ops.js';
import type { BaseEstimator, Params } from '../base.js';
import type { Matrix } from '../validation.js';
import type { Scorer, Targets } from './scoring.js';
import { takeRows, type Split } from './split.js';

/** The outcome of one fit-and-score; a failure is data (the search decides whether it raises). */
export interface FoldResult {
  ok: boolean;
  testScore: number;
  trainScore: number;
  /** seconds */
  fitTime: number;
  scoreTime: number;
  /** the worker that ran it, or 'client' for the in-process search */
  worker: string;
  errorType?: string;
  message?: string;
  stack?: string;
}

type Fittable = BaseEstimator<Params> & { fit(X: Matrix, y?: unknown): Promise<unknown> };

function rowsOf(X: Matrix, idx: Int32Array): Matrix {
  const cols = X.shape[1];
  const m: Matrix = { data: takeRows(X.data, cols, idx), shape: [idx.length, cols] };
  if (X.columns !== undefined) m.columns = X.columns;
  return m;
}

function targetsOf(y: Targets | null, idx: Int32Array): Targets | null {
  if (y === null) return null;
  if (y instanceof Float64Array) return takeRows(y, 1, idx);
  return Array.from(idx, (i) => y[i]);
}

/** Fits `make()` on the split's train rows and scores it on its test rows (and train rows, with `returnTrain`). */
export async function fitAndScore(make: () => BaseEstimator<Params>, X: Matrix, y: Targets | null, [train, test]: Split, scorer: Scorer | null, returnTrain: boolean, worker: string): Promise<FoldResult> {
  const score = (e: unknown, Xs: Matrix, ys: Targets | null) => scorer === null ? ownScore(e, Xs, ys) : scorer(e, Xs, ys as Targets);
  const start = performance.now();
  let fitTime = 0;
  try {
    const est = make() as Fittable;
    const Xtr = rowsOf(X, train);
    const ytr = targetsOf(y, train);
    await (ytr === null ? est.fit(Xtr) : est.fit(Xtr, ytr));
    fitTime = (performance.now() - start) / 1000;
    const s0 = performance.now();
    const testScore = Number(await score(est, rowsOf(X, test), targetsOf(y, test)));
    const scoreTime = (performance.now() - s0) / 1000;
    const trainScore = returnTrain ? Number(await score(est, Xtr, ytr)) : NaN;
    return { ok: true, testScore, trainScore, fitTime, scoreTime, worker };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (fitTime === 0) fitTime = (performance.now() - start) / 1000;
    return { ok: false, testScore: NaN, trainScore: NaN, fitTime, scoreTime: 0, worker, errorType: e.name, message: e.message, stack: e.stack ?? '' };
  }
}

/**
 * `ml.search.fitScore(X, y, splits, split, estimatorName, params, scoring, returnTrain)`:
 * X, y and splits are the scattered keys' values; `scoring` a scorer name, or
 * null for the estimator's own score.
 */
export async function fitScoreOp(X: Matrix, y: Targets | null, splits: Split[], split: number, estimatorName: string, params: Params, scoring: string | null, returnTrain: boolean): Promise<FoldResult> {
  const worker = opContext().workerId;
  const [{ makeEstimator }, { getScorer }] = await Promise.all([import('../registry.js'), import('./scoring.js')]);
  let scorer: Scorer | null = null;
  try {
    if (scoring !== null) scorer = getScorer(scoring);
  } catch (err) {
    const e = err as Error;
    return { ok: false, testScore: NaN, trainScore: NaN, fitTime: 0, scoreTime: 0, worker, errorType: e.name, message: e.message, stack: e.stack ?? '' };
  }
  return fitAndScore(() => makeEstimator(estimatorName, params), X, y, splits[split], scorer, returnTrain, worker);
}

/** The estimator's own `score` (scikit-learn's default when `scoring` is None). */
async function ownScore(est: any, X: Matrix, y: Targets | null): Promise<number> {
  if (typeof est.score !== 'function') throw new TypeError(`scoring: ${est.constructor.name} has no score method; pass a scoring name`);
  return est.score(X, y ?? undefined);
}

registerOp('ml.search.fitScore', fitScoreOp);
