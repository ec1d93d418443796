/**
 * Parquet <-> Arrow through parquet-wasm (the Rust `parquet` crate compiled to
 * WebAssembly; data crosses as Arrow IPC). See docs/collections.md for the
 * measurement behind the choice.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';
import { ffiCopies, tableFromFfi } from './arrow-ffi.js';

type ParquetWasm = typeof import('parquet-wasm/node');
type PqFile = Awaited<ReturnType<ParquetWasm['ParquetFile']['fromFile']>>;
// parquet-wasm's node build is CommonJS and loads its .wasm synchronously.
const pq: ParquetWasm = createRequire(import.meta.url)('parquet-wasm/node');

export interface WriteOptions {
  /** rows per row group (each becomes a partition when read back) */
  rowGroupSize?: number;
  compression?: 'snappy' | 'zstd' | 'uncompressed';
}

/** One Arrow table as the bytes of a Parquet file. */
export function writeParquetBytes(table: arrow.Table, o: WriteOptions = {}): Uint8Array {
  const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  let props = new pq.WriterPropertiesBuilder();
  if (o.rowGroupSize) props = props.setMaxRowGroupSize(o.rowGroupSize);
  const codec = { snappy: pq.Compression.SNAPPY, zstd: pq.Compression.ZSTD, uncompressed: pq.Compression.UNCOMPRESSED }[o.compression ?? 'snappy'];
  props = props.setCompression(codec);
  return pq.writeParquet(wasmTable, props.build());
}

/** Reads Parquet bytes (optionally some row groups and columns) into an Arrow table. */
export function readParquetBytes(bytes: Uint8Array, o: { columns?: string[]; rowGroups?: number[] } = {}): arrow.Table {
  const t = pq.readParquet(bytes, { columns: o.columns, rowGroups: o.rowGroups, batchSize: 1 << 20 });
  return arrow.tableFromIPC(t.intoIPCStream());
}

/**
 * Open files of this thread, most recently used last. Opening parses the footer
 * (~3 ms for a 10-row-group taxi file, as long as reading a 3-column row group),
 * and a partition is one row group, so a thread reading a file's row groups one
 * after another opens it once. A file is reopened when its size or mtime changed.
 */
interface OpenFile { file: PqFile; fd: number; size: number; mtimeMs: number; users: number; evicted: boolean; schema?: arrow.Schema }
const openFiles = new Map<string, OpenFile>();
const MAX_OPEN_FILES = 64;

