/**
 * Categoricals (Arrow dictionary columns) with the same categories in every
 * partition, and one-hot dummies from them.
 */
import * as arrow from 'apache-arrow';
import { dictionaryVector, numericVector } from './arrow-util.js';

function categoryVector(categories: (number | string)[]): arrow.Vector {
  return typeof categories[0] === 'number' && categories.every((c) => typeof c === 'number')
    ? arrow.makeVector(Float64Array.from(categories as number[]))
    : arrow.vectorFromArray(categories.map(String), new arrow.Utf8());
}

function codesOf(vec: arrow.Vector, categories: (number | string)[]): Int32Array {
  const numeric = categories.every((c) => typeof c === 'number');
  const index = new Map<number | string, number>(categories.map((c, i) => [c, i]));
  const codes = new Int32Array(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const v = vec.get(i);
    if (v === null || v === undefined) { codes[i] = -1; continue; }
    const key = numeric ? Number(v) : String(v);
    codes[i] = index.get(key) ?? -1;
  }
  return codes;
}

/** Replaces each named column by a dictionary column over the given categories (unknown values become null). */
export function categorizeTable(table: arrow.Table, categories: Record<string, (number | string)[]>): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  table.schema.fields.forEach((f, position) => {
    const vec = table.getChild(f.name)!;
    const cats = categories[f.name];
    cols[f.name] = cats ? dictionaryVector(categoryVector(cats), codesOf(vec, cats), position) : vec;
  });
  return new arrow.Table(cols);
}

/** The dummy column name for a category (pandas: `${prefix}${prefixSep}${value}`). */
export function dummyName(prefix: string, sep: string, value: number | string): string {
  return `${prefix}${sep}${value}`;
}

/**
 * One-hot columns (uint8, as pandas' `get_dummies(dtype=uint8)`) for each
 * column in `spec`, appended after the other columns; the originals are dropped.
 */
export function dummiesTable(table: arrow.Table, spec: { column: string; prefix: string; categories: (number | string)[] }[], prefixSep: string): arrow.Table {
  const encoded = new Set(spec.map((s) => s.column));
  const cols: Record<string, arrow.Vector> = {};
  for (const f of table.schema.fields) if (!encoded.has(f.name)) cols[f.name] = table.getChild(f.name)!;
  for (const s of spec) {
    const codes = codesOf(table.getChild(s.column)!, s.categories);
    s.categories.forEach((c, k) => {
      const out = new Uint8Array(codes.length);
      for (let i = 0; i < codes.length; i++) out[i] = codes[i] === k ? 1 : 0;
      cols[dummyName(s.prefix, prefixSep, c)] = numericVector(new arrow.Uint8(), out);
    });
  }
  return new arrow.Table(cols);
}
