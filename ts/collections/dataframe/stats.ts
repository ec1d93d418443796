/**
 * Partial statistics per partition, merged in a tree: describe (moments,
 * extrema and a quantile sketch), pairwise correlation, and column uniques.
 */
import * as arrow from 'apache-arrow';
import { toFloat64 } from './arrow-util.js';

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
  const n = parts.reduce((a, p) => a + p.values.length, 0);
  const idx = new Array<[number, number]>(n);
  let at = 0;
  for (const p of parts) for (let i = 0; i < p.values.length; i++) idx[at++] = [p.values[i], p.weights[i]];
  idx.sort((a, b) => a[0] - b[0]);
  const exact = parts.every((p) => p.exact);
  if (n <= size) return { values: Float64Array.from(idx, (x) => x[0]), weights: Float64Array.from(idx, (x) => x[1]), exact };
  // compress: cut the cumulative weight into `size` equal parts, keep each part's middle value
  const total = idx.reduce((a, x) => a + x[1], 0);
  const values = new Float64Array(size), weights = new Float64Array(size).fill(total / size);
  let cum = 0, k = 0;
  for (const [v, w] of idx) {
    while (k < size && cum + w > ((k + 0.5) * total) / size) values[k++] = v;
    cum += w;
  }
  while (k < size) values[k++] = idx[n - 1][0];
  return { values, weights, exact: false };
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
 * `quantiles` the column is sorted for the sketch; without, one pass less.
 */
export function describePartial(table: arrow.Table, columns: string[], quantiles = true): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  for (const c of columns) {
    const { values } = toFloat64(table.getChild(c)!);
    let n = 0;
    const buf = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) if (values[i] === values[i]) buf[n++] = values[i]; // skips NaN
    const kept = quantiles ? buf.subarray(0, n).sort() : buf.subarray(0, n);
    let sum = 0, min = Infinity, max = -Infinity;
    for (const x of kept) { sum += x; if (x < min) min = x; if (x > max) max = x; }
    const mean = n ? sum / n : 0;
    let m2 = 0;
    for (const x of kept) m2 += (x - mean) ** 2;
    const sketch = quantiles ? sketchOf(kept) : { values: new Float64Array(0), weights: new Float64Array(0), exact: true };
    out[c] = { count: n, sum, mean, m2, min, max, sketch };
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
      acc.sketch = mergeSketches([acc.sketch, p.sketch]);
    }
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
  const cols = columns.map((c) => toFloat64(table.getChild(c)!).values);
  const z = (): Float64Array => new Float64Array(k * k);
  const p: CorrPartial = { k, n: z(), mx: z(), my: z(), m2x: z(), m2y: z(), cxy: z() };
  const rows = table.numRows;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const a = cols[i], b = cols[j], idx = i * k + j;
      let n = 0, sx = 0, sy = 0;
      for (let r = 0; r < rows; r++) if (a[r] === a[r] && b[r] === b[r]) { n++; sx += a[r]; sy += b[r]; }
      if (n === 0) continue;
      const mx = sx / n, my = sy / n;
      let m2x = 0, m2y = 0, cxy = 0;
      for (let r = 0; r < rows; r++) {
        if (a[r] !== a[r] || b[r] !== b[r]) continue; // NaN: null in either column
        const dx = a[r] - mx, dy = b[r] - my;
        m2x += dx * dx; m2y += dy * dy; cxy += dx * dy;
      }
      p.n[idx] = n; p.mx[idx] = mx; p.my[idx] = my; p.m2x[idx] = m2x; p.m2y[idx] = m2y; p.cxy[idx] = cxy;
    }
  }
  return p;
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
