/**
 * The encoders' per-partition and per-chunk ops (registered at import, on
 * every task thread), and the encoding core they share with the in-memory
 * paths: one function per job, called the same way whether the rows come
 * from an array of rows, an Arrow table, a partition or a chunk.
 */
import * as arrow from 'apache-arrow';
import { allocShared } from '../../actors/chunk.js';
import { registerOp } from '../../actors/ops.js';
import type { ChunkLike } from '../../collections/array/dtype.js';
import { bitmapOf, toFloat64 } from '../../collections/dataframe/arrow-util.js';
import { dummiesTable } from '../../collections/dataframe/categorical.js';
import { chunkColumn, combineUniques, fmt, fmtList, uniquesOf, vectorValues, type Category, type Uniques } from './categories.js';

// ------------------------------------------------------------ OneHotEncoder / OrdinalEncoder

/** A fitted OneHotEncoder's or OrdinalEncoder's layout: all an op needs to encode rows. */
export interface EncodeSpec {
  estimator: string;
  kind: 'onehot' | 'ordinal';
  /** input column names (for lookups in tables and for messages) */
  names: string[];
  categories: Category[][];
  handleUnknown: 'error' | 'ignore' | 'use_encoded_value';
  /** OrdinalEncoder: the code of an unknown category */
  unknownValue: number;
  /** OneHotEncoder: per feature, the index of the dropped category (null: none) */
  drop: (number | null)[] | null;
}

/** Output columns of the encoding. */
export function encodedWidth(spec: EncodeSpec): number {
  if (spec.kind === 'ordinal') return spec.names.length;
  return spec.categories.reduce((a, c, j) => a + c.length - (spec.drop?.[j] != null ? 1 : 0), 0);
}

function unknownError(spec: EncodeSpec, j: number, v: Category): RangeError {
  const alt = spec.kind === 'onehot' ? "handleUnknown: 'ignore' to encode it as zeros" : "handleUnknown: 'use_encoded_value' with an unknownValue to encode it";
  return new RangeError(`${spec.estimator}.transform: column '${spec.names[j]}' has the unknown category ${fmt(v)}; the categories seen at fit are ${fmtList(spec.categories[j])} (set ${alt})`);
}

/** Row-major float64 codes (ordinal) or indicator columns (one-hot) of `rows` rows. */
export function encodeColumns(columns: (Category | null)[][], rows: number, spec: EncodeSpec, out?: Float64Array): Float64Array {
  const width = encodedWidth(spec);
  const data = out ?? new Float64Array(rows * width);
  let offset = 0;
  spec.categories.forEach((cats, j) => {
    const index = new Map<Category, number>(cats.map((c, k) => [c, k]));
    const col = columns[j];
    const dropped = spec.drop?.[j] ?? null;
    for (let r = 0; r < rows; r++) {
      const v = col[r];
      if (v === null) throw new RangeError(`${spec.estimator}.transform: column '${spec.names[j]}' has a missing value (null or NaN); fill or drop missing values first`);
      const k = index.get(v);
      if (spec.kind === 'ordinal') {
        if (k === undefined && spec.handleUnknown !== 'use_encoded_value') throw unknownError(spec, j, v);
        data[r * width + j] = k ?? spec.unknownValue;
      } else {
        if (k === undefined) {
          if (spec.handleUnknown !== 'ignore') throw unknownError(spec, j, v);
          continue; // all zeros
        }
        if (k === dropped) continue;
        data[r * width + offset + (dropped !== null && k > dropped ? k - 1 : k)] = 1;
      }
    }
    if (spec.kind === 'onehot') offset += cats.length - (dropped !== null ? 1 : 0);
  });
  return data;
}

/**
 * The inverse of `encodeColumns` for in-memory rows: categories, with null
 * for an unknown (an all-zero block without drop, or OrdinalEncoder's
 * unknownValue). An all-zero block with a dropped category gives that
 * category, as scikit-learn.
 */
