/**
 * The scheduler's state machine: events in, instructions out, no I/O. It knows
 * tasks, workers and clients; the Scheduler actor feeds it decoded messages and
 * sends the instructions it emits. Tested as plain data (scheduler-state.test.ts).
 *
 * Task lifecycle: released -> waiting (inputs missing) -> ready (in the priority
 * heap) -> processing (on a worker) -> memory | erred; memory -> released when no
 * client wants the result and no pending dependent needs it; released tasks are
 * forgotten once no dependent can need them again (their spec is the lineage
 * used to recompute results lost with a worker).
 */
import { MinHeap } from './heap.js';
import type { RemoteErrorInfo } from './protocol/messages.js';

export type TaskState = 'released' | 'waiting' | 'ready' | 'processing' | 'memory' | 'erred';

export interface TaskRecord {
  readonly key: string;
  readonly op: string;
  /** Opaque to the state machine: what the actor needs to build a compute-task message. */
  readonly payload: unknown;
  state: TaskState;
  priority: number;
  deps: TaskRecord[];
  dependents: Set<TaskRecord>;
  /** Dependents that are active and still need this result. */
  waiters: Set<TaskRecord>;
  /** Inputs not yet in memory. */
  waitingOn: number;
  wantedBy: Set<string>;
  owner: string;
  worker: WorkerRecord | undefined;
  whoHas: Set<WorkerRecord>;
  nbytes: number;
  typeName: string;
  retriesLeft: number;
  /** Times the task was running when its thread or worker died. */
  failures: number;
  stealing: boolean;
  error: (RemoteErrorInfo & { workerId: string }) | undefined;
}

export interface WorkerRecord {
  readonly id: string;
  readonly nthreads: number;
  readonly memoryLimit: number;
  processing: Set<TaskRecord>;
  hasWhat: Set<TaskRecord>;
  paused: boolean;
  /** The idle worker a pending steal request from this worker is for. */
  stealFor: WorkerRecord | undefined;
}

export type Instruction =
  | { type: 'compute'; worker: string; tasks: TaskRecord[] }
  | { type: 'free'; worker: string; keys: string[] }
  | { type: 'steal'; worker: string; keys: string[] }
  | { type: 'memory'; client: string; key: string; workers: string[]; nbytes: number; typeName: string }
  | { type: 'erred'; client: string; key: string; error: RemoteErrorInfo & { workerId: string } }
  | { type: 'progress'; client: string };

export interface NewTask {
  key: string;
  op: string;
  deps: string[];
  priority: number;
  retries: number;
  payload: unknown;
}

export interface SchedulerOptions {
  /** Deaths of a task's thread or worker tolerated before the task errs (KilledWorker). */
  allowedFailures: number;
  /** Tasks sent ahead per worker thread while results are large (or not yet seen). */
  saturation: number;
  /**
   * Tasks sent ahead per thread once results prove small (moving average under
   * 1 MB): tiny tasks need a deep pipeline to amortise round trips and thread
   * hand-offs, and small results cannot blow up memory.
   */
  smallResultSaturation: number;
}

export interface ClientProgress { total: number; finished: number; erred: number }

/** A task that failed on its own (not because an input failed), as the dashboard lists it. */
export interface ErrorRecord { key: string; errorType: string; message: string; workerId: string }

/** How many recent errors the state keeps (a bounded list: errors can be many). */
export const RECENT_ERRORS = 50;

export class SchedulerState {
  readonly tasks = new Map<string, TaskRecord>();
  readonly workers = new Map<string, WorkerRecord>();
  readonly progress = new Map<string, ClientProgress>();
  /** Tasks finished since the start (a counter: the dashboard derives tasks per second from it). */
  finishedTotal = 0;
  /** Tasks that failed on their own since the start. */
  erredTotal = 0;
  /** The latest tasks that failed on their own, oldest first, at most RECENT_ERRORS. */
  readonly recentErrors: ErrorRecord[] = [];
  private readonly ready = new MinHeap<TaskRecord>((t) => t.priority);
  private out: Instruction[] = [];
  private generation = 0;
  /** Moving average of result sizes; undefined until the first result. */
  private avgResultBytes: number | undefined;
  private readonly options: SchedulerOptions;

