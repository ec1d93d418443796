import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { Client } from '../../actors/client.js';
import { readReference, testdataPath } from '../testdata.js';
import { getDummies } from './dataframe.js';
import { fromArrow, readCsv, readParquet } from './io.js';
import { toFloat64 } from './arrow-util.js';
import { makeTaxi } from '../datasets/taxi.js';

const ref = readReference('frame_reference.json');
let client: Client;
let dir: string;

before(async () => {
  client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 });
  dir = mkdtempSync(join(tmpdir(), 'shoal-frame-'));
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

function near(a: number, b: number | null, tol = 1e-9): void {
  if (b === null) { assert.ok(Number.isNaN(a), `${a} should be NaN`); return; }
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

const numbers = (v: arrow.Vector): number[] => Array.from(toFloat64(v).values, (x) => (Number.isNaN(x) ? null : x)) as number[];

test('readParquet: row groups become partitions; compute gives back the pyarrow file exactly', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  assert.equal(df.npartitions, 3);
  assert.deepEqual(df.lengths, ref.row_groups);
  assert.deepEqual(df.columns, ref.columns);
  const t = await df.compute();
  assert.equal(t.numRows, 500);
  for (const c of ['VendorID', 'passenger_count', 'trip_distance', 'payment_type', 'fare_amount', 'tpep_pickup_datetime']) assert.deepEqual(numbers(t.getChild(c)!), ref.values[c], c);
  assert.deepEqual(Array.from({ length: t.numRows }, (_, i) => t.getChild('store_and_fwd_flag')!.get(i)), ref.values.store_and_fwd_flag);
  const head = await df.head(3);
  assert.deepEqual(numbers(head.getChild('fare_amount')!), ref.values.fare_amount.slice(0, 3));
});

test('describe, groupby, corr and null counts match pandas through the cluster', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const d = await df.select(Object.keys(ref.describe)).describe().compute();
  const stats = Array.from({ length: d.numRows }, (_, i) => d.getChild('statistic')!.get(i) as string);
  for (const c of Object.keys(ref.describe)) stats.forEach((s, i) => near(d.getChild(c)!.get(i), ref.describe[c][s]));
  const g = await df.groupby('VendorID').agg({ trip_distance: 'sum', fare_amount: 'mean', tip_amount: ['min', 'max', 'count'] }).compute();
  assert.deepEqual(numbers(g.getChild('VendorID')!), ref.groupby_vendor.VendorID);
  for (const c of ['trip_distance', 'fare_amount', 'tip_amount_min', 'tip_amount_max', 'tip_amount_count']) numbers(g.getChild(c)!).forEach((x, i) => near(x, ref.groupby_vendor[c][i]));
  const cols: string[] = ref.corr.columns;
  const r = await df.corr(cols).compute();
  cols.forEach((c, j) => cols.forEach((_, i) => near(r.getChild(c)!.get(i), ref.corr.matrix[i][j])));
  assert.deepEqual(await df.isnull().sum().compute(), ref.isnull_sum);
});

test('filter, assign with column expressions and datetime fields, dropna', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const kept = df.filter(df.col('trip_distance').gt(2).and(df.col('payment_type').eq(1)));
  const t = await kept.compute();
  // an expression built on df is evaluated on the filtered frame's rows
  const keptFares = await kept.assign({ twice: df.col('fare_amount').mul(2) }).select(['twice']).compute();
  assert.deepEqual(numbers(keptFares.getChild('twice')!), numbers(t.getChild('fare_amount')!).map((x) => 2 * x));
  assert.equal(t.numRows, ref.filter_dist_gt2_card.rows);
  near(numbers(t.getChild('fare_amount')!).reduce((a, b) => a + b, 0), ref.filter_dist_gt2_card.fare_sum);
  const withFeatures = df.assign({
    hour: df.col('tpep_pickup_datetime').dt.hour,
    dow: df.col('tpep_pickup_datetime').dt.dayofweek,
    tip_per_mile: df.col('tip_amount').div(df.col('trip_distance')),
  });
  assert.equal(String(withFeatures.schema.fields.find((f) => f.name === 'hour')!.type), 'Int32');
  const w = await withFeatures.select(['hour', 'dow', 'tip_per_mile']).compute();
  assert.deepEqual(numbers(w.getChild('hour')!), ref.dt.hour);
  assert.deepEqual(numbers(w.getChild('dow')!), ref.dt.dayofweek);
  const tpm = numbers(w.getChild('tip_per_mile')!);
  near(tpm.reduce((a, b) => a + b, 0) / tpm.length, ref.tip_per_mile_mean);
  assert.equal(await df.dropna().numRows(), ref.dropna_rows);
  near(await df.col('tip_amount').div(df.col('trip_distance')).mean().compute(), ref.tip_per_mile_mean);
  near(await df.col('passenger_count').std().compute(), ref.describe.passenger_count.std);
  assert.equal(await df.col('passenger_count').count().compute(), ref.describe.passenger_count.count);
  near(await df.col('fare_amount').max().compute(), ref.describe.fare_amount.max);
  const hours = await df.col('tpep_pickup_datetime').dt.hour.compute();
  assert.deepEqual(numbers(hours), ref.dt.hour);
});

