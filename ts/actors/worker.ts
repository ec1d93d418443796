/**
 * The Worker actor: receives batches of tasks from the scheduler, fetches
 * inputs it lacks from peer workers, runs ops on a piscina pool of
 * `threadsPerWorker` threads, keeps results (spilling past its memory target),
 * serves them to peers and clients, and reports finished/erred tasks in batches.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { Actor, newStimulusId, type Handlers, type Logger } from './actor.js';
import { MinHeap } from './heap.js';
import type { ComputeTask, DataItem, MsgOf, PushedItem, TaskErred, TaskFinished, WireValue } from './protocol/messages.js';
import { attach, decodeValue, encodeValue, typeName } from './serialize.js';
import type { ThreadArg, ThreadResult, ThreadTask } from './task-thread.js';
import { pack, unpack } from './thread-values.js';
import type { Transport } from './transport.js';
import { processWarmth } from './warm-threads.js';
import { WorkerStore } from './worker-store.js';

export interface WorkerOptions {
  id: string;
  scheduler: string;
  threads: number;
  memoryLimit: number;
  /** Modules every task thread imports (URLs or absolute paths): they register ops. */
  modules: string[];
  spillTarget?: number;
  pauseFraction?: number;
  spillDir?: string;
  heartbeatMs?: number;
  /**
   * How long a task thread stays awake after a tiny one-task batch for the next, ms
   * (default 0: never; `Client.local` gives 1). See warm-threads.ts.
   */
  spinMs?: number;
  log?: Logger;
}

interface PendingTask {
  task: ComputeTask;
  attachments: ArrayBufferView[];
  /** Inputs still being fetched from peers. */
  missing: Set<string>;
}

/**
 * Results at most this big go straight to a client waiting on them (PushData),
 * beside the TasksDone; bigger ones wait for the client's GetData, so a client
 * never receives more than it asked for at once.
 */
export const PUSH_MAX_BYTES = 256 * 1024;

/** How long after a reconnect the worker keeps resynchronising (every heartbeat). */
const RESYNC_MS = 5000;

const THREAD_FILE = new URL('./task-thread.js', import.meta.url).href;

export class Worker extends Actor {
  readonly store: WorkerStore;
  readonly pool: Piscina<ThreadTask[], ThreadResult[]>;
  private readonly queue = new MinHeap<PendingTask>((p) => p.task.priority);
  private readonly pending = new Map<string, PendingTask>();
  private readonly fetching = new Map<string, PendingTask[]>();
  /** Running keys; `false` once the scheduler freed the key (the result is dropped). */
  private readonly running = new Map<string, boolean>();
  private finished: TaskFinished[] = [];
  private erred: TaskErred[] = [];
  private replicas: Array<{ key: string; nbytes: number }> = [];
  /** Small results for clients waiting on them, by client, sent with the next flush. */
  private pushes = new Map<string, { items: PushedItem[]; attachments: ArrayBufferView[] }>();
  private flushScheduled = false;
  private requestCounter = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private wasPaused = false;
  /** Calls into piscina in flight (each a batch of tasks). */
  private calls = 0;
  /** Moving average of task run time (ms) on the threads: decides the batch size. */
  private avgTaskMs = 1;
  private closed = false;

  protected readonly handlers: Handlers = {
    ComputeTasks: (m, env) => this.onCompute(m, env.attachments),
    FreeKeys: (m) => this.onFree(m.keys),
    Steal: (m, env) => this.onSteal(m.keys, env.stimulusId),
    GetData: (m) => this.onGetData(m),
    DataReply: (m, env) => this.onDataReply(m, env.attachments),
    PutData: (m, env) => this.onPutData(m, env.attachments),
    Welcome: (m) => this.onWelcome(m),
    Identity: (m) => this.replies.get(m.requestId)?.(m),
    PutDataAck: (m) => this.replies.get(m.requestId)?.(m),
  };
  /** Answers awaited by `retire` (Identity, PutDataAck), by request id. */
  private readonly replies = new Map<number, (m: MsgOf<'Identity'> | MsgOf<'PutDataAck'> | undefined) => void>();
  /** Whom each of those requests went to, so a lost peer fails them at once. */
  private readonly replyPeers = new Map<number, string>();
  /** Until when heartbeats ask the scheduler to resend this worker's tasks (after a reconnect). */
  private resyncUntil = 0;
  /** Set by `retire`: no task starts any more. */
  private retiring = false;
  /** The scheduler incarnation this worker registered with ('' until welcomed). */
  schedulerId = '';
  /** Input fetches awaiting a DataReply, by request id: who was asked for what. */
  private readonly fetchRequests = new Map<number, { peer: string; keys: string[] }>();

