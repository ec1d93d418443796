/**
 * Group-by aggregation in three steps: per-partition partial sums, counts,
 * minima and maxima per group; a tree merge by group key; and a final table
 * sorted by key (pandas' default `sort=True`, null keys dropped).
 */
import * as arrow from 'apache-arrow';
import { native } from '../../native.js';
import { nativeColumn, toFloat64, type NativeColumn } from './arrow-util.js';

export type AggOp = 'sum' | 'mean' | 'count' | 'min' | 'max';
export const AGG_OPS: readonly AggOp[] = ['sum', 'mean', 'count', 'min', 'max'];

export interface GroupPartial {
  keys: (number | string)[][];
  /** per value column: sums, non-null counts, minima, maxima, one per group */
  stats: Record<string, { sum: number[]; count: number[]; min: number[]; max: number[] }>;
}

function keyValues(table: arrow.Table, name: string): (number | string | null)[] {
  const vec = table.getChild(name)!;
  const out: (number | string | null)[] = new Array(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const v = vec.get(i);
    out[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : String(v);
  }
  return out;
}

export function groupPartial(table: arrow.Table, keys: string[], valueCols: string[]): GroupPartial {
  const numericKeys = keys.every((k) => { const t = table.getChild(k)!.type; return arrow.DataType.isInt(t) || arrow.DataType.isFloat(t); });
  if (numericKeys && keys.length === 1) return numericGroupPartial(table.getChild(keys[0])!, valueCols, valueCols.map((c) => nativeColumn(table.getChild(c)!)));
  // numeric keys read as doubles in one pass (no per-row Arrow `get`); others as values
  const keyCols: ArrayLike<number | string | null>[] = keys.map((k) => {
    if (!numericKeys) return keyValues(table, k);
    const { values, valid } = toFloat64(table.getChild(k)!);
    return Array.from(values, (v, i) => (valid[i] && !Number.isNaN(v) ? v : null));
  });
  const vals = valueCols.map((c) => toFloat64(table.getChild(c)!).values);
  const index = new Map<number | string, number>();
  const out: GroupPartial = { keys: [], stats: {} };
  const stats = valueCols.map((c) => (out.stats[c] = { sum: [] as number[], count: [] as number[], min: [] as number[], max: [] as number[] }));
  const single = keys.length === 1;
  for (let r = 0; r < table.numRows; r++) {
    let id: number | string;
    if (single) {
      const v = keyCols[0][r];
      if (v === null) continue;
      id = v;
    } else {
      let parts = '';
      let bad = false;
      for (let j = 0; j < keyCols.length; j++) { const v = keyCols[j][r]; if (v === null) { bad = true; break; } parts += `${typeof v === 'number' ? 'n' : 's'}${v}\u0000`; }
      if (bad) continue;
      id = parts;
    }
    let g = index.get(id);
    if (g === undefined) {
      g = out.keys.length;
      index.set(id, g);
      out.keys.push(keyCols.map((k) => k[r]) as (number | string)[]);
      for (const s of stats) { s.sum.push(0); s.count.push(0); s.min.push(Infinity); s.max.push(-Infinity); }
    }
    for (let j = 0; j < vals.length; j++) {
      const x = vals[j][r];
      if (Number.isNaN(x)) continue;
      const s = stats[j];
      s.sum[g] += x; s.count[g] += 1;
      if (x < s.min[g]) s.min[g] = x;
      if (x > s.max[g]) s.max[g] = x;
    }
  }
  return out;
}

/**
 * One numeric key: the native `groupReduce` kernel reads the key and value
 * columns' Arrow buffers in place ({@link nativeColumn}), and returns per-group sums, counts and extrema
 * (groups in order of first appearance; null and NaN keys dropped).
 */
function numericGroupPartial(keyCol: arrow.Vector, valueCols: string[], vals: NativeColumn[]): GroupPartial {
  const key = nativeColumn(keyCol);
  const p = native.groupReduce(key.values, key.valid, vals.map((v) => v.values), vals.map((v) => v.valid));
  const ng = p.keys.length;
  const out: GroupPartial = { keys: Array.from(p.keys, (k) => [k]), stats: {} };
  valueCols.forEach((c, j) => {
    const part = (a: Float64Array) => Array.from(a.subarray(j * ng, (j + 1) * ng));
    out.stats[c] = { sum: part(p.sum), count: part(p.count), min: part(p.min), max: part(p.max) };
  });
  return out;
}

export function groupCombine(parts: GroupPartial[]): GroupPartial {
  const cols = Object.keys(parts[0]?.stats ?? {});
  const out: GroupPartial = { keys: [], stats: {} };
  for (const c of cols) out.stats[c] = { sum: [], count: [], min: [], max: [] };
  const index = new Map<string, number>();
  for (const p of parts) {
    p.keys.forEach((tuple, pg) => {
      const id = JSON.stringify(tuple);
      let g = index.get(id);
      if (g === undefined) {
        g = out.keys.length;
        index.set(id, g);
        out.keys.push(tuple);
        for (const c of cols) { const s = out.stats[c]; s.sum.push(0); s.count.push(0); s.min.push(Infinity); s.max.push(-Infinity); }
      }
      for (const c of cols) {
        const s = out.stats[c], q = p.stats[c];
        s.sum[g] += q.sum[pg]; s.count[g] += q.count[pg];
        s.min[g] = Math.min(s.min[g], q.min[pg]); s.max[g] = Math.max(s.max[g], q.max[pg]);
      }
    });
  }
  return out;
}

/** The output column name for `col` aggregated by `op` (the column's own name when it has one op). */
export function aggColumnName(col: string, op: AggOp, single: boolean): string {
  return single ? col : `${col}_${op}`;
}

export function groupFinalize(p: GroupPartial, keys: string[], keyTypes: arrow.DataType[], aggs: [string, AggOp[]][]): arrow.Table {
  const order = p.keys.map((_, i) => i).sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const x = p.keys[a][j], y = p.keys[b][j];
      if (x === y) continue;
      return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
    }
    return 0;
  });
  const cols: Record<string, arrow.Vector> = {};
  keys.forEach((k, j) => {
    const values = order.map((g) => p.keys[g][j]);
    const t = keyTypes[j];
    if (arrow.DataType.isInt(t) && (t as arrow.Int).bitWidth === 64) cols[k] = arrow.vectorFromArray(values.map((v) => BigInt(v as number)), new arrow.Int64());
    else if (arrow.DataType.isInt(t)) cols[k] = arrow.vectorFromArray(values as number[], new arrow.Int32());
    else if (arrow.DataType.isFloat(t)) cols[k] = arrow.vectorFromArray(values as number[], new arrow.Float64());
    else cols[k] = arrow.vectorFromArray(values.map(String), new arrow.Utf8());
  });
  for (const [c, ops] of aggs) {
    const s = p.stats[c];
    for (const op of ops) {
      const v = order.map((g) => {
        switch (op) {
          case 'sum': return s.sum[g];
          case 'count': return s.count[g];
          case 'mean': return s.count[g] ? s.sum[g] / s.count[g] : NaN;
          case 'min': return s.count[g] ? s.min[g] : NaN;
          case 'max': return s.count[g] ? s.max[g] : NaN;
          default: throw new RangeError(`agg: unknown op ${String(op)}`);
        }
      });
      cols[aggColumnName(c, op, ops.length === 1)] = op === 'count' ? arrow.makeVector(Int32Array.from(v)) : arrow.makeVector(Float64Array.from(v));
    }
  }
  return new arrow.Table(cols);
}
