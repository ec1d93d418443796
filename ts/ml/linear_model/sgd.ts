/**
 * Linear models trained by plain stochastic gradient descent, as
 * scikit-learn's SGDClassifier and SGDRegressor — the estimators users pair
 * with `Incremental` to train over data larger than memory, block by block.
 *
 * The update is scikit-learn's `_plain_sgd`, step for step, so that with
 * `shuffle: false` the coefficients agree with scikit-learn's to rounding:
 * weights kept as `wscale · w` (the L2 decay is a multiplication of wscale),
 * learning rates 'optimal' (Bottou's schedule, η = 1/(α(t₀ + t − 1))),
 * 'invscaling', 'constant', 'adaptive'; the L1 part by cumulative truncated
 * gradient (Tsuruoka et al. 2009); stopping when the epoch's mean objective
 * has not improved by `tol` for `nIterNoChange` epochs. Multi-class
 * classification is one-vs-rest. Shuffling uses shoal's seeded generator, so
 * shuffled runs differ from scikit-learn's (by design, as elsewhere in shoal).
 */
import { BaseEstimator, checkParam } from '../base.js';
import { asLazyArray, DataFrame, ShoalArray } from '../collections-bridge.js';
import { seededRandom } from '../model_selection/split.js';
import { labelList, labelsOf, meanAccuracy, sortedClasses } from '../labels.js';
import { r2Score } from '../metrics.js';
import { checkSampleWeight, classWeightVector, isClassWeight, type ClassWeight, type WeightOptions } from '../sample-weight.js';
import { argmaxRow, classTotals, linearPredictor } from './glm-ops.js';
import { checkSameLength, toMatrix, toVector, type Matrix, type MatrixLike, type VectorLike } from '../validation.js';

// ------------------------------------------------------------------ losses

interface Loss {
  loss(y: number, p: number): number;
  grad(y: number, p: number): number;
}

function hinge(threshold: number): Loss {
  return {
    loss: (y, p) => (p * y <= threshold ? threshold - p * y : 0),
    grad: (y, p) => (p * y <= threshold ? -y : 0),
  };
}

const squaredHinge: Loss = {
  loss: (y, p) => { const z = 1 - p * y; return z > 0 ? z * z : 0; },
  grad: (y, p) => { const z = 1 - p * y; return z > 0 ? -2 * y * z : 0; },
};

const modifiedHuber: Loss = {
  loss: (y, p) => { const z = p * y; return z >= 1 ? 0 : z >= -1 ? (1 - z) * (1 - z) : -4 * z; },
  grad: (y, p) => { const z = p * y; return z >= 1 ? 0 : z >= -1 ? 2 * (1 - z) * -y : -4 * y; },
};

function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= -2) return Math.log1p(Math.exp(x));
  if (x <= 18) return Math.log(1 + Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

/** The half binomial loss on targets in {0, 1} (scikit-learn's log_loss for SGD). */
const logLoss: Loss = {
  loss: (y, p) => log1pexp(p) - y * p,
  grad: (y, p) => {
    if (p > -37) {
      const e = Math.exp(-p);
      return ((1 - y) - y * e) / (1 + e);
    }
    return Math.exp(p) - y;
  },
};

const squaredError: Loss = { loss: (y, p) => 0.5 * (p - y) ** 2, grad: (y, p) => p - y };

function huber(delta: number): Loss {
  return {
    loss: (y, p) => { const d = Math.abs(p - y); return d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta); },
    grad: (y, p) => { const d = p - y; return Math.abs(d) <= delta ? d : d > 0 ? delta : -delta; },
  };
}

function epsilonInsensitive(eps: number, squared: boolean): Loss {
  return {
    loss: (y, p) => { const r = Math.abs(y - p) - eps; return r > 0 ? (squared ? r * r : r) : 0; },
    grad: (y, p) => {
      if (!squared) return y - p > eps ? -1 : p - y > eps ? 1 : 0;
      const z = y - p;
      return z > eps ? -2 * (z - eps) : z < -eps ? 2 * (-z - eps) : 0;
    },
  };
}

