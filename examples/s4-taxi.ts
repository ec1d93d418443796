/**
 * Scenario S4: taxi-trip feature engineering and models on a DataFrame.
 *
 * Writes a NYC-yellow-taxi-shaped Parquet data set (shoal's generator), then on
 * a local cluster: scales two columns, categorizes and one-hot encodes the
 * payment type, derives datetime features, splits partition-wise, and fits
 * LinearRegression (total from distance), multinomial LogisticRegression
 * (payment type from the trip — Dask-ML has no multinomial model) and a
 * GridSearchCV over C. Every step runs on the workers; only statistics,
 * coefficients and a few rows come back.
 *
 *   npm run build:ts && node dist/examples/s4-taxi.js [--rows 1000000] [--dir /tmp/shoal-taxi]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Categorizer, Client, DummyEncoder, GridSearchCV, LinearRegression, LogisticRegression, makeTaxi, r2Score,
  readParquet, StandardScaler, trainTestSplit, type DataFrame, type ShoalArray,
} from '../ts/index.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, dir: { type: 'string' } } });
const rows = Number(values.rows);
const dir = values.dir ?? join(tmpdir(), `shoal-taxi-${rows}`);
if (!existsSync(dir)) {
  console.log(`writing ${rows.toLocaleString()} taxi trips to ${dir} …`);
  makeTaxi({ rows, out: dir, randomState: 0 });
}
const t0 = performance.now();
const step = (what: string) => console.log(`\n[${((performance.now() - t0) / 1e3).toFixed(1)} s] ${what}`);

const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '2GB' });
try {
  const df = (await readParquet(dir)).filter((await readParquet(dir)).col('trip_distance').gt(0));
  step(`${df.npartitions} partitions; the first rows:`);
  console.log((await df.head(3)).toString());

  step('StandardScaler on [trip_distance, total_amount] → a lazy DataFrame');
  const scaler = await new StandardScaler().fit(df.select(['trip_distance', 'total_amount']));
  console.log('mean_', Array.from(scaler.mean_!, (v) => v.toFixed(3)), 'scale_', Array.from(scaler.scale_!, (v) => v.toFixed(3)));
  console.log((await (scaler.transform(df.select(['trip_distance', 'total_amount'])) as DataFrame).head(3)).toString());

  step('Categorizer (payment_type 1–4) then DummyEncoder → uint8 columns');
  const cat = await new Categorizer({ categories: { payment_type: [1, 2, 3, 4] } }).fit(df.select(['payment_type', 'trip_distance']));
  const encoded = (await new DummyEncoder().fit(cat.transform(df.select(['payment_type', 'trip_distance'])))).transform(cat.transform(df.select(['payment_type', 'trip_distance']))) as DataFrame;
  console.log(encoded.columns.join(', '));
  console.log((await encoded.head(3)).toString());

  step('datetime features: pickup hour and day of week');
  const withTime = df.assign({ hour: df.col('tpep_pickup_datetime').dt.hour, dow: df.col('tpep_pickup_datetime').dt.dayofweek });
  console.log((await withTime.groupby('dow').agg({ total_amount: 'mean' }).compute()).toString());

  step('trainTestSplit (partition-wise) and LinearRegression: total_amount from trip_distance');
  const [Xtr, Xte, ytr, yte] = trainTestSplit([df.select(['trip_distance']), df.select(['total_amount'])], { testSize: 0.2, randomState: 0 }) as DataFrame[];
  const lr = await new LinearRegression().fit(Xtr, ytr);
  const pred = lr.predict(Xte) as ShoalArray;
  console.log(`coef_ ${lr.coef_![0].toFixed(3)} $/mile, intercept_ ${lr.intercept_!.toFixed(3)} $, test R² ${(await r2Score(yte.toArray(['total_amount']).col(0), pred)).toFixed(4)}`);

  step('multinomial LogisticRegression: payment type from distance, fare and tip');
  const features = ['trip_distance', 'fare_amount', 'tip_amount'];
  const clean = withTime.dropna({ subset: [...features, 'payment_type'] });
  const Xs = (await new StandardScaler().fit(clean.select(features))).transform(clean.select(features)) as DataFrame;
  const y = clean.toArray(['payment_type']).col(0);
  const clf = await new LogisticRegression({ C: 1, maxIter: 200 }).fit(Xs, y);
  console.log(`classes_ ${JSON.stringify(clf.classes_)}, converged ${clf.converged_} in ${clf.nIter_} iterations, accuracy ${(await clf.score(Xs, y)).toFixed(4)}`);

  step('GridSearchCV over C on a 20 000-row sample (candidates × folds as tasks)');
  const sample = await Xs.head(20_000);
  const sampleY = await clean.select(['payment_type']).head(20_000);
  const search = await new GridSearchCV(new LogisticRegression({ maxIter: 200 }), { C: [0.01, 0.1, 1, 10] }, { cv: 3 })
    .fit(sample, Array.from(sampleY.getChild('payment_type')!.toArray() as ArrayLike<number>));
  console.log('bestParams_', search.bestParams_, 'bestScore_', search.bestScore_!.toFixed(4));
  console.log('mean_test_score', (search.cvResults_!.mean_test_score as number[]).map((v) => v.toFixed(4)).join(' '));
} finally {
  await client.close();
}