  constructor(options: Partial<SchedulerOptions> = {}) {
    this.options = { allowedFailures: 3, saturation: 2, smallResultSaturation: 32, ...options };
  }

  /** Takes the instructions emitted since the last call. */
  drain(): Instruction[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  // ---------------- workers ----------------

  addWorker(id: string, nthreads: number, memoryLimit: number): void {
    if (this.workers.has(id)) return;
    this.workers.set(id, { id, nthreads: Math.max(1, nthreads), memoryLimit, processing: new Set(), hasWhat: new Set(), paused: false, stealFor: undefined });
    this.schedule();
  }

  setPaused(id: string, paused: boolean): void {
    const w = this.workers.get(id);
    if (w === undefined || w.paused === paused) return;
    w.paused = paused;
    if (!paused) this.schedule();
  }

  /** A worker left or died: its running tasks are rescheduled, results only it held are recomputed. */
  removeWorker(id: string): void {
    const w = this.workers.get(id);
    if (w === undefined) return;
    this.workers.delete(id);
    for (const t of w.processing) {
      t.worker = undefined;
      t.failures++;
      if (t.failures > this.options.allowedFailures) {
        this.fail(t, { errorType: 'KilledWorker', message: `task ${t.key} was running on ${t.failures} workers or threads that died (allowedFailures=${this.options.allowedFailures})`, stack: '', workerId: id });
      } else {
        this.toReadyOrWaiting(t);
      }
    }
    for (const t of w.hasWhat) {
      t.whoHas.delete(w);
      if (t.state !== 'memory') continue;
      if (t.whoHas.size > 0) {
        // Still held elsewhere (a replica, or copied off a retiring worker): clients
        // that would fetch it from the gone worker learn where it is now.
        for (const c of t.wantedBy) this.emitMemory(t, c);
        continue;
      }
      this.lose(t);
    }
    this.schedule();
  }

  /** `t`'s only copy is gone: recompute it if anyone still needs it. */
  private lose(t: TaskRecord): void {
    t.state = 'released';
    // Dependents already running elsewhere were given this input's location; run them again.
    for (const d of t.dependents) {
      if (d.state === 'processing' && d.worker !== undefined) {
        this.emit({ type: 'free', worker: d.worker.id, keys: [d.key] });
        d.worker.processing.delete(d);
        d.worker = undefined;
        d.state = 'waiting';
      }
      if (d.state === 'waiting' || d.state === 'ready') d.waitingOn++;
      if (d.state === 'ready') d.state = 'waiting'; // the heap entry is skipped lazily
    }
    if (t.wantedBy.size > 0 || t.waiters.size > 0) {
      if (t.op === '') {
        this.fail(t, { errorType: 'LostData', message: `scattered data ${t.key} was lost with its worker and has no lineage to recompute it`, stack: '', workerId: '' });
      } else {
        this.activate(t);
      }
    } else {
      this.maybeForget(t);
    }
  }

  // ---------------- graphs ----------------

  /** Adds tasks (dependencies first or in any order) and marks `wanted` as wanted by `client`. */
  updateGraph(client: string, newTasks: NewTask[], wanted: string[]): void {
    const gen = ++this.generation;
    const added = new Set<TaskRecord>();
    for (const n of newTasks) {
      if (this.tasks.has(n.key)) continue; // same key, same computation: reuse what exists
      const t: TaskRecord = {
        key: n.key, op: n.op, payload: n.payload, state: 'released', priority: gen * 1e9 + n.priority,
        deps: [], dependents: new Set(), waiters: new Set(), waitingOn: 0, wantedBy: new Set(), owner: client,
        worker: undefined, whoHas: new Set(), nbytes: 0, typeName: '', retriesLeft: n.retries, failures: 0,
        stealing: false, error: undefined,
      };
      this.tasks.set(n.key, t);
      added.add(t);
    }
    const missing: Array<[TaskRecord, string]> = [];
    for (const n of newTasks) {
      const t = this.tasks.get(n.key)!;
      if (!added.has(t)) continue; // existing tasks keep their links
      for (const k of n.deps) {
        const d = this.tasks.get(k);
        if (d === undefined) missing.push([t, k]);
        else if (!t.deps.includes(d)) {
          t.deps.push(d);
          d.dependents.add(t);
        }
      }
    }
    for (const [t, k] of missing) {
      this.fail(t, { errorType: 'MissingDependency', message: `task ${t.key} depends on key ${k}, which is neither in the graph nor on the cluster`, stack: '', workerId: '' });
    }
    for (const k of wanted) {
      const t = this.tasks.get(k);
      if (t === undefined) {
        this.emit({ type: 'erred', client, key: k, error: { errorType: 'KeyError', message: `key ${k} is not in the graph`, stack: '', workerId: '' } });
        continue;
      }
      t.wantedBy.add(client);
      if (t.state === 'memory') this.emitMemory(t, client);
      else if (t.state === 'erred') this.emit({ type: 'erred', client, key: k, error: t.error! });
      else this.activate(t);
    }
    for (const t of added) if (t.state === 'released') this.maybeForget(t);
    this.schedule();
  }

  /** Makes a released task (and, recursively, its released inputs) computable again. */
  private activate(root: TaskRecord): void {
    const stack = [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t.state !== 'released') continue;
      const p = this.progressOf(t.owner);
      p.total++;
      t.waitingOn = 0;
      t.state = 'waiting';
      for (const d of t.deps) {
        d.waiters.add(t);
        if (d.state === 'erred') {
          this.fail(t, d.error!, true);
          break;
        }
        if (d.state !== 'memory') {
          t.waitingOn++;
          if (d.state === 'released') stack.push(d);
        }
      }
      if (t.state === 'waiting' && t.waitingOn === 0) this.makeReady(t);
    }
  }

