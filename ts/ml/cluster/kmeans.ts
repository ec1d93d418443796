/**
 * k-means, as scikit-learn's KMeans and Dask-ML's (scalable k-means||
 * initialisation, Bahmani et al. 2012, "Scalable K-Means++", VLDB).
 *
 * Each Lloyd iteration is one pass over the chunks: every chunk gives its
 * per-centre sums, counts and inertia (one Rust kernel pass), a tree
 * reduction adds them, and the client moves the centres. X is persisted once
 * and stays on the workers; only k·d numbers per chunk travel.
 */
import { seededRandom } from '../model_selection/split.js';
import { BaseEstimator, checkParam } from '../base.js';
import { ArrayData, InMemoryData, type ChunkedData } from '../chunked.js';
import { asLazyArray, DataFrame, ShoalArray } from '../collections-bridge.js';
import { toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import { labelsChunk, transformChunk, type LloydStats } from './ops.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { native } from '../../native.js';

export type KMeansInit = 'k-means||' | 'k-means++' | 'random' | number[][];

export interface KMeansParams extends Record<string, unknown> {
  nClusters: number;
  /** 'k-means||' (default), 'k-means++', 'random', or the initial centres (nClusters rows) */
  init: KMeansInit;
  /** k-means|| rounds */
  initMaxIter: number;
  /** k-means|| oversampling: ℓ = oversamplingFactor · nClusters candidates expected per round */
  oversamplingFactor: number;
  maxIter: number;
  /** convergence: squared centre shift ≤ tol · mean column variance, as scikit-learn */
  tol: number;
  randomState: number;
  /** runs from different seeds (randomState, randomState + 1, …); the lowest inertia wins. 'auto': 10 for init 'random', else 1 (scikit-learn's rule) */
  nInit: number | 'auto';
}

type XInput = MatrixLike | ShoalArray | DataFrame;

export class KMeans extends BaseEstimator<KMeansParams> {
  clusterCenters_?: Float64Array;
  /** labels of the training rows: a Int32Array for in-memory X, a lazy Array for an Array/DataFrame */
  labels_?: Int32Array | ShoalArray;
  inertia_?: number;
  nIter_?: number;
  nFeaturesIn_?: number;

  constructor(params: Partial<KMeansParams> = {}) {
    super({ nClusters: 8, init: 'k-means||', initMaxIter: 2, oversamplingFactor: 2, maxIter: 300, tol: 1e-4, randomState: 0, nInit: 'auto' }, params);
  }

  get isFitted(): boolean { return this.clusterCenters_ !== undefined; }

  private validate(): void {
    const p = this.params;
    const E = 'KMeans';
    checkParam(E, 'nClusters', p.nClusters, Number.isInteger(p.nClusters) && p.nClusters >= 1, 'an integer ≥ 1');
    checkParam(E, 'init', p.init, Array.isArray(p.init) || ['k-means||', 'k-means++', 'random'].includes(p.init as string), "'k-means||', 'k-means++', 'random' or an array of centres");
    checkParam(E, 'initMaxIter', p.initMaxIter, Number.isInteger(p.initMaxIter) && p.initMaxIter >= 1, 'an integer ≥ 1');
    checkParam(E, 'oversamplingFactor', p.oversamplingFactor, typeof p.oversamplingFactor === 'number' && p.oversamplingFactor > 0, 'a positive number');
    checkParam(E, 'maxIter', p.maxIter, Number.isInteger(p.maxIter) && p.maxIter >= 1, 'an integer ≥ 1');
    checkParam(E, 'tol', p.tol, typeof p.tol === 'number' && p.tol >= 0, 'a number ≥ 0');
    checkParam(E, 'randomState', p.randomState, Number.isInteger(p.randomState), 'an integer');
    checkParam(E, 'nInit', p.nInit, p.nInit === 'auto' || (Number.isInteger(p.nInit) && (p.nInit as number) >= 1), "an integer ≥ 1 or 'auto'");
  }

  /** Fits on in-memory data or a shoal Array/DataFrame (persisted once, for the iterations). */
  async fit(X: XInput): Promise<this> {
    this.validate();
    let data: ChunkedData;
    let lazy: ShoalArray | undefined;
    let n: number;
    let colVarMean: number;
    const A = asLazyArray(X);
    if (A) {
      if (A.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${A.shape.join(', ')}]`);
      lazy = await A.persist({ wait: true });
      data = new ArrayData(lazy);
      n = lazy.rows;
      colVarMean = mean(Float64Array.from((await lazy.var(0).compute()).data));
    } else {
      const m = toMatrix('X', X);
      data = new InMemoryData(m);
      n = m.shape[0];
      colVarMean = mean(columnVariances(m));
    }
    const k = this.params.nClusters;
    if (k > n) throw new RangeError(`KMeans: nClusters=${k} is more than the ${n} samples`);
    const { nInit, init } = this.params;
    const runs = nInit !== 'auto' ? nInit : init === 'random' ? 10 : 1;
    let best: { centers: Float64Array; inertia: number; iter: number } | undefined;
    for (let run = 0; run < (Array.isArray(init) ? 1 : runs); run++) {
      const r = await this.lloyd(data, n, colVarMean, this.params.randomState + run);
      if (best === undefined || r.inertia < best.inertia) best = r;
    }
    this.clusterCenters_ = best!.centers;
    this.inertia_ = best!.inertia;
    this.nIter_ = best!.iter;
    const centers = best!.centers;
    this.nFeaturesIn_ = data.cols;
    this.labels_ = lazy ? this.predict(lazy) : (labelsChunk((data as InMemoryData).chunk, centers).data as Int32Array);
    return this;
  }

  /** One run: initial centres from `seed`, Lloyd to convergence, and a last E-step for the inertia. */
  private async lloyd(data: ChunkedData, n: number, colVarMean: number, seed: number): Promise<{ centers: Float64Array; inertia: number; iter: number }> {
    let centers = await this.initialCenters(data, n, seed);
    const tolScaled = this.params.tol * colVarMean;
    let iter = 0;
    for (; iter < this.params.maxIter; iter++) {
      const stats = await data.reduce<LloydStats>('ml.kmeans.lloyd', () => [centers], 'ml.kmeans.lloydCombine');
      const next = moveCenters(stats, centers, data.cols);
      const shift = squaredDistance(next, centers);
      centers = next;
      if (shift <= tolScaled) { iter++; break; }
    }
    // a last E-step, so that inertia_ and labels_ belong to the final centres (as scikit-learn)
    const final = await data.reduce<LloydStats>('ml.kmeans.lloyd', () => [centers], 'ml.kmeans.lloydCombine');
    return { centers, inertia: final.inertia, iter };
  }

  private async initialCenters(data: ChunkedData, n: number, randomState: number): Promise<Float64Array> {
    const { init, nClusters: k } = this.params;
    const d = data.cols;
    if (Array.isArray(init)) {
      const m = toMatrix('init', init);
      if (m.shape[0] !== k || m.shape[1] !== d) throw new RangeError(`init: expected ${k} centres of ${d} columns, got shape [${m.shape.join(', ')}]`);
      return Float64Array.from(m.data);
    }
    const rand = seededRandom(randomState);
    const rows = knownChunkRows(data) ?? await data.map<number>('ml.kmeans.rows', () => []);
    if (init === 'random') {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(Math.floor(rand() * n));
      return this.gatherRows(data, rows, [...chosen].sort((a, b) => a - b), d);
    }
    // the first centre: a uniformly random row (k-means++ and k-means|| alike)
    let centers = await this.gatherRows(data, rows, [Math.floor(rand() * n)], d);
    if (init === 'k-means++') {
      // exact D² sampling, one centre per pass: a chunk by its cost, then a row inside it
      while (centers.length / d < k) {
        const costs = await data.map<number>('ml.kmeans.cost', () => [centers]);
        const total = costs.reduce((a, b) => a + b, 0);
        let u = rand() * total;
        let i = 0;
        while (i < costs.length - 1 && u >= costs[i]) u -= costs[i++];
        const row = await data.one<ChunkLike>(i, 'ml.kmeans.ppPick', [centers, u]);
        centers = concat(centers, row.data as Float64Array);
      }
      return centers;
    }
    // k-means||: a few rounds, each sampling ℓ candidates in expectation, then weighted k-means++ on the candidates
    const l = this.params.oversamplingFactor * k;
    const seed = randomState >>> 0;
    for (let round = 0; round < this.params.initMaxIter; round++) {
      const phi = await data.reduce<number>('ml.kmeans.cost', () => [centers], 'ml.kmeans.costCombine');
      if (phi === 0) break;
      const picked = await data.map<ChunkLike>('ml.kmeans.oversample', (i) => [centers, phi, l, seed, round * data.numChunks + i]);
      for (const p of picked) if (p.shape[0] > 0) centers = concat(centers, p.data as Float64Array);
    }
    const m = centers.length / d;
    if (m < k) {
      // too few distinct candidates (tiny or duplicated data): top up with random rows
      const extra = new Set<number>();
      while (extra.size < k - m) extra.add(Math.floor(rand() * n));
      centers = concat(centers, await this.gatherRows(data, rows, [...extra], d));
      return centers.slice(0, k * d);
    }
    const weights = await data.reduce<LloydStats>('ml.kmeans.lloyd', () => [centers], 'ml.kmeans.lloydCombine');
    return native.kmeansReduceCandidates(centers, centers.length / d, d, weights.counts, k, seed, 100);
  }

  /** Rows at global indices `idx` (sorted), fetched from the chunks holding them. */
  private async gatherRows(data: ChunkedData, rows: number[], idx: number[], d: number): Promise<Float64Array> {
    const out = new Float64Array(idx.length * d);
    let start = 0;
    let filled = 0;
    for (let i = 0; i < rows.length; i++) {
      const local = idx.filter((g) => g >= start && g < start + rows[i]).map((g) => g - start);
      if (local.length > 0) {
        const part = await data.one<ChunkLike>(i, 'ml.kmeans.pick', [local]);
        out.set(part.data as Float64Array, filled * d);
        filled += local.length;
      }
      start += rows[i];
    }
    return out;
  }

  /** Index of the nearest centre per row. */
  predict(X: ShoalArray | DataFrame): ShoalArray;
  predict(X: MatrixLike): Int32Array;
  predict(X: XInput): Int32Array | ShoalArray {
    this.checkFitted('predict');
    const centers = Array.from(this.clusterCenters_!);
    const A = asLazyArray(X);
    if (A) return this.checkWidth(A).mapBlocks('ml.kmeans.labels', { args: [centers], cols: null, dtype: 'int32' });
    return labelsChunk(this.checkMatrix(X), centers).data as Int32Array;
  }

  /** Distances from each row to every centre (rows x nClusters). */
  transform(X: ShoalArray | DataFrame): ShoalArray;
  transform(X: MatrixLike): Matrix;
  transform(X: XInput): Matrix | ShoalArray {
    this.checkFitted('transform');
    const centers = Array.from(this.clusterCenters_!);
    const A = asLazyArray(X);
    if (A) return this.checkWidth(A).mapBlocks('ml.kmeans.transform', { args: [centers], cols: this.params.nClusters, dtype: 'float64' });
    const c = transformChunk(this.checkMatrix(X), centers);
    return { data: c.data as Float64Array, shape: [c.shape[0], c.shape[1]] };
  }

  private checkWidth(A: ShoalArray): ShoalArray {
    if (A.cols !== this.nFeaturesIn_) throw new RangeError(`KMeans: X has ${A.cols} columns, ${this.nFeaturesIn_} were seen at fit`);
    return A;
  }

  private checkMatrix(X: XInput): Matrix {
    const m = toMatrix('X', X);
    if (m.shape[1] !== this.nFeaturesIn_) throw new RangeError(`KMeans: X has ${m.shape[1]} columns, ${this.nFeaturesIn_} were seen at fit`);
    return m;
  }
}

/** New centres = sums / counts; an empty cluster keeps its centre. */
function moveCenters(s: LloydStats, old: Float64Array, d: number): Float64Array {
  const out = Float64Array.from(old);
  for (let c = 0; c < s.counts.length; c++) {
    if (s.counts[c] === 0) continue;
    for (let j = 0; j < d; j++) out[c * d + j] = s.sums[c * d + j] / s.counts[c];
  }
  return out;
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function mean(v: Float64Array): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function columnVariances(m: Matrix): Float64Array {
  const [n, d] = m.shape;
  const mu = new Float64Array(d);
  const v = new Float64Array(d);
  for (let i = 0; i < n * d; i++) mu[i % d] += m.data[i] / n;
  for (let i = 0; i < n * d; i++) v[i % d] += (m.data[i] - mu[i % d]) ** 2 / n;
  return v;
}

/** Rows per chunk when the data already knows them (in memory, or an Array whose chunk sizes are known), saving a pass. */
function knownChunkRows(data: ChunkedData): number[] | undefined {
  if (data instanceof InMemoryData) return [data.chunk.shape[0]];
  if (data instanceof ArrayData && data.X.chunks.every((n) => Number.isFinite(n))) return [...data.X.chunks];
  return undefined;
}