export type SGDClassifierLoss = 'hinge' | 'log_loss' | 'modified_huber' | 'squared_hinge' | 'perceptron' | 'squared_error' | 'huber' | 'epsilon_insensitive' | 'squared_epsilon_insensitive';
export type SGDRegressorLoss = 'squared_error' | 'huber' | 'epsilon_insensitive' | 'squared_epsilon_insensitive';
const CLASSIFIER_LOSSES: SGDClassifierLoss[] = ['hinge', 'log_loss', 'modified_huber', 'squared_hinge', 'perceptron', 'squared_error', 'huber', 'epsilon_insensitive', 'squared_epsilon_insensitive'];
const REGRESSOR_LOSSES: SGDRegressorLoss[] = ['squared_error', 'huber', 'epsilon_insensitive', 'squared_epsilon_insensitive'];

function lossOf(name: SGDClassifierLoss, epsilon: number): Loss {
  switch (name) {
    case 'hinge': return hinge(1);
    case 'perceptron': return hinge(0);
    case 'squared_hinge': return squaredHinge;
    case 'modified_huber': return modifiedHuber;
    case 'log_loss': return logLoss;
    case 'squared_error': return squaredError;
    case 'huber': return huber(epsilon);
    case 'epsilon_insensitive': return epsilonInsensitive(epsilon, false);
    case 'squared_epsilon_insensitive': return epsilonInsensitive(epsilon, true);
  }
}

// ------------------------------------------------------------------ the SGD loop

export type SGDPenalty = 'l2' | 'l1' | 'elasticnet' | null;
export type LearningRate = 'optimal' | 'invscaling' | 'constant' | 'adaptive';

interface SgdSettings {
  loss: Loss;
  penalty: SGDPenalty;
  alpha: number;
  l1Ratio: number;
  fitIntercept: boolean;
  learningRate: LearningRate;
  eta0: number;
  powerT: number;
  tol: number | null;
  nIterNoChange: number;
  shuffle: boolean;
  seed: number;
}

/** w = wscale · data, with the running ‖w‖² and ‖w‖₁ scikit-learn's convergence test reads. */
class WeightVector {
  wscale = 1;
  sqNorm = 0;
  l1Norm = 0;
  constructor(readonly data: Float64Array) {
    for (const v of data) { this.sqNorm += v * v; this.l1Norm += Math.abs(v); }
  }
  dot(x: Float64Array, at: number): number {
    let s = 0;
    for (let j = 0; j < this.data.length; j++) s += this.data[j] * x[at + j];
    return s * this.wscale;
  }
  add(x: Float64Array, at: number, c: number): void {
    let l2 = 0;
    let l1 = 0;
    const ws = this.wscale;
    for (let j = 0; j < this.data.length; j++) {
      this.data[j] += x[at + j] * (c / ws);
      l2 += this.data[j] * this.data[j];
      l1 += Math.abs(this.data[j]);
    }
    this.sqNorm = l2 * (ws * ws);
    this.l1Norm = l1 * ws;
  }
  scale(c: number): void {
    this.wscale *= c;
    this.sqNorm *= c * c;
    this.l1Norm *= Math.abs(c);
    if (this.wscale < 1e-9) this.resetScale();
  }
  resetScale(): void {
    for (let j = 0; j < this.data.length; j++) this.data[j] *= this.wscale;
    this.wscale = 1;
  }
}

/** Per-sample weights of one SGD problem: the sample weights, and the class weight of y > 0 and of the rest (scikit-learn's weight_pos, weight_neg). */
interface SgdWeights {
  sample?: Float64Array;
  pos: number;
  neg: number;
}

const UNWEIGHTED: SgdWeights = { pos: 1, neg: 1 };

