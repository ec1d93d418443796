/** Per-chunk ops of the linear models, registered on every task thread. */
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { registerRowPartial } from '../../collections/graph/row-blocks.js';
import { native } from '../../native.js';

/** The sufficient statistics of (weighted) least squares over some rows: XᵀWX, XᵀWy, Σ w·x, Σ w·y, Σ w. */
export interface GramStats {
  xtx: Float64Array;
  xty: Float64Array;
  colSums: Float64Array;
  ySum: number;
  /** Σ w (the row count unweighted) */
  n: number;
  /** the row count */
  rows: number;
}

function asFloat(data: ChunkLike['data']): Float64Array | Float32Array {
  return data instanceof Float64Array || data instanceof Float32Array ? data : Float64Array.from(data);
}

/**
 * XᵀX, Xᵀy, column sums and Σy of one chunk, in one pass (the Gram kernel).
 * With sample weights `w`: the kernel on the rows scaled by √w gives XᵀWX and
 * XᵀWy; the weighted sums Σ w·x, Σ w·y, Σ w are a second, cheap pass here.
 */
export function gramOfChunk(x: ChunkLike, y: ChunkLike, w?: ChunkLike): GramStats {
  if (w === undefined) return finishGram(addGramOfRows(undefined, x, y));
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (y.shape[0] !== rows) throw new RangeError(`y: chunk has ${y.shape[0]} rows, X's chunk has ${rows}: X and y must be chunked alike`);
  if (w.shape[0] !== rows) throw new RangeError(`sampleWeight: chunk has ${w.shape[0]} rows, X's chunk has ${rows}: X and sampleWeight must be chunked alike`);
  let xd = asFloat(x.data);
  let yd = yInDtypeOf(xd, y);
  const colSums = new Float64Array(cols);
  let ySum = 0;
  let n = 0;
  const xs = xd instanceof Float32Array ? new Float32Array(xd.length) : new Float64Array(xd.length);
  const ys = yd instanceof Float32Array ? new Float32Array(rows) : new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const wr = w.data[r];
    const s = Math.sqrt(wr);
    for (let c = 0; c < cols; c++) {
      colSums[c] += wr * xd[r * cols + c];
      xs[r * cols + c] = s * xd[r * cols + c];
    }
    ySum += wr * yd[r];
    ys[r] = s * yd[r];
    n += wr;
  }
  xd = xs;
  yd = ys;
  const g = native.gram(xd, rows, cols, yd);
  return { xtx: g.xtx, xty: g.xty, colSums, ySum, n, rows };
}

/** y's values in the dtype of X's (the kernel wants both alike); y's own array when it already is. */
function yInDtypeOf(xd: Float64Array | Float32Array, y: ChunkLike): Float64Array | Float32Array {
  if (xd instanceof Float32Array) return y.data instanceof Float32Array ? y.data : Float32Array.from(y.data);
  return y.data instanceof Float64Array ? y.data : Float64Array.from(y.data);
}

/**
 * Adds the unweighted statistics of some rows (`x`, `y`) into `acc` (fresh zeroed sums
 * when undefined) in place, by the accumulating Gram kernel: nothing is allocated per
 * call, so a chunk made in row blocks sums block after block into one set of arrays.
 * Only XᵀX's lower triangle is added to; {@link finishGram} fills the upper.
 */
export function addGramOfRows(acc: GramStats | undefined, x: ChunkLike, y: ChunkLike): GramStats {
  const rows = x.shape[0];
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  if (y.shape[0] !== rows) throw new RangeError(`y: chunk has ${y.shape[0]} rows, X's chunk has ${rows}: X and y must be chunked alike`);
  if (acc !== undefined && acc.colSums.length !== cols) throw new RangeError(`X: rows of ${cols} columns added to statistics of ${acc.colSums.length}`);
  const xd = asFloat(x.data);
  const out = acc ?? { xtx: new Float64Array(cols * cols), xty: new Float64Array(cols), colSums: new Float64Array(cols), ySum: 0, n: 0, rows: 0 };
  out.ySum += native.gramAccumulate(xd, rows, cols, yInDtypeOf(xd, y), out.xtx, out.xty, out.colSums);
  out.n += rows;
  out.rows += rows;
  return out;
}

/** The statistics {@link addGramOfRows} summed, with XᵀX made whole (its upper triangle mirrored from the lower). */
export function finishGram(acc: GramStats): GramStats {
  native.mirrorLower(acc.xtx, acc.colSums.length);
  return acc;
}

/** Sums partial statistics (a tree-reduction step). */
export function combineGram(parts: GramStats[]): GramStats {
  const out: GramStats = { xtx: Float64Array.from(parts[0].xtx), xty: Float64Array.from(parts[0].xty), colSums: Float64Array.from(parts[0].colSums), ySum: parts[0].ySum, n: parts[0].n, rows: parts[0].rows };
  for (const p of parts.slice(1)) {
    for (let i = 0; i < out.xtx.length; i++) out.xtx[i] += p.xtx[i];
    for (let i = 0; i < out.xty.length; i++) out.xty[i] += p.xty[i];
    for (let i = 0; i < out.colSums.length; i++) out.colSums[i] += p.colSums[i];
    out.ySum += p.ySum;
    out.n += p.n;
    out.rows += p.rows;
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

registerOp('ml.linear.gram', (x: ChunkLike, y: ChunkLike) => gramOfChunk(x, y));
registerOp('ml.linear.gramWeighted', gramOfChunk);
registerOp('ml.linear.gramCombine', combineGram);
// XᵀX etc. of a chunk are the sums of its row blocks': a generated chunk is fitted block by block
registerRowPartial('ml.linear.gram', 'ml.linear.gramCombine', { add: addGramOfRows, finish: finishGram });
registerOp('ml.linear.predict', linearPredict);
