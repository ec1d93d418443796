/**
 * Gaussian naive Bayes, as scikit-learn's GaussianNB: per class, the mean and
 * variance of every feature; prediction by the largest joint log-likelihood.
 *
 * `fit` on a collection is one pass: per-chunk class moments merged in a tree
 * (Chan et al.'s pairwise update), so only k x features numbers come back.
 * `partialFit` on in-memory batches applies scikit-learn's own update batch
 * after batch (including its epsilon bookkeeping), which is what the
 * Incremental wrapper chains over a collection's blocks.
 */
import { BaseEstimator, checkParam } from '../base.js';
import { ArrayData } from '../chunked.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { labelList, labelsOf, meanAccuracy, sortedClasses } from '../labels.js';
import { checkSameLength, toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import { classMomentsChunk, nbPredictChunk, nbProbaChunk, type GroupMoments } from './ops.js';
import '../linear_model/glm-ops.js'; // the label discovery and encoding ops

export interface GaussianNBParams extends Record<string, unknown> {
  /** class prior probabilities; null: the class frequencies */
  priors: number[] | null;
  /** the largest feature variance times this is added to every variance (numerical stability) */
  varSmoothing: number;
}

type XInput = MatrixLike | ShoalArray | DataFrame;
type Labels = ArrayLike<number> | readonly string[];

export class GaussianNB extends BaseEstimator<GaussianNBParams> {
  classes_?: number[] | string[];
  /** per-class feature means, `classes x features` */
  theta_?: Matrix;
  /** per-class feature variances (epsilon included), `classes x features` */
  var_?: Matrix;
  classCount_?: Float64Array;
  classPrior_?: Float64Array;
  epsilon_?: number;
  nFeaturesIn_?: number;

  constructor(params: Partial<GaussianNBParams> = {}) {
    super({ priors: null, varSmoothing: 1e-9 }, params);
  }

  get isFitted(): boolean { return this.theta_ !== undefined; }

  private validate(): void {
    const p = this.params;
    checkParam('GaussianNB', 'varSmoothing', p.varSmoothing, typeof p.varSmoothing === 'number' && p.varSmoothing >= 0, 'a non-negative number');
    checkParam('GaussianNB', 'priors', p.priors, p.priors === null || (Array.isArray(p.priors) && p.priors.every((v) => v >= 0) && Math.abs(p.priors.reduce((a, b) => a + b, 0) - 1) < 1e-8), 'null or non-negative numbers summing to 1');
  }

  /** Fits on in-memory data, or on a shoal Array/DataFrame with labels chunked alike (one pass over the data). */
  async fit(X: XInput, y: Labels | ShoalArray | DataFrame): Promise<this> {
    this.validate();
    const A = asLazyArray(X);
    let m: GroupMoments;
    let cols: number;
    if (A) {
      const yA = y instanceof DataFrame ? frameToArray(y).col(0) : y;
      if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too (chunked like X)');
      const labels = await new ArrayData(yA).reduce<number[]>('ml.glm.labelSet', () => [], 'ml.glm.labelSetCombine');
      this.setClasses(labels);
      const codes = yA.mapBlocks('ml.glm.encodeLabels', { args: [labels], dtype: 'float64', cols: null });
      cols = A.cols ?? 1;
      m = await new ArrayData(A, [codes]).reduce<GroupMoments>('ml.nb.moments', () => [labels.length], 'ml.nb.mergeMoments');
    } else {
      const { x, codes } = this.encodeBatch(X, y, null);
      cols = x.shape[1];
      m = classMomentsChunk(x, { data: codes, shape: [codes.length] }, this.classes_!.length);
    }
    const k = this.classes_!.length;
    let maxVar = 0;
    for (let j = 0; j < cols; j++) maxVar = Math.max(maxVar, m.ssd[k * cols + j] / m.counts[k]);
    this.epsilon_ = this.params.varSmoothing * maxVar;
    const theta = m.means.slice(0, k * cols);
    const variance = new Float64Array(k * cols);
    for (let i = 0; i < k * cols; i++) variance[i] = (m.counts[Math.floor(i / cols)] > 0 ? m.ssd[i] / m.counts[Math.floor(i / cols)] : 0) + this.epsilon_;
    this.store(theta, variance, m.counts.slice(0, k), cols);
    return this;
  }

  /**
   * Updates the model with one in-memory batch, as scikit-learn's partial_fit
   * (the first call must name every class in `options.classes`).
   */
  async partialFit(X: MatrixLike, y: Labels, options: { classes?: number[] | string[] } = {}): Promise<this> {
    this.validate();
    const first = !this.isFitted;
    if (first && options.classes === undefined) throw new TypeError('GaussianNB.partialFit: classes must be given on the first call (every class the model will see)');
    const { x, codes } = this.encodeBatch(X, y, first ? options.classes! : this.classes_!);
    const [n, cols] = x.shape;
    if (!first && cols !== this.nFeaturesIn_) throw new RangeError(`GaussianNB.partialFit: X has ${cols} columns, ${this.nFeaturesIn_} were seen before`);
    const k = this.classes_!.length;
    const batch = classMomentsChunk(x, { data: codes, shape: [n] }, k);
    let maxVar = 0;
    for (let j = 0; j < cols; j++) maxVar = Math.max(maxVar, batch.ssd[k * cols + j] / batch.counts[k]);
    const epsilon = this.params.varSmoothing * maxVar;
    const theta = first ? new Float64Array(k * cols) : Float64Array.from(this.theta_!.data);
    // scikit-learn takes the *new* batch's epsilon back out of the stored variances
    const variance = first ? new Float64Array(k * cols) : this.var_!.data.map((v) => v - epsilon);
    const counts = first ? new Float64Array(k) : Float64Array.from(this.classCount_!);
    for (let c = 0; c < k; c++) {
      const nNew = batch.counts[c];
      if (nNew === 0) continue;
      const nPast = counts[c];
      for (let j = 0; j < cols; j++) {
        const a = c * cols + j;
        const newMu = batch.means[a];
        const newVar = batch.ssd[a] / nNew;
        if (nPast === 0) {
          theta[a] = newMu;
          variance[a] = newVar;
          continue;
        }
        const nTotal = nPast + nNew;
        const totalSsd = nPast * variance[a] + nNew * newVar + ((nNew * nPast) / nTotal) * (theta[a] - newMu) ** 2;
        theta[a] = (nNew * newMu + nPast * theta[a]) / nTotal;
        variance[a] = totalSsd / nTotal;
      }
      counts[c] = nPast + nNew;
    }
    for (let i = 0; i < variance.length; i++) variance[i] += epsilon;
    this.epsilon_ = epsilon;
    this.store(theta, variance, counts, cols);
    return this;
  }

  private store(theta: Float64Array, variance: Float64Array, counts: Float64Array, cols: number): void {
    const k = counts.length;
    this.theta_ = { data: theta, shape: [k, cols] };
    this.var_ = { data: variance, shape: [k, cols] };
    this.classCount_ = counts;
    const total = counts.reduce((a, b) => a + b, 0);
    this.classPrior_ = this.params.priors !== null ? Float64Array.from(this.params.priors) : counts.map((c) => c / total);
    if (this.classPrior_.length !== k) throw new RangeError(`GaussianNB: priors has ${this.classPrior_.length} values for ${k} classes`);
    this.nFeaturesIn_ = cols;
  }

  /** X as a checked matrix and y as class indices (the classes learned here, or the given ones). */
  private encodeBatch(X: unknown, y: unknown, classes: number[] | string[] | null): { x: Matrix; codes: Float64Array } {
    if (y instanceof ShoalArray || y instanceof DataFrame) throw new TypeError('y: with X in memory, y must be in memory too');
    const x = toMatrix('X', X);
    const list = labelList(y);
    checkSameLength('X', x.shape[0], 'y', list.length);
    const strings = typeof (classes ?? list)[0] === 'string';
    if (classes === null) {
      classes = sortedClasses(list);
    }
    this.setClasses(classes);
    const index = new Map<number | string, number>((classes as (number | string)[]).map((c, i) => [c, i]));
    const codes = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const c = index.get(list[i]);
      if (c === undefined) throw new RangeError(`y: label ${JSON.stringify(list[i])} at index ${i} is not one of the classes (${(classes as unknown[]).join(', ')})`);
      codes[i] = c;
    }
    return { x, codes };
  }

  private setClasses(classes: number[] | string[]): void {
    if (classes.length < 1) throw new RangeError('y: GaussianNB needs at least one class');
    this.classes_ = classes;
  }

  private args(): [number[], number[], number[]] {
    return [Array.from(this.theta_!.data), Array.from(this.var_!.data), Array.from(this.classPrior_!, Math.log)];
  }

  private input(X: XInput, method: string): ShoalArray | Matrix {
    this.checkFitted(method);
    const A = asLazyArray(X);
    const cols = A ? A.cols : toMatrix('X', X).shape[1];
    if (cols !== this.nFeaturesIn_) throw new RangeError(`GaussianNB.${method}: X has ${cols} columns, ${this.nFeaturesIn_} were seen at fit`);
    return A ?? toMatrix('X', X);
  }

  /** Posterior probabilities, `n x classes` (lazy on collections). */
  predictProba(X: ShoalArray | DataFrame): ShoalArray;
  predictProba(X: XInput): Matrix;
  predictProba(X: XInput): Matrix | ShoalArray {
    const input = this.input(X, 'predictProba');
    if (input instanceof ShoalArray) return input.mapBlocks('ml.nb.proba', { args: this.args(), dtype: 'float64', cols: this.classes_!.length });
    const c = nbProbaChunk(input, ...this.args());
    return { data: Float64Array.from(c.data), shape: [c.shape[0], c.shape[1]] };
  }

  /** The most likely class of each row (its label). */
  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: XInput): Float64Array | string[];
  predict(X: XInput): Float64Array | string[] | ShoalArray {
    const input = this.input(X, 'predict');
    const classes = this.classes_!;
    const numeric = typeof classes[0] === 'number';
    if (input instanceof ShoalArray) {
      if (!numeric) throw new TypeError('GaussianNB.predict: string class labels can only be predicted for in-memory X');
      return input.mapBlocks('ml.nb.predict', { args: [...this.args(), classes], dtype: 'float64', cols: null });
    }
    const idx = nbPredictChunk(input, ...this.args(), classes.map((_, i) => i)).data;
    return labelsOf(idx, classes);
  }

  /** Mean accuracy. */
  async score(X: XInput, y: Labels | ShoalArray | DataFrame): Promise<number> {
    return meanAccuracy((this.predict as (X: XInput) => Float64Array | string[] | ShoalArray)(X), y);
  }

}

