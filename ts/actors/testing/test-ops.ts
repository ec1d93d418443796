/**
 * Ops used by the runtime's own tests, loaded through `workerModules` (which
 * they exercise too). Cross-thread state lives in files, since retries may run
 * on another thread.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { allocShared, type Chunk } from '../chunk.js';
import { opContext, registerOp } from '../ops.js';

export class ValueError extends Error {
  override name = 'ValueError';
}

/** Throws a ValueError from a named function, so the worker stack can be checked. */
registerOp('test.fail', function explodeOnPurpose(message: string) {
  throw new ValueError(message);
});

/** Fails its first `failures` runs (counted in `counterFile`), then returns `value`. */
registerOp('test.flaky', (counterFile: string, failures: number, value: unknown) => {
  appendFileSync(counterFile, 'x');
  const runs = readFileSync(counterFile, 'utf8').length;
  if (runs <= failures) throw new Error(`flaky failure ${runs} of ${failures}`);
  return value;
});

/** Kills its own thread the first time (marker file absent), then returns `value`. */
registerOp('test.exitOnce', (markerFile: string, value: unknown) => {
  if (!existsSync(markerFile)) {
    writeFileSync(markerFile, 'died');
    process.exit(7);
  }
  return value;
});

/** A chunk of `n` float64 values all equal to `fill`, in shared memory. */
registerOp('test.fill', (n: number, fill: number): Chunk => {
  const data = allocShared(Float64Array, n);
  data.fill(fill);
  return { data, shape: [n] };
});

/** Whether a typed array, or a chunk's data, lives in a SharedArrayBuffer (as the task thread got it). */
registerOp('test.isShared', (v: ArrayBufferView | Chunk) => {
  const view = ArrayBuffer.isView(v) ? v : v.data;
  return view.buffer instanceof SharedArrayBuffer;
});

/** Sum of a chunk's values. */
registerOp('test.chunkSum', (c: Chunk) => {
  let s = 0;
  for (let i = 0; i < c.data.length; i++) s += Number(c.data[i]);
  return s;
});

/** The op context as plain data. */
registerOp('test.context', () => {
  const { key, workerId, cache } = opContext();
  cache.set('seen', ((cache.get('seen') as number) ?? 0) + 1);
  return { key, workerId };
});

/** Waits `ms` and returns where it ran (load-balancing tests). */
registerOp('test.sleepContext', async (ms: number) => {
  const { key, workerId } = opContext();
  await new Promise((r) => setTimeout(r, ms));
  return { key, workerId };
});

/** Holds `mb` megabytes of touched memory for `ms` (memory-limit tests). */
registerOp('test.hog', async (mb: number, ms: number) => {
  const block = new Uint8Array(mb * 2 ** 20);
  for (let i = 0; i < block.length; i += 4096) block[i] = 1;
  await new Promise((r) => setTimeout(r, ms));
  return block.length;
});
