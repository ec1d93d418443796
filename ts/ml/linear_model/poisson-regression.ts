/**
 * Poisson regression (log link) for counts, as Dask-ML's PoissonRegression:
 * E[y] = exp(X·w + b), fitted by minimising C·Σ sᵢ·(exp(η) − y·η) + penalty
 * with the distributed GLM solvers (sᵢ: `fit`'s `sampleWeight`, 1 by
 * default). scikit-learn's PoissonRegressor(alpha) is the same model with
 * C = 1/(alpha·n_samples), and with sample weights C = 1/(alpha·Σ sᵢ): it
 * averages the deviance over the weights.
 */
import { ArrayData } from '../chunked.js';
import { computeVectors, DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { checkLazySampleWeightSum, checkSampleWeight, type WeightOptions } from '../sample-weight.js';
import { toVector, type VectorLike } from '../validation.js';
import { GLM_DEFAULTS, GlmEstimator, type GlmParams, type XInput } from './glm-estimator.js';
import { poissonDevianceChunk, poissonMeanChunk } from './glm-ops.js';

export type PoissonRegressionParams = GlmParams;

export class PoissonRegression extends GlmEstimator<PoissonRegressionParams> {
  constructor(params: Partial<PoissonRegressionParams> = {}) {
    super({ ...GLM_DEFAULTS }, params);
  }

  /** Fits on in-memory data, or on a shoal Array/DataFrame with a 1-D count Array chunked alike; `sampleWeight` weighs each sample's loss. */
  async fit(X: XInput, y: VectorLike | ShoalArray | DataFrame, options: WeightOptions = {}): Promise<this> {
    this.validateGlm();
    const d = await this.prepare(X, y,
      async (yA) => {
        // counts must be finite and non-negative: their min and max, in one graph, before the
        // solver starts (not their distinct values, which for rates could be all of them)
        const [[lo], [hi]] = await computeVectors([yA.min(), yA.max()]);
        if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`y: expected finite targets, got values from ${lo} to ${hi}`);
        if (lo < 0) throw new RangeError(`y: Poisson regression needs non-negative targets, got ${lo}`);
        return yA.astype('float64');
      },
      (yIn) => {
        const v = toVector('y', yIn);
        const bad = v.findIndex((t) => t < 0);
        if (bad >= 0) throw new RangeError(`y: Poisson regression needs non-negative targets, got ${v[bad]} at index ${bad}`);
        return v;
      },
      options.sampleWeight);
    await this.solve(d, { family: 'poisson', fitIntercept: this.params.fitIntercept });
    return this;
  }

  /** The expected counts exp(X·w + b). */
  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: XInput): Float64Array;
  predict(X: XInput): Float64Array | ShoalArray {
    const input = this.predictInput(X, 'predict');
    const [coef, intercept] = this.coefArgs();
    if (input instanceof ShoalArray) return input.mapBlocks('ml.glm.poissonMean', { args: [coef, intercept], dtype: 'float64', cols: null });
    return Float64Array.from(poissonMeanChunk(input, coef, intercept).data);
  }

  /** D², the fraction of Poisson deviance explained (scikit-learn's PoissonRegressor.score), weighted by `sampleWeight` when given. */
  async score(X: XInput, y: VectorLike | ShoalArray | DataFrame, options: WeightOptions = {}): Promise<number> {
    const mu = (this.predict as (X: XInput) => Float64Array | ShoalArray)(X);
    if (mu instanceof ShoalArray) {
      const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
      if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too');
      const weighted = await checkLazySampleWeightSum(options.sampleWeight, yA, 'y');
      if (weighted === undefined) {
        const ybar = await yA.mean().compute();
        const [dev, nullDev] = await new ArrayData(yA, [mu]).reduce<[number, number]>('ml.glm.poissonDeviance', () => [ybar], 'ml.glm.sumPairs');
        return 1 - dev / nullDev;
      }
      const { w, sum: total } = weighted;
      const wy = await yA.mul(w).sum().compute();
      const [dev, nullDev] = await new ArrayData(yA, [mu, w]).reduce<[number, number]>('ml.glm.poissonDevianceWeighted', () => [wy / total], 'ml.glm.sumPairs');
      return 1 - dev / nullDev;
    }
    const t = toVector('y', y);
    if (t.length !== mu.length) throw new RangeError(`X and y: expected the same number of samples, got ${mu.length} and ${t.length}`);
    const w = checkSampleWeight(options.sampleWeight, t.length);
    let ybar = 0;
    let total = 0;
    for (let i = 0; i < t.length; i++) {
      ybar += (w === undefined ? 1 : w[i]) * t[i];
      total += w === undefined ? 1 : w[i];
    }
    ybar /= total;
    const [dev, nullDev] = poissonDevianceChunk({ data: t, shape: [t.length] }, { data: mu, shape: [mu.length] }, ybar, w === undefined ? undefined : { data: w, shape: [w.length] });
    return 1 - dev / nullDev;
  }
}
