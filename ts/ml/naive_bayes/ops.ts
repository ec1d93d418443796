/**
 * Per-chunk ops of GaussianNB: per-class counts, means and sums of squared
 * deviations of a chunk, merged pairwise (Chan et al.'s parallel update, the
 * same update scikit-learn's partial_fit applies batch after batch), plus the
 * per-feature statistics of all rows (for var_smoothing's epsilon).
 */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { argmaxRow, softmaxRows } from '../linear_model/glm-ops.js';

/** Count, mean and sum of squared deviations per (group, feature), row-major `groups x cols`. */
export interface GroupMoments {
  counts: Float64Array;
  means: Float64Array;
  ssd: Float64Array;
}

/** Moments per class index (`y` holds class indices 0 … k−1) and, as group k, over all rows. */
export function classMomentsChunk(x: ChunkLike, y: ChunkLike, k: number): GroupMoments {
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (y.shape[0] !== rows) throw new RangeError(`y: chunk has ${y.shape[0]} rows, X's chunk has ${rows}: X and y must be chunked alike`);
  const g = k + 1;
  const counts = new Float64Array(g);
  const means = new Float64Array(g * cols);
  const ssd = new Float64Array(g * cols);
  // two passes (means, then deviations): exact for columns whose mean dwarfs their spread
  for (let r = 0; r < rows; r++) {
    const c = y.data[r];
    counts[c]++;
    counts[k]++;
    for (let j = 0; j < cols; j++) {
      const v = x.data[r * cols + j];
      means[c * cols + j] += v;
      means[k * cols + j] += v;
    }
  }
  for (let i = 0; i < g; i++) for (let j = 0; j < cols; j++) if (counts[i] > 0) means[i * cols + j] /= counts[i];
  for (let r = 0; r < rows; r++) {
    const c = y.data[r];
    for (let j = 0; j < cols; j++) {
      const v = x.data[r * cols + j];
      ssd[c * cols + j] += (v - means[c * cols + j]) ** 2;
      ssd[k * cols + j] += (v - means[k * cols + j]) ** 2;
    }
  }
  return { counts, means, ssd };
}

/** Merges moments of disjoint row sets (pairwise, Chan et al.). */
export function mergeMoments(parts: GroupMoments[]): GroupMoments {
  const out = { counts: Float64Array.from(parts[0].counts), means: Float64Array.from(parts[0].means), ssd: Float64Array.from(parts[0].ssd) };
  const cols = out.means.length / out.counts.length;
  for (const p of parts.slice(1)) {
    for (let i = 0; i < out.counts.length; i++) {
      const na = out.counts[i];
      const nb = p.counts[i];
      if (nb === 0) continue;
      const n = na + nb;
      for (let j = 0; j < cols; j++) {
        const a = i * cols + j;
        const delta = p.means[a] - out.means[a];
        out.means[a] = (na * out.means[a] + nb * p.means[a]) / n;
        out.ssd[a] += p.ssd[a] + (delta * delta * na * nb) / n;
      }
      out.counts[i] = n;
    }
  }
  return out;
}

/** Joint log-likelihood log P(c) + Σ log N(x | θ_c, σ²_c) of each row for each class, `rows x classes`. */
export function jointLogLikelihood(x: ChunkLike, theta: ArrayLike<number>, variance: ArrayLike<number>, logPrior: ArrayLike<number>): Float64Array {
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  const k = logPrior.length;
  if (theta.length !== k * cols) throw new RangeError(`X: expected ${theta.length / k} columns (as at fit), got ${cols}`);
  const norm = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.log(2 * Math.PI * variance[c * cols + j]);
    norm[c] = logPrior[c] - 0.5 * s;
  }
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += (x.data[r * cols + j] - theta[c * cols + j]) ** 2 / variance[c * cols + j];
      out[r * k + c] = norm[c] - 0.5 * s;
    }
  }
  return out;
}

/** Posterior class probabilities of a chunk (a softmax of the joint log-likelihood), `rows x classes`. */
export function nbProbaChunk(x: ChunkLike, theta: ArrayLike<number>, variance: ArrayLike<number>, logPrior: ArrayLike<number>): ChunkLike {
  const jll = jointLogLikelihood(x, theta, variance, logPrior);
  const k = logPrior.length;
  const rows = x.shape[0];
  return { data: softmaxRows(jll, rows, k), shape: [rows, k] };
}

/** The most likely class label of each row. */
export function nbPredictChunk(x: ChunkLike, theta: ArrayLike<number>, variance: ArrayLike<number>, logPrior: ArrayLike<number>, labels: number[]): ChunkLike {
  const jll = jointLogLikelihood(x, theta, variance, logPrior);
  const k = logPrior.length;
  const rows = x.shape[0];
  const out = allocShared(Float64Array, rows) as Float64Array;
  for (let r = 0; r < rows; r++) out[r] = labels[argmaxRow(jll, r, k)];
  return { data: out, shape: [rows] };
}

registerOp('ml.nb.moments', classMomentsChunk);
registerOp('ml.nb.mergeMoments', mergeMoments);
registerOp('ml.nb.proba', nbProbaChunk);
registerOp('ml.nb.predict', nbPredictChunk);
