/**
 * The scheduler's status page: a `node:http` server with two routes, `/` (the
 * page) and `/api/status` (JSON). It reads the scheduler's state when asked
 * and samples one counter a second; it adds nothing to the handling of task
 * messages. It never keeps the process alive on its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { PAGE, PAGE_SCRIPT_HASH } from './page.js';
import { collectStatus, Throughput, type StatusSource } from './status.js';

/** Where the dashboard listens. */
export interface DashboardOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Interface to bind (default '127.0.0.1': this machine only). The page has no
   * login: bind a public interface ('0.0.0.0') only on a trusted network.
   */
  host?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Checks `dashboard` as Client.local and the CLI take it: false, or `{ port?, host? }`. */
export function checkDashboardOptions(o: unknown, what = 'dashboard'): DashboardOptions | false {
  if (o === false) return false;
  if (o === undefined || o === true) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new TypeError(`${what} must be false or { port?, host? }, got ${o === null ? 'null' : typeof o}`);
  }
  const { port, host } = o as DashboardOptions;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`${what}.port must be an integer from 0 to 65535 (0: any free port), got ${JSON.stringify(port)}`);
  }
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) {
    throw new TypeError(`${what}.host must be a non-empty string such as '127.0.0.1' or '0.0.0.0', got ${JSON.stringify(host)}`);
  }
  return { port, host };
}

/** The host part of a link to `host`: a wildcard address becomes this machine's name. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return hostname();
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export class Dashboard {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    /** The page's URL, e.g. 'http://127.0.0.1:40123/'. */
    readonly url: string,
    private readonly sampler: NodeJS.Timeout,
  ) {}

  /** Starts serving `source`'s status; fails clearly when the port cannot be had. */
  static async start(source: StatusSource, options: DashboardOptions = {}): Promise<Dashboard> {
    const { port = 0, host = '127.0.0.1' } = checkDashboardOptions(options) || {};
    const throughput = new Throughput(() => source.state.finishedTotal);
    const loopbackOnly = LOOPBACK.has(host);
    const server = createServer((req, res) => handle(req, res, source, throughput, loopbackOnly));
    // A hung browser must not pin the scheduler's sockets forever.
    server.keepAliveTimeout = 5000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(new Error(`dashboard: cannot listen on ${host}:${port} (${err.code ?? err.message}); ` +
          `choose another port, port 0 for any free one, or turn the dashboard off (dashboard: false / --no-dashboard)`));
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.unref();
    server.on('error', () => {}); // after listening: per-connection errors are not the scheduler's concern
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    const sampler = setInterval(() => throughput.sample(), 1000);
    sampler.unref();
    return new Dashboard(server, `http://${linkHost(host)}:${bound}/`, sampler);
  }

  /** Stops listening and drops open connections; resolves once the port is released. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.sampler);
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': `default-src 'none'; script-src '${PAGE_SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'`,
};

function reply(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function handle(req: IncomingMessage, res: ServerResponse, source: StatusSource, throughput: Throughput, loopbackOnly: boolean): void {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, 405, 'text/plain; charset=utf-8', 'the dashboard is read-only: GET / or /api/status\n', head);
    return;
  }
  // Bound to loopback, the page answers only to loopback names: a web page elsewhere
  // cannot read the cluster's state through a DNS name rebound to 127.0.0.1.
  if (loopbackOnly) {
    const name = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOOPBACK.has(name)) {
      reply(res, 403, 'text/plain; charset=utf-8', `the dashboard answers to 127.0.0.1 or localhost, not ${JSON.stringify(name)}\n`, head);
      return;
    }
  }
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/':
    case '/index.html':
      reply(res, 200, 'text/html; charset=utf-8', PAGE, head);
      return;
    case '/api/status': {
      let body: string;
      try {
        body = JSON.stringify(collectStatus(source, throughput));
      } catch (err) {
        reply(res, 500, 'text/plain; charset=utf-8', `status failed: ${(err as Error).message}\n`, head);
        return;
      }
      reply(res, 200, 'application/json; charset=utf-8', body, head);
      return;
    }
    default:
      reply(res, 404, 'text/plain; charset=utf-8', `not found: ${path}; the dashboard serves / and /api/status\n`, head);
  }
}