test('two categorical columns in one frame survive a filter and a compute (a dictionary id per column)', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const cat = await df.select(['VendorID', 'payment_type', 'trip_distance']).categorize(['VendorID', 'payment_type']);
  const t = await cat.filter(cat.col('trip_distance').gt(1)).compute();
  const keep = ref.values.trip_distance.map((d: number) => d > 1);
  assert.equal(t.numRows, keep.filter(Boolean).length);
  assert.deepEqual(Array.from({ length: t.numRows }, (_, i) => Number(t.getChild('payment_type')!.get(i))),
    ref.values.payment_type.filter((_: number, i: number) => keep[i]));
});

test('categorize then getDummies gives pandas columns and counts; toArray resolves lengths', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const cat = await df.select(['VendorID', 'payment_type', 'trip_distance']).categorize('payment_type');
  assert.deepEqual(cat.categories.payment_type, [1, 2, 3, 4]);
  const dummies = getDummies(cat, { columns: ['payment_type'], prefix: 'pay', prefixSep: '=' });
  assert.deepEqual(dummies.columns, ref.dummies.columns);
  const t = await dummies.compute();
  for (const [c, s] of Object.entries(ref.dummies.sums)) assert.equal(numbers(t.getChild(c)!).reduce((a, b) => a + b, 0), s, c);
  const X = dummies.toArray(['trip_distance', 'pay=1']);
  assert.deepEqual(X.chunks, ref.row_groups);
  near(await X.col(0).sum().compute(), ref.values.trip_distance.reduce((a: number, b: number) => a + b, 0));
  const y = dummies.toArray('trip_distance');
  assert.equal(y.ndim, 1);
  assert.deepEqual(Array.from((await y.compute()).data), ref.values.trip_distance);
  // after a filter the lengths are unknown until computed; slicing still works
  const Y = df.filter(df.col('payment_type').eq(2)).toArray(['fare_amount']);
  assert.ok(!Y.knownLengths);
  const every3 = await Y.slice(0, null, 3).compute();
  const cash = ref.values.fare_amount.filter((_: number, i: number) => ref.values.payment_type[i] === 2);
  assert.deepEqual(Array.from(every3.data), cash.filter((_: number, i: number) => i % 3 === 0));
});

test('readCsv with datetime and category dtypes in several partitions', async () => {
  const df = await readCsv(testdataPath('frame.csv'), { blocksize: 7_000, dtypes: { tpep_pickup_datetime: 'datetime', tpep_dropoff_datetime: 'datetime', store_and_fwd_flag: 'category' } });
  assert.ok(df.npartitions >= 5);
  assert.deepEqual(df.categories.store_and_fwd_flag, ['N', 'Y']);
  const t = await df.compute();
  assert.equal(t.numRows, 500);
  assert.deepEqual(numbers(t.getChild('tpep_pickup_datetime')!), ref.values.tpep_pickup_datetime);
  assert.deepEqual(numbers(t.getChild('passenger_count')!), ref.values.passenger_count);
  assert.ok(arrow.DataType.isDictionary(t.getChild('store_and_fwd_flag')!.type));
  const g = await df.groupby(['VendorID', 'payment_type']).agg({ total_amount: 'sum', passenger_count: 'count' }).compute();
  numbers(g.getChild('total_amount')!).forEach((x, i) => near(x, ref.groupby_vendor_payment.total_amount[i]));
  assert.deepEqual(numbers(g.getChild('passenger_count')!), ref.groupby_vendor_payment.passenger_count);
});

