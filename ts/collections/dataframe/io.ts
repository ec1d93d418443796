/**
 * Lazy DataFrames from files and from in-memory Arrow tables.
 */
import { resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { ref, type TaskSpec } from '../../actors/graph.js';
import { tokenize } from '../graph/layers.js';
import { describe } from '../array/dtype.js';
import { DataFrame } from './dataframe.js';
import { inspectParquet, listParquetFiles, writeParquetBytes } from './parquet.js';
import { CSV_DTYPES, arrowTypeOf, csvHeader, csvRanges, inferCsvDType, type CsvDType } from './csv.js';

export interface ReadParquetOptions {
  /** read only these columns (also pushed down later by `select`) */
  columns?: string[];
}

/**
 * A lazy frame over Parquet files (a path, a directory of `*.parquet`, or a
 * list): one partition per row group, row counts known from the footers.
 */
export async function readParquet(path: string | string[], options: ReadParquetOptions = {}): Promise<DataFrame> {
  const files = listParquetFiles(Array.isArray(path) ? path.map((p) => resolve(p)) : resolve(path));
  const { pieces, schema } = await inspectParquet(files);
  let fields = schema.fields;
  if (options.columns) {
    const missing = options.columns.filter((c) => !fields.some((f) => f.name === c));
    if (missing.length) throw new RangeError(`columns: no column named ${missing.map((m) => `'${m}'`).join(', ')} in ${files[0]}; the columns are ${fields.map((f) => f.name).join(', ')}`);
    fields = options.columns.map((c) => fields.find((f) => f.name === c)!);
  }
  const cols = options.columns ?? null;
  const name = `read-parquet-${tokenize(pieces, cols)}`;
  const tasks = new Map<string, TaskSpec>();
  const keys = pieces.map((p, i) => { const key = `${name}-${i}`; tasks.set(key, { op: 'frame.readParquet', args: [{ path: p.path, rowGroup: p.rowGroup, columns: cols }] }); return key; });
  return new DataFrame(new Map([[name, tasks]]), keys, { schema: new arrow.Schema(fields), lengths: pieces.map((p) => p.rows) }, name);
}

export interface ReadCsvOptions {
  /** column types; others are inferred from the first 64 KiB like pandas (int64, float64, bool, string) */
  dtypes?: Record<string, CsvDType>;
  /** bytes per partition (default 64 MiB) */
  blocksize?: number;
  delimiter?: string;
  columns?: string[];
}

/**
 * A lazy frame over CSV files, one partition per `blocksize` bytes. Columns
 * typed `category` are dictionary-encoded with the same categories in every
 * partition (found by a pass over the data when computed).
 */
export async function readCsv(path: string | string[], options: ReadCsvOptions = {}): Promise<DataFrame> {
  const files = (Array.isArray(path) ? path : [path]).map((p) => resolve(p));
  const delimiter = options.delimiter ?? ',';
  const blocksize = options.blocksize ?? 64 << 20;
  if (!Number.isInteger(blocksize) || blocksize <= 0) throw new RangeError(`blocksize: expected a positive integer number of bytes, got ${options.blocksize}`);
  const first = csvHeader(files[0], delimiter);
  const { names, sample } = first;
  const dtypes: Record<string, CsvDType> = {};
  for (const [c, d] of Object.entries(options.dtypes ?? {})) {
    if (!names.includes(c)) throw new RangeError(`dtypes: no column named '${c}' in ${files[0]}; the columns are ${names.join(', ')}`);
    if (!CSV_DTYPES.includes(d)) throw new TypeError(`dtypes: '${c}': expected one of ${CSV_DTYPES.join(', ')}, got ${describe(d)}`);
  }
  names.forEach((n, j) => { dtypes[n] = options.dtypes?.[n] ?? inferCsvDType(sample.map((r) => r[j] ?? '')); });
  const keep = options.columns ?? names;
  const missing = keep.filter((c) => !names.includes(c));
  if (missing.length) throw new RangeError(`columns: no column named ${missing.map((m) => `'${m}'`).join(', ')}; the columns are ${names.join(', ')}`);
  const name = `read-csv-${tokenize(files, options.dtypes ?? {}, blocksize, keep, delimiter)}`;
  // per file: a scan task per block and one task chaining them into record
  // starts (csv.ts says why), then a parse task per block
  const splits = `csv-splits-${tokenize(files, blocksize, delimiter)}`;
  const splitTasks = new Map<string, TaskSpec>();
  const tasks = new Map<string, TaskSpec>();
  const keys: string[] = [];
  files.forEach((file, f) => {
    // the first file's header was read above
    const { names: fileNames, newline } = f === 0 ? first : csvHeader(file, delimiter);
    if (fileNames.join('\u0000') !== names.join('\u0000')) throw new RangeError(`readCsv: ${file} has columns ${fileNames.join(', ')}, expected ${names.join(', ')} like ${files[0]}`);
    const ranges = csvRanges(file, blocksize);
    const scans = ranges.map(([start, end], b) => {
      const key = `${splits}-scan-${f}-${b}`;
      splitTasks.set(key, { op: 'frame.csvScan', args: [file, start, end] });
      return ref(key);
    });
    const startsKey = `${splits}-starts-${f}`;
    splitTasks.set(startsKey, { op: 'frame.csvStarts', args: [file, ranges[ranges.length - 1][1], scans] });
    ranges.forEach((_, part) => {
      const key = `${name}-${keys.length}`;
      tasks.set(key, { op: 'frame.readCsv', args: [{ path: file, part, starts: ref(startsKey), names, dtypes, delimiter, newline, columns: keep }] });
      keys.push(key);
    });
  });
  const schema = new arrow.Schema(keep.map((c) => new arrow.Field(c, arrowTypeOf(dtypes[c]), true)));
  const frame = new DataFrame(new Map([[splits, splitTasks], [name, tasks]]), keys, { schema, lengths: keys.map(() => NaN) }, name);
  const categorical = keep.filter((c) => dtypes[c] === 'category');
  return categorical.length ? frame.categorize(categorical) : frame;
}

/** A lazy frame over an in-memory Arrow table, cut into `npartitions` row ranges that travel in the graph. */
export function fromArrow(table: arrow.Table, options: { npartitions?: number } = {}): DataFrame {
  if (!(table instanceof arrow.Table)) throw new TypeError(`table: expected an apache-arrow Table, got ${describe(table)}`);
  const n = options.npartitions ?? 1;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`npartitions: expected a positive integer, got ${options.npartitions}`);
  const rows = table.numRows;
  // partitions travel in the graph as Arrow IPC bytes; the token hashes them so equal data gives equal keys
  const pieces: Uint8Array[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor((i * rows) / n), b = Math.floor(((i + 1) * rows) / n);
    pieces.push(arrow.tableToIPC(table.slice(a, b), 'stream'));
    lengths.push(b - a);
  }
  const name = `from-arrow-${tokenize(pieces)}`;
  const tasks = new Map<string, TaskSpec>();
  const keys = pieces.map((bytes, i) => { const key = `${name}-${i}`; tasks.set(key, { op: 'frame.fromIPC', args: [bytes] }); return key; });
  return new DataFrame(new Map([[name, tasks]]), keys, { schema: table.schema, lengths }, name);
}

export { writeParquetBytes };
