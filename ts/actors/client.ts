/**
 * The Client: the user's handle on a cluster. Sends graphs to the scheduler,
 * tracks keys as Futures, gathers results straight from the workers, scatters
 * local data to them, and shows progress.
 */
import { randomUUID } from 'node:crypto';
import { Actor, newStimulusId, type Handlers } from './actor.js';
import { CancelledError, RemoteError, SchedulerRestartedError, SchedulerUnreachableError } from './errors.js';
import { Future, type FutureOwner, type KeyState } from './future.js';
import { isRef, orderGraph, ref, REF, type Graph, type TaskSpec } from './graph.js';
import { availableParallelism, totalmem } from 'node:os';
import { checkDashboardOptions } from './dashboard/server.js';
import { LocalCluster, moduleUrl, positiveInt, type LocalClusterOptions } from './local-cluster.js';
import { parseMemoryLimit } from './memory-limit.js';
import { ProcessCluster } from './process-cluster.js';
import { ProgressBar, ProgressFeed, type ProgressSnapshot } from './progress.js';
import type { DataItem, Msg, MsgOf, TaskDef, WireArg } from './protocol/messages.js';
import { attach, decodeValue, encodeValue } from './serialize.js';
import type { BlobStore, Transport } from './transport.js';
import { NatsTransport, type NatsOptions } from './nats/transport.js';

/** How to reach a cluster over NATS (see `shoal scheduler`). */
export interface ConnectOptions extends Omit<NatsOptions, 'servers'> {
  /** NATS server URL(s), e.g. 'nats://10.0.0.5:4222'. */
  nats: string | string[];
  /** How long to wait for the scheduler to answer (default 10 000 ms). */
  timeoutMs?: number;
}

const BUILTINS = new URL('../builtins.js', import.meta.url).href;
/** At most this many keys awaited together are pushed (see wantPushes). */
const PUSH_MAX_KEYS = 256;
/** Graphs kept for a resend before the first prune of those settled (Client.graphsInFlight). */
const PRUNE_MIN = 16;

/** A broadcast scatter of at least this many bytes goes through the cluster's blob store, where there is one. */
const BROADCAST_STORE_BYTES = 1 << 20;

export interface ComputeOptions {
  /** Show a terminal progress bar (stderr) until the wanted keys are done (compute and persist). */
  progress?: boolean;
  /** Times a task that throws is run again before its error is final (default 0). */
  retries?: number;
}

let current: Client | undefined;

/** Replaces Futures anywhere inside arrays and plain objects by refs to their keys. */
function futuresToRefs(value: unknown): unknown {
  if (value instanceof Future) return ref(value.key);
  if (Array.isArray(value)) return value.map(futuresToRefs);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, futuresToRefs(v)]));
  }
  return value;
}

/** The default client: the last one created and not yet closed. */
export function getClient(): Client {
  if (current === undefined) throw new Error('getClient: no client; create one with `await Client.local()`');
  return current;
}

export class Client extends Actor implements FutureOwner {
  private dashboardUrl = '';

  /**
   * The URL of the scheduler's live status page (workers, tasks by state,
   * progress, tasks per second, recent errors); '' when the scheduler serves none.
   * @example const client = await Client.local(); console.log(client.dashboardLink); // http://127.0.0.1:40123/
   */
  get dashboardLink(): string {
    return this.dashboardUrl;
  }
  private readonly keys = new Map<string, KeyState>();
  private readonly requests = new Map<number, (msg: Msg, attachments: ArrayBufferView[]) => void>();
  private readonly feed = new ProgressFeed();
  private requestCounter = 0;
  private taskCounter = 0;
  private toRelease: string[] = [];
  private scatterTurn = 0;
  private closed = false;

