/**
 * Small bridges between Arrow columns and typed arrays: building columns
 * (with a validity bitmap for nulls) and reading any numeric-like column as
 * float64 values plus a validity mask. Per-partition DataFrame work runs on
 * these plain loops over Arrow buffers.
 */
import * as arrow from 'apache-arrow';

/** A validity bitmap (bit set = valid) from a byte-per-row mask, or undefined when all rows are valid. */
export function bitmapOf(valid: Uint8Array | undefined, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (!valid) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { bitmap: undefined, nullCount: 0 } : { bitmap, nullCount: nulls };
}

export type NumericArrowType = arrow.Float64 | arrow.Float32 | arrow.Int32 | arrow.Int64 | arrow.Uint8 | arrow.Int16 | arrow.Int8 | arrow.Uint16 | arrow.Uint32;

/** A column from a typed array; rows whose `valid` byte is 0 are null. */
export function numericVector(type: arrow.DataType, values: ArrayLike<number | bigint>, valid?: Uint8Array): arrow.Vector {
  const n = values.length;
  const { bitmap, nullCount } = bitmapOf(valid, n);
  const T = type.ArrayType as unknown as { new (n: number): ArrayLike<number> & { [i: number]: number | bigint } };
  let data: ArrayLike<number | bigint> = values;
  if (!(values instanceof (T as unknown as Function))) {
    const out = new T(n);
    const big = out instanceof BigInt64Array;
    for (let i = 0; i < n; i++) (out as { [i: number]: unknown })[i] = big ? BigInt(Math.round(Number(values[i]))) : Number(values[i]);
    data = out;
  }
  return arrow.makeVector(arrow.makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: data as never } as never));
}

/** A timestamp[us] column from milliseconds since the epoch (UTC). */
export function timestampVector(ms: Float64Array, valid?: Uint8Array): arrow.Vector {
  const us = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) us[i] = BigInt(Math.round(ms[i])) * 1000n;
  return numericVector(new arrow.TimestampMicrosecond(), us, valid);
}

/** A string column; null where `values[i]` is null. */
export function stringVector(values: (string | null)[]): arrow.Vector {
  return arrow.vectorFromArray(values, new arrow.Utf8());
}

/** A dictionary (categorical) column over `categories`, with codes (-1 = null). */
/**
 * A dictionary (categorical) column. `id` tells the dictionaries of one table
 * apart (Arrow refuses two different dictionaries under one id); it must be the
 * same for a column in every partition, so use the column's position.
 */
export function dictionaryVector(categories: arrow.Vector, codes: Int32Array, id = 0): arrow.Vector {
  const valid = new Uint8Array(codes.length);
  const clean = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) { valid[i] = codes[i] >= 0 ? 1 : 0; clean[i] = Math.max(0, codes[i]); }
  const { bitmap, nullCount } = bitmapOf(valid, codes.length);
  const type = new arrow.Dictionary(categories.type, new arrow.Int32(), id, false);
  return arrow.makeVector(arrow.makeData({ type, length: codes.length, nullCount, nullBitmap: bitmap, data: clean, dictionary: categories } as never));
}

/** How a column's values read as numbers. */
export type NumericKind = 'number' | 'timestamp' | 'bool' | 'dictionary' | 'other';

export function kindOf(type: arrow.DataType): NumericKind {
  if (arrow.DataType.isFloat(type) || arrow.DataType.isInt(type) || arrow.DataType.isDecimal(type)) return 'number';
  if (arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) return 'timestamp';
  if (arrow.DataType.isBool(type)) return 'bool';
  if (arrow.DataType.isDictionary(type)) return 'dictionary';
  return 'other';
}

export function isNumericType(type: arrow.DataType): boolean {
  const k = kindOf(type);
  return k === 'number' || k === 'bool';
}

/**
 * A column as float64 values (timestamps in ms since the epoch, booleans as
 * 0/1, dictionaries as their codes) and a validity mask (1 = not null).
 */