  constructor(transport: Transport, private readonly options: WorkerOptions) {
    super(transport, options.id, options.log);
    this.store = new WorkerStore({
      memoryLimit: options.memoryLimit, target: options.spillTarget ?? 0.6, pause: options.pauseFraction ?? 0.8,
      spillDir: options.spillDir,
    });
    this.pool = new Piscina<ThreadTask[], ThreadResult[]>({
      filename: THREAD_FILE,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      // Threads idle in their event loop, not in piscina's Atomics.wait loop: a thread
      // blocked there never runs timers, so it never collected the SharedArrayBuffers
      // of finished tasks and a worker process grew by every input it had run on
      // (100 MB per 100 MB task over NATS). Measured: throughput and round trip unchanged.
      atomics: 'disabled',
      recordTiming: false, // no per-task histogram: it costs on the hot path and nothing reads it
      workerData: { modules: options.modules, warmth: processWarmth(options.spinMs ?? 0, availableParallelism()) },
    });
    this.register();
    this.heartbeat = setInterval(() => (Date.now() < this.resyncUntil ? this.resync() : this.sendHeartbeat()), options.heartbeatMs ?? 1000);
    this.heartbeat.unref();
  }

  private register(): void {
    const o = this.options;
    this.send(o.scheduler, { type: 'RegisterWorker', workerId: o.id, nthreads: o.threads, memoryLimit: o.memoryLimit }, newStimulusId('register'));
  }

  /**
   * The scheduler greets this worker. A new incarnation, or a scheduler that does
   * not know this worker (`reset`), owns none of what is here: drop it all and
   * register afresh.
   */
  private onWelcome(m: MsgOf<'Welcome'>): void {
    const stale = m.reset || (this.schedulerId !== '' && this.schedulerId !== m.schedulerId);
    this.schedulerId = m.schedulerId;
    if (!stale) return;
    this.log(`${this.address}: scheduler ${m.schedulerId} does not know this worker; dropping its state and registering again`);
    this.dropState();
    this.register();
  }

  /** Forgets every task and result (running tasks finish unreported). */
  private dropState(): void {
    for (const k of this.running.keys()) this.running.set(k, false);
    this.pending.clear();
    this.fetching.clear();
    this.fetchRequests.clear();
    this.finished = [];
    this.erred = [];
    this.replicas = [];
    for (const k of this.store.keys()) this.store.delete(k);
  }

  /**
   * The connection came back after messages may have been lost: ask the
   * scheduler for this worker's tasks again (a resync heartbeat) and ask peers
   * again for inputs still awaited. Duplicates are harmless on both sides.
   */
  protected override reconnected(): void {
    if (this.closed) return;
    // The scheduler and peers reconnect on their own time, and a message to an actor
    // not yet resubscribed is dropped: keep asking for a few heartbeats.
    this.resyncUntil = Date.now() + RESYNC_MS;
    this.resync();
  }

  private resync(): void {
    this.sendHeartbeat(true);
    for (const [requestId, r] of this.fetchRequests) {
      this.send(r.peer, { type: 'GetData', requestId, replyTo: this.address, keys: r.keys }, newStimulusId('refetch'));
    }
  }

  /** A peer is gone: inputs asked of it will never come. */
  protected override peerLost(peer: string): void {
    for (const [id, to] of this.replyPeers) if (to === peer) this.replies.get(id)?.(undefined);
    for (const [id, r] of this.fetchRequests) {
      if (r.peer !== peer) continue;
      this.onDataReply({ type: 'DataReply', requestId: id, items: [], missing: r.keys }, []);
    }
  }

  /** Tasks queued here and not yet started (what stealing may take). */
  get queued(): number {
    return this.pending.size - this.running.size;
  }