  private makeReady(t: TaskRecord): void {
    t.state = 'ready';
    this.ready.push(t);
  }

  private toReadyOrWaiting(t: TaskRecord): void {
    t.waitingOn = 0;
    for (const d of t.deps) if (d.state !== 'memory') t.waitingOn++;
    if (t.waitingOn === 0) this.makeReady(t);
    else t.state = 'waiting';
  }

  // ---------------- results ----------------

  /** `pushedTo`: a client the worker already sent the result to, which needs no KeysUpdate for it. */
  taskFinished(workerId: string, key: string, nbytes: number, typeName: string, pushedTo?: string): void {
    const w = this.workers.get(workerId);
    const t = this.tasks.get(key);
    if (w === undefined) return;
    if (t === undefined || t.state !== 'processing' || t.worker !== w) {
      // A result nobody is waiting for (cancelled, stolen, already computed elsewhere),
      // or one reported again after a reconnect: kept where the task is in memory.
      if (t !== undefined && t.state === 'memory') {
        t.whoHas.add(w);
        w.hasWhat.add(t);
      } else {
        this.emit({ type: 'free', worker: workerId, keys: [key] });
      }
      return;
    }
    w.processing.delete(t);
    t.worker = undefined;
    t.state = 'memory';
    t.nbytes = nbytes;
    this.avgResultBytes = this.avgResultBytes === undefined ? nbytes : 0.95 * this.avgResultBytes + 0.05 * nbytes;
    t.typeName = typeName;
    t.whoHas.add(w);
    w.hasWhat.add(t);
    this.finishedTotal++;
    this.progressOf(t.owner).finished++;
    this.emit({ type: 'progress', client: t.owner });
    for (const d of t.dependents) {
      if (d.state === 'waiting' && d.waiters !== undefined && t.waiters.has(d)) {
        if (--d.waitingOn === 0) this.makeReady(d);
      }
    }
    for (const d of t.deps) {
      d.waiters.delete(t);
      this.maybeRelease(d);
    }
    for (const c of t.wantedBy) if (c !== pushedTo) this.emitMemory(t, c);
    this.maybeRelease(t);
    this.schedule();
  }

