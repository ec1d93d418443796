/**
 * Per-chunk generators behind `random.*` and the `make*` data sets. Each takes
 * the chunk's seed and stream (its index) and nothing from other chunks, so a
 * chunk is the same whichever worker makes it.
 */
import { allocShared, type ChunkLike, type DType } from './dtype.js';
import { native } from '../../native.js';
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

/** Memory kept from one row block to the next (a fused task's blocks: graph/row-blocks.ts). */
export type RowScratch = Record<string, unknown>;

function reuse(scratch: RowScratch, key: string, n: number, ctor: Float64ArrayConstructor | Float32ArrayConstructor): Float64Array | Float32Array {
  const have = scratch[key];
  if (have instanceof ctor && have.length >= n) return have.subarray(0, n);
  const fresh = new ctor(n);
  scratch[key] = fresh;
  return fresh;
}

/** Rows [start, end) of the float chunk `s` describes, in `scratch`'s memory (values as `normalChunk`'s rows). */
export function normalRows(s: RandomChunkSpec & { loc: number; scale: number }, start: number, end: number, scratch: RowScratch): ChunkLike {
  const cols = s.cols ?? 1;
  const n = (end - start) * cols;
  const out = s.dtype === 'float32' ? reuse(scratch, 'x', n, Float32Array) : reuse(scratch, 'x', n, Float64Array);
  fillNormal(out, s.seed, s.stream, s.loc, s.scale, start * cols);
  if (s.dtype !== 'float64' && s.dtype !== 'float32') {
    const typed = allocShared(s.dtype, n);
    typed.set(out);
    return { data: typed, shape: s.cols === null ? [end - start] : [end - start, cols] };
  }
  return { data: out, shape: s.cols === null ? [end - start] : [end - start, cols] };
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
  return regressionRows(s, 0, s.rows);
}

/**
 * Rows [start, end) of the chunk `s` describes — the same values as those rows
 * of `regressionChunk(s)` — in `scratch`'s memory when given (reused from one
 * row block to the next), else in fresh shared memory.
 */
export function regressionRows(s: RegressionChunkSpec, start: number, end: number, scratch?: RowScratch): { X: ChunkLike; y: ChunkLike } {
  const { nFeatures: p, nTargets: t } = s;
  const rows = end - start;
  const X = (scratch ? reuse(scratch, 'X', rows * p, Float64Array) : allocShared('float64', rows * p)) as Float64Array;
  fillNormal(X, s.seed, s.stream, 0, 1, start * p);
  const y = (scratch ? reuse(scratch, 'y', rows * t, Float64Array) : allocShared('float64', rows * t)) as Float64Array;
  if (s.noise > 0) fillNormal(y, s.seed, s.stream + SUB_STREAM, 0, s.noise, start * t);
  else y.fill(0);
  // X·coef by the native GEMM (a JS loop over rows x features cost as much as drawing X)
  const coef = s.coef instanceof Float64Array ? s.coef : Float64Array.from(s.coef as ArrayLike<number>);
  const xc = native.gemm(X, coef, rows, p, t);
  for (let i = 0; i < rows * t; i++) y[i] += s.bias + xc[i];
  return { X: { data: X, shape: [rows, p] }, y: { data: y, shape: t === 1 ? [rows] : [rows, t] } };
}
