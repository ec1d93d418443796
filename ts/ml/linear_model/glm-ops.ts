/**
 * Per-chunk ops of the generalised linear models (logistic, multinomial,
 * Poisson), registered on every task thread. The maths is the Rust GLM
 * kernels; these only adapt chunks and sum partial results.
 */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { native } from '../../native.js';
import { view } from '../chunk-view.js';

/** The problem shape every GLM op shares (the kernels' GlmSpec; the ops add a chunk's weights). */
export interface GlmDesign {
  family: 'logistic' | 'multinomial' | 'poisson' | 'normal';
  fitIntercept: boolean;
  /** number of classes (multinomial only) */
  classes?: number;
}

/** Σ over rows of loss, gradient (and Hessian) at β, and Σ of the weights. */
export interface GlmPartial {
  loss: number;
  grad: Float64Array;
  hessian: Float64Array;
  weightSum: number;
}

function vector(y: ChunkLike, rows: number, name = 'y'): Float64Array {
  if (y.shape[0] !== rows) throw new RangeError(`${name}: chunk has ${y.shape[0]} rows, X's chunk has ${rows}: X and ${name} must be chunked alike`);
  return y.data instanceof Float64Array ? y.data : Float64Array.from(y.data);
}

/** The kernels' spec: the design, with the chunk's sample weights when there are any. */
function spec(design: GlmDesign, rows: number, w?: ChunkLike) {
  return w === undefined ? design : { ...design, weights: vector(w, rows, 'sampleWeight') };
}

export function glmPartialChunk(x: ChunkLike, y: ChunkLike, design: GlmDesign, beta: Float64Array, hessian: boolean, w?: ChunkLike): GlmPartial {
  const m = view(x);
  const r = native.glmPartial(spec(design, m.rows, w), m.data, m.rows, m.cols, vector(y, m.rows), beta, hessian);
  return { loss: r.loss, grad: r.grad, hessian: r.hessian, weightSum: r.weightSum };
}

export function combineGlmPartials(parts: GlmPartial[]): GlmPartial {
  const out: GlmPartial = { loss: parts[0].loss, grad: Float64Array.from(parts[0].grad), hessian: Float64Array.from(parts[0].hessian), weightSum: parts[0].weightSum };
  for (const p of parts.slice(1)) {
    out.loss += p.loss;
    out.weightSum += p.weightSum;
    for (let i = 0; i < out.grad.length; i++) out.grad[i] += p.grad[i];
    for (let i = 0; i < out.hessian.length; i++) out.hessian[i] += p.hessian[i];
  }
  return out;
}

/** ADMM local step of one chunk: argmin Σ loss(β) + (ρ/2)‖β − z + u‖², warm-started at `beta0`. */
export function admmLocalChunk(x: ChunkLike, y: ChunkLike, design: GlmDesign, beta0: Float64Array, z: Float64Array, u: Float64Array, rho: number, maxIter: number, tol: number, w?: ChunkLike): Float64Array {
  const m = view(x);
  return native.admmLocalSolve(spec(design, m.rows, w), m.data, m.rows, m.cols, vector(y, m.rows), beta0, z, u, rho, maxIter, tol).beta;
}

/**
 * The linear predictor η = X·Wᵀ + b of a chunk for `outputs` rows of
 * coefficients W (`outputs x cols`, row-major): `rows x outputs`.
 */
export function linearPredictor(x: ChunkLike, coef: ArrayLike<number>, intercept: ArrayLike<number>): Float64Array {
  const m = view(x);
  const k = intercept.length;
  if (coef.length !== k * m.cols) throw new RangeError(`X: expected ${coef.length / k} columns (as at fit), got ${m.cols}`);
  const out = new Float64Array(m.rows * k);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < k; c++) {
      let s = intercept[c];
      for (let j = 0; j < m.cols; j++) s += m.data[r * m.cols + j] * coef[c * m.cols + j];
      out[r * k + c] = s;
    }
  }
  return out;
}

