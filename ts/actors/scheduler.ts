/**
 * The Scheduler actor: decodes messages into SchedulerState events and turns
 * the state machine's instructions into batched messages — one ComputeTasks
 * and one FreeKeys per worker, one KeysUpdate per client, per incoming message.
 */
import { randomUUID } from 'node:crypto';
import { Actor, type Handlers, type Logger } from './actor.js';
import { Dashboard, type DashboardOptions } from './dashboard/server.js';
import type { ComputeTask, KeyErred, KeyInMemory, Msg, MsgOf, WireArg, WorkerInfo } from './protocol/messages.js';
import { SchedulerState, type Instruction, type SchedulerOptions, type TaskRecord } from './scheduler-state.js';
import { attach } from './serialize.js';
import type { Transport } from './transport.js';

/** What the scheduler keeps of a task to send it later: args with their buffers attached. */
interface TaskPayload {
  args: Array<{ ref?: string; literal?: { header: Uint8Array; views: ArrayBufferView[] } }>;
  /** The client that asked for this result to be pushed to it (it was waiting on it already). */
  pushTo?: string;
}

export class Scheduler extends Actor {
  readonly state: SchedulerState;
  private readonly workers = new Set<string>();
  private readonly clients = new Set<string>();
  private readonly progressSent = new Map<string, number>();
  private readonly progressTimers = new Map<string, NodeJS.Timeout>();
  private stimulus = '';
  /** This scheduler's incarnation: workers and clients that see it change know it restarted. */
  readonly schedulerId = randomUUID();
  private readonly startedAt = Date.now();
  /** The latest heartbeat of each worker (for Identity). */
  private readonly metrics = new Map<string, MsgOf<'Heartbeat'>>();
  private readonly retiring = new Set<string>();

  protected readonly handlers: Handlers = {
    RegisterWorker: (m) => {
      // The same name registering again is a restarted process: what the old one held is gone.
      if (this.workers.has(m.workerId)) this.forget(m.workerId);
      this.workers.add(m.workerId);
      this.lastSeen.set(m.workerId, Date.now());
      this.state.addWorker(m.workerId, m.nthreads, m.memoryLimit);
      this.sendTo(m.workerId, this.welcome(false));
    },
    RegisterClient: (m) => {
      // A client registering again (now and then, and after a reconnect) hears again
      // about the keys it wants: a KeysUpdate lost in flight must not leave it waiting.
      if (this.clients.has(m.clientId)) this.state.resendClientState(m.clientId);
      this.clients.add(m.clientId);
      this.sendTo(m.clientId, this.welcome(false));
    },
    Unregister: (m, env) => {
      // Only an actor itself may say it is leaving.
      if (m.id === env.sender) this.forget(m.id);
    },
    Heartbeat: (m) => {
      if (!this.workers.has(m.workerId)) {
        // A worker this scheduler does not know (it restarted, or took the worker for
        // dead): the worker drops what it holds and registers afresh.
        this.sendTo(m.workerId, this.welcome(true));
        return;
      }
      this.metrics.set(m.workerId, m);
      // After a reconnect the worker asks for its tasks again: ComputeTasks may have been lost.
      if (m.resync) {
        const tasks = this.state.processingOn(m.workerId);
        if (tasks.length > 0) this.sendCompute(m.workerId, tasks);
      }
      this.state.setPaused(m.workerId, m.paused || this.retiring.has(m.workerId));
    },
    // A worker leaving on purpose gets no new tasks; it unregisters once its results are copied.
    Retire: (m) => {
      this.retiring.add(m.workerId);
      this.state.setPaused(m.workerId, true);
    },
    Identify: (m) => this.sendTo(m.replyTo, this.identity(m.requestId)),
    UpdateGraph: (m, env) => {
      const push = new Set(m.push);
      this.state.updateGraph(m.clientId, m.tasks.map((t) => ({
        key: t.key, op: t.op, deps: t.dependencies, priority: t.priority, retries: t.retries,
        payload: {
          args: t.args.map((a) => this.keepArg(a, env.attachments)),
          pushTo: push.has(t.key) ? m.clientId : undefined,
        } satisfies TaskPayload,
      })), m.wanted);
    },
    TasksDone: (m) => {
      for (const f of m.finished) this.state.taskFinished(m.workerId, f.key, f.nbytes, f.typeName, f.pushedTo);
      for (const e of m.erred) {
        if (e.missingKey) {
          this.state.missingData(m.workerId, e.key, e.missingKey, e.missingFrom ?? '');
          // A liveness probe: if that worker is gone, the transport says so (no responders).
          if (e.missingFrom && this.workers.has(e.missingFrom)) this.sendTo(e.missingFrom, { type: 'FreeKeys', keys: [] });
        } else {
          this.state.taskErred(m.workerId, e.key, e, e.threadDied);
        }
      }
    },
    AddKeys: (m) => {
      for (const w of m.workers) this.state.addKeys(m.clientId, w, m.keys.map((key, i) => ({ key, nbytes: m.nbytes[i] ?? 0 })));
    },
    ReleaseKeys: (m) => this.state.releaseKeys(m.clientId, m.keys),
    CancelKeys: (m) => this.state.releaseKeys(m.clientId, m.keys),
    StealResponse: (m) => this.state.stealResponse(m.workerId, m.stolen),
  };

