/**
 * A private `nats-server` on a free loopback port, for `Client.local({
 * processes: true })` and the multi-process tests: started from the
 * `nats-server` binary on PATH, restartable on the same port, with optional
 * configuration text (auth, permissions, limits).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Is the nats-server binary on PATH? (scripts/setup.sh installs it.) */
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
    if (!haveNatsServer()) {
      throw new Error('the nats-server binary is not on PATH; install it (Debian: apt-get install nats-server) or see docs/nats.md');
    }
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

  /** JetStream's storage (the object store broadcasts use); kept across restarts. */
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'shoal-nats-js-'));

  private async run(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
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