/**
 * Class probabilities of a chunk, `rows x nClasses`: the logistic of η for a
 * binary model ([1 − p, p]), the softmax of η for a multinomial one.
 */
export function probaChunk(x: ChunkLike, coef: ArrayLike<number>, intercept: ArrayLike<number>): ChunkLike {
  const eta = linearPredictor(x, coef, intercept);
  const rows = x.shape[0];
  const k = intercept.length;
  const classes = k === 1 ? 2 : k;
  if (k > 1) return { data: softmaxRows(eta, rows, k), shape: [rows, k] };
  const out = allocShared(Float64Array, rows * classes) as Float64Array;
  for (let r = 0; r < rows; r++) {
    const p = sigmoid(eta[r]);
    out[r * 2] = 1 - p;
    out[r * 2 + 1] = p;
  }
  return { data: out, shape: [rows, classes] };
}

/** Each row of `scores` (`rows x k`) through a softmax (max-shifted), in shared memory. */
export function softmaxRows(scores: Float64Array, rows: number, k: number): Float64Array {
  const out = allocShared(Float64Array, rows * k) as Float64Array;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[r * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (out[r * k + c] = Math.exp(scores[r * k + c] - max));
    for (let c = 0; c < k; c++) out[r * k + c] /= sum;
  }
  return out;
}

/** The column of row `r`'s largest score (the first on ties). */
export function argmaxRow(scores: ArrayLike<number>, r: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (scores[r * k + c] > scores[r * k + best]) best = c;
  return best;
}

/** η of a chunk: `rows` for one output, `rows x outputs` otherwise (scikit-learn's decision_function). */
export function decisionChunk(x: ChunkLike, coef: ArrayLike<number>, intercept: ArrayLike<number>): ChunkLike {
  const eta = linearPredictor(x, coef, intercept);
  const rows = x.shape[0];
  const out = allocShared(Float64Array, eta.length) as Float64Array;
  out.set(eta);
  return intercept.length === 1 ? { data: out, shape: [rows] } : { data: out, shape: [rows, intercept.length] };
}

/** The most probable class of each row, as its label (numeric labels). */
export function predictClassChunk(x: ChunkLike, coef: ArrayLike<number>, intercept: ArrayLike<number>, labels: number[]): ChunkLike {
  const eta = linearPredictor(x, coef, intercept);
  const rows = x.shape[0];
  const k = intercept.length;
  const out = allocShared(Float64Array, rows) as Float64Array;
  for (let r = 0; r < rows; r++) {
    out[r] = labels[k === 1 ? (eta[r] > 0 ? 1 : 0) : argmaxRow(eta, r, k)];
  }
  return { data: out, shape: [rows] };
}

/** exp(η): the Poisson model's expected counts. */
export function poissonMeanChunk(x: ChunkLike, coef: ArrayLike<number>, intercept: ArrayLike<number>): ChunkLike {
  const eta = linearPredictor(x, coef, intercept);
  const out = allocShared(Float64Array, eta.length) as Float64Array;
  for (let i = 0; i < eta.length; i++) out[i] = Math.exp(eta[i]);
  return { data: out, shape: [x.shape[0]] };
}

/** The distinct values of a label chunk (sorted), checked finite: the class-discovery pass. */
export function labelSetChunk(y: ChunkLike): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i];
    if (!Number.isFinite(v)) throw new RangeError(`y: expected finite labels, got ${v} at row ${i} of a chunk`);
    seen.add(v);
  }
  return [...seen].sort((a, b) => a - b);
}

export function combineLabelSets(parts: number[][]): number[] {
  return [...new Set(parts.flat())].sort((a, b) => a - b);
}

/** Labels → class indices (0 … K−1) in float64, as the kernels take them. */
export function encodeLabelsChunk(y: ChunkLike, labels: number[]): ChunkLike {
  const index = new Map(labels.map((l, i) => [l, i]));
  const out = allocShared(Float64Array, y.data.length) as Float64Array;
  for (let i = 0; i < y.data.length; i++) {
    const c = index.get(y.data[i]);
    if (c === undefined) throw new RangeError(`y: label ${y.data[i]} was not among the classes found (${labels.join(', ')})`);
    out[i] = c;
  }
  return { data: out, shape: [y.data.length] };
}