/**
 * `maxIter` epochs of plain SGD over (X, y) from (w, b), the step counter
 * starting at `t`; returns the new weights and intercept and the epochs run.
 * Weights scale each sample's step (not the reported objective), as scikit-learn.
 */
function plainSgd(X: Matrix, y: Float64Array, w0: Float64Array, b0: number, s: SgdSettings, t0: number, maxIter: number, weights: SgdWeights = UNWEIGHTED): { w: Float64Array; b: number; nIter: number } {
  const [n, d] = X.shape;
  const w = new WeightVector(Float64Array.from(w0));
  let b = b0;
  const l1Ratio = s.penalty === 'l2' ? 0 : s.penalty === 'l1' ? 1 : s.l1Ratio;
  const penalised = s.penalty !== null;
  const q = s.penalty === 'l1' || s.penalty === 'elasticnet' ? new Float64Array(d) : null;
  let u = 0;
  let eta = s.eta0;
  let optimalInit = 0;
  if (s.learningRate === 'optimal') {
    const typw = Math.sqrt(1 / Math.sqrt(s.alpha));
    optimalInit = 1 / ((typw / Math.max(1, s.loss.grad(1, -typw))) * s.alpha);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(s.seed);
  let t = t0;
  let best = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  for (; epoch < maxIter; epoch++) {
    if (s.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    let objective = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const at = i * d;
      const p = w.dot(X.data, at) + b;
      if (s.learningRate === 'optimal') eta = 1 / (s.alpha * (optimalInit + t - 1));
      else if (s.learningRate === 'invscaling') eta = s.eta0 / Math.pow(t, s.powerT);
      objective += s.loss.loss(y[i], p);
      if (penalised) objective += s.alpha * ((1 - l1Ratio) * 0.5 * Math.sqrt(w.sqNorm) ** 2 + l1Ratio * w.l1Norm);
      const dloss = Math.min(1e12, Math.max(-1e12, s.loss.grad(y[i], p)));
      const update = -eta * dloss * ((y[i] > 0 ? weights.pos : weights.neg) * (weights.sample === undefined ? 1 : weights.sample[i]));
      if (s.penalty === 'l2' || s.penalty === 'elasticnet') w.scale(Math.max(0, 1 - (1 - l1Ratio) * eta * s.alpha));
      if (update !== 0) w.add(X.data, at, update);
      if (s.fitIntercept && update !== 0) b += update;
      if (q !== null) {
        u += l1Ratio * eta * s.alpha;
        l1Penalty(w, q, u);
      }
      t++;
    }
    if (!Number.isFinite(b) || w.data.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`SGD: floating-point overflow at epoch ${epoch + 1}; scaling the input (StandardScaler, MinMaxScaler) might help`);
    }
    const mean = objective / n;
    if (s.tol !== null && mean > best - s.tol) noImprovement++;
    else noImprovement = 0;
    if (mean < best) best = mean;
    if (noImprovement >= s.nIterNoChange) {
      if (s.learningRate === 'adaptive' && eta > 1e-6) {
        eta /= 5;
        noImprovement = 0;
      } else {
        epoch++;
        break;
      }
    }
  }
  w.resetScale();
  return { w: w.data, b, nIter: Math.min(epoch, maxIter) };
}

/** Cumulative L1 truncation: pull each weight towards 0 by what the penalty owes it so far. */
function l1Penalty(w: WeightVector, q: Float64Array, u: number): void {
  const ws = w.wscale;
  const data = w.data;
  for (let j = 0; j < data.length; j++) {
    const z = data[j];
    if (ws * z > 0) data[j] = Math.max(0, data[j] - (u + q[j]) / ws);
    else if (ws * z < 0) data[j] = Math.min(0, data[j] + (u - q[j]) / ws);
    q[j] += ws * (data[j] - z);
  }
}

// ------------------------------------------------------------------ estimators

