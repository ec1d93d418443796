/**
 * CSV into Arrow, one byte range of a file per partition, with RFC 4180
 * quoting (quoted fields may hold delimiters, `""` and newlines; records end
 * in `\n` or `\r\n`). A partition owns the records that *start* in its
 * block of `blocksize` bytes; the fields are parsed by papaparse.
 *
 * Where does a record start? A newline ends a record only outside quotes,
 * and in RFC 4180 a byte is inside a quoted field exactly when the number of
 * `"` before it in the file is odd (an escaped `""` adds two). That parity is
 * not local to a block, so the split takes two cheap steps in the graph
 * before the parse:
 *
 * 1. `scanCsvBlock`, one task per block, in parallel: the block's quote
 *    parity, and its first record start for each of the two parities it may
 *    be entered with (Buffer.indexOf jumps from quote to newline, so a block
 *    without quotes costs one memchr-speed pass);
 * 2. `csvRecordStarts`, one task per file: chains the parities from the
 *    file's start (entered outside quotes) to pick each block's real first
 *    record start — a block with none (inside one long field) owns nothing —
 *    and rejects a file that ends inside a quoted field, naming it.
 *
 * Each partition then parses exactly `[starts[i], starts[i+1])`. This is
 * correct for any block size (a boundary inside a field, between the two
 * quotes of `""`, between `\r` and `\n`) and costs one extra read of each
 * block, usually from the page cache, instead of a sequential pass over the
 * whole file on the client (pyarrow's `newlines_in_values` chunker is
 * serial; Dask's read_csv has no answer and asks for `blocksize=None`).
 * Parity assumes quotes only in quoted fields, as RFC 4180 requires; a stray
 * `"` inside an unquoted field (`5"3`) is not RFC 4180 and can mis-split.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import Papa from 'papaparse';
import { numericVector, timestampVector } from './arrow-util.js';

/** Column types `readCsv` understands. `category` columns become dictionaries with global categories. */
export type CsvDType = 'float64' | 'int32' | 'int64' | 'bool' | 'string' | 'category' | 'datetime';
export const CSV_DTYPES: readonly CsvDType[] = ['float64', 'int32', 'int64', 'bool', 'string', 'category', 'datetime'];

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvPartSpec {
  path: string;
  /** which block of the file */
  part: number;
  /** record starts of every block plus the file's end (`csvRecordStarts`); block `part` is `[starts[part], starts[part + 1])` */
  starts: number[];
  /** the header line's column names (block 0 skips the header record) */
  names: string[];
  /** dtype per column (`category` is read as string here) */
  dtypes: Record<string, CsvDType>;
  delimiter: string;
  /** the record terminator, `\n` or `\r\n` (from the header line) */
  newline?: '\n' | '\r\n';
  /** columns to keep */
  columns?: string[];
}

/** What one block tells the record-start chain (see the module comment). */
export interface CsvBlockScan {
  /** parity of the `"` bytes in the block */
  quotes: 0 | 1;
  /** first record start in the block when it is entered with quote parity 0 / 1; -1 when none */
  first: [number, number];
}

function readBytes(path: string, start: number, end: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, end - start));
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, start + at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Quote parity and first record starts of block `[start, end)`. A record
 * starts at `r` when byte `r - 1` is a newline outside quotes, so the byte
 * before the block is read too; a record starting exactly at `end` belongs to
 * the next block. The file's first record (the header) starts at 0.
 */
export function scanCsvBlock(path: string, start: number, end: number): CsvBlockScan {
  const from = Math.max(0, start - 1);
  return scanCsvBytes(readBytes(path, from, end), start - from, start);
}