  /** When each worker was last heard from (any message counts as a heartbeat). */
  private readonly lastSeen = new Map<string, number>();
  private readonly reaper: NodeJS.Timeout;

  /**
   * `workerTtlMs`: a worker silent for this long is taken for dead (its tasks
   * rerun, its results recomputed) — the only sign of death over a network.
   */
  constructor(transport: Transport, address = 'scheduler', options: Partial<SchedulerOptions> & { workerTtlMs?: number } = {}, log?: Logger) {
    super(transport, address, log);
    this.state = new SchedulerState(options);
    const ttl = options.workerTtlMs ?? 30_000;
    this.reaper = setInterval(() => {
      const now = Date.now();
      for (const [w, t] of this.lastSeen) {
        if (now - t > ttl) {
          this.log(`${this.address}: worker ${w} silent for ${now - t} ms; taken for dead`);
          this.forget(w);
        }
      }
      this.flush();
    }, Math.max(10, Math.min(1000, ttl / 3)));
    this.reaper.unref();
  }

  override receive(bytes: Uint8Array, attachments: ArrayBufferView[], senderRole?: string): void {
    super.receive(bytes, attachments, senderRole);
    this.flush();
  }

  protected override touched(sender: string): void {
    if (this.lastSeen.has(sender)) this.lastSeen.set(sender, Date.now());
  }

  protected override peerLost(peer: string): void {
    this.forget(peer);
    this.flush();
  }

  private dashboard: Dashboard | undefined;

  /**
   * Serves the live status page (see dashboard/server.ts) until close(); returns
   * its URL, which Welcome and Identity carry to clients from then on.
   */
  async serveDashboard(options: DashboardOptions = {}): Promise<string> {
    if (this.dashboard !== undefined) throw new Error(`serveDashboard: already serving at ${this.dashboard.url}`);
    this.dashboard = await Dashboard.start(this, options);
    return this.dashboard.url;
  }

  /** The status page's URL; '' when there is none. */
  get dashboardLink(): string {
    return this.dashboard?.url ?? '';
  }

  /** When `workerId` was last heard from (ms since the epoch), if it is known. */
  lastHeard(workerId: string): number | undefined {
    return this.lastSeen.get(workerId);
  }

  private welcome(reset: boolean): MsgOf<'Welcome'> {
    return { type: 'Welcome', schedulerId: this.schedulerId, reset, dashboardLink: this.dashboardLink };
  }

  private forget(id: string): void {
    this.lastSeen.delete(id);
    this.metrics.delete(id);
    this.retiring.delete(id);
    if (this.workers.delete(id)) this.state.removeWorker(id);
    if (this.clients.delete(id)) this.state.removeClient(id);
  }

  /** Who is in the cluster and what they are doing. */
  identity(requestId = 0): MsgOf<'Identity'> {
    const workers: WorkerInfo[] = [];
    let processing = 0;
    for (const w of this.state.workers.values()) {
      const h = this.metrics.get(w.id);
      processing += w.processing.size;
      workers.push({
        id: w.id, nthreads: w.nthreads, memoryLimit: w.memoryLimit, memory: h?.memory ?? 0, spilled: h?.spilled ?? 0,
        executing: h?.executing ?? 0, queued: h?.queued ?? 0, paused: w.paused, keys: w.hasWhat.size,
      });
    }
    return {
      type: 'Identity', requestId, schedulerId: this.schedulerId, workers, clients: this.clients.size,
      tasks: this.state.tasks.size, processing, uptimeMs: Date.now() - this.startedAt, dashboardLink: this.dashboardLink,
    };
  }

  private keepArg(a: WireArg, attachments: ArrayBufferView[]): TaskPayload['args'][number] {
    if (a.ref !== undefined) return { ref: a.ref };
    return { literal: { header: a.literal!.header, views: a.literal!.buffers.map((i) => attachments[i]!) } };
  }

