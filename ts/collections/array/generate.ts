/**
 * Per-chunk generators behind `random.*` and the `make*` data sets. Each takes
 * the chunk's seed and stream (its index) and nothing from other chunks, so a
 * chunk is the same whichever worker makes it.
 */
import { allocShared, type ChunkLike, type DType } from './dtype.js';
import { fillNormal, fillUniform } from './rng.js';

export interface RandomChunkSpec {
  seed: number;
  stream: number;
  rows: number;
  /** null for a 1-D chunk */
  cols: number | null;
  dtype: DType;
}

function shapeOf(s: RandomChunkSpec): number[] {
  return s.cols === null ? [s.rows] : [s.rows, s.cols];
}

function filled(s: RandomChunkSpec, fill: (out: Float64Array | Float32Array) => void): ChunkLike {
  const n = s.rows * (s.cols ?? 1);
  const out = allocShared(s.dtype, n);
  if (out instanceof Float64Array || out instanceof Float32Array) {
    fill(out);
    return { data: out, shape: shapeOf(s) };
  }
  const tmp = new Float64Array(n);
  fill(tmp);
  out.set(tmp);
  return { data: out, shape: shapeOf(s) };
}

export function normalChunk(s: RandomChunkSpec & { loc: number; scale: number }): ChunkLike {
  return filled(s, (out) => fillNormal(out, s.seed, s.stream, s.loc, s.scale));
}

export function uniformChunk(s: RandomChunkSpec & { low: number; high: number }): ChunkLike {
  return filled(s, (out) => fillUniform(out, s.seed, s.stream, s.low, s.high));
}

/** Streams reserved inside a chunk's stream space for secondary draws (labels, noise). */
const SUB_STREAM = 0x40000000;

export interface BlobsChunkSpec {
  seed: number;
  stream: number;
  rows: number;
  /** global index of the chunk's first row: labels cycle through the centres by it */
  offset: number;
  /** row-major centres, `nCenters x nFeatures` */
  centers: Float64Array;
  nFeatures: number;
  clusterStd: Float64Array;
}

/** Points around the centres; row g belongs to centre `g mod nCenters` (exactly balanced). */
export function blobsChunk(s: BlobsChunkSpec): { X: ChunkLike; y: ChunkLike } {
  const k = s.centers.length / s.nFeatures;
  const X = allocShared('float64', s.rows * s.nFeatures) as Float64Array;
  fillNormal(X, s.seed, s.stream, 0, 1);
  const y = allocShared('int32', s.rows) as Int32Array;
  for (let r = 0; r < s.rows; r++) {
    const c = (s.offset + r) % k;
    y[r] = c;
    for (let j = 0; j < s.nFeatures; j++) X[r * s.nFeatures + j] = s.centers[c * s.nFeatures + j] + s.clusterStd[c] * X[r * s.nFeatures + j];
  }
  return { X: { data: X, shape: [s.rows, s.nFeatures] }, y: { data: y, shape: [s.rows] } };
}

export interface ClassificationChunkSpec {
  seed: number;
  stream: number;
  rows: number;
  offset: number;
  nFeatures: number;
  nInformative: number;
  nRedundant: number;
  nClasses: number;
  /** row-major centroids, `(nClasses * nClustersPerClass) x nInformative` */
  centroids: Float64Array;
  /** row-major `nInformative x nRedundant` mixing matrix */
  redundant: Float64Array;
  flipY: number;
}

/**
 * Gaussian clusters on hypercube vertices in the informative features (as
 * scikit-learn's make_classification), redundant features as linear
 * combinations of them, the rest noise; a fraction `flipY` of labels replaced
 * at random. Row g is in cluster `g mod nClusters`, of class `cluster mod nClasses`.
 */
export function classificationChunk(s: ClassificationChunkSpec): { X: ChunkLike; y: ChunkLike } {
  const { rows, nFeatures: p, nInformative: ni, nRedundant: nr } = s;
  const nClusters = s.centroids.length / ni;
  const X = allocShared('float64', rows * p) as Float64Array;
  fillNormal(X, s.seed, s.stream, 0, 1);
  const y = allocShared('int32', rows) as Int32Array;
  const flips = new Float64Array(rows * 2);
  fillUniform(flips, s.seed, s.stream + SUB_STREAM, 0, 1);
  for (let r = 0; r < rows; r++) {
    const c = (s.offset + r) % nClusters;
    const row = r * p;
    for (let j = 0; j < ni; j++) X[row + j] += s.centroids[c * ni + j];
    for (let k = 0; k < nr; k++) {
      let v = 0;
      for (let j = 0; j < ni; j++) v += X[row + j] * s.redundant[j * nr + k];
      X[row + ni + k] = v;
    }
    y[r] = flips[2 * r] < s.flipY ? Math.min(s.nClasses - 1, Math.floor(flips[2 * r + 1] * s.nClasses)) : c % s.nClasses;
  }
  return { X: { data: X, shape: [rows, p] }, y: { data: y, shape: [rows] } };
}

export interface RegressionChunkSpec {
  seed: number;
  stream: number;
  rows: number;
  nFeatures: number;
  /** row-major `nFeatures x nTargets` ground-truth coefficients */
  coef: Float64Array;
  nTargets: number;
  bias: number;
  noise: number;
}

/** `y = X coef + bias + noise * N(0, 1)` with standard-normal X. */
export function regressionChunk(s: RegressionChunkSpec): { X: ChunkLike; y: ChunkLike } {
  const { rows, nFeatures: p, nTargets: t } = s;
  const X = allocShared('float64', rows * p) as Float64Array;
  fillNormal(X, s.seed, s.stream, 0, 1);
  const y = allocShared('float64', rows * t) as Float64Array;
  if (s.noise > 0) fillNormal(y as Float64Array, s.seed, s.stream + SUB_STREAM, 0, s.noise);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < t; k++) {
      let v = s.bias;
      for (let j = 0; j < p; j++) v += X[r * p + j] * s.coef[j * t + k];
      y[r * t + k] += v;
    }
  }
  return { X: { data: X, shape: [rows, p] }, y: { data: y, shape: t === 1 ? [rows] : [rows, t] } };
}
