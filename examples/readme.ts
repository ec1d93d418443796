// The README's example, kept compiling and runnable: `npx shoal datasets taxi --rows 200000 --out data/taxi && node dist/examples/readme.js`
import { Client, makeBlobs, readParquet, StandardScaler, r2Score } from '../ts/index.js';

const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '2GB' });

// lazy chunked arrays, generated on the workers, reduced in a tree
const [X] = makeBlobs({ nSamples: 1_000_000, chunks: 100_000, centers: 3, randomState: 0 });
await X.persist({ progress: true });
console.log(await X.mean(0).compute());

// Arrow DataFrames from Parquet (row groups become partitions)
const df = await readParquet('data/taxi');           // `npx shoal datasets taxi --rows 1000000 --out data/taxi`
console.log((await df.groupby('VendorID').agg({ trip_distance: 'sum' }).compute()).toString());

// scikit-learn-style estimators on in-memory data, Arrays or DataFrames
const scaled = (await new StandardScaler().fit(df.select(['trip_distance', 'total_amount']))).transform(df.select(['trip_distance', 'total_amount']));
console.log((await scaled.head(5)).toString());

await client.close();
