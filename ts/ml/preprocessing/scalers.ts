/** StandardScaler and MinMaxScaler, as scikit-learn's. */
import { checkParam } from '../base.js';
import { computeVectors, type ShoalArray } from '../collections-bridge.js';
import type { Matrix } from '../validation.js';
import { ColumnTransformer, safeScale, type Affine } from './column-transformer.js';

export interface StandardScalerParams extends Record<string, unknown> {
  /** centre each column on its mean */
  withMean: boolean;
  /** scale each column to unit variance */
  withStd: boolean;
}

/**
 * Standardises columns: `(x − mean_) / scale_`, with `scale_ = √var_`
 * (population variance, ddof 0) and 1 for constant columns.
 *
 * @example
 * const s = await new StandardScaler().fit(X);   // X: number[][], a shoal Array or DataFrame
 * const Z = s.transform(X);
 */
export class StandardScaler extends ColumnTransformer<StandardScalerParams> {
  mean_?: Float64Array;
  var_?: Float64Array;
  scale_?: Float64Array;
  nSamplesSeen_?: number;

  constructor(params: Partial<StandardScalerParams> = {}) {
    super({ withMean: true, withStd: true }, params);
  }

  protected validateParams(): void {
    checkParam('StandardScaler', 'withMean', this.params.withMean, typeof this.params.withMean === 'boolean', 'a boolean');
    checkParam('StandardScaler', 'withStd', this.params.withStd, typeof this.params.withStd === 'boolean', 'a boolean');
  }

  protected learnInMemory(X: Matrix): void {
    const [n, d] = X.shape;
    const mean = new Float64Array(d);
    const m2 = new Float64Array(d);
    // two passes: exact for columns whose mean dwarfs their spread
    for (let i = 0; i < n * d; i++) mean[i % d] += X.data[i];
    for (let j = 0; j < d; j++) mean[j] /= n;
    for (let i = 0; i < n * d; i++) m2[i % d] += (X.data[i] - mean[i % d]) ** 2;
    this.setStats(mean, m2.map((v) => v / n), n);
  }

  protected async learnLazy(X: ShoalArray): Promise<void> {
    // mean and variance share their per-chunk partials (one pass over X)
    const [mean, variance] = await computeVectors([X.mean(0), X.var(0)]);
    this.setStats(mean, variance, X.knownLengths ? X.rows : NaN);
  }

  private setStats(mean: Float64Array, variance: Float64Array, n: number): void {
    this.mean_ = this.params.withMean || this.params.withStd ? mean : undefined;
    this.var_ = this.params.withStd ? variance : undefined;
    this.scale_ = this.params.withStd ? safeScale(variance.map(Math.sqrt), mean) : undefined;
    this.nSamplesSeen_ = n;
  }

  protected forward(): Affine {
    const d = this.nFeaturesIn_!;
    return {
      sub: this.params.withMean ? this.mean_! : new Float64Array(d),
      mul: this.params.withStd ? this.scale_!.map((s) => 1 / s) : new Float64Array(d).fill(1),
      add: new Float64Array(d),
    };
  }

  protected inverse(): Affine {
    const d = this.nFeaturesIn_!;
    return {
      sub: new Float64Array(d),
      mul: this.params.withStd ? this.scale_! : new Float64Array(d).fill(1),
      add: this.params.withMean ? this.mean_! : new Float64Array(d),
    };
  }
}

export interface MinMaxScalerParams extends Record<string, unknown> {
  /** the [min, max] each column is mapped to */
  featureRange: [number, number];
}

/** Scales columns to `featureRange`: `x · scale_ + min_`, learned from each column's min and max. */
export class MinMaxScaler extends ColumnTransformer<MinMaxScalerParams> {
  dataMin_?: Float64Array;
  dataMax_?: Float64Array;
  dataRange_?: Float64Array;
  scale_?: Float64Array;
  min_?: Float64Array;

  constructor(params: Partial<MinMaxScalerParams> = {}) {
    super({ featureRange: [0, 1] }, params);
  }

  protected validateParams(): void {
    const r = this.params.featureRange;
    checkParam('MinMaxScaler', 'featureRange', r, Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] < r[1], 'a pair [min, max] of finite numbers with min < max');
  }

  protected learnInMemory(X: Matrix): void {
    const [n, d] = X.shape;
    const lo = new Float64Array(d).fill(Infinity);
    const hi = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < n * d; i++) {
      const j = i % d;
      const v = X.data[i];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
    this.setStats(lo, hi);
  }

  protected async learnLazy(X: ShoalArray): Promise<void> {
    const [lo, hi] = await computeVectors([X.min(0), X.max(0)]);
    this.setStats(lo, hi);
  }

  private setStats(lo: Float64Array, hi: Float64Array): void {
    const [a, b] = this.params.featureRange;
    this.dataMin_ = lo;
    this.dataMax_ = hi;
    this.dataRange_ = hi.map((h, j) => h - lo[j]);
    // a constant column's range counts as 1 (scikit-learn's _handle_zeros_in_scale)
    this.scale_ = safeScale(this.dataRange_, new Float64Array(lo.length)).map((r) => (b - a) / r);
    this.min_ = lo.map((l, j) => a - l * this.scale_![j]);
  }

  protected forward(): Affine {
    const d = this.nFeaturesIn_!;
    return { sub: new Float64Array(d), mul: this.scale_!, add: this.min_! };
  }

  protected inverse(): Affine {
    return { sub: this.min_!, mul: this.scale_!.map((s) => 1 / s), add: new Float64Array(this.nFeaturesIn_!) };
  }
}
