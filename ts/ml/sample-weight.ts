/**
 * Sample weights and class weights, as scikit-learn's `_check_sample_weight`
 * and `compute_class_weight`: checked where they are given (in memory, or a
 * shoal Array chunked like X, checked in one small graph) so that a bad
 * weight is an error at the call that names `sampleWeight` or `classWeight`,
 * not a NaN deep in a solver.
 */
import { ShoalArray } from '../collections/array/array.js';
import { computeVectors } from './collections-bridge.js';
import { toVector, type VectorLike } from './validation.js';

/** A weight per sample: in memory, or a 1-D shoal Array chunked like X (or y). */
export type SampleWeight = VectorLike | ShoalArray;

/** Options of the weighted `fit`, `partialFit` and `score` methods. */
export interface WeightOptions {
  /** one non-negative weight per sample (scikit-learn's `sample_weight`); null or absent: all 1 */
  sampleWeight?: SampleWeight | null;
}

/**
 * Class weights (scikit-learn's `class_weight`): 'balanced' gives class c the
 * weight Σw / (nClasses · Σ_{y=c} w) (n / (nClasses · count) without sample
 * weights); a record maps labels (as their strings) to weights, 1 for the
 * classes it leaves out; null: all 1. They multiply the sample weights.
 */
export type ClassWeight = 'balanced' | Record<string, number> | null;

/** Whether `v` is a valid `classWeight` hyper-parameter. */
export function isClassWeight(v: unknown): boolean {
  if (v === null || v === 'balanced') return true;
  if (typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  return Object.values(v as object).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0);
}

function given(sw: SampleWeight | null | undefined): sw is SampleWeight {
  return sw !== undefined && sw !== null;
}

/** Non-negative finite weights that do not all vanish; the message names `sampleWeight`. */
function checkValues(lo: number, hi: number, sum: number, at: (pred: (v: number) => boolean) => string): void {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(sum)) throw new RangeError(`sampleWeight: expected finite weights, got ${at((v) => !Number.isFinite(v))}`);
  if (lo < 0) throw new RangeError(`sampleWeight: expected non-negative weights, got ${at((v) => v < 0)}`);
  if (!(sum > 0)) throw new RangeError('sampleWeight: every weight is 0; at least one sample needs a positive weight');
}

/** In-memory sample weights for `n` samples, checked; undefined when none were given. */
export function checkSampleWeight(sampleWeight: SampleWeight | null | undefined, n: number): Float64Array | undefined {
  if (!given(sampleWeight)) return undefined;
  if (sampleWeight instanceof ShoalArray) throw new TypeError('sampleWeight: with in-memory data, sampleWeight must be in memory too');
  const w = toVector('sampleWeight', sampleWeight, { allowNonFinite: true });
  if (w.length !== n) throw new RangeError(`sampleWeight: expected ${n} weights (one per sample), got ${w.length}`);
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of w) { lo = Math.min(lo, v); hi = Math.max(hi, v); sum += v; }
  if (Number.isNaN(sum)) lo = NaN;
  checkValues(lo, hi, sum, (pred) => { const i = w.findIndex(pred); return `${w[i]} at index ${i}`; });
  return w;
}

/**
 * Sample weights for a shoal Array `like` (X or y): a 1-D Array chunked alike,
 * as float64, its values checked in one graph (min, max, sum). Undefined when
 * none were given.
 */
export async function checkLazySampleWeight(sampleWeight: SampleWeight | null | undefined, like: ShoalArray, likeName = 'X'): Promise<ShoalArray | undefined> {
  return (await checkLazySampleWeightSum(sampleWeight, like, likeName))?.w;
}

/** {@link checkLazySampleWeight}, with the weights' sum its check computed (for weighted means, so Σ w is not reduced again). */
export async function checkLazySampleWeightSum(sampleWeight: SampleWeight | null | undefined, like: ShoalArray, likeName = 'X'): Promise<{ w: ShoalArray; sum: number } | undefined> {
  if (!given(sampleWeight)) return undefined;
  if (!(sampleWeight instanceof ShoalArray)) throw new TypeError(`sampleWeight: with ${likeName} a shoal Array${likeName === 'X' ? ' or DataFrame' : ''}, sampleWeight must be a 1-D shoal Array chunked like ${likeName}`);
  if (sampleWeight.ndim !== 1) throw new RangeError(`sampleWeight: expected a 1-D Array, got shape [${sampleWeight.shape.join(', ')}]`);
  if (sampleWeight.numChunks !== like.numChunks) throw new RangeError(`sampleWeight: expected ${like.numChunks} chunks (chunked like ${likeName}), got ${sampleWeight.numChunks}`);
  like.chunks.forEach((n, i) => {
    const m = sampleWeight.chunks[i];
    if (Number.isFinite(n) && Number.isFinite(m) && n !== m) throw new RangeError(`sampleWeight: chunk ${i} has ${m} weights, ${likeName}'s has ${n} rows (chunk it like ${likeName})`);
  });
  const w = sampleWeight.dtype === 'float64' ? sampleWeight : sampleWeight.astype('float64');
  const [[lo], [hi], [sum]] = await computeVectors([w.min(), w.max(), w.sum()]);
  checkValues(lo, hi, sum, () => `values from ${lo} to ${hi}`);
  return { w, sum };
}

/**
 * The weight of each class (in the order of `classes`) for `classWeight`;
 * `totals()` gives each class's Σ sample weight (its count when unweighted),
 * asked for only by 'balanced'. Undefined for null.
 */
export async function classWeightVector(classWeight: ClassWeight, classes: readonly (number | string)[], totals: () => Float64Array | Promise<Float64Array>): Promise<Float64Array | undefined> {
  if (classWeight === null) return undefined;
  const k = classes.length;
  if (classWeight === 'balanced') {
    const t = await totals();
    const all = t.reduce((a, b) => a + b, 0);
    const empty = t.findIndex((v) => !(v > 0));
    if (empty >= 0) throw new RangeError(`classWeight: 'balanced' needs a positive total weight in every class; class ${JSON.stringify(classes[empty])} has ${t[empty]}`);
    return t.map((v) => all / (k * v));
  }
  const names = classes.map(String);
  for (const key of Object.keys(classWeight)) {
    if (!names.includes(key)) throw new RangeError(`classWeight: class ${JSON.stringify(key)} is not among the classes in y (${names.join(', ')})`);
  }
  return Float64Array.from(names, (c) => classWeight[c] ?? 1);
}
