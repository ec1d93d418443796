import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readReference, testdataPath } from '../testdata.js';
import { readParquetBytes, inspectParquet, readRowGroup, writeParquetBytes } from './parquet.js';
import { assignColumns, dropNulls, filterRows, nullCounts, sumCounts, tableToChunk, randomSplitPiece } from './kernels.js';
import { describeCombine, describeFinalize, describePartial, corrCombine, corrFinalize, corrPartial, uniquesCombine, uniquesPartial, mergeSketches, sketchOf, sketchQuantile } from './stats.js';
import { groupCombine, groupFinalize, groupPartial } from './groupby.js';
import { categorizeTable, dummiesTable } from './categorical.js';
import { csvHeader, csvRanges, csvRecordStarts, readCsvPart, scanCsvBlock, type CsvDType } from './csv.js';
import { toFloat64 } from './arrow-util.js';
import type { Expr } from './expr.js';

const ref = readReference('frame_reference.json');

async function partitions(): Promise<arrow.Table[]> {
  const { pieces } = await inspectParquet([testdataPath('frame.parquet')]);
  return Promise.all(pieces.map((p) => readRowGroup(p.path, p.rowGroup)));
}

function near(a: number, b: number | null, tol = 1e-9): void {
  if (b === null) { assert.ok(Number.isNaN(a), `${a} should be NaN`); return; }
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

test('a Parquet file written by pyarrow reads back exactly, row groups as pieces', async () => {
  const { pieces, schema } = await inspectParquet([testdataPath('frame.parquet')]);
  assert.deepEqual(pieces.map((p) => p.rows), ref.row_groups);
  assert.deepEqual(schema.fields.map((f) => f.name), ref.columns);
  const whole = readParquetBytes(readFileSync(testdataPath('frame.parquet')));
  for (const c of ref.columns as string[]) {
    const vec = whole.getChild(c)!;
    const got = Array.from({ length: vec.length }, (_, i) => { const v = vec.get(i); return typeof v === 'bigint' ? Number(v) : v; });
    const want = (ref.values[c] as unknown[]).map((v) => (v === null && arrow.DataType.isFloat(vec.type) ? null : v));
    // floats with nulls: pandas writes NaN as null
    assert.deepEqual(got.map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)), want, c);
  }
  const parts = await partitions();
  assert.deepEqual(parts.map((t) => t.numRows), ref.row_groups);
  const projected = await readRowGroup(testdataPath('frame.parquet'), 1, ['fare_amount', 'VendorID']);
  assert.deepEqual(projected.schema.fields.map((f) => f.name).sort(), ['VendorID', 'fare_amount']);
  // a write/read round trip keeps types and values
  const again = readParquetBytes(writeParquetBytes(whole, { rowGroupSize: 128 }));
  assert.deepEqual(again.schema.fields.map((f) => String(f.type)), whole.schema.fields.map((f) => String(f.type)));
  assert.deepEqual(toFloat64(again.getChild('tip_amount')!).values, toFloat64(whole.getChild('tip_amount')!).values);
});

test('a corrupt Parquet file is named in the error', async () => {
  await assert.rejects(inspectParquet([testdataPath('frame.csv')]), /frame\.csv is not a readable Parquet file/);
});

test('describe from per-partition sketches matches pandas (exact while small)', async () => {
  const cols = Object.keys(ref.describe);
  const out = describeFinalize(describeCombine((await partitions()).map((t) => describePartial(t, cols))));
  const stats = out.getChild('statistic')!.toArray() as string[];
  for (const c of cols) {
    const vec = out.getChild(c)!;
    stats.forEach((s, i) => near(vec.get(i), ref.describe[c][s]));
  }
});

test('the quantile sketch stays close when it compresses', () => {
  const n = 100_000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sqrt(i));
  const parts = [0, 1, 2, 3].map((k) => sketchOf(values.slice((k * n) / 4, ((k + 1) * n) / 4).sort()));
  const s = mergeSketches(parts);
  assert.equal(s.exact, false);
  for (const q of [0.25, 0.5, 0.75]) {
    const exact = Math.sqrt(q * (n - 1));
    assert.ok(Math.abs(sketchQuantile(s, q) - exact) / exact < 2e-3, `q=${q}`);
  }
});

