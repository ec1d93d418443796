/**
 * Scorers by name, as scikit-learn's `get_scorer`: a scorer takes a fitted
 * estimator and in-memory (X, y) and returns a number where greater is better
 * (errors and losses are negated: 'neg_mean_squared_error'). Names travel to
 * workers; functions do not, so a search on the cluster needs a named scorer —
 * one of these or one registered with `registerScorer` in a module the
 * workers load.
 */
import { logLoss, meanAbsoluteError, meanSquaredError, r2Score, rocAucScore } from '../metrics.js';
import type { Matrix } from '../validation.js';

/** In-memory targets of a search: numbers, or string class labels. */
export type Targets = Float64Array | string[];

/** What a search hands a scorer besides (X, y): the scored rows' sample weights, when the fit had them. */
export interface ScoreOptions {
  sampleWeight?: Float64Array;
}

/**
 * `(fitted estimator, X, y, options) → score`, greater is better. The built-in
 * scorers weight their mean by `options.sampleWeight` (scikit-learn's scorers
 * with `sample_weight`); a scorer that ignores the fourth argument scores
 * unweighted.
 */
export type Scorer = (estimator: any, X: Matrix, y: Targets, options?: ScoreOptions) => number | Promise<number>;

interface Classifier {
  classes_: (number | string)[];
  predict(X: Matrix): ArrayLike<number> | string[];
  predictProba(X: Matrix): Matrix;
  decisionFunction?(X: Matrix): Float64Array | Matrix;
}

function numeric(name: string, y: Targets): Float64Array {
  if (!(y instanceof Float64Array)) throw new TypeError(`scoring '${name}': expected numeric targets, got string labels`);
  return y;
}

function predicted(name: string, est: { predict?: (X: Matrix) => unknown }, X: Matrix): Float64Array {
  if (typeof est.predict !== 'function') throw new TypeError(`scoring '${name}': ${est.constructor.name} has no predict`);
  const p = est.predict(X);
  if (!(p instanceof Float64Array)) throw new TypeError(`scoring '${name}': ${est.constructor.name}.predict did not return numbers in memory`);
  return p;
}

/** y as indices into the classifier's `classes_` (a label it never saw is an error). */
function classIndex(name: string, est: Classifier, y: Targets): Float64Array {
  const classes = est.classes_;
  if (!Array.isArray(classes)) throw new TypeError(`scoring '${name}': ${est.constructor.name} is not a classifier (no classes_)`);
  const index = new Map<number | string, number>(classes.map((c, i) => [c, i]));
  return Float64Array.from(y as ArrayLike<number | string>, (v, i) => {
    const j = index.get(v);
    if (j === undefined) throw new RangeError(`scoring '${name}': label ${JSON.stringify(v)} at index ${i} was not seen at fit (classes ${JSON.stringify(classes)})`);
    return j;
  });
}

function accuracy(est: Classifier, X: Matrix, y: Targets, options: ScoreOptions = {}): number {
  const p = est.predict(X);
  const w = options.sampleWeight;
  let hits = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    if (p[i] === y[i]) hits += wi;
    total += wi;
  }
  return hits / total;
}

function negLogLoss(est: Classifier, X: Matrix, y: Targets, options: ScoreOptions = {}): number {
  const t = classIndex('neg_log_loss', est, y);
  const proba = est.predictProba(X);
  return -logLoss(t, proba, { labels: est.classes_.map((_, i) => i), sampleWeight: options.sampleWeight });
}

function rocAuc(est: Classifier, X: Matrix, y: Targets, options: ScoreOptions = {}): number {
  const t = classIndex('roc_auc', est, y);
  if (est.classes_.length !== 2) throw new RangeError(`scoring 'roc_auc': needs a binary classifier, ${est.constructor.name} has ${est.classes_.length} classes`);
  // scikit-learn's order: decision_function, else the positive class's probability (AUC only ranks them)
  let s: Float64Array;
  if (typeof est.decisionFunction === 'function') s = est.decisionFunction(X) as Float64Array;
  else {
    const p = est.predictProba(X);
    s = Float64Array.from({ length: p.shape[0] }, (_, i) => p.data[2 * i + 1]);
  }
  return rocAucScore(t, s, { sampleWeight: options.sampleWeight });
}

const scorers = new Map<string, Scorer>([
  ['accuracy', accuracy as Scorer],
  ['r2', (e, X, y, o = {}) => r2Score(numeric('r2', y), predicted('r2', e, X), o)],
  ['neg_mean_squared_error', (e, X, y, o = {}) => -meanSquaredError(numeric('neg_mean_squared_error', y), predicted('neg_mean_squared_error', e, X), o)],
  ['neg_root_mean_squared_error', (e, X, y, o = {}) => -Math.sqrt(meanSquaredError(numeric('neg_root_mean_squared_error', y), predicted('neg_root_mean_squared_error', e, X), o))],
  ['neg_mean_absolute_error', (e, X, y, o = {}) => -meanAbsoluteError(numeric('neg_mean_absolute_error', y), predicted('neg_mean_absolute_error', e, X), o)],
  ['neg_log_loss', negLogLoss as Scorer],
  ['roc_auc', rocAuc as Scorer],
]);

/**
 * Registers a scorer under `name`, so a search can name it (and run on the
 * cluster, where this module is loaded). Another function under a taken name
 * is an error.
 * @example registerScorer('neg_max_error', (est, X, y) => -Math.max(...y.map((t, i) => Math.abs(t - est.predict(X)[i]))));
 */
export function registerScorer(name: string, fn: Scorer): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`registerScorer: name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (typeof fn !== 'function') throw new TypeError(`registerScorer(${name}): expected a function, got ${typeof fn}`);
  const had = scorers.get(name);
  if (had !== undefined && had !== fn) throw new Error(`registerScorer: a scorer named ${JSON.stringify(name)} is already registered`);
  scorers.set(name, fn);
}

/** The scorer registered as `name`; unknown names list the known ones. */
export function getScorer(name: string): Scorer {
  const s = scorers.get(name);
  if (s === undefined) throw new RangeError(`scoring: unknown scorer ${JSON.stringify(name)}; expected one of ${[...scorers.keys()].join(', ')}`);
  return s;
}

/** The name `fn` was registered under, if it was. */
export function scorerName(fn: Scorer): string | undefined {
  for (const [k, v] of scorers) if (v === fn) return k;
  return undefined;
}
