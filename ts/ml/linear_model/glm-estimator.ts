/**
 * What LogisticRegression and PoissonRegression share: their hyper-parameters
 * (Dask-ML's names: `penalty`, `C`, `solver`, …), the mapping of `C` to the
 * solvers' α, input handling for in-memory data and shoal collections (X
 * persisted once, y turned into the kernels' float64 targets chunked like X),
 * and splitting the solution β into `coef_` and `intercept_`.
 */
import { BaseEstimator, checkParam } from '../base.js';
import { ArrayData, InMemoryData, type ChunkedData } from '../chunked.js';
import { native } from '../../native.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { checkLazySampleWeight, checkSampleWeight, type SampleWeight } from '../sample-weight.js';
import { checkSameLength, toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import type { GlmDesign } from './glm-ops.js';
import { GLM_SOLVERS, outputs, solveGlm, type GlmSolver } from './glm-solvers.js';

export type GlmPenalty = 'l2' | 'l1' | 'elasticnet' | 'none';

export interface GlmParams extends Record<string, unknown> {
  /** 'l2' (default), 'l1', 'elasticnet' (mixing by `l1Ratio`) or 'none' */
  penalty: GlmPenalty;
  /** inverse regularisation strength: the objective is C·Σ wᵢ·loss + penalty (scikit-learn's convention; wᵢ = 1 unweighted) */
  C: number;
  /** elastic-net mixing in [0, 1] (1 = pure L1); only with penalty 'elasticnet' */
  l1Ratio: number | null;
  fitIntercept: boolean;
  /** 'lbfgs' (default), 'newton', 'gradient_descent', 'proximal_grad' or 'admm' */
  solver: GlmSolver;
  maxIter: number;
  tol: number;
}

export const GLM_DEFAULTS: GlmParams = { penalty: 'l2', C: 1, l1Ratio: null, fitIntercept: true, solver: 'lbfgs', maxIter: 100, tol: 1e-4 };

export type XInput = MatrixLike | ShoalArray | DataFrame;

/** Prepared training data: chunked X with its targets (and row weights, when `weightSum` is set) as companions. */
export interface GlmData {
  data: ChunkedData;
  cols: number;
  names?: string[];
  /** Σ of the row weights, when the data is weighted */
  weightSum?: number;
}

export abstract class GlmEstimator<P extends GlmParams> extends BaseEstimator<P> {
  /** `outputs x features`, row-major (one row for a binary or count model) */
  coef_?: Matrix;
  intercept_?: Float64Array;
  nIter_?: number;
  /** whether the solver met `tol` within `maxIter` */
  converged_?: boolean;
  nFeaturesIn_?: number;
  featureNamesIn_?: string[];

  get isFitted(): boolean { return this.coef_ !== undefined; }

  protected validateGlm(): void {
    const E = this.constructor.name;
    const p = this.params;
    checkParam(E, 'penalty', p.penalty, ['l2', 'l1', 'elasticnet', 'none'].includes(p.penalty), "'l2', 'l1', 'elasticnet' or 'none'");
    checkParam(E, 'C', p.C, typeof p.C === 'number' && p.C > 0 && Number.isFinite(p.C), 'a positive number');
    if (p.penalty === 'elasticnet') checkParam(E, 'l1Ratio', p.l1Ratio, typeof p.l1Ratio === 'number' && p.l1Ratio >= 0 && p.l1Ratio <= 1, "a number in [0, 1] with penalty 'elasticnet'");
    else checkParam(E, 'l1Ratio', p.l1Ratio, p.l1Ratio === null, `null unless penalty is 'elasticnet' (penalty is '${p.penalty}')`);
    checkParam(E, 'fitIntercept', p.fitIntercept, typeof p.fitIntercept === 'boolean', 'a boolean');
    checkParam(E, 'solver', p.solver, GLM_SOLVERS.includes(p.solver), GLM_SOLVERS.map((s) => `'${s}'`).join(', '));
    checkParam(E, 'maxIter', p.maxIter, Number.isInteger(p.maxIter) && p.maxIter > 0, 'a positive integer');
    checkParam(E, 'tol', p.tol, typeof p.tol === 'number' && p.tol > 0, 'a positive number');
    if (this.l1Ratio() > 0 && ['lbfgs', 'newton', 'gradient_descent'].includes(p.solver)) {
      throw new RangeError(`${E}: solver '${p.solver}' supports penalty 'l2' or 'none', got penalty '${p.penalty}'; use solver 'proximal_grad' or 'admm'`);
    }
  }

  private l1Ratio(): number {
    const p = this.params;
    return p.penalty === 'l1' ? 1 : p.penalty === 'elasticnet' ? p.l1Ratio! : 0;
  }

  /**
   * X (in memory or a collection) with its targets and row weights; `targets`
   * turns y into float64 kernel targets. The row weights are the sample
   * weights, times what `lazyRowWeights`/`memoryRowWeights` add (class weights).
   */
  protected async prepare(X: XInput, y: unknown, lazyTargets: (y: ShoalArray) => Promise<ShoalArray>, memoryTargets: (y: unknown, n: number) => Float64Array, sampleWeight?: SampleWeight | null): Promise<GlmData> {
    const XA = asLazyArray(X);
    if (XA) {
      if (XA.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${XA.shape.join(', ')}]`);
      const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
      if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too (chunked like X)');
      if (yA.ndim !== 1) throw new RangeError(`y: expected a 1-D Array, got shape [${yA.shape.join(', ')}]`);
      if (yA.numChunks !== XA.numChunks) throw new RangeError(`X and y: expected the same chunks, got ${XA.numChunks} and ${yA.numChunks} chunks`);
      const sw = await checkLazySampleWeight(sampleWeight, XA);
      const [Xp, yp] = await Promise.all([XA.persist({ wait: true }), lazyTargets(yA).then((t) => t.persist({ wait: true }))]);
      const w = await this.lazyRowWeights(yp, sw);
      const wp = w === undefined ? undefined : await w.persist({ wait: true });
      const weightSum = wp === undefined ? undefined : checkWeightSum(await wp.sum().compute());
      return { data: new ArrayData(Xp, wp === undefined ? [yp] : [yp, wp]), cols: XA.cols ?? 1, names: X instanceof DataFrame ? X.columns : undefined, weightSum };
    }
    if (y instanceof ShoalArray || y instanceof DataFrame) throw new TypeError('y: with X in memory, y must be in memory too');
    const m = toMatrix('X', X);
    const t = memoryTargets(y, m.shape[0]);
    checkSameLength('X', m.shape[0], 'y', t.length);
    const w = await this.memoryRowWeights(t, checkSampleWeight(sampleWeight, t.length));
    const companions = [{ data: t, shape: [t.length] }];
    if (w !== undefined) companions.push({ data: w, shape: [w.length] });
    return { data: new InMemoryData(m, companions), cols: m.shape[1], names: m.columns, weightSum: w === undefined ? undefined : checkWeightSum(w.reduce((a, b) => a + b, 0)) };
  }

  /** Row weights of a collection from its (persisted) kernel targets and sample weights: the sample weights, unless a subclass adds class weights. */
  protected async lazyRowWeights(_targets: ShoalArray, sampleWeight: ShoalArray | undefined): Promise<ShoalArray | undefined> {
    return sampleWeight;
  }

  /** Row weights of in-memory data (as `lazyRowWeights`). */
  protected async memoryRowWeights(_targets: Float64Array, sampleWeight: Float64Array | undefined): Promise<Float64Array | undefined> {
    return sampleWeight;
  }

  /** Solves and stores coef_, intercept_, nIter_, converged_. */
  protected async solve(d: GlmData, design: GlmDesign): Promise<void> {
    {
      // C·Σ w·loss + pen  ≡  (1/W)·Σ w·loss + α·pen with α = 1/(C·W), W = Σ w (the row count unweighted),
      // as scikit-learn scales its penalty by the sum of the sample weights (times class weights)
      const W = d.weightSum ?? await d.data.reduce<number>('ml.glm.rows', () => [], 'core.sum');
      const p = this.params;
      const alpha = p.penalty === 'none' ? 0 : 1 / (p.C * W);
      const weighted = d.weightSum !== undefined;
      let sol: { beta: Float64Array; nIter: number; converged: boolean };
      // All the data is here: the kernel's whole in-memory solver (the same method and
      // stopping rule, without a pass of the driver per step) — grid-search fits are these.
      // Not for multinomial L-BFGS: near the optimum its gradient test alone can stall on
      // the flat common-intercept direction, which the driver's F-decrease test ends.
      if (d.data instanceof InMemoryData && (p.solver === 'newton' || (p.solver === 'lbfgs' && design.family !== 'multinomial'))) {
        const x = d.data.chunk;
        const spec = weighted ? { ...design, weights: d.data.companions[1]!.data as Float64Array } : design;
        const r = native.glmFit(spec, x.data as Float64Array, x.shape[0], d.cols, d.data.companions[0]!.data as Float64Array,
          { solver: p.solver, alpha, l1Ratio: this.l1Ratio(), maxIter: p.maxIter, tol: p.tol });
        sol = { beta: r.beta, nIter: r.iterations, converged: r.converged };
      } else {
        sol = await solveGlm({ data: d.data, design, cols: d.cols, alpha, l1Ratio: this.l1Ratio(), weighted }, { solver: p.solver, maxIter: p.maxIter, tol: p.tol });
      }
      const k = outputs(design);
      const q = d.cols + (design.fitIntercept ? 1 : 0);
      const coef = new Float64Array(k * d.cols);
      const intercept = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        coef.set(sol.beta.subarray(c * q, c * q + d.cols), c * d.cols);
        if (design.fitIntercept) intercept[c] = sol.beta[c * q + d.cols];
      }
      if (design.family === 'multinomial' && design.fitIntercept) {
        // softmax is unchanged by one constant added to every intercept, and intercepts
        // are not penalised: report the centred ones (as scikit-learn does)
        const mean = intercept.reduce((a, b) => a + b, 0) / k;
        for (let c = 0; c < k; c++) intercept[c] -= mean;
      }
      this.coef_ = { data: coef, shape: [k, d.cols] };
      this.intercept_ = intercept;
      this.nIter_ = sol.nIter;
      this.converged_ = sol.converged;
      this.nFeaturesIn_ = d.cols;
      this.featureNamesIn_ = d.names;
    }
  }

  /** X for a prediction: a lazy Array (width checked) or a checked in-memory matrix. */
  protected predictInput(X: XInput, method: string): ShoalArray | Matrix {
    this.checkFitted(method);
    const A = asLazyArray(X, this.featureNamesIn_);
    const width = A ? A.cols : undefined;
    const m = A ? undefined : toMatrix('X', X);
    const got = A ? width : m!.shape[1];
    if (got !== this.nFeaturesIn_) throw new RangeError(`${this.constructor.name}.${method}: X has ${got} columns, ${this.nFeaturesIn_} were seen at fit`);
    return A ?? m!;
  }

  protected coefArgs(): [number[], number[]] {
    return [Array.from(this.coef_!.data), Array.from(this.intercept_!)];
  }
}

function checkWeightSum(sum: number): number {
  if (!(sum > 0)) throw new RangeError('sampleWeight: every sample has weight 0 (sample weights times class weights); at least one needs a positive weight');
  return sum;
}
