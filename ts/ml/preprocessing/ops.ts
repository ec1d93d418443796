/** Per-chunk ops of the preprocessing estimators, registered on every task thread. */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';

/**
 * `out[r, c] = (x[r, c] − sub[c]) · mul[c] + add[c]`: every scaler's
 * transform and inverse. Subtracting first keeps the digits of columns with
 * a large mean (x − 1e6 before scaling, not x/σ − 1e6/σ).
 */
export function affineColumns(x: ChunkLike, sub: ArrayLike<number>, mul: ArrayLike<number>, add: ArrayLike<number>): ChunkLike {
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (sub.length !== cols) throw new RangeError(`X: expected ${sub.length} columns (as at fit), got ${cols}`);
  const out = allocShared(Float64Array, x.data.length) as Float64Array;
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    const c = i % cols;
    out[i] = (d[i] - sub[c]) * mul[c] + add[c];
  }
  return { data: out, shape: [...x.shape] };
}

registerOp('ml.affineColumns', affineColumns);
