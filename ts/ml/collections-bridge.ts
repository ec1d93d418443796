/**
 * How estimators reach shoal's collections: recognise them, and compute
 * several lazy results in one graph (shared partial keys are computed once,
 * as `dask.compute(a, b)`).
 */
import { LazyScalar, ShoalArray } from '../collections/array/array.js';
import type { ChunkLike } from '../collections/array/dtype.js';
import { DataFrame } from '../collections/dataframe/dataframe.js';
import { computeKeys, type ComputeOptions } from '../collections/graph/compute.js';
import { mergeLayers } from '../collections/graph/layers.js';

export { DataFrame, ShoalArray, LazyScalar };

/** Computes 1-chunk Arrays (per-column reductions) and scalars together; each gives its Float64Array. */
export async function computeVectors(items: (ShoalArray | LazyScalar)[], options: ComputeOptions = {}): Promise<Float64Array[]> {
  const keys = items.map((it) => {
    if (it instanceof LazyScalar) return it.key;
    if (it.numChunks !== 1) throw new RangeError(`computeVectors: expected reductions of one chunk, got ${it.numChunks} chunks`);
    return it.keys[0];
  });
  const layers = mergeLayers(...items.map((it) => it.layers));
  const results = (await computeKeys(layers, keys, options)) as ChunkLike[];
  return results.map((c) => Float64Array.from(c.data));
}

/** A DataFrame's numeric columns as a 2-D Array (the fit path of column-wise estimators). */
export function frameToArray(df: DataFrame, columns?: string[]): ShoalArray {
  const cols = columns ?? df.columns;
  return df.toArray(cols).astype('float64');
}

/** X as a lazy 2-D Array when it is a collection (a DataFrame's `columns`, default all), else null (in-memory data). */
export function asLazyArray(X: unknown, columns?: string[]): ShoalArray | null {
  if (X instanceof DataFrame) return frameToArray(X, columns);
  if (X instanceof ShoalArray) return X;
  return null;
}
