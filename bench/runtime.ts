/**
 * The runtime suite: scheduler throughput and round-trip latency of shoal's
 * `Client.local` against dask.distributed's `LocalCluster(processes=False)`
 * (bench/python/runtime_dask.py), with the same workers and threads.
 *
 * Cases (each timed end to end: graph submission, execution, results back in the client):
 * - `throughput.embarrassing`: 100 000 independent `noop` tasks, tasks/s.
 * - `throughput.tree`: 100 000 leaves returning 1 summed by a tree with fan-in 8
 *   (collections' `treeReduce`, Dask's `split_every`), tasks (leaves + sums)/s.
 * - `roundtrip`: one small task submitted and awaited, median of 200 calls, ms.
 *
 * Target (issue 2): at least 5x Dask's tasks per second, under 0.2 ms round trip.
 */
import { Client, type Graph } from '../ts/actors/mod.js';
import { treeReduce } from '../ts/collections/graph/reduce.js';
import {
  asBaselineResult, baselineCase, makeRow, measure, median, runPython,
  type Better, type Measurement, type ResultRow, type Suite, type Target,
} from './harness.js';

/** The same cluster shape on both sides: this machine has 2 cores. */
export const WORKERS = 1;
export const THREADS_PER_WORKER = 2;
/** Fan-in of the reduction tree, as collections' treeReduce and Dask's split_every. */
export const SPLIT_EVERY = 8;

/** Independent no-op tasks `noop-<i>` (`core.noop`, the runtime's own op). */
export function embarrassingGraph(n: number): { graph: Graph; keys: string[] } {
  const graph: Graph = new Map();
  for (let i = 0; i < n; i++) graph.set(`noop-${i}`, { op: 'core.noop', args: [i] });
  return { graph, keys: [...graph.keys()] };
}

/** `n` leaves `one-<i>` = core.identity(1), summed by a tree with fan-in `SPLIT_EVERY`; the root holds n. */
export function treeGraph(n: number): { graph: Graph; root: string } {
  const graph: Graph = new Map();
  const leaves: string[] = [];
  for (let i = 0; i < n; i++) {
    graph.set(`one-${i}`, { op: 'core.identity', args: [1] });
    leaves.push(`one-${i}`);
  }
  const { tasks, root } = treeReduce('sum', leaves, 'core.sum', [], SPLIT_EVERY);
  for (const [k, t] of tasks) graph.set(k, t);
  return { graph, root };
}

/** Tasks per second of one `compute` of the whole graph, checking what came back. */
async function throughputRun(client: Client, graph: Graph, keys: string[], check: (results: unknown[]) => void): Promise<number> {
  const start = performance.now();
  const results = await client.compute(graph, keys);
  const seconds = (performance.now() - start) / 1e3;
  check(results);
  return graph.size / seconds;
}

export interface RuntimeConfig {
  tasks: number;
  calls: number;
}

let lastNotes: Record<string, unknown> = {};

export const suite: Suite = {
  name: 'runtime',
  description: `scheduler throughput and round trip, shoal Client.local vs Dask LocalCluster(processes=False), ${WORKERS} worker x ${THREADS_PER_WORKER} threads`,
  notes: () => lastNotes,
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const cfg: RuntimeConfig = quick ? { tasks: 5_000, calls: 50 } : { tasks: 100_000, calls: 200 };

    const py = shoalOnly ? null : asBaselineResult(
      await runPython('runtime_dask.py', [
        '--tasks', String(cfg.tasks), '--runs', String(runs), '--calls', String(cfg.calls),
        '--workers', String(WORKERS), '--threads', String(THREADS_PER_WORKER), '--split-every', String(SPLIT_EVERY),
      ], {
        // Dask runs ~450 no-op tasks/s here: 2 cases x runs x 100 000 tasks take
        // about 4 minutes a run, well past the harness's default 10-minute limit.
        timeoutMs: Math.max(600_000, 2 * (runs + 1) * cfg.tasks * 5),
      }),
      'runtime_dask.py',
    );

    const client = await Client.local({ nWorkers: WORKERS, threadsPerWorker: THREADS_PER_WORKER });
    let emb: Measurement, tree: Measurement, rtt: Measurement;
    const emGraph = embarrassingGraph(cfg.tasks);
    const trGraph = treeGraph(cfg.tasks);
    try {
      // Warm-up (thread start, op module import, JIT) happens in measure()'s unmeasured first run.
      emb = await measure(
        () => throughputRun(client, emGraph.graph, emGraph.keys, (r) => {
          if (r.length !== cfg.tasks) throw new Error(`runtime bench: expected ${cfg.tasks} results, got ${r.length}`);
        }),
        { runs },
      );
      tree = await measure(
        () => throughputRun(client, trGraph.graph, [trGraph.root], (r) => {
          if (r[0] !== cfg.tasks) throw new Error(`runtime bench: tree summed to ${String(r[0])}, expected ${cfg.tasks}`);
        }),
        { runs },
      );
      rtt = await measure(async () => {
        const calls: number[] = [];
        for (let i = 0; i < cfg.calls; i++) {
          const start = performance.now();
          await client.submit('core.noop').result();
          calls.push(performance.now() - start);
        }
        return median(calls);
      }, { runs });
    } finally {
      await client.close();
    }

    lastNotes = {
      cluster: `${WORKERS} worker x ${THREADS_PER_WORKER} threads on both sides`,
      shoal: `Client.local({ nWorkers: ${WORKERS}, threadsPerWorker: ${THREADS_PER_WORKER} }), in-process transport, piscina task threads`,
      baselineVersions: py?.versions ?? null,
      tasks: cfg.tasks,
      treeTasks: trGraph.graph.size,
      splitEvery: SPLIT_EVERY,
      roundtripCallsPerRun: cfg.calls,
      quick: Boolean(quick),
      shoalOnly: Boolean(shoalOnly),
    };
    const name = py?.baselineName ?? 'Dask (not run: --shoal-only)';
    const b = (c: string) => (py ? baselineCase(py, c) : { median: null, samples: [] });
    const row = (c: string, unit: string, better: Better, shoal: Measurement, target: Target, extra: Record<string, unknown>) =>
      makeRow({ case: c, unit, better, shoal: shoal.median, baseline: b(c).median, baselineName: name, target,
        detail: { shoalSamples: shoal.samples, baselineSamples: b(c).samples, ...extra } });
    return [
      row('throughput.embarrassing', 'tasks/s', 'higher', emb, { on: 'ratio', atLeast: 5 }, { tasks: cfg.tasks }),
      row('throughput.tree', 'tasks/s', 'higher', tree, { on: 'ratio', atLeast: 5 }, { tasks: trGraph.graph.size }),
      row('roundtrip', 'ms', 'lower', rtt, { on: 'shoal', atMost: 0.2 }, { callsPerRun: cfg.calls }),
    ];
  },
};
