/**
 * Broadcast scatter over NATS: a large object is written once to the cluster's
 * JetStream object store and every worker reads it from there (the client does
 * not send one copy per worker); where a worker cannot read it, it gets the
 * data directly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { Client } from '../client.js';
import { clusterForTests, skipWithoutNatsServer as skip } from '../testing/processes.js';

const TEST_OPS = new URL('../testing/test-ops.js', import.meta.url).pathname;
const cluster = clusterForTests(3, ['--module', TEST_OPS]);

test('a broadcast goes through the JetStream object store once; every worker holds it; the object is deleted after', { skip, timeout: 60_000 }, async () => {
  // watch the object store's chunk subjects: the bytes the client writes there
  const watcher = await connect({ servers: cluster.server.url });
  let storedBytes = 0;
  const sub = watcher.subscribe('$O.shoal-shoal.C.>', { callback: (_e, m) => { storedBytes += m.data.byteLength; } });
  const client = await Client.connect({ nats: cluster.server.url, log: () => {} });
  try {
    const data = Float64Array.from({ length: 2_000_000 }, (_, i) => i % 7); // 16 MB
    const expected = data.reduce((a, b) => a + b, 0);
    const f = await client.scatter({ data, shape: [data.length] }, { broadcast: true });
    const info = await client.identify();
    assert.deepEqual(info.workers.map((w) => w.keys), [1, 1, 1], 'each worker holds the broadcast key');
    await watcher.flush();
    assert.ok(storedBytes >= data.byteLength && storedBytes < 1.1 * data.byteLength, `one copy went to the store (${storedBytes} bytes), not three`);
    const sums = await Promise.all(Array.from({ length: 6 }, () => client.submit('test.chunkSum', f).result()));
    assert.deepEqual(sums, Array(6).fill(expected));
    // the stored object is gone once every worker has its copy
    const js = watcher.jetstream();
    const os = await js.views.os('shoal-shoal');
    const left: string[] = [];
    for await (const o of await os.list()) if (!o.deleted) left.push(o.name);
    assert.deepEqual(left, []);
    // a small broadcast goes directly (not worth a store round trip)
    storedBytes = 0;
    const g = await client.scatter({ data: Float64Array.of(1, 2, 3), shape: [3] }, { broadcast: true });
    assert.equal(await client.submit('test.chunkSum', g).result(), 6);
    assert.equal(storedBytes, 0);
  } finally {
    sub.unsubscribe();
    await watcher.close();
    await client.close();
  }
});
