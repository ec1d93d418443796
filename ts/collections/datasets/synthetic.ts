/**
 * scikit-learn's synthetic data sets as lazy arrays: every chunk is generated
 * on a worker from `(randomState, chunk index)`, so a 100 000 000 x 100
 * array never exists on the client and the values do not depend on how many
 * workers there are. Small parameters (centres, coefficients) are drawn on the
 * client from the same seed and travel in the graph.
 */
import type { TaskSpec } from '../../actors/graph.js';
import type { ShoalArray } from '../array/array.js';
import { chunkSizes, seedOf, splitXY } from '../array/create.js';
import { uniformSource } from '../array/rng.js';
import { tokenize } from '../graph/layers.js';

/** Client-side draws use streams far from the chunks' ones. */
const CLIENT_STREAM = 0x7fff0000;

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: expected a positive integer, got ${v}`);
}

export interface MakeBlobsOptions {
  nSamples?: number;
  nFeatures?: number;
  /** number of centres, or the centres themselves (rows) */
  centers?: number | number[][];
  clusterStd?: number | number[];
  centerBox?: [number, number];
  /** rows per chunk (default: one chunk) */
  chunks?: number;
  randomState?: number;
}

/**
 * Isotropic Gaussian blobs: `[X, y]`, X float64 `nSamples x nFeatures`, y int32
 * labels; row g belongs to centre `g mod centers`. Also returns the centres.
 */
export function makeBlobs(o: MakeBlobsOptions = {}): [ShoalArray, ShoalArray, Float64Array] {
  const nSamples = o.nSamples ?? 100;
  const seed = seedOf(o.randomState);
  let centers: Float64Array;
  let nFeatures: number;
  if (Array.isArray(o.centers)) {
    nFeatures = o.centers[0]?.length ?? 0;
    positiveInt('centers[0].length', nFeatures);
    o.centers.forEach((c, i) => { if (c.length !== nFeatures) throw new RangeError(`centers[${i}]: expected ${nFeatures} values like centers[0], got ${c.length}`); });
    if (o.nFeatures !== undefined && o.nFeatures !== nFeatures) throw new RangeError(`nFeatures: expected ${nFeatures} (the centres' width), got ${o.nFeatures}`);
    centers = Float64Array.from(o.centers.flat());
  } else {
    const k = o.centers ?? 3;
    nFeatures = o.nFeatures ?? 2;
    positiveInt('centers', k); positiveInt('nFeatures', nFeatures);
    const [lo, hi] = o.centerBox ?? [-10, 10];
    const u = uniformSource(seed, CLIENT_STREAM);
    centers = new Float64Array(k * nFeatures).map(() => lo + (hi - lo) * u());
  }
  const k = centers.length / nFeatures;
  const stdList = typeof o.clusterStd === 'object' ? o.clusterStd : new Array(k).fill(o.clusterStd ?? 1);
  if (stdList.length !== k) throw new RangeError(`clusterStd: expected ${k} values (one per centre), got ${stdList.length}`);
  const clusterStd = Float64Array.from(stdList);
  const sizes = chunkSizes(nSamples, o.chunks ?? Math.max(nSamples, 1));
  const name = `make-blobs-${tokenize(seed, centers, clusterStd, sizes)}`;
  const tasks = new Map<string, TaskSpec>();
  let offset = 0;
  const keys = sizes.map((rows, i) => {
    const key = `${name}-${i}`;
    tasks.set(key, { op: 'datasets.blobs', args: [{ seed, stream: i, rows, offset, centers, nFeatures, clusterStd }] });
    offset += rows;
    return key;
  });
  const [X, y] = splitXY(name, tasks, keys, sizes, { dtype: 'float64', cols: nFeatures }, { dtype: 'int32', cols: null });
  return [X, y, centers];
}

export interface MakeClassificationOptions {
  nSamples?: number;
  nFeatures?: number;
  nInformative?: number;
  nRedundant?: number;
  nClasses?: number;
  nClustersPerClass?: number;
  classSep?: number;
  flipY?: number;
  chunks?: number;
  randomState?: number;
}

/**
 * A classification problem as scikit-learn's make_classification: Gaussian
 * clusters on the vertices of a hypercube of side `2 * classSep` in the
 * informative features, redundant features as random linear combinations of
 * them, noise features, and `flipY` of the labels re-drawn at random.
 * (scikit-learn also applies a random covariance and shuffles columns; shoal
 * keeps informative features first and unit-variance clusters.)
 */