/** `scanCsvBlock` over bytes in memory: `b[skip]` is the block's first byte, at file offset `start`. */
export function scanCsvBytes(b: Buffer, skip: number, start: number): CsvBlockScan {
  const first: [number, number] = start === 0 ? [0, -1] : [-1, -1];
  let parity = 0;
  let q = b.indexOf(QUOTE, skip);
  // a newline at index k starts a record at k + 1, which must lie in the block
  let nl = b.indexOf(LF, Math.max(0, skip - 1));
  while (nl >= 0 && nl < b.length - 1 && (first[0] < 0 || first[1] < 0)) {
    while (q >= 0 && q < nl) { parity ^= 1; q = b.indexOf(QUOTE, q + 1); }
    if (first[parity] < 0) first[parity] = start + (nl + 1 - skip);
    nl = b.indexOf(LF, nl + 1);
  }
  while (q >= 0) { parity ^= 1; q = b.indexOf(QUOTE, q + 1); }
  return { quotes: parity as 0 | 1, first };
}

/**
 * Each block's first record start (the header's 0 for block 0) and the file's
 * size at the end, from the blocks' scans chained from the file's start. A
 * block that holds no record start (inside one long field) gets the next
 * block's, so it owns no records.
 */
export function csvRecordStarts(path: string, size: number, scans: CsvBlockScan[]): number[] {
  const entry: number[] = [];
  let parity = 0;
  for (const s of scans) { entry.push(parity); parity ^= s.quotes; }
  if (parity !== 0) throw new SyntaxError(`readCsv: ${path} ends inside a quoted field: a '"' is not closed (the file holds an odd number of '"')`);
  const starts = new Array<number>(scans.length + 1);
  starts[scans.length] = size;
  for (let i = scans.length - 1; i >= 0; i--) {
    const f = scans[i].first[entry[i]];
    starts[i] = f >= 0 ? f : starts[i + 1];
  }
  return starts;
}

/** Offsets just past the first and the last newline outside quotes in `b` (bytes from the file's start); -1 when none. */
function recordEnds(b: Buffer): { first: number; last: number } {
  let parity = 0;
  let first = -1;
  let last = -1;
  let q = b.indexOf(QUOTE);
  for (let nl = b.indexOf(LF); nl >= 0; nl = b.indexOf(LF, nl + 1)) {
    while (q >= 0 && q < nl) { parity ^= 1; q = b.indexOf(QUOTE, q + 1); }
    if (parity === 0) { if (first < 0) first = nl + 1; last = nl + 1; }
  }
  return { first, last };
}

/** Parses `YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±hh:mm]` (UTC unless a zone is given) to ms, NaN when not a time. */
export function parseDatetime(s: string): number {
  if (s === '') return NaN;
  const iso = s.includes('T') ? s : s.replace(' ', 'T');
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  return Date.parse(zoned.length === 10 ? `${zoned}T00:00:00Z` : zoned);
}

/** Splits a file into blocks of `blocksize` bytes (the records starting in each are its partition). */
export function csvRanges(path: string, blocksize: number): [number, number][] {
  const size = statSync(path).size;
  const out: [number, number][] = [];
  for (let s = 0; s < size; s += blocksize) out.push([s, Math.min(size, s + blocksize)]);
  return out.length ? out : [[0, 0]];
}

/**
 * The header, the record terminator and the rows of about the first
 * `sampleBytes` (whole records only), for names and type inference on the client.
 */
export function csvHeader(path: string, delimiter: string, sampleBytes = 1 << 16): { names: string[]; sample: string[][]; newline: '\n' | '\r\n' } {
  const size = statSync(path).size;
  for (let want = sampleBytes; ; want *= 2) {
    const b = readBytes(path, 0, Math.min(size, want));
    const ends = recordEnds(b);
    const whole = b.length >= size;
    // a header longer than the sample: read more
    if (ends.first < 0 && !whole) continue;
    const newline = ends.first >= 2 && b[ends.first - 2] === CR ? '\r\n' : '\n';
    const text = (whole ? b : b.subarray(0, ends.last)).toString('utf8');
    const parsed = Papa.parse<string[]>(text, { delimiter, newline, skipEmptyLines: true });
    const [names, ...rows] = parsed.data;
    if (!names || names.length === 0 || (names.length === 1 && names[0] === '')) throw new Error(`readCsv: ${path} has no header line`);
    return { names, sample: rows, newline };
  }
}

