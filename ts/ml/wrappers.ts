/**
 * Meta-estimators for data larger than a fit needs, as Dask-ML's wrappers.
 *
 * `ParallelPostFit(estimator)`: fit on data that fits in memory (a sample, or
 * a collection small enough to gather), then `predict` / `predictProba` /
 * `transform` / `score` block-wise on the cluster. The fitted model travels to
 * the workers as a model file's bytes (ts/ml/persistence.ts) — parameters,
 * never code — and each task thread rebuilds it through the estimator registry.
 *
 * `Incremental(estimator)`: for estimators with `partialFit`, `fit` walks a
 * collection's blocks as a chain of tasks — each task hands its block to
 * `partialFit` and passes the updated model (as bytes) to the next — so
 * data larger than memory trains without ever leaving the workers.
 * Predictions are ParallelPostFit's. `fit(X, y, { sampleWeight })` with a
 * weight Array chunked like X gives each block's `partialFit` that block's
 * weights (in-memory weights are cut at X's chunk boundaries first).
 */
import { ref, type TaskSpec } from '../actors/graph.js';
import { computeKeys } from '../collections/graph/compute.js';
import { mergeLayers, tokenize, withLayer } from '../collections/graph/layers.js';
import { BaseEstimator, checkParam, type Params } from './base.js';
import { ArrayData } from './chunked.js';
import { concatenate, fromArray } from '../collections/array/create.js';
import { permutation } from './model_selection/split.js';
import { sortedClasses } from './labels.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from './collections-bridge.js';
import { accuracyScore, r2Score } from './metrics.js';
import { modelFromBytes, modelToBytes } from './persistence.js';
import { estimatorKind, registeredName } from './registry.js';
import { checkLazySampleWeight, checkSampleWeight, type SampleWeight } from './sample-weight.js';
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

export class ParallelPostFit<P extends ParallelPostFitParams = ParallelPostFitParams> extends BaseEstimator<P> {
  /** the fitted estimator */
  estimator_?: Fittable;
  protected model?: { bytes: Uint8Array; id: string };

  constructor(params: Partial<P> = {}, defaults: P = { estimator: null } as P) {
    super(defaults, params);
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
    this.setFitted(fitted);
    return this;
  }