  // ---------------- tasks ----------------

  private onCompute(m: MsgOf<'ComputeTasks'>, attachments: ArrayBufferView[]): void {
    const fetches = new Map<string, string[]>();
    for (const task of m.tasks) {
      if (this.running.has(task.key)) {
        this.running.set(task.key, true); // freed then asked again: keep the run going
        continue;
      }
      if (this.pending.has(task.key)) continue;
      if (this.store.has(task.key)) {
        // Already computed (asked again after a reconnect): report it again.
        this.finished.push({ key: task.key, nbytes: this.store.nbytes(task.key), typeName: typeName(this.store.get(task.key)) });
        this.scheduleFlush();
        continue;
      }
      const p: PendingTask = { task, attachments, missing: new Set() };
      this.pending.set(task.key, p);
      for (const { key, workers } of task.whoHas) {
        if (this.store.has(key)) continue;
        p.missing.add(key);
        const waiting = this.fetching.get(key);
        if (waiting !== undefined) {
          waiting.push(p);
          continue;
        }
        this.fetching.set(key, [p]);
        const peer = workers.find((w) => w !== this.address) ?? workers[0];
        if (peer === undefined) continue;
        let keys = fetches.get(peer);
        if (keys === undefined) fetches.set(peer, (keys = []));
        keys.push(key);
      }
      if (p.missing.size === 0) this.queue.push(p);
    }
    for (const [peer, keys] of fetches) {
      const requestId = ++this.requestCounter;
      this.fetchRequests.set(requestId, { peer, keys });
      const ok = this.send(peer, { type: 'GetData', requestId, replyTo: this.address, keys }, newStimulusId('fetch'));
      if (!ok) this.onDataReply({ type: 'DataReply', requestId, items: [], missing: keys }, []);
    }
    this.startTasks();
  }

  private startTasks(): void {
    const paused = this.store.paused;
    if (paused !== this.wasPaused) {
      this.wasPaused = paused;
      this.sendHeartbeat();
    }
    if (paused || this.retiring) return;
    // Two calls per thread in piscina, so a thread never waits for a round trip.
    // Tiny tasks go in batches (one thread hand-off for many); slow ones one by one,
    // so they spread over threads and stay stealable.
    const limit = this.options.threads * 2;
    while (this.calls < limit && this.queue.size > 0) {
      const size = this.avgTaskMs < 0.5 ? Math.min(64, Math.ceil(this.queue.size / limit)) : 1;
      const batch: ThreadTask[] = [];
      while (batch.length < size && this.queue.size > 0) {
        const p = this.queue.pop()!;
        if (this.pending.get(p.task.key) !== p) continue; // freed or stolen meanwhile
        const t = this.prepare(p);
        if (t !== undefined) batch.push(t);
      }
      if (batch.length > 0) this.run(batch);
    }
  }

  private prepare(p: PendingTask): ThreadTask | undefined {
    const { key, op } = p.task;
    this.running.set(key, true);
    try {
      const args: ThreadArg[] = p.task.args.map((a) =>
        a.ref !== undefined ? { ref: a.ref } : { literal: this.views(a.literal!, p.attachments) });
      const deps: ThreadTask['deps'] = p.task.whoHas.map(({ key: k }) => [k, pack(this.store.get(k))]);
      return { key, op, args, deps, workerId: this.address };
    } catch (err) {
      const e = err as Error;
      this.done(key, { ok: false, errorType: e.name, message: e.message, stack: e.stack ?? '', ms: 0 }, false);
      return undefined;
    }
  }

  private run(batch: ThreadTask[]): void {
    this.calls++;
    this.pool.run(batch).then(
      (rs) => {
        this.calls--;
        for (let i = 0; i < batch.length; i++) {
          const r = rs[i]!;
          this.avgTaskMs = 0.9 * this.avgTaskMs + 0.1 * r.ms;
          this.done(batch[i]!.key, r, false);
        }
      },
      (err: Error) => {
        this.calls--;
        // The thread died (piscina starts a new one); every task of the batch is reported.
        for (const t of batch) {
          this.done(t.key, { ok: false, errorType: err?.name ?? 'Error', message: `task thread died: ${err?.message ?? err}`, stack: err?.stack ?? '', ms: 0 }, true);
        }
      },
    );
  }

