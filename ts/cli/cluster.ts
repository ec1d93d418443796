/**
 * `shoal scheduler`, `shoal worker` and `shoal info`: the actors as separate
 * processes joined through a NATS server. Connection options (server, cluster,
 * credentials, TLS) are the same on every command; secrets may come from the
 * environment so they stay out of process listings.
 */
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Client } from '../actors/client.js';
import { parseMemoryLimit } from '../actors/memory-limit.js';
import { NatsTransport, type NatsOptions } from '../actors/nats/transport.js';
import { checkToken } from '../actors/nats/subjects.js';
import type { DashboardOptions } from '../actors/dashboard/server.js';
import { Scheduler } from '../actors/scheduler.js';
import { Worker } from '../actors/worker.js';

const BUILTINS = new URL('../builtins.js', import.meta.url).href;

/** Options every cluster command takes. */
export const NATS_FLAGS = {
  nats: { type: 'string' },
  cluster: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  token: { type: 'string' },
  nkey: { type: 'string' },
  creds: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  tls: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const NATS_HELP = `connection (every command):
  --nats URL           NATS server (or $SHOAL_NATS_URL; default nats://127.0.0.1:4222)
  --cluster NAME       cluster name on that server (or $SHOAL_CLUSTER; default shoal)
  --user U --password P | --token T | --nkey SEED_OR_FILE | --creds FILE
                       credentials (or $SHOAL_NATS_USER, $SHOAL_NATS_PASSWORD, $SHOAL_NATS_TOKEN)
  --tls [--tls-ca F] [--tls-cert F --tls-key F]   TLS to the server`;

type NatsValues = { [K in keyof typeof NATS_FLAGS]?: (typeof NATS_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** NATS connection options from flags, falling back to the environment. */
export function natsOptions(v: NatsValues, env: NodeJS.ProcessEnv = process.env): NatsOptions {
  const o: NatsOptions = {
    servers: v.nats ?? env.SHOAL_NATS_URL ?? 'nats://127.0.0.1:4222',
    cluster: checkToken(v.cluster ?? env.SHOAL_CLUSTER ?? 'shoal', '--cluster'),
  };
  const user = v.user ?? env.SHOAL_NATS_USER;
  const pass = v.password ?? env.SHOAL_NATS_PASSWORD;
  const token = v.token ?? env.SHOAL_NATS_TOKEN;
  if (user !== undefined) o.user = user;
  if (pass !== undefined) o.pass = pass;
  if (token !== undefined) o.token = token;
  if (v.nkey !== undefined) o.nkeySeed = v.nkey;
  if (v.creds !== undefined) o.credsFile = v.creds;
  if (v['tls-ca'] || v['tls-cert'] || v['tls-key']) {
    o.tls = { caFile: v['tls-ca'], certFile: v['tls-cert'], keyFile: v['tls-key'] };
  } else if (v.tls) o.tls = true;
  return o;
}

function positiveInt(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function moduleUrl(m: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(m) ? m : pathToFileURL(isAbsolute(m) ? m : resolve(m)).href;
}

/** Resolves on SIGTERM or SIGINT (once), so a command can shut down cleanly. */
function stopSignal(): Promise<string> {
  return new Promise((r) => {
    const on = (sig: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      r(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

const log = (line: string) => console.error(`[shoal ${new Date().toISOString()}] ${line}`);

/** The scheduler's dashboard flags: false for --no-dashboard, else where to listen. */
export function dashboardOptions(v: { 'dashboard-port'?: string; 'dashboard-host'?: string; 'no-dashboard'?: boolean }): DashboardOptions | false {
  if (v['no-dashboard']) {
    if (v['dashboard-port'] !== undefined || v['dashboard-host'] !== undefined) {
      throw new RangeError('--no-dashboard cannot be combined with --dashboard-port or --dashboard-host');
    }
    return false;
  }
  const p = v['dashboard-port'];
  const host = v['dashboard-host'];
  const port = p === undefined ? undefined : /^\d+$/.test(p) ? Number(p) : NaN;
  if (port !== undefined && !(port <= 65535)) throw new RangeError(`--dashboard-port must be an integer from 0 to 65535 (0: any free port), got ${JSON.stringify(p)}`);
  if (host === '') throw new RangeError("--dashboard-host must name an interface such as 127.0.0.1 or 0.0.0.0, got ''");
  return { port, host };
}

export async function schedulerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...NATS_FLAGS, 'worker-ttl': { type: 'string' }, 'allowed-failures': { type: 'string' },
      'dashboard-port': { type: 'string' }, 'dashboard-host': { type: 'string' }, 'no-dashboard': { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(`usage: shoal scheduler [--worker-ttl MS] [--allowed-failures N] [--dashboard-port P] [--dashboard-host H | --no-dashboard]
  --dashboard-port P   the status page's port (default 0: any free one; the URL is logged and shown by \`shoal info\`)
  --dashboard-host H   interface it listens on (default 127.0.0.1; 0.0.0.0 exposes it, without login, to the network)
  --no-dashboard       no status page
${NATS_HELP}`);
    return 0;
  }
  const dashboard = dashboardOptions(values);
  const nats = natsOptions(values);
  const transport = await NatsTransport.connect({ ...nats, name: 'shoal-scheduler' });
  const scheduler = new Scheduler(transport, 'scheduler', {
    workerTtlMs: positiveInt('--worker-ttl', values['worker-ttl'], 10_000),
    allowedFailures: positiveInt('--allowed-failures', values['allowed-failures'], 3),
  });
  if (dashboard !== false) {
    try {
      log(`scheduler: dashboard at ${await scheduler.serveDashboard(dashboard)}`);
    } catch (err) {
      scheduler.close();
      await transport.close();
      throw err;
    }
  }
  log(`scheduler ${scheduler.schedulerId} serving cluster ${nats.cluster} at ${String(nats.servers)}`);
  const sig = await stopSignal();
  log(`scheduler: ${sig}; stopping`);
  await scheduler.stop();
  await transport.close();
  return 0;
}

/** A worker name safe as a subject token: the given one, or host and pid. */
function workerName(given: string | undefined): string {
  const name = given ?? `${hostname()}-${process.pid}`;
  return checkToken(name.replace(/[^A-Za-z0-9_-]/g, '_'), '--name');
}

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...NATS_FLAGS, nthreads: { type: 'string' }, 'memory-limit': { type: 'string' }, name: { type: 'string' },
      module: { type: 'string', multiple: true }, 'spill-dir': { type: 'string' }, 'heartbeat-ms': { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(`usage: shoal worker [--nthreads N] [--memory-limit 8GB] [--name NAME] [--module PATH]... [--spill-dir DIR]\n${NATS_HELP}`);
    return 0;
  }
  const nats = natsOptions(values);
  const threads = positiveInt('--nthreads', values.nthreads, 1);
  const memoryLimit = parseMemoryLimit(values['memory-limit'] ?? '4GB');
  const modules = [BUILTINS, ...(values.module ?? []).map(moduleUrl)];
  // Serializers registered by op modules are needed on this thread too (results, spill).
  for (const m of modules) await import(m);
  const id = `worker-${workerName(values.name)}`;
  const transport = await NatsTransport.connect({ ...nats, name: `shoal-${id}` });
  const worker = new Worker(transport, {
    id, scheduler: 'scheduler', threads, memoryLimit, modules, spillDir: values['spill-dir'],
    heartbeatMs: positiveInt('--heartbeat-ms', values['heartbeat-ms'], 1000),
  });
  log(`${id}: ${threads} thread(s), memory limit ${memoryLimit} bytes, cluster ${nats.cluster} at ${String(nats.servers)}`);
  const sig = await stopSignal();
  log(`${id}: ${sig}; stopping`);
  await worker.retire();
  await transport.close();
  return 0;
}

const gb = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

export async function infoCommand(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...NATS_FLAGS, json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    out(`usage: shoal info [--json] [--timeout MS]\n${NATS_HELP}`);
    return 0;
  }
  const nats = natsOptions(values);
  const { servers, ...rest } = nats;
  const client = await Client.connect({ ...rest, nats: servers, timeoutMs: positiveInt('--timeout', values.timeout, 5000) });
  try {
    const id = await client.identify();
    if (values.json) {
      const { type: _t, requestId: _r, ...info } = id;
      out(JSON.stringify(info, null, 2));
      return 0;
    }
    const threads = id.workers.reduce((a, w) => a + w.nthreads, 0);
    out(`scheduler ${id.schedulerId} (cluster ${nats.cluster}), up ${(id.uptimeMs / 1000).toFixed(0)} s`);
    out(`${id.workers.length} worker(s), ${threads} thread(s); ${id.clients} client(s); ${id.tasks} task(s), ${id.processing} processing`);
    out(`dashboard ${id.dashboardLink === '' ? 'off (the scheduler runs with --no-dashboard)' : id.dashboardLink}`);
    for (const w of id.workers) {
      out(`  ${w.id}  threads ${w.nthreads}  memory ${gb(w.memory)} / ${gb(w.memoryLimit)}  spilled ${gb(w.spilled)}  executing ${w.executing}  queued ${w.queued}  keys ${w.keys}${w.paused ? '  PAUSED' : ''}`);
    }
    return 0;
  } finally {
    await client.close();
  }
}