/** pandas-like inference from a sample: integers, floats, booleans, else strings. */
export function inferCsvDType(values: string[]): CsvDType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'float64';
  if (present.every((v) => /^[-+]?\d+$/.test(v))) return present.every((v) => Math.abs(Number(v)) < 2 ** 31) ? 'int64' : 'float64';
  if (present.every((v) => v.trim() !== '' && !Number.isNaN(Number(v)))) return 'float64';
  if (present.every((v) => /^(true|false|True|False)$/.test(v))) return 'bool';
  return 'string';
}

export function arrowTypeOf(d: CsvDType): arrow.DataType {
  switch (d) {
    case 'float64': return new arrow.Float64();
    case 'int32': return new arrow.Int32();
    case 'int64': return new arrow.Int64();
    case 'bool': return new arrow.Bool();
    case 'datetime': return new arrow.TimestampMicrosecond();
    case 'string': case 'category': return new arrow.Utf8();
    default: throw new TypeError(`dtypes: expected one of ${CSV_DTYPES.join(', ')}, got ${String(d)}`);
  }
}

export function readCsvPart(s: CsvPartSpec): arrow.Table {
  const start = s.starts[s.part];
  const end = s.starts[s.part + 1];
  const text = readBytes(s.path, start, end).toString('utf8');
  const parsed = Papa.parse<string[]>(text, { delimiter: s.delimiter, newline: s.newline ?? '\n', skipEmptyLines: true });
  const bad = parsed.errors.find((e) => e.code === 'MissingQuotes');
  if (bad) throw new SyntaxError(`readCsv: ${s.path}: a quoted field is not closed in the records of bytes ${start}-${end} (row ${bad.row} of them)`);
  let rows = parsed.data;
  if (s.part === 0) rows = rows.slice(1);
  const keep = s.columns ?? s.names;
  const cols: Record<string, arrow.Vector> = {};
  for (const name of keep) {
    const j = s.names.indexOf(name);
    const raw = rows.map((r) => r[j] ?? '');
    const d = s.dtypes[name] ?? 'string';
    const valid = Uint8Array.from(raw, (v) => (v === '' ? 0 : 1));
    switch (d) {
      case 'float64': case 'int32': case 'int64': {
        const values = Float64Array.from(raw, (v) => (v === '' ? NaN : Number(v)));
        values.forEach((x, i) => { if (Number.isNaN(x) && raw[i] !== '' && raw[i].toLowerCase() !== 'nan') throw new TypeError(`readCsv: column '${name}' of ${s.path}: expected ${d}, got '${raw[i]}'`); });
        cols[name] = numericVector(arrowTypeOf(d), d === 'float64' ? values : values.map((x) => (Number.isNaN(x) ? 0 : x)), valid);
        break;
      }
      case 'bool': cols[name] = arrow.vectorFromArray(raw.map((v) => (v === '' ? null : /^(true|1)$/i.test(v))), new arrow.Bool()); break;
      case 'datetime': {
        const ms = Float64Array.from(raw, parseDatetime);
        ms.forEach((x, i) => { if (Number.isNaN(x) && raw[i] !== '') throw new TypeError(`readCsv: column '${name}' of ${s.path}: expected a datetime, got '${raw[i]}'`); });
        cols[name] = timestampVector(ms.map((x) => (Number.isNaN(x) ? 0 : x)), Uint8Array.from(ms, (x) => (Number.isNaN(x) ? 0 : 1)));
        break;
      }
      default: cols[name] = arrow.vectorFromArray(raw.map((v) => (v === '' ? null : v)), new arrow.Utf8());
    }
  }
  if (keep.length === 0) return new arrow.Table();
  if (rows.length === 0) return new arrow.Table(new arrow.Schema(keep.map((n) => new arrow.Field(n, arrowTypeOf(s.dtypes[n] ?? 'string'), true))));
  return new arrow.Table(cols);
}
