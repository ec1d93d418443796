/**
 * shoal demo: a local cluster estimates pi by Monte Carlo — 10 000 sampling
 * tasks and a tree reduction over them — with the progress bar on, checks the
 * answer against the same computation done here sequentially, and prints timing.
 * Run: npm run build:ts && npm run demo
 */
import { Client, KMeans, makeBlobs, ref, type Graph } from '../ts/index.js';
import { hits } from './demo-ops.js';

const TASKS = 10_000;
const POINTS = 2_000;
const FAN_IN = 16;

const client = await Client.local({
  nWorkers: 2,
  threadsPerWorker: 1,
  memoryLimit: '1GB',
  workerModules: [new URL('./demo-ops.js', import.meta.url)],
});

const graph: Graph = new Map();
let level: string[] = [];
for (let i = 0; i < TASKS; i++) {
  graph.set(`hits-${i}`, { op: 'demo.hits', args: [i + 1, POINTS] });
  level.push(`hits-${i}`);
}
for (let depth = 0; level.length > 1; depth++) {
  const next: string[] = [];
  for (let i = 0; i < level.length; i += FAN_IN) {
    const key = `total-${depth}-${i / FAN_IN}`;
    graph.set(key, { op: 'core.sum', args: [level.slice(i, i + FAN_IN).map((k) => ref(k))] });
    next.push(key);
  }
  level = next;
}

const start = performance.now();
const [inside] = (await client.compute(graph, [level[0]!], { progress: true })) as [number];
const seconds = (performance.now() - start) / 1000;

let expected = 0;
for (let i = 0; i < TASKS; i++) expected += hits(i + 1, POINTS);
const pi = (4 * inside) / (TASKS * POINTS);
console.log(`pi ≈ ${pi.toFixed(6)} (error ${Math.abs(pi - Math.PI).toExponential(2)}) from ${TASKS * POINTS} points`);
console.log(`${graph.size} tasks in ${seconds.toFixed(2)} s (${Math.round(graph.size / seconds)} tasks/s)`);
console.log(inside === expected ? 'check: matches the sequential computation exactly' : `check FAILED: ${inside} != ${expected}`);
if (inside !== expected) process.exitCode = 1;

// Part two: k-means on 2 000 000 points generated on the workers (nothing built on the client),
// persisted once with a progress bar, k-means|| initialisation, Lloyd partials reduced in a tree.
const [X, , trueCenters] = makeBlobs({ nSamples: 2_000_000, nFeatures: 2, centers: 3, chunks: 250_000, randomState: 0 });
const kmStart = performance.now();
const Xp = await X.persist({ progress: true });
const km = await new KMeans({ nClusters: 3, initMaxIter: 2, oversamplingFactor: 10 }).fit(Xp);
const kmSeconds = (performance.now() - kmStart) / 1000;
const fmt = (c: ArrayLike<number>) => Array.from({ length: 3 }, (_, i) => `(${c[2 * i].toFixed(2)}, ${c[2 * i + 1].toFixed(2)})`).join(' ');
console.log(`KMeans on ${X.shape.join(' x ')} in ${kmSeconds.toFixed(2)} s, ${km.nIter_} iterations, inertia ${km.inertia_!.toExponential(3)}`);
console.log(`  fitted centres: ${fmt(km.clusterCenters_!)}`);
console.log(`  true centres:   ${fmt(trueCenters)}`);
await client.close();