test('readCsv: quoted fields with newlines, "" and CRLF across small blocks read back as pandas does', async () => {
  const quoted = readReference('quoted_reference.json');
  for (const file of ['quoted_csvmodule.csv', 'quoted_pandas.csv']) {
    const want = quoted[file];
    for (const blocksize of [37, 500]) {
      // dtypes inferred from the sample, datetimes named
      const df = await readCsv(testdataPath(file), { blocksize, dtypes: file === 'quoted_pandas.csv' ? { when: 'datetime' } : {} });
      assert.deepEqual(df.columns, want.columns);
      const t = await df.compute();
      assert.equal(t.numRows, want.rows, `${file} blocksize ${blocksize}`);
      for (const c of want.columns) {
        const v = t.getChild(c)!;
        const got = arrow.DataType.isUtf8(v.type) ? Array.from({ length: v.length }, (_, i) => v.get(i)) : numbers(v);
        assert.deepEqual(got, want.values[c], `${file} column ${c} blocksize ${blocksize}`);
      }
    }
  }
  const bad = join(dir, 'unterminated.csv');
  writeFileSync(bad, 'a,b\n1,"fine"\n2,"never closed\n3,x\n');
  const df = await readCsv(bad, { blocksize: 8 });
  await assert.rejects(df.compute(), (e: Error) => e.message.includes(bad) && /quoted field: a '"' is not closed/.test(e.message));
});

test('take: rows by global position (iloc) from Parquet (known lengths) and CSV (unknown), categoricals kept', async () => {
  const n = ref.values.VendorID.length;
  const idx = [499, 0, 199, 200, 200, -1, -500, 350, 17, 17, 399, 400];
  const pos = idx.map((i) => (i < 0 ? n + i : i));
  const strings = (v: arrow.Vector): unknown[] => Array.from({ length: v.length }, (_, i) => v.get(i));
  const pq = await readParquet(testdataPath('frame.parquet'));
  const csv = await readCsv(testdataPath('frame.csv'), { blocksize: 7_000, dtypes: { tpep_pickup_datetime: 'datetime', store_and_fwd_flag: 'category' } });
  assert.ok(!csv.lengths.every(Number.isFinite));
  for (const [label, df] of [['parquet', pq], ['csv', csv]] as const) {
    for (const rowsPerPartition of [undefined, 5]) {
      const t = df.take(idx, { rowsPerPartition });
      // default: partitions as long as the largest one (Parquet); with unknown lengths the positions spread over the frame's partition count
      assert.equal(t.lengths.reduce((a, b) => a + b, 0), idx.length);
      if (rowsPerPartition) assert.deepEqual(t.lengths, [5, 5, 2]);
      else if (label === 'parquet') assert.deepEqual(t.lengths, [12]);
      const got = await t.compute();
      assert.equal(got.numRows, idx.length);
      for (const c of ['fare_amount', 'passenger_count', 'tpep_pickup_datetime']) assert.deepEqual(numbers(got.getChild(c)!), pos.map((p) => ref.values[c][p]), `${label} ${c}`);
      assert.deepEqual(strings(got.getChild('store_and_fwd_flag')!), pos.map((p) => ref.values.store_and_fwd_flag[p]), label);
    }
  }
  assert.ok(arrow.DataType.isDictionary((await csv.take([3, 1]).compute()).getChild('store_and_fwd_flag')!.type));
  // a permutation of every row reads back in that order; then a filter on it
  const perm = Array.from({ length: n }, (_, i) => (i * 37) % n);
  const all = await pq.take(perm).filter(pq.col('payment_type').eq(2)).compute();
  assert.deepEqual(numbers(all.getChild('fare_amount')!), perm.filter((p) => ref.values.payment_type[p] === 2).map((p) => ref.values.fare_amount[p]));
  assert.throws(() => pq.take([0, 500]), (e: Error) => e instanceof RangeError && /indices: index 500 \(position 1\) is out of range for 500 rows/.test(e.message));
  await assert.rejects(csv.take([-501]).compute(), /indices: index -501 \(position 0\) is out of range for 500 rows/);
});

test('toParquet, repartition and randomSplit keep every row once', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const out = join(dir, 'written');
  const paths = await df.repartition(2).toParquet(out);
  assert.equal(paths.length, 2);
  const back = await readParquet(out);
  assert.equal(await back.numRows(), 500);
  assert.deepEqual(numbers((await back.compute()).getChild('tip_amount')!), ref.values.tip_amount);
  const more = df.repartition(7);
  assert.equal(more.npartitions, 7);
  assert.equal(more.lengths.reduce((a, b) => a + b, 0), 500);
  assert.deepEqual(numbers((await more.compute()).getChild('fare_amount')!), ref.values.fare_amount);
  const [a, b] = df.randomSplit([0.8, 0.2], { randomState: 1 });
  const [na, nb] = [await a.numRows(), await b.numRows()];
  assert.equal(na + nb, 500);
  assert.ok(na > 340 && na < 460, `train rows ${na}`);
  const [a2] = df.randomSplit([0.8, 0.2], { randomState: 1 });
  assert.deepEqual(numbers((await a2.compute()).getChild('fare_amount')!), numbers((await a.compute()).getChild('fare_amount')!));
});

