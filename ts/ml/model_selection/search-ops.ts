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
import type { ScoreOptions, Scorer, Targets } from './scoring.js';
import { takeRows, type Split } from './split.js';

/** The outcome of one fit-and-score; a failure is data (the search decides whether it raises). */
export interface FoldResult {
  ok: boolean;
  /** one score per scorer of the search, in its order */
  testScores: number[];
  trainScores: number[];
  /** seconds */
  fitTime: number;
  scoreTime: number;
  /** the worker that ran it, or 'client' for the in-process search */
  worker: string;
  errorType?: string;
  message?: string;
  stack?: string;
}

/** Fit parameters of a search: per-sample ones (a length-n vector or an n-row matrix) are cut by the split's rows, the rest passed as they are. */
export type FitParams = Record<string, unknown>;

type Fittable = BaseEstimator<Params> & { fit(X: Matrix, y?: unknown, options?: FitParams): Promise<unknown> };

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

/**
 * Whether a fit parameter holds one entry per sample, as scikit-learn's
 * `_check_method_params`: an array (typed or not) of length n, or a matrix
 * `{ data, shape }` of n rows. Anything else goes to every fit unchanged.
 */
export function isPerSample(v: unknown, n: number): boolean {
  if (Array.isArray(v)) return v.length === n;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as unknown as ArrayLike<number>).length === n;
  if (v !== null && typeof v === 'object' && ArrayBuffer.isView((v as Matrix).data) && Array.isArray((v as Matrix).shape)) return (v as Matrix).shape[0] === n;
  return false;
}

/** The fit parameters of the rows `idx`: per-sample entries cut, the rest shared (scikit-learn's `_check_method_params(X, params, indices)`). */
export function fitParamsOf(params: FitParams | null, n: number, idx: Int32Array): FitParams | null {
  if (params === null) return null;
  const out: FitParams = {};
  for (const [k, v] of Object.entries(params)) {
    if (!isPerSample(v, n)) out[k] = v;
    else if (Array.isArray(v)) out[k] = Array.from(idx, (i) => v[i]);
    else if (ArrayBuffer.isView(v)) {
      const a = v as unknown as Float64Array;
      const c = new (a.constructor as Float64ArrayConstructor)(idx.length);
      for (let i = 0; i < idx.length; i++) c[i] = a[idx[i]];
      out[k] = c;
    } else out[k] = rowsOf(v as Matrix, idx);
  }
  return out;
}

/** The sample weights a scorer gets: the fit's `sampleWeight` for the scored rows (scikit-learn ≥ 1.4 forwards `sample_weight` to scorers that take it). */
function scoreOptions(params: FitParams | null): ScoreOptions {
  const w = params?.sampleWeight;
  if (w === undefined || w === null) return {};
  return { sampleWeight: w instanceof Float64Array ? w : Float64Array.from(w as ArrayLike<number>) };
}

/** Scores a fitted estimator with every scorer of the search (null: its own `score`). */
async function scoreAll(est: unknown, scorers: (Scorer | null)[], X: Matrix, y: Targets | null, options: ScoreOptions): Promise<number[]> {
  const out: number[] = [];
  for (const s of scorers) out.push(Number(await (s === null ? ownScore(est, X, y, options) : s(est, X, y as Targets, options))));
  return out;
}

/**
 * Fits `make()` on the split's train rows (with their share of `fitParams`)
 * and scores it on its test rows (and train rows, with `returnTrain`) with
 * every scorer; a `sampleWeight` fit parameter weights the scores too.
 */
export async function fitAndScore(make: () => BaseEstimator<Params>, X: Matrix, y: Targets | null, [train, test]: Split, scorers: (Scorer | null)[], returnTrain: boolean, worker: string, fitParams: FitParams | null = null): Promise<FoldResult> {
  const n = X.shape[0];
  const start = performance.now();
  let fitTime = 0;
  try {
    const est = make() as Fittable;
    const Xtr = rowsOf(X, train);
    const ytr = targetsOf(y, train);
    const ptr = fitParamsOf(fitParams, n, train);
    await (ptr === null ? (ytr === null ? est.fit(Xtr) : est.fit(Xtr, ytr)) : est.fit(Xtr, ytr ?? undefined, ptr));
    fitTime = (performance.now() - start) / 1000;
    const s0 = performance.now();
    // Scores use only the weights: the other per-sample fit parameters are not cut for the test rows.
    const testWeights = fitParams?.sampleWeight == null ? null : fitParamsOf({ sampleWeight: fitParams.sampleWeight }, n, test);
    const testScores = await scoreAll(est, scorers, rowsOf(X, test), targetsOf(y, test), scoreOptions(testWeights));
    const scoreTime = (performance.now() - s0) / 1000;
    const trainScores = returnTrain ? await scoreAll(est, scorers, Xtr, ytr, scoreOptions(ptr)) : scorers.map(() => NaN);
    return { ok: true, testScores, trainScores, fitTime, scoreTime, worker };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (fitTime === 0) fitTime = (performance.now() - start) / 1000;
    return { ok: false, testScores: scorers.map(() => NaN), trainScores: scorers.map(() => NaN), fitTime, scoreTime: 0, worker, errorType: e.name, message: e.message, stack: e.stack ?? '' };
  }
}

/**
 * `ml.search.fitScore(X, y, splits, split, estimatorName, params, scoring, returnTrain, fitParams)`:
 * X, y, splits and fitParams are the scattered keys' values; `scoring` a list
 * of scorer names, null entries for the estimator's own score.
 */
export async function fitScoreOp(X: Matrix, y: Targets | null, splits: Split[], split: number, estimatorName: string, params: Params, scoring: (string | null)[], returnTrain: boolean, fitParams: FitParams | null = null): Promise<FoldResult> {
  const worker = opContext().workerId;
  const [{ makeEstimator }, { getScorer }] = await Promise.all([import('../registry.js'), import('./scoring.js')]);
  let scorers: (Scorer | null)[];
  try {
    scorers = scoring.map((s) => (s === null ? null : getScorer(s)));
  } catch (err) {
    const e = err as Error;
    return { ok: false, testScores: scoring.map(() => NaN), trainScores: scoring.map(() => NaN), fitTime: 0, scoreTime: 0, worker, errorType: e.name, message: e.message, stack: e.stack ?? '' };
  }
  return fitAndScore(() => makeEstimator(estimatorName, params), X, y, splits[split], scorers, returnTrain, worker, fitParams);
}

/** The estimator's own `score` (scikit-learn's default when `scoring` is None). */
async function ownScore(est: any, X: Matrix, y: Targets | null, options: ScoreOptions): Promise<number> {
  if (typeof est.score !== 'function') throw new TypeError(`scoring: ${est.constructor.name} has no score method; pass a scoring name`);
  return options.sampleWeight === undefined ? est.score(X, y ?? undefined) : est.score(X, y ?? undefined, options);
}

registerOp('ml.search.fitScore', fitScoreOp);
