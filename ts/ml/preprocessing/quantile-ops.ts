/**
 * Per-chunk ops of the exact distributed order statistics (see
 * quantiles.ts): for each value bracket `[lo, hi]` of a column, a chunk
 * counts its values below `lo` and inside the bracket, and summarises the
 * inside values by a sketch (all of them while they are few).
 */
import { registerOp } from '../../actors/ops.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { mergeSketches, sketchOf, type Sketch } from '../../collections/dataframe/stats.js';

/** A column and a value range, each end closed or open; null is unbounded (±∞ on that side). */
export interface Bracket { col: number; lo: number | null; hi: number | null; loOpen: boolean; hiOpen: boolean }

/** What a set of chunks knows about one bracket. */
export interface BracketPartial {
  /** values below the bracket */
  less: number;
  /** values in the bracket */
  inside: number;
  /** the inside values (exact, weights 1, while at most `cap` of them) or a weighted summary */
  sketch: Sketch;
  /** a bound on the error of the sketch's rank estimates, in values */
  err: number;
  /** the most values a merged sketch keeps exactly */
  cap: number;
}

/** First index whose value is ≥ v (`strict`: > v) in an ascending array. */
function bound(sorted: Float64Array, v: number, strict: boolean): number {
  let a = 0, b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] < v || (strict && sorted[m] === v)) a = m + 1;
    else b = m;
  }
  return a;
}

export function orderStatsPartial(x: ChunkLike, brackets: Bracket[], sketchSize: number, cap: number): BracketPartial[] {
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  const rows = x.shape[0];
  const sortedCols = new Map<number, Float64Array>();
  const column = (j: number): Float64Array => {
    let s = sortedCols.get(j);
    if (s) return s;
    s = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const v = x.data[r * cols + j];
      if (!Number.isFinite(v)) throw new RangeError(`X: expected finite numbers, got ${v} in column ${j}; drop or fill missing values first`);
      s[r] = v;
    }
    s.sort();
    sortedCols.set(j, s);
    return s;
  };
  return brackets.map(({ col, lo, hi, loOpen, hiOpen }) => {
    const s = column(col);
    const a = lo === null ? 0 : bound(s, lo, loOpen);
    const b = hi === null ? s.length : bound(s, hi, !hiOpen);
    const m = Math.max(0, b - a);
    // a copy when kept whole, so a result never pins the whole column's buffer
    const sketch = sketchOf(m <= sketchSize ? s.slice(a, a + m) : s.subarray(a, a + m), sketchSize);
    // evenly spaced order statistics of weight w: rank estimates are off by at most w/2 + 1
    const err = sketch.exact ? 0 : m / sketchSize / 2 + 1;
    return { less: a, inside: m, sketch, err, cap };
  });
}

export function orderStatsCombine(parts: BracketPartial[][]): BracketPartial[] {
  return parts[0].map((_, i) => {
    const ps = parts.map((p) => p[i]);
    const cap = ps[0].cap;
    const kept = ps.reduce((a, p) => a + p.sketch.values.length, 0);
    const sketch = mergeSketches(ps.map((p) => p.sketch), cap);
    let err = ps.reduce((a, p) => a + p.err, 0);
    if (kept > cap) {
      // compression to `cap` equal weights moves a rank estimate by at most about one weight
      const total = sketch.weights.reduce((a, w) => a + w, 0);
      err += (2 * total) / cap + 1;
    }
    return { less: ps.reduce((a, p) => a + p.less, 0), inside: ps.reduce((a, p) => a + p.inside, 0), sketch, err, cap };
  });
}

registerOp('ml.orderStats.partial', orderStatsPartial);
registerOp('ml.orderStats.combine', orderStatsCombine);