  /** A replica fetched by another worker, or data scattered by a client. */
  addKeys(client: string, workerId: string, entries: Array<{ key: string; nbytes: number }>): void {
    const w = this.workers.get(workerId);
    if (w === undefined) return;
    for (const { key, nbytes } of entries) {
      let t = this.tasks.get(key);
      if (t === undefined) {
        if (client === '') {
          this.emit({ type: 'free', worker: workerId, keys: [key] });
          continue;
        }
        t = {
          key, op: '', payload: undefined, state: 'memory', priority: 0, deps: [], dependents: new Set(), waiters: new Set(),
          waitingOn: 0, wantedBy: new Set(), owner: client, worker: undefined, whoHas: new Set(), nbytes, typeName: '',
          retriesLeft: 0, failures: 0, stealing: false, error: undefined,
        };
        this.tasks.set(key, t);
      }
      if (client !== '') t.wantedBy.add(client);
      if (t.state !== 'memory') {
        this.emit({ type: 'free', worker: workerId, keys: [key] });
        continue;
      }
      t.whoHas.add(w);
      w.hasWhat.add(t);
      if (client !== '') this.emitMemory(t, client);
    }
  }

  taskErred(workerId: string, key: string, error: RemoteErrorInfo, threadDied: boolean): void {
    const w = this.workers.get(workerId);
    const t = this.tasks.get(key);
    if (w === undefined || t === undefined || t.state !== 'processing' || t.worker !== w) return;
    w.processing.delete(t);
    t.worker = undefined;
    if (threadDied && ++t.failures <= this.options.allowedFailures) {
      this.makeReady(t);
    } else if (!threadDied && t.retriesLeft > 0) {
      t.retriesLeft--;
      this.makeReady(t);
    } else {
      const e = threadDied
        ? { errorType: 'KilledWorker', message: `task ${key}: its thread died ${t.failures} times (allowedFailures=${this.options.allowedFailures}); last: ${error.message}`, stack: error.stack, workerId }
        : { errorType: error.errorType, message: error.message, stack: error.stack, workerId };
      this.fail(t, e);
    }
    this.schedule();
  }

  /**
   * `workerId` could not fetch `missingKey` (an input of `key`) from `from`:
   * that copy is taken for gone — recomputed if it was the last — and the task
   * waits for its input again. Not the task's failure, so not counted as one.
   */
  missingData(workerId: string, key: string, missingKey: string, from: string): void {
    const dep = this.tasks.get(missingKey);
    const holder = this.workers.get(from);
    if (dep !== undefined && holder !== undefined && dep.whoHas.has(holder)) {
      dep.whoHas.delete(holder);
      holder.hasWhat.delete(dep);
      if (dep.state === 'memory' && dep.whoHas.size === 0) this.lose(dep);
    }
    const w = this.workers.get(workerId);
    const t = this.tasks.get(key);
    if (w !== undefined && t !== undefined && t.state === 'processing' && t.worker === w) {
      w.processing.delete(t);
      t.worker = undefined;
      this.toReadyOrWaiting(t);
    }
    this.schedule();
  }

