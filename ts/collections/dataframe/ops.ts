/**
 * The DataFrame ops the workers run (registered at import). Partitions are
 * Arrow tables; they cross threads and processes as Arrow IPC through the
 * serializer registered in ../serializers.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { getOp, registerOp } from '../../actors/ops.js';
import { concatTables, takeTable } from './arrow-util.js';
import { categorizeTable, dummiesTable } from './categorical.js';
import { csvRecordStarts, readCsvPart, scanCsvBlock, type CsvBlockScan, type CsvPartSpec } from './csv.js';
import type { Expr } from './expr.js';
import { groupCombine, groupFinalize, groupPartial, type AggOp, type GroupPartial } from './groupby.js';
import * as k from './kernels.js';
import { readRowGroup, scanRowGroup, writeParquetBytes } from './parquet.js';
import { SCAN_OPS, SCAN_STEPS } from '../graph/optimize.js';
import type { TakePlan } from '../graph/take.js';
import * as s from './stats.js';

registerOp('frame.readParquet', (p: { path: string; rowGroup: number; columns: string[] | null }) => readRowGroup(p.path, p.rowGroup, p.columns ?? undefined));
/**
 * A read, the row-wise steps after it and the reduction partial they feed, as
 * one op (the graph optimiser makes it, see SCAN_OPS): the steps and the
 * partial see the row group lent from wasm memory, not copied.
 */
registerOp('frame.scanParquet', (p: { path: string; rowGroup: number; columns: string[] | null }, steps: [string, unknown[]][]) => {
  for (const [i, [op]] of steps.entries()) {
    const allowed = i === steps.length - 1 ? SCAN_OPS : SCAN_STEPS;
    if (!allowed.includes(op)) throw new RangeError(`frame.scanParquet: step ${i} '${op}' may keep views of its input; expected one of ${allowed.join(', ')}`);
  }
  return scanRowGroup(p.path, p.rowGroup, p.columns ?? undefined, (t) => {
    let v: unknown = t;
    for (const [op, args] of steps) {
      v = getOp(op)(v, ...args);
      if (v instanceof Promise) throw new TypeError(`frame.scanParquet: '${op}' returned a promise; scan steps must be synchronous`);
    }
    return v;
  });
});
registerOp('frame.csvScan', (path: string, start: number, end: number) => scanCsvBlock(path, start, end));
registerOp('frame.csvStarts', (path: string, size: number, scans: CsvBlockScan[]) => csvRecordStarts(path, size, scans));
registerOp('frame.readCsv', (p: CsvPartSpec) => readCsvPart(p));
registerOp('frame.fromIPC', (bytes: Uint8Array) => arrow.tableFromIPC(bytes));
registerOp('frame.select', (t: arrow.Table, cols: string[]) => k.selectColumns(t, cols));
registerOp('frame.assign', (t: arrow.Table, exprs: [string, Expr][]) => k.assignColumns(t, exprs));
registerOp('frame.filter', (t: arrow.Table, e: Expr) => k.filterRows(t, e));
registerOp('frame.dropna', (t: arrow.Table, subset: string[] | null) => k.dropNulls(t, subset ?? undefined));
registerOp('frame.nullCounts', (t: arrow.Table) => k.nullCounts(t));
registerOp('frame.nullCounts.combine', (parts: Record<string, number>[]) => k.sumCounts(parts));
registerOp('frame.describe.partial', (t: arrow.Table, cols: string[], quantiles = true) => s.describePartial(t, cols, quantiles));
registerOp('frame.columnStat', (v: Record<string, s.ColumnSummary>, col: string, stat: s.ColumnStat, ddof: number) => s.columnStatistic(v[col], stat, ddof));
registerOp('frame.describe.combine', (parts: Record<string, s.ColumnSummary>[]) => s.describeCombine(parts));
registerOp('frame.describe.finalize', (v: Record<string, s.ColumnSummary>) => s.describeFinalize(v));
registerOp('frame.corr.partial', (t: arrow.Table, cols: string[]) => s.corrPartial(t, cols));
registerOp('frame.corr.combine', (parts: s.CorrPartial[]) => s.corrCombine(parts));
registerOp('frame.corr.finalize', (p: s.CorrPartial, cols: string[]) => s.corrFinalize(p, cols));
registerOp('frame.uniques.partial', (t: arrow.Table, cols: string[]) => s.uniquesPartial(t, cols));
registerOp('frame.uniques.combine', (parts: Record<string, (number | string)[]>[]) => s.uniquesCombine(parts));
registerOp('frame.groupby.partial', (t: arrow.Table, keys: string[], cols: string[]) => groupPartial(t, keys, cols));
registerOp('frame.groupby.combine', (parts: GroupPartial[]) => groupCombine(parts));
registerOp('frame.groupby.finalize', (p: GroupPartial, keys: string[], keyTypes: string[], aggs: [string, AggOp[]][]) =>
  groupFinalize(p, keys, keyTypes.map(typeFromName), aggs));