  private views(v: WireValue, attachments: ArrayBufferView[]) {
    return { header: v.header, buffers: v.buffers.map((i) => attachments[i]!) };
  }

  private done(key: string, r: ThreadResult, threadDied: boolean): void {
    if (this.closed) return;
    const wanted = this.running.get(key);
    const pushTo = this.pending.get(key)?.task.pushTo;
    this.running.delete(key);
    this.pending.delete(key);
    if (wanted === true) {
      if (r.ok) {
        const value = unpack(r.result);
        const nbytes = this.store.put(key, value);
        const tn = typeName(value);
        const pushed = pushTo !== undefined && pushTo !== '' && nbytes <= PUSH_MAX_BYTES && this.queuePush(pushTo, { key, nbytes, typeName: tn }, value);
        this.finished.push({ key, nbytes, typeName: tn, pushedTo: pushed ? pushTo : undefined });
      } else {
        this.erred.push({ key, errorType: r.errorType, message: r.message, stack: r.stack, threadDied });
      }
      this.scheduleFlush();
    }
    this.startTasks();
  }

  private onFree(keys: string[]): void {
    for (const k of keys) {
      this.store.delete(k);
      const p = this.pending.get(k);
      this.pending.delete(k);
      if (p !== undefined) this.stopWaiting(p);
      if (this.running.has(k)) this.running.set(k, false);
    }
    this.startTasks();
  }

  /**
   * A freed task no longer waits for its inputs; a fetch nobody waits for is
   * forgotten, so the input is fetched afresh (perhaps from a new worker) when
   * a task needs it again.
   */
  private stopWaiting(p: PendingTask): void {
    for (const key of p.missing) {
      const waiting = this.fetching.get(key);
      if (waiting === undefined) continue;
      const rest = waiting.filter((q) => q !== p);
      if (rest.length > 0) this.fetching.set(key, rest);
      else this.fetching.delete(key);
    }
  }

  /** Gives back queued tasks that have not started; the scheduler places them elsewhere. */
  private onSteal(keys: string[], stimulusId: string): void {
    const stolen: string[] = [];
    for (const k of keys) {
      if (this.running.has(k) || !this.pending.has(k)) continue;
      this.pending.delete(k);
      stolen.push(k);
    }
    this.send(this.options.scheduler, { type: 'StealResponse', workerId: this.address, stolen }, stimulusId);
  }

  // ---------------- data ----------------

  private encodeItems(keys: string[]): { items: DataItem[]; missing: string[]; attachments: ArrayBufferView[] } {
    const items: DataItem[] = [];
    const missing: string[] = [];
    const attachments: ArrayBufferView[] = [];
    for (const key of keys) {
      if (!this.store.has(key)) {
        missing.push(key);
        continue;
      }
      items.push({ key, value: attach(encodeValue(this.store.get(key)), attachments) });
    }
    return { items, missing, attachments };
  }

  /** Adds a small result to what goes to `client` with the next flush; false when it cannot be sent. */
  private queuePush(client: string, item: Omit<PushedItem, 'value'>, value: unknown): boolean {
    let enc;
    try {
      enc = encodeValue(value);
    } catch {
      return false; // not sendable: the client's GetData gets the same error, reported there
    }
    let p = this.pushes.get(client);
    if (p === undefined) this.pushes.set(client, (p = { items: [], attachments: [] }));
    p.items.push({ ...item, value: attach(enc, p.attachments) });
    return true;
  }

  private onGetData(m: MsgOf<'GetData'>): void {
    const { items, missing, attachments } = this.encodeItems(m.keys);
    this.send(m.replyTo, { type: 'DataReply', requestId: m.requestId, items, missing }, newStimulusId('data'), attachments);
  }