export function decodeRows(data: ArrayLike<number>, rows: number, spec: EncodeSpec): (Category | null)[][] {
  const width = encodedWidth(spec);
  const out = Array.from({ length: rows }, () => new Array<Category | null>(spec.names.length));
  let offset = 0;
  spec.categories.forEach((cats, j) => {
    const dropped = spec.drop?.[j] ?? null;
    const size = spec.kind === 'onehot' ? cats.length - (dropped !== null ? 1 : 0) : 1;
    for (let r = 0; r < rows; r++) {
      const at = r * width + offset;
      if (spec.kind === 'ordinal') {
        const code = data[at];
        if (Number.isInteger(code) && code >= 0 && code < cats.length) out[r][j] = cats[code];
        else if (spec.handleUnknown === 'use_encoded_value' && (code === spec.unknownValue || (Number.isNaN(code) && Number.isNaN(spec.unknownValue)))) out[r][j] = null;
        else throw new RangeError(`${spec.estimator}.inverseTransform: column '${spec.names[j]}' has the code ${code} at row ${r}; expected an integer in [0, ${cats.length})`);
        continue;
      }
      let best = -1, max = 0;
      for (let k = 0; k < size; k++) if (data[at + k] > max) { max = data[at + k]; best = k; }
      if (best >= 0) out[r][j] = cats[dropped !== null && best >= dropped ? best + 1 : best];
      else if (dropped !== null) out[r][j] = cats[dropped];
      else if (spec.handleUnknown === 'ignore') out[r][j] = null;
      else throw new RangeError(`${spec.estimator}.inverseTransform: row ${r} has no category set for column '${spec.names[j]}' (all zeros), which cannot be inverted when drop is null and handleUnknown is 'error'`);
    }
    offset += size;
  });
  return out;
}

export function encodeChunk(x: ChunkLike, spec: EncodeSpec): ChunkLike {
  const rows = x.shape[0];
  const width = encodedWidth(spec);
  const out = allocShared(Float64Array, rows * width) as Float64Array;
  encodeColumns(spec.names.map((_, j) => chunkColumn(x, j)), rows, spec, out);
  return { data: out, shape: [rows, width] };
}

export function encodeTable(t: arrow.Table, spec: EncodeSpec, outNames: string[]): arrow.Table {
  const rows = t.numRows;
  const data = encodeColumns(spec.names.map((n) => vectorValues(t.getChild(n)!)), rows, spec);
  const w = outNames.length;
  const cols: Record<string, arrow.Vector> = {};
  outNames.forEach((name, j) => {
    const v = new Float64Array(rows);
    for (let r = 0; r < rows; r++) v[r] = data[r * w + j];
    cols[name] = arrow.makeVector(v);
  });
  return new arrow.Table(cols);
}

// ------------------------------------------------------------ Categorizer / DummyEncoder

/** Throws naming the column and value of the first non-null value outside its categories. */
export function checkKnown(estimator: string, t: arrow.Table, categories: Record<string, Category[]>): void {
  for (const [name, cats] of Object.entries(categories)) {
    const known = new Set<Category>(cats);
    for (const v of vectorValues(t.getChild(name)!)) {
      if (v !== null && !known.has(v)) {
        throw new RangeError(`${estimator}.transform: column '${name}' has the unknown category ${fmt(v)}; the categories are ${fmtList(cats)}`);
      }
    }
  }
}

/** Categorizer: the named columns as dictionary columns over the given categories (nulls stay null, unknown values are an error). */
export function categorizeChecked(t: arrow.Table, estimator: string, categories: Record<string, Category[]>): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  for (const [position, f] of t.schema.fields.entries()) {
    const vec = t.getChild(f.name)!;
    const cats = categories[f.name];
    if (!cats) { cols[f.name] = vec; continue; }
    const index = new Map<Category, number>(cats.map((c, k) => [c, k]));
    const codes = new Int32Array(vec.length);
    vectorValues(vec).forEach((v, i) => {
      if (v === null) { codes[i] = -1; return; }
      const k = index.get(v);
      if (k === undefined) throw new RangeError(`${estimator}.transform: column '${f.name}' has the unknown category ${fmt(v)}; the categories are ${fmtList(cats)}`);
      codes[i] = k;
    });
    cols[f.name] = dictionaryColumn(cats, codes, position + 1);
  }
  return new arrow.Table(cols);
}

export interface DummySpec {
  estimator: string;
  /** categorical columns, in output order */
  columns: string[];
  categories: Category[][];
  dropFirst: boolean;
}

/** DummyEncoder: the other columns, then one uint8 column `${col}_${value}` per category (nulls: all zeros). */
export function dummyEncode(t: arrow.Table, spec: DummySpec): arrow.Table {
  checkKnown(spec.estimator, t, Object.fromEntries(spec.columns.map((c, j) => [c, spec.categories[j]])));
  const kept = spec.columns.map((column, j) => ({ column, prefix: column, categories: spec.dropFirst ? spec.categories[j].slice(1) : spec.categories[j] }));
  return dummiesTable(t, kept, '_');
}

