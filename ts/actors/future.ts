/**
 * A Future: a handle on one key's result, which stays on the workers until
 * gathered. Holding a Future keeps the result alive; `release()` (or the
 * Future being garbage-collected) lets the cluster drop it.
 */
import type { RemoteError, CancelledError } from './errors.js';

export type FutureStatus = 'pending' | 'finished' | 'error' | 'cancelled';

/** Where the client tracks one key; shared by every Future for that key. */
export interface KeyState {
  key: string;
  status: FutureStatus;
  workers: string[];
  nbytes: number;
  typeName: string;
  error: RemoteError | CancelledError | undefined;
  /** Resolved on the next change of status or location. */
  waiters: Array<() => void>;
  refs: number;
  /**
   * The result pushed straight from its worker (see Client.sendGraphs): 'unsent'
   * while the key's graph waits to be sent, 'wanted' once the client asked for
   * the push, then the value until a gather takes it.
   */
  push?: 'unsent' | 'wanted' | { value: unknown };
}

/** What a Future needs from its client. */
export interface FutureOwner {
  gatherOne(state: KeyState): Promise<unknown>;
  waitFor(state: KeyState): Promise<void>;
  releaseRef(state: KeyState): void;
}

const registry = new FinalizationRegistry<{ owner: FutureOwner; state: KeyState }>(({ owner, state }) => owner.releaseRef(state));

export class Future<T = unknown> {
  private released = false;

  constructor(private readonly owner: FutureOwner, private readonly state: KeyState) {
    state.refs++;
    registry.register(this, { owner, state }, this);
  }

  get key(): string {
    return this.state.key;
  }

  get status(): FutureStatus {
    return this.state.status;
  }

  /** Resolves when the task is finished (or rejects with its error), without fetching the value. */
  wait(): Promise<void> {
    return this.owner.waitFor(this.state);
  }

  /** Waits for the task and brings its value to this thread. */
  async result(): Promise<T> {
    return (await this.owner.gatherOne(this.state)) as T;
  }

  /** Stops holding the result; the cluster frees it once nothing else needs it. */
  release(): void {
    if (this.released) return;
    this.released = true;
    registry.unregister(this);
    this.owner.releaseRef(this.state);
  }
}