registerOp('frame.categorize', (t: arrow.Table, cats: Record<string, (number | string)[]>) => categorizeTable(t, cats));
registerOp('frame.getDummies', (t: arrow.Table, spec: { column: string; prefix: string; categories: (number | string)[] }[], sep: string) => dummiesTable(t, spec, sep));
registerOp('frame.concat', (parts: arrow.Table[]) => concatTables(parts));
registerOp('frame.splitPiece', (t: arrow.Table, n: number, j: number) => k.splitPiece(t, n, j));
registerOp('frame.randomSplit', (t: arrow.Table, fracs: number[], seed: number, i: number, which: number) => k.randomSplitPiece(t, fracs, seed, i, which));
registerOp('frame.toChunk', (t: arrow.Table, cols: string[]) => k.tableToChunk(t, cols));
registerOp('frame.head', (t: arrow.Table, n: number) => k.headRows(t, n));
registerOp('frame.numRows', (t: arrow.Table) => k.numRows(t));
registerOp('frame.takeRows', (t: arrow.Table, rows: Int32Array) => takeTable(t, rows));
registerOp('frame.gatherRows', (parts: arrow.Table[], partOf: Int32Array, rowOf: Int32Array) => k.gatherTables(parts, partOf, rowOf));
registerOp('frame.takePlanned', (t: arrow.Table, plan: TakePlan, c: number) => takeTable(t, plan.local[c]));
registerOp('frame.gatherPlanned', (parts: arrow.Table[], plan: TakePlan, lo: number, hi: number) => k.gatherTables(parts, plan.chunkOf.subarray(lo, hi), plan.at.subarray(lo, hi)));
registerOp('frame.writeParquet', (t: arrow.Table, dir: string, i: number, rowGroupSize: number | null) => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `part.${String(i).padStart(5, '0')}.parquet`);
  writeFileSync(path, writeParquetBytes(t, { rowGroupSize: rowGroupSize ?? undefined }));
  return path;
});
/** A user op over a partition; its output must have the declared columns. */
registerOp('frame.mapPartitions', async (op: string, t: arrow.Table, args: unknown[], columns: string[]) => {
  const out = await getOp(op)(t, ...args);
  if (!(out instanceof arrow.Table)) throw new TypeError(`mapPartitions: op '${op}' returned ${out === null ? 'null' : typeof out}, expected an Arrow Table`);
  const got = out.schema.fields.map((f) => f.name);
  if (got.join('\u0000') !== columns.join('\u0000')) throw new TypeError(`mapPartitions: op '${op}' returned columns [${got}], expected [${columns}] as declared in its schema`);
  return out;
});

function typeFromName(name: string): arrow.DataType {
  if (name === 'Int64') return new arrow.Int64();
  if (name === 'Int32') return new arrow.Int32();
  if (name === 'Float64') return new arrow.Float64();
  return new arrow.Utf8();
}
