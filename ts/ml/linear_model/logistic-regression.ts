/**
 * Logistic regression, as scikit-learn's LogisticRegression and Dask-ML's:
 * binary (the logistic loss) and, for three or more classes, multinomial (the
 * softmax loss over all classes at once — Dask-ML has no multinomial model).
 *
 * Objective: C·Σ sᵢ·loss + penalty, with penalty ½‖w‖² ('l2'), ‖w‖₁ ('l1'),
 * l1Ratio·‖w‖₁ + ½(1 − l1Ratio)‖w‖² ('elasticnet') or none; intercepts are
 * not penalised. sᵢ is sample i's weight (`fit`'s `sampleWeight`) times its
 * class's weight (`classWeight`), 1 by default, as in scikit-learn. Solved by the distributed solvers of glm-solvers.ts: each
 * step is one tree reduction of Rust kernel partials over X's chunks.
 */
import { labelList, labelsOf, meanAccuracy, sortedClasses } from '../labels.js';
import { checkParam } from '../base.js';
import { ArrayData } from '../chunked.js';
import { DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { classWeightVector, isClassWeight, type ClassWeight, type WeightOptions } from '../sample-weight.js';
import type { Matrix } from '../validation.js';
import { GLM_DEFAULTS, GlmEstimator, type GlmParams, type XInput } from './glm-estimator.js';
import { classTotals, decisionChunk, predictClassChunk, probaChunk } from './glm-ops.js';

export interface LogisticRegressionParams extends GlmParams {
  /** 'balanced', a weight per class label (labels as keys; 1 for those left out), or null (all 1): multiplies `sampleWeight` */
  classWeight: ClassWeight;
}

/** Class labels: numbers, or strings (in-memory data only). */
export type Labels = ArrayLike<number> | readonly string[];

export class LogisticRegression extends GlmEstimator<LogisticRegressionParams> {
  /** the class labels, sorted */
  classes_?: number[] | string[];

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super({ ...GLM_DEFAULTS, classWeight: null }, params);
  }

  /**
   * Fits on in-memory X and labels, or on a shoal Array/DataFrame with a 1-D
   * label Array chunked alike; `sampleWeight` (a shoal Array chunked like X
   * for collections) weighs each sample's loss.
   *
   * @example
   * await new LogisticRegression({ classWeight: 'balanced' }).fit(X, y, { sampleWeight });
   */
  async fit(X: XInput, y: Labels | ShoalArray | DataFrame, options: WeightOptions = {}): Promise<this> {
    this.validateGlm();
    checkParam('LogisticRegression', 'classWeight', this.params.classWeight, isClassWeight(this.params.classWeight), "'balanced', an object of non-negative finite weights by class label, or null");
    const d = await this.prepare(X, y,
      async (yA) => {
        const labels = await new ArrayData(yA).reduce<number[]>('ml.glm.labelSet', () => [], 'ml.glm.labelSetCombine');
        this.setClasses(labels);
        return yA.mapBlocks('ml.glm.encodeLabels', { args: [labels], dtype: 'float64', cols: null });
      },
      (yIn) => this.encodeInMemory(yIn),
      options.sampleWeight);
    const k = this.classes_!.length;
    await this.solve(d, k === 2 ? { family: 'logistic', fitIntercept: this.params.fitIntercept } : { family: 'multinomial', fitIntercept: this.params.fitIntercept, classes: k });
    return this;
  }

  /** Sample weights times class weights, on the cluster: the targets are class indices. */
  protected override async lazyRowWeights(targets: ShoalArray, sampleWeight: ShoalArray | undefined): Promise<ShoalArray | undefined> {
    const k = this.classes_!.length;
    const cw = await classWeightVector(this.params.classWeight, this.classes_!, () => sampleWeight === undefined
      ? new ArrayData(targets).reduce<Float64Array>('ml.glm.classTotals', () => [k], 'ml.glm.addVectors')
      : new ArrayData(targets, [sampleWeight]).reduce<Float64Array>('ml.glm.classTotalsWeighted', () => [k], 'ml.glm.addVectors'));
    if (cw === undefined) return sampleWeight;
    const rows = targets.mapBlocks('ml.glm.classWeightRows', { args: [Array.from(cw)], dtype: 'float64', cols: null });
    return sampleWeight === undefined ? rows : rows.mul(sampleWeight);
  }

  protected override async memoryRowWeights(targets: Float64Array, sampleWeight: Float64Array | undefined): Promise<Float64Array | undefined> {
    const cw = await classWeightVector(this.params.classWeight, this.classes_!, () => classTotals(targets, this.classes_!.length, sampleWeight));
    if (cw === undefined) return sampleWeight;
    return Float64Array.from(targets, (c, i) => cw[c] * (sampleWeight === undefined ? 1 : sampleWeight[i]));
  }

  private setClasses(classes: number[] | string[]): void {
    if (classes.length < 2) throw new RangeError(`y: LogisticRegression needs samples of at least 2 classes, got only class ${JSON.stringify(classes[0] ?? null)}`);
    this.classes_ = classes;
  }

  private encodeInMemory(y: unknown): Float64Array {
    const list = labelList(y);
    const strings = list.length > 0 && typeof list[0] === 'string';
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (strings ? typeof v !== 'string' : typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`y: expected ${strings ? 'string' : 'finite numeric'} labels throughout, got ${JSON.stringify(v)} at index ${i}`);
      }
    }
    const classes = sortedClasses(list);
    this.setClasses(classes);
    const index = new Map<number | string, number>((classes as (number | string)[]).map((c, i) => [c, i]));
    return Float64Array.from(list, (v) => index.get(v)!);
  }

  /** The linear predictor: `n` values for a binary model, `n x classes` for a multinomial one (scikit-learn's decision_function). */
  decisionFunction(X: ShoalArray | DataFrame): ShoalArray;
  decisionFunction(X: XInput): Float64Array | Matrix;
  decisionFunction(X: XInput): Float64Array | Matrix | ShoalArray {
    const input = this.predictInput(X, 'decisionFunction');
    const [coef, intercept] = this.coefArgs();
    if (input instanceof ShoalArray) {
      return input.mapBlocks('ml.glm.decision', { args: [coef, intercept], dtype: 'float64', cols: intercept.length === 1 ? null : intercept.length });
    }
    const c = decisionChunk(input, coef, intercept);
    return intercept.length === 1 ? Float64Array.from(c.data) : { data: Float64Array.from(c.data), shape: [c.shape[0], c.shape[1]] };
  }

  /** Class probabilities, `n x classes`, columns in the order of `classes_`. */
  predictProba(X: ShoalArray | DataFrame): ShoalArray;
  predictProba(X: XInput): Matrix;
  predictProba(X: XInput): Matrix | ShoalArray {
    const input = this.predictInput(X, 'predictProba');
    const [coef, intercept] = this.coefArgs();
    if (input instanceof ShoalArray) return input.mapBlocks('ml.glm.proba', { args: [coef, intercept], dtype: 'float64', cols: this.classes_!.length });
    const c = probaChunk(input, coef, intercept);
    return { data: Float64Array.from(c.data), shape: [c.shape[0], c.shape[1]] };
  }

  /** The most probable class of each row: its label (a lazy Array of labels for a collection; numeric labels only there). */
  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: XInput): Float64Array | string[];
  predict(X: XInput): Float64Array | string[] | ShoalArray {
    const input = this.predictInput(X, 'predict');
    const [coef, intercept] = this.coefArgs();
    const classes = this.classes_!;
    const numeric = typeof classes[0] === 'number';
    if (input instanceof ShoalArray) {
      if (!numeric) throw new TypeError('LogisticRegression.predict: string class labels can only be predicted for in-memory X');
      return input.mapBlocks('ml.glm.predictClass', { args: [coef, intercept, classes], dtype: 'float64', cols: null });
    }
    const idx = predictClassChunk(input, coef, intercept, classes.map((_, i) => i)).data;
    return labelsOf(idx, classes);
  }

  /** Mean accuracy on (X, y), weighted by `sampleWeight` when given. */
  async score(X: XInput, y: Labels | ShoalArray | DataFrame, options: WeightOptions = {}): Promise<number> {
    return meanAccuracy((this.predict as (X: XInput) => Float64Array | string[] | ShoalArray)(X), y, options.sampleWeight);
  }

}