export interface SGDParams extends Record<string, unknown> {
  loss: string;
  penalty: SGDPenalty;
  alpha: number;
  l1Ratio: number;
  fitIntercept: boolean;
  maxIter: number;
  /** stop when the epoch's mean objective improves by less than this for nIterNoChange epochs; null: run maxIter epochs */
  tol: number | null;
  shuffle: boolean;
  /** the threshold of the huber and epsilon-insensitive losses */
  epsilon: number;
  randomState: number;
  learningRate: LearningRate;
  eta0: number;
  powerT: number;
  nIterNoChange: number;
}

type XInput = MatrixLike | ShoalArray | DataFrame;

abstract class BaseSGD<P extends SGDParams = SGDParams> extends BaseEstimator<P> {
  /** `outputs x features` (one row for a binary classifier or a regressor) */
  coef_?: Matrix;
  intercept_?: Float64Array;
  nIter_?: number;
  /** the step counter, carried from one partialFit to the next */
  t_?: number;
  nFeaturesIn_?: number;

  get isFitted(): boolean { return this.coef_ !== undefined; }

  protected abstract readonly losses: readonly string[];

  protected validate(): void {
    const p = this.params;
    const E = this.constructor.name;
    checkParam(E, 'loss', p.loss, this.losses.includes(p.loss), this.losses.map((l) => `'${l}'`).join(', '));
    checkParam(E, 'penalty', p.penalty, p.penalty === null || ['l2', 'l1', 'elasticnet'].includes(p.penalty), "'l2', 'l1', 'elasticnet' or null");
    checkParam(E, 'alpha', p.alpha, typeof p.alpha === 'number' && p.alpha >= 0 && Number.isFinite(p.alpha), 'a number ≥ 0');
    if (p.learningRate === 'optimal') checkParam(E, 'alpha', p.alpha, p.alpha > 0, "positive with learningRate 'optimal'");
    checkParam(E, 'l1Ratio', p.l1Ratio, typeof p.l1Ratio === 'number' && p.l1Ratio >= 0 && p.l1Ratio <= 1, 'a number in [0, 1]');
    checkParam(E, 'fitIntercept', p.fitIntercept, typeof p.fitIntercept === 'boolean', 'a boolean');
    checkParam(E, 'maxIter', p.maxIter, Number.isInteger(p.maxIter) && p.maxIter >= 1, 'an integer ≥ 1');
    checkParam(E, 'tol', p.tol, p.tol === null || (typeof p.tol === 'number' && p.tol >= 0), 'a number ≥ 0 or null');
    checkParam(E, 'shuffle', p.shuffle, typeof p.shuffle === 'boolean', 'a boolean');
    checkParam(E, 'epsilon', p.epsilon, typeof p.epsilon === 'number' && p.epsilon >= 0, 'a number ≥ 0');
    checkParam(E, 'randomState', p.randomState, Number.isInteger(p.randomState), 'an integer');
    checkParam(E, 'learningRate', p.learningRate, ['optimal', 'invscaling', 'constant', 'adaptive'].includes(p.learningRate), "'optimal', 'invscaling', 'constant' or 'adaptive'");
    checkParam(E, 'eta0', p.eta0, typeof p.eta0 === 'number' && p.eta0 >= 0 && (p.learningRate === 'optimal' || p.eta0 > 0), `a positive number with learningRate '${p.learningRate}'`);
    checkParam(E, 'powerT', p.powerT, typeof p.powerT === 'number' && Number.isFinite(p.powerT), 'a number');
    checkParam(E, 'nIterNoChange', p.nIterNoChange, Number.isInteger(p.nIterNoChange) && p.nIterNoChange >= 1, 'an integer ≥ 1');
  }

  protected settings(): SgdSettings {
    const p = this.params;
    return {
      loss: lossOf(p.loss as SGDClassifierLoss, p.epsilon), penalty: p.penalty, alpha: p.alpha, l1Ratio: p.l1Ratio, fitIntercept: p.fitIntercept,
      learningRate: p.learningRate, eta0: p.eta0, powerT: p.powerT, tol: p.tol, nIterNoChange: p.nIterNoChange, shuffle: p.shuffle, seed: p.randomState,
    };
  }

