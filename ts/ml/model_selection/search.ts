/**
 * Hyper-parameter search by cross-validation, as scikit-learn's and Dask-ML's
 * GridSearchCV and RandomizedSearchCV.
 *
 * Every candidate is fitted and scored on every split. With a shoal Client
 * (the active one, or `scheduler: client`) each candidate × split is one task
 * on the cluster: X, y and the splits are scattered once to every worker
 * (`broadcast`), and each task names the op `ml.search.fitScore` with the
 * estimator's registered class name and hyper-parameters (no code travels;
 * see `registerEstimator`), the split number and a scorer name. Without a
 * client (or with `scheduler: 'local'`) the same fits run one after another on
 * this thread. Either way `cvResults_` has scikit-learn's columns, with its
 * candidate order, means, standard deviations and ranks.
 *
 * @example
 * const search = await new GridSearchCV(new LogisticRegression(), { C: [0.01, 0.1, 1, 10] }, { scoring: 'neg_log_loss' }).fit(X, y);
 * search.bestParams_;              // { C: 1 }
 * search.cvResults_.mean_test_score;
 * search.predict(Xnew);            // the best candidate, refitted on all of X
 */
import { Client, getClient } from '../../actors/client.js';
// the in-process search runs estimators whose in-memory paths call ops on this thread
import '../../actors/core-ops.js';
import '../ops.js';
import type { Future } from '../../actors/future.js';
import { BaseEstimator, checkParam, type Params } from '../base.js';
import { DataFrame, ShoalArray } from '../collections-bridge.js';
import { NotFittedError } from '../errors.js';
import { estimatorKind, registerEstimator, registeredName, type EstimatorClass } from '../registry.js';
import { checkSampleWeight } from '../sample-weight.js';
import { checkFinite, toMatrix, toVector, type Matrix, type MatrixLike } from '../validation.js';
import { checkSpace, copySpace, expandGrid, isPlainObject, sampleCandidates, type Distribution, type ParamDistributions, type ParamGrid } from './param-grid.js';
import { fitAndScore, type FitParams, type FoldResult } from './search-ops.js';
import { getScorer, scorerName, type Scorer, type Targets } from './scoring.js';
import { seededRandom, StratifiedKFold, KFold, type Split } from './split.js';

/** A cross-validation splitter: `split(nSamples)` (StratifiedKFold: `split(y)`) yields [train, test] index pairs. */
export interface CvSplitter {
  split(nSamplesOrY: any): Iterable<[ArrayLike<number>, ArrayLike<number>]>;
}

/** What both searches take besides the estimator and the candidates. */
export interface SearchOptions {
  /**
   * a scorer name ('accuracy', 'r2', 'neg_mean_squared_error', 'neg_mean_absolute_error', 'neg_root_mean_squared_error', 'neg_log_loss', 'roc_auc' or one registered), a function `(est, X, y, { sampleWeight }) => number`, or null: the estimator's own `score`;
   * several metrics: a list of names or a record `{ name: scorer name or function }` (`cvResults_` then has `mean_test_<name>`…, and `refit` names the metric that picks the best candidate)
   */
  scoring: string | Scorer | null | readonly string[] | Readonly<Record<string, string | Scorer>>;
  /** the number of folds (StratifiedKFold for a classifier, else KFold, unshuffled), a splitter, or a list of [train, test] index pairs */
  cv: number | CvSplitter | Iterable<[ArrayLike<number>, ArrayLike<number>]>;
  /** refit the best candidate on all the data (`bestEstimator_`); with several metrics, the name of the one that picks the best (or false); or a function of `cvResults_` returning the best index */
  refit: boolean | string | ((cvResults: CvResults) => number);
  /** on the cluster, the most candidate × split tasks in flight at once (null or -1: all); in-process fits run one at a time */
  nJobs: number | null;
  returnTrainScore: boolean;
  /** 'raise': a failing fit fails the search, naming the candidate; a number: the failing split scores that and the rest go on */
  errorScore: 'raise' | number;
  /** where the fits run: a Client, 'local' (this thread), or null: the active client if there is one, else this thread (Dask-ML's `scheduler`) */
  scheduler: Client | 'local' | null;
}

export interface GridSearchCVParams extends SearchOptions, Record<string, unknown> {
  estimator: BaseEstimator<Params>;
  paramGrid: ParamGrid | ParamGrid[];
}

