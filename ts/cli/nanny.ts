/**
 * `shoal nanny` (also `shoal worker --nanny`): keeps one worker process alive.
 * It starts `shoal worker` with the same flags as a child, restarts it when it
 * exits or when its resident memory crosses the memory limit, and on SIGTERM
 * passes the signal on (the worker retires gracefully: running tasks finish,
 * results are copied to peers) and exits without restarting.
 *
 * The scheduler learns of a restart from the worker itself: the new process
 * registers under the same name, which tells the scheduler that everything the
 * old one held is gone (its tasks rerun, its results are recomputed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMemoryLimit } from '../actors/memory-limit.js';

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
const PAGE = 4096;

/** Resident bytes of process `pid` (Linux /proc), or undefined where it cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE;
  } catch {
    return undefined;
  }
}

const log = (line: string) => console.error(`[shoal ${new Date().toISOString()}] nanny: ${line}`);

export async function nannyCommand(argv: string[]): Promise<number> {
  // Only the flags the nanny itself reads are parsed; the rest go to the worker untouched.
  const { values } = parseArgs({ args: argv, strict: false, options: { 'memory-limit': { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: shoal nanny [worker flags…]   (or: shoal worker --nanny …)\nstarts `shoal worker` with those flags and restarts it when it exits or outgrows --memory-limit');
    return 0;
  }
  const limit = parseMemoryLimit(typeof values['memory-limit'] === 'string' ? values['memory-limit'] : '4GB');
  // A fixed name, so the restarted worker is known to be the same one (and replaces it).
  const args = argv.filter((a) => a !== '--nanny');
  if (values.name === undefined) args.push('--name', `${process.pid}`);

  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let backoffMs = 250;
  const stop = new Promise<void>((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      stopping = true;
      log(`${sig}: stopping the worker gracefully`);
      child?.kill('SIGTERM');
      resolve();
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });

  while (!stopping) {
    const started = Date.now();
    child = spawn(process.execPath, [CLI, 'worker', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    log(`started worker pid ${child.pid} (restarts so far: ${restarts})`);
    let overMemory = false;
    const watch = setInterval(() => {
      const rss = child?.pid === undefined ? undefined : residentBytes(child.pid);
      if (rss === undefined || rss <= limit || overMemory) return;
      overMemory = true;
      log(`worker pid ${child!.pid} uses ${rss} bytes, over its memory limit of ${limit}: restarting it`);
      child!.kill('SIGKILL');
    }, 200);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearInterval(watch);
    if (stopping) {
      log(`worker exited (${code ?? signal}); nanny done`);
      return code === 0 ? 0 : 1;
    }
    restarts++;
    // A worker that keeps dying at once is restarted ever more slowly (up to 10 s).
    backoffMs = Date.now() - started > 30_000 ? 250 : Math.min(10_000, backoffMs * 2);
    log(`worker exited (${overMemory ? 'memory limit' : code ?? signal}); restarting in ${backoffMs} ms`);
    await Promise.race([new Promise((r) => setTimeout(r, backoffMs)), stop]);
  }
  return 0;
}