test('groupby sum/mean/min/max/count over partitions matches pandas', async () => {
  const parts = await partitions();
  const schema = parts[0].schema;
  const aggs: [string, ('sum' | 'mean' | 'min' | 'max' | 'count')[]][] = [['trip_distance', ['sum']], ['fare_amount', ['mean']], ['tip_amount', ['min', 'max', 'count']]];
  const p = groupCombine(parts.map((t) => groupPartial(t, ['VendorID'], ['trip_distance', 'fare_amount', 'tip_amount'])));
  const out = groupFinalize(p, ['VendorID'], [schema.fields.find((f) => f.name === 'VendorID')!.type], aggs);
  const g = ref.groupby_vendor;
  assert.deepEqual(Array.from(out.getChild('VendorID')!.toArray()), g.VendorID);
  for (const c of ['trip_distance', 'fare_amount', 'tip_amount_min', 'tip_amount_max', 'tip_amount_count']) {
    Array.from(out.getChild(c)!.toArray() as ArrayLike<number>).forEach((v, i) => near(v, g[c][i]));
  }
  const two = groupFinalize(groupCombine(parts.map((t) => groupPartial(t, ['VendorID', 'payment_type'], ['total_amount', 'passenger_count']))), ['VendorID', 'payment_type'],
    [new arrow.Int32(), new arrow.Int64()], [['total_amount', ['sum']], ['passenger_count', ['count']]]);
  const g2 = ref.groupby_vendor_payment;
  assert.deepEqual(Array.from({ length: two.numRows }, (_, i) => Number(two.getChild('payment_type')!.get(i))), g2.payment_type);
  Array.from(two.getChild('total_amount')!.toArray() as ArrayLike<number>).forEach((v, i) => near(v, g2.total_amount[i]));
  assert.deepEqual(Array.from(two.getChild('passenger_count')!.toArray() as ArrayLike<number>), g2.passenger_count);
});

test('corr with pairwise-complete rows matches pandas', async () => {
  const cols: string[] = ref.corr.columns;
  const out = corrFinalize(corrCombine((await partitions()).map((t) => corrPartial(t, cols))), cols);
  cols.forEach((c, j) => cols.forEach((_, i) => near(out.getChild(c)!.get(i), ref.corr.matrix[i][j], 1e-9)));
});

test('null counts, dropna, filter and expression columns match pandas', async () => {
  const parts = await partitions();
  assert.deepEqual(sumCounts(parts.map(nullCounts)), ref.isnull_sum);
  assert.equal(parts.map((t) => dropNulls(t).numRows).reduce((a, b) => a + b), ref.dropna_rows);
  const pred: Expr = { kind: 'bin', op: 'and', left: { kind: 'bin', op: 'gt', left: { kind: 'col', name: 'trip_distance' }, right: { kind: 'lit', value: 2 } }, right: { kind: 'bin', op: 'eq', left: { kind: 'col', name: 'payment_type' }, right: { kind: 'lit', value: 1 } } };
  const kept = parts.map((t) => filterRows(t, pred));
  assert.equal(kept.reduce((a, t) => a + t.numRows, 0), ref.filter_dist_gt2_card.rows);
  near(kept.reduce((a, t) => a + toFloat64(t.getChild('fare_amount')!).values.reduce((x, y) => x + y, 0), 0), ref.filter_dist_gt2_card.fare_sum);
  const withHour = parts.map((t) => assignColumns(t, [
    ['hour', { kind: 'dt', field: 'hour', arg: { kind: 'col', name: 'tpep_pickup_datetime' } }],
    ['dow', { kind: 'dt', field: 'dayofweek', arg: { kind: 'col', name: 'tpep_pickup_datetime' } }],
    ['tpm', { kind: 'bin', op: 'div', left: { kind: 'col', name: 'tip_amount' }, right: { kind: 'col', name: 'trip_distance' } }],
  ]));
  assert.deepEqual(withHour.flatMap((t) => Array.from(t.getChild('hour')!.toArray() as Int32Array)), ref.dt.hour);
  assert.deepEqual(withHour.flatMap((t) => Array.from(t.getChild('dow')!.toArray() as Int32Array)), ref.dt.dayofweek);
  const tpm = withHour.flatMap((t) => Array.from(toFloat64(t.getChild('tpm')!).values));
  near(tpm.reduce((a, b) => a + b, 0) / tpm.length, ref.tip_per_mile_mean);
});

