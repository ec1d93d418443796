/**
 * A data set shaped like the NYC yellow-taxi trip records (TLC schema,
 * 2023): vendors, pickup/dropoff times with a daily rhythm, passenger
 * counts, log-normal distances, fares and tips that grow with distance,
 * payment types 1–4 (credit cards tip, cash does not), and ~2 % of rows with
 * the nulls the real files have (passenger_count, RatecodeID,
 * store_and_fwd_flag, congestion_surcharge, airport_fee).
 *
 * Each partition is made from `(randomState, partition)` alone, so the data
 * does not depend on how the work is spread.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { uniformSource } from '../array/rng.js';
import { numericVector, stringVector, timestampVector } from '../dataframe/arrow-util.js';
import { writeParquetBytes } from '../dataframe/parquet.js';

/** Column order and types of the generated files (as in the TLC 2023 files). */
export const TAXI_COLUMNS = [
  'VendorID', 'tpep_pickup_datetime', 'tpep_dropoff_datetime', 'passenger_count', 'trip_distance',
  'RatecodeID', 'store_and_fwd_flag', 'PULocationID', 'DOLocationID', 'payment_type', 'fare_amount',
  'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'improvement_surcharge', 'total_amount',
  'congestion_surcharge', 'airport_fee',
] as const;

const HOUR_WEIGHTS = [3, 2, 1.4, 1, 0.8, 1, 2, 3.5, 4.5, 4.6, 4.8, 5, 5.3, 5.4, 5.7, 6, 6.2, 6.8, 7, 6.5, 6, 5.6, 5.2, 4.2];
const PASSENGERS: [number, number][] = [[0, 0.02], [1, 0.72], [2, 0.14], [3, 0.04], [4, 0.02], [5, 0.035], [6, 0.025]];
const PAYMENTS: [number, number][] = [[1, 0.78], [2, 0.19], [3, 0.015], [4, 0.015]];

function pick(table: [number, number][], u: number): number {
  let acc = 0;
  for (const [v, p] of table) { acc += p; if (u < acc) return v; }
  return table[table.length - 1][0];
}

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}
const HOUR_CDF = cumulative(HOUR_WEIGHTS);

const cents = (x: number): number => Math.round(x * 100) / 100;