/** Σ w·(Poisson deviance) of a chunk against μ and against the (weighted) mean ȳ, for D². */
export function poissonDevianceChunk(y: ChunkLike, mu: ChunkLike, ybar: number, w?: ChunkLike): [number, number] {
  let dev = 0;
  let null_ = 0;
  for (let i = 0; i < y.data.length; i++) {
    const wi = w === undefined ? 1 : w.data[i];
    dev += wi * poissonDeviance(y.data[i], mu.data[i]);
    null_ += wi * poissonDeviance(y.data[i], ybar);
  }
  return [dev, null_];
}

/** Σ weight per class of class indices `codes` (0 … k−1): the counts of 'balanced' class weights. */
export function classTotals(codes: ArrayLike<number>, k: number, w?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < codes.length; i++) out[codes[i]] += w === undefined ? 1 : w[i];
  return out;
}

export function classTotalsChunk(y: ChunkLike, k: number, w?: ChunkLike): Float64Array {
  return classTotals(y.data, k, w?.data);
}

export function addVectors(parts: Float64Array[]): Float64Array {
  const out = Float64Array.from(parts[0]);
  for (const p of parts.slice(1)) for (let i = 0; i < out.length; i++) out[i] += p[i];
  return out;
}

/** Each row's class weight, `classWeight[y]`, for a chunk of class indices. */
export function classWeightRowsChunk(y: ChunkLike, classWeight: number[]): ChunkLike {
  const out = allocShared(Float64Array, y.data.length) as Float64Array;
  for (let i = 0; i < y.data.length; i++) out[i] = classWeight[y.data[i]];
  return { data: out, shape: [y.data.length] };
}

export function sumPairs(parts: [number, number][]): [number, number] {
  return parts.reduce<[number, number]>((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]);
}

export function poissonDeviance(y: number, mu: number): number {
  return 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - y + mu);
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

registerOp('ml.glm.rows', (x: ChunkLike) => x.shape[0]);
registerOp('ml.glm.partial', glmPartialChunk);
registerOp('ml.glm.partialWeighted', (x: ChunkLike, y: ChunkLike, w: ChunkLike, design: GlmDesign, beta: Float64Array, hessian: boolean) => glmPartialChunk(x, y, design, beta, hessian, w));
registerOp('ml.glm.partialCombine', combineGlmPartials);
registerOp('ml.glm.admmLocal', admmLocalChunk);
registerOp('ml.glm.admmLocalWeighted', (x: ChunkLike, y: ChunkLike, w: ChunkLike, design: GlmDesign, beta0: Float64Array, z: Float64Array, u: Float64Array, rho: number, maxIter: number, tol: number) =>
  admmLocalChunk(x, y, design, beta0, z, u, rho, maxIter, tol, w));
registerOp('ml.glm.proba', probaChunk);
registerOp('ml.glm.decision', decisionChunk);
registerOp('ml.glm.predictClass', predictClassChunk);
registerOp('ml.glm.poissonMean', poissonMeanChunk);
registerOp('ml.glm.labelSet', labelSetChunk);
registerOp('ml.glm.labelSetCombine', combineLabelSets);
registerOp('ml.glm.encodeLabels', encodeLabelsChunk);
registerOp('ml.glm.poissonDeviance', poissonDevianceChunk);
registerOp('ml.glm.poissonDevianceWeighted', (y: ChunkLike, mu: ChunkLike, w: ChunkLike, ybar: number) => poissonDevianceChunk(y, mu, ybar, w));
registerOp('ml.glm.classTotals', classTotalsChunk);
registerOp('ml.glm.classTotalsWeighted', (y: ChunkLike, w: ChunkLike, k: number) => classTotalsChunk(y, k, w));
registerOp('ml.glm.addVectors', addVectors);
registerOp('ml.glm.classWeightRows', classWeightRowsChunk);
registerOp('ml.glm.sumPairs', sumPairs);