  protected setFitted(fitted: Fittable): void {
    this.estimator_ = fitted;
    this.model = { bytes: modelToBytes(fitted), id: `${registeredName(fitted)}-${Math.random().toString(36).slice(2)}` };
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

/**
 * Incremental's weights as a float64 Array chunked like X: a weight Array
 * checked against X's chunks, or in-memory weights cut at X's (known) chunk
 * boundaries. Undefined without weights.
 */
async function blockWeights(sampleWeight: SampleWeight | null | undefined, X: ShoalArray): Promise<ShoalArray | undefined> {
  if (sampleWeight === undefined || sampleWeight === null) return undefined;
  if (sampleWeight instanceof ShoalArray) return checkLazySampleWeight(sampleWeight, X, 'X');
  if (!X.knownLengths) throw new TypeError("sampleWeight: X's chunk lengths are unknown, so in-memory weights cannot be cut like X; pass a 1-D shoal Array chunked like X");
  const w = checkSampleWeight(sampleWeight, X.rows)!;
  // one weight block per X chunk, whatever their lengths
  let at = 0;
  return concatenate(X.chunks.map((n) => fromArray(w.subarray(at, (at += n)), { chunks: Math.max(n, 1) })));
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

export interface IncrementalParams extends ParallelPostFitParams {
  /** visit the blocks in a random order (seeded by randomState) rather than in order */
  shuffleBlocks: boolean;
  randomState: number;
}

export class Incremental extends ParallelPostFit<IncrementalParams> {
  constructor(params: Partial<IncrementalParams> = {}) {
    super(params, { estimator: null, shuffleBlocks: true, randomState: 0 });
  }

  /**
   * Trains a fresh clone of the estimator with one pass of partialFit over
   * the blocks. `options` go to every `partialFit` (`classes`, …), except
   * `sampleWeight`: a 1-D shoal Array chunked like X (or in-memory weights,
   * cut at X's chunk boundaries), whose block i goes with X's block i.
   * @example await new Incremental({ estimator: new SGDRegressor() }).fit(X, y, { sampleWeight: w });
   */
  override async fit(X: XInput, y?: unknown, options: Record<string, unknown> & { sampleWeight?: SampleWeight | null } = {}): Promise<this> {
    return this.pass(X, y, options, null);
  }

  /** One more pass of partialFit over the blocks, continuing from the fitted model (weights as in `fit`). */
  async partialFit(X: XInput, y?: unknown, options: Record<string, unknown> & { sampleWeight?: SampleWeight | null } = {}): Promise<this> {
    return this.pass(X, y, options, this.isFitted ? this.model!.bytes : null);
  }

  private async pass(X: XInput, y: unknown, options: Record<string, unknown>, start: Uint8Array | null): Promise<this> {
    const p = this.params;
    const est = p.estimator;
    checkParam('Incremental', 'estimator', est === null ? null : est.constructor.name, est !== null && typeof (est as unknown as { partialFit?: unknown }).partialFit === 'function', 'an estimator with partialFit');
    checkParam('Incremental', 'shuffleBlocks', p.shuffleBlocks, typeof p.shuffleBlocks === 'boolean', 'a boolean');
    checkParam('Incremental', 'randomState', p.randomState, Number.isInteger(p.randomState), 'an integer');
    const name = registeredName(est!);
    if (name === undefined) throw new TypeError(`Incremental: ${est!.constructor.name} is not a registered estimator class, so workers cannot rebuild it; call registerEstimator in a module the workers load`);
    const A = asLazyArray(X);
    if (!A) {
      // in memory: one partialFit with everything (weights included)
      const fitted = (start === null ? est!.clone() : modelFromBytes(start)) as unknown as Fittable & { partialFit(X: unknown, y: unknown, o: unknown): Promise<unknown> };
      if (options.sampleWeight instanceof ShoalArray) throw new TypeError('sampleWeight: with in-memory X, sampleWeight must be in memory too');
      await fitted.partialFit(X, y, await this.withClasses(fitted, y, options));
      this.setFitted(fitted);
      return this;
    }
    const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
    if (yA !== undefined && !(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too (chunked like X)');
    if (yA === undefined) throw new TypeError('y: Incremental needs y (chunked like X)');
    if (yA.numChunks !== A.numChunks) throw new RangeError(`X and y: expected the same chunks, got ${A.numChunks} and ${yA.numChunks} chunks`);
    const { sampleWeight, ...rest } = options;
    const w = await blockWeights(sampleWeight as SampleWeight | null | undefined, A);
    const opts = await this.withClasses(est!, yA, rest);
    const order = p.shuffleBlocks ? Array.from(permutation(A.numChunks, p.randomState)) : [...A.keys.keys()];
    const token = tokenize('incremental', A.keys, yA.keys, w?.keys ?? null, name, Math.random());
    const tasks = new Map<string, TaskSpec>();
    let prev: string | null = null;
    const params = est!.getParams();
    for (const [step, i] of order.entries()) {
      const key = `incremental-${token}-${step}`;
      const model = prev === null ? start : ref(prev);
      const args = [ref(A.keys[i]), ref(yA.keys[i]), model, name, params, opts];
      if (w !== undefined) args.push(ref(w.keys[i]));
      tasks.set(key, { op: 'ml.incremental.step', args });
      prev = key;
    }
    const layers = w === undefined ? mergeLayers(A.layers, yA.layers) : mergeLayers(mergeLayers(A.layers, yA.layers), w.layers);
    const [bytes] = (await computeKeys(withLayer([layers], `incremental-${token}`, tasks), [prev!])) as Uint8Array[];
    this.setFitted(modelFromBytes(bytes) as Fittable);
    return this;
  }

  /** partialFit options with `classes` filled in for a classifier (its first call must know every class). */
  private async withClasses(est: object, y: unknown, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (options.classes !== undefined || estimatorKind(est) !== 'classifier') return options;
    if (y instanceof ShoalArray) {
      return { ...options, classes: await new ArrayData(y).reduce<number[]>('ml.glm.labelSet', () => [], 'ml.glm.labelSetCombine') };
    }
    return { ...options, classes: sortedClasses(y as ArrayLike<number | string>) };
  }
}
