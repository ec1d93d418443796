/**
 * Scenario S2: k-means on a larger-than-comfortable array.
 *
 * 10 000 000 x 2 points from three blobs are generated on the workers (nothing
 * is materialised here), persisted there with a progress bar, clustered with
 * k-means|| initialisation, and every 10 000th point is drawn coloured by its
 * label into s2-kmeans.svg.
 *
 *   npm run build:ts && node dist/examples/s2-kmeans.js [--rows 10000000] [--chunk 1000000] [--out s2-kmeans.svg]
 *
 * `--big` runs the scenario's large variant instead: 500 blocks of 200 000 x 20
 * points (100 000 000 rows, 16 GB of float64 — it needs a cluster with that much
 * memory, or spills to disk).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, KMeans, makeBlobs } from '../ts/index.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    chunk: { type: 'string', default: '1000000' },
    out: { type: 'string', default: 's2-kmeans.svg' },
    big: { type: 'boolean', default: false },
  },
});
const rows = values.big ? 100_000_000 : Number(values.rows);
const chunk = values.big ? 200_000 : Number(values.chunk);
const features = values.big ? 20 : 2;

const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: values.big ? '8GB' : '2GB' });
try {
  const [X] = makeBlobs({ nSamples: rows, nFeatures: features, chunks: chunk, centers: 3, randomState: 0 });
  let t = performance.now();
  const Xp = await X.persist({ wait: true, progress: true });
  console.log(`generated ${rows.toLocaleString()} x ${features} on the workers in ${((performance.now() - t) / 1e3).toFixed(1)} s`);

  t = performance.now();
  const km = await new KMeans({ nClusters: 3, initMaxIter: values.big ? 3 : 2, oversamplingFactor: 10 }).fit(Xp);
  console.log(`KMeans: ${km.nIter_} Lloyd iterations in ${((performance.now() - t) / 1e3).toFixed(1)} s, inertia ${km.inertia_!.toExponential(4)}`);
  for (let c = 0; c < 3; c++) console.log(`  centre ${c}: [${Array.from(km.clusterCenters_!.subarray(c * features, c * features + Math.min(features, 4)), (v) => v.toFixed(3)).join(', ')}${features > 4 ? ', …' : ''}]`);
  const labels = km.labels_ as Awaited<ReturnType<typeof X.persist>>;
  console.log('first ten labels:', Array.from((await labels.slice(0, 10).compute()).data).join(' '));

  // every 10 000th point, coloured by its label
  const every = 10_000;
  const [pts, lab] = await Promise.all([Xp.slice(0, null, every).compute(), labels.slice(0, null, every).compute()]);
  writeFileSync(values.out!, scatterSvg(pts.data as Float64Array, features, lab.data as Int32Array));
  console.log(`wrote ${values.out} (${lab.data.length} points)`);
} finally {
  await client.close();
}

/** A minimal SVG scatter plot of the first two columns. */
function scatterSvg(data: Float64Array, cols: number, labels: Int32Array): string {
  const W = 640, H = 480, pad = 30;
  const xs = Array.from({ length: labels.length }, (_, i) => data[i * cols]);
  const ys = Array.from({ length: labels.length }, (_, i) => data[i * cols + 1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (v: number) => H - pad - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
  const dots = xs.map((x, i) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(ys[i]).toFixed(1)}" r="2" fill="${colours[labels[i] % colours.length]}"/>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">\n<rect width="100%" height="100%" fill="white"/>\n${dots}\n</svg>\n`;
}