  /** In-memory X, checked; collections are refused with the way to train on them. */
  protected matrix(X: XInput, method: string): Matrix {
    if (asLazyArray(X)) throw new TypeError(`${this.constructor.name}.${method}: X is a shoal collection; train on it block by block with new Incremental({ estimator: this }) (ParallelPostFit predicts on collections)`);
    const m = toMatrix('X', X);
    if (this.nFeaturesIn_ !== undefined && method !== 'fit' && m.shape[1] !== this.nFeaturesIn_) {
      throw new RangeError(`${this.constructor.name}.${method}: X has ${m.shape[1]} columns, ${this.nFeaturesIn_} were seen before`);
    }
    return m;
  }

  /** X·coefᵀ + intercept: `n` values for one output, `n x outputs` otherwise. */
  decisionFunction(X: XInput): Float64Array | Matrix {
    this.checkFitted('decisionFunction');
    const m = this.matrix(X, 'decisionFunction');
    const k = this.intercept_!.length;
    const out = linearPredictor(m, this.coef_!.data, this.intercept_!);
    return k === 1 ? out : { data: out, shape: [m.shape[0], k] };
  }

}

const SGD_DEFAULTS = { penalty: 'l2' as SGDPenalty, alpha: 1e-4, l1Ratio: 0.15, fitIntercept: true, maxIter: 1000, tol: 1e-3, shuffle: true, epsilon: 0.1, randomState: 0, eta0: 0.01, nIterNoChange: 5 };

export interface SGDClassifierParams extends SGDParams {
  /**
   * 'balanced' (n / (nClasses · count), from `fit`'s labels; not with
   * partialFit), a weight per class label, or null: each sample's step is
   * scaled by its class's weight (one-vs-rest: the positive class's weight
   * against 1), times its `sampleWeight`, as scikit-learn
   */
  classWeight: ClassWeight;
}

export class SGDClassifier extends BaseSGD<SGDClassifierParams> {
  classes_?: number[] | string[];
  protected readonly losses = CLASSIFIER_LOSSES;

  constructor(params: Partial<SGDClassifierParams> = {}) {
    super({ ...SGD_DEFAULTS, loss: 'hinge', learningRate: 'optimal', powerT: 0.5, classWeight: null }, params);
  }

  protected override validate(): void {
    super.validate();
    checkParam('SGDClassifier', 'classWeight', this.params.classWeight, isClassWeight(this.params.classWeight), "'balanced', an object of non-negative finite weights by class label, or null");
  }

  /** Trains from zero weights for up to maxIter epochs (in-memory data; Incremental for collections); `sampleWeight` scales each sample's steps. */
  async fit(X: XInput, y: ArrayLike<number> | readonly string[], options: WeightOptions = {}): Promise<this> {
    this.validate();
    const m = this.matrix(X, 'fit');
    const labels = labelList(y);
    checkSameLength('X', m.shape[0], 'y', labels.length);
    const sw = checkSampleWeight(options.sampleWeight, labels.length);
    this.coef_ = undefined;
    this.classes_ = sortedClasses(labels);
    if (this.classes_.length < 2) throw new RangeError(`y: SGDClassifier needs samples of at least 2 classes, got only class ${JSON.stringify(this.classes_[0])}`);
    this.t_ = 1;
    const codes = this.codes(labels);
    this.train(m, codes, this.params.maxIter, sw, await this.classWeights(codes));
    return this;
  }

