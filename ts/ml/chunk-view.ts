/** A chunk as the Rust kernels take it, shared by the estimators' per-chunk ops. */
import type { ChunkLike } from '../collections/array/dtype.js';

export type FloatData = Float64Array | Float32Array;

/** float64 or float32 data (other dtypes converted to float64), with rows and columns. */
export function view(x: ChunkLike): { data: FloatData; rows: number; cols: number } {
  const data = x.data instanceof Float64Array || x.data instanceof Float32Array ? x.data : Float64Array.from(x.data);
  return { data, rows: x.shape[0], cols: x.shape.length === 2 ? x.shape[1] : 1 };
}
