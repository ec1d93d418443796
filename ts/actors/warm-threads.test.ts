/** The spin-after-a-batch policy of task threads (warm-threads.ts), on its shared counters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from './client.js';
import { ThreadWarmth, TINY_MS, type Warmth } from './warm-threads.js';

const BUSY = 0;
const SPINNING = 1;

function warmth(spinMs: number, cores: number): { w: Warmth; counts: Int32Array } {
  const counters = new SharedArrayBuffer(8);
  return { w: { counters, spinMs, cores }, counts: new Int32Array(counters) };
}

const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the spin is over (bounded), returning how long it lasted. */
async function spinLasted(counts: Int32Array): Promise<number> {
  const start = performance.now();
  while (Atomics.load(counts, SPINNING) === 1) {
    if (performance.now() - start > 2000) throw new Error('the spin never ended');
    await turn();
  }
  return performance.now() - start;
}

test('after one tiny task the thread spins for spinMs with a core to spare, then stops', async () => {
  const { w, counts } = warmth(20, 2);
  const t = new ThreadWarmth(w);
  t.started();
  assert.equal(Atomics.load(counts, BUSY), 1);
  t.finished(1, 0.01);
  assert.equal(Atomics.load(counts, BUSY), 0);
  assert.equal(Atomics.load(counts, SPINNING), 1);
  const lasted = await spinLasted(counts);
  assert.ok(lasted >= 15 && lasted < 1000, `spun ${lasted} ms for spinMs 20`);
});

test('no spin after a batch of many tasks, a task over TINY_MS, with spinMs 0, or on one core', async () => {
  for (const [spinMs, cores, batch, ms] of [[20, 2, 8, 0.01], [20, 2, 1, 2 * TINY_MS], [0, 2, 1, 0.01], [20, 1, 1, 0.01]] as const) {
    const { w, counts } = warmth(spinMs, cores);
    const t = new ThreadWarmth(w);
    t.started();
    t.finished(batch, ms);
    assert.equal(Atomics.load(counts, SPINNING), 0, `spinMs ${spinMs}, cores ${cores}, batch ${batch}, ${ms} ms`);
  }
});

test('one spinner per process: a second thread sharing the counters sleeps', async () => {
  const { w, counts } = warmth(20, 8);
  const a = new ThreadWarmth(w);
  const b = new ThreadWarmth(w);
  a.started();
  a.finished(1, 0.01);
  b.started();
  b.finished(1, 0.01);
  assert.equal(Atomics.load(counts, SPINNING), 1);
  await spinLasted(counts);
  // a finished spin frees the slot for the other thread
  b.started();
  b.finished(1, 0.01);
  assert.equal(Atomics.load(counts, SPINNING), 1);
  await spinLasted(counts);
});

test('a spin gives way at once when another task thread gets busy and the cores are taken', async () => {
  const { w, counts } = warmth(10_000, 2);
  const spinner = new ThreadWarmth(w);
  spinner.started();
  spinner.finished(1, 0.01);
  assert.equal(Atomics.load(counts, SPINNING), 1);
  await sleep(5);
  Atomics.add(counts, BUSY, 1); // another thread starts a batch: main + it fill the 2 cores
  const lasted = await spinLasted(counts);
  assert.ok(lasted < 1000, `the spin went on ${lasted} ms with no core to spare`);
  // and a thread does not start spinning while the cores are taken
  spinner.started();
  spinner.finished(1, 0.01);
  assert.equal(Atomics.load(counts, SPINNING), 0);
});

test('Client.local checks spinMs, and runs tasks with spinning off', async () => {
  await assert.rejects(Client.local({ spinMs: -1 }), /spinMs must be a non-negative number/);
  const client = await Client.local({ nWorkers: 1, threadsPerWorker: 1, spinMs: 0 });
  try {
    assert.equal(await client.submit('core.add', 2, 40).result(), 42);
  } finally {
    await client.close();
  }
});
