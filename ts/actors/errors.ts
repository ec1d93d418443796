/** Errors that reach the caller from the cluster. */

/**
 * A task failed on a worker. Carries the remote error's type, message and
 * worker-side stack, the task key and the worker.
 * @example try { await f.result(); } catch (e) { if (e instanceof RemoteError) console.log(e.remoteType, e.remoteStack); }
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    readonly key: string,
    readonly remoteType: string,
    readonly remoteMessage: string,
    readonly remoteStack: string,
    readonly workerId: string,
  ) {
    super(`${remoteType}: ${remoteMessage} (task ${key}${workerId ? ` on ${workerId}` : ''})`);
    if (remoteStack) this.stack = `${this.stack}\n--- worker stack ---\n${remoteStack}`;
  }
}

/** The future was cancelled before it finished. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(readonly key: string) {
    super(`task ${key} was cancelled`);
  }
}

/**
 * The scheduler this client was using restarted (or was replaced): everything
 * it knew — pending tasks, results held for this client — is gone.
 */
export class SchedulerRestartedError extends Error {
  override name = 'SchedulerRestartedError';
  constructor(readonly key: string, readonly previousId: string, readonly currentId: string) {
    super(`task ${key} was lost: the scheduler restarted (was ${previousId.slice(0, 8)}, now ${currentId.slice(0, 8)}); submit the work again`);
  }
}

/** No scheduler answered, or the connection to it could not be made. */
export class SchedulerUnreachableError extends Error {
  override name = 'SchedulerUnreachableError';
}
