/**
 * CSV into Arrow, one byte range of a file per partition. Lines are parsed by
 * papaparse; a line belongs to the range holding its first byte, so ranges
 * split anywhere. (Quoted fields holding newlines are not supported across
 * range boundaries: keep `blocksize` larger than the file for such files.)
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import Papa from 'papaparse';
import { numericVector, timestampVector } from './arrow-util.js';

/** Column types `readCsv` understands. `category` columns become dictionaries with global categories. */
export type CsvDType = 'float64' | 'int32' | 'int64' | 'bool' | 'string' | 'category' | 'datetime';
export const CSV_DTYPES: readonly CsvDType[] = ['float64', 'int32', 'int64', 'bool', 'string', 'category', 'datetime'];

export interface CsvPartSpec {
  path: string;
  start: number;
  end: number;
  /** the header line's column names (partition reading skips it at offset 0) */
  names: string[];
  /** dtype per column (`category` is read as string here) */
  dtypes: Record<string, CsvDType>;
  delimiter: string;
  /** columns to keep */
  columns?: string[];
}

function readRange(path: string, start: number, end: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    let from = start;
    if (from > 0) {
      // skip the line that began in the previous range
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, from - 1);
      if (one[0] !== 0x0a) {
        const probe = Buffer.alloc(65536);
        for (;;) {
          const n = readSync(fd, probe, 0, probe.length, from);
          if (n === 0) return '';
          const nl = probe.subarray(0, n).indexOf(0x0a);
          if (nl >= 0) { from += nl + 1; break; }
          from += n;
        }
      }
    }
    if (from >= end) return '';
    // read to `end`, then on to the end of the last line
    const pieces: Buffer[] = [];
    const body = Buffer.alloc(end - from);
    pieces.push(body.subarray(0, readSync(fd, body, 0, body.length, from)));
    let at = end;
    if (pieces[0].length > 0 && pieces[0][pieces[0].length - 1] !== 0x0a) {
      const probe = Buffer.alloc(65536);
      while (at < size) {
        const n = readSync(fd, probe, 0, probe.length, at);
        if (n === 0) break;
        const nl = probe.subarray(0, n).indexOf(0x0a);
        if (nl >= 0) { pieces.push(Buffer.from(probe.subarray(0, nl + 1))); break; }
        pieces.push(Buffer.from(probe.subarray(0, n)));
        at += n;
      }
    }
    return Buffer.concat(pieces).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parses `YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±hh:mm]` (UTC unless a zone is given) to ms, NaN when not a time. */
export function parseDatetime(s: string): number {
  if (s === '') return NaN;
  const iso = s.includes('T') ? s : s.replace(' ', 'T');
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  return Date.parse(zoned.length === 10 ? `${zoned}T00:00:00Z` : zoned);
}

/** Splits a file into byte ranges of about `blocksize` bytes. */
export function csvRanges(path: string, blocksize: number): [number, number][] {
  const size = statSync(path).size;
  const out: [number, number][] = [];
  for (let s = 0; s < size; s += blocksize) out.push([s, Math.min(size, s + blocksize)]);
  return out.length ? out : [[0, 0]];
}

/** The header and up to `sampleBytes` of rows, for names and type inference on the client. */
export function csvHeader(path: string, delimiter: string, sampleBytes = 1 << 16): { names: string[]; sample: string[][] } {
  const size = statSync(path).size;
  const text = readRange(path, 0, Math.min(size, sampleBytes));
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true });
  const [names, ...rows] = parsed.data;
  if (!names || names.length === 0) throw new Error(`readCsv: ${path} has no header line`);
  return { names, sample: rows };
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
  const text = readRange(s.path, s.start, s.end);
  let rows = Papa.parse<string[]>(text, { delimiter: s.delimiter, skipEmptyLines: true }).data;
  if (s.start === 0) rows = rows.slice(1);
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