/** One partition of `rows` trips starting in the month of `start` (UTC). */
export function taxiPartition(seed: number, partition: number, rows: number, start = Date.UTC(2023, 0, 1), days = 31): arrow.Table {
  const u = uniformSource(seed, partition);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const vendor = new Int32Array(rows), pickup = new Float64Array(rows), dropoff = new Float64Array(rows);
  const passengers = new Float64Array(rows), distance = new Float64Array(rows), ratecode = new Float64Array(rows);
  const flags: (string | null)[] = new Array(rows);
  const pu = new Int32Array(rows), dl = new Int32Array(rows), payment = new BigInt64Array(rows);
  const fare = new Float64Array(rows), extra = new Float64Array(rows), mta = new Float64Array(rows), tip = new Float64Array(rows);
  const tolls = new Float64Array(rows), improvement = new Float64Array(rows), total = new Float64Array(rows);
  const congestion = new Float64Array(rows), airport = new Float64Array(rows);
  const valid = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const ok = u() >= 0.02;
    valid[i] = ok ? 1 : 0;
    vendor[i] = u() < 0.27 ? 1 : 2;
    const day = Math.floor(u() * days);
    const hu = u();
    let hour = 0;
    while (hour < 23 && hu >= HOUR_CDF[hour]) hour++;
    pickup[i] = start + ((day * 24 + hour) * 3600 + Math.floor(u() * 3600)) * 1000;
    const d = u() < 0.012 ? 0 : Math.min(60, Math.exp(0.55 + 0.85 * normal()));
    distance[i] = cents(d);
    const mph = Math.max(3, 11 + 4 * normal());
    const minutes = 2 + (d / mph) * 60 + Math.abs(normal()) * 2;
    dropoff[i] = pickup[i] + Math.round(minutes * 60) * 1000;
    passengers[i] = pick(PASSENGERS, u());
    const airportTrip = d > 9 && u() < 0.35;
    ratecode[i] = airportTrip && u() < 0.5 ? 2 : u() < 0.01 ? 5 : 1;
    flags[i] = ok ? (u() < 0.005 ? 'Y' : 'N') : null;
    pu[i] = 1 + Math.floor(265 * u() ** 1.6);
    dl[i] = 1 + Math.floor(265 * u() ** 1.4);
    const pay = pick(PAYMENTS, u());
    payment[i] = BigInt(pay);
    fare[i] = ratecode[i] === 2 ? 70 : cents(3 + 1.75 * d + 0.7 * minutes + 0.5 * Math.abs(normal()));
    extra[i] = hour >= 16 && hour < 20 ? 2.5 : hour >= 20 || hour < 6 ? 1 : 0;
    mta[i] = 0.5;
    improvement[i] = 1;
    tolls[i] = airportTrip && u() < 0.6 ? 6.55 : 0;
    // rows with nulls (as the TLC's "unknown" records) have no surcharges in their total
    congestion[i] = ok && u() < 0.9 ? 2.5 : 0;
    airport[i] = ok && airportTrip ? 1.25 : 0;
    tip[i] = pay === 1 ? cents(Math.max(0, fare[i] * (0.2 + 0.06 * normal()))) : 0;
    total[i] = cents(fare[i] + extra[i] + mta[i] + tip[i] + tolls[i] + improvement[i] + congestion[i] + airport[i]);
  }
  return new arrow.Table({
    VendorID: numericVector(new arrow.Int32(), vendor),
    tpep_pickup_datetime: timestampVector(pickup),
    tpep_dropoff_datetime: timestampVector(dropoff),
    passenger_count: numericVector(new arrow.Float64(), passengers, valid),
    trip_distance: numericVector(new arrow.Float64(), distance),
    RatecodeID: numericVector(new arrow.Float64(), ratecode, valid),
    store_and_fwd_flag: stringVector(flags),
    PULocationID: numericVector(new arrow.Int32(), pu),
    DOLocationID: numericVector(new arrow.Int32(), dl),
    payment_type: numericVector(new arrow.Int64(), payment),
    fare_amount: numericVector(new arrow.Float64(), fare),
    extra: numericVector(new arrow.Float64(), extra),
    mta_tax: numericVector(new arrow.Float64(), mta),
    tip_amount: numericVector(new arrow.Float64(), tip),
    tolls_amount: numericVector(new arrow.Float64(), tolls),
    improvement_surcharge: numericVector(new arrow.Float64(), improvement),
    total_amount: numericVector(new arrow.Float64(), total),
    congestion_surcharge: numericVector(new arrow.Float64(), congestion, valid),
    airport_fee: numericVector(new arrow.Float64(), airport, valid),
  });
}

export interface MakeTaxiOptions {
  /** total trips */
  rows: number;
  /** output directory (created); files `part.00000.parquet`, … */
  out: string;
  /** number of files (default: one per 1 000 000 rows) */
  partitions?: number;
  /** rows per Parquet row group (default 100 000): row groups become DataFrame partitions */
  rowGroupSize?: number;
  randomState?: number;
}

/**
 * Writes the taxi-shaped data set as Parquet files and returns their paths.
 * `shoal datasets taxi --rows N --out DIR` calls this.
 */
export function makeTaxi(o: MakeTaxiOptions): string[] {
  if (!Number.isInteger(o.rows) || o.rows <= 0) throw new RangeError(`rows: expected a positive integer, got ${o.rows}`);
  if (typeof o.out !== 'string' || o.out.length === 0) throw new TypeError(`out: expected a directory path, got ${String(o.out)}`);
  const parts = o.partitions ?? Math.max(1, Math.ceil(o.rows / 1_000_000));
  if (!Number.isInteger(parts) || parts <= 0 || parts > o.rows) throw new RangeError(`partitions: expected an integer in [1, rows=${o.rows}], got ${o.partitions}`);
  const seed = o.randomState ?? 0;
  mkdirSync(o.out, { recursive: true });
  const paths: string[] = [];
  for (let p = 0; p < parts; p++) {
    const rows = Math.floor(((p + 1) * o.rows) / parts) - Math.floor((p * o.rows) / parts);
    const path = join(o.out, `part.${String(p).padStart(5, '0')}.parquet`);
    writeFileSync(path, writeParquetBytes(taxiPartition(seed, p, rows), { rowGroupSize: o.rowGroupSize ?? 100_000 }));
    paths.push(path);
  }
  return paths;
}
