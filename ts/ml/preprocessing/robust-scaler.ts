/** RobustScaler, as scikit-learn's: centre on the median, scale by a quantile range. */
import { checkParam } from '../base.js';
import { ArrayData } from '../chunked.js';
import type { ShoalArray } from '../collections-bridge.js';
import type { Matrix } from '../validation.js';
import { ColumnTransformer, safeScale, type Affine } from './column-transformer.js';
import { columnOrderStatistics, linearPercentile, median, medianRanks, normPpf, percentileRanks } from './quantiles.js';
import './quantile-ops.js';

export interface RobustScalerParams extends Record<string, unknown> {
  /** subtract each column's median */
  withCentering: boolean;
  /** divide each column by its quantile range */
  withScaling: boolean;
  /** the percentiles [qMin, qMax] whose difference is the scale, 0 ≤ qMin ≤ qMax ≤ 100 */
  quantileRange: [number, number];
  /** divide the scale by the normal distribution's range over the same quantiles, so normal data get variance 1 */
  unitVariance: boolean;
}

/**
 * Scales columns robustly to outliers: `(x − center_) / scale_`, with
 * `center_` the median and `scale_` the difference of the `quantileRange`
 * percentiles (NumPy's linear interpolation; 1 for a constant column).
 *
 * The statistics are exact on every input. In memory each column is sorted;
 * on a shoal Array or DataFrame X is persisted and the needed order
 * statistics are found by a distributed selection (quantiles.ts): one pass
 * when a column has at most 65 536 values, typically two for millions, and
 * only sketches of a few thousand values per chunk travel. The results equal
 * the in-memory ones bit for bit. Unlike scikit-learn, NaN is rejected
 * (scikit-learn ignores it): drop or impute missing values first.
 *
 * @example
 * const s = await new RobustScaler({ quantileRange: [10, 90] }).fit(df.select(['fare', 'tip']));
 * const scaled = s.transform(df.select(['fare', 'tip']));   // lazy DataFrame
 */
export class RobustScaler extends ColumnTransformer<RobustScalerParams> {
  /** the medians (when withCentering) */
  center_?: Float64Array;
  /** the quantile ranges (when withScaling) */
  scale_?: Float64Array;
  nSamplesSeen_?: number;

  constructor(params: Partial<RobustScalerParams> = {}) {
    super({ withCentering: true, withScaling: true, quantileRange: [25, 75], unitVariance: false }, params);
  }

  protected validateParams(): void {
    const E = 'RobustScaler';
    const p = this.params;
    checkParam(E, 'withCentering', p.withCentering, typeof p.withCentering === 'boolean', 'a boolean');
    checkParam(E, 'withScaling', p.withScaling, typeof p.withScaling === 'boolean', 'a boolean');
    checkParam(E, 'unitVariance', p.unitVariance, typeof p.unitVariance === 'boolean', 'a boolean');
    const r = p.quantileRange;
    checkParam(E, 'quantileRange', r, Array.isArray(r) && r.length === 2 && r.every((q) => typeof q === 'number') && 0 <= r[0] && r[0] <= r[1] && r[1] <= 100,
      'a pair [qMin, qMax] with 0 ≤ qMin ≤ qMax ≤ 100');
  }

  /** The ranks (0-based, per column) the statistics read, for n rows. */
  private ranks(n: number): number[] {
    const { withCentering, withScaling, quantileRange: [a, b] } = this.params;
    return [...(withCentering ? medianRanks(n) : []), ...(withScaling ? [...percentileRanks(n, a), ...percentileRanks(n, b)] : [])];
  }

  protected learnInMemory(X: Matrix): void {
    const [n, d] = X.shape;
    const sorted = Array.from({ length: d }, (_, j) => {
      const c = new Float64Array(n);
      for (let r = 0; r < n; r++) c[r] = X.data[r * d + j];
      return c.sort();
    });
    this.setStats(n, d, (j, k) => sorted[j][k]);
  }

  protected async learnLazy(X: ShoalArray): Promise<void> {
    const d = X.cols!;
    // the selection reads X a few times: compute it once
    const persisted = await X.persist({ wait: true });
    const { n, values } = await columnOrderStatistics(new ArrayData(persisted), (rows) => Array.from({ length: d }, () => this.ranks(rows)));
    this.setStats(n, d, (j, k) => values[j].get(k)!);
  }

  private setStats(n: number, d: number, at: (col: number, rank: number) => number): void {
    const { withCentering, withScaling, quantileRange: [a, b], unitVariance } = this.params;
    const perColumn = (f: (atJ: (k: number) => number) => number): Float64Array => Float64Array.from({ length: d }, (_, j) => f((k) => at(j, k)));
    this.center_ = withCentering ? perColumn((atJ) => median(atJ, n)) : undefined;
    if (withScaling) {
      const range = perColumn((atJ) => linearPercentile(atJ, n, b) - linearPercentile(atJ, n, a));
      // scikit-learn's _handle_zeros_in_scale: an absolute threshold of 10 ulp of 1
      let scale = safeScale(range, new Float64Array(d));
      if (unitVariance) {
        const adjust = normPpf(b / 100) - normPpf(a / 100);
        scale = scale.map((s) => s / adjust);
      }
      this.scale_ = scale;
    } else {
      this.scale_ = undefined;
    }
    this.nSamplesSeen_ = n;
  }

  protected forward(): Affine {
    const d = this.nFeaturesIn_!;
    return {
      sub: this.center_ ?? new Float64Array(d),
      mul: this.scale_ ? this.scale_.map((s) => 1 / s) : new Float64Array(d).fill(1),
      add: new Float64Array(d),
    };
  }

  protected inverse(): Affine {
    const d = this.nFeaturesIn_!;
    return {
      sub: new Float64Array(d),
      mul: this.scale_ ?? new Float64Array(d).fill(1),
      add: this.center_ ?? new Float64Array(d),
    };
  }
}
