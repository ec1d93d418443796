/**
 * Category values shared by the encoders: reading columns of numbers or
 * strings from Arrow vectors, numeric chunks and arrays of rows; sorting
 * and checking categories; distinct values per column. Loaded on task
 * threads too (by encoder-ops.ts), so nothing here builds graphs.
 */
import * as arrow from 'apache-arrow';
import type { ChunkLike } from '../../collections/array/dtype.js';

/** A category: a number or a string. */
export type Category = number | string;

/** A category as messages show it: strings quoted, numbers plain. */
export function fmt(v: Category | null): string {
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A short list of categories for messages. */
export function fmtList(values: readonly Category[], max = 10): string {
  const shown = values.slice(0, max).map(fmt).join(', ');
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

/** Numbers ascending, strings by UTF-16 code units (NumPy's `unique` order for ASCII and the BMP). */
export function compareCategories(a: Category, b: Category): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a), y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sortCategories(values: Iterable<Category>): Category[] {
  return [...values].sort(compareCategories);
}

/** Column types whose values can be categories. */
export function isCategoryType(t: arrow.DataType): boolean {
  return arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t) || arrow.DataType.isDictionary(t) || arrow.DataType.isInt(t)
    || arrow.DataType.isFloat(t) || arrow.DataType.isBool(t) || arrow.DataType.isDecimal(t);
}

/** Whether a column holds strings (or is categorical): what a Categorizer encodes by default, as pandas' object and category columns. */
export function isStringLike(t: arrow.DataType): boolean {
  return arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t) || arrow.DataType.isDictionary(t);
}

/** A column's values as numbers or strings; null (and NaN) as null. Dictionary columns give their values. */
export function vectorValues(vec: arrow.Vector): (Category | null)[] {
  const out = new Array<Category | null>(vec.length);
  let i = 0;
  for (const v of vec as Iterable<unknown>) out[i++] = asCategory(v);
  return out;
}

function asCategory(v: unknown): Category | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`expected numbers or strings, got ${typeof v}`);
}

/** Column j of a numeric chunk (NaN as null). */
export function chunkColumn(x: ChunkLike, j: number): (Category | null)[] {
  const cols = x.shape.length === 2 ? x.shape[1] : 1;
  const rows = x.shape[0];
  const out = new Array<Category | null>(rows);
  for (let r = 0; r < rows; r++) { const v = x.data[r * cols + j]; out[r] = Number.isNaN(v) ? null : v; }
  return out;
}

