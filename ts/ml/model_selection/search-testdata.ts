/** The scikit-learn search reference (scripts/reference/search_reference.py → testdata/search.json) and the checks the search tests share. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BaseEstimator, type Params } from '../base.js';
import { LinearRegression } from '../linear_model/linear-regression.js';
import { LogisticRegression } from '../linear_model/logistic-regression.js';
import { PoissonRegression } from '../linear_model/poisson-regression.js';
import type { CvResults } from './search.js';
import { KFold, StratifiedKFold } from './split.js';

export interface RefCase {
  estimator: 'LogisticRegression' | 'LinearRegression' | 'PoissonRegression';
  data: string;
  grid: Record<string, unknown[]> | Record<string, unknown[]>[];
  cv: number | { kind: 'KFold' | 'StratifiedKFold'; n_splits: number };
  scoring: string | null | string[] | Record<string, string>;
  refit: boolean | string;
  /** the key of `weights` passed as sample_weight, or null */
  sample_weight: string | null;
  return_train_score: boolean;
  n_splits: number;
  /** the score columns of cv_results_ in scikit-learn's order */
  score_columns: string[];
  cv_results: Record<string, unknown[]> & { params: Params[] };
  /** null with several metrics and refit false (no best candidate) */
  best_index: number | null;
  best_params: Params | null;
  best_score: number | null;
  refit_score_on_data: number | null;
}

const file = fileURLToPath(new URL('../../../../ts/ml/testdata/search.json', import.meta.url));
export const ref: { sklearn_version: string; weights: Record<string, number[]>; data: Record<string, { X: number[][]; y: number[] }>; cases: Record<string, RefCase> } = JSON.parse(readFileSync(file, 'utf8'));

/** The search options of a case (folds, scoring, refit, train scores) and its fit parameters (sampleWeight). */
export function optionsOf(c: RefCase): { options: { cv: number | KFold | StratifiedKFold; scoring: RefCase['scoring']; refit: boolean | string; returnTrainScore: boolean }; fitParams: { sampleWeight?: number[] } } {
  return {
    options: { cv: cvOf(c), scoring: c.scoring, refit: c.refit ?? true, returnTrainScore: c.return_train_score },
    fitParams: c.sample_weight === null || c.sample_weight === undefined ? {} : { sampleWeight: ref.weights[c.sample_weight] },
  };
}

/** The estimator of a case, solved tightly (scikit-learn's side uses tol 1e-12). */
export function estimatorOf(c: RefCase): BaseEstimator<Params> {
  switch (c.estimator) {
    case 'LogisticRegression': return new LogisticRegression({ tol: 1e-10, maxIter: 100_000 }) as unknown as BaseEstimator<Params>;
    case 'PoissonRegression': return new PoissonRegression({ tol: 1e-10, maxIter: 100_000 }) as unknown as BaseEstimator<Params>;
    default: return new LinearRegression() as unknown as BaseEstimator<Params>;
  }
}

export function cvOf(c: RefCase): number | KFold | StratifiedKFold {
  if (typeof c.cv === 'number') return c.cv;
  return c.cv.kind === 'KFold' ? new KFold({ nSplits: c.cv.n_splits }) : new StratifiedKFold({ nSplits: c.cv.n_splits });
}

/** |a − e| ≤ tol·|e| (plus 1e-300 for exact zeros), naming the column and candidate of the first miss. */
export function assertRelClose(actual: unknown, expected: ArrayLike<number>, tol: number, what: string): void {
  const a = actual as ArrayLike<number>;
  assert.equal(a?.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!(Math.abs(a[i] - e) <= tol * Math.abs(e) + 1e-300)) assert.fail(`${what}[${i}]: ${a[i]}, scikit-learn ${e} (relative tolerance ${tol})`);
  }
}

/** The search's cv_results_, best candidate and splits against scikit-learn's. */
export function assertMatchesSklearn(search: { cvResults_?: CvResults; bestParams_?: Params; bestIndex_?: number; bestScore_?: number; nSplits_?: number }, c: RefCase, name: string): void {
  const cv = search.cvResults_!;
  assert.deepEqual(cv.params, c.cv_results.params, `${name}: candidates in scikit-learn's order`);
  if (c.score_columns !== undefined) assert.deepEqual(Object.keys(cv).filter((k) => k.includes('_test_') || k.includes('_train_')), c.score_columns, `${name}: score columns in scikit-learn's order`);
  for (const [k, v] of Object.entries(c.cv_results)) {
    if (k === 'params') continue;
    if (k.startsWith('rank_')) assert.deepEqual(cv[k], v, `${name}: ${k}`);
    else assertRelClose(cv[k], v as number[], 1e-6, `${name}: ${k}`);
  }
  assert.deepEqual(search.bestParams_, c.best_params ?? undefined, `${name}: bestParams_`);
  assert.equal(search.bestIndex_, c.best_index ?? undefined, `${name}: bestIndex_`);
  if (c.best_score === null) assert.equal(search.bestScore_, undefined, `${name}: no bestScore_`);
  else assertRelClose([search.bestScore_!], [c.best_score], 1e-6, `${name}: bestScore_`);
  assert.equal(search.nSplits_, c.n_splits, `${name}: nSplits_`);
}

/** The score columns of cv_results_ (everything but the timings). */
export function scoreColumns(cv: CvResults): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cv).filter(([k]) => !k.endsWith('_time')));
}

/** A minimal estimator of the contract that no registry knows: predicts the training mean plus `by`. */
export class Shift extends BaseEstimator<{ by: number }> {
  mean_?: number;
  constructor(p: Partial<{ by: number }> = {}) { super({ by: 0 }, p); }
  get isFitted(): boolean { return this.mean_ !== undefined; }
  async fit(_X: unknown, y: ArrayLike<number>): Promise<this> {
    this.mean_ = Array.from(y).reduce((a, b) => a + b, 0) / y.length + this.params.by;
    return this;
  }
  predict(X: { shape: readonly number[] }): Float64Array { return new Float64Array(X.shape[0]).fill(this.mean_!); }
}
