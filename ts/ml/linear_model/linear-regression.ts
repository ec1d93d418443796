/**
 * Ordinary least squares, as scikit-learn's LinearRegression.
 *
 * Fit by sufficient statistics: each chunk gives XᵀX, Xᵀy, column sums and
 * Σy in one pass (the Rust Gram kernel); a tree reduction sums them, so the
 * data never leaves the workers and memory is O(features²) whatever the rows.
 * The intercept comes from centring the summed statistics
 * (XcᵀXc = XᵀX − n·x̄x̄ᵀ); the small system is solved by Cholesky, or, when it
 * is rank-deficient (collinear features), by the SVD pseudo-inverse — the
 * minimum-norm solution scikit-learn's lstsq gives. With `sampleWeight`, the
 * same on weighted statistics: weighted least squares, as scikit-learn.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { computeKeys } from '../../collections/graph/compute.js';
import { mergeLayers, tokenize, withLayer } from '../../collections/graph/layers.js';
import { treeReduce } from '../../collections/graph/reduce.js';
import { native } from '../../native.js';
import { BaseEstimator, checkParam } from '../base.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { r2Score } from '../metrics.js';
import { checkLazySampleWeight, checkSampleWeight, type WeightOptions } from '../sample-weight.js';
import { checkSameLength, toMatrix, toVector, type MatrixLike, type VectorLike } from '../validation.js';
import { combineGram, gramOfChunk, linearPredict, type GramStats } from './ops.js';

export interface LinearRegressionParams extends Record<string, unknown> {
  /** fit an intercept (centre the data); false: the model goes through the origin */
  fitIntercept: boolean;
}

type XInput = MatrixLike | ShoalArray | DataFrame;
type YInput = VectorLike | ShoalArray | DataFrame;

export class LinearRegression extends BaseEstimator<LinearRegressionParams> {
  coef_?: Float64Array;
  intercept_?: number;
  nFeaturesIn_?: number;
  featureNamesIn_?: string[];
  /** the rank of the centred design, as scikit-learn's `rank_` */
  rank_?: number;

  constructor(params: Partial<LinearRegressionParams> = {}) {
    super({ fitIntercept: true }, params);
  }

  get isFitted(): boolean { return this.coef_ !== undefined; }

  /**
   * Fits on in-memory data, or on shoal Arrays / DataFrames chunked alike
   * (nothing is pulled to the client but the statistics); `sampleWeight`
   * (an Array chunked like X for collections) minimises Σ wᵢ·(yᵢ − ŷᵢ)².
   */
  async fit(X: XInput, y: YInput, options: WeightOptions = {}): Promise<this> {
    checkParam('LinearRegression', 'fitIntercept', this.params.fitIntercept, typeof this.params.fitIntercept === 'boolean', 'a boolean');
    let stats: GramStats;
    let names: string[] | undefined;
    if (X instanceof ShoalArray || X instanceof DataFrame) {
      const XA = X instanceof DataFrame ? frameToArray(X) : X;
      names = X instanceof DataFrame ? X.columns : undefined;
      const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
      if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too (chunked like X)');
      stats = await lazyGram(XA, yA, await checkLazySampleWeight(options.sampleWeight, XA));
    } else {
      if (y instanceof ShoalArray || y instanceof DataFrame) throw new TypeError('y: with X in memory, y must be in memory too');
      const m = toMatrix('X', X);
      const v = toVector('y', y);
      checkSameLength('X', m.shape[0], 'y', v.length);
      names = m.columns;
      const w = checkSampleWeight(options.sampleWeight, v.length);
      stats = gramOfChunk(m, { data: v, shape: [v.length] }, w === undefined ? undefined : { data: w, shape: [w.length] });
    }
    this.solve(stats);
    this.featureNamesIn_ = names;
    return this;
  }

