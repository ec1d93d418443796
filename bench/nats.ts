/**
 * The multi-host suite: shoal as processes joined through a real nats-server
 * (`shoal scheduler` + 2 `shoal worker` processes, Client.connect) against
 * dask.distributed with worker processes talking TCP
 * (`LocalCluster(processes=True)`, bench/python/runtime_dask.py --processes),
 * same workers and threads, on this machine's loopback.
 *
 * Cases (end to end, results back in the client):
 * - `throughput.embarrassing`, `throughput.tree`, `roundtrip`: as bench/runtime.ts.
 * - `transfer`: a task on one worker needing a 100 MB Float64Array held by the
 *   other (which holds a larger input, so the task runs there on both sides);
 *   GB/s of 100 MB over the task's end-to-end time.
 *
 * Target (issue 6): at least 3x Dask's tasks/s; transfer at least 1 GB/s.
 * The nats-server runs with max_payload 8 MB (docs/nats.md: the recommended setting).
 */
import { Client } from '../ts/actors/client.js';
import { NatsServer } from '../ts/actors/nats/server.js';
import { ShoalProcess } from '../ts/actors/process-cluster.js';
import {
  asBaselineResult, baselineCase, makeRow, measure, median, runPython,
  type Better, type Measurement, type ResultRow, type Suite, type Target,
} from './harness.js';
import { embarrassingGraph, SPLIT_EVERY, treeGraph } from './runtime.js';

export const WORKERS = 2;
export const THREADS_PER_WORKER = 1;
export const TRANSFER_MB = 100;
export const NATS_CONFIG = 'max_payload: 8MB\nmax_pending: 256MB\n';

let lastNotes: Record<string, unknown> = {};

/** GB/s of moving a `mb` MB array from the first worker to the second inside one task. */
async function transferRun(client: Client, mb: number): Promise<number> {
  const a = new Float64Array((mb * 2 ** 20) / 8).fill(1.5);
  const b = new Float64Array(Math.floor(mb * 1.1 * 2 ** 20) / 8).fill(2.5);
  // Round-robin: a to the first worker, b (larger) to the second, where the task then runs.
  const [fa, fb] = await client.scatter([a, b]);
  const start = performance.now();
  await client.submit('core.noop', fa, fb).result();
  const seconds = (performance.now() - start) / 1e3;
  fa!.release();
  fb!.release();
  return (mb * 2 ** 20) / seconds / 1e9;
}

export const suite: Suite = {
  name: 'nats',
  description: `shoal scheduler + ${WORKERS} worker processes over nats-server vs Dask LocalCluster(processes=True) over TCP, ${WORKERS} workers x ${THREADS_PER_WORKER} thread`,
  notes: () => lastNotes,
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const cfg = quick ? { tasks: 2_000, calls: 50 } : { tasks: 20_000, calls: 200 };
    const py = shoalOnly ? null : asBaselineResult(
      await runPython('runtime_dask.py', [
        '--processes', '--transfer-mb', String(TRANSFER_MB),
        '--tasks', String(cfg.tasks), '--runs', String(runs), '--calls', String(cfg.calls),
        '--workers', String(WORKERS), '--threads', String(THREADS_PER_WORKER), '--split-every', String(SPLIT_EVERY),
      ]),
      'runtime_dask.py',
    );

    const server = await NatsServer.start(NATS_CONFIG);
    const scheduler = ShoalProcess.spawn(['scheduler', '--nats', server.url], 'scheduler');
    const workers: ShoalProcess[] = [];
    let client: Client | undefined;
    let emb: Measurement, tree: Measurement, rtt: Measurement, transfer: Measurement;
    const emGraph = embarrassingGraph(cfg.tasks);
    const trGraph = treeGraph(cfg.tasks);
    try {
      await scheduler.waitFor(/serving cluster/);
      for (let i = 0; i < WORKERS; i++) {
        workers.push(ShoalProcess.spawn(['worker', '--nats', server.url, '--name', `bench${i}`, '--nthreads', String(THREADS_PER_WORKER), '--memory-limit', '4GB'], `worker ${i}`));
      }
      client = await Client.connect({ nats: server.url });
      while ((await client.identify()).workers.length < WORKERS) await new Promise((r) => setTimeout(r, 50));
      const c = client;
      emb = await measure(async () => {
        const start = performance.now();
        const r = await c.compute(emGraph.graph, emGraph.keys);
        if (r.length !== cfg.tasks) throw new Error(`nats bench: ${r.length} results, expected ${cfg.tasks}`);
        return emGraph.graph.size / ((performance.now() - start) / 1e3);
      }, { runs });
      tree = await measure(async () => {
        const start = performance.now();
        const [total] = await c.compute(trGraph.graph, [trGraph.root]);
        if (total !== cfg.tasks) throw new Error(`nats bench: tree summed to ${String(total)}, expected ${cfg.tasks}`);
        return trGraph.graph.size / ((performance.now() - start) / 1e3);
      }, { runs });
      rtt = await measure(async () => {
        const calls: number[] = [];
        for (let i = 0; i < cfg.calls; i++) {
          const start = performance.now();
          await c.submit('core.noop').result();
          calls.push(performance.now() - start);
        }
        return median(calls);
      }, { runs });
      transfer = await measure(() => transferRun(c, TRANSFER_MB), { runs });
    } finally {
      await client?.close();
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await scheduler.kill('SIGTERM');
      await server.stop();
    }

    lastNotes = {
      cluster: `${WORKERS} worker processes x ${THREADS_PER_WORKER} thread on both sides, one machine, loopback`,
      shoal: `shoal scheduler + shoal worker processes, nats-server (${NATS_CONFIG.trim().replace(/\n/g, ', ')}), Client.connect`,
      baselineVersions: py?.versions ?? null,
      tasks: cfg.tasks,
      treeTasks: trGraph.graph.size,
      transferMB: TRANSFER_MB,
      roundtripCallsPerRun: cfg.calls,
      quick: Boolean(quick),
    };
    const name = py?.baselineName ?? 'Dask (not run: --shoal-only)';
    const b = (c: string) => (py ? baselineCase(py, c) : { median: null, samples: [] });
    const row = (c: string, unit: string, better: Better, shoal: Measurement, target: Target, extra: Record<string, unknown>) =>
      makeRow({ case: c, unit, better, shoal: shoal.median, baseline: b(c).median, baselineName: name, target,
        detail: { shoalSamples: shoal.samples, baselineSamples: b(c).samples, ...extra } });
    return [
      row('throughput.embarrassing', 'tasks/s', 'higher', emb, { on: 'ratio', atLeast: 3 }, { tasks: cfg.tasks }),
      row('throughput.tree', 'tasks/s', 'higher', tree, { on: 'ratio', atLeast: 3 }, { tasks: trGraph.graph.size }),
      row('roundtrip', 'ms', 'lower', rtt, { on: 'ratio', atLeast: 1 }, { callsPerRun: cfg.calls }),
      row('transfer', 'GB/s', 'higher', transfer, { on: 'shoal', atLeast: 1 }, { megabytes: TRANSFER_MB }),
    ];
  },
};
