/**
 * The piscina task thread: imports the op modules once, then runs one task per
 * call — resolves the arguments (refs replaced by their inputs), calls the op
 * and hands the result back. An op's exception is returned as data (type,
 * message, stack); only a dying thread makes the piscina promise reject.
 */
import { workerData } from 'node:worker_threads';
import { getOp, runWithContext } from './ops.js';
import { decodeValue, type Encoded } from './serialize.js';
import { pack, unpack, type Packed } from './thread-values.js';
import { released } from './gc-hint.js';
import { ThreadWarmth, type Warmth } from './warm-threads.js';

export interface ThreadArg { ref?: string; literal?: Encoded }
export interface ThreadTask {
  key: string;
  op: string;
  args: ThreadArg[];
  deps: Array<[string, Packed]>;
  workerId: string;
}
export type ThreadResult =
  | { ok: true; result: Packed; ms: number }
  | { ok: false; errorType: string; message: string; stack: string; ms: number };

const data = workerData as { modules?: string[]; warmth?: Warmth } | undefined;
for (const m of data?.modules ?? []) await import(m);
const warmth = data?.warmth ? new ThreadWarmth(data.warmth) : undefined;

/**
 * Runs a batch of tasks in order. Batching amortises the thread hand-off over
 * many tiny tasks; the worker sends batches of one when tasks take long.
 */
export default async function runTasks(tasks: ThreadTask[]): Promise<ThreadResult[]> {
  warmth?.started();
  const start = performance.now();
  const out: ThreadResult[] = [];
  try {
    for (const t of tasks) out.push(await runTask(t));
  } finally {
    warmth?.finished(tasks.length, performance.now() - start);
  }
  return out;
}

/** Bytes of shared chunk memory among a task's inputs (what the thread lets go after the task). */
function sharedBytes(values: Iterable<unknown>): number {
  let n = 0;
  for (const v of values) {
    const data = (v as { data?: unknown } | null)?.data ?? v;
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) n += data.byteLength;
  }
  return n;
}

async function runTask(task: ThreadTask): Promise<ThreadResult> {
  const start = performance.now();
  try {
    const inputs = new Map<string, unknown>();
    for (const [k, p] of task.deps) inputs.set(k, unpack(p));
    const lookup = (k: string) => {
      if (!inputs.has(k)) throw new Error(`task ${task.key}: input ${k} was not delivered to the thread`);
      return inputs.get(k);
    };
    const args = task.args.map((a) =>
      a.ref !== undefined ? lookup(a.ref) : decodeValue(a.literal!.header, a.literal!.buffers, lookup));
    const fn = getOp(task.op);
    const result = await runWithContext(task.key, task.workerId, () => fn(...args));
    // the thread lets go of its inputs and of the result it hands back
    released(sharedBytes([...inputs.values(), result]));
    return { ok: true, result: pack(result), ms: performance.now() - start };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, errorType: e.name || e.constructor?.name || 'Error', message: e.message, stack: e.stack ?? '', ms: performance.now() - start };
  }
}
