/**
 * shoal as separate processes: `shoal scheduler` and three `shoal worker`
 * processes joined through a real nats-server, driven by Client.connect. The
 * answers must be those of the local default, through a SIGKILLed worker, a
 * worker joining mid-graph, a restarted nats-server and a storm of malformed
 * messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { Client } from '../client.js';
import { ref, type Graph } from '../graph.js';
import { encodeEnvelope } from '../protocol/codec.js';
import { ShoalProcess, clusterForTests, skipWithoutNatsServer as skip } from '../testing/processes.js';
import { makeBlobs } from '../../collections/datasets/synthetic.js';
import { KMeans } from '../../ml/cluster/kmeans.js';
import { Subjects } from './subjects.js';

const TEST_OPS = new URL('../testing/test-ops.js', import.meta.url).pathname;
const cluster = clusterForTests(3, ['--module', TEST_OPS]);

async function client(): Promise<Client> {
  return Client.connect({ nats: cluster.server.url, log: () => {} });
}

/** Waits until the scheduler knows `n` workers. */
async function workers(c: Client, n: number, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = (await c.identify()).workers.map((w) => w.id);
    if (ids.length >= n) return ids;
    if (Date.now() > deadline) throw new Error(`the scheduler knows ${ids.length} of ${n} workers: ${ids.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A reduction tree over `n` leaves with fan-in 8 (about 1.14 n tasks); the root's value is n(n-1)/2. */
function sumTree(n: number, prefix: string, leafOp: (i: number) => { op: string; args: unknown[] } = (i) => ({ op: 'core.identity', args: [i] })): { graph: Graph; root: string } {
  const graph: Graph = new Map();
  let level = Array.from({ length: n }, (_, i) => {
    const key = `${prefix}-leaf-${i}`;
    graph.set(key, leafOp(i));
    return key;
  });
  for (let depth = 0; level.length > 1; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 8) {
      const key = `${prefix}-sum-${depth}-${i / 8}`;
      graph.set(key, { op: 'core.sum', args: [level.slice(i, i + 8).map((k) => ref(k))] });
      next.push(key);
    }
    level = next;
  }
  return { graph, root: level[0]! };
}

test('a 10 000-task graph on three worker processes gives the local answer', { skip, timeout: 120_000 }, async () => {
  const { graph, root } = sumTree(8750, 'big');
  assert.ok(graph.size >= 10_000, `graph has ${graph.size} tasks`);
  const local = await Client.local({ nWorkers: 1, threadsPerWorker: 1 });
  const [expected] = await local.compute(graph, [root]);
  await local.close();
  assert.equal(expected, (8750 * 8749) / 2);
  const c = await client();
  try {
    await workers(c, 3);
    const [got] = await c.compute(graph, [root]);
    assert.equal(got, expected);
    const info = await c.identify();
    assert.equal(info.workers.length, 3);
    assert.ok(info.workers.every((w) => w.nthreads === 1));
  } finally {
    await c.close();
  }
});

test('KMeans on the processes finds the same centres as on the local cluster', { skip, timeout: 120_000 }, async () => {
  const fit = async (c: Client) => {
    try {
      const [X] = makeBlobs({ nSamples: 60_000, nFeatures: 3, centers: 4, chunks: 10_000, randomState: 7 });
      const km = await new KMeans({ nClusters: 4, randomState: 3 }).fit(X);
      return { centres: km.clusterCenters_!, inertia: km.inertia_!, nIter: km.nIter_ };
    } finally {
      await c.close();
    }
  };
  const local = await fit(await Client.local({ nWorkers: 2, threadsPerWorker: 1 }));
  const c = await client();
  await workers(c, 3);
  const remote = await fit(c);
  assert.equal(remote.nIter, local.nIter);
  assert.ok(Math.abs(remote.inertia - local.inertia) <= 1e-9 * local.inertia, `inertia ${remote.inertia} vs ${local.inertia}`);
  remote.centres.forEach((v, i) => assert.ok(Math.abs(v - local.centres[i]!) < 1e-9, `centre value ${i}: ${v} vs ${local.centres[i]}`));
});

test('10 000 malformed and forged messages at every actor: none crashes and a graph still gives the right answer', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  try {
    const ids = await workers(c, 3);
    const raw = await connect({ servers: cluster.server.url });
    const subjects = new Subjects('shoal');
    const valid = [
      encodeEnvelope('client-fuzz', 's', { type: 'UpdateGraph', clientId: 'client-fuzz', tasks: [{ key: 'k', op: 'core.identity', args: [], dependencies: [], priority: 0, retries: 0 }], wanted: ['k'] }),
      encodeEnvelope('client-fuzz', 's', { type: 'GetData', requestId: 1, replyTo: 'client-fuzz', keys: ['k'] }),
      encodeEnvelope('worker-w0', 's', { type: 'TasksDone', workerId: 'worker-w0', finished: [{ key: 'big-sum-0-0', nbytes: 8, typeName: 'number' }], erred: [] }),
    ];
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const targets = [subjects.inbox('scheduler', 'client'), subjects.inbox('scheduler', 'worker'), ...ids.map((w) => subjects.inbox(w, 'client')), subjects.inbox(c.address, 'scheduler')];
    const { graph, root } = sumTree(500, 'fuzzed');
    const result = c.compute(graph, [root]);
    for (let i = 0; i < 10_000; i++) {
      const base = valid[i % valid.length]!;
      const env = base.slice(0, rand() < 0.5 ? Math.floor(rand() * base.length) : base.length);
      for (let k = 0; k < 3; k++) env[Math.floor(rand() * env.length)] = Math.floor(rand() * 256);
      // A valid frame around a damaged envelope, or damaged frame bytes.
      const frame = new Uint8Array(24 + ((env.length + 7) & ~7));
      const dv = new DataView(frame.buffer);
      dv.setUint32(0, 0x314c4853, true);
      dv.setUint32(8, env.length, true);
      frame.set(env, 16);
      if (i % 5 === 0) frame[Math.floor(rand() * 16)] = Math.floor(rand() * 256);
      raw.publish(targets[i % targets.length]!, frame);
      if (i % 1000 === 999) await raw.flush();
    }
    await raw.flush();
    await raw.close();
    assert.equal((await result)[0], (500 * 499) / 2);
    const [again] = await c.compute(sumTree(300, 'after-fuzz').graph, [sumTree(300, 'after-fuzz').root]);
    assert.equal(again, (300 * 299) / 2);
    assert.equal((await c.identify()).workers.length, 3);
    for (const p of cluster.procs) assert.equal(p.proc.exitCode, null, `${p.name} exited:\n${p.output}`);
    assert.match(cluster.procs[0]!.output, /rejected a message|refused/);
  } finally {
    await c.close();
  }
});

test('a worker joining mid-graph receives work', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  const late = ShoalProcess.spawn(['worker', '--nats', cluster.server.url, '--nthreads', '1', '--name', 'late', '--module', TEST_OPS], 'worker late');
  try {
    await workers(c, 3);
    const graph: Graph = new Map();
    for (let i = 0; i < 120; i++) graph.set(`ctx-${i}`, { op: 'test.sleepContext', args: [40] });
    const futures = c.persist(graph, [...graph.keys()]);
    await late.waitFor(/thread\(s\)/);
    const results = (await c.gather(futures)) as Array<{ workerId: string }>;
    const by = new Map<string, number>();
    for (const r of results) by.set(r.workerId, (by.get(r.workerId) ?? 0) + 1);
    assert.ok((by.get('worker-late') ?? 0) > 0, `the late worker ran nothing: ${JSON.stringify([...by])}`);
  } finally {
    await c.close();
    await late.kill('SIGTERM');
  }
});

test('a worker killed with SIGKILL mid-graph: its results are recomputed and the answer is the same', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  try {
    await workers(c, 3);
    // Leaves that take a while, so the kill lands mid-graph with results on every worker.
    const { graph, root } = sumTree(600, 'kill', (i) => ({ op: 'core.sleep', args: [5, i] }));
    const result = c.compute(graph, [root]);
    await new Promise((r) => setTimeout(r, 400));
    const victim = cluster.procs.find((p) => p.name === 'worker w2')!;
    await victim.kill('SIGKILL');
    const [got] = await result;
    assert.equal(got, (600 * 599) / 2);
    assert.equal((await workers(c, 2)).includes('worker-w2'), false);
  } finally {
    await c.close();
  }
});

test('the nats-server restarted mid-graph: the actors reconnect and the graph finishes with the right answer', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  try {
    await workers(c, 2);
    const { graph, root } = sumTree(600, 'restart', (i) => ({ op: 'core.sleep', args: [5, i] }));
    const result = c.compute(graph, [root]);
    await new Promise((r) => setTimeout(r, 300));
    await cluster.server.restart(300);
    const [got] = await result;
    assert.equal(got, (600 * 599) / 2);
  } finally {
    await c.close();
  }
});

test('a worker stopped with SIGTERM hands its results to the others: nothing is recomputed and the answer is right', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  const leaving = ShoalProcess.spawn(['worker', '--nats', cluster.server.url, '--nthreads', '1', '--name', 'leaving', '--module', TEST_OPS], 'worker leaving');
  try {
    await leaving.waitFor(/thread\(s\)/);
    await workers(c, 3);
    // Results spread over every worker, held by the client.
    const graph: Graph = new Map();
    for (let i = 0; i < 60; i++) graph.set(`held-${i}`, { op: 'test.sleepContext', args: [10] });
    const futures = c.persist(graph, [...graph.keys()]);
    await Promise.all(futures.map((f) => f.wait()));
    const before = (await c.gather(futures)) as Array<{ key: string; workerId: string }>;
    const onLeaving = before.filter((r) => r.workerId === 'worker-leaving').length;
    assert.ok(onLeaving > 0, 'the leaving worker holds some results');
    assert.equal(await leaving.kill('SIGTERM'), 0, leaving.output);
    const ids = await c.identify();
    assert.equal(ids.workers.some((w) => w.id === 'worker-leaving'), false);
    // The same values (a recomputation would record another worker and key context): copied, not rerun.
    const after = (await c.gather(futures)) as Array<{ key: string; workerId: string }>;
    assert.deepEqual(after, before);
  } finally {
    await c.close();
    await leaving.kill();
  }
});

test('a restarted scheduler is reported to the client clearly; workers re-register and new work runs', { skip, timeout: 120_000 }, async () => {
  const c = await client();
  try {
    await workers(c, 2);
    const pending = c.submit('core.sleep', 20_000, 1);
    await new Promise((r) => setTimeout(r, 300));
    await cluster.procs[0]!.kill('SIGKILL');
    cluster.procs[0] = ShoalProcess.spawn(['scheduler', '--nats', cluster.server.url], 'scheduler (restarted)');
    await assert.rejects(pending.result(), (e: Error) => e.name === 'SchedulerRestartedError' && /the scheduler restarted/.test(e.message));
    await workers(c, 2);
    const [v] = await c.compute(sumTree(100, 'after-restart').graph, [sumTree(100, 'after-restart').root]);
    assert.equal(v, (100 * 99) / 2);
  } finally {
    await c.close();
  }
});