export interface RandomizedSearchCVParams extends SearchOptions, Record<string, unknown> {
  estimator: BaseEstimator<Params>;
  paramDistributions: ParamDistributions | ParamDistributions[];
  nIter: number;
  /** the seed of the candidate draws (shoal's generator, not NumPy's); null: a fresh one each fit */
  randomState: number | null;
}

/** scikit-learn's `cv_results_`: one entry per candidate in every column. */
export interface CvResults {
  mean_fit_time: number[];
  std_fit_time: number[];
  mean_score_time: number[];
  std_score_time: number[];
  params: Params[];
  /** with one metric (with several, `mean_test_<name>`, `std_test_<name>`, `rank_test_<name>` instead, and these are absent) */
  mean_test_score: number[];
  std_test_score: number[];
  rank_test_score: number[];
  mean_train_score?: number[];
  std_train_score?: number[];
  /** `param_<name>` (undefined where a candidate does not set it), `split<k>_test_score`, `split<k>_train_score` (several metrics: `split<k>_test_<name>`, …) */
  [column: string]: unknown[] | undefined;
}

/** A fit or score of one candidate on one split failed, with `errorScore: 'raise'`. */
export class FitFailedError extends Error {
  override name = 'FitFailedError';
  constructor(message: string, readonly params: Params, readonly split: number, readonly errorType: string, readonly remoteStack: string) {
    super(message);
  }
}

const SEARCH_DEFAULTS: SearchOptions = { scoring: null, cv: 5, refit: true, nJobs: null, returnTrainScore: false, errorScore: 'raise', scheduler: null };

type Fittable = BaseEstimator<Params> & { fit(X: unknown, y?: unknown, options?: FitParams): Promise<unknown> };

/** One metric of a search: its name in `cvResults_` ('score' alone), the function here (null: the estimator's own score), its name on the workers. */
interface ScorerSpec {
  name: string;
  scorer: Scorer | null;
}
type XInput = MatrixLike | ShoalArray | DataFrame;
type YInput = ArrayLike<number> | readonly string[] | { data: ArrayLike<number>; shape: readonly number[] } | ShoalArray | DataFrame;

/** `new Search(search.getParams())` as well as `new Search(estimator, space, options)`. */
function givenParams<P>(first: unknown, space: unknown, options: object, spaceName: string): Partial<P> {
  if (space === undefined && isPlainObject(first)) return first as Partial<P>;
  return { estimator: first, [spaceName]: space, ...options } as unknown as Partial<P>;
}

