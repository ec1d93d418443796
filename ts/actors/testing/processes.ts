/**
 * Real processes for the multi-host tests: a private `nats-server` on a free
 * loopback port (restartable, with an optional config for auth and limits),
 * and `shoal scheduler` / `shoal worker` child processes. Nothing here is a
 * mock: the tests talk to the same binaries a deployment runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../cli/main.js', import.meta.url).pathname;

/** Is the nats-server binary on PATH? (Installed by scripts/setup.sh.) */
export function haveNatsServer(): boolean {
  return spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A nats-server on 127.0.0.1:<port>; `config` is nats-server configuration text (auth, max_payload, …). */
export class NatsServer {
  private proc: ChildProcess | undefined;
  log = '';

  private constructor(readonly port: number, private readonly configFile: string | undefined) {}

  static async start(config?: string): Promise<NatsServer> {
    let file: string | undefined;
    if (config !== undefined) {
      file = join(mkdtempSync(join(tmpdir(), 'shoal-nats-')), 'nats.conf');
      writeFileSync(file, config);
    }
    const s = new NatsServer(await freePort(), file);
    await s.run();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  private async run(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port)];
    if (this.configFile) args.push('-c', this.configFile);
    this.proc = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => { this.log += d; });
    this.proc.stdout!.on('data', (d) => { this.log += d; });
    await waitForPort(this.port, 10_000);
  }

  /** Kills the server (SIGKILL: nothing is flushed) and starts it again on the same port after `downMs`. */
  async restart(downMs = 500): Promise<void> {
    await this.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await this.run();
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (p === undefined || p.exitCode !== null) return;
    p.kill('SIGKILL');
    await once(p, 'exit');
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

/** A `shoal …` command running as a child process; its output is kept for failure messages. */
export class ShoalProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess, readonly name: string) {
    proc.stdout!.on('data', (d) => { this.output += d; });
    proc.stderr!.on('data', (d) => { this.output += d; });
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

/** Starts `shoal scheduler` and `nWorkers` `shoal worker` processes against `url`. */
export async function startCluster(url: string, nWorkers: number, extra: string[] = [], workerExtra: string[] = []): Promise<{ scheduler: ShoalProcess; workers: ShoalProcess[] }> {
  const scheduler = ShoalProcess.spawn(['scheduler', '--nats', url, ...extra], 'scheduler');
  await scheduler.waitFor(/serving cluster/);
  const workers = Array.from({ length: nWorkers }, (_, i) =>
    ShoalProcess.spawn(['worker', '--nats', url, '--nthreads', '1', '--name', `w${i}`, ...extra, ...workerExtra], `worker w${i}`));
  await Promise.all(workers.map((w) => w.waitFor(/thread\(s\)/)));
  return { scheduler, workers };
}
