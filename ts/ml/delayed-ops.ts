/**
 * The ops of `computeFits` (ts/ml/delayed.ts):
 *
 * - `ml.delayed.fit(name, params, args, missing)`: rebuild the estimator from
 *   the registry by name and hyper-parameters, `fit(...args)` (the data
 *   arrive as the values of scattered or computed keys), and return the
 *   fitted model as a model file's bytes (ts/ml/persistence.ts) — the client
 *   rebuilds it the same way. A throwing fit fails the task, so its type,
 *   message and stack reach the client as a RemoteError.
 * - `ml.delayed.arrayValue(chunks, dtype, cols)`: a shoal Array's chunks as
 *   the one in-memory value its `compute()` gives an estimator (a matrix, or
 *   a plain typed array for a 1-D Array), built on a worker and shared by key.
 *
 * The registry and persistence are imported when the first fit runs (they
 * load every estimator), as the other model ops do.
 */
import { registerOp } from '../actors/ops.js';
import type { ChunkLike, DType } from '../collections/array/dtype.js';
import { concatRows } from '../collections/array/kernels.js';
import type { BaseEstimator, Params } from './base.js';

type Fittable = BaseEstimator<Params> & { fit(...args: unknown[]): Promise<unknown> };

/** `estimator.fit(...args)` for the estimator registered as `name` with `params`; the fitted model's bytes. */
export async function fitOp(name: string, params: Params, args: unknown[], missing: number[]): Promise<Uint8Array> {
  const [{ makeEstimator }, { modelToBytes }] = await Promise.all([import('./registry.js'), import('./persistence.js')]);
  const est = makeEstimator(name, params) as Fittable;
  // an argument left out (y of a clusterer followed by fit options) travels as null: give undefined back
  await est.fit(...args.map((a, i) => (missing.includes(i) ? undefined : a)));
  return modelToBytes(est);
}

/** The whole Array in memory: `{ data, shape }` for 2-D, the typed array itself for 1-D (as `fit` takes `await A.compute()`). */
export function arrayValue(chunks: ChunkLike[], dtype: DType, cols: number | null): ChunkLike | ChunkLike['data'] {
  const whole = concatRows(chunks, dtype, cols);
  return cols === null ? whole.data : whole;
}

registerOp('ml.delayed.fit', fitOp);
registerOp('ml.delayed.arrayValue', arrayValue);
