/**
 * Partial statistics per partition, merged in a tree: describe (moments,
 * extrema and a quantile sketch), pairwise correlation, and column uniques.
 */
import * as arrow from 'apache-arrow';
import { native } from '../../native.js';
import { nativeColumn } from './arrow-util.js';

/**
 * A quantile sketch: sorted values with weights. A partition keeps all its
 * values up to `SKETCH_SIZE`, else that many evenly spaced order statistics;
 * merges compress back to `SKETCH_SIZE`. Exact (NumPy's linear
 * interpolation) while nothing was compressed, approximate after.
 */
export const SKETCH_SIZE = 4096;

export interface Sketch { values: Float64Array; weights: Float64Array; exact: boolean }

export function sketchOf(sorted: Float64Array, size = SKETCH_SIZE): Sketch {
  if (sorted.length <= size) return { values: sorted, weights: new Float64Array(sorted.length).fill(1), exact: true };
  const values = new Float64Array(size);
  const w = sorted.length / size;
  for (let i = 0; i < size; i++) values[i] = sorted[Math.min(sorted.length - 1, Math.floor((i + 0.5) * w))];
  return { values, weights: new Float64Array(size).fill(w), exact: false };
}

export function mergeSketches(parts: Sketch[], size = SKETCH_SIZE): Sketch {
  // the native merge: sketches hold sorted values, so the union is a merge of sorted runs
  const m = native.mergeSketches(parts.map((p) => p.values), parts.map((p) => p.weights), size);
  const n = parts.reduce((a, p) => a + p.values.length, 0);
  const exact = n <= size && parts.every((p) => p.exact); // nothing was compressed
  return { values: m.values, weights: m.weights, exact };
}

export function sketchQuantile(s: Sketch, q: number): number {
  const n = s.values.length;
  if (n === 0) return NaN;
  if (s.exact) {
    const pos = q * (n - 1);
    const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
    return s.values[lo] + (s.values[hi] - s.values[lo]) * (pos - lo);
  }
  const total = s.weights.reduce((a, b) => a + b, 0);
  const target = q * total;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    const mid = cum + s.weights[i] / 2;
    if (mid >= target) {
      if (i === 0) return s.values[0];
      const prevMid = cum - s.weights[i - 1] / 2;
      return s.values[i - 1] + ((s.values[i] - s.values[i - 1]) * (target - prevMid)) / (mid - prevMid);
    }
    cum += s.weights[i];
  }
  return s.values[n - 1];
}

export interface ColumnSummary { count: number; sum: number; mean: number; m2: number; min: number; max: number; sketch: Sketch }

/**
 * Per-column summaries of a partition, nulls and NaN skipped (pandas). With
 * `quantiles` the column is sorted for the sketch; without, no sort. The
 * work is the native `columnSummary` kernel over the column's own Arrow
 * buffers (moments in two passes, a radix sort for the sketch).
 */
export function describePartial(table: arrow.Table, columns: string[], quantiles = true): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  for (const c of columns) {
    const col = nativeColumn(table.getChild(c)!);
    const r = native.columnSummary(col.values, col.valid, quantiles ? SKETCH_SIZE : 0);
    const n = r.count;
    const sketch: Sketch = !quantiles || n <= SKETCH_SIZE
      ? { values: r.sketch, weights: new Float64Array(r.sketch.length).fill(1), exact: true }
      : { values: r.sketch, weights: new Float64Array(SKETCH_SIZE).fill(n / SKETCH_SIZE), exact: false };
    out[c] = { count: n, sum: r.sum, mean: r.mean, m2: r.m2, min: r.min, max: r.max, sketch };
  }
  return out;
}

export function describeCombine(parts: Record<string, ColumnSummary>[]): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  for (const c of Object.keys(parts[0] ?? {})) {
    let acc: ColumnSummary | undefined;
    for (const p of parts.map((x) => x[c])) {
      if (!acc) { acc = { ...p }; continue; }
      const n = acc.count + p.count;
      if (p.count > 0) {
        const delta = p.mean - acc.mean;
        acc.m2 += p.m2 + (delta * delta * acc.count * p.count) / n;
        acc.mean += (delta * p.count) / n;
      }
      acc.count = n;
      acc.sum += p.sum;
      acc.min = Math.min(acc.min, p.min);
      acc.max = Math.max(acc.max, p.max);
    }
    // all the parts' sketches at once: one compression instead of one per part
    acc!.sketch = parts.length === 1 ? acc!.sketch : mergeSketches(parts.map((x) => x[c].sketch));
    out[c] = acc!;
  }
  return out;
}

export type ColumnStat = 'sum' | 'mean' | 'std' | 'var' | 'min' | 'max' | 'count';

/** One statistic of a merged summary (pandas' Series reductions: NaN-skipping, std/var with `ddof`). */
export function columnStatistic(v: ColumnSummary, stat: ColumnStat, ddof: number): number {
  switch (stat) {
    case 'count': return v.count;
    case 'sum': return v.sum;
    case 'mean': return v.count ? v.mean : NaN;
    case 'min': return v.count ? v.min : NaN;
    case 'max': return v.count ? v.max : NaN;
    case 'var': return v.count - ddof > 0 ? v.m2 / (v.count - ddof) : NaN;
    case 'std': return v.count - ddof > 0 ? Math.sqrt(v.m2 / (v.count - ddof)) : NaN;
    default: throw new RangeError(`stat: unknown statistic ${String(stat)}`);
  }
}

