/**
 * Parquet <-> Arrow through parquet-wasm (the Rust `parquet` crate compiled to
 * WebAssembly; data crosses as Arrow IPC). See docs/collections.md for the
 * measurement behind the choice.
 */
import { openAsBlob } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';

type ParquetWasm = typeof import('parquet-wasm/node');
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

/** Reads one row group of a file, only the given columns, reading only the byte ranges needed. */
export async function readRowGroup(path: string, rowGroup: number, columns?: string[]): Promise<arrow.Table> {
  const file = await pq.ParquetFile.fromFile(await openAsBlob(path));
  try {
    const t = await file.read({ rowGroups: [rowGroup], columns, batchSize: 1 << 20 });
    return arrow.tableFromIPC(t.intoIPCStream());
  } finally {
    file.free();
  }
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
    try {
      file = await pq.ParquetFile.fromFile(await openAsBlob(path));
    } catch (e) {
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
    }
  }
  return { pieces, schema: schema! };
}

function sameFields(a: arrow.Schema, b: arrow.Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && String(f.type) === String(b.fields[i].type));
}
