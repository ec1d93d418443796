/** Per-chunk ops of the linear models, registered on every task thread. */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { native } from '../../native.js';

/** The sufficient statistics of least squares over some rows. */
export interface GramStats {
  xtx: Float64Array;
  xty: Float64Array;
  colSums: Float64Array;
  ySum: number;
  n: number;
}

function asFloat(data: ChunkLike['data']): Float64Array | Float32Array {
  return data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data);
}

/** XᵀX, Xᵀy, column sums and Σy of one chunk, in one pass (the Gram kernel). */
export function gramOfChunk(x: ChunkLike, y: ChunkLike): GramStats {
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (y.shape[0] !== rows) throw new RangeError(`y: chunk has ${y.shape[0]} rows, X's chunk has ${rows}: X and y must be chunked alike`);
  const xd = asFloat(x.data);
  // the kernel wants y in X's dtype
  const yd = xd instanceof Float32Array ? Float32Array.from(y.data) : y.data instanceof Float64Array ? y.data : Float64Array.from(y.data);
  const g = native.gram(xd, rows, cols, yd);
  return { xtx: g.xtx, xty: g.xty, colSums: g.colSums, ySum: g.ySum, n: rows };
}

/** Sums partial statistics (a tree-reduction step). */
export function combineGram(parts: GramStats[]): GramStats {
  const out: GramStats = { xtx: Float64Array.from(parts[0].xtx), xty: Float64Array.from(parts[0].xty), colSums: Float64Array.from(parts[0].colSums), ySum: parts[0].ySum, n: parts[0].n };
  for (const p of parts.slice(1)) {
    for (let i = 0; i < out.xtx.length; i++) out.xtx[i] += p.xtx[i];
    for (let i = 0; i < out.xty.length; i++) out.xty[i] += p.xty[i];
    for (let i = 0; i < out.colSums.length; i++) out.colSums[i] += p.colSums[i];
    out.ySum += p.ySum;
    out.n += p.n;
  }
  return out;
}

/** `X·coef + intercept` for one chunk. */
export function linearPredict(x: ChunkLike, coef: ArrayLike<number>, intercept: number): ChunkLike {
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (cols !== coef.length) throw new RangeError(`X: expected ${coef.length} columns (as at fit), got ${cols}`);
  const out = allocShared(Float64Array, rows) as Float64Array;
  const d = x.data;
  for (let r = 0; r < rows; r++) {
    let s = intercept;
    for (let c = 0; c < cols; c++) s += d[r * cols + c] * coef[c];
    out[r] = s;
  }
  return { data: out, shape: [rows] };
}

registerOp('ml.linear.gram', gramOfChunk);
registerOp('ml.linear.gramCombine', combineGram);
registerOp('ml.linear.predict', linearPredict);
