/** Per-chunk ops of the preprocessing estimators, registered on every task thread. */
import * as arrow from 'apache-arrow';
import { registerOp } from '../../actors/ops.js';
import { allocShared } from '../../actors/chunk.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { tableToChunk } from '../../collections/dataframe/kernels.js';
import { checkFinite } from '../validation.js';
// the encoders' ops live beside these
import './encoder-ops.js';

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

/** What the polynomial expansion of one chunk needs (PolynomialFeatures' fitted layout). */
export interface PolynomialSpec {
  minDegree: number;
  maxDegree: number;
  interactionOnly: boolean;
  includeBias: boolean;
  /** columns with every degree from 0 (scikit-learn's `_n_out_full`) */
  nOutFull: number;
  /** columns kept */
  nOut: number;
}

/**
 * Polynomial features of a chunk, column for column as scikit-learn's dense
 * `PolynomialFeatures.transform`: each degree's block is the previous
 * degree's block, from feature f on, times x_f, so every product is computed
 * in the same order and the numbers agree to the last bit.
 */
export function polynomialChunk(x: ChunkLike, spec: PolynomialSpec): ChunkLike {
  const { minDegree, maxDegree, interactionOnly, includeBias, nOutFull, nOut } = spec;
  const rows = x.shape[0];
  const d = x.shape.length === 2 ? x.shape[1] : 1;
  checkFinite('X', x.data, d);
  const out = allocShared(Float64Array, rows * nOut) as Float64Array;
  const full = new Float64Array(nOutFull);
  // the dropped low degrees sit right after the bias column
  const skip = nOutFull - nOut;
  for (let r = 0; r < rows; r++) {
    const xr = x.data.subarray(r * d, r * d + d);
    let cur = 0;
    if (includeBias) full[cur++] = 1;
    if (maxDegree > 0) {
      let index: number[] = [];
      for (let j = 0; j < d; j++) { full[cur + j] = xr[j]; index.push(cur + j); }
      cur += d;
      index.push(cur);
      for (let deg = 2; deg <= maxDegree; deg++) {
        const next: number[] = [];
        const end = index[index.length - 1];
        for (let f = 0; f < d; f++) {
          let start = index[f];
          next.push(cur);
          if (interactionOnly) start += index[f + 1] - index[f];
          const stop = cur + end - start;
          if (!(stop > cur)) break;
          const xf = xr[f];
          for (let c = start; c < end; c++) full[cur + c - start] = full[c] * xf;
          cur = stop;
        }
        next.push(cur);
        index = next;
      }
    }
    const o = r * nOut;
    if (skip === 0) out.set(full, o);
    else if (includeBias) { out[o] = 1; out.set(full.subarray(skip + 1), o + 1); }
    else out.set(full.subarray(skip), o);
  }
  return { data: out, shape: [rows, nOut] };
}

/** The polynomial expansion of a DataFrame partition's columns `cols`, as float64 columns named `names`. */
export function polynomialTable(t: arrow.Table, spec: PolynomialSpec, cols: string[], names: string[]): arrow.Table {
  const x = tableToChunk(t, cols);
  const out = polynomialChunk(x, spec);
  const rows = t.numRows;
  const columns: Record<string, arrow.Vector> = {};
  names.forEach((name, j) => {
    const v = new Float64Array(rows);
    for (let r = 0; r < rows; r++) v[r] = out.data[r * names.length + j];
    columns[name] = arrow.makeVector(v);
  });
  return new arrow.Table(columns);
}

registerOp('ml.polynomial', polynomialChunk);
registerOp('ml.polynomialTable', polynomialTable);