test('categorize with global categories, then get_dummies matches pandas', async () => {
  const parts = await partitions();
  const cats = uniquesCombine(parts.map((t) => uniquesPartial(t, ['payment_type', 'store_and_fwd_flag'])));
  assert.deepEqual(cats.payment_type, [1, 2, 3, 4]);
  assert.deepEqual(cats.store_and_fwd_flag, ['N', 'Y']);
  const categorized = parts.map((t) => categorizeTable(t.select(['VendorID', 'payment_type', 'trip_distance']), { payment_type: cats.payment_type }));
  assert.ok(arrow.DataType.isDictionary(categorized[0].schema.fields[1].type));
  const dummies = categorized.map((t) => dummiesTable(t, [{ column: 'payment_type', prefix: 'pay', categories: cats.payment_type }], '='));
  assert.deepEqual(dummies[0].schema.fields.map((f) => f.name), ref.dummies.columns);
  for (const [c, s] of Object.entries(ref.dummies.sums)) {
    assert.equal(dummies.reduce((a, t) => a + Array.from(t.getChild(c)!.toArray() as Uint8Array).reduce((x, y) => x + y, 0), 0), s, c);
  }
  assert.ok(dummies[0].getChild('pay=1')!.type instanceof arrow.Uint8);
});

/** Every partition of a CSV file cut into `blocksize`-byte blocks, as the graph would read them. */
function csvParts(path: string, blocksize: number, dtypes: Record<string, CsvDType>): arrow.Table[] {
  const { names, newline } = csvHeader(path, ',');
  const ranges = csvRanges(path, blocksize);
  const starts = csvRecordStarts(path, ranges[ranges.length - 1][1], ranges.map(([s, e]) => scanCsvBlock(path, s, e)));
  return ranges.map((_, part) => readCsvPart({ path, part, starts, names, dtypes, delimiter: ',', newline }));
}

/** A column across partitions as plain values (null for missing; datetimes as ms). */
function columnValues(parts: arrow.Table[], name: string): unknown[] {
  return parts.flatMap((t) => {
    const v = t.getChild(name)!;
    if (arrow.DataType.isUtf8(v.type)) return Array.from({ length: v.length }, (_, i) => v.get(i));
    return Array.from(toFloat64(v).values, (x) => (Number.isNaN(x) ? null : x));
  });
}

test('CSV blocks cover every row once, with datetime and category dtypes', () => {
  const path = testdataPath('frame.csv');
  const dtypes = { VendorID: 'int32', tpep_pickup_datetime: 'datetime', tpep_dropoff_datetime: 'datetime', passenger_count: 'float64', trip_distance: 'float64', store_and_fwd_flag: 'category', payment_type: 'int64', fare_amount: 'float64', tip_amount: 'float64', total_amount: 'float64' } as const;
  for (const blocksize of [1000, 7001, 1 << 20]) {
    const parts = csvParts(path, blocksize, dtypes);
    assert.equal(parts.reduce((a, t) => a + t.numRows, 0), ref.values.VendorID.length);
    assert.deepEqual(columnValues(parts, 'tpep_pickup_datetime'), ref.values.tpep_pickup_datetime);
    assert.deepEqual(columnValues(parts, 'passenger_count'), ref.values.passenger_count);
  }
  assert.throws(() => csvParts(path, 1 << 20, { ...dtypes, store_and_fwd_flag: 'float64' }), /column 'store_and_fwd_flag'.*expected float64, got 'N'/);
});

