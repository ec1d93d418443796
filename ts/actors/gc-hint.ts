/**
 * Prompt release of large shared buffers.
 *
 * A chunk's SharedArrayBuffer is freed only when every isolate that saw it
 * (the worker's main thread, the task threads it ran on) has collected its
 * handle, and V8 does not count SharedArrayBuffers as heap pressure: with a
 * small JS heap, hundreds of MB of freed chunks can wait for a collection that
 * never comes. Fresh memory is then expensive — every new page is faulted in
 * and zeroed — which halved worker-to-worker transfer rates (measured on the
 * nats bench: perf showed clear_page as the top cost). So when a thread
 * drops references to at least GC_AFTER_BYTES of chunk memory, it asks for a
 * major collection shortly after (small heaps collect in a few ms), and the
 * allocator reuses warm pages. SHOAL_GC_HINT=0 turns this off.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const GC_AFTER_BYTES = 64 << 20;

const enabled = process.env.SHOAL_GC_HINT !== '0';
let collect: (() => void) | undefined;
if (enabled) {
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = undefined; // not available on this runtime: freed memory waits for V8's own schedule
  }
}

let owed = 0;
let scheduled = false;

/** This thread dropped its references to `bytes` of chunk memory. */
export function released(bytes: number): void {
  if (collect === undefined) return;
  owed += bytes;
  if (owed < GC_AFTER_BYTES || scheduled) return;
  scheduled = true;
  // a moment later, not at once: the caller (a finished task, a freed key) still
  // holds the buffers until its turn ends and the thread pool drops the message
  setTimeout(() => {
    scheduled = false;
    owed = 0;
    collect!();
  }, 20).unref();
}
