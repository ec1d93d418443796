/**
 * The nanny, as real processes over a real nats-server: it restarts a worker
 * killed with SIGKILL, restarts one that outgrows its memory limit, and on
 * SIGTERM stops its worker gracefully without restarting it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client.js';
import { NatsServer, ShoalProcess, haveNatsServer } from '../testing/processes.js';

const skip = haveNatsServer() ? false : 'nats-server is not installed (scripts/setup.sh installs it)';
const TEST_OPS = new URL('../testing/test-ops.js', import.meta.url).pathname;
let server: NatsServer;
let scheduler: ShoalProcess;

before(async () => {
  if (skip) return;
  server = await NatsServer.start();
  scheduler = ShoalProcess.spawn(['scheduler', '--nats', server.url, '--allowed-failures', '1'], 'scheduler');
  await scheduler.waitFor(/serving cluster/);
});

after(async () => {
  await scheduler?.kill();
  await server?.stop();
});

async function workerIds(c: Client): Promise<string[]> {
  return (await c.identify()).workers.map((w) => w.id);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pids = (p: ShoalProcess) => [...p.output.matchAll(/started worker pid (\d+)/g)].map((m) => Number(m[1]));

test('the nanny restarts a worker killed with SIGKILL, and it takes work again', { skip, timeout: 60_000 }, async () => {
  const nanny = ShoalProcess.spawn(['worker', '--nanny', '--nats', server.url, '--name', 'kept', '--nthreads', '1'], 'nanny');
  const c = await Client.connect({ nats: server.url, log: () => {} });
  try {
    await until('the worker', async () => ((await workerIds(c)).includes('worker-kept') ? true : undefined));
    const [first] = pids(nanny);
    process.kill(first!, 'SIGKILL');
    await nanny.waitFor(/restarting in/);
    await until('a second worker process', async () => (pids(nanny).length >= 2 ? true : undefined));
    await until('the restarted worker', async () => ((await workerIds(c)).includes('worker-kept') ? true : undefined));
    assert.equal(await c.submit('core.sum', [1, 2, 3]).result(), 6);
    assert.notEqual(pids(nanny)[1], first);
  } finally {
    await c.close();
    assert.equal(await nanny.kill('SIGTERM'), 0, nanny.output);
  }
  assert.match(nanny.output, /nanny done/);
  assert.equal(pids(nanny).length, 2, 'no restart after SIGTERM');
});

test('the nanny restarts a worker that outgrows its memory limit; the hog fails as KilledWorker and other work goes on', { skip, timeout: 60_000 }, async () => {
  const nanny = ShoalProcess.spawn(['worker', '--nanny', '--nats', server.url, '--name', 'small', '--nthreads', '1', '--memory-limit', '400MB', '--module', TEST_OPS], 'nanny');
  const c = await Client.connect({ nats: server.url, log: () => {} });
  try {
    await until('the worker', async () => ((await workerIds(c)).includes('worker-small') ? true : undefined));
    const hog = c.submit('test.hog', 600, 5000);
    await assert.rejects(hog.result(), (e: Error & { remoteType?: string }) => e.remoteType === 'KilledWorker');
    assert.match(nanny.output, /over its memory limit of 400000000: restarting it/);
    await until('the restarted worker', async () => ((await workerIds(c)).includes('worker-small') ? true : undefined));
    assert.equal(await c.submit('core.add', 2, 3).result(), 5);
  } finally {
    await c.close();
    await nanny.kill('SIGTERM');
  }
});
