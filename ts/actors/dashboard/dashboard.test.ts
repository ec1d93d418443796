/**
 * The scheduler's status page, on real clusters: numbers checked against the
 * work the test ran, the page itself, the port released by close(), and the
 * URL carried to Client.connect clients and `shoal info` over NATS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { Client } from '../client.js';
import { ref, type Graph } from '../graph.js';
import { infoCommand } from '../../cli/cluster.js';
import { NatsServer, ShoalProcess, haveNatsServer, startCluster } from '../testing/processes.js';
import type { DashboardStatus } from './status.js';
import { Throughput } from './status.js';

const TEST_OPS = new URL('../testing/test-ops.js', import.meta.url);
const LINK = /^http:\/\/127\.0\.0\.1:(\d+)\/$/;

async function status(link: string): Promise<DashboardStatus> {
  const r = await fetch(new URL('api/status', link));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  return (await r.json()) as DashboardStatus;
}

/** One request on a fresh connection (no pooled socket): its status code, or the connection error's code. */
function rawRequest(link: string, options: { method?: string; host?: string; path?: string } = {}): Promise<number | string> {
  const url = new URL(options.path ?? '/', link);
  return new Promise((resolve) => {
    const req = request(url, { method: options.method ?? 'GET', agent: false, headers: options.host ? { host: options.host } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('Client.local serves a status page: workers, tasks by state, progress, throughput and errors as the test ran them', { timeout: 30_000 }, async () => {
  const client = await Client.local({ nWorkers: 2, threadsPerWorker: 2, memoryLimit: '1GB', workerModules: [TEST_OPS] });
  const link = client.dashboardLink;
  try {
    assert.match(link, LINK);
    const graph: Graph = new Map();
    for (let i = 0; i < 30; i++) graph.set(`x-${i}`, { op: 'core.identity', args: [i] });
    graph.set('total', { op: 'core.sum', args: [[...Array(30).keys()].map((i) => ref(`x-${i}`))] });
    graph.set('bad', { op: 'test.fail', args: ['boom'] });
    graph.set('after-bad', { op: 'core.identity', args: [ref('bad')] });
    const futures = client.persist(graph, [...graph.keys()]);
    await Promise.allSettled(futures.map((f) => f.wait()));

    const s = await status(link);
    assert.equal(s.schedulerId, client.schedulerId);
    assert.deepEqual(s.workers.map((w) => w.id).sort(), ['worker-0', 'worker-1']);
    for (const w of s.workers) {
      assert.equal(w.nthreads, 2);
      assert.equal(w.memoryLimit, 1e9);
      assert.equal(w.processing, 0);
      assert.equal(w.paused, false);
      assert.ok(w.lastSeenMs >= 0 && w.lastSeenMs < 5000, `heard from ${w.lastSeenMs} ms ago`);
    }
    const held = s.workers.reduce((a, w) => a + w.keys, 0);
    // Each of the 31 results on one worker at least; inputs of `total` may be copied to the other.
    assert.ok(held >= 31 && held <= 61, `keys held: ${held}`);
    assert.deepEqual(s.tasks, { released: 0, waiting: 0, ready: 0, processing: 0, memory: 31, erred: 2, total: 33 });
    assert.deepEqual(s.clients, [{ id: client.address, total: 33, finished: 31, erred: 2, processing: 0, waiting: 0 }]);
    assert.equal(s.throughput.finished, 31);
    assert.equal(s.throughput.erred, 1, 'only the task that failed on its own counts, not its dependent');
    assert.ok(s.throughput.perSecond > 0, `perSecond ${s.throughput.perSecond}`);
    assert.equal(s.errors.length, 1);
    assert.deepEqual({ ...s.errors[0], workerId: undefined }, { key: 'bad', errorType: 'ValueError', message: 'boom', workerId: undefined });
    assert.match(s.errors[0]!.workerId, /^worker-[01]$/);

    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes("fetch('api/status'"), 'the page polls the status endpoint');
    assert.ok(!/<(script|link)[^>]+(src|href)=["']?https?:/i.test(html), 'nothing loaded from elsewhere');

    assert.equal(await rawRequest(link, { path: '/nope' }), 404);
    assert.equal(await rawRequest(link, { method: 'POST', path: '/api/status' }), 405);
    assert.equal(await rawRequest(link, { host: 'rebound.example:80' }), 403, 'a loopback dashboard answers only to loopback names');
    assert.equal(await rawRequest(link, { host: `localhost:${LINK.exec(link)![1]}` }), 200);
    for (const f of futures) f.release();
  } finally {
    await client.close();
  }
  assert.equal(await rawRequest(link), 'ECONNREFUSED', 'the server is gone after close()');
});

test('dashboard: false gives no server and an empty link; a chosen port is used, a taken one fails clearly', { timeout: 30_000 }, async () => {
  const none = await Client.local({ nWorkers: 1, threadsPerWorker: 1, dashboard: false });
  try {
    assert.equal(none.dashboardLink, '');
    assert.equal((await none.identify()).dashboardLink, '');
  } finally {
    await none.close();
  }
  await assert.rejects(Client.local({ dashboard: { port: 70_000 } }), /dashboard\.port must be an integer from 0 to 65535/);
  await assert.rejects(Client.local({ dashboard: 'yes' as never }), /dashboard must be false or \{ port\?, host\? \}/);

  const port = await freePort();
  const a = await Client.local({ nWorkers: 1, threadsPerWorker: 1, dashboard: { port } });
  try {
    assert.equal(a.dashboardLink, `http://127.0.0.1:${port}/`);
    assert.equal((await a.identify()).dashboardLink, a.dashboardLink, 'Identity carries the link');
    await assert.rejects(Client.local({ nWorkers: 1, dashboard: { port } }), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
  } finally {
    await a.close();
  }
});

test('Throughput: tasks per second over the last 10 s and per-second history, from a sampled counter', () => {
  let n = 0;
  const tp = new Throughput(() => n, 0);
  assert.deepEqual(tp.read(0), { perSecond: 0, history: [] });
  for (let s = 1; s <= 20; s++) {
    n += s <= 10 ? 5 : 50;
    tp.sample(s * 1000);
  }
  const r = tp.read(20_000);
  assert.equal(r.perSecond, 50, 'only the last 10 s count');
  assert.deepEqual(r.history, [...Array(10).fill(5), ...Array(10).fill(50)]);
  n += 25;
  assert.equal(tp.read(20_500).perSecond, (500 + 25) / 10.5, 'up to now, not only the last sample');
  for (let s = 21; s <= 100; s++) tp.sample(s * 1000);
  assert.equal(tp.read(100_000).history.length, 60, 'a minute of history');
});

const skipNats = haveNatsServer() ? false : 'nats-server is not installed (scripts/setup.sh installs it)';

test('over NATS: `shoal scheduler` serves the dashboard, Client.connect and `shoal info` learn its URL; --no-dashboard gives none', { skip: skipNats, timeout: 60_000 }, async () => {
  const server = await NatsServer.start();
  const procs: ShoalProcess[] = [];
  let client: Client | undefined;
  try {
    const { scheduler, workers } = await startCluster(server.url, 2);
    procs.push(scheduler, ...workers);
    await scheduler.waitFor(/dashboard at http:/);
    client = await Client.connect({ nats: server.url });
    const link = client.dashboardLink;
    assert.match(link, LINK);
    assert.ok(scheduler.output.includes(`dashboard at ${link}`), scheduler.output);
    for (let i = 0; i < 50 && (await client.identify()).workers.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const graph: Graph = new Map();
    for (let i = 0; i < 10; i++) graph.set(`y-${i}`, { op: 'core.add', args: [i, 1] });
    const results = await client.compute(graph, [...graph.keys()]);
    assert.deepEqual(results, [...Array(10).keys()].map((i) => i + 1));
    const s = await status(link);
    assert.deepEqual(s.workers.map((w) => w.id).sort(), ['worker-w0', 'worker-w1']);
    assert.ok(s.workers.every((w) => w.nthreads === 1));
    assert.equal(s.throughput.finished, 10);
    assert.ok(s.clients.some((c) => c.id === client!.address && c.finished === 10 && c.total === 10), JSON.stringify(s.clients));

    const lines: string[] = [];
    assert.equal(await infoCommand(['--nats', server.url], (l) => lines.push(l)), 0);
    assert.ok(lines.includes(`dashboard ${link}`), lines.join('\n'));

    await client.close();
    client = undefined;
    assert.equal(await scheduler.kill('SIGTERM'), 0, scheduler.output);
    assert.equal(await rawRequest(link), 'ECONNREFUSED', 'the page goes with the scheduler');

    const bare = ShoalProcess.spawn(['scheduler', '--nats', server.url, '--cluster', 'bare', '--no-dashboard'], 'scheduler bare');
    procs.push(bare);
    await bare.waitFor(/serving cluster/);
    assert.ok(!bare.output.includes('dashboard at'), bare.output);
    client = await Client.connect({ nats: server.url, cluster: 'bare' });
    assert.equal(client.dashboardLink, '');
    const bareLines: string[] = [];
    assert.equal(await infoCommand(['--nats', server.url, '--cluster', 'bare'], (l) => bareLines.push(l)), 0);
    assert.ok(bareLines.some((l) => l.startsWith('dashboard off')), bareLines.join('\n'));
  } finally {
    await client?.close();
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    await server.stop();
  }
});
