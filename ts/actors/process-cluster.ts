/**
 * `shoal …` commands as child processes of this one: what `Client.local({
 * processes: true })` starts (a scheduler and nanny-kept workers joined through
 * a private nats-server), and what the multi-process tests drive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Client } from './client.js';
import type { DashboardOptions } from './dashboard/server.js';
import { NatsServer } from './nats/server.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** Output kept per process (for error messages), the most recent part. */
const KEEP_OUTPUT = 256 * 1024;

/** A `shoal …` command running as a child process; its output is kept for failure messages. */
export class ShoalProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess, readonly name: string) {
    const keep = (d: Buffer) => {
      this.output += d;
      if (this.output.length > KEEP_OUTPUT) this.output = this.output.slice(-KEEP_OUTPUT / 2);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    this.exited = once(proc, 'exit').then(([code]) => code as number | null);
  }

  static spawn(args: string[], name = args[0] ?? 'shoal', env: NodeJS.ProcessEnv = {}): ShoalProcess {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    return new ShoalProcess(proc, name);
  }

  /** Resolves when the output contains `pattern`. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.proc.exitCode !== null) throw new Error(`${this.name} exited (${this.proc.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

export interface ProcessClusterOptions {
  nWorkers: number;
  threadsPerWorker: number;
  memoryLimit: number;
  /** Op module URLs or paths each worker imports (besides the builtins). */
  modules: string[];
  /** The scheduler's status page (default: 127.0.0.1, any free port), or false for none. */
  dashboard?: DashboardOptions | false;
}

/** `shoal scheduler` flags for a dashboard setting. */
export function dashboardFlags(d: DashboardOptions | false | undefined): string[] {
  if (d === false) return ['--no-dashboard'];
  const flags: string[] = [];
  if (d?.port !== undefined) flags.push('--dashboard-port', String(d.port));
  if (d?.host !== undefined) flags.push('--dashboard-host', d.host);
  return flags;
}

/**
 * A cluster of processes on this machine: a private nats-server, `shoal
 * scheduler`, and `shoal worker --nanny` per worker — process isolation for
 * users who want it, with the same code paths as a multi-host deployment.
 */
export class ProcessCluster {
  private constructor(readonly server: NatsServer, readonly scheduler: ShoalProcess, readonly nannies: ShoalProcess[]) {}

  get url(): string {
    return this.server.url;
  }

  static async start(o: ProcessClusterOptions): Promise<ProcessCluster> {
    const server = await NatsServer.start();
    const scheduler = ShoalProcess.spawn(['scheduler', '--nats', server.url, ...dashboardFlags(o.dashboard)], 'scheduler');
    const nannies: ShoalProcess[] = [];
    const cluster = new ProcessCluster(server, scheduler, nannies);
    try {
      await scheduler.waitFor(/serving cluster/);
      const modules = o.modules.flatMap((m) => ['--module', m]);
      for (let i = 0; i < o.nWorkers; i++) {
        nannies.push(ShoalProcess.spawn(['worker', '--nanny', '--nats', server.url, '--name', `local${i}`,
          '--nthreads', String(o.threadsPerWorker), '--memory-limit', String(o.memoryLimit), ...modules], `worker local${i}`));
      }
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** Resolves when the scheduler knows every worker; fails with their output if one dies first. */
  async ready(client: Client, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await client.identify()).workers.length >= this.nannies.length) return;
      const dead = this.nannies.find((n) => n.proc.exitCode !== null);
      if (dead !== undefined) throw new Error(`${dead.name} exited while starting:\n${dead.output}`);
      if (Date.now() > deadline) throw new Error(`the workers did not all register within ${timeoutMs} ms:\n${this.nannies.map((n) => n.output).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the workers gracefully (SIGTERM to their nannies), then the scheduler and the server. */
  async close(): Promise<void> {
    await Promise.all(this.nannies.map(async (n) => {
      const timer = setTimeout(() => n.kill('SIGKILL'), 10_000);
      await n.kill('SIGTERM');
      clearTimeout(timer);
    }));
    await this.scheduler.kill('SIGTERM');
    await this.server.stop();
  }
}
