/**
 * A cluster inside this process: one Scheduler and `nWorkers` Workers sharing
 * the main thread over the in-process transport, each worker running tasks on
 * its own piscina pool of `threadsPerWorker` threads.
 */
import { availableParallelism, totalmem } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from './actor.js';
import { checkDashboardOptions, type DashboardOptions } from './dashboard/server.js';
import { parseMemoryLimit } from './memory-limit.js';
import { Scheduler } from './scheduler.js';
import { InProcessTransport } from './transport.js';
import { Worker } from './worker.js';

export interface LocalClusterOptions {
  /** Workers (default: 1). */
  nWorkers?: number;
  /** Task threads per worker (default: available cores / nWorkers, at least 1). */
  threadsPerWorker?: number;
  /** Per worker: bytes or a string like '2GB' (default: system memory / nWorkers). */
  memoryLimit?: number | string;
  /** Op modules (paths or URLs) every task thread imports, besides shoal's builtins. */
  workerModules?: Array<string | URL>;
  /** Deaths of a task's thread or worker tolerated before the task errs (default 3). */
  allowedFailures?: number;
  /** Fraction of memoryLimit past which results spill to disk (default 0.6). */
  spillTarget?: number;
  /** Fraction of memoryLimit past which a worker stops starting tasks (default 0.8). */
  pauseFraction?: number;
  /** Directory for spill files (default: a fresh temporary directory per worker). */
  spillDir?: string;
  /** Tasks sent ahead per worker thread while results are large (default 2; 32 once results prove under 1 MB). */
  saturation?: number;
  /** How often workers report to the scheduler (default 1000 ms). */
  heartbeatMs?: number;
  /**
   * How long a task thread stays awake after a tiny one-task batch, waiting for the next
   * (default 1 ms; 0: it sleeps at once). It uses a core only while one is
   * free; it makes a chain of short tasks start ~60 µs sooner on a VM.
   */
  spinMs?: number;
  /** A worker silent this long is taken for dead (default 30 000 ms). */
  workerTtlMs?: number;
  /**
   * Run the scheduler and each worker as separate processes (workers kept by a
   * nanny) joined through a private nats-server, instead of inside this process:
   * process isolation, and the same code paths as a multi-host deployment.
   * Needs the `nats-server` binary on PATH.
   */
  processes?: boolean;
  /**
   * The scheduler's live status page (`client.dashboardLink`): where it listens
   * (default: 127.0.0.1, any free port), or false for none.
   */
  dashboard?: DashboardOptions | false;
  log?: Logger;
}

const BUILTINS = new URL('../builtins.js', import.meta.url).href;

/**
 * In-process task threads stay awake 1 ms after a tiny one-task batch (warm-threads.ts):
 * past the idle gap of a one-task round trip. Worker processes (`shoal worker`)
 * do not spin: over NATS a round trip is ~1 ms of messaging anyway, and several
 * worker processes on one host would each keep a core busy.
 */
const LOCAL_SPIN_MS = 1;

export function moduleUrl(m: string | URL, i: number): string {
  if (m instanceof URL) return m.href;
  if (typeof m !== 'string' || m.length === 0) throw new TypeError(`workerModules[${i}] must be a path or URL, got ${JSON.stringify(m)}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(m)) return m;
  return pathToFileURL(isAbsolute(m) ? m : resolve(m)).href;
}

export function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export class LocalCluster {
  readonly transport = new InProcessTransport();
  readonly scheduler: Scheduler;
  readonly workers: Worker[] = [];
  private counter = 0;

  private constructor(readonly options: Required<Pick<LocalClusterOptions, 'nWorkers' | 'threadsPerWorker'>> & { memoryLimit: number; modules: string[] } & LocalClusterOptions) {
    this.scheduler = new Scheduler(this.transport, 'scheduler', {
      allowedFailures: options.allowedFailures ?? 3, saturation: options.saturation ?? 2, workerTtlMs: options.workerTtlMs,
    }, options.log);
  }

  /** Starts the scheduler and workers; op modules are imported here first so a bad path fails at once. */
  static async start(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    const nWorkers = positiveInt(opts.nWorkers ?? 1, 'nWorkers');
    const threadsPerWorker = positiveInt(opts.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / nWorkers)), 'threadsPerWorker');
    const memoryLimit = parseMemoryLimit(opts.memoryLimit ?? Math.floor(totalmem() / nWorkers));
    if (opts.spinMs !== undefined && !(typeof opts.spinMs === 'number' && opts.spinMs >= 0 && Number.isFinite(opts.spinMs))) {
      throw new RangeError(`spinMs must be a non-negative number of milliseconds, got ${JSON.stringify(opts.spinMs)}`);
    }
    if (opts.workerModules !== undefined && !Array.isArray(opts.workerModules)) {
      throw new TypeError(`workerModules must be an array of paths or URLs, got ${typeof opts.workerModules}`);
    }
    const dashboard = checkDashboardOptions(opts.dashboard);
    const modules = [BUILTINS, ...(opts.workerModules ?? []).map(moduleUrl)];
    // Serializers registered by op modules are needed on this thread too (results, spill).
    for (const m of modules) await import(m);
    const cluster = new LocalCluster({ ...opts, nWorkers, threadsPerWorker, memoryLimit, modules });
    if (dashboard !== false) {
      try {
        await cluster.scheduler.serveDashboard(dashboard);
      } catch (err) {
        cluster.scheduler.close();
        cluster.transport.close();
        throw err;
      }
    }
    for (let i = 0; i < nWorkers; i++) cluster.addWorker();
    return cluster;
  }

  /** Starts one more worker. */
  addWorker(): Worker {
    const o = this.options;
    const w = new Worker(this.transport, {
      id: `worker-${this.counter++}`, scheduler: this.scheduler.address, threads: o.threadsPerWorker, memoryLimit: o.memoryLimit,
      modules: o.modules, spillTarget: o.spillTarget, pauseFraction: o.pauseFraction, spillDir: o.spillDir, heartbeatMs: o.heartbeatMs, spinMs: o.spinMs ?? LOCAL_SPIN_MS, log: o.log,
    });
    this.workers.push(w);
    return w;
  }

  /** Worker addresses, for scatter. */
  get workerAddresses(): string[] {
    return this.workers.map((w) => w.address);
  }

  /** Stops a worker silently: no goodbye and no transport notice, as a hung or partitioned host. */
  async silenceWorker(address: string): Promise<void> {
    const i = this.workers.findIndex((w) => w.address === address);
    if (i < 0) throw new RangeError(`silenceWorker: no worker ${address}; have ${this.workerAddresses.join(', ')}`);
    const [w] = this.workers.splice(i, 1);
    await w!.shutdown();
  }

  /**
   * Kills a worker as a crash would (no goodbye): the scheduler notices, reruns its
   * running tasks and recomputes the results only it held. For tests and chaos drills.
   */
  async killWorker(address: string): Promise<void> {
    const i = this.workers.findIndex((w) => w.address === address);
    if (i < 0) throw new RangeError(`killWorker: no worker ${address}; have ${this.workerAddresses.join(', ')}`);
    const [w] = this.workers.splice(i, 1);
    this.transport.sever(address);
    await w!.shutdown();
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.shutdown()));
    await this.scheduler.stop();
    this.transport.close();
  }
}
