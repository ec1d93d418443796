/**
 * What the dashboard shows, read from the scheduler when a page asks (never
 * per task message): workers, tasks by state, each client's work, tasks per
 * second, recent errors. Plain data, served as JSON at `/api/status`.
 */
import type { MsgOf, WorkerInfo } from '../protocol/messages.js';
import type { ErrorRecord, SchedulerState, TaskState } from '../scheduler-state.js';

/** What the dashboard reads: the Scheduler actor has all of it. */
export interface StatusSource {
  readonly state: SchedulerState;
  identity(): MsgOf<'Identity'>;
  /** When `workerId` was last heard from (ms since the epoch), if known. */
  lastHeard(workerId: string): number | undefined;
}

export interface WorkerStatus extends WorkerInfo {
  /** Tasks the scheduler has given this worker that are not yet done (running or queued there). */
  processing: number;
  /** Milliseconds since the worker was last heard from (a heartbeat or any message). */
  lastSeenMs: number;
}

/** One client's work: done (finished + erred) of total, and where the rest is. */
export interface ClientStatus {
  id: string;
  total: number;
  finished: number;
  erred: number;
  processing: number;
  /** Waiting for inputs or ready to be scheduled. */
  waiting: number;
}

export interface DashboardStatus {
  schedulerId: string;
  /** When this snapshot was taken (ms since the epoch). */
  time: number;
  uptimeMs: number;
  workers: WorkerStatus[];
  /** Tasks the scheduler holds, by state, and their total. */
  tasks: Record<TaskState, number> & { total: number };
  clients: ClientStatus[];
  throughput: {
    /** Tasks finished since the scheduler started. */
    finished: number;
    /** Tasks that failed on their own since the scheduler started. */
    erred: number;
    /** Tasks finished per second over the last few seconds. */
    perSecond: number;
    /** Tasks finished in each of the last seconds (up to a minute), oldest first. */
    history: number[];
  };
  /** The latest tasks that failed on their own, newest first. */
  errors: ErrorRecord[];
}

/** Seconds of history kept (one sample a second). */
const HISTORY = 60;
/** Seconds over which `perSecond` is measured. */
const RATE_WINDOW = 10;

/**
 * Samples the finished-task counter once a second (a timer, not per task), so
 * tasks per second can be told without touching the scheduler's hot path.
 */
export class Throughput {
  private readonly samples: Array<{ t: number; n: number }> = [];

  constructor(private readonly count: () => number, now = Date.now()) {
    this.samples.push({ t: now, n: count() });
  }

  sample(now = Date.now()): void {
    this.samples.push({ t: now, n: this.count() });
    if (this.samples.length > HISTORY + 1) this.samples.shift();
  }

  /** Tasks per second over the last RATE_WINDOW seconds (up to `now`), and per-second history. */
  read(now = Date.now()): { perSecond: number; history: number[] } {
    const n = this.count();
    let from = this.samples[0]!;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (now - s.t > RATE_WINDOW * 1000) break;
      from = s;
    }
    const dt = (now - from.t) / 1000;
    const perSecond = dt > 0 ? (n - from.n) / dt : 0;
    const history: number[] = [];
    for (let i = 1; i < this.samples.length; i++) history.push(this.samples[i]!.n - this.samples[i - 1]!.n);
    return { perSecond, history };
  }
}

/** One snapshot of the cluster: a pass over the scheduler's tasks, nothing more. */
export function collectStatus(source: StatusSource, throughput: Throughput, now = Date.now()): DashboardStatus {
  const { state } = source;
  const id = source.identity();
  const workers: WorkerStatus[] = id.workers.map((w) => {
    const seen = source.lastHeard(w.id);
    return { ...w, processing: state.workers.get(w.id)?.processing.size ?? 0, lastSeenMs: seen === undefined ? -1 : Math.max(0, now - seen) };
  });
  const tasks = { released: 0, waiting: 0, ready: 0, processing: 0, memory: 0, erred: 0, total: 0 };
  const byClient = new Map<string, { processing: number; waiting: number }>();
  for (const t of state.tasks.values()) {
    tasks[t.state]++;
    if (t.state !== 'processing' && t.state !== 'waiting' && t.state !== 'ready') continue;
    let c = byClient.get(t.owner);
    if (c === undefined) byClient.set(t.owner, (c = { processing: 0, waiting: 0 }));
    if (t.state === 'processing') c.processing++;
    else c.waiting++;
  }
  tasks.total = state.tasks.size;
  const clients: ClientStatus[] = [...state.progress].map(([cid, p]) => ({
    id: cid, total: p.total, finished: p.finished, erred: p.erred,
    processing: byClient.get(cid)?.processing ?? 0, waiting: byClient.get(cid)?.waiting ?? 0,
  }));
  return {
    schedulerId: id.schedulerId, time: now, uptimeMs: id.uptimeMs, workers, tasks, clients,
    throughput: { finished: state.finishedTotal, erred: state.erredTotal, ...throughput.read(now) },
    errors: [...state.recentErrors].reverse(),
  };
}