async function withParquetFile<T>(path: string, fn: (file: PqFile, entry: OpenFile) => Promise<T>): Promise<T> {
  const st = statSync(path); // ~5 µs; the promise version waits its turn on libuv's pool
  let entry = openFiles.get(path);
  if (entry && (entry.size !== st.size || entry.mtimeMs !== st.mtimeMs)) { release(path, entry); entry = undefined; }
  if (entry) openFiles.delete(path); // re-inserted below as the most recent
  else {
    const fd = openSync(path, 'r');
    try {
      entry = { file: await pq.ParquetFile.fromFile(fileBlob(fd, st.size)), fd, size: st.size, mtimeMs: st.mtimeMs, users: 0, evicted: false };
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }
  openFiles.set(path, entry);
  for (const [p, e] of openFiles) { if (openFiles.size <= MAX_OPEN_FILES) break; release(p, e); }
  entry.users++;
  try {
    return await fn(entry.file, entry);
  } finally {
    entry.users--;
    if (entry.evicted && entry.users === 0) close(entry);
  }
}

function release(path: string, entry: OpenFile): void {
  if (openFiles.get(path) === entry) openFiles.delete(path);
  entry.evicted = true;
  if (entry.users === 0) close(entry);
}

function close(entry: OpenFile): void {
  entry.file.free();
  closeSync(entry.fd);
}

/**
 * What `ParquetFile.fromFile` uses of a Blob (`size`, `slice(a, b).arrayBuffer()`)
 * over a file descriptor kept open: one positioned read per byte range, done at
 * once. Node's file-backed Blob reopens the file and streams it in 64 KiB pieces
 * for every range, and an asynchronous read waits its turn on libuv's thread
 * pool: with three column chunks per row group either left the task thread idle
 * about a third of the time (measured, docs/collections.md). A task thread runs
 * one task at a time, so a read from the page cache blocks nothing else.
 */
function fileBlob(fd: number, size: number): Blob {
  const at = (i: number) => (i < 0 ? Math.max(0, size + i) : Math.min(i, size));
  return {
    size,
    slice: (start = 0, end = size) => ({
      arrayBuffer: () => {
        try {
          const from = at(start), n = Math.max(0, at(end) - from);
          const buf = new Uint8Array(n);
          for (let off = 0; off < n;) {
            const got = readSync(fd, buf, off, n - off, from + off);
            if (got === 0) throw new Error(`unexpected end of file at byte ${from + off} of ${size}`);
            off += got;
          }
          return Promise.resolve(buf.buffer);
        } catch (e) {
          return Promise.reject(e);
        }
      },
    }),
  } as unknown as Blob;
}

/**
 * Reads one row group of a file, only the given columns, reading only the byte
 * ranges needed. Flat columns are copied out of wasm memory through the Arrow C
 * Data Interface (arrow-ffi.ts); other tables take the IPC route.
 */
export async function readRowGroup(path: string, rowGroup: number, columns?: string[]): Promise<arrow.Table> {
  return withParquetFile(path, async (file, entry) => {
    const t = await file.read({ rowGroups: [rowGroup], columns, batchSize: 1 << 20 });
    entry.schema ??= arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
    const wanted = columns ? entry.schema.fields.filter((f) => columns.includes(f.name)) : entry.schema.fields;
    if (t.numBatches === 0 || !wanted.every((f) => ffiCopies(f.type))) return arrow.tableFromIPC(t.intoIPCStream());
    const stream = t.intoFFI();
    try {
      return tableFromFfi(stream, pq.wasmMemory(), entry.schema) ?? ipcFallback(file, rowGroup, columns);
    } finally {
      stream.free();
    }
  });
}

/**
 * Reads one row group like {@link readRowGroup} and hands it to `fn` with its
 * columns lent from wasm memory instead of copied (arrow-ffi.ts `borrow`), then
 * frees them: `fn` must be synchronous and return nothing that points into the
 * table (a reduction's partial: sums, sketches, counts). Saves the copy of every
 * column and the garbage collections that copying a few MB per partition sets
 * off (docs/collections.md).
 */
export async function scanRowGroup<T>(path: string, rowGroup: number, columns: string[] | undefined, fn: (t: arrow.Table) => T): Promise<T> {
  return withParquetFile(path, async (file, entry) => {
    const t = await file.read({ rowGroups: [rowGroup], columns, batchSize: 1 << 20 });
    entry.schema ??= arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
    const wanted = columns ? entry.schema.fields.filter((f) => columns.includes(f.name)) : entry.schema.fields;
    if (t.numBatches === 0 || !wanted.every((f) => ffiCopies(f.type))) return fn(arrow.tableFromIPC(t.intoIPCStream()));
    const stream = t.intoFFI();
    let lent: arrow.Table | null;
    try {
      lent = tableFromFfi(stream, pq.wasmMemory(), entry.schema, { borrow: true });
      if (lent !== null) {
        const out = fn(lent);
        if (out instanceof Promise) throw new TypeError('scanRowGroup: fn must be synchronous (the table is freed when it returns)');
        return out;
      }
    } finally {
      stream.free();
    }
    return fn(await ipcFallback(file, rowGroup, columns));
  });
}

/** The same read through Arrow IPC (the FFI reader declined the table's layout). */
async function ipcFallback(file: PqFile, rowGroup: number, columns?: string[]): Promise<arrow.Table> {
  const t = await file.read({ rowGroups: [rowGroup], columns, batchSize: 1 << 20 });
  return arrow.tableFromIPC(t.intoIPCStream());
}

export interface ParquetPiece {
  path: string;
  rowGroup: number;
  rows: number;
}

/** The files under a path: itself, or the `*.parquet` files of a directory in name order. */
export function listParquetFiles(path: string | string[]): string[] {
  const paths = Array.isArray(path) ? path : [path];
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try { st = statSync(p); } catch { throw new Error(`path: no such file or directory: ${p}`); }
    if (st.isDirectory()) {
      const files = readdirSync(p).filter((f) => f.endsWith('.parquet') || f.endsWith('.parq')).sort().map((f) => join(p, f));
      if (files.length === 0) throw new Error(`path: the directory ${p} holds no .parquet files`);
      out.push(...files);
    } else out.push(p);
  }
  return out;
}

/** Row groups and schema of Parquet files, read from their footers only. */
export async function inspectParquet(paths: string[]): Promise<{ pieces: ParquetPiece[]; schema: arrow.Schema }> {
  const pieces: ParquetPiece[] = [];
  let schema: arrow.Schema | undefined;
  for (const path of paths) {
    let file;
    const fd = openSync(path, 'r');
    try {
      file = await pq.ParquetFile.fromFile(fileBlob(fd, fstatSync(fd).size));
    } catch (e) {
      closeSync(fd);
      throw new Error(`readParquet: ${path} is not a readable Parquet file (${(e as Error).message ?? String(e)})`);
    }
    try {
      const meta = file.metadata();
      const fileSchema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
      if (schema && !sameFields(schema, fileSchema)) {
        throw new Error(`readParquet: ${path} has columns [${fileSchema.fields.map((f) => `${f.name}: ${f.type}`)}], expected [${schema.fields.map((f) => `${f.name}: ${f.type}`)}] like ${paths[0]}`);
      }
      schema ??= fileSchema;
      const groups = meta.numRowGroups();
      for (let g = 0; g < groups; g++) pieces.push({ path, rowGroup: g, rows: Number(meta.rowGroup(g).numRows()) });
    } finally {
      file.free();
      closeSync(fd);
    }
  }
  return { pieces, schema: schema! };
}

function sameFields(a: arrow.Schema, b: arrow.Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && String(f.type) === String(b.fields[i].type));
}