export function makeClassification(o: MakeClassificationOptions = {}): [ShoalArray, ShoalArray] {
  const nSamples = o.nSamples ?? 100, nFeatures = o.nFeatures ?? 20, nInformative = o.nInformative ?? 2;
  const nRedundant = o.nRedundant ?? 2, nClasses = o.nClasses ?? 2, perClass = o.nClustersPerClass ?? 2;
  const classSep = o.classSep ?? 1, flipY = o.flipY ?? 0.01;
  positiveInt('nFeatures', nFeatures); positiveInt('nInformative', nInformative); positiveInt('nClasses', nClasses); positiveInt('nClustersPerClass', perClass);
  if (!Number.isInteger(nRedundant) || nRedundant < 0) throw new RangeError(`nRedundant: expected a non-negative integer, got ${nRedundant}`);
  if (nInformative + nRedundant > nFeatures) throw new RangeError(`nFeatures: expected at least nInformative + nRedundant = ${nInformative + nRedundant}, got ${nFeatures}`);
  const nClusters = nClasses * perClass;
  if (nClusters > 2 ** nInformative) throw new RangeError(`nClasses * nClustersPerClass: expected at most 2**nInformative = ${2 ** nInformative}, got ${nClusters}`);
  if (!(flipY >= 0 && flipY <= 1)) throw new RangeError(`flipY: expected a number in [0, 1], got ${flipY}`);
  const seed = seedOf(o.randomState);
  const u = uniformSource(seed, CLIENT_STREAM);
  // distinct hypercube vertices, chosen at random
  const vertices = Array.from({ length: 2 ** Math.min(nInformative, 20) }, (_, i) => i);
  for (let i = vertices.length - 1; i > 0; i--) { const j = Math.floor(u() * (i + 1)); [vertices[i], vertices[j]] = [vertices[j], vertices[i]]; }
  const centroids = new Float64Array(nClusters * nInformative);
  for (let c = 0; c < nClusters; c++) for (let j = 0; j < nInformative; j++) centroids[c * nInformative + j] = ((vertices[c] >> j) & 1 ? 1 : -1) * classSep;
  const redundant = new Float64Array(nInformative * nRedundant).map(() => 2 * u() - 1);
  const sizes = chunkSizes(nSamples, o.chunks ?? Math.max(nSamples, 1));
  const name = `make-classification-${tokenize(seed, centroids, redundant, sizes, nFeatures, flipY, nClasses)}`;
  const tasks = new Map<string, TaskSpec>();
  let offset = 0;
  const keys = sizes.map((rows, i) => {
    const key = `${name}-${i}`;
    tasks.set(key, { op: 'datasets.classification', args: [{ seed, stream: i, rows, offset, nFeatures, nInformative, nRedundant, nClasses, centroids, redundant, flipY }] });
    offset += rows;
    return key;
  });
  const [X, y] = splitXY(name, tasks, keys, sizes, { dtype: 'float64', cols: nFeatures }, { dtype: 'int32', cols: null });
  return [X, y];
}

export interface MakeRegressionOptions {
  nSamples?: number;
  nFeatures?: number;
  nInformative?: number;
  nTargets?: number;
  bias?: number;
  noise?: number;
  chunks?: number;
  randomState?: number;
}

/**
 * A linear regression problem: standard-normal X, `y = X coef + bias + noise`,
 * with `nInformative` non-zero coefficients drawn uniformly in [0, 100) as in
 * scikit-learn. Returns `[X, y, coef]` (coef row-major `nFeatures x nTargets`).
 */
export function makeRegression(o: MakeRegressionOptions = {}): [ShoalArray, ShoalArray, Float64Array] {
  const nSamples = o.nSamples ?? 100, nFeatures = o.nFeatures ?? 100, nTargets = o.nTargets ?? 1;
  const nInformative = Math.min(o.nInformative ?? 10, nFeatures);
  positiveInt('nFeatures', nFeatures); positiveInt('nTargets', nTargets);
  if (!Number.isInteger(nInformative) || nInformative < 0) throw new RangeError(`nInformative: expected a non-negative integer, got ${o.nInformative}`);
  const noise = o.noise ?? 0;
  if (!(noise >= 0)) throw new RangeError(`noise: expected a non-negative number, got ${noise}`);
  const seed = seedOf(o.randomState);
  const u = uniformSource(seed, CLIENT_STREAM);
  const coef = new Float64Array(nFeatures * nTargets);
  for (let j = 0; j < nInformative; j++) for (let t = 0; t < nTargets; t++) coef[j * nTargets + t] = 100 * u();
  const sizes = chunkSizes(nSamples, o.chunks ?? Math.max(nSamples, 1));
  const bias = o.bias ?? 0;
  const name = `make-regression-${tokenize(seed, coef, sizes, bias, noise)}`;
  const tasks = new Map<string, TaskSpec>();
  const keys = sizes.map((rows, i) => {
    const key = `${name}-${i}`;
    tasks.set(key, { op: 'datasets.regression', args: [{ seed, stream: i, rows, nFeatures, coef, nTargets, bias, noise }] });
    return key;
  });
  const [X, y] = splitXY(name, tasks, keys, sizes, { dtype: 'float64', cols: nFeatures }, { dtype: 'float64', cols: nTargets === 1 ? null : nTargets });
  return [X, y, coef];
}
