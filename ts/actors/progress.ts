/** Progress of a client's work: snapshots as an async iterator, and a terminal bar. */
import cliProgress from 'cli-progress';

export interface ProgressSnapshot {
  /** Tasks this client asked for that are active or done. */
  total: number;
  finished: number;
  erred: number;
  /** Tasks running or queued on workers, cluster-wide. */
  processing: number;
}

/** Fans progress snapshots out to any number of async iterators. */
export class ProgressFeed {
  latest: ProgressSnapshot = { total: 0, finished: 0, erred: 0, processing: 0 };
  private readonly listeners = new Set<(s: ProgressSnapshot | undefined) => void>();

  push(s: ProgressSnapshot): void {
    this.latest = s;
    for (const l of this.listeners) l(s);
  }

  end(): void {
    for (const l of this.listeners) l(undefined);
    this.listeners.clear();
  }

  listen(fn: (s: ProgressSnapshot | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Snapshots as they arrive, until `signal` aborts or the client closes. */
  async *iterate(signal?: AbortSignal): AsyncGenerator<ProgressSnapshot> {
    const queue: Array<ProgressSnapshot | undefined> = [];
    let wake: (() => void) | undefined;
    const stop = this.listen((s) => {
      queue.push(s);
      wake?.();
    });
    const onAbort = () => {
      queue.push(undefined);
      wake?.();
    };
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const s = queue.shift();
        if (s === undefined) return;
        yield s;
      }
    } finally {
      stop();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * A terminal bar for one computation of `total` tasks; counts are taken relative
 * to the client's snapshot when the bar started.
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private readonly stop: () => void;
  private readonly base: ProgressSnapshot;

  constructor(feed: ProgressFeed, private readonly total: number, label = 'shoal') {
    this.base = feed.latest;
    this.bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} tasks | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(total, 0);
    this.stop = feed.listen((s) => {
      if (s !== undefined) this.bar.update(Math.min(this.total, s.finished + s.erred - this.base.finished - this.base.erred));
    });
  }

  finish(): void {
    this.stop();
    this.bar.update(this.total);
    this.bar.stop();
  }
}
