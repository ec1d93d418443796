/**
 * Turns the in-memory inputs estimators accept into checked dense float64
 * matrices and vectors, with errors that name the argument:
 * arrays of rows (`number[][]`), row-major chunks (`{ data, shape }`, typed
 * arrays of any dtype) and Arrow tables of numeric columns.
 */
import { Table } from 'apache-arrow';

/** A dense row-major float64 matrix; `columns` names the columns when the input had names. */
export interface Matrix {
  data: Float64Array;
  shape: [number, number];
  columns?: string[];
}

/** What an estimator takes as in-memory X. */
export type MatrixLike = number[][] | { data: ArrayLike<number>; shape: readonly number[] } | Table;
/** What an estimator takes as in-memory y. */
export type VectorLike = ArrayLike<number> | { data: ArrayLike<number>; shape: readonly number[] } | Table;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<number>).length}`;
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

function isChunk(v: unknown): v is { data: ArrayLike<number>; shape: readonly number[] } {
  return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v && Array.isArray((v as { shape: unknown }).shape);
}

/** Rejects NaN and ±Infinity, naming the argument and the first bad position. */
export function checkFinite(name: string, data: ArrayLike<number>, cols = 1): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const where = cols > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new RangeError(`${name}: expected finite numbers, got ${data[i]} at ${where}`);
    }
  }
}

/** X as a checked dense matrix (at least one row and one column, finite values). */
export function toMatrix(name: string, X: unknown, options: { allowNonFinite?: boolean } = {}): Matrix {
  let m: Matrix;
  if (X instanceof Table) {
    m = tableToMatrix(name, X);
  } else if (Array.isArray(X)) {
    if (X.length === 0) throw new RangeError(`${name}: expected at least one row, got an empty array`);
    if (!Array.isArray(X[0])) throw new TypeError(`${name}: expected a 2-D array of rows (number[][]), got a 1-D array; wrap a single feature as [[x0], [x1], …]`);
    const cols = (X[0] as unknown[]).length;
    const data = new Float64Array(X.length * cols);
    X.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) throw new RangeError(`${name}: ragged rows: row 0 has ${cols} values, row ${r} has ${Array.isArray(row) ? row.length : describe(row)}`);
      for (let c = 0; c < cols; c++) {
        const v = row[c];
        if (typeof v !== 'number') throw new TypeError(`${name}: expected numbers, got ${describe(v)} at row ${r}, column ${c}`);
        data[r * cols + c] = v;
      }
    });
    m = { data, shape: [X.length, cols] };
  } else if (isChunk(X)) {
    const { shape } = X;
    if (shape.length !== 2) throw new RangeError(`${name}: expected a 2-D chunk (shape [rows, cols]), got shape [${shape.join(', ')}]`);
    if (X.data.length !== shape[0] * shape[1]) throw new RangeError(`${name}: shape [${shape.join(', ')}] needs ${shape[0] * shape[1]} values, data has ${X.data.length}`);
    m = { data: X.data instanceof Float64Array ? X.data : Float64Array.from(X.data), shape: [shape[0], shape[1]] };
  } else {
    throw new TypeError(`${name}: expected number[][], a { data, shape } chunk, an Arrow Table or a shoal Array, got ${describe(X)}`);
  }
  if (m.shape[0] === 0) throw new RangeError(`${name}: expected at least one row, got 0`);
  if (m.shape[1] === 0) throw new RangeError(`${name}: expected at least one column, got 0`);
  if (!options.allowNonFinite) checkFinite(name, m.data, m.shape[1]);
  return m;
}

function tableToMatrix(name: string, t: Table): Matrix {
  const columns = t.schema.fields.map((f) => f.name);
  const rows = t.numRows;
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  columns.forEach((col, c) => {
    const vec = t.getChildAt(c)!;
    const typeId = String(vec.type);
    if (!/^(Float|Int|Uint|Bool)/.test(typeId)) throw new TypeError(`${name}: column ${JSON.stringify(col)} has type ${typeId}; expected a numeric column (encode categories first)`);
    let r = 0;
    for (const v of vec) {
      if (v === null) throw new RangeError(`${name}: column ${JSON.stringify(col)} has a null at row ${r}; drop or fill nulls first`);
      data[r * cols + c] = Number(v);
      r++;
    }
  });
  return { data, shape: [rows, cols], columns };
}

/** y as a checked float64 vector. */
export function toVector(name: string, y: unknown, options: { allowNonFinite?: boolean } = {}): Float64Array {
  let v: Float64Array;
  if (y instanceof Table) {
    if (y.numCols !== 1) throw new RangeError(`${name}: expected a table of one column, got ${y.numCols} columns`);
    v = toMatrix(name, y, options).data;
  } else if (isChunk(y)) {
    const n = y.shape.length === 1 ? y.shape[0] : y.shape.length === 2 && y.shape[1] === 1 ? y.shape[0] : -1;
    if (n < 0) throw new RangeError(`${name}: expected a 1-D target (shape [n] or [n, 1]), got shape [${y.shape.join(', ')}]`);
    v = y.data instanceof Float64Array ? y.data : Float64Array.from(y.data);
  } else if (Array.isArray(y) || ArrayBuffer.isView(y)) {
    const a = y as ArrayLike<unknown>;
    if (a.length > 0 && Array.isArray(a[0])) throw new TypeError(`${name}: expected a 1-D target, got a 2-D array`);
    v = y instanceof Float64Array ? y : Float64Array.from(a as ArrayLike<number>, (x) => (typeof x === 'boolean' || typeof x === 'bigint' ? Number(x) : x));
  } else {
    throw new TypeError(`${name}: expected an array of numbers, a typed array, a { data, shape } chunk or an Arrow Table, got ${describe(y)}`);
  }
  if (v.length === 0) throw new RangeError(`${name}: expected at least one value, got 0`);
  if (!options.allowNonFinite) checkFinite(name, v);
  return v;
}

/** Throws unless `a` and `b` have the same number of samples. */
export function checkSameLength(nameA: string, a: number, nameB: string, b: number): void {
  if (a !== b) throw new RangeError(`${nameA} and ${nameB}: expected the same number of samples, got ${a} and ${b}`);
}
