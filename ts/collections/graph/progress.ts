/**
 * A terminal progress bar for `persist({ progress: true })`: `compute` has the
 * client's own bar; a persist returns before the work ends, so the bar
 * follows the client's progress stream until the persisted keys are done.
 */
import cliProgress from 'cli-progress';
import type { Client } from '../../actors/client.js';

export async function showProgressUntil(client: Client, total: number, done: Promise<unknown>): Promise<void> {
  const bar = new cliProgress.SingleBar({
    format: 'shoal persist [{bar}] {percentage}% | {value}/{total} tasks | {duration_formatted}',
    hideCursor: true,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  const abort = new AbortController();
  const follow = (async () => {
    let base: number | undefined;
    for await (const s of client.progress(abort.signal)) {
      base ??= s.finished + s.erred;
      bar.update(Math.min(total, s.finished + s.erred - base));
    }
  })();
  try {
    await done;
    bar.update(total);
  } finally {
    abort.abort();
    await follow.catch(() => undefined);
    bar.stop();
  }
}