export function toFloat64(vec: arrow.Vector): { values: Float64Array; valid: Uint8Array } {
  const n = vec.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  let at = 0;
  for (const data of vec.data) {
    const len = data.length;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    const off = data.offset;
    const kind = kindOf(data.type);
    const raw = data.values as ArrayLike<number | bigint>;
    const tsScale = kind === 'timestamp' ? timestampToMs(data.type) : 1;
    const big = raw instanceof BigInt64Array || raw instanceof BigUint64Array;
    if ((kind === 'number' || kind === 'dictionary') && (!big || kind === 'number')) {
      // the common case: a numeric buffer, copied (and widened) in one call; int64
      // read as two 32-bit halves (exact below 2^53, no BigInt per value)
      if (big) int64ToFloat64(raw as BigInt64Array | BigUint64Array, off, len, values, at);
      else values.set((raw as Float64Array).subarray(off, off + len), at);
      valid.fill(1, at, at + len);
      if (bitmap) {
        for (let i = 0; i < len; i++) {
          if (!((bitmap[(off + i) >> 3] >> ((off + i) & 7)) & 1)) { valid[at + i] = 0; values[at + i] = NaN; }
        }
      }
      at += len;
      continue;
    }
    for (let i = 0; i < len; i++) {
      const ok = !bitmap || (bitmap[(off + i) >> 3] >> ((off + i) & 7)) & 1;
      valid[at + i] = ok ? 1 : 0;
      if (!ok) { values[at + i] = NaN; continue; }
      if (kind === 'bool') values[at + i] = (raw[(off + i) >> 3] as number) >> ((off + i) & 7) & 1;
      else if (kind === 'dictionary' || kind === 'timestamp') {
        const v = raw[off + i];
        values[at + i] = (typeof v === 'bigint' ? Number(v) : v) * tsScale;
      } else {
        const v = data.type ? vec.get(at + i) : null;
        values[at + i] = Number(v);
      }
    }
    at += len;
  }
  return { values, valid };
}

/** `src[off, off + len)` (64-bit integers) into `out` from `at`, as doubles (little-endian halves, as on every platform Node runs on). */
function int64ToFloat64(src: BigInt64Array | BigUint64Array, off: number, len: number, out: Float64Array, at: number): void {
  const halves = new Int32Array(src.buffer, src.byteOffset + off * 8, len * 2);
  if (src instanceof BigInt64Array) for (let i = 0; i < len; i++) out[at + i] = halves[2 * i + 1] * 4294967296 + (halves[2 * i] >>> 0);
  else for (let i = 0; i < len; i++) out[at + i] = (halves[2 * i + 1] >>> 0) * 4294967296 + (halves[2 * i] >>> 0);
}

/** A column as the native kernels take it: values and an Arrow validity bitmap (or null). */
export interface NativeColumn { values: Float64Array | Int32Array | BigInt64Array; valid: Uint8Array | null }

/**
 * A column for the native kernels: its own Arrow buffers (no copy) when it
 * is one float64, int32 or int64 chunk whose validity bits start on a byte,
 * else {@link toFloat64}'s copy with NaN for null.
 */
export function nativeColumn(vec: arrow.Vector): NativeColumn {
  if (vec.data.length === 1) {
    const d = vec.data[0];
    const t = d.type;
    const own = (arrow.DataType.isFloat(t) && (t as arrow.Float).precision === arrow.Precision.DOUBLE)
      || (arrow.DataType.isInt(t) && (t as arrow.Int).isSigned && ((t as arrow.Int).bitWidth === 32 || (t as arrow.Int).bitWidth === 64));
    if (own && (d.nullCount === 0 || d.offset % 8 === 0)) {
      const values = (d.values as Float64Array | Int32Array | BigInt64Array).subarray(d.offset, d.offset + d.length);
      return { values, valid: d.nullCount > 0 ? d.nullBitmap!.subarray(d.offset >> 3) : null };
    }
  }
  return { values: toFloat64(vec).values, valid: null };
}

function timestampToMs(type: arrow.DataType): number {
  if (arrow.DataType.isDate(type)) return (type as arrow.Date_).unit === arrow.DateUnit.DAY ? 86_400_000 : 1;
  switch ((type as arrow.Timestamp).unit) {
    case arrow.TimeUnit.SECOND: return 1000;
    case arrow.TimeUnit.MILLISECOND: return 1;
    case arrow.TimeUnit.MICROSECOND: return 1e-3;
    default: return 1e-6;
  }
}

/** Validity of each row (1 = not null) for any column type. */
export function validityOf(vec: arrow.Vector): Uint8Array {
  const out = new Uint8Array(vec.length);
  let at = 0;
  for (const data of vec.data) {
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    for (let i = 0; i < data.length; i++) {
      const j = data.offset + i;
      out[at + i] = !bitmap || (bitmap[j >> 3] >> (j & 7)) & 1 ? 1 : 0;
    }
    at += data.length;
  }
  return out;
}