/**
 * A dictionary column over `categories` (float64 or utf8 values, int32
 * codes, −1 = null), as DataFrame.withCategories declares them. Its
 * dictionary id is `id`: Arrow needs distinct ids for the dictionary columns
 * of one table, and the same id for a column in every partition (else the
 * partitions do not concatenate), so callers pass the column's position + 1
 * (0 is what the collections' own dictionary columns use).
 */
export function dictionaryColumn(categories: Category[], codes: Int32Array, id: number): arrow.Vector {
  const dictionary = categories.every((c) => typeof c === 'number')
    ? arrow.makeVector(Float64Array.from(categories as number[]))
    : arrow.vectorFromArray(categories.map(String), new arrow.Utf8());
  const valid = Uint8Array.from(codes, (c) => (c >= 0 ? 1 : 0));
  const { bitmap, nullCount } = bitmapOf(valid, codes.length);
  const type = new arrow.Dictionary(dictionary.type, new arrow.Int32(), id);
  return arrow.makeVector(arrow.makeData({ type, length: codes.length, nullCount, nullBitmap: bitmap, data: codes.map((c) => Math.max(0, c)), dictionary } as never));
}

/**
 * DummyEncoder's inverse: each categorical column rebuilt (as a dictionary
 * column) from its block of dummies, in the order of `columns` (the columns
 * seen at fit). An all-zero block is the first category under dropFirst,
 * else null.
 */
export function dummyDecode(t: arrow.Table, spec: DummySpec, columns: string[]): arrow.Table {
  const rows = t.numRows;
  const blocks = new Map(spec.columns.map((c, j) => [c, j]));
  const out: Record<string, arrow.Vector> = {};
  for (const [position, name] of columns.entries()) {
    const j = blocks.get(name);
    if (j === undefined) { out[name] = t.getChild(name)!; continue; }
    const cats = spec.categories[j];
    const shown = spec.dropFirst ? cats.slice(1) : cats;
    const dummies = shown.map((v) => toFloat64(t.getChild(`${name}_${v}`)!).values);
    const codes = new Int32Array(rows).fill(spec.dropFirst ? 0 : -1);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      dummies.forEach((d, k) => { if (d[r] > max) { max = d[r]; codes[r] = spec.dropFirst ? k + 1 : k; } });
    }
    out[name] = dictionaryColumn(cats, codes, position + 1);
  }
  return new arrow.Table(out);
}

// ------------------------------------------------------------ LabelEncoder

/** Codes of 1-D numeric labels (int32); an unseen label is an error naming it. */
export function labelEncode(y: ChunkLike, classes: number[], estimator: string): ChunkLike {
  const index = new Map(classes.map((c, i) => [c, i]));
  const out = allocShared(Int32Array, y.data.length) as Int32Array;
  for (let i = 0; i < y.data.length; i++) {
    const k = index.get(y.data[i]);
    if (k === undefined) throw new RangeError(`${estimator}.transform: y has the unseen label ${y.data[i]}; the classes are ${fmtList(classes)}`);
    out[i] = k;
  }
  return { data: out, shape: [y.data.length] };
}

/** Labels (float64) of int codes; a code outside the classes is an error. */
export function labelDecode(codes: ChunkLike, classes: number[], estimator: string): ChunkLike {
  const out = allocShared(Float64Array, codes.data.length) as Float64Array;
  for (let i = 0; i < codes.data.length; i++) {
    const c = codes.data[i];
    if (!(Number.isInteger(c) && c >= 0 && c < classes.length)) throw new RangeError(`${estimator}.inverseTransform: y has the code ${c}; expected an integer in [0, ${classes.length})`);
    out[i] = classes[c];
  }
  return { data: out, shape: [codes.data.length] };
}

// ------------------------------------------------------------ registration

registerOp('ml.uniques', (part: arrow.Table | ChunkLike, cols: string[] | null): Uniques => {
  if (part instanceof arrow.Table) return uniquesOf(cols!.map((c) => vectorValues(part.getChild(c)!)));
  const d = part.shape.length === 2 ? part.shape[1] : 1;
  return uniquesOf(Array.from({ length: d }, (_, j) => chunkColumn(part, j)));
});
registerOp('ml.uniques.combine', (parts: Uniques[]) => combineUniques(parts));
registerOp('ml.encode.chunk', encodeChunk);
registerOp('ml.encode.table', encodeTable);
registerOp('ml.categorize', categorizeChecked);
registerOp('ml.dummyEncode', dummyEncode);
registerOp('ml.dummyDecode', dummyDecode);
registerOp('ml.labelEncode', labelEncode);
registerOp('ml.labelDecode', labelDecode);