  private solve(s: GramStats): void {
    const d = s.colSums.length;
    const a = Float64Array.from(s.xtx);
    const b = Float64Array.from(s.xty);
    if (this.params.fitIntercept) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) a[i * d + j] -= (s.colSums[i] * s.colSums[j]) / s.n;
        b[i] -= (s.colSums[i] * s.ySum) / s.n;
      }
    }
    const { coef, rank } = solveSymmetric(a, b, d, s.rows);
    this.coef_ = coef;
    this.rank_ = rank;
    this.intercept_ = this.params.fitIntercept ? (s.ySum - coef.reduce((acc, w, i) => acc + w * s.colSums[i], 0)) / s.n : 0;
    this.nFeaturesIn_ = d;
  }

  /** `X·coef_ + intercept_`: a Float64Array for in-memory X, a lazy 1-D Array for an Array or DataFrame. */
  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: MatrixLike): Float64Array;
  predict(X: XInput): Float64Array | ShoalArray {
    this.checkFitted('predict');
    const coef = Array.from(this.coef_!);
    const XA = asLazyArray(X, this.featureNamesIn_);
    if (XA) {
      if (XA.cols !== coef.length) throw new RangeError(`LinearRegression.predict: X has ${XA.cols} columns, ${coef.length} were seen at fit`);
      return XA.mapBlocks('ml.linear.predict', { args: [coef, this.intercept_!], cols: null, dtype: 'float64' });
    }
    const m = toMatrix('X', X);
    if (m.shape[1] !== coef.length) throw new RangeError(`LinearRegression.predict: X has ${m.shape[1]} columns, ${coef.length} were seen at fit`);
    return linearPredict(m, coef, this.intercept_!).data as Float64Array;
  }

  /** R² of the predictions (weighted by `sampleWeight` when given). */
  async score(X: XInput, y: YInput, options: WeightOptions = {}): Promise<number> {
    this.checkFitted('score');
    const p = this.predict(X as MatrixLike);
    if (p instanceof ShoalArray) {
      const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
      return r2Score(yA as ShoalArray, p as unknown as ShoalArray, options);
    }
    return r2Score(y as VectorLike, p, options);
  }
}

/** Σ over chunks of the Gram statistics, as a tree reduction on the cluster. */
async function lazyGram(X: ShoalArray, y: ShoalArray, w: ShoalArray | undefined): Promise<GramStats> {
  if (X.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${X.shape.join(', ')}]`);
  if (y.ndim !== 1) throw new RangeError(`y: expected a 1-D Array, got shape [${y.shape.join(', ')}]`);
  if (X.numChunks !== y.numChunks) throw new RangeError(`X and y: expected the same chunks, got ${X.numChunks} and ${y.numChunks} chunks`);
  X.chunks.forEach((n, i) => {
    if (Number.isFinite(n) && Number.isFinite(y.chunks[i]) && n !== y.chunks[i]) throw new RangeError(`X and y: chunk ${i} has ${n} rows in X and ${y.chunks[i]} in y`);
  });
  const token = tokenize('linreg-gram', X.keys, y.keys, w?.keys ?? null);
  const tasks = new Map<string, TaskSpec>();
  const parts = X.keys.map((k, i) => {
    const key = `gram-${token}-${i}`;
    tasks.set(key, w === undefined ? { op: 'ml.linear.gram', args: [ref(k), ref(y.keys[i])] } : { op: 'ml.linear.gramWeighted', args: [ref(k), ref(y.keys[i]), ref(w.keys[i])] });
    return key;
  });
  const tree = treeReduce(`gram-${token}-combine`, parts, 'ml.linear.gramCombine');
  for (const [k, t] of tree.tasks) tasks.set(k, t);
  const layers = withLayer([w === undefined ? mergeLayers(X.layers, y.layers) : mergeLayers(X.layers, y.layers, w.layers)], `gram-${token}`, tasks);
  const [stats] = (await computeKeys(layers, [tree.root])) as GramStats[];
  return stats;
}

/**
 * Solves A·w = b for the symmetric positive semi-definite normal matrix A of
 * `n` rows. The rank comes from A's singular values: one below
 * max(s)·d·√n·ε is rounding noise of the summed statistics, not signal.
 * Full rank: Cholesky. Otherwise the pseudo-inverse over the kept singular
 * values: the minimum-norm solution scikit-learn's lstsq gives.
 * (Cholesky alone is not enough: exactly collinear columns leave a tiny
 * positive pivot made of rounding, and a meaningless huge solution.)
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, d: number, n: number): { coef: Float64Array; rank: number } {
  const { u, s, vt } = native.svd(a, d, d);
  const cutoff = Math.max(...s) * d * Math.sqrt(n) * Number.EPSILON;
  const rank = s.filter((v) => v > cutoff).length;
  if (rank === d) return { coef: native.solveSpd(a, d, b, 1), rank };
  const coef = new Float64Array(d);
  for (let k = 0; k < s.length; k++) {
    if (s[k] <= cutoff) continue;
    let utb = 0;
    for (let i = 0; i < d; i++) utb += u[i * s.length + k] * b[i];
    for (let j = 0; j < d; j++) coef[j] += (vt[k * d + j] * utb) / s[k];
  }
  return { coef, rank };
}

export type { ChunkLike };