/** Rows of a table where `mask[i]` is non-zero. */
export function filterTable(table: arrow.Table, mask: Uint8Array): arrow.Table {
  const idx: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i);
  return takeTable(table, idx);
}

/** Rows `idx` of a table, column by column (typed fast path for fixed-width columns). */
export function takeTable(table: arrow.Table, idx: ArrayLike<number>): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  for (const field of table.schema.fields) cols[field.name] = takeVector(table.getChild(field.name)!, idx);
  return new arrow.Table(new arrow.Schema(table.schema.fields, table.schema.metadata), cols as never);
}

export function takeVector(vec: arrow.Vector, idx: ArrayLike<number>): arrow.Vector {
  const type = vec.type;
  const valid = validityOf(vec);
  const outValid = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) outValid[i] = valid[idx[i]];
  if (arrow.DataType.isDictionary(type)) {
    const codes = new Int32Array(idx.length);
    const all = toFloat64(vec).values;
    for (let i = 0; i < idx.length; i++) codes[i] = outValid[i] ? all[idx[i]] : -1;
    return dictionaryVector(vec.data[0].dictionary!, codes, (type as arrow.Dictionary).id);
  }
  if ((arrow.DataType.isFloat(type) || arrow.DataType.isInt(type) || arrow.DataType.isTimestamp(type)) && vec.data.length >= 1) {
    const flat = flatValues(vec);
    const T = flat.constructor as { new (n: number): typeof flat };
    const out = new T(idx.length);
    for (let i = 0; i < idx.length; i++) (out as unknown as { [i: number]: unknown })[i] = (flat as unknown as { [i: number]: unknown })[idx[i]];
    return numericVector(type, out as never, outValid);
  }
  if (arrow.DataType.isUtf8(type)) return takeUtf8(vec, idx, outValid);
  const values: unknown[] = new Array(idx.length);
  for (let i = 0; i < idx.length; i++) values[i] = vec.get(idx[i]);
  return arrow.vectorFromArray(values as never, type as never);
}

/** Rows of a string column, copying bytes through the offsets (no string decoding). */
function takeUtf8(vec: arrow.Vector, idx: ArrayLike<number>, valid: Uint8Array): arrow.Vector {
  // locate each row's batch once
  const starts: number[] = [];
  let at = 0;
  for (const d of vec.data) { starts.push(at); at += d.length; }
  const where = (row: number): [arrow.Data, number] => {
    let b = vec.data.length - 1;
    while (starts[b] > row) b--;
    return [vec.data[b], row - starts[b]];
  };
  const offsets = new Int32Array(idx.length + 1);
  let bytes = 0;
  for (let i = 0; i < idx.length; i++) {
    const [d, r] = where(idx[i]);
    const o = d.valueOffsets as Int32Array;
    bytes += valid[i] ? o[d.offset + r + 1] - o[d.offset + r] : 0;
    offsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = 0; i < idx.length; i++) {
    if (!valid[i]) continue;
    const [d, r] = where(idx[i]);
    const o = d.valueOffsets as Int32Array;
    data.set((d.values as Uint8Array).subarray(o[d.offset + r], o[d.offset + r + 1]), offsets[i]);
  }
  const { bitmap, nullCount } = bitmapOf(valid, idx.length);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: idx.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data }));
}

/** The raw values of a fixed-width column, all batches joined. */
export function flatValues(vec: arrow.Vector): ArrayLike<number | bigint> {
  const T = vec.type.ArrayType as unknown as { new (n: number): { set(a: ArrayLike<unknown>, at: number): void } & ArrayLike<number | bigint> };
  const stride = (vec.type as { stride?: number }).stride ?? 1;
  const out = new T(vec.length * stride);
  let at = 0;
  for (const d of vec.data) { out.set((d.values as unknown as { subarray(a: number, b: number): ArrayLike<unknown> }).subarray(d.offset * stride, (d.offset + d.length) * stride), at); at += d.length * stride; }
  return out;
}

/** Joins partitions; an empty list gives an empty table with `schema`. */
export function concatTables(tables: arrow.Table[], schema?: arrow.Schema): arrow.Table {
  const nonEmpty = tables.filter((t) => t.numRows > 0);
  if (nonEmpty.length === 0) return tables[0] ?? new arrow.Table(schema ?? new arrow.Schema([]));
  if (nonEmpty.length === 1) return nonEmpty[0];
  const batches = nonEmpty.flatMap((t) => t.batches);
  return new arrow.Table(nonEmpty[0].schema, batches as never) as arrow.Table;
}