  /** One epoch over the batch, continuing from the fitted model (the first call must name every class). */
  async partialFit(X: XInput, y: ArrayLike<number> | readonly string[], options: { classes?: number[] | string[] } & WeightOptions = {}): Promise<this> {
    this.validate();
    if (this.params.classWeight === 'balanced') {
      throw new RangeError("SGDClassifier.partialFit: classWeight 'balanced' needs every label at once; use fit, or pass the weights per class as a record (from the class counts)");
    }
    const m = this.matrix(X, 'partialFit');
    const labels = labelList(y);
    checkSameLength('X', m.shape[0], 'y', labels.length);
    const sw = checkSampleWeight(options.sampleWeight, labels.length);
    if (!this.isFitted) {
      if (options.classes === undefined) throw new TypeError('SGDClassifier.partialFit: classes must be given on the first call (every class the model will see)');
      this.classes_ = [...options.classes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as number[] | string[];
      if (this.classes_.length < 2) throw new RangeError('classes: SGDClassifier needs at least 2 classes');
      this.t_ = 1;
    }
    const codes = this.codes(labels);
    this.train(m, codes, 1, sw, await this.classWeights(codes));
    return this;
  }

  /** Labels → class indices, each checked against `classes_`. */
  private codes(labels: ArrayLike<number | string>): Int32Array {
    const classes = this.classes_! as (number | string)[];
    const index = new Map(classes.map((c, i) => [c, i]));
    return Int32Array.from({ length: labels.length }, (_, i) => {
      const c = index.get(labels[i]);
      if (c === undefined) throw new RangeError(`y: label ${JSON.stringify(labels[i])} at index ${i} is not one of the classes (${classes.join(', ')})`);
      return c;
    });
  }

  /** The weight of each class, all 1 without classWeight ('balanced' from the unweighted counts, as scikit-learn's SGD). */
  private async classWeights(codes: Int32Array): Promise<Float64Array> {
    const k = this.classes_!.length;
    return (await classWeightVector(this.params.classWeight, this.classes_!, () => classTotals(codes, k))) ?? new Float64Array(k).fill(1);
  }

  private train(m: Matrix, codes: Int32Array, maxIter: number, sampleWeight: Float64Array | undefined, classWeight: Float64Array): void {
    const [n, d] = m.shape;
    const classes = this.classes_! as (number | string)[];
    const s = this.settings();
    const binomial = this.params.loss === 'log_loss';
    const problems = classes.length === 2 ? [1] : classes.map((_, c) => c);
    const k = problems.length;
    const coef = this.isFitted ? Float64Array.from(this.coef_!.data) : new Float64Array(k * d);
    const intercept = this.isFitted ? Float64Array.from(this.intercept_!) : new Float64Array(k);
    let nIter = 0;
    problems.forEach((positive, row) => {
      // one-vs-rest targets: ±1, or {0, 1} for the binomial log loss
      const y = Float64Array.from(codes, (c) => (c === positive ? 1 : binomial ? 0 : -1));
      // binary: the two classes' weights; one-vs-rest: the positive class's against 1 (scikit-learn's choice)
      const weights = { sample: sampleWeight, pos: classWeight[positive], neg: k === 1 ? classWeight[0] : 1 };
      const r = plainSgd(m, y, coef.subarray(row * d, (row + 1) * d), intercept[row], s, this.t_!, maxIter, weights);
      coef.set(r.w, row * d);
      intercept[row] = r.b;
      nIter = Math.max(nIter, r.nIter);
    });
    this.coef_ = { data: coef, shape: [k, d] };
    this.intercept_ = intercept;
    this.nIter_ = nIter;
    this.t_! += nIter * n;
    this.nFeaturesIn_ = d;
  }

  /** The class with the largest decision value. */
  predict(X: XInput): Float64Array | string[] {
    this.checkFitted('predict');
    const dec = this.decisionFunction(X);
    const classes = this.classes_!;
    const n = dec instanceof Float64Array ? dec.length : dec.shape[0];
    const idx = Int32Array.from({ length: n }, (_, i) => (dec instanceof Float64Array ? (dec[i] > 0 ? 1 : 0) : argmaxRow(dec.data, i, dec.shape[1])));
    return labelsOf(idx, classes);
  }

  /** Class probabilities (losses 'log_loss' and 'modified_huber'), one-vs-rest normalised as scikit-learn. */
  predictProba(X: XInput): Matrix {
    this.checkFitted('predictProba');
    const loss = this.params.loss;
    if (loss !== 'log_loss' && loss !== 'modified_huber') throw new TypeError(`SGDClassifier.predictProba: probabilities need loss 'log_loss' or 'modified_huber', not '${loss}'`);
    const dec = this.decisionFunction(X);
    const k = this.classes_!.length;
    const n = dec instanceof Float64Array ? dec.length : dec.shape[0];
    const score = (v: number): number => (loss === 'log_loss' ? 1 / (1 + Math.exp(-v)) : (Math.min(1, Math.max(-1, v)) + 1) / 2);
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      if (dec instanceof Float64Array) {
        const p = score(dec[i]);
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
        continue;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += (out[i * k + c] = score(dec.data[i * k + c]));
      for (let c = 0; c < k; c++) out[i * k + c] = sum === 0 ? 1 / k : out[i * k + c] / sum;
    }
    return { data: out, shape: [n, k] };
  }

  /** Mean accuracy (weighted by `sampleWeight` when given). */
  async score(X: XInput, y: ArrayLike<number> | readonly string[], options: WeightOptions = {}): Promise<number> {
    return meanAccuracy(this.predict(X), y, options.sampleWeight);
  }

}

export class SGDRegressor extends BaseSGD {
  protected readonly losses = REGRESSOR_LOSSES;