  private onDataReply(m: MsgOf<'DataReply'>, attachments: ArrayBufferView[]): void {
    const peer = this.fetchRequests.get(m.requestId)?.peer ?? '';
    this.fetchRequests.delete(m.requestId);
    for (const it of m.items) {
      const waiting = this.fetching.get(it.key);
      this.fetching.delete(it.key);
      if (waiting === undefined) continue;
      const value = decodeValue(it.value.header, inSharedMemory(it.value.buffers.map((i) => attachments[i]!)));
      const nbytes = this.store.put(it.key, value);
      this.replicas.push({ key: it.key, nbytes });
      for (const p of waiting) {
        p.missing.delete(it.key);
        if (p.missing.size === 0 && this.pending.get(p.task.key) === p) this.queue.push(p);
      }
    }
    for (const key of m.missing) {
      const waiting = this.fetching.get(key) ?? [];
      this.fetching.delete(key);
      for (const p of waiting) {
        if (this.pending.get(p.task.key) !== p) continue;
        this.pending.delete(p.task.key);
        // Not the task's failure: the scheduler re-places the input and runs the task again.
        this.erred.push({ key: p.task.key, errorType: 'MissingData', message: `input ${key} of task ${p.task.key} could not be fetched from ${peer || 'its worker'}`,
          stack: '', threadDied: true, missingKey: key, missingFrom: peer });
      }
    }
    this.scheduleFlush();
    this.startTasks();
  }

  private onPutData(m: MsgOf<'PutData'>, attachments: ArrayBufferView[]): void {
    if (this.retiring || this.closed) {
      // A leaving worker takes nothing: the sender gives the data to someone else.
      this.send(m.replyTo, { type: 'PutDataAck', requestId: m.requestId, nbytes: [], refused: true }, newStimulusId('put'));
      return;
    }
    if (m.stored !== undefined) {
      void this.putStored(m);
      return;
    }
    const nbytes = m.items.map((it) =>
      this.store.put(it.key, decodeValue(it.value.header, inSharedMemory(it.value.buffers.map((i) => attachments[i]!)))));
    this.send(m.replyTo, { type: 'PutDataAck', requestId: m.requestId, nbytes }, newStimulusId('put'));
  }

  /** A broadcast: the buffers wait in the cluster's blob store; a failed read is refused (the sender then sends them directly). */
  private async putStored(m: MsgOf<'PutData'>): Promise<void> {
    let buffers: Uint8Array[];
    try {
      const store = (await this.endpoint.blobStore?.()) ?? null;
      if (store === null) throw new Error('this transport has no blob store');
      buffers = await store.get(m.stored!);
    } catch (err) {
      this.log(`${this.address}: could not read broadcast ${m.stored} from the blob store; asking for it directly`, err);
      this.send(m.replyTo, { type: 'PutDataAck', requestId: m.requestId, nbytes: [], refused: true }, newStimulusId('put'));
      return;
    }
    this.onPutData({ ...m, stored: undefined }, buffers);
  }