export const DESCRIBE_ROWS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;

/** pandas' describe() layout: a `statistic` column, then one float64 column per input column. */
export function describeFinalize(s: Record<string, ColumnSummary>): arrow.Table {
  const cols: Record<string, arrow.Vector> = { statistic: arrow.vectorFromArray([...DESCRIBE_ROWS], new arrow.Utf8()) };
  for (const [c, v] of Object.entries(s)) {
    const empty = v.count === 0;
    const row = [v.count, empty ? NaN : v.mean, v.count > 1 ? Math.sqrt(v.m2 / (v.count - 1)) : NaN, empty ? NaN : v.min,
      sketchQuantile(v.sketch, 0.25), sketchQuantile(v.sketch, 0.5), sketchQuantile(v.sketch, 0.75), empty ? NaN : v.max];
    cols[c] = arrow.makeVector(Float64Array.from(row));
  }
  return new arrow.Table(cols);
}

/**
 * Pairwise-complete co-moments for Pearson correlation (pandas' `corr()`
 * semantics): per pair of columns, over rows where both are present, the
 * count, both means, both centred sums of squares and the centred sum of
 * products. Partitions merge with Chan et al.'s update, so no precision is
 * lost to large means.
 */
export interface CorrPartial { k: number; n: Float64Array; mx: Float64Array; my: Float64Array; m2x: Float64Array; m2y: Float64Array; cxy: Float64Array }

export function corrPartial(table: arrow.Table, columns: string[]): CorrPartial {
  const k = columns.length;
  const cols = columns.map((c) => nativeColumn(table.getChild(c)!));
  const m = native.pairwiseComoments(cols.map((c) => c.values), cols.map((c) => c.valid), table.numRows);
  return { k, n: m.n, mx: m.mx, my: m.my, m2x: m.m2X, m2y: m.m2Y, cxy: m.cxy };
}

export function corrCombine(parts: CorrPartial[]): CorrPartial {
  const f = parts[0];
  const acc: CorrPartial = { k: f.k, n: Float64Array.from(f.n), mx: Float64Array.from(f.mx), my: Float64Array.from(f.my), m2x: Float64Array.from(f.m2x), m2y: Float64Array.from(f.m2y), cxy: Float64Array.from(f.cxy) };
  for (const p of parts.slice(1)) {
    for (let i = 0; i < acc.n.length; i++) {
      const na = acc.n[i], nb = p.n[i];
      if (nb === 0) continue;
      const n = na + nb;
      const dx = p.mx[i] - acc.mx[i], dy = p.my[i] - acc.my[i];
      const w = (na * nb) / n;
      acc.m2x[i] += p.m2x[i] + dx * dx * w;
      acc.m2y[i] += p.m2y[i] + dy * dy * w;
      acc.cxy[i] += p.cxy[i] + dx * dy * w;
      acc.mx[i] += (dx * nb) / n;
      acc.my[i] += (dy * nb) / n;
      acc.n[i] = n;
    }
  }
  return acc;
}

/** The correlation matrix as a table: a `column` name column, then one column per input column. */
export function corrFinalize(p: CorrPartial, columns: string[]): arrow.Table {
  const k = p.k;
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const idx = i * k + j;
      const r = p.n[idx] < 2 ? NaN : Math.max(-1, Math.min(1, p.cxy[idx] / Math.sqrt(p.m2x[idx] * p.m2y[idx])));
      m[i * k + j] = r; m[j * k + i] = r;
    }
  }
  const cols: Record<string, arrow.Vector> = { column: arrow.vectorFromArray(columns, new arrow.Utf8()) };
  columns.forEach((c, j) => { cols[c] = arrow.makeVector(Float64Array.from({ length: k }, (_, i) => m[i * k + j])); });
  return new arrow.Table(cols);
}

/** Distinct non-null values of columns (numbers or strings). */
export function uniquesPartial(table: arrow.Table, columns: string[]): Record<string, (number | string)[]> {
  const out: Record<string, (number | string)[]> = {};
  for (const c of columns) {
    const vec = table.getChild(c)!;
    const set = new Set<number | string>();
    for (let i = 0; i < vec.length; i++) {
      const v = vec.get(i);
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
      set.add(typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : String(v));
    }
    out[c] = [...set];
  }
  return out;
}

/** Union of uniques, sorted (numbers ascending, strings lexicographic), as pandas orders categories. */
export function uniquesCombine(parts: Record<string, (number | string)[]>[]): Record<string, (number | string)[]> {
  const out: Record<string, (number | string)[]> = {};
  for (const c of Object.keys(parts[0] ?? {})) {
    const set = new Set<number | string>();
    for (const p of parts) for (const v of p[c]) set.add(v);
    out[c] = [...set].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  }
  return out;
}