  constructor(params: Partial<SGDParams> = {}) {
    super({ ...SGD_DEFAULTS, loss: 'squared_error', learningRate: 'invscaling', powerT: 0.25 }, params);
  }

  /** Trains from zero weights for up to maxIter epochs; `sampleWeight` scales each sample's steps. */
  async fit(X: XInput, y: VectorLike, options: WeightOptions = {}): Promise<this> {
    this.validate();
    const m = this.matrix(X, 'fit');
    const t = toVector('y', y);
    checkSameLength('X', m.shape[0], 'y', t.length);
    const sw = checkSampleWeight(options.sampleWeight, t.length);
    this.coef_ = undefined;
    this.t_ = 1;
    this.train(m, t, this.params.maxIter, sw);
    return this;
  }

  /** One epoch over the batch, continuing from the fitted model. */
  async partialFit(X: XInput, y: VectorLike, options: WeightOptions = {}): Promise<this> {
    this.validate();
    const m = this.matrix(X, 'partialFit');
    const t = toVector('y', y);
    checkSameLength('X', m.shape[0], 'y', t.length);
    const sw = checkSampleWeight(options.sampleWeight, t.length);
    if (!this.isFitted) this.t_ = 1;
    this.train(m, t, 1, sw);
    return this;
  }

  private train(m: Matrix, y: Float64Array, maxIter: number, sampleWeight: Float64Array | undefined): void {
    const d = m.shape[1];
    const r = plainSgd(m, y, this.isFitted ? this.coef_!.data : new Float64Array(d), this.isFitted ? this.intercept_![0] : 0, this.settings(), this.t_!, maxIter, { sample: sampleWeight, pos: 1, neg: 1 });
    this.coef_ = { data: r.w, shape: [1, d] };
    this.intercept_ = Float64Array.of(r.b);
    this.nIter_ = r.nIter;
    this.t_! += r.nIter * m.shape[0];
    this.nFeaturesIn_ = d;
  }

  predict(X: XInput): Float64Array {
    this.checkFitted('predict');
    return this.decisionFunction(X) as Float64Array;
  }

  /** R² (weighted by `sampleWeight` when given). */
  async score(X: XInput, y: VectorLike, options: WeightOptions = {}): Promise<number> {
    return r2Score(y, this.predict(X), options);
  }
}


