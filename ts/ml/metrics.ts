/**
 * Metrics, as scikit-learn's `sklearn.metrics`. In-memory inputs give a
 * number; shoal Arrays give a Promise, reduced on the cluster (the targets
 * are never pulled to the client). `sampleWeight` (in memory, or an Array
 * chunked like yTrue) turns each mean into a weighted one, as scikit-learn's
 * `sample_weight`.
 */
import { ShoalArray } from '../collections/array/array.js';
import { computeVectors } from './collections-bridge.js';
import { checkLazySampleWeightSum, checkSampleWeight, type SampleWeight } from './sample-weight.js';
import { checkSameLength, toMatrix, toVector, type MatrixLike, type VectorLike } from './validation.js';

type Pair = [Float64Array, Float64Array];

/** The options of the weighted metrics. */
export interface MetricOptions {
  sampleWeight?: SampleWeight | null;
}

function pair(yTrue: VectorLike, yPred: VectorLike): Pair {
  const t = toVector('yTrue', yTrue);
  const p = toVector('yPred', yPred);
  checkSameLength('yTrue', t.length, 'yPred', p.length);
  return [t, p];
}

/** Σ wᵢ·f(i) / Σ wᵢ over n samples (the plain mean without weights). */
function average(n: number, f: (i: number) => number, w: Float64Array | undefined): number {
  let s = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i];
    s += wi * f(i);
    total += wi;
  }
  return s / total;
}

/** The weighted mean of a lazy 1-D Array: Σ w·v / Σ w in one graph (the plain mean without weights). */
async function lazyAverage(v: ShoalArray, sampleWeight: SampleWeight | null | undefined): Promise<number> {
  const checked = await checkLazySampleWeightSum(sampleWeight, v, 'yTrue');
  if (checked === undefined) return v.mean().compute();
  return (await v.mul(checked.w).sum().compute()) / checked.sum;
}

function arrays(yTrue: unknown, yPred: unknown): [ShoalArray, ShoalArray] | null {
  const a = yTrue instanceof ShoalArray;
  const b = yPred instanceof ShoalArray;
  if (a !== b) throw new TypeError('yTrue and yPred: expected both shoal Arrays or both in-memory, got one of each');
  if (!a) return null;
  const [t, p] = [yTrue as ShoalArray, yPred as ShoalArray];
  if (t.ndim !== 1 || p.ndim !== 1) throw new RangeError(`yTrue and yPred: expected 1-D Arrays, got shapes [${t.shape.join(', ')}] and [${p.shape.join(', ')}]`);
  if (t.knownLengths && p.knownLengths) checkSameLength('yTrue', t.rows, 'yPred', p.rows);
  return [t, p];
}

/** Mean squared error (weighted by `sampleWeight`). */
export function meanSquaredError(yTrue: VectorLike, yPred: VectorLike, options?: MetricOptions): number;
export function meanSquaredError(yTrue: ShoalArray, yPred: ShoalArray, options?: MetricOptions): Promise<number>;
export function meanSquaredError(yTrue: VectorLike | ShoalArray, yPred: VectorLike | ShoalArray, options: MetricOptions = {}): number | Promise<number> {
  const d = arrays(yTrue, yPred);
  if (d) return lazyAverage(d[0].sub(d[1]).square(), options.sampleWeight);
  const [t, p] = pair(yTrue as VectorLike, yPred as VectorLike);
  return average(t.length, (i) => (t[i] - p[i]) ** 2, checkSampleWeight(options.sampleWeight, t.length));
}