  protected readonly handlers: Handlers = {
    KeysUpdate: (m) => this.onKeysUpdate(m),
    Progress: (m) => this.feed.push({ total: m.total, finished: m.finished, erred: m.erred, processing: m.processing }),
    DataReply: (m, env) => this.answer(m.requestId, m, env.attachments),
    PushData: (m, env) => this.onPushData(m, env.attachments),
    PutDataAck: (m, env) => this.answer(m.requestId, m, env.attachments),
    Identity: (m, env) => this.answer(m.requestId, m, env.attachments),
    Welcome: (m) => this.onWelcome(m.schedulerId, m.dashboardLink),
  };
  /** The scheduler incarnation this client works with ('' until it answers). */
  schedulerId = '';
  /** Requests to workers awaiting replies, by id: a lost worker fails them at once. */
  private readonly requestPeers = new Map<number, string>();
  private readonly lostReplies = new Map<number, () => void>();
  private ownedTransport: Transport | undefined;
  /** The processes `Client.local({ processes: true })` started; stopped by close(). */
  private processCluster: ProcessCluster | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    transport: Transport,
    private readonly schedulerAddress: string,
    private readonly workerAddresses: () => string[] | Promise<string[]>,
    readonly cluster?: LocalCluster,
  ) {
    super(transport, `client-${randomUUID().slice(0, 8)}`);
    this.send(schedulerAddress, { type: 'RegisterClient', clientId: this.address }, newStimulusId('client'));
    current = this;
  }

  /**
   * Starts a cluster in this process and connects to it; `close()` stops both.
   * @example const client = await Client.local({ nWorkers: 2, threadsPerWorker: 2, memoryLimit: '2GB' });
   */
  static async local(options: LocalClusterOptions = {}): Promise<Client> {
    if (options.processes) return Client.localProcesses(options);
    const cluster = await LocalCluster.start(options);
    const client = new Client(cluster.transport, cluster.scheduler.address, () => cluster.workerAddresses, cluster);
    client.dashboardUrl = cluster.scheduler.dashboardLink;
    return client;
  }

  /** `Client.local({ processes: true })`: a private nats-server, a scheduler process and nanny-kept worker processes. */
  private static async localProcesses(options: LocalClusterOptions): Promise<Client> {
    const nWorkers = positiveInt(options.nWorkers ?? 1, 'nWorkers');
    const threadsPerWorker = positiveInt(options.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / nWorkers)), 'threadsPerWorker');
    const memoryLimit = parseMemoryLimit(options.memoryLimit ?? Math.floor(totalmem() / nWorkers));
    const dashboard = checkDashboardOptions(options.dashboard);
    const modules = (options.workerModules ?? []).map(moduleUrl);
    // Serializers registered by op modules are needed on this thread too.
    for (const m of modules) await import(m);
    const cluster = await ProcessCluster.start({ nWorkers, threadsPerWorker, memoryLimit, modules, dashboard });
    let client: Client | undefined;
    try {
      client = await Client.connect({ nats: cluster.url, log: options.log });
      client.processCluster = cluster;
      await cluster.ready(client);
      return client;
    } catch (err) {
      if (client !== undefined) await client.close(); // stops the processes too
      else await cluster.close();
      throw err;
    }
  }

  /**
   * Connects to a cluster running as separate processes over NATS (started with
   * `shoal scheduler` and `shoal worker`); fails with a clear error when the
   * server refuses the credentials or no scheduler answers.
   * @example const client = await Client.connect({ nats: 'nats://10.0.0.5:4222', cluster: 'prod', user: 'alice', pass: '…' });
   */
  static async connect(options: ConnectOptions): Promise<Client> {
    if (options === null || typeof options !== 'object' || (typeof options.nats !== 'string' && !Array.isArray(options.nats))) {
      throw new TypeError(`Client.connect: options.nats must be a NATS URL such as 'nats://127.0.0.1:4222', got ${JSON.stringify((options as ConnectOptions | null)?.nats)}`);
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    // Serializers registered by op modules are needed here too (for results).
    await import(BUILTINS);
    const { nats, timeoutMs: _t, ...rest } = options;
    const transport = await NatsTransport.connect({ ...rest, servers: nats });
    let client!: Client;
    client = new Client(transport, 'scheduler', async () => (await client.identify()).workers.map((w) => w.id));
    client.ownedTransport = transport;
    try {
      await client.identify(timeoutMs);
    } catch (err) {
      await client.close();
      const where = Array.isArray(nats) ? nats.join(', ') : nats;
      throw new SchedulerUnreachableError(`Client.connect: no scheduler of cluster ${JSON.stringify(options.cluster ?? 'shoal')} answered at ${where} within ${timeoutMs} ms; start one with \`shoal scheduler --nats ${where}\` (${(err as Error).message})`);
    }
    // Re-registering now and then is how a restarted scheduler is noticed (its Welcome carries a new id).
    client.pinger = setInterval(() => {
      if (!client.closed) client.send('scheduler', { type: 'RegisterClient', clientId: client.address }, newStimulusId('client'));
    }, 2000);
    client.pinger.unref();
    return client;
  }

  /** Who is in the cluster: the scheduler's id, its workers (threads, memory, tasks) and counts. */
  identify(timeoutMs = 10_000): Promise<MsgOf<'Identity'>> {
    this.checkOpen('identify');
    return this.hold(() => new Promise<MsgOf<'Identity'>>((resolve, reject) => {
      const requestId = ++this.requestCounter;
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(new SchedulerUnreachableError(`the scheduler did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.requests.set(requestId, (m) => {
        clearTimeout(timer);
        const id = m as MsgOf<'Identity'>;
        this.onWelcome(id.schedulerId, id.dashboardLink);
        resolve(id);
      });
      if (!this.send(this.schedulerAddress, { type: 'Identify', requestId, replyTo: this.address }, newStimulusId('identify'))) {
        clearTimeout(timer);
        this.requests.delete(requestId);
        reject(new SchedulerUnreachableError('the scheduler is gone'));
      }
    }));
  }

  /**
   * The scheduler answered with its incarnation id. A different id than before
   * means it restarted and lost this client's work: pending keys fail clearly
   * instead of waiting forever.
   */
  private onWelcome(schedulerId: string, dashboardLink: string): void {
    this.dashboardUrl = dashboardLink;
    const previous = this.schedulerId;
    this.schedulerId = schedulerId;
    if (previous === '' || previous === schedulerId) return;
    for (const s of this.keys.values()) {
      if (s.status !== 'pending' && s.status !== 'finished') continue;
      s.status = 'error';
      s.error = new SchedulerRestartedError(s.key, previous, schedulerId);
      this.wake(s);
    }
    this.send(this.schedulerAddress, { type: 'RegisterClient', clientId: this.address }, newStimulusId('client'));
  }

  /**
   * The connection came back after messages may have been lost: register again
   * (the scheduler resends where this client's keys are) and retry requests to
   * workers through gather's missing-data path.
   */
  protected override reconnected(): void {
    if (this.closed) return;
    this.send(this.schedulerAddress, { type: 'RegisterClient', clientId: this.address }, newStimulusId('client'));
    // A graph sent while the connection was down never arrived: send what is still
    // pending again (the scheduler reuses the tasks it already has).
    this.pruneGraphsInFlight();
    for (const g of this.graphsInFlight) this.send(this.schedulerAddress, g.msg, newStimulusId('update-graph-resend'), g.attachments);
    for (const id of [...this.requestPeers.keys()]) {
      this.requestPeers.delete(id);
      this.lostReplies.get(id)?.();
    }
  }

  /** A worker is gone: requests to it fail over at once (gather waits for recomputed results). */
  protected override peerLost(peer: string): void {
    for (const [id, p] of this.requestPeers) {
      if (p !== peer) continue;
      this.requestPeers.delete(id);
      this.lostReplies.get(id)?.();
    }
  }

  // ---------------- graphs ----------------

  /**
   * Runs `graph` and brings back the results of `keys` (in that order); the
   * results are released on the cluster afterwards.
   * @example const [total] = await client.compute(graph, ['sum-0'], { progress: true });
   */
  async compute(graph: Graph, keys: string[], options: ComputeOptions = {}): Promise<unknown[]> {
    const futures = this.persist(graph, keys, options);
    this.wantPushes(futures);
    try {
      return await this.gather(futures);
    } finally {
      for (const f of futures) f.release();
    }
  }

  /** Starts `graph` and returns at once with Futures for `keys`; results stay on the workers. */
  persist(graph: Graph, keys: string[], options: ComputeOptions = {}): Future[] {
    this.checkOpen('persist');
    if (!Array.isArray(keys)) throw new TypeError(`keys must be an array of graph keys, got ${typeof keys}`);
    for (const k of keys) {
      if (!(graph instanceof Map) || (!graph.has(k) && !this.keys.has(k))) {
        throw new RangeError(`key ${JSON.stringify(k)} is not in the graph`);
      }
    }
    const retries = options.retries ?? 0;
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
    const { deps, priority } = orderGraph(graph, (k) => this.keys.has(k));
    const attachments: ArrayBufferView[] = [];
    const tasks: TaskDef[] = [];
    for (const [key, spec] of graph) {
      tasks.push({ key, op: spec.op, args: this.encodeArgs(key, spec, attachments), dependencies: deps.get(key)!, priority: priority.get(key)!, retries });
    }
    const futures = keys.map((k) => new Future(this, this.stateOf(k)));
    if (options.progress) {
      // The bar runs until every wanted key is done (or erred); persist itself returns at once.
      const bar = new ProgressBar(this.feed, graph.size);
      void Promise.allSettled(futures.map((f) => f.wait())).then(() => bar.finish());
    }
    const msg: MsgOf<'UpdateGraph'> = { type: 'UpdateGraph', clientId: this.address, tasks, wanted: keys };
    if (this.graphsInFlight.length >= this.pruneAt) {
      this.pruneGraphsInFlight();
      // amortised: a loop of submits costs one prune per doubling, not a scan per submit
      this.pruneAt = Math.max(PRUNE_MIN, 2 * this.graphsInFlight.length);
    }
    this.graphsInFlight.push({ msg, attachments, keys });
    for (const k of keys) {
      const s = this.keys.get(k)!;
      if (s.status === 'pending' && s.push === undefined) s.push = 'unsent';
    }
    if (this.unsentGraphs.length === 0) queueMicrotask(() => this.sendGraphs());
    this.unsentGraphs.push({ msg, attachments, stimulusId: newStimulusId('update-graph') });
    return futures;
  }

  /**
   * Graphs are sent at the end of the turn that made them (or before any other
   * message, which keeps this client's messages in order). A caller that awaits
   * a result in that same turn (`await client.submit(...).result()`) marks its key
   * meanwhile, and the worker then pushes a small result straight here: the
   * GetData round trip is saved.
   */
  private unsentGraphs: Array<{ msg: MsgOf<'UpdateGraph'>; attachments: ArrayBufferView[]; stimulusId: string }> = [];

  private sendGraphs(): void {
    const graphs = this.unsentGraphs;
    if (graphs.length === 0) return;
    this.unsentGraphs = [];
    for (const g of graphs) {
      const push: string[] = [];
      for (const k of g.msg.wanted) {
        const s = this.keys.get(k);
        if (s?.push === 'wanted') push.push(k);
        else if (s?.push === 'unsent') s.push = undefined;
      }
      g.msg.push = push;
      super.send(this.schedulerAddress, g.msg, g.stimulusId, g.attachments);
    }
  }

  protected override send(to: string, msg: Msg, stimulusId: string, attachments?: ArrayBufferView[]): boolean {
    this.sendGraphs();
    return super.send(to, msg, stimulusId, attachments);
  }

  /**
   * Pushes pay off for a few keys awaited together; for many, one GetData per
   * worker at the end costs less than a push per result (100 000 keys: 15 %
   * fewer tasks/s pushed).
   */
  private wantPushes(futures: Future[]): void {
    if (futures.length <= PUSH_MAX_KEYS) for (const f of futures) this.wantPush(this.keys.get(f.key));
  }

  /** Asks for `s`'s result to be pushed here, if its graph is not sent yet. */
  private wantPush(s: KeyState | undefined): void {
    if (s?.push === 'unsent') s.push = 'wanted';
  }

  /**
   * The value pushed for a finished key, if one came. It is handed out once, and
   * once asked for, a push that comes later is dropped (the caller fetches).
   */
  private takePush(s: KeyState): { value: unknown } | undefined {
    const pushed = s.push;
    s.push = undefined;
    return typeof pushed === 'object' ? pushed : undefined;
  }

  /** A worker sent small results this client waits on: they finish their keys at once. */
  private onPushData(m: MsgOf<'PushData'>, attachments: ArrayBufferView[]): void {
    for (const it of m.items) {
      const s = this.keys.get(it.key);
      // Unasked, or already gathered the usual way: the push is dropped.
      if (s === undefined || s.push !== 'wanted' || (s.status !== 'pending' && s.status !== 'finished')) continue;
      try {
        s.push = { value: decodeValue(it.value.header, it.value.buffers.map((i) => attachments[i]!)) };
      } catch (err) {
        // Still finished (the scheduler sends no KeysUpdate for a pushed key): gather fetches it.
        this.log(`${this.address}: could not decode the pushed result of ${it.key}; it is fetched instead`, err);
      }
      if (s.status === 'pending') {
        s.status = 'finished';
        s.workers = [m.workerId];
        s.nbytes = it.nbytes;
        s.typeName = it.typeName;
        this.wake(s);
      }
    }
  }

  /**
   * Graphs whose wanted keys may not all be settled: resent after a reconnect, in
   * case they were lost. Settled ones are dropped before a resend and whenever the
   * list has doubled since the last prune (so it stays within twice the pending ones).
   */
  private graphsInFlight: Array<{ msg: Msg; attachments: ArrayBufferView[]; keys: string[] }> = [];
  private pruneAt = PRUNE_MIN;

  private pruneGraphsInFlight(): void {
    this.graphsInFlight = this.graphsInFlight.filter((g) => g.keys.some((k) => this.keys.get(k)?.status === 'pending'));
  }

  private encodeArgs(key: string, spec: TaskSpec, attachments: ArrayBufferView[]): WireArg[] {
    return spec.args.map((a) => {
      if (isRef(a)) return { ref: a[REF] };
      let enc;
      try {
        enc = encodeValue(a);
      } catch (err) {
        throw new TypeError(`task ${JSON.stringify(key)}: an argument of op ${spec.op} cannot be sent to workers (${(err as Error).message}); ` +
          'pass data (numbers, strings, arrays, plain objects, typed arrays, registered types), never functions');
      }
      return { literal: attach(enc, attachments) };
    });
  }

  /**
   * Runs op `op` on `args` (Futures among them stand for their results) and returns a Future.
   * @example const f = client.submit('core.sum', [1, 2, 3]); await f.result(); // 6
   */
  submit<T = unknown>(op: string, ...args: unknown[]): Future<T> {
    if (typeof op !== 'string' || op.length === 0) throw new TypeError(`submit: op must be a non-empty op name, got ${JSON.stringify(op)}`);
    const key = `${op}-${this.address.slice(7)}-${++this.taskCounter}`;
    const spec = { op, args: args.map(futuresToRefs) };
    return this.persist(new Map([[key, spec]]), [key])[0] as Future<T>;
  }

  /** `submit(op, item, ...extra)` for each item. */
  map<T = unknown>(op: string, items: Iterable<unknown>, ...extra: unknown[]): Future<T>[] {
    if (items === null || typeof (items as Iterable<unknown>)?.[Symbol.iterator] !== 'function') {
      throw new TypeError(`map: items must be iterable, got ${items === null ? 'null' : typeof items}`);
    }
    return [...items].map((it) => this.submit<T>(op, it, ...extra));
  }

  // ---------------- data ----------------

  /** Brings the results of `futures` to this thread (one Future or an array, keeping order). */
  async gather<T = unknown>(futures: Future<T>): Promise<T>;
  async gather<T = unknown>(futures: Future<T>[]): Promise<T[]>;
  async gather(futures: Future | Future[]): Promise<unknown> {
    if (futures instanceof Future) return futures.result();
    if (!Array.isArray(futures)) throw new TypeError(`gather: expected a Future or an array of Futures, got ${typeof futures}`);
    this.wantPushes(futures);
    await Promise.all(futures.map((f) => f.wait()));
    const values = new Map<string, unknown>();
    let todo = [...new Set(futures.map((f) => f.key))];
    while (todo.length > 0) {
      const byWorker = new Map<string, string[]>();
      for (const k of todo) {
        const s = this.keys.get(k);
        if (s === undefined) throw new Error(`gather: key ${k} was released`);
        if (s.error !== undefined) throw s.error;
        const pushed = this.takePush(s);
        if (pushed !== undefined) {
          values.set(k, pushed.value);
          continue;
        }
        const w = s.workers[0];
        if (w === undefined) throw new Error(`gather: key ${k} is in memory on no worker`);
        let ks = byWorker.get(w);
        if (ks === undefined) byWorker.set(w, (ks = []));
        ks.push(k);
      }
      const replies = await Promise.all([...byWorker].map(([w, ks]) => this.fetch(w, ks)));
      const retry: string[] = [];
      for (const r of replies) {
        for (const [k, v] of r.values) values.set(k, v);
        retry.push(...r.missing);
      }
      // Missing: the worker was lost; wait for the scheduler to report the recomputed result.
      for (const k of retry) {
        const s = this.keys.get(k)!;
        s.status = 'pending';
        s.workers = [];
      }
      await Promise.all(retry.map((k) => this.waitFor(this.keys.get(k)!)));
      todo = retry;
    }
    return futures.map((f) => values.get(f.key));
  }

  /** Resolves when `s` is finished; rejects with its error. */
  async waitFor(s: KeyState): Promise<void> {
    if (s.status === 'pending') await this.hold(async () => {
      while (s.status === 'pending') await new Promise<void>((r) => s.waiters.push(r));
    });
    if (s.error !== undefined) throw s.error;
  }

  private busy = 0;
  private keepAlive: NodeJS.Timeout | undefined;

  /**
   * Keeps the process alive while the caller waits on the cluster: task threads
   * and the in-process transport hold no reference on the event loop by
   * themselves, and Node would otherwise exit with the await still pending.
   */
  private async hold<T>(fn: () => Promise<T>): Promise<T> {
    // One timer, referenced only while someone waits: ref/unref is cheaper than a
    // new interval per wait, which a loop of one-task round trips paid each time.
    if (this.busy++ === 0) (this.keepAlive ??= setInterval(() => {}, 1 << 30)).ref();
    try {
      return await fn();
    } finally {
      if (--this.busy === 0) this.keepAlive?.unref();
    }
  }

  async gatherOne(state: KeyState): Promise<unknown> {
    this.wantPush(state);
    await this.waitFor(state);
    // the common one-task round trip: the value is here already
    const pushed = this.takePush(state);
    if (pushed !== undefined) return pushed.value;
    const f = new Future(this, state);
    try {
      return (await this.gather([f]))[0];
    } finally {
      f.release();
    }
  }

  private fetch(worker: string, keys: string[]): Promise<{ values: Map<string, unknown>; missing: string[] }> {
    return this.hold(() => new Promise((resolve, reject) => {
      const requestId = ++this.requestCounter;
      this.requests.set(requestId, (msg, attachments) => {
        const m = msg as MsgOf<'DataReply'>;
        try {
          const values = new Map<string, unknown>();
          for (const it of m.items) values.set(it.key, decodeValue(it.value.header, it.value.buffers.map((i) => attachments[i]!)));
          resolve({ values, missing: m.missing });
        } catch (err) {
          reject(err);
        }
      });
      this.requestPeers.set(requestId, worker);
      this.lostReplies.set(requestId, () => {
        this.requests.delete(requestId);
        this.lostReplies.delete(requestId);
        resolve({ values: new Map(), missing: keys });
      });
      if (!this.send(worker, { type: 'GetData', requestId, replyTo: this.address, keys }, newStimulusId('gather'))) {
        this.requests.delete(requestId);
        this.requestPeers.delete(requestId);
        this.lostReplies.delete(requestId);
        resolve({ values: new Map(), missing: keys });
      }
    }));
  }

  private answer(requestId: number, msg: Msg, attachments: ArrayBufferView[]): void {
    const r = this.requests.get(requestId);
    this.requests.delete(requestId);
    this.requestPeers.delete(requestId);
    this.lostReplies.delete(requestId);
    r?.(msg, attachments);
  }

  /**
   * Puts local values on the workers (round-robin, or on every worker with
   * `broadcast`) and returns Futures for them, to pass to `submit` or graphs.
   */
  async scatter<T = unknown>(data: T[], options?: { broadcast?: boolean }): Promise<Future<T>[]>;
  async scatter<T = unknown>(data: T, options?: { broadcast?: boolean }): Promise<Future<T>>;
  async scatter(data: unknown, options: { broadcast?: boolean } = {}): Promise<Future | Future[]> {
    this.checkOpen('scatter');
    const many = Array.isArray(data);
    const values = many ? (data as unknown[]) : [data];
    const workers = await this.workerAddresses();
    if (workers.length === 0) throw new Error('scatter: the cluster has no workers');
    const keys = values.map(() => `scatter-${this.address.slice(7)}-${++this.taskCounter}`);
    const placements = new Map<string, number[]>();
    values.forEach((_, i) => {
      const targets = options.broadcast ? workers : [workers[this.scatterTurn++ % workers.length]!];
      for (const w of targets) {
        let l = placements.get(w);
        if (l === undefined) placements.set(w, (l = []));
        l.push(i);
      }
    });
    const futures = keys.map((k) => new Future(this, this.stateOf(k)));
    let refusedBroadcasts = 0;
    const encodeItems = (idx: number[]) => {
      const attachments: ArrayBufferView[] = [];
      const items: DataItem[] = idx.map((i) => ({ key: keys[i]!, value: attach(encodeValue(values[i]), attachments) }));
      return { items, attachments };
    };
    // A large broadcast is written once to the cluster's blob store (NATS: a JetStream
    // object store) and every worker reads it there, instead of one copy per worker.
    // a broadcast sends every worker the same items: encode them once
    let broadcastEncoding: ReturnType<typeof encodeItems> | undefined;
    const encodingFor = (idx: number[]) => (options.broadcast ? (broadcastEncoding ??= encodeItems(idx)) : encodeItems(idx));
    let stored: { name: string; store: BlobStore } | undefined;
    const store = options.broadcast && placements.size > 1 ? ((await this.endpoint.blobStore?.()) ?? null) : null;
    if (store !== null) {
      const all = encodingFor(values.map((_, i) => i));
      const bytes = all.attachments.reduce((a, b) => a + b.byteLength, 0);
      if (bytes >= BROADCAST_STORE_BYTES) {
        const name = `${keys[0]}-${Math.random().toString(36).slice(2)}`;
        try {
          await store.put(name, all.attachments);
          stored = { name, store };
        } catch (err) {
          this.log(`scatter: could not write the broadcast to the blob store (${(err as Error).message}); sending it to each worker`);
        }
      }
    }
    const put = async (w: string, idx: number[], tried: Set<string>, viaStore = stored !== undefined): Promise<void> => {
      tried.add(w);
      const encoded = encodingFor(idx);
      const { items, attachments } = viaStore ? { items: encoded.items, attachments: [] } : encoded;
      const ack = await this.hold(() => new Promise<MsgOf<'PutDataAck'>>((resolve, reject) => {
        const requestId = ++this.requestCounter;
        this.requests.set(requestId, (m) => resolve(m as MsgOf<'PutDataAck'>));
        this.requestPeers.set(requestId, w);
        this.lostReplies.set(requestId, () => {
          this.requests.delete(requestId);
          reject(new Error(`scatter: worker ${w} was lost before it acknowledged the data`));
        });
        const msg: Msg = viaStore ? { type: 'PutData', requestId, replyTo: this.address, items, stored: stored!.name } : { type: 'PutData', requestId, replyTo: this.address, items };
        if (!this.send(w, msg, newStimulusId('scatter'), attachments)) {
          this.requests.delete(requestId);
          reject(new Error(`scatter: worker ${w} is gone`));
        }
      }));
      if (ack.refused === true && viaStore) {
        // It could not read the blob store: send it the data itself.
        tried.delete(w);
        return put(w, idx, tried, false);
      }
      if (ack.refused === true) {
        // The worker is leaving the cluster: a broadcast just skips it, a
        // single placement moves to a worker not yet tried.
        if (options.broadcast) {
          refusedBroadcasts++;
          return;
        }
        const next = workers.find((x) => !tried.has(x));
        if (next === undefined) throw new Error('scatter: every worker refused the data (they are all leaving the cluster)');
        return put(next, idx, tried);
      }
      this.send(this.schedulerAddress, { type: 'AddKeys', clientId: this.address, keys: idx.map((i) => keys[i]!), workers: [w], nbytes: ack.nbytes }, newStimulusId('scatter'));
    };
    try {
      await Promise.all([...placements].map(([w, idx]) => put(w, idx, new Set())));
    } finally {
      // every worker has its copy (or failed): the stored one is no longer needed
      if (stored !== undefined) await stored.store.delete(stored.name).catch(() => {});
    }
    if (options.broadcast && placements.size > 0 && refusedBroadcasts === placements.size) throw new Error('scatter: every worker refused the data (they are all leaving the cluster)');
    return many ? futures : futures[0]!;
  }

  // ---------------- lifecycle ----------------

  /** Stops `futures`: pending ones reject with CancelledError and their tasks are dropped. */
  async cancel(futures: Future | Future[]): Promise<void> {
    const list = Array.isArray(futures) ? futures : [futures];
    const keys: string[] = [];
    for (const f of list) {
      const s = this.keys.get(f.key);
      if (s === undefined) continue;
      keys.push(f.key);
      if (s.status === 'pending') {
        s.status = 'cancelled';
        s.error = new CancelledError(f.key);
        this.wake(s);
      }
      this.keys.delete(f.key);
    }
    if (keys.length > 0) this.send(this.schedulerAddress, { type: 'CancelKeys', clientId: this.address, keys }, newStimulusId('cancel'));
  }

  /** Progress snapshots of this client's work as they arrive, until `signal` aborts or the client closes. */
  progress(signal?: AbortSignal): AsyncIterable<ProgressSnapshot> {
    return this.feed.iterate(signal);
  }

  /** Releases everything, disconnects, and stops the cluster if this client started it. */
  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsentGraphs = []; // nothing will wait for them
    this.send(this.schedulerAddress, { type: 'Unregister', id: this.address }, newStimulusId('close'));
    for (const s of this.keys.values()) {
      if (s.status === 'pending') {
        s.status = 'cancelled';
        s.error = new CancelledError(s.key);
        this.wake(s);
      }
    }
    this.keys.clear();
    // Nothing is awaited from a closed client: the keep-alive must not outlive it.
    clearInterval(this.keepAlive);
    clearInterval(this.pinger);
    this.feed.end();
    if (current === this) current = undefined;
    // Let the goodbye reach the scheduler before the transport goes.
    await new Promise((r) => setImmediate(r));
    super.close();
    await this.cluster?.close();
    await this.ownedTransport?.close();
    await this.processCluster?.close();
  }

  // ---------------- key states ----------------

  private stateOf(key: string): KeyState {
    let s = this.keys.get(key);
    if (s === undefined) {
      s = { key, status: 'pending', workers: [], nbytes: 0, typeName: '', error: undefined, waiters: [], refs: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  private onKeysUpdate(m: MsgOf<'KeysUpdate'>): void {
    for (const k of m.memory) {
      const s = this.keys.get(k.key);
      if (s === undefined || s.status === 'cancelled') continue;
      s.status = 'finished';
      s.workers = k.workers;
      s.nbytes = k.nbytes;
      s.typeName = k.typeName;
      this.wake(s);
    }
    for (const k of m.erred) {
      const s = this.keys.get(k.key);
      if (s === undefined || s.status === 'cancelled') continue;
      s.status = 'error';
      s.error = new RemoteError(k.key, k.errorType, k.message, k.stack, k.workerId);
      this.wake(s);
    }
  }

  private wake(s: KeyState): void {
    const ws = s.waiters;
    s.waiters = [];
    for (const w of ws) w();
  }

  releaseRef(state: KeyState): void {
    if (--state.refs > 0 || this.closed) return;
    if (this.keys.get(state.key) !== state) return;
    this.keys.delete(state.key);
    // Whoever still waits on a released key (the other half of a compute that
    // already failed) would never hear of it again, and the wait's keep-alive
    // would hold the process open after close: end the wait now.
    if (state.status === 'pending' && state.waiters.length > 0) {
      state.status = 'cancelled';
      state.error = new CancelledError(state.key);
      this.wake(state);
    }
    if (this.toRelease.length === 0) {
      queueMicrotask(() => {
        const keys = this.toRelease;
        this.toRelease = [];
        if (!this.closed) this.send(this.schedulerAddress, { type: 'ReleaseKeys', clientId: this.address, keys }, newStimulusId('release'));
      });
    }
    this.toRelease.push(state.key);
  }

  private checkOpen(what: string): void {
    if (this.closed) throw new Error(`${what}: the client is closed`);
  }
}
