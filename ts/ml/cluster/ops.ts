/** Per-chunk ops of KMeans (Rust kernels on each chunk), registered on every task thread. */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { native } from '../../native.js';
import { view, type FloatData } from '../chunk-view.js';

type F = FloatData;

const k = (centers: Float64Array, cols: number): number => centers.length / cols;

/** Lloyd partial: per-centre sums and counts and the inertia of one chunk. */
export interface LloydStats { sums: Float64Array; counts: Float64Array; inertia: number }

export function lloydChunk(x: ChunkLike, centers: Float64Array): LloydStats {
  const v = view(x);
  const r = native.lloydPartial(v.data, v.rows, v.cols, centers, k(centers, v.cols));
  return { sums: r.sums, counts: Float64Array.from(r.counts), inertia: r.inertia };
}

export function combineLloyd(parts: LloydStats[]): LloydStats {
  const out = { sums: Float64Array.from(parts[0].sums), counts: Float64Array.from(parts[0].counts), inertia: parts[0].inertia };
  for (const p of parts.slice(1)) {
    for (let i = 0; i < out.sums.length; i++) out.sums[i] += p.sums[i];
    for (let i = 0; i < out.counts.length; i++) out.counts[i] += p.counts[i];
    out.inertia += p.inertia;
  }
  return out;
}

/**
 * Σ of squared distances to the nearest of `centers` (the k-means|| cost φ), in one kernel
 * call: the array of every row's distance (8 MB a 1M-row chunk) had made this pass take 9x
 * a Lloyd pass.
 */
export function costChunk(x: ChunkLike, centers: Float64Array): number {
  const v = view(x);
  return native.kmeansCost(v.data, v.rows, v.cols, centers, k(centers, v.cols));
}

/** k-means|| oversampling: rows chosen with probability min(1, ℓ·d²/φ), as a chunk (one kernel call, as `costChunk`). */
export function oversampleChunk(x: ChunkLike, centers: Float64Array, phi: number, l: number, seed: number, stream: number): ChunkLike {
  const v = view(x);
  const idx = native.kmeansOversampleRows(v.data, v.rows, v.cols, centers, k(centers, v.cols), phi, l, seed, stream);
  return takeRows(v, idx);
}

/** Rows `idx` of a chunk, as float64. */
export function takeRows(v: { data: F; cols: number }, idx: ArrayLike<number>): ChunkLike {
  const out = new Float64Array(idx.length * v.cols);
  for (let r = 0; r < idx.length; r++) for (let c = 0; c < v.cols; c++) out[r * v.cols + c] = v.data[idx[r] * v.cols + c];
  return { data: out, shape: [idx.length, v.cols] };
}

/** The rows at `idx` (chunk-local indices) of one chunk. */
export function pickRows(x: ChunkLike, idx: number[]): ChunkLike {
  return takeRows(view(x), idx);
}

/** Squared distances to the nearest centre, per row (for exact k-means++ sampling). */
export function minDistChunk(x: ChunkLike, centers: Float64Array): Float64Array {
  const v = view(x);
  return native.minSqDistances(v.data, v.rows, v.cols, centers, k(centers, v.cols));
}

export function labelsChunk(x: ChunkLike, centers: ArrayLike<number>): ChunkLike {
  const v = view(x);
  const c = Float64Array.from(centers);
  const labels = allocShared(Int32Array, v.rows) as Int32Array;
  native.kmeansPredict(v.data, v.rows, v.cols, c, k(c, v.cols), labels);
  return { data: labels, shape: [v.rows] };
}

export function transformChunk(x: ChunkLike, centers: ArrayLike<number>): ChunkLike {
  const v = view(x);
  const c = Float64Array.from(centers);
  const kk = k(c, v.cols);
  return { data: native.kmeansTransform(v.data, v.rows, v.cols, c, kk), shape: [v.rows, kk] };
}

registerOp('ml.kmeans.lloyd', lloydChunk);
registerOp('ml.kmeans.lloydCombine', combineLloyd);
registerOp('ml.kmeans.cost', costChunk);
registerOp('ml.kmeans.costCombine', (parts: number[]) => parts.reduce((a, b) => a + b, 0));
registerOp('ml.kmeans.oversample', oversampleChunk);
registerOp('ml.kmeans.rows', (x: ChunkLike) => x.shape[0]);
registerOp('ml.kmeans.pick', pickRows);
registerOp('ml.kmeans.minDist', minDistChunk);
registerOp('ml.kmeans.labels', labelsChunk);
registerOp('ml.kmeans.transform', transformChunk);

/**
 * Exact D² sampling inside one chunk (a k-means++ step): the row where the
 * running sum of squared distances first exceeds `u` (0 ≤ u < the chunk's cost).
 */
export function ppPickChunk(x: ChunkLike, centers: Float64Array, u: number): ChunkLike {
  const v = view(x);
  const d = native.minSqDistances(v.data, v.rows, v.cols, centers, k(centers, v.cols));
  let acc = 0;
  let row = v.rows - 1;
  for (let i = 0; i < v.rows; i++) {
    acc += d[i];
    if (acc > u) { row = i; break; }
  }
  return takeRows(v, [row]);
}

registerOp('ml.kmeans.ppPick', ppPickChunk);