/** Mean absolute error (weighted by `sampleWeight`). */
export function meanAbsoluteError(yTrue: VectorLike, yPred: VectorLike, options?: MetricOptions): number;
export function meanAbsoluteError(yTrue: ShoalArray, yPred: ShoalArray, options?: MetricOptions): Promise<number>;
export function meanAbsoluteError(yTrue: VectorLike | ShoalArray, yPred: VectorLike | ShoalArray, options: MetricOptions = {}): number | Promise<number> {
  const d = arrays(yTrue, yPred);
  if (d) return lazyAverage(d[0].sub(d[1]).abs(), options.sampleWeight);
  const [t, p] = pair(yTrue as VectorLike, yPred as VectorLike);
  return average(t.length, (i) => Math.abs(t[i] - p[i]), checkSampleWeight(options.sampleWeight, t.length));
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (1 for a perfect fit;
 * 0 when SS_tot is 0 and the fit is not perfect, as scikit-learn); with
 * `sampleWeight`, both sums weighted and SS_tot around the weighted mean.
 */
export function r2Score(yTrue: VectorLike, yPred: VectorLike, options?: MetricOptions): number;
export function r2Score(yTrue: ShoalArray, yPred: ShoalArray, options?: MetricOptions): Promise<number>;
export function r2Score(yTrue: VectorLike | ShoalArray, yPred: VectorLike | ShoalArray, options: MetricOptions = {}): number | Promise<number> {
  const d = arrays(yTrue, yPred);
  if (d) {
    const [t, p] = d;
    if (options.sampleWeight === undefined || options.sampleWeight === null) {
      // mean squared residual over variance: the two reductions share nothing but the inputs
      return Promise.all([t.sub(p).square().mean().compute(), t.var().compute()]).then(([msr, v]) => r2From(msr, v));
    }
    return (async () => {
      const { w, sum: total } = (await checkLazySampleWeightSum(options.sampleWeight, t, 'yTrue'))!;
      // the weighted mean first, then both sums of squares around it in one graph (two passes, as var())
      const mean = (await t.mul(w).sum().compute()) / total;
      const [[res], [tot]] = await computeVectors([t.sub(p).square().mul(w).sum(), t.sub(mean).square().mul(w).sum()]);
      return r2From(res, tot);
    })();
  }
  const [t, p] = pair(yTrue as VectorLike, yPred as VectorLike);
  const w = checkSampleWeight(options.sampleWeight, t.length);
  const mean = average(t.length, (i) => t[i], w);
  let res = 0;
  let tot = 0;
  for (let i = 0; i < t.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    res += wi * (t[i] - p[i]) ** 2;
    tot += wi * (t[i] - mean) ** 2;
  }
  return r2From(res, tot);
}

function r2From(res: number, tot: number): number {
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** Fraction of exact label matches (the weighted fraction with `sampleWeight`). */
export function accuracyScore(yTrue: VectorLike, yPred: VectorLike, options?: MetricOptions): number;
export function accuracyScore(yTrue: ShoalArray, yPred: ShoalArray, options?: MetricOptions): Promise<number>;
export function accuracyScore(yTrue: VectorLike | ShoalArray, yPred: VectorLike | ShoalArray, options: MetricOptions = {}): number | Promise<number> {
  const d = arrays(yTrue, yPred);
  if (d) return lazyAverage(d[0].eq(d[1]).astype('float64'), options.sampleWeight);
  const [t, p] = pair(yTrue as VectorLike, yPred as VectorLike);
  return average(t.length, (i) => (t[i] === p[i] ? 1 : 0), checkSampleWeight(options.sampleWeight, t.length));
}

/** The sorted distinct values of some label vectors. */
export function uniqueLabels(...ys: ArrayLike<number>[]): number[] {
  const s = new Set<number>();
  for (const y of ys) for (let i = 0; i < y.length; i++) s.add(y[i]);
  return [...s].sort((a, b) => a - b);
}

/** Confusion matrix C[i][j] = samples of true label i predicted as j, labels sorted (or as given). */
export function confusionMatrix(yTrue: VectorLike, yPred: VectorLike, options: { labels?: number[] } = {}): number[][] {
  const [t, p] = pair(yTrue, yPred);
  const labels = options.labels ?? uniqueLabels(t, p);
  const index = new Map(labels.map((l, i) => [l, i]));
  const C = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < t.length; i++) {
    const a = index.get(t[i]);
    const b = index.get(p[i]);
    if (a !== undefined && b !== undefined) C[a][b]++;
  }
  return C;
}

/**
 * Cross-entropy loss. `yProba` is either the positive-class probability per
 * sample (binary) or a matrix with one column per label (labels sorted, or
 * `options.labels`); rows are normalised to sum to 1 and probabilities
 * clipped to [ε, 1 − ε] with ε the float64 machine epsilon, as scikit-learn;
 * the mean over samples is weighted by `sampleWeight` when given.
 */
export function logLoss(yTrue: VectorLike, yProba: VectorLike | MatrixLike, options: { labels?: number[]; sampleWeight?: VectorLike | null } = {}): number {
  const t = toVector('yTrue', yTrue);
  const w = checkSampleWeight(options.sampleWeight, t.length);
  const twoD = Array.isArray(yProba) ? Array.isArray(yProba[0]) : typeof yProba === 'object' && yProba !== null && 'shape' in yProba && (yProba as unknown as { shape: number[] }).shape.length === 2;
  const labels = options.labels ?? uniqueLabels(t);
  let P: Float64Array;
  let k: number;
  if (twoD) {
    const m = toMatrix('yProba', yProba);
    P = m.data;
    k = m.shape[1];
    checkSameLength('yTrue', t.length, 'yProba', m.shape[0]);
    if (k !== labels.length) throw new RangeError(`yProba: expected one column per label (${labels.length}: ${labels.join(', ')}), got ${k}`);
  } else {
    if (labels.length > 2) throw new RangeError(`yProba: a 1-D probability vector fits 2 labels, yTrue has ${labels.length}; pass one column per label`);
    const p = toVector('yProba', yProba as VectorLike);
    checkSameLength('yTrue', t.length, 'yProba', p.length);
    k = 2;
    P = new Float64Array(t.length * 2);
    for (let i = 0; i < p.length; i++) { P[2 * i] = 1 - p[i]; P[2 * i + 1] = p[i]; }
    if (labels.length === 1) labels.push(labels[0] + 1);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const eps = Number.EPSILON;
  return average(t.length, (i) => {
    const j = index.get(t[i]);
    if (j === undefined) throw new RangeError(`yTrue: label ${t[i]} at index ${i} is not among labels [${labels.join(', ')}]`);
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += P[i * k + c];
    return -Math.log(Math.min(Math.max(P[i * k + j] / rowSum, eps), 1 - eps));
  }, w);
}

/**
 * Area under the ROC curve for binary labels (the larger label is positive):
 * the Mann–Whitney statistic with tied scores given their average rank,
 * which equals scikit-learn's trapezoidal AUC. With `sampleWeight`, every
 * (positive, negative) pair counts by the product of their weights (a tie
 * by half), which is scikit-learn's weighted trapezoidal AUC.
 */
export function rocAucScore(yTrue: VectorLike, yScore: VectorLike, options: { sampleWeight?: VectorLike | null } = {}): number {
  const [t, s] = pair(yTrue, yScore);
  const w = checkSampleWeight(options.sampleWeight, t.length);
  const labels = uniqueLabels(t);
  if (labels.length !== 2) throw new RangeError(`yTrue: ROC AUC needs exactly 2 classes, got ${labels.length} (${labels.join(', ')})`);
  const pos = labels[1];
  const order = Array.from(s.keys()).sort((a, b) => s[a] - s[b]);
  if (w !== undefined) {
    // tie groups in increasing score: each positive beats the negative weight below its group, ties count half
    let negBelow = 0;
    let area = 0;
    let wPos = 0;
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && s[order[j + 1]] === s[order[i]]) j++;
      let gPos = 0;
      let gNeg = 0;
      for (let q = i; q <= j; q++) if (t[order[q]] === pos) gPos += w[order[q]]; else gNeg += w[order[q]];
      area += gPos * (negBelow + gNeg / 2);
      negBelow += gNeg;
      wPos += gPos;
      i = j + 1;
    }
    return area / (wPos * negBelow);
  }
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && s[order[j + 1]] === s[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let q = i; q <= j; q++) if (t[order[q]] === pos) { rankSumPos += avgRank; nPos++; }
    i = j + 1;
  }
  const nNeg = t.length - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
