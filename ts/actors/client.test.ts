/** End-to-end: a real local cluster (scheduler, workers, piscina threads) driven through the Client. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from './client.js';
import { CancelledError, RemoteError } from './errors.js';
import { GraphError, ref, type Graph } from './graph.js';

const TEST_OPS = new URL('./testing/test-ops.js', import.meta.url);
let client: Client;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-client-test-'));
  client = await Client.local({ nWorkers: 2, threadsPerWorker: 1, workerModules: [TEST_OPS] });
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Map + tree reduction with fan-in 8 over `n` leaves; returns the graph and the root key. */
function treeSum(n: number, leaf: (i: number) => { op: string; args: unknown[] }): { graph: Graph; root: string } {
  const graph: Graph = new Map();
  let level: string[] = [];
  for (let i = 0; i < n; i++) {
    graph.set(`leaf-${i}`, leaf(i));
    level.push(`leaf-${i}`);
  }
  for (let d = 0; level.length > 1; d++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 8) {
      const k = `sum-${d}-${i}`;
      graph.set(k, { op: 'core.sum', args: [level.slice(i, i + 8).map((x) => ref(x))] });
      next.push(k);
    }
    level = next;
  }
  return { graph, root: level[0]! };
}

test('a 10 000-leaf map + tree reduction gives the closed-form sum', async () => {
  const n = 10_000;
  const { graph, root } = treeSum(n, (i) => ({ op: 'core.identity', args: [i] }));
  const [total] = await client.compute(graph, [root]);
  assert.equal(total, (n * (n - 1)) / 2);
  // Intermediate results were released: nothing is left on the workers.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(client.cluster!.workers.reduce((a, w) => a + w.store.size, 0), 0);
  assert.equal(client.cluster!.scheduler.state.tasks.size, 0);
});

test('diamond and deep-chain graphs', async () => {
  const diamond: Graph = new Map([
    ['a', { op: 'core.identity', args: [3] }],
    ['b', { op: 'core.add', args: [ref('a'), 1] }],
    ['c', { op: 'core.add', args: [ref('a'), 10] }],
    ['d', { op: 'core.add', args: [ref('b'), ref('c')] }],
  ]);
  assert.deepEqual(await client.compute(diamond, ['d', 'b']), [17, 4]);
  const chain: Graph = new Map([['c-0', { op: 'core.identity', args: [0] }]]);
  for (let i = 1; i < 2000; i++) chain.set(`c-${i}`, { op: 'core.add', args: [ref(`c-${i - 1}`), i] });
  assert.deepEqual(await client.compute(chain, ['c-1999']), [(1999 * 2000) / 2]);
});

test('submit, map, gather and futures passed as arguments', async () => {
  const a = client.submit<number>('core.sum', [1, 2, 3]);
  const b = client.submit<number>('core.add', a, 4);
  assert.equal(await b.result(), 10);
  const squares = client.map<number>('core.add', [1, 2, 3], 100);
  assert.deepEqual(await client.gather(squares), [101, 102, 103]);
  assert.equal(a.status, 'finished');
  [a, b, ...squares].forEach((f) => f.release());
});

test('shared chunks travel between tasks; op context names key and worker', async () => {
  const g: Graph = new Map([
    ['fill', { op: 'test.fill', args: [1000, 0.5] }],
    ['sum', { op: 'test.chunkSum', args: [ref('fill')] }],
    ['ctx', { op: 'test.context', args: [] }],
  ]);
  const [chunk, sum, ctx] = (await client.compute(g, ['fill', 'sum', 'ctx'])) as [{ data: Float64Array; shape: number[] }, number, { key: string; workerId: string }];
  assert.equal(sum, 500);
  assert.ok(chunk.data.buffer instanceof SharedArrayBuffer, 'the chunk came back in shared memory, uncopied');
  assert.deepEqual(chunk.shape, [1000]);
  assert.equal(ctx.key, 'ctx');
  assert.match(ctx.workerId, /^worker-\d+$/);
});

test('a task that throws reaches the caller with its type, message and worker stack; other results survive', async () => {
  const g: Graph = new Map([
    ['ok', { op: 'core.identity', args: [42] }],
    ['bad', { op: 'test.fail', args: ['bad input'] }],
    ['after', { op: 'core.add', args: [ref('bad'), 1] }],
  ]);
  const [ok, bad, afterBad] = client.persist(g, ['ok', 'bad', 'after']);
  assert.equal(await ok!.result(), 42);
  await assert.rejects(bad!.result(), (e: unknown) => {
    assert.ok(e instanceof RemoteError);
    assert.equal(e.remoteType, 'ValueError');
    assert.equal(e.remoteMessage, 'bad input');
    assert.equal(e.key, 'bad');
    assert.match(e.remoteStack, /explodeOnPurpose/);
    assert.match(e.stack!, /--- worker stack ---/);
    return true;
  });
  await assert.rejects(afterBad!.result(), (e: unknown) => e instanceof RemoteError && e.remoteType === 'ValueError');
  await assert.rejects(client.submit('no.such.op', 1).result(), (e: unknown) =>
    e instanceof RemoteError && e.remoteType === 'UnknownOpError' && /no\.such\.op/.test(e.message));
  [ok, bad, afterBad].forEach((f) => f!.release());
});