const quoted = readReference('quoted_reference.json');
const QUOTED_DTYPES: Record<string, Record<string, CsvDType>> = {
  'quoted_csvmodule.csv': { id: 'int64', text: 'string', value: 'float64', 'note, with comma': 'string' },
  'quoted_pandas.csv': { id: 'int64', when: 'datetime', comment: 'string', x: 'float64' },
};

test('RFC 4180 quoting (newlines, "" and CRLF in fields) reads back as pandas does, whatever the block size', () => {
  for (const [file, dtypes] of Object.entries(QUOTED_DTYPES)) {
    const path = testdataPath(file);
    const want = quoted[file];
    const size = readFileSync(path).length;
    assert.equal(csvHeader(path, ',').newline, file === 'quoted_csvmodule.csv' ? '\r\n' : '\n');
    assert.deepEqual(csvHeader(path, ',').names, want.columns);
    // block size 1 puts a boundary at every byte: inside fields, between the quotes of "", between \r and \n
    for (const blocksize of [1, 2, 3, 5, 7, 8, 13, 16, 31, 64, 97, 128, 250, 512, 1000, size - 1, size, 1 << 16]) {
      const parts = csvParts(path, blocksize, dtypes);
      assert.equal(parts.reduce((a, t) => a + t.numRows, 0), want.rows, `${file} blocksize ${blocksize}`);
      for (const c of want.columns) assert.deepEqual(columnValues(parts, c), want.values[c], `${file} column ${c} blocksize ${blocksize}`);
    }
  }
});

test('a CSV file ending inside a quoted field is rejected, naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-csv-'));
  try {
    const path = join(dir, 'broken.csv');
    writeFileSync(path, 'a,b\n1,"fine"\n2,"no end\n3,x\n4,y\n');
    for (const blocksize of [1, 4, 9, 1000]) {
      const ranges = csvRanges(path, blocksize);
      assert.throws(() => csvRecordStarts(path, ranges[ranges.length - 1][1], ranges.map(([s, e]) => scanCsvBlock(path, s, e))),
        (e: Error) => e instanceof SyntaxError && e.message.includes(path) && /not closed/.test(e.message));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random splits are disjoint and cover a partition; toChunk keeps nulls as NaN', async () => {
  const [t] = await partitions();
  const pieces = [0, 1, 2].map((w) => randomSplitPiece(t, [0.6, 0.2, 0.2], 5, 0, w));
  assert.equal(pieces.reduce((a, p) => a + p.numRows, 0), t.numRows);
  assert.ok(Math.abs(pieces[0].numRows / t.numRows - 0.6) < 0.12);
  const c = tableToChunk(t, ['passenger_count', 'trip_distance']);
  assert.deepEqual(c.shape, [t.numRows, 2]);
  assert.equal(Array.from(c.data).filter((v, i) => i % 2 === 0 && Number.isNaN(v)).length, nullCounts(t).passenger_count);
});

test('corr stays exact for columns with large means (co-moments merged across partitions)', () => {
  const n = 3000;
  const x = Float64Array.from({ length: n }, (_, i) => 1e9 + ((i * 7919) % 101) * 0.01);
  const y = Float64Array.from({ length: n }, (_, i) => -5e8 + ((i * 104729) % 97) * 0.02 + x[i] * 0.5);
  const parts = [0, 1000, 1700, n].slice(1).map((end, i, ends) => arrow.tableFromArrays({ x: x.slice(i ? ends[i - 1] : 0, end), y: y.slice(i ? ends[i - 1] : 0, end) }));
  const r = corrFinalize(corrCombine(parts.map((t) => corrPartial(t, ['x', 'y']))), ['x', 'y']).getChild('y')!.get(0);
  // brute force: two-pass centred formula on all rows
  const mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; syy += (y[i] - my) ** 2; }
  near(r, sxy / Math.sqrt(sxx * syy), 1e-6);
});
