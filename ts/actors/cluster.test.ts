/** Worker memory and worker loss, each on its own small cluster. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from './client.js';
import { ref, type Graph } from './graph.js';

const TEST_OPS = new URL('./testing/test-ops.js', import.meta.url);

test('under a small memoryLimit results spill to disk and every one comes back intact', async () => {
  // 40 chunks of 80 KB = 3.2 MB held at once against a 1 MB limit.
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '1MB', workerModules: [TEST_OPS] });
  try {
    const g: Graph = new Map();
    for (let i = 0; i < 40; i++) g.set(`chunk-${i}`, { op: 'test.fill', args: [10_000, i] });
    const futures = client.persist(g, [...g.keys()]);
    await Promise.all(futures.map((f) => f.wait()));
    const workers = client.cluster!.workers;
    const spilled = workers.reduce((a, w) => a + w.store.spillCount, 0);
    assert.ok(spilled > 0, 'something was spilled');
    for (const w of workers) assert.ok(w.store.memoryBytes <= 0.6e6 + 81_000, `${w.address} holds ${w.store.memoryBytes} bytes in memory`);
    // Tasks read spilled inputs back; every sum is exact.
    const sums = new Map([...g.keys()].map((k, i) => [`sum-${i}`, { op: 'test.chunkSum', args: [ref(k)] }]));
    const values = await client.compute(sums as Graph, [...sums.keys()]);
    assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => 10_000 * i));
    const chunks = (await client.gather(futures)) as Array<{ data: Float64Array }>;
    chunks.forEach((c, i) => assert.ok(c.data.length === 10_000 && c.data.every((x) => x === i)));
    futures.forEach((f) => f.release());
  } finally {
    await client.close();
  }
});

test('a killed worker: its lost results are recomputed from lineage and the answer is right', async () => {
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 });
  try {
    const cluster = client.cluster!;
    const g: Graph = new Map();
    for (let i = 0; i < 20; i++) g.set(`x-${i}`, { op: 'core.identity', args: [i] });
    const xs = client.persist(g, [...g.keys()]);
    await Promise.all(xs.map((f) => f.wait()));
    const victim = cluster.workers[0]!;
    const lost = xs.filter((f) => victim.store.has(f.key)).length;
    assert.ok(lost > 0, 'the victim held some results');
    await cluster.killWorker(victim.address);
    // A reduction over every x needs the lost ones: they are recomputed on the survivor.
    const total = client.submit('core.sum', xs);
    assert.equal(await total.result(), (19 * 20) / 2);
    assert.deepEqual(await client.gather(xs), Array.from({ length: 20 }, (_, i) => i));
    const survivor = cluster.workers[0]!;
    assert.ok(xs.every((f) => survivor.store.has(f.key)));
  } finally {
    await client.close();
  }
});

test('bad options are rejected naming the option', async () => {
  await assert.rejects(Client.local({ nWorkers: 0 }), /nWorkers must be a positive integer, got 0/);
  await assert.rejects(Client.local({ memoryLimit: 'huge' }), /memoryLimit must look like '2GB'/);
  await assert.rejects(Client.local({ workerModules: ['/nonexistent/ops.js'] }), /Cannot find module|ERR_MODULE_NOT_FOUND|nonexistent/);
});

test('a worker that falls silent is taken for dead after workerTtlMs and its work is redone', async () => {
  const logged: string[] = [];
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, heartbeatMs: 20, workerTtlMs: 200, log: (m) => logged.push(m) });
  try {
    const cluster = client.cluster!;
    const xs = client.map<number>('core.identity', Array.from({ length: 10 }, (_, i) => i));
    await Promise.all(xs.map((f) => f.wait()));
    const victim = cluster.workers[0]!.address;
    await cluster.silenceWorker(victim);
    assert.deepEqual(await client.gather(xs), Array.from({ length: 10 }, (_, i) => i));
    assert.ok(logged.some((m) => m.includes(`worker ${victim} silent`)), 'the scheduler noticed the silence');
  } finally {
    await client.close();
  }
});