test('bad graphs are rejected at the call site', () => {
  const cyc: Graph = new Map([['a', { op: 'core.identity', args: [ref('b')] }], ['b', { op: 'core.identity', args: [ref('a')] }]]);
  assert.throws(() => client.persist(cyc, ['a']), GraphError);
  const missing: Graph = new Map([['a', { op: 'core.identity', args: [ref('ghost')] }]]);
  assert.throws(() => client.persist(missing, ['a']), /missing key "ghost"/);
  assert.throws(() => client.persist(missing, ['zzz']), /key "zzz" is not in the graph/);
  assert.throws(() => client.submit(''), /op must be a non-empty op name/);
});

test('retries: a flaky op succeeds within its retries and fails past them', async () => {
  const counter = join(dir, 'flaky-1');
  const [v] = await client.compute(new Map([['flaky', { op: 'test.flaky', args: [counter, 2, 'ok'] }]]), ['flaky'], { retries: 2 });
  assert.equal(v, 'ok');
  assert.equal(readFileSync(counter, 'utf8').length, 3, 'ran three times');
  const counter2 = join(dir, 'flaky-2');
  await assert.rejects(client.compute(new Map([['flaky2', { op: 'test.flaky', args: [counter2, 5, 'ok'] }]]), ['flaky2'], { retries: 1 }),
    /flaky failure 2 of 5/);
});

test('cancellation rejects pending futures and frees the workers', async () => {
  const slow = client.map('core.sleep', [300, 300, 300, 300, 300, 300]);
  await client.cancel(slow);
  for (const f of slow) await assert.rejects(f.result(), CancelledError);
  // The cluster is free again and keeps working.
  assert.equal(await client.submit('core.add', 1, 2).result(), 3);
  await new Promise((r) => setTimeout(r, 50));
  const left = slow.filter((f) => client.cluster!.scheduler.state.tasks.has(f.key));
  assert.deepEqual(left, [], 'the scheduler forgot every cancelled task');
});

test('a task thread that dies is rerun on a fresh thread', async () => {
  const marker = join(dir, 'exit-marker');
  const f = client.submit('test.exitOnce', marker, 'survived');
  assert.equal(await f.result(), 'survived');
  assert.equal(readFileSync(marker, 'utf8'), 'died');
  f.release();
});

test('scatter places data (round-robin or broadcast) for tasks to use', async () => {
  const [a, b] = await client.scatter([10, 20]);
  assert.equal(await client.submit('core.add', a, b).result(), 30);
  const big = await client.scatter(new Float64Array([1, 2, 3]), { broadcast: true });
  const workersHolding = client.cluster!.workers.filter((w) => w.store.has(big.key)).length;
  assert.equal(workersHolding, 2);
  assert.deepEqual([...(await big.result())], [1, 2, 3]);
});

test('scattered typed arrays reach task threads in shared memory (no copy per task)', async () => {
  const plain = new Float64Array([1, 2, 3]);
  assert.equal(plain.buffer instanceof SharedArrayBuffer, false);
  const [x, chunk] = await client.scatter([plain, { data: new Int32Array([4, 5]), shape: [2] }], { broadcast: true });
  assert.equal(await client.submit('test.isShared', x).result(), true);
  assert.equal(await client.submit('test.isShared', chunk).result(), true);
  assert.equal(await client.submit('test.chunkSum', chunk).result(), 9);
  assert.deepEqual(Array.from((await x.result()) as Float64Array), [1, 2, 3]);
  // the client's own array is untouched and unshared
  assert.equal(plain.buffer instanceof SharedArrayBuffer, false);
  x.release();
  chunk.release();
});

test('progress snapshots arrive while a graph runs', async () => {
  const ac = new AbortController();
  const seen: number[] = [];
  const reader = (async () => {
    for await (const p of client.progress(ac.signal)) seen.push(p.finished);
  })();
  const { graph, root } = treeSum(2000, (i) => ({ op: 'core.identity', args: [i] }));
  const [total] = await client.compute(graph, [root], { progress: true });
  assert.equal(total, (2000 * 1999) / 2);
  await new Promise((r) => setTimeout(r, 150)); // the last snapshot is throttled to 100 ms
  ac.abort();
  await reader;
  assert.ok(seen.length >= 1);
  assert.ok(seen.every((x, i) => i === 0 || x >= seen[i - 1]!), 'finished counts never go down');
});
