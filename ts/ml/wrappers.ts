/**
 * Meta-estimators for data larger than a fit needs, as Dask-ML's wrappers.
 *
 * `ParallelPostFit(estimator)`: fit on data that fits in memory (a sample, or
 * a collection small enough to gather), then `predict` / `predictProba` /
 * `transform` / `score` block-wise on the cluster. The fitted model travels to
 * the workers as a model file's bytes (ts/ml/persistence.ts) — parameters,
 * never code — and each task thread rebuilds it through the estimator registry.
 */
import { BaseEstimator, checkParam, type Params } from './base.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from './collections-bridge.js';
import { accuracyScore, r2Score } from './metrics.js';
import { modelToBytes } from './persistence.js';
import { estimatorKind, registeredName } from './registry.js';
import type { MatrixLike } from './validation.js';
import { applyModel, type ModelMethod } from './wrappers-ops.js';

type XInput = MatrixLike | ShoalArray | DataFrame;

interface Fittable extends BaseEstimator<Params> {
  fit(X: unknown, y?: unknown): Promise<unknown>;
}

export interface ParallelPostFitParams extends Record<string, unknown> {
  /** the estimator to fit in memory and apply block-wise */
  estimator: Fittable | null;
}

export class ParallelPostFit extends BaseEstimator<ParallelPostFitParams> {
  /** the fitted estimator */
  estimator_?: Fittable;
  private model?: { bytes: Uint8Array; id: string };

  constructor(params: Partial<ParallelPostFitParams> = {}) {
    super({ estimator: null }, params);
  }

  get isFitted(): boolean { return this.estimator_ !== undefined; }

  /** Fits a clone of the estimator on X (collections are gathered to memory first: fit on what fits). */
  async fit(X: XInput, y?: unknown): Promise<this> {
    const est = this.params.estimator;
    checkParam('ParallelPostFit', 'estimator', est === null ? null : est.constructor.name, est !== null && typeof est.fit === 'function', 'an estimator with fit');
    if (registeredName(est!) === undefined) {
      throw new TypeError(`ParallelPostFit: ${est!.constructor.name} is not a registered estimator class, so workers cannot rebuild it; call registerEstimator in a module the workers load`);
    }
    const fitted = est!.clone() as Fittable;
    await fitted.fit(await inMemory(X, 'X'), y === undefined ? undefined : await inMemory(y, 'y'));
    this.estimator_ = fitted;
    this.model = { bytes: modelToBytes(fitted), id: `${registeredName(fitted)}-${Math.random().toString(36).slice(2)}` };
    return this;
  }

  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: MatrixLike): unknown;
  predict(X: XInput): unknown { return this.apply('predict', X); }

  predictProba(X: ShoalArray | DataFrame): ShoalArray;
  predictProba(X: MatrixLike): unknown;
  predictProba(X: XInput): unknown { return this.apply('predictProba', X); }

  transform(X: ShoalArray | DataFrame): ShoalArray;
  transform(X: MatrixLike): unknown;
  transform(X: XInput): unknown { return this.apply('transform', X); }

  /** The wrapped estimator's default score: accuracy for classifiers, R² for regressors (reduced on the cluster for collections). */
  async score(X: XInput, y: unknown): Promise<number> {
    this.checkFitted('score');
    const A = asLazyArray(X);
    if (!A) return (this.estimator_ as unknown as { score(X: unknown, y: unknown): Promise<number> }).score(X, y);
    const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
    if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too');
    const p = this.apply('predict', A) as ShoalArray;
    return estimatorKind(this.estimator_!) === 'classifier' ? accuracyScore(yA, p) : r2Score(yA, p);
  }

  private apply(method: ModelMethod, X: XInput): unknown {
    this.checkFitted(method);
    const est = this.estimator_ as unknown as Record<string, unknown>;
    if (typeof est[method] !== 'function') throw new TypeError(`ParallelPostFit.${method}: ${this.estimator_!.constructor.name} has no ${method}`);
    const A = asLazyArray(X);
    if (!A) return (est[method] as (X: unknown) => unknown).call(est, X);
    // the output's width and dtype: the same method on one row of zeros, here
    const width = A.cols ?? 1;
    let probe;
    try {
      probe = applyModel({ data: new Float64Array(width), shape: [1, width] }, this.model!.bytes, this.model!.id, method, this.estimator_);
    } catch (err) {
      throw new TypeError(`ParallelPostFit.${method}: could not learn the output shape from a row of zeros (${(err as Error).message})`);
    }
    const cols = probe.shape.length === 2 ? probe.shape[1] : null;
    return A.mapBlocks('ml.wrappers.apply', { args: [this.model!.bytes, this.model!.id, method], cols, dtype: probe.data instanceof Int32Array ? 'int32' : 'float64' });
  }
}

/** A collection gathered into memory (what an in-memory fit needs); in-memory data as it is. */
async function inMemory(v: unknown, name: string): Promise<unknown> {
  if (v instanceof DataFrame) return v.compute();
  if (v instanceof ShoalArray) {
    const c = await v.compute();
    return v.ndim === 2 ? { data: c.data, shape: c.shape } : c.data;
  }
  if (v === null) throw new TypeError(`${name}: expected data, got null`);
  return v;
}