  /**
   * Marks `root` and everything downstream of it erred with `error`; unless the
   * error is `inherited` from an input, `root` is listed among the recent errors.
   */
  private fail(root: TaskRecord, error: RemoteErrorInfo & { workerId: string }, inherited = false): void {
    if (!inherited && root.state !== 'erred' && root.state !== 'memory') {
      this.erredTotal++;
      if (this.recentErrors.length >= RECENT_ERRORS) this.recentErrors.shift();
      this.recentErrors.push({ key: root.key, errorType: error.errorType, message: error.message, workerId: error.workerId });
    }
    const stack = [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t.state === 'erred' || t.state === 'memory') continue;
      const wasActive = t.state !== 'released';
      if (t.state === 'processing' && t.worker !== undefined) {
        t.worker.processing.delete(t);
        this.emit({ type: 'free', worker: t.worker.id, keys: [t.key] });
        t.worker = undefined;
      }
      t.state = 'erred';
      t.error = error;
      if (wasActive) {
        this.progressOf(t.owner).erred++;
        this.emit({ type: 'progress', client: t.owner });
      }
      for (const c of t.wantedBy) this.emit({ type: 'erred', client: c, key: t.key, error });
      for (const d of t.deps) {
        d.waiters.delete(t);
        this.maybeRelease(d);
      }
      for (const d of t.dependents) if (d.state !== 'released') stack.push(d);
    }
  }

  // ---------------- releasing ----------------

  /** `client` no longer wants `keys` (released futures, cancellation, client gone). */
  releaseKeys(client: string, keys: string[]): void {
    for (const k of keys) {
      const t = this.tasks.get(k);
      if (t === undefined || !t.wantedBy.delete(client)) continue;
      this.maybeRelease(t);
    }
    this.schedule();
  }

  /** Drops everything `client` wanted. */
  removeClient(client: string): void {
    const keys: string[] = [];
    for (const t of this.tasks.values()) if (t.wantedBy.has(client)) keys.push(t.key);
    this.releaseKeys(client, keys);
    this.progress.delete(client);
  }

  private maybeRelease(t: TaskRecord): void {
    if (t.wantedBy.size > 0 || t.waiters.size > 0) return;
    switch (t.state) {
      case 'memory':
        for (const w of t.whoHas) {
          w.hasWhat.delete(t);
          this.emit({ type: 'free', worker: w.id, keys: [t.key] });
        }
        t.whoHas.clear();
        break;
      case 'processing':
        if (t.worker !== undefined) {
          t.worker.processing.delete(t);
          this.emit({ type: 'free', worker: t.worker.id, keys: [t.key] });
          t.worker = undefined;
        }
        this.progressOf(t.owner).total--;
        break;
      case 'waiting': case 'ready':
        this.progressOf(t.owner).total--;
        break;
      case 'erred': case 'released':
        break;
    }
    const wasActive = t.state !== 'erred' && t.state !== 'released';
    if (t.state !== 'erred') t.state = 'released';
    if (wasActive) {
      this.emit({ type: 'progress', client: t.owner });
      for (const d of t.deps) {
        if (d.waiters.delete(t)) this.maybeRelease(d);
      }
    }
    this.maybeForget(t);
  }

  /** Forgets a released task no remaining task can need, and then its inputs. */
  private maybeForget(root: TaskRecord): void {
    const stack = [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if ((t.state !== 'released' && t.state !== 'erred') || t.wantedBy.size > 0 || t.dependents.size > 0) continue;
      if (this.tasks.get(t.key) !== t) continue;
      this.tasks.delete(t.key);
      for (const d of t.deps) {
        d.dependents.delete(t);
        d.waiters.delete(t);
        if (d.state === 'memory') this.maybeRelease(d);
        else stack.push(d);
      }
    }
  }

  // ---------------- placement ----------------

  private slots(w: WorkerRecord): number {
    const small = this.avgResultBytes !== undefined && this.avgResultBytes < 1e6;
    return w.nthreads * (small ? Math.max(this.options.saturation, this.options.smallResultSaturation) : this.options.saturation);
  }

  /**
   * Assigns ready tasks in priority order to workers with free slots, preferring
   * the worker that already holds the most input bytes (locality), then the least
   * busy. With the heap empty, idle workers steal queued work from busy ones.
   */
  private schedule(): void {
    const free: WorkerRecord[] = [];
    for (const w of this.workers.values()) if (!w.paused && w.processing.size < this.slots(w)) free.push(w);
    const batches = new Map<WorkerRecord, TaskRecord[]>();
    while (free.length > 0 && this.ready.size > 0) {
      const t = this.ready.pop()!;
      if (t.state !== 'ready') continue; // released or re-queued since it was pushed
      const w = this.choose(t, free);
      t.state = 'processing';
      t.worker = w;
      w.processing.add(t);
      let b = batches.get(w);
      if (b === undefined) batches.set(w, (b = []));
      b.push(t);
      if (w.processing.size >= this.slots(w)) free.splice(free.indexOf(w), 1);
    }
    for (const [w, tasks] of batches) this.emit({ type: 'compute', worker: w.id, tasks });
    if (this.ready.size === 0 && free.length > 0) this.steal(free);
  }

  private choose(t: TaskRecord, free: WorkerRecord[]): WorkerRecord {
    let best = free[0]!;
    let bestBytes = -1;
    for (const w of free) {
      let bytes = 0;
      for (const d of t.deps) if (d.whoHas.has(w)) bytes += d.nbytes + 1;
      if (bytes > bestBytes || (bytes === bestBytes && w.processing.size < best.processing.size)) {
        best = w;
        bestBytes = bytes;
      }
    }
    return best;
  }

  /** Asks the busiest worker to give back queued (not yet started) tasks for idle ones. */
  private steal(free: WorkerRecord[]): void {
    const thief = free.find((w) => w.processing.size === 0);
    if (thief === undefined) return;
    let victim: WorkerRecord | undefined;
    for (const w of this.workers.values()) {
      if (w.stealFor !== undefined || w === thief) continue;
      if (w.processing.size > w.nthreads && (victim === undefined || w.processing.size > victim.processing.size)) victim = w;
    }
    if (victim === undefined) return;
    const excess = Math.floor((victim.processing.size - victim.nthreads) / 2);
    if (excess <= 0) return;
    // Lowest priority (largest number) first: those would run last on the victim.
    const candidates = [...victim.processing].filter((t) => !t.stealing).sort((a, b) => b.priority - a.priority).slice(0, excess);
    if (candidates.length === 0) return;
    for (const t of candidates) t.stealing = true;
    victim.stealFor = thief;
    this.emit({ type: 'steal', worker: victim.id, keys: candidates.map((t) => t.key) });
  }

  /** The victim's answer: `stolen` were removed from its queue and can go elsewhere. */
  stealResponse(workerId: string, stolen: string[]): void {
    const w = this.workers.get(workerId);
    if (w === undefined) return;
    const thief = w.stealFor !== undefined && this.workers.get(w.stealFor.id) === w.stealFor ? w.stealFor : undefined;
    w.stealFor = undefined;
    for (const t of w.processing) t.stealing = false;
    const moved: TaskRecord[] = [];
    for (const k of stolen) {
      const t = this.tasks.get(k);
      if (t === undefined || t.state !== 'processing' || t.worker !== w) continue;
      w.processing.delete(t);
      if (thief !== undefined && !thief.paused) {
        // Straight to the worker that was idle, or the tasks could bounce back.
        t.worker = thief;
        thief.processing.add(t);
        moved.push(t);
      } else {
        t.worker = undefined;
        this.makeReady(t);
      }
    }
    if (moved.length > 0) this.emit({ type: 'compute', worker: thief!.id, tasks: moved });
    this.schedule();
  }

  // ---------------- helpers ----------------

  private progressOf(client: string): ClientProgress {
    let p = this.progress.get(client);
    if (p === undefined) this.progress.set(client, (p = { total: 0, finished: 0, erred: 0 }));
    return p;
  }

  private emitMemory(t: TaskRecord, client: string): void {
    this.emit({ type: 'memory', client, key: t.key, workers: [...t.whoHas].map((w) => w.id), nbytes: t.nbytes, typeName: t.typeName });
  }

  private emit(i: Instruction): void {
    this.out.push(i);
  }

  /** Tasks `workerId` is processing (resent after a reconnect: the messages may be lost). */
  processingOn(workerId: string): TaskRecord[] {
    return [...(this.workers.get(workerId)?.processing ?? [])];
  }

  /** Tells `client` again where each finished key it wants is, and which erred (after a reconnect). */
  resendClientState(client: string): void {
    for (const t of this.tasks.values()) {
      if (!t.wantedBy.has(client)) continue;
      if (t.state === 'memory') this.emitMemory(t, client);
      else if (t.state === 'erred' && t.error !== undefined) this.emit({ type: 'erred', client, key: t.key, error: t.error });
    }
  }

  /** Counts of tasks per state (diagnostics and tests). */
  counts(): Record<TaskState, number> {
    const c: Record<TaskState, number> = { released: 0, waiting: 0, ready: 0, processing: 0, memory: 0, erred: 0 };
    for (const t of this.tasks.values()) c[t.state]++;
    return c;
  }
}
