/**
 * Client.local({ processes: true }): a private nats-server, a scheduler process
 * and nanny-kept worker processes, stopped again by close().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client.js';
import { ref, type Graph } from '../graph.js';
import { haveNatsServer } from '../testing/processes.js';

const skip = haveNatsServer() ? false : 'nats-server is not installed (scripts/setup.sh installs it)';
const TEST_OPS = new URL('../testing/test-ops.js', import.meta.url);

test('Client.local({ processes: true }) runs work in worker processes and close() stops them all', { skip, timeout: 60_000 }, async () => {
  const client = await Client.local({ processes: true, nWorkers: 2, threadsPerWorker: 1, memoryLimit: '1GB', workerModules: [TEST_OPS] });
  const cluster = (client as unknown as { processCluster: { nannies: Array<{ proc: { exitCode: number | null } }>; scheduler: { proc: { exitCode: number | null } } } }).processCluster;
  try {
    const info = await client.identify();
    assert.deepEqual(info.workers.map((w) => w.id).sort(), ['worker-local0', 'worker-local1']);
    assert.ok(info.workers.every((w) => w.nthreads === 1 && w.memoryLimit === 1e9));
    const graph: Graph = new Map();
    for (let i = 0; i < 40; i++) graph.set(`where-${i}`, { op: 'test.sleepContext', args: [20] });
    graph.set('total', { op: 'core.sum', args: [[...Array(40).keys()].map((i) => ref(`n-${i}`))] });
    for (let i = 0; i < 40; i++) graph.set(`n-${i}`, { op: 'core.identity', args: [i] });
    const keys = [...Array(40).keys()].map((i) => `where-${i}`);
    const results = (await client.compute(graph, [...keys, 'total'])) as Array<{ workerId: string } | number>;
    assert.equal(results.at(-1), 780);
    const used = new Set(results.slice(0, 40).map((r) => (r as { workerId: string }).workerId));
    assert.deepEqual([...used].sort(), ['worker-local0', 'worker-local1']);
    // The scheduler process serves the dashboard; its Identity told this client where.
    assert.match(client.dashboardLink, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await (await fetch(new URL('api/status', client.dashboardLink))).json() as { workers: Array<{ id: string }>; throughput: { finished: number } };
    assert.deepEqual(status.workers.map((w) => w.id).sort(), ['worker-local0', 'worker-local1']);
    assert.equal(status.throughput.finished, 81);
  } finally {
    await client.close();
  }
  assert.ok(cluster.nannies.every((n) => n.proc.exitCode !== null), 'every nanny exited');
  assert.notEqual(cluster.scheduler.proc.exitCode, null, 'the scheduler exited');
});