  // ---------------- reporting ----------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One TasksDone per thread reply: all results of a batch arrive in one callback
    // and ride along in one message.
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    if (this.finished.length > 0 || this.erred.length > 0) {
      this.send(this.options.scheduler, { type: 'TasksDone', workerId: this.address, finished: this.finished, erred: this.erred }, newStimulusId('done'));
      this.finished = [];
      this.erred = [];
    }
    // Sent after the TasksDone, so in-process the scheduler hears of a result first
    // (over NATS the two may cross; the client takes either order).
    for (const [client, p] of this.pushes) {
      this.send(client, { type: 'PushData', workerId: this.address, items: p.items }, newStimulusId('push'), p.attachments);
    }
    this.pushes.clear();
    if (this.replicas.length > 0) {
      this.send(this.options.scheduler, { type: 'AddKeys', clientId: '', keys: this.replicas.map((r) => r.key), workers: [this.address], nbytes: this.replicas.map((r) => r.nbytes) }, newStimulusId('replica'));
      this.replicas = [];
    }
  }

  private sendHeartbeat(resync = false): void {
    if (this.closed) return;
    this.send(this.options.scheduler, {
      type: 'Heartbeat', workerId: this.address, memory: this.store.memoryBytes, spilled: this.store.spilledBytes,
      executing: this.running.size, queued: this.queued, paused: this.store.paused, resync,
    }, newStimulusId('heartbeat'));
  }

  /**
   * Leaves the cluster on purpose (SIGTERM, scale-down): starts nothing new,
   * lets running tasks finish and reports them, copies every result it holds to
   * the other workers (so nothing is recomputed), then unregisters — the
   * scheduler places its queued tasks elsewhere — and shuts down.
   */
  async retire(timeoutMs = 30_000): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + timeoutMs;
    this.retiring = true;
    this.send(this.options.scheduler, { type: 'Retire', workerId: this.address }, newStimulusId('retire'));
    while (this.calls > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    this.flush();
    try {
      await this.handOff(deadline);
    } catch (err) {
      this.log(`${this.address}: could not copy all results to peers before leaving; the scheduler recomputes the rest`, err);
    }
    this.send(this.options.scheduler, { type: 'Unregister', id: this.address }, newStimulusId('retire'));
    await this.shutdown();
  }

  private request<T extends MsgOf<'Identity'> | MsgOf<'PutDataAck'>>(to: string, deadline: number, make: (requestId: number) => Parameters<Worker['send']>[1], attachments?: ArrayBufferView[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const requestId = ++this.requestCounter;
      const settle = (): void => {
        clearTimeout(timer);
        this.replies.delete(requestId);
        this.replyPeers.delete(requestId);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`${to} did not answer in time`));
      }, Math.max(1, deadline - Date.now()));
      this.replies.set(requestId, (m) => {
        settle();
        if (m === undefined) reject(new Error(`${to} is gone`));
        else resolve(m as T);
      });
      this.replyPeers.set(requestId, to);
      this.send(to, make(requestId), newStimulusId('retire'), attachments);
    });
  }

  /**
   * Copies every stored result to live peers, round-robin, and tells the
   * scheduler where they are. A peer that refuses (it is leaving too) or is
   * gone passes its share to the next peer; what no peer takes is recomputed
   * by the scheduler from lineage.
   */
  private async handOff(deadline: number): Promise<void> {
    const keys = this.store.keys();
    if (keys.length === 0) return;
    const identity = await this.request<MsgOf<'Identity'>>(this.options.scheduler, deadline, (requestId) => ({ type: 'Identify', requestId, replyTo: this.address }));
    const peers = identity.workers.filter((w) => w.id !== this.address && !w.paused).map((w) => w.id);
    if (peers.length === 0) throw new Error('no other worker to take the results');
    const shares = new Map<number, string[]>();
    keys.forEach((k, i) => {
      const p = i % peers.length;
      shares.set(p, [...(shares.get(p) ?? []), k]);
    });
    const failed: string[] = [];
    await Promise.all([...shares].map(async ([first, ks]) => {
      const { items, attachments } = this.encodeItems(ks);
      for (let attempt = 0; attempt < peers.length; attempt++) {
        const peer = peers[(first + attempt) % peers.length]!;
        const ack = await this.request<MsgOf<'PutDataAck'>>(peer, deadline, (requestId) => ({ type: 'PutData', requestId, replyTo: this.address, items }), attachments)
          .catch(() => undefined);
        if (ack === undefined || ack.refused === true) continue;
        this.send(this.options.scheduler, { type: 'AddKeys', clientId: '', keys: items.map((it) => it.key), workers: [peer], nbytes: ack.nbytes }, newStimulusId('retire'));
        return;
      }
      failed.push(...ks);
    }));
    if (failed.length > 0) throw new Error(`no peer took ${failed.length} result(s)`);
  }

  /** Stops the worker: its threads end and its results are dropped. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.close();
    this.store.close();
    await this.pool.destroy();
  }
}

/**
 * `buffers`, each one not yet in shared memory copied into a SharedArrayBuffer. Data that
 * arrives here (scattered, fetched from a peer, read from the blob store) then reaches the
 * task threads by reference, instead of by a structured-clone copy for every task that reads
 * it: a GridSearchCV's scattered X (16 MB) was copied for each of its 72 fits, ~5 ms each.
 */
function inSharedMemory(buffers: ArrayBufferView[]): ArrayBufferView[] {
  return buffers.map((b) => {
    if (b.buffer instanceof SharedArrayBuffer) return b;
    const copy = new Uint8Array(new SharedArrayBuffer(b.byteLength));
    copy.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    return copy;
  });
}
