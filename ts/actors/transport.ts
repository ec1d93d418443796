/**
 * The Transport interface between actors, and its in-process implementation.
 * Actors only ever send envelope bytes (+ out-of-band buffers) to an address,
 * so the same actor code runs over NATS later.
 */

/**
 * Delivers one message. `senderRole` is the role the transport vouches the
 * sender speaks as (over NATS: the subject it arrived on, which account
 * permissions guard); undefined where every actor is trusted (in-process).
 */
export type Receive = (bytes: Uint8Array, attachments: ArrayBufferView[], senderRole?: string) => void;

/** One actor's connection: its address, sending, and the callbacks it receives on. */
export interface Endpoint {
  readonly address: string;
  /** Sends envelope bytes to `to`; returns false when `to` is unknown or gone. */
  send(to: string, bytes: Uint8Array, attachments?: ArrayBufferView[]): boolean;
  /** Called with the address of every peer that disappears without unregistering. */
  onPeerLost(fn: (address: string) => void): void;
  /** Called after the connection was lost and came back: messages in flight may be gone. */
  onReconnect?(fn: () => void): void;
  /**
   * A store every actor of the cluster can read, for data sent to many
   * (a broadcast scatter): written once, read by each. Null or absent where
   * the transport has none (in-process, or a NATS server without JetStream).
   */
  blobStore?(): Promise<BlobStore | null>;
  close(): void;
}

/** Named blobs shared by a cluster's actors (NATS: a JetStream object store). */
export interface BlobStore {
  /** Stores `buffers` under `name`. */
  put(name: string, buffers: ArrayBufferView[]): Promise<void>;
  /** The buffers stored under `name`, in shared memory. */
  get(name: string): Promise<Uint8Array[]>;
  delete(name: string): Promise<void>;
}

/** A way to reach other actors: hands out endpoints by address. */
export interface Transport {
  connect(address: string, receive: Receive): Endpoint;
  close(): void | Promise<void>;
}

/**
 * Actors that share one thread (the embedded default). Delivery is asynchronous
 * (batched per event-loop turn, FIFO per sender-receiver pair) so a handler never
 * re-enters another actor's handler; attachments are handed over by reference,
 * so a SharedArrayBuffer or any typed array is never copied.
 */
export class InProcessTransport implements Transport {
  private readonly receivers = new Map<string, Receive>();
  private readonly lostListeners = new Set<(address: string) => void>();

  connect(address: string, receive: Receive): Endpoint {
    if (this.receivers.has(address)) throw new Error(`InProcessTransport: address ${address} is already connected`);
    this.receivers.set(address, receive);
    const hub = this;
    let listener: ((a: string) => void) | undefined;
    return {
      address,
      send(to, bytes, attachments = []) {
        const r = hub.receivers.get(to);
        if (r === undefined) return false;
        hub.enqueue(to, r, bytes, attachments);
        return true;
      },
      onPeerLost(fn) {
        listener = fn;
        hub.lostListeners.add(fn);
      },
      close() {
        hub.receivers.delete(address);
        if (listener) hub.lostListeners.delete(listener);
      },
    };
  }

  private queue: Array<[string, Receive, Uint8Array, ArrayBufferView[]]> = [];
  private flushing = false;

  /**
   * Messages are delivered in a later turn of the event loop (setImmediate), all
   * queued ones together: a chain of replies can never starve timers and thread
   * results the way a microtask chain would.
   */
  private enqueue(to: string, r: Receive, bytes: Uint8Array, attachments: ArrayBufferView[]): void {
    this.queue.push([to, r, bytes, attachments]);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const q = this.queue;
      this.queue = [];
      for (const [addr, recv, b, a] of q) {
        // The receiver may have gone between send and delivery.
        if (this.receivers.get(addr) === recv) recv(b, a);
      }
    });
  }

  /** Removes `address` as a crash would: peers are told it is lost. */
  sever(address: string): void {
    if (!this.receivers.delete(address)) return;
    for (const fn of this.lostListeners) setImmediate(() => fn(address));
  }

  close(): void {
    this.receivers.clear();
    this.lostListeners.clear();
  }
}