  /**
   * Sends what the state machine decided, batched per recipient. A worker's
   * frees and computes keep their order: a dependent freed because its input
   * was lost, then given again, must reach the worker as free-then-compute.
   */
  private flush(): void {
    const out = this.state.drain();
    if (out.length === 0) return;
    const toWorkers = new Map<string, Array<{ free: boolean; keys: string[]; tasks: TaskRecord[] }>>();
    const updates = new Map<string, { memory: KeyInMemory[]; erred: KeyErred[] }>();
    const progress = new Set<string>();
    const segment = (worker: string, free: boolean) => {
      let l = toWorkers.get(worker);
      if (l === undefined) toWorkers.set(worker, (l = []));
      let last = l[l.length - 1];
      if (last === undefined || last.free !== free) l.push((last = { free, keys: [], tasks: [] }));
      return last;
    };
    const update = (c: string) => {
      let u = updates.get(c);
      if (u === undefined) updates.set(c, (u = { memory: [], erred: [] }));
      return u;
    };
    for (const i of out as Instruction[]) {
      switch (i.type) {
        case 'compute': segment(i.worker, false).tasks.push(...i.tasks); break;
        case 'free': segment(i.worker, true).keys.push(...i.keys); break;
        case 'steal': this.sendTo(i.worker, { type: 'Steal', keys: i.keys }); break;
        case 'memory': update(i.client).memory.push({ key: i.key, workers: i.workers, nbytes: i.nbytes, typeName: i.typeName }); break;
        case 'erred': update(i.client).erred.push({ errorType: i.error.errorType, message: i.error.message, stack: i.error.stack, workerId: i.error.workerId, key: i.key, cancelled: false }); break;
        case 'progress': progress.add(i.client); break;
      }
    }
    for (const [w, segments] of toWorkers) {
      for (const sg of segments) {
        if (sg.free) this.sendTo(w, { type: 'FreeKeys', keys: sg.keys });
        else this.sendCompute(w, sg.tasks);
      }
    }
    for (const [c, u] of updates) this.sendTo(c, { type: 'KeysUpdate', ...u });
    for (const c of progress) this.sendProgress(c);
  }

  private sendTo(to: string, msg: Msg, attachments?: ArrayBufferView[]): void {
    this.send(to, msg, this.stimulus, attachments);
  }

  private sendCompute(worker: string, tasks: TaskRecord[]): void {
    const attachments: ArrayBufferView[] = [];
    const msgs: ComputeTask[] = tasks.map((t) => {
      const payload = t.payload as TaskPayload;
      return {
        key: t.key, op: t.op, priority: t.priority,
        args: payload.args.map((a) => {
          if (a.ref !== undefined) return { ref: a.ref };
          return { literal: attach({ header: a.literal!.header, buffers: a.literal!.views }, attachments) };
        }),
        whoHas: t.deps.map((d) => ({ key: d.key, workers: [...d.whoHas].map((w) => w.id) })),
        // only while that client still wants it (it may have let go since)
        pushTo: payload.pushTo !== undefined && t.wantedBy.has(payload.pushTo) ? payload.pushTo : undefined,
      };
    });
    this.sendTo(worker, { type: 'ComputeTasks', tasks: msgs }, attachments);
  }

  /** Progress at most every 100 ms per client, and always when its work is all done. */
  private sendProgress(client: string): void {
    if (!this.clients.has(client)) return;
    const p = this.state.progress.get(client);
    if (p === undefined) return;
    const now = Date.now();
    const last = this.progressSent.get(client) ?? 0;
    const complete = p.finished + p.erred >= p.total;
    if (!complete && now - last < 100) {
      if (!this.progressTimers.has(client)) {
        const t = setTimeout(() => {
          this.progressTimers.delete(client);
          this.sendProgress(client);
        }, 100 - (now - last));
        t.unref();
        this.progressTimers.set(client, t);
      }
      return;
    }
    this.progressSent.set(client, now);
    let processing = 0;
    for (const w of this.state.workers.values()) processing += w.processing.size;
    this.sendTo(client, { type: 'Progress', total: p.total, finished: p.finished, erred: p.erred, processing });
  }

  override close(): void {
    clearInterval(this.reaper);
    for (const t of this.progressTimers.values()) clearTimeout(t);
    void this.dashboard?.close();
    super.close();
  }

  /** close(), resolving once the dashboard's port is released. */
  async stop(): Promise<void> {
    this.close();
    await this.dashboard?.close();
  }
}