test('empty partitions flow through; fromArrow; mapPartitions checks its schema', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  const none = df.filter(df.col('trip_distance').lt(-1));
  assert.equal(await none.numRows(), 0);
  assert.equal((await none.compute()).numRows, 0);
  assert.deepEqual(await none.isnull().sum().compute(), Object.fromEntries(ref.columns.map((c: string) => [c, 0])));
  const g = await none.groupby('VendorID').agg({ fare_amount: 'sum' }).compute();
  assert.equal(g.numRows, 0);
  const small = fromArrow(arrow.tableFromArrays({ a: Float64Array.from([1, 2, 3, 4, 5]), b: Int32Array.from([1, 1, 2, 2, 2]) }), { npartitions: 2 });
  const labelled = await small.assign({ tag: 'x', one: 1 }).compute();
  assert.deepEqual(Array.from({ length: 5 }, (_, i) => labelled.getChild('tag')!.get(i)), ['x', 'x', 'x', 'x', 'x']);
  assert.deepEqual(numbers(labelled.getChild('one')!), [1, 1, 1, 1, 1]);
  assert.deepEqual(small.lengths, [2, 3]);
  const s = await small.groupby('b').agg({ a: ['sum', 'mean'] }).compute();
  assert.deepEqual(numbers(s.getChild('a_sum')!), [3, 12]);
  assert.deepEqual(numbers(s.getChild('a_mean')!), [1.5, 4]);
  const same = small.mapPartitions('frame.head', { args: [1] });
  assert.deepEqual(numbers((await same.compute()).getChild('a')!), [1, 3]);
  // one partition: with two failing dependent tasks the runtime's process does not exit after close (reported)
  const wrong = small.repartition(1).mapPartitions('frame.head', { args: [1], schema: { z: new arrow.Float64() } });
  await assert.rejects(wrong.compute(), /mapPartitions: op 'frame.head' returned columns \[a,b\], expected \[z\]/);
});

test('bad input is rejected at the call with the column named', async () => {
  const df = await readParquet(testdataPath('frame.parquet'));
  assert.throws(() => df.select(['fare', 'VendorID']), /columns: no column named 'fare'; the columns are VendorID,/);
  assert.throws(() => df.col('tip'), /no column named 'tip'/);
  assert.throws(() => df.groupby('VendorID').agg({ store_and_fwd_flag: 'sum' }), /'store_and_fwd_flag' is (Large)?Utf8; only 'count'/);
  assert.throws(() => df.groupby('VendorID').agg({ fare_amount: 'median' as 'sum' }), /expected one of sum, mean, count, min, max, got median/);
  assert.throws(() => df.col('tpep_pickup_datetime').add(1), /add: expected numeric operands, got timestamp and int32/);
  assert.throws(() => df.col('fare_amount').dt.hour, /dt.hour: expected a datetime column, got float64/);
  assert.throws(() => df.filter(df.col('fare_amount')), /predicate: expected a boolean column, got float64/);
  assert.throws(() => df.select(['VendorID']).filter(df.col('fare_amount').gt(1)), /no column named 'fare_amount'/);
  assert.throws(() => df.select(['VendorID']).assign({ x: df.col('fare_amount') }), /no column named 'fare_amount'/);
  assert.throws(() => getDummies(df, { columns: ['payment_type'] }), /'payment_type' has no known categories; call await df.categorize/);
  assert.throws(() => df.corr(['store_and_fwd_flag']), /'store_and_fwd_flag' is (Large)?Utf8, expected a numeric column/);
  const bad = join(dir, 'bad.parquet');
  writeFileSync(bad, 'PAR1 this is not parquet');
  await assert.rejects(readParquet(bad), /bad\.parquet is not a readable Parquet file/);
  await assert.rejects(readCsv(testdataPath('frame.csv'), { dtypes: { nope: 'float64' } }), /dtypes: no column named 'nope'/);
});

test('taxi files generated with makeTaxi read back with known lengths and sane statistics', async () => {
  const out = join(dir, 'taxi');
  makeTaxi({ rows: 30_000, out, partitions: 3, rowGroupSize: 5_000, randomState: 2 });
  const df = await readParquet(out);
  assert.equal(df.npartitions, 6);
  assert.equal(await df.numRows(), 30_000);
  const byPay = await df.groupby('payment_type').agg({ tip_amount: 'mean', trip_distance: 'count' }).compute();
  assert.deepEqual(numbers(byPay.getChild('payment_type')!), [1, 2, 3, 4]);
  const tips = numbers(byPay.getChild('tip_amount')!);
  assert.ok(tips[0] > 1 && tips[1] === 0, `card tips ${tips[0]}, cash tips ${tips[1]}`);
});
