/**
 * Task threads that stay awake a moment after a tiny task, for the next one.
 *
 * Why: on virtual machines (this project's development and CI machines among
 * them) a vCPU left idle past the hypervisor's halt-polling window (KVM: about
 * 200 µs) halts, and the next thread woken onto it costs its sender 50–100 µs
 * inside postMessage; a vCPU still running something takes the same wake-up
 * for about 20–30 µs (bench: a bare piscina pool with 150 µs of main-thread
 * work between calls, 95–110 µs per hand-off, 32–34 µs with another thread
 * busy). A one-task round trip leaves its thread idle for just that long, so
 * it paid the slow wake every time.
 *
 * So a thread that has just run one tiny task keeps polling its event loop
 * (a chain of setImmediate callbacks: messages are picked up on the next turn)
 * for `spinMs` more. It spins only with a core to spare: the process's busy
 * task threads, the spinning one and the main thread never outnumber the
 * cores, and one thread per process spins at most. Go's scheduler keeps
 * "spinning" threads looking for work for the same reason.
 */

const BUSY = 0;
const SPINNING = 1;
/** Batches that took longer than this (ms) are not followed by a spin. */
export const TINY_MS = 0.1;

/** What the task threads of one process share (sent to them in workerData). */
export interface Warmth {
  /** Int32 counters: task threads running a batch, threads spinning. */
  counters: SharedArrayBuffer;
  /** How long a thread stays awake after a tiny one-task batch, ms (0: it sleeps at once). */
  spinMs: number;
  /** Cores of the machine: spinning never takes one the others need. */
  cores: number;
}

let processCounters: SharedArrayBuffer | undefined;

/** The counters every task thread of this process shares. */
export function processWarmth(spinMs: number, cores: number): Warmth {
  processCounters ??= new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  return { counters: processCounters, spinMs, cores };
}

/** One task thread's side: call `started()` and `finished()` around each batch. */
export class ThreadWarmth {
  private readonly counts: Int32Array;
  private warmUntil = 0;
  private spinning = false;

  constructor(private readonly w: Warmth) {
    this.counts = new Int32Array(w.counters);
  }

  started(): void {
    Atomics.add(this.counts, BUSY, 1);
  }

  /**
   * `batchSize`: tasks in the batch just run, in `ms`. Only a batch of one tiny
   * task (under TINY_MS) is followed by a spin: a chain of them is where a 60 µs
   * wake-up is most of the time. After big batches of tiny tasks the main
   * thread is the bottleneck, and a spinner took CPU from it (50 000 no-op
   * tasks: -18 % tasks/s); after longer tasks the main thread usually has work
   * of its own between them, and a spinner slowed it (a logistic-regression fit,
   * 2 workers x 1 thread: +20–30 % time; the vCPUs may share a core).
   */
  finished(batchSize: number, ms: number): void {
    Atomics.sub(this.counts, BUSY, 1);
    if (this.w.spinMs <= 0 || batchSize !== 1 || ms > TINY_MS) return;
    this.warmUntil = performance.now() + this.w.spinMs;
    if (this.spinning || !this.coreToSpare()) return;
    if (Atomics.compareExchange(this.counts, SPINNING, 0, 1) !== 0) return; // another thread spins
    this.spinning = true;
    setImmediate(this.tick);
  }

  /** Busy threads, this spinner and the main thread fit on the cores. */
  private coreToSpare(): boolean {
    return Atomics.load(this.counts, BUSY) + 2 <= this.w.cores;
  }

  private readonly tick = (): void => {
    if (performance.now() < this.warmUntil && this.coreToSpare()) {
      setImmediate(this.tick);
      return;
    }
    this.spinning = false;
    Atomics.store(this.counts, SPINNING, 0);
  };
}