/** A table in memory: named columns of categories. */
export interface CategoryTable {
  names: string[];
  /** whether the names came with X (an Arrow table), rather than x0, x1, … */
  named: boolean;
  rows: number;
  columns: (Category | null)[][];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/**
 * In-memory X as columns: an Arrow table (names kept; nulls stay null), an
 * array of rows of numbers and strings, or a numeric `{ data, shape }` chunk
 * (columns x0, x1, …). Rows and chunks must be complete: NaN, null and
 * undefined are rejected there, naming the row and column.
 */
export function readTable(name: string, X: unknown): CategoryTable {
  if (X instanceof arrow.Table) {
    const names = X.schema.fields.map((f) => f.name);
    if (names.length === 0) throw new RangeError(`${name}: expected at least one column, got 0`);
    const columns = X.schema.fields.map((f, c) => {
      if (!isCategoryType(f.type)) throw new TypeError(`${name}: column '${f.name}' has type ${f.type}; expected numbers, strings or categories`);
      return vectorValues(X.getChildAt(c)!);
    });
    return { names, named: true, rows: X.numRows, columns };
  }
  if (Array.isArray(X)) {
    if (X.length === 0) throw new RangeError(`${name}: expected at least one row, got an empty array`);
    if (!Array.isArray(X[0])) throw new TypeError(`${name}: expected a 2-D array of rows, got a 1-D array; wrap a single feature as [[x0], [x1], …]`);
    const d = (X[0] as unknown[]).length;
    if (d === 0) throw new RangeError(`${name}: expected at least one column, got 0`);
    const columns = Array.from({ length: d }, () => new Array<Category | null>(X.length));
    X.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== d) throw new RangeError(`${name}: ragged rows: row 0 has ${d} values, row ${r} has ${Array.isArray(row) ? row.length : describe(row)}`);
      for (let c = 0; c < d; c++) {
        const v = row[c];
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw new RangeError(`${name}: expected finite numbers, got ${v} at row ${r}, column ${c}`);
        } else if (typeof v !== 'string') {
          throw new TypeError(`${name}: expected a number or a string, got ${describe(v)} at row ${r}, column ${c}`);
        }
        columns[c][r] = v;
      }
    });
    return { names: Array.from({ length: d }, (_, c) => `x${c}`), named: false, rows: X.length, columns };
  }
  if (typeof X === 'object' && X !== null && 'data' in X && 'shape' in X) {
    const { data, shape } = X as { data: ArrayLike<number>; shape: number[] };
    if (!Array.isArray(shape) || shape.length !== 2) throw new RangeError(`${name}: expected a 2-D chunk (shape [rows, cols]), got shape [${String(shape)}]`);
    if (data.length !== shape[0] * shape[1]) throw new RangeError(`${name}: shape [${shape.join(', ')}] needs ${shape[0] * shape[1]} values, data has ${data.length}`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new RangeError(`${name}: expected finite numbers, got ${data[i]} at row ${Math.floor(i / shape[1])}, column ${i % shape[1]}`);
    }
    const chunk = { data, shape } as unknown as ChunkLike;
    return { names: Array.from({ length: shape[1] }, (_, c) => `x${c}`), named: false, rows: shape[0], columns: Array.from({ length: shape[1] }, (_, j) => chunkColumn(chunk, j)) };
  }
  throw new TypeError(`${name}: expected an array of rows, a { data, shape } chunk, an Arrow Table, a shoal Array or a DataFrame, got ${describe(X)}`);
}

/** What a set of rows says about each column: its distinct values and how many were missing. */
export interface Uniques { values: Category[][]; missing: number[] }

export function uniquesOf(columns: (Category | null)[][]): Uniques {
  const values: Category[][] = [];
  const missing: number[] = [];
  for (const col of columns) {
    const set = new Set<Category>();
    let m = 0;
    for (const v of col) { if (v === null) m++; else set.add(v); }
    values.push([...set]);
    missing.push(m);
  }
  return { values, missing };
}

export function combineUniques(parts: Uniques[]): Uniques {
  return {
    values: parts[0].values.map((_, j) => { const set = new Set<Category>(); for (const p of parts) for (const v of p.values[j]) set.add(v); return [...set]; }),
    missing: parts[0].missing.map((_, j) => parts.reduce((a, p) => a + p.missing[j], 0)),
  };
}

/** Throws naming the first column (when `names` are given) whose values mix numbers and strings. */
export function checkKinds(name: string, names: string[] | null, values: Category[][]): void {
  values.forEach((vals, j) => {
    const num = vals.find((v) => typeof v === 'number');
    const str = vals.find((v) => typeof v === 'string');
    if (num !== undefined && str !== undefined) throw new TypeError(`${name}: ${names ? `column '${names[j]}' ` : ''}mixes numbers and strings (${fmt(num)} and ${fmt(str)}); use one type per column`);
  });
}

/** Throws naming the first column (when `names` are given) with missing values. */
export function checkNoMissing(name: string, names: string[] | null, missing: number[]): void {
  const j = missing.findIndex((m) => m > 0);
  if (j >= 0) throw new RangeError(`${name}: ${names ? `column '${names[j]}' ` : ''}has ${missing[j]} missing value${missing[j] === 1 ? '' : 's'} (null or NaN); fill or drop them first`);
}

/** Checks a user-given list of categories: non-empty, unique, all numbers or all strings. */
export function isCategoryList(v: unknown): v is Category[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  const allNum = v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const allStr = v.every((x) => typeof x === 'string');
  return (allNum || allStr) && new Set(v).size === v.length;
}
