/**
 * shoal demo: a local cluster estimates pi by Monte Carlo — 10 000 sampling
 * tasks and a tree reduction over them — with the progress bar on, checks the
 * answer against the same computation done here sequentially, and prints timing.
 * Run: npm run build:ts && npm run demo
 */
import { Client, ref, type Graph } from '../ts/index.js';
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
await client.close();

let expected = 0;
for (let i = 0; i < TASKS; i++) expected += hits(i + 1, POINTS);
const pi = (4 * inside) / (TASKS * POINTS);
console.log(`pi ≈ ${pi.toFixed(6)} (error ${Math.abs(pi - Math.PI).toExponential(2)}) from ${TASKS * POINTS} points`);
console.log(`${graph.size} tasks in ${seconds.toFixed(2)} s (${Math.round(graph.size / seconds)} tasks/s)`);
console.log(inside === expected ? 'check: matches the sequential computation exactly' : `check FAILED: ${inside} != ${expected}`);
if (inside !== expected) process.exitCode = 1;
