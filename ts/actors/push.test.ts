/**
 * Small results pushed by their worker to a client already waiting on them
 * (PushData), instead of the client asking for them (GetData → DataReply).
 * A real local cluster; the test watches which messages reach the client.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from './client.js';
import { CancelledError, RemoteError } from './errors.js';
import { ref, type Graph } from './graph.js';
import { decodeEnvelope } from './protocol/codec.js';
import type { MsgType } from './protocol/messages.js';
import { recordCalls } from './testing/record-calls.js';
import { PUSH_MAX_BYTES } from './worker.js';

const TEST_OPS = new URL('./testing/test-ops.js', import.meta.url);
let client: Client;
let received: unknown[][];

before(async () => {
  client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, workerModules: [TEST_OPS] });
  received = recordCalls(client, ['receive']).receive;
});
after(() => client.close());

/** The types of the messages the client received while `fn` ran. */
async function messagesDuring<T>(fn: () => Promise<T>): Promise<{ value: T; types: MsgType[] }> {
  received.length = 0;
  const value = await fn();
  const types = received.map(([bytes, attachments]) =>
    decodeEnvelope(bytes as Uint8Array, attachments as ArrayBufferView[]).msg.type);
  return { value, types };
}

test('a result awaited in the turn it was submitted is pushed: no GetData round trip', async () => {
  const { value, types } = await messagesDuring(() => client.submit('core.sum', [1, 2, 3, 4]).result());
  assert.equal(value, 10);
  assert.ok(types.includes('PushData'), `expected a PushData among ${types.join(', ')}`);
  assert.ok(!types.includes('DataReply'), `expected no DataReply among ${types.join(', ')}`);
  // the worker told the scheduler it pushed the result: no KeysUpdate repeats it
  assert.ok(!types.includes('KeysUpdate'), `expected no KeysUpdate among ${types.join(', ')}`);
});

test('a result awaited later is fetched the usual way, and is the same value', async () => {
  const f = client.submit('core.sum', [5, 6]);
  await new Promise((r) => setImmediate(r)); // the graph has gone without a push request
  const { value, types } = await messagesDuring(() => f.result());
  assert.equal(value, 11);
  assert.ok(types.includes('DataReply'));
  assert.ok(!types.includes('PushData'));
  f.release();
});

test('a pushed value is taken once: asking again fetches it from the worker', async () => {
  const f = client.submit('core.identity', { a: [1, 2], b: 'x' });
  const first = await messagesDuring(() => f.result());
  assert.deepEqual(first.value, { a: [1, 2], b: 'x' });
  assert.ok(first.types.includes('PushData'));
  const again = await messagesDuring(() => f.result());
  assert.deepEqual(again.value, { a: [1, 2], b: 'x' });
  assert.deepEqual(again.types.filter((t) => t === 'DataReply' || t === 'PushData'), ['DataReply']);
  f.release();
});

test(`a result over PUSH_MAX_BYTES (${PUSH_MAX_BYTES}) waits for the client's GetData`, async () => {
  const n = PUSH_MAX_BYTES / 8 + 1;
  const { value, types } = await messagesDuring(() => client.submit('test.fill', n, 2.5).result());
  const chunk = value as { data: Float64Array; shape: number[] };
  assert.deepEqual(chunk.shape, [n]);
  assert.equal(chunk.data.length, n);
  assert.ok(chunk.data.every((v) => v === 2.5));
  assert.ok(types.includes('DataReply'));
  assert.ok(!types.includes('PushData'));
});

test('compute pushes every small wanted result, in order, and a large one comes by GetData', async () => {
  const graph: Graph = new Map([
    ['p-a', { op: 'core.add', args: [1, 2] }],
    ['p-b', { op: 'core.add', args: [ref('p-a'), 10] }],
    ['p-big', { op: 'test.fill', args: [PUSH_MAX_BYTES / 4, 1] }],
    ['p-c', { op: 'test.chunkSum', args: [ref('p-big')] }],
  ]);
  const { value, types } = await messagesDuring(() => client.compute(graph, ['p-c', 'p-b', 'p-a', 'p-big']));
  const [c, b, a, big] = value as [number, number, number, { data: Float64Array }];
  assert.deepEqual([c, b, a], [PUSH_MAX_BYTES / 4, 13, 3]);
  assert.equal(big.data.length, PUSH_MAX_BYTES / 4);
  assert.ok(types.includes('PushData'));
  assert.equal(types.filter((t) => t === 'DataReply').length, 1, `one GetData for p-big only: ${types.join(', ')}`);
});

test('a task that throws still reaches the caller as its RemoteError', async () => {
  await assert.rejects(client.submit('test.fail', 'no push for errors').result(), (err: unknown) =>
    err instanceof RemoteError && /no push for errors/.test(err.message));
});

test('cancelling in the same turn as submit keeps message order: the cancel wins', async () => {
  const f = client.submit('core.sleep', 50, 'late');
  await client.cancel(f);
  await assert.rejects(f.result(), CancelledError);
  // the cluster is still fine afterwards
  assert.equal(await client.submit('core.add', 2, 3).result(), 5);
});

test('many submits in one turn, all awaited together, are each pushed', async () => {
  const futures = Array.from({ length: 50 }, (_, i) => client.submit('core.add', i, 1));
  const { value, types } = await messagesDuring(() => client.gather(futures));
  assert.deepEqual(value, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.ok(!types.includes('DataReply'), `expected no DataReply among ${types.join(', ')}`);
  for (const f of futures) f.release();
});

test('more than 256 keys awaited together come by one GetData per worker, not a push each', async () => {
  const futures = Array.from({ length: 300 }, (_, i) => client.submit('core.add', i, 2));
  const { value, types } = await messagesDuring(() => client.gather(futures));
  assert.deepEqual(value, Array.from({ length: 300 }, (_, i) => i + 2));
  assert.ok(!types.includes('PushData'), `expected no PushData among ${[...new Set(types)].join(', ')}`);
  assert.ok(types.includes('DataReply'));
  for (const f of futures) f.release();
});
