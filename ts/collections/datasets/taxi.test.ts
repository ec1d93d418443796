import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAXI_COLUMNS, makeTaxi, taxiPartition } from './taxi.js';
import { inspectParquet, readRowGroup } from '../dataframe/parquet.js';
import { toFloat64 } from '../dataframe/arrow-util.js';
import { nullCounts } from '../dataframe/kernels.js';
import { corrFinalize, corrPartial } from '../dataframe/stats.js';

test('taxi partitions have the TLC schema and realistic, reproducible distributions', () => {
  const t = taxiPartition(0, 3, 20_000);
  assert.deepEqual(t.schema.fields.map((f) => f.name), [...TAXI_COLUMNS]);
  assert.deepEqual(toFloat64(taxiPartition(0, 3, 20_000).getChild('fare_amount')!).values, toFloat64(t.getChild('fare_amount')!).values);
  const col = (c: string): Float64Array => toFloat64(t.getChild(c)!).values;
  const payments = new Set(col('payment_type'));
  assert.deepEqual([...payments].sort(), [1, 2, 3, 4]);
  assert.deepEqual([...new Set(col('VendorID'))].sort(), [1, 2]);
  const nulls = nullCounts(t);
  assert.ok(nulls.passenger_count > 200 && nulls.passenger_count < 600, `passenger_count nulls ${nulls.passenger_count}`);
  assert.equal(nulls.passenger_count, nulls.congestion_surcharge);
  assert.equal(nulls.trip_distance, 0);
  const pickup = col('tpep_pickup_datetime'), dropoff = col('tpep_dropoff_datetime');
  assert.ok(pickup.every((p, i) => dropoff[i] > p));
  assert.ok(pickup.every((p) => p >= Date.UTC(2023, 0, 1) && p < Date.UTC(2023, 1, 1)));
  // cash trips carry no tip; card tips and fares grow with distance
  const pay = col('payment_type'), tip = col('tip_amount');
  assert.ok(tip.every((x, i) => pay[i] === 1 || x === 0));
  const r = corrFinalize(corrPartial(t, ['trip_distance', 'fare_amount', 'tip_amount']), ['trip_distance', 'fare_amount', 'tip_amount']);
  assert.ok(r.getChild('fare_amount')!.get(0) > 0.8, 'fare ~ distance');
  assert.ok(r.getChild('tip_amount')!.get(0) > 0.4, 'tip ~ distance');
  // totals add up from their parts
  const parts = ['fare_amount', 'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'improvement_surcharge', 'congestion_surcharge', 'airport_fee'].map(col);
  const total = col('total_amount');
  assert.ok(total.every((x, i) => Math.abs(x - parts.reduce((a, p) => a + (Number.isNaN(p[i]) ? 0 : p[i]), 0)) < 0.011));
  assert.notDeepEqual(toFloat64(taxiPartition(1, 3, 50).getChild('fare_amount')!).values, toFloat64(taxiPartition(0, 3, 50).getChild('fare_amount')!).values);
});

test('makeTaxi writes Parquet files whose row groups split as asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-taxi-'));
  try {
    const paths = makeTaxi({ rows: 2_500, out: dir, partitions: 2, rowGroupSize: 500, randomState: 4 });
    assert.equal(paths.length, 2);
    const { pieces } = await inspectParquet(paths);
    assert.deepEqual(pieces.map((p) => p.rows), [500, 500, 250, 500, 500, 250]);
    const t = await readRowGroup(paths[1], 2, ['trip_distance']);
    assert.equal(t.numRows, 250);
    assert.throws(() => makeTaxi({ rows: 0, out: dir }), /rows: expected a positive integer, got 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