/** numpy's pairwise summation (np.sum / np.mean over a row), so means equal scikit-learn's to the bit and ties rank alike. */
function pairwiseSum(a: readonly number[], lo = 0, n = a.length): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[lo + i];
    return r;
  }
  if (n <= 128) {
    const r = a.slice(lo, lo + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[lo + i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[lo + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
}

function meanStd(row: readonly number[]): [number, number] {
  const m = pairwiseSum(row) / row.length;
  return [m, Math.sqrt(pairwiseSum(row.map((v) => (v - m) ** 2)) / row.length)];
}

/** scipy's rankdata(−means, 'min'), NaN (failed candidates) tied with the worst, as scikit-learn. */
function rankScores(means: readonly number[]): number[] {
  const finite = means.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return means.map(() => 1);
  const floor = Math.min(...finite) - 1;
  const v = means.map((x) => (Number.isNaN(x) ? floor : x));
  return v.map((x) => 1 + v.filter((o) => o > x).length);
}

/** The active client, or null where none runs (searches then fit on this thread). */
export function activeClient(): Client | null {
  try {
    return getClient();
  } catch {
    return null;
  }
}

abstract class BaseSearchCV<P extends SearchOptions & Record<string, unknown> & { estimator: BaseEstimator<Params> }> extends BaseEstimator<P> {
  cvResults_?: CvResults;
  bestIndex_?: number;
  /** the best candidate's mean test score (undefined when `refit` is a function) */
  bestScore_?: number;
  bestParams_?: Params;
  /** the best candidate refitted on all the data (with `refit`) */
  bestEstimator_?: BaseEstimator<Params>;
  nSplits_?: number;
  /** seconds the refit took */
  refitTime_?: number;
  /** where each candidate × split fit ran: a worker's id, or 'client' in-process */
  fitWorkers_?: string[][];

  get isFitted(): boolean { return this.cvResults_ !== undefined; }

  /** The hyper-parameters: the estimator as an unfitted clone, the candidate space copied (distributions shared). */
  override getParams(): P {
    const p = { ...this.params };
    const e = p.estimator as unknown as { clone?: () => unknown };
    if (e !== null && typeof e === 'object' && typeof e.clone === 'function') (p as Record<string, unknown>).estimator = e.clone();
    for (const k of ['paramGrid', 'paramDistributions']) if (k in p) (p as Record<string, unknown>)[k] = copySpace(p[k]);
    return p;
  }

  /** The candidates of this search, checked (names the estimator has). */
  protected abstract candidates(): Params[];

  protected checkNames(candidates: Params[], argName: string): void {
    const owner = this.constructor.name;
    const known = this.params.estimator.getParams();
    for (const c of candidates) {
      for (const k of Object.keys(c)) {
        if (!(k in known)) {
          throw new RangeError(`${owner}: ${argName} names hyper-parameter ${JSON.stringify(k)}, which ${this.params.estimator.constructor.name} does not have; expected one of ${Object.keys(known).join(', ')}`);
        }
      }
    }
  }

  /**
   * Fits every candidate on every split, then (with `refit`) the best one on
   * all of X. In-memory X and y, or shoal collections (brought into memory
   * first: every fit needs its rows in one place).
   *
   * `fitParams` go to every fit, as scikit-learn's `fit(X, y, **params)`:
   * an entry with one value per sample (`sampleWeight`, any array of n
   * entries or matrix of n rows) is cut by each split's training rows (the
   * refit gets all of it), the rest are passed unchanged. They travel to the
   * workers once, with X and y. `sampleWeight` also weights the split scores
   * (the test rows' weights for the test score), as scikit-learn 1.9 does by
   * default for scorers that take `sample_weight` — every built-in one here.
   */
  async fit(X: XInput, y?: YInput | null, fitParams: FitParams = {}): Promise<this> {
    const owner = this.constructor.name;
    const p = this.params;
    const est = p.estimator as Fittable;
    checkParam(owner, 'estimator', est, est instanceof BaseEstimator && typeof est.fit === 'function', 'an estimator (with fit, getParams and clone)');
    const specs = this.scorerSpecs();
    const multi = this.isMultimetric();
    if (multi) {
      checkParam(owner, 'refit', typeof p.refit === 'function' ? 'a function' : p.refit, p.refit === false || typeof p.refit === 'function' || (typeof p.refit === 'string' && specs.some((s) => s.name === p.refit)),
        `for multi-metric scoring, the name of a metric (${specs.map((s) => JSON.stringify(s.name)).join(', ')}), a function of cvResults_ or false`);
    } else {
      checkParam(owner, 'refit', p.refit, typeof p.refit === 'boolean' || typeof p.refit === 'function', 'a boolean or a function of cvResults_ (a metric name only with several metrics)');
    }
    checkParam(owner, 'returnTrainScore', p.returnTrainScore, typeof p.returnTrainScore === 'boolean', 'a boolean');
    checkParam(owner, 'errorScore', p.errorScore, p.errorScore === 'raise' || typeof p.errorScore === 'number', "'raise' or a number");
    checkParam(owner, 'nJobs', p.nJobs, p.nJobs === null || p.nJobs === -1 || (Number.isInteger(p.nJobs) && p.nJobs >= 1), 'a positive integer, -1 or null');
    checkParam(owner, 'scheduler', p.scheduler === null || p.scheduler === 'local' ? p.scheduler : typeof p.scheduler, p.scheduler === null || p.scheduler === 'local' || p.scheduler instanceof Client, "a Client, 'local' or null");

    const candidates = this.candidates();
    const data = await searchData(owner, X, y ?? undefined);
    const params = await searchFitParams(owner, fitParams, data.X.shape[0]);
    const kind = estimatorKind(est);
    const splits = makeSplits(owner, p.cv, data.X.shape[0], data.y, kind === 'classifier');
    const client = p.scheduler === 'local' ? null : p.scheduler instanceof Client ? p.scheduler : activeClient();

    const results = client === null
      ? await this.runHere(candidates, data, splits, specs, params)
      : await this.runOnCluster(client, candidates, data, splits, specs, params);

    this.store(candidates, splits.length, results, specs, multi);
    if (p.refit !== false) {
      const t0 = performance.now();
      const best = est.clone().setParams(this.bestParams_!) as Fittable;
      await (params === null ? (data.y === null ? best.fit(data.X) : best.fit(data.X, data.y)) : best.fit(data.X, data.y ?? undefined, params));
      this.bestEstimator_ = best;
      this.refitTime_ = (performance.now() - t0) / 1000;
    } else {
      this.bestEstimator_ = undefined;
      this.refitTime_ = undefined;
    }
    return this;
  }

  /** Whether `scoring` names several metrics (a list or a record), as scikit-learn's `multimetric_`. */
  private isMultimetric(): boolean {
    const s = this.params.scoring;
    return s !== null && typeof s === 'object';
  }

  /** The metrics of `scoring`, checked at the call: one named 'score', or one per entry of a list or record. */
  private scorerSpecs(): ScorerSpec[] {
    const owner = this.constructor.name;
    const s = this.params.scoring;
    const resolve = (v: unknown, what: string): Scorer => {
      if (typeof v === 'function') return v as Scorer;
      if (typeof v !== 'string') throw new TypeError(`${owner}: scoring${what}: expected a scorer name or a function, got ${v === null ? 'null' : typeof v}`);
      try { return getScorer(v); } catch (err) { throw new RangeError(`${owner}: ${(err as Error).message}`); }
    };
    if (s === null) return [{ name: 'score', scorer: null }];
    if (typeof s === 'string' || typeof s === 'function') return [{ name: 'score', scorer: resolve(s, '') }];
    if (Array.isArray(s)) {
      if (s.length === 0) throw new RangeError(`${owner}: scoring: an empty list names no metric`);
      if (new Set(s).size !== s.length) throw new RangeError(`${owner}: scoring: the list names a metric twice (${s.join(', ')})`);
      return s.map((v: unknown, i) => {
        if (typeof v !== 'string') throw new TypeError(`${owner}: scoring[${i}]: a list holds scorer names (use a record { name: fn } for functions), got ${typeof v}`);
        return { name: v, scorer: resolve(v, `[${i}]`) };
      });
    }
    if (typeof s === 'object' && Object.getPrototypeOf(s) === Object.prototype) {
      const entries = Object.entries(s);
      if (entries.length === 0) throw new RangeError(`${owner}: scoring: an empty record names no metric`);
      return entries.map(([k, v]) => ({ name: k, scorer: resolve(v, `.${k}`) }));
    }
    throw new TypeError(`${owner}: hyper-parameter scoring must be a scorer name, a function, null, a list of names or a record of scorers, got ${typeof s}`);
  }

  /** The scorer that `score` uses: the refit metric's (the only one for single-metric scoring). */
  private refitScorer(): Scorer | null {
    const specs = this.scorerSpecs();
    const r = this.params.refit;
    return (typeof r === 'string' ? specs.find((x) => x.name === r) ?? specs[0] : specs[0]).scorer;
  }

  private raise(r: FoldResult, params: Params, split: number, nSplits: number): never {
    throw new FitFailedError(
      `${this.constructor.name}: fitting candidate ${JSON.stringify(params)} on split ${split} of ${nSplits} failed${r.worker === 'client' ? '' : ` (on ${r.worker})`}: ${r.errorType}: ${r.message}`,
      params, split, r.errorType ?? 'Error', r.stack ?? '');
  }

  /** Every fit in turn on this thread. */
  private async runHere(candidates: Params[], data: SearchData, splits: Split[], specs: ScorerSpec[], fitParams: FitParams | null): Promise<FoldResult[]> {
    const p = this.params;
    const scorers = specs.map((x) => x.scorer);
    const out: FoldResult[] = [];
    for (const c of candidates) {
      for (let s = 0; s < splits.length; s++) {
        const r = await fitAndScore(() => p.estimator.clone().setParams(c), data.X, data.y, splits[s], scorers, p.returnTrainScore, 'client', fitParams);
        if (!r.ok && p.errorScore === 'raise') this.raise(r, c, s, splits.length);
        out.push(r);
      }
    }
    return out;
  }

  /** One task per candidate × split; the data (and fit parameters) scattered once to every worker. */
  private async runOnCluster(client: Client, candidates: Params[], data: SearchData, splits: Split[], specs: ScorerSpec[], fitParams: FitParams | null): Promise<FoldResult[]> {
    const owner = this.constructor.name;
    const p = this.params;
    const name = registeredName(p.estimator);
    if (name === undefined) {
      const cls = p.estimator.constructor.name;
      throw new TypeError(`${owner}: ${cls} is not a registered estimator class, so its fits cannot run on the cluster's workers; call registerEstimator('${cls}', ${cls}, kind) in a module the workers load (workerModules) and here, or pass scheduler: 'local' to fit on this thread`);
    }
    const scoring = specs.map(({ name: metric, scorer }) => {
      if (scorer === null) return null;
      const wire = scorerName(scorer);
      if (wire === undefined) throw new TypeError(`${owner}: a scoring function${metric === 'score' ? '' : ` (${metric})`} cannot travel to the cluster's workers; register it with registerScorer(name, fn) in a module the workers load and pass its name, or pass scheduler: 'local' to fit on this thread`);
      return wire;
    });
    const base = p.estimator.getParams();
    const total = candidates.length * splits.length;
    const limit = p.nJobs === null || p.nJobs === -1 ? total : Math.min(p.nJobs, total);
    const shared = await client.scatter((fitParams === null ? [data.X, data.y, splits] : [data.X, data.y, splits, fitParams]) as unknown[], { broadcast: true });
    const [Xf, yf, splitsF, paramsF] = shared;
    const results: FoldResult[] = new Array(total);
    const inFlight = new Set<Future>();
    let next = 0;
    let failure: unknown;
    const runner = async (): Promise<void> => {
      while (failure === undefined && next < total) {
        const i = next++;
        const c = Math.floor(i / splits.length);
        const s = i % splits.length;
        const f = client.submit<FoldResult>('ml.search.fitScore', Xf, yf, splitsF, s, name, { ...base, ...candidates[c] }, scoring, p.returnTrainScore, paramsF ?? null);
        inFlight.add(f);
        try {
          const r = await f.result();
          if (!r.ok && p.errorScore === 'raise') this.raise(r, candidates[c], s, splits.length);
          results[i] = r;
        } catch (err) {
          if (failure === undefined) {
            failure = err instanceof FitFailedError ? err
              : new FitFailedError(`${owner}: the task fitting candidate ${JSON.stringify(candidates[c])} on split ${s} of ${splits.length} failed: ${(err as Error).message}`, candidates[c], s, (err as Error).name, (err as Error).stack ?? '');
            void client.cancel([...inFlight].filter((x) => x !== f)).catch(() => {});
          }
        } finally {
          inFlight.delete(f);
          f.release();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: limit }, runner));
    } finally {
      for (const f of shared) f.release();
    }
    if (failure !== undefined) throw failure;
    return results;
  }

  /** cvResults_ and the best candidate from the split results (candidate-major). */
  private store(candidates: Params[], nSplits: number, results: FoldResult[], specs: ScorerSpec[], multi: boolean): void {
    const owner = this.constructor.name;
    const p = this.params;
    const failed = results.filter((r) => !r.ok);
    if (failed.length === results.length) {
      throw new Error(`${owner}: all the ${results.length} fits failed; the first: ${failed[0].errorType}: ${failed[0].message}`);
    }
    if (failed.length > 0) {
      const kinds = new Map<string, number>();
      for (const r of failed) kinds.set(`${r.errorType}: ${r.message}`, (kinds.get(`${r.errorType}: ${r.message}`) ?? 0) + 1);
      process.emitWarning(`${failed.length} fits failed out of a total of ${results.length}; their score is set to ${p.errorScore}. ` +
        [...kinds].map(([m, n]) => `${n} fits failed with ${m}`).join('; '), 'FitFailedWarning');
    }
    const errorScore = typeof p.errorScore === 'number' ? p.errorScore : NaN;
    /** candidates x splits of `f(result)`; a failed split gives `failed(result)` */
    const rows = (f: (r: FoldResult) => number, failed: (r: FoldResult) => number) =>
      candidates.map((_, c) => results.slice(c * nSplits, (c + 1) * nSplits).map((r) => (r.ok ? f(r) : failed(r))));
    const cv: CvResults = {} as CvResults;
    const put = (key: string, table: number[][], splitsToo: boolean, rank: boolean) => {
      if (splitsToo) for (let s = 0; s < nSplits; s++) cv[`split${s}_${key}`] = table.map((row) => row[s]);
      const ms = table.map(meanStd);
      cv[`mean_${key}`] = ms.map((x) => x[0]);
      cv[`std_${key}`] = ms.map((x) => x[1]);
      if (rank) cv[`rank_${key}`] = rankScores(cv[`mean_${key}`] as number[]);
    };
    put('fit_time', rows((r) => r.fitTime, (r) => r.fitTime), false, false);
    put('score_time', rows((r) => r.scoreTime, () => 0), false, false);
    const names = [...new Set(candidates.flatMap((c) => Object.keys(c)))].sort();
    for (const n of names) cv[`param_${n}`] = candidates.map((c) => c[n]);
    cv.params = candidates.map((c) => ({ ...c }));
    // per metric, test then train columns (scikit-learn's order); 'score' alone for one metric
    specs.forEach(({ name }, k) => {
      put(`test_${name}`, rows((r) => r.testScores[k], () => errorScore), true, true);
      if (p.returnTrainScore) put(`train_${name}`, rows((r) => r.trainScores[k], () => errorScore), true, false);
      const means = cv[`mean_test_${name}`] as number[];
      if (means.some((m) => !Number.isFinite(m))) process.emitWarning(`One or more of the test scores are non-finite: [${means.join(', ')}]`, 'UserWarning');
    });

    this.cvResults_ = cv;
    this.nSplits_ = nSplits;
    this.fitWorkers_ = candidates.map((_, c) => results.slice(c * nSplits, (c + 1) * nSplits).map((r) => r.worker));
    if (multi && p.refit === false) {
      // as scikit-learn: with several metrics and no refit there is no single best candidate
      this.bestIndex_ = undefined;
      this.bestScore_ = undefined;
      this.bestParams_ = undefined;
      return;
    }
    if (typeof p.refit === 'function') {
      const i = p.refit(cv);
      if (!Number.isInteger(i) || i < 0 || i >= candidates.length) throw new RangeError(`${owner}: refit returned ${JSON.stringify(i)}; expected a candidate index in [0, ${candidates.length - 1}]`);
      this.bestIndex_ = i;
      this.bestScore_ = undefined;
    } else {
      const metric = typeof p.refit === 'string' ? p.refit : 'score';
      this.bestIndex_ = (cv[`rank_test_${metric}`] as number[]).indexOf(1);
      this.bestScore_ = (cv[`mean_test_${metric}`] as number[])[this.bestIndex_];
    }
    this.bestParams_ = { ...candidates[this.bestIndex_] };
  }

  // ---------------- the refitted best estimator ----------------

  private best(method: string): Record<string, (...args: unknown[]) => any> {
    this.checkFitted(method);
    if (this.bestEstimator_ === undefined) {
      throw new NotFittedError(this.constructor.name, `${method} (refit is false, so there is no bestEstimator_; fit with refit: true)`);
    }
    const e = this.bestEstimator_ as unknown as Record<string, (...args: unknown[]) => any>;
    if (typeof e[method] !== 'function') throw new TypeError(`${this.constructor.name}.${method}: the best estimator, ${this.bestEstimator_.constructor.name}, has no ${method}`);
    return e;
  }

  /** The best estimator's predictions. */
  predict(X: unknown): any { return this.best('predict').predict(X); }
  /** The best estimator's class probabilities. */
  predictProba(X: unknown): any { return this.best('predictProba').predictProba(X); }
  /** The best estimator's decision function. */
  decisionFunction(X: unknown): any { return this.best('decisionFunction').decisionFunction(X); }
  /** The best estimator's transform. */
  transform(X: unknown): any { return this.best('transform').transform(X); }
  /** The best estimator's inverse transform. */
  inverseTransform(X: unknown): any { return this.best('inverseTransform').inverseTransform(X); }

  /** The search's `scoring` of the best estimator on (X, y); with no scoring, the estimator's own `score`. */
  async score(X: XInput, y?: YInput): Promise<number> {
    const e = this.best('score');
    const scorer = this.refitScorer();
    if (scorer === null) return e.score(X, y);
    const data = await searchData(this.constructor.name, X, y);
    return scorer(this.bestEstimator_, data.X, data.y as Targets);
  }

  /** The best estimator's classes (classifiers). */
  get classes_(): unknown {
    this.checkFitted('classes_');
    return (this.bestEstimator_ as unknown as { classes_?: unknown } | undefined)?.classes_;
  }
}

/**
 * Exhaustive search over a grid: every combination of the listed values (for
 * a list of grids, each grid's combinations in turn).
 * @example new GridSearchCV(new LinearRegression(), { fitIntercept: [true, false] }, { cv: 5 })
 */
export class GridSearchCV extends BaseSearchCV<GridSearchCVParams> {
  constructor(params: Partial<GridSearchCVParams>);
  constructor(estimator: BaseEstimator<any>, paramGrid: ParamGrid | ParamGrid[], options?: Partial<SearchOptions>);
  constructor(estimator: unknown, paramGrid?: ParamGrid | ParamGrid[], options: Partial<SearchOptions> = {}) {
    super({ estimator: undefined as unknown as BaseEstimator<Params>, paramGrid: undefined as unknown as ParamGrid, ...SEARCH_DEFAULTS }, givenParams<GridSearchCVParams>(estimator, paramGrid, options, 'paramGrid'));
  }

  protected candidates(): Params[] {
    const grids = checkSpace('GridSearchCV', 'paramGrid', this.params.paramGrid, false) as ParamGrid[];
    const out = expandGrid(grids);
    this.checkNames(out, 'paramGrid');
    return out;
  }
}

/**
 * Search over `nIter` candidates drawn from lists (uniformly) and
 * distributions (`{ rvs(rand) }`: see `uniform`, `loguniform`, `randint`),
 * seeded by `randomState`. When every value is a list, distinct grid points
 * are drawn without replacement.
 * @example new RandomizedSearchCV(new LogisticRegression(), { C: loguniform(1e-3, 1e2) }, { nIter: 20, randomState: 0 })
 */
export class RandomizedSearchCV extends BaseSearchCV<RandomizedSearchCVParams> {
  constructor(params: Partial<RandomizedSearchCVParams>);
  constructor(estimator: BaseEstimator<any>, paramDistributions: ParamDistributions | ParamDistributions[], options?: Partial<SearchOptions & { nIter: number; randomState: number | null }>);
  constructor(estimator: unknown, paramDistributions?: ParamDistributions | ParamDistributions[], options: Partial<SearchOptions & { nIter: number; randomState: number | null }> = {}) {
    super({ estimator: undefined as unknown as BaseEstimator<Params>, paramDistributions: undefined as unknown as ParamDistributions, nIter: 10, randomState: null, ...SEARCH_DEFAULTS },
      givenParams<RandomizedSearchCVParams>(estimator, paramDistributions, options, 'paramDistributions'));
  }

  protected candidates(): Params[] {
    const { nIter, randomState } = this.params;
    checkParam('RandomizedSearchCV', 'nIter', nIter, Number.isInteger(nIter) && nIter >= 1, 'a positive integer');
    checkParam('RandomizedSearchCV', 'randomState', randomState, randomState === null || Number.isInteger(randomState), 'an integer or null');
    const spaces = checkSpace('RandomizedSearchCV', 'paramDistributions', this.params.paramDistributions, true) as ParamDistributions[];
    const seed = randomState ?? Math.floor(Math.random() * 2 ** 32);
    const out = sampleCandidates(spaces, nIter, seededRandom(seed), (m) => process.emitWarning(m, 'UserWarning'));
    this.checkNames(out, 'paramDistributions');
    return out;
  }
}

export type { Distribution };

// ---------------- data and splits ----------------

interface SearchData {
  X: Matrix;
  y: Targets | null;
}

/** X as a checked matrix and y as numbers or string labels, collections brought into memory. */
async function searchData(owner: string, X: XInput, y: YInput | undefined): Promise<SearchData> {
  const Xm = toMatrix('X', X instanceof ShoalArray || X instanceof DataFrame ? await X.compute() : X);
  if (y === undefined || y === null) return { X: Xm, y: null };
  const yIn = y instanceof ShoalArray || y instanceof DataFrame ? await y.compute() : y;
  let yv: Targets;
  if (Array.isArray(yIn) && yIn.length > 0 && typeof yIn[0] === 'string') {
    yIn.forEach((v, i) => { if (typeof v !== 'string') throw new TypeError(`y: expected string labels throughout, got ${JSON.stringify(v)} at index ${i}`); });
    yv = [...(yIn as string[])];
  } else {
    yv = toVector('y', yIn as never);
    checkFinite('y', yv);
  }
  if (yv.length !== Xm.shape[0]) throw new RangeError(`${owner}: X has ${Xm.shape[0]} samples and y has ${yv.length}; expected the same number`);
  return { X: Xm, y: yv };
}

/**
 * The fit parameters, checked at the call: shoal Arrays brought into memory
 * (as X is), `sampleWeight` checked against the n samples (scikit-learn's
 * `_check_sample_weight`). Null when there are none, so fits without them
 * call `fit(X, y)` exactly as before.
 */
async function searchFitParams(owner: string, fitParams: FitParams | null | undefined, n: number): Promise<FitParams | null> {
  if (fitParams === undefined || fitParams === null) return null;
  if (typeof fitParams !== 'object' || Array.isArray(fitParams)) throw new TypeError(`${owner}: fit: the third argument holds fit parameters ({ sampleWeight, … }), got ${Array.isArray(fitParams) ? 'an array' : typeof fitParams}`);
  const out: FitParams = {};
  for (const [k, v] of Object.entries(fitParams)) {
    if (v === undefined) continue;
    let value: unknown = v;
    if (v instanceof ShoalArray) {
      const c = await v.compute();
      value = v.ndim === 1 ? c.data : { data: c.data, shape: c.shape };
    }
    if (k === 'sampleWeight') {
      if (value === null) continue;
      try {
        value = checkSampleWeight(value as ArrayLike<number>, n);
      } catch (err) {
        const e = err as Error;
        throw new (e instanceof TypeError ? TypeError : RangeError)(`${owner}: ${e.message}`);
      }
    }
    out[k] = value;
  }
  if (Object.keys(out).length === 0) return null;
  return out;
}

/** The cross-validation splits, checked here (at the call) rather than in a task. */
function makeSplits(owner: string, cv: SearchOptions['cv'], n: number, y: Targets | null, classifier: boolean): Split[] {
  const checked = (pairs: Iterable<[ArrayLike<number>, ArrayLike<number>]>): Split[] => {
    const out: Split[] = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${owner}: cv: each split must be a [trainIndices, testIndices] pair`);
      const [tr, te] = pair.map((idx) => Int32Array.from(idx as ArrayLike<number>));
      for (const [what, idx] of [['train', tr], ['test', te]] as const) {
        if (idx.length === 0) throw new RangeError(`${owner}: cv: split ${out.length} has no ${what} samples`);
        const bad = idx.findIndex((i) => i < 0 || i >= n);
        if (bad >= 0) throw new RangeError(`${owner}: cv: split ${out.length} ${what} index ${idx[bad]} is outside the ${n} samples`);
      }
      out.push([tr, te]);
    }
    if (out.length === 0) throw new RangeError(`${owner}: cv gave no splits`);
    return out;
  };
  if (typeof cv === 'number') {
    checkParam(owner, 'cv', cv, Number.isInteger(cv) && cv >= 2, 'an integer ≥ 2, a splitter or a list of splits');
    if (cv > n) throw new RangeError(`${owner}: cv=${cv} folds need at least ${cv} samples, got ${n}`);
    if (classifier && y !== null) return wrapSplitError(owner, () => checked(new StratifiedKFold({ nSplits: cv }).split(y as unknown as ArrayLike<number>)));
    return checked(new KFold({ nSplits: cv }).split(n));
  }
  if (cv !== null && typeof cv === 'object' && typeof (cv as CvSplitter).split === 'function') {
    if (cv instanceof StratifiedKFold) {
      if (y === null) throw new TypeError(`${owner}: cv: StratifiedKFold needs y`);
      return wrapSplitError(owner, () => checked(cv.split(y as unknown as ArrayLike<number>)));
    }
    return wrapSplitError(owner, () => checked((cv as CvSplitter).split(n)));
  }
  if (cv !== null && typeof cv === 'object' && typeof (cv as Iterable<unknown>)[Symbol.iterator] === 'function') return checked(cv as Iterable<[ArrayLike<number>, ArrayLike<number>]>);
  throw new TypeError(`${owner}: hyper-parameter cv must be an integer ≥ 2, a splitter (with split) or a list of [train, test] index pairs, got ${cv === null ? 'null' : typeof cv}`);
}

function wrapSplitError<T>(owner: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    const e = err as Error;
    if (e.message.startsWith(`${owner}:`)) throw e;
    const wrapped = new (e instanceof TypeError ? TypeError : RangeError)(`${owner}: cv: ${e.message}`);
    throw wrapped;
  }
}

// Searches are estimators too: registered so that a fitted search can be saved
// and loaded (ts/ml/persistence.ts) and searched over.
registerEstimator('GridSearchCV', GridSearchCV as unknown as EstimatorClass, 'meta');
registerEstimator('RandomizedSearchCV', RandomizedSearchCV as unknown as EstimatorClass, 'meta');
