/**
 * The NATS transport: the same Transport interface as the in-process one, over
 * a real NATS server, so scheduler, worker and client code do not change when
 * they move to separate processes and hosts.
 *
 * - Each actor subscribes to its inbox subject (see subjects.ts); the subject a
 *   message arrives on names the sender's role, which the account's publish
 *   permissions vouch for.
 * - A message is one frame (frame.ts); past the server's max_payload it goes as
 *   fragments, paced by a server round trip (`flush`) every `windowBytes` so a
 *   100 MB transfer cannot overrun the receiving connection.
 * - Every message carries a reply subject; when nobody subscribes to its
 *   destination the server answers there with a "503 no responders" status,
 *   which is how a peer's death is noticed (`onPeerLost`) without waiting for a
 *   heartbeat timeout.
 * - Reconnects are the NATS client's (forever by default); actors are told
 *   through `onReconnect` so they can resynchronise what may have been lost.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, Events, nkeyAuthenticator, StorageType, type ConnectionOptions, type Msg, type NatsConnection, type Subscription } from 'nats';
import { defaultLogger, type Logger } from '../actor.js';
import type { Endpoint, Receive, Transport } from '../transport.js';
import { networkInterfaces } from 'node:os';
import { decodeOffer, decodeRefusal, decodeResent, DirectServer, encodeOffer, encodeRefusal, encodeResentHeader, KIND_OFFER, KIND_REFUSED, KIND_RESENT, pull, RESENT_HEADER_BYTES, tokenKey } from './direct.js';
import { concatSegments, FrameError, frameKind, frameLength, frameSegments, fragments, KIND_FRAGMENT, parseFrame, Reassembler } from './frame.js';
import { checkToken, roleOf, Subjects } from './subjects.js';
import { NatsBlobStore } from './blob-store.js';
import type { BlobStore } from '../transport.js';

/** How long a receiver holds a refused offer's place for the resent frame. */
const RESEND_WAIT_MS = 60_000;

export interface NatsOptions {
  /** Server URL(s), e.g. 'nats://127.0.0.1:4222'. */
  servers: string | string[];
  /** Name of the cluster; actors of different clusters on one server never meet (default 'shoal'). */
  cluster?: string;
  user?: string;
  pass?: string;
  token?: string;
  /** An nkey seed ('SU…'), or a path to a file holding one. */
  nkeySeed?: string;
  /** A NATS credentials file (JWT + nkey seed). */
  credsFile?: string;
  /** TLS: paths to the CA, client certificate and key (any subset); `true` for TLS with system CAs. */
  tls?: boolean | { caFile?: string; certFile?: string; keyFile?: string };
  /** Connection name shown by the server's monitoring. */
  name?: string;
  /** How long to keep trying to reconnect after the server goes away (default: forever). */
  reconnectForMs?: number;
  /** Size of the fragments a large message is cut into (default 1 MiB, at most the server's max_payload). */
  fragmentBytes?: number;
  /** Bytes of fragments published between flow-control round trips (default 32 MiB). */
  windowBytes?: number;
  /** Largest message accepted from a peer (default 8 GiB). */
  maxMessageBytes?: number;
  /**
   * Messages larger than `thresholdBytes` (default 4 MiB) go over a direct TCP
   * connection between the two processes, offered through NATS (see direct.ts);
   * `host` is the address peers reach this process at (default: 127.0.0.1 when
   * the NATS server is on loopback, else this host's first external IPv4).
   * `false` sends everything through the NATS server.
   */
  directData?: false | { host?: string; bindHost?: string; thresholdBytes?: number };
  /** How long to wait for the first connection (default 5000 ms). */
  connectTimeoutMs?: number;
  log?: Logger;
}

const RECONNECT_WAIT_MS = 250;
/**
 * Fragments of 1 MiB: the nats client moves them fastest (measured on loopback:
 * 0.68 GB/s at 1 MiB, 0.59 at 4 MiB, 0.44 at 8 MiB — bigger messages cost more
 * to assemble in its parser).
 */
const FRAGMENT_BYTES = 1 << 20;
/** After a reconnect, how long "no responders" is not taken as a peer's death. */
const RECONNECT_QUIET_MS = 5000;

/** Options for the nats client from ours; credentials and TLS pass straight through. */
function connectionOptions(o: NatsOptions): ConnectionOptions {
  const c: ConnectionOptions = {
    servers: o.servers,
    name: o.name,
    timeout: o.connectTimeoutMs ?? 5000,
    reconnect: true,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    maxReconnectAttempts: o.reconnectForMs === undefined ? -1 : Math.max(1, Math.ceil(o.reconnectForMs / RECONNECT_WAIT_MS)),
    pingInterval: 10_000,
  };
  if (o.user !== undefined) c.user = o.user;
  if (o.pass !== undefined) c.pass = o.pass;
  if (o.token !== undefined) c.token = o.token;
  if (o.nkeySeed !== undefined) {
    const seed = o.nkeySeed.startsWith('S') ? o.nkeySeed : readFileSync(o.nkeySeed, 'utf8').trim();
    c.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (o.credsFile !== undefined) c.authenticator = credsAuthenticator(readFileSync(o.credsFile));
  if (o.tls === true) c.tls = {};
  else if (typeof o.tls === 'object') c.tls = { ...o.tls };
  return c;
}

/** Says what went wrong connecting, in words a user can act on. */
function explainConnectError(err: unknown, o: NatsOptions): Error {
  const e = err as { code?: string; message?: string };
  const where = Array.isArray(o.servers) ? o.servers.join(', ') : o.servers;
  const code = String(e?.code ?? '');
  const message = String(e?.message ?? err);
  if (/AUTHORIZATION|AUTHENTICATION|Authorization Violation/i.test(code + message)) {
    const who = o.user !== undefined ? `user ${JSON.stringify(o.user)}` : o.token !== undefined ? 'the token' : o.nkeySeed !== undefined ? 'the nkey' : o.credsFile !== undefined ? `credentials ${o.credsFile}` : 'no credentials';
    return Object.assign(new Error(`NATS server at ${where} refused the connection: authorization failed for ${who} (${message})`), { code: 'NATS_AUTH' });
  }
  if (/CONNECTION_REFUSED|ECONNREFUSED|TIMEOUT/i.test(code + message)) {
    return Object.assign(new Error(`could not reach a NATS server at ${where} (${message}); is nats-server running there?`), { code: 'NATS_UNREACHABLE' });
  }
  return Object.assign(new Error(`connecting to NATS at ${where} failed: ${message}`), { code: code || 'NATS_CONNECT' });
}

export class NatsTransport implements Transport {
  readonly subjects: Subjects;
  /** Frames dropped as malformed (for tests and diagnostics). */
  rejectedFrames = 0;
  private readonly reassembler: Reassembler;
  private readonly stream: [number, number] = [randomInt(2 ** 32), randomInt(2 ** 32)];
  private msgCounter = 0;
  private readonly maxPayload: number;
  private readonly fragmentBytes: number;
  private readonly windowBytes: number;
  private readonly log: Logger;
  private readonly reconnectListeners = new Set<() => void>();
  private readonly sweeper: NodeJS.Timeout;
  /** Messages waiting behind a fragmented one (kept in order); undefined when none is being paced. */
  private backlog: Array<() => Generator<number>> | undefined;
  private closed = false;
  /** No-responder notices before this time are ignored (peers resubscribing after a reconnect). */
  private quietUntil = 0;

  private readonly directThreshold: number;
  /** Messages this transport offered over the direct channel, and those it had to resend through NATS. */
  directOffered = 0;
  directResent = 0;
  /** Messages this transport pulled over the direct channel. */
  directPulled = 0;
  /** Per receiving endpoint: messages held back behind a direct pull, to keep their order. */
  private readonly inboxQueues = new Map<Receive, Array<{ ready?: [Uint8Array, Uint8Array[], string]; pending?: Promise<void> }>>();

  private constructor(readonly nc: NatsConnection, readonly options: NatsOptions, private readonly direct: DirectServer | undefined) {
    this.subjects = new Subjects(options.cluster ?? 'shoal');
    this.maxPayload = nc.info?.max_payload ?? 1 << 20;
    this.fragmentBytes = Math.min(this.maxPayload, options.fragmentBytes ?? FRAGMENT_BYTES);
    this.windowBytes = options.windowBytes ?? 32 << 20;
    this.log = options.log ?? defaultLogger;
    this.reassembler = new Reassembler(options.maxMessageBytes ?? 8 * 2 ** 30);
    this.directThreshold = (options.directData || undefined)?.thresholdBytes ?? 4 << 20;
    this.sweeper = setInterval(() => {
      const n = this.reassembler.sweep();
      if (n > 0) this.log(`nats: dropped ${n} message(s) whose sender stopped mid-message`);
    }, 10_000);
    this.sweeper.unref();
    void this.watchStatus();
  }

  /** Connects to the NATS server; fails with a clear error for bad credentials or no server. */
  static async connect(options: NatsOptions): Promise<NatsTransport> {
    if (options === null || typeof options !== 'object') throw new TypeError('NatsTransport.connect: expected options { servers, cluster?, ... }');
    if (typeof options.servers !== 'string' && !Array.isArray(options.servers)) {
      throw new TypeError(`servers must be a NATS URL or a list of them, got ${JSON.stringify(options.servers)}`);
    }
    checkToken(options.cluster ?? 'shoal', 'cluster');
    let nc: NatsConnection;
    try {
      nc = await connect(connectionOptions(options));
    } catch (err) {
      throw explainConnectError(err, options);
    }
    let direct: DirectServer | undefined;
    if (options.directData !== false) {
      const host = options.directData?.host ?? defaultDataHost(options.servers);
      direct = await DirectServer.start(host, options.directData?.bindHost ?? host);
    }
    return new NatsTransport(nc, options, direct);
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === Events.Disconnect) this.log(`nats: disconnected from ${s.data}; reconnecting`);
      else if (s.type === Events.Reconnect) {
        this.log(`nats: reconnected to ${s.data}`);
        this.quietUntil = Date.now() + RECONNECT_QUIET_MS;
        for (const fn of this.reconnectListeners) {
          try {
            fn();
          } catch (err) {
            this.log('nats: a reconnect listener failed', err);
          }
        }
      } else if (s.type === Events.Error) this.log(`nats: ${String(s.data)}`);
    }
  }

  connect(address: string, receive: Receive): Endpoint {
    const senderRole = roleOf(address);
    this.addresses.set(receive, address);
    const inbox = this.nc.subscribe(this.subjects.inboxes(address), { callback: (err, msg) => this.deliver(err, msg, receive) });
    let lostFn: ((a: string) => void) | undefined;
    const lastLost = new Map<string, number>();
    const notices = this.nc.subscribe(this.subjects.noRespondersOf(address), {
      callback: (_err, msg) => {
        if (msg.headers?.code !== 503) return;
        const dest = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
        // One notice per peer per second is plenty: every message to a dead peer bounces.
        const now = Date.now();
        // Just after a reconnect, peers may not have resubscribed yet: silence is not death.
        if (now < this.quietUntil) return;
        if (now - (lastLost.get(dest) ?? 0) < 1000) return;
        lastLost.set(dest, now);
        lostFn?.(dest);
      },
    });
    const reconnect = new Set<() => void>();
    const subs: Subscription[] = [inbox, notices];
    return {
      address,
      send: (to, bytes, attachments = []) => this.send(address, senderRole, to, bytes, attachments),
      onPeerLost: (fn) => void (lostFn = fn),
      onReconnect: (fn) => {
        reconnect.add(fn);
        this.reconnectListeners.add(fn);
      },
      blobStore: () => this.blobStore(),
      close: () => {
        this.addresses.delete(receive);
        this.inboxQueues.delete(receive);
        for (const s of subs) s.unsubscribe();
        for (const fn of reconnect) this.reconnectListeners.delete(fn);
      },
    };
  }

  private deliver(err: Error | null, msg: Msg, receive: Receive): void {
    if (err !== null) {
      this.log('nats: subscription error', err);
      return;
    }
    const senderRole = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    try {
      const kind = frameKind(msg.data);
      if (kind === KIND_OFFER) return this.acceptOffer(msg.data, receive, senderRole);
      if (kind === KIND_REFUSED) {
        this.direct?.refused(decodeRefusal(msg.data));
        return;
      }
      const frame = kind === KIND_FRAGMENT ? this.reassembler.add(msg.data) : msg.data;
      if (frame === undefined) return;
      if (frameKind(frame) === KIND_RESENT) return this.acceptResent(frame);
      this.handOver(receive, frame, senderRole);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.rejectFrame(msg.subject, e);
    }
  }

  private rejectFrame(where: string, e: Error): void {
    const n = ++this.rejectedFrames;
    // A flood is logged sparingly: the first 10, then every 1000th.
    if (n <= 10 || n % 1000 === 0) this.log(`nats: dropped a malformed message on ${where}: ${e.message} (${n} so far)`);
  }

  /** Delivers a whole frame now, or after the direct pulls ahead of it (order kept per endpoint). */
  private handOver(receive: Receive, frame: Uint8Array, senderRole: string): void {
    const { envelope, attachments } = parseFrame(frame);
    const q = this.inboxQueues.get(receive);
    if (q === undefined || q.length === 0) receive(envelope, attachments, senderRole);
    else q.push({ ready: [envelope, attachments, senderRole] });
  }

  /** Pulls an offered frame over TCP; if that fails, asks the sender to send it through NATS. */
  private acceptOffer(payload: Uint8Array, receive: Receive, senderRole: string): void {
    const offer = decodeOffer(payload);
    if (offer.total > (this.options.maxMessageBytes ?? 8 * 2 ** 30)) throw new FrameError(`offered message of ${offer.total} bytes exceeds the limit`);
    let q = this.inboxQueues.get(receive);
    if (q === undefined) this.inboxQueues.set(receive, (q = []));
    const entry: { ready?: [Uint8Array, Uint8Array[], string]; pending?: Promise<void> } = {};
    entry.pending = pull(offer).then(
      (frame) => {
        try {
          const { envelope, attachments } = parseFrame(frame);
          entry.ready = [envelope, attachments, senderRole];
          this.directPulled++;
        } catch (e) {
          this.rejectFrame(`direct data from ${offer.host}:${offer.port}`, e as Error);
        }
      },
      (e: Error) => {
        this.log(`nats: could not pull ${offer.total} bytes from ${offer.host}:${offer.port} (${e.message}); asking ${offer.sender} to send them through NATS`);
        try {
          this.nc.publish(this.subjects.inbox(offer.sender, roleOf(this.addressOf(receive))), encodeRefusal(offer.token));
        } catch (err) {
          this.log('nats: could not refuse a direct-data offer', err);
          return;
        }
        // Hold this place in the inbox order until the resent frame arrives (or give up).
        const key = tokenKey(offer.token);
        return new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.resentWaiters.delete(key);
            this.log(`nats: ${offer.sender} did not resend a refused direct-data message within ${RESEND_WAIT_MS} ms; dropped`);
            resolve();
          }, RESEND_WAIT_MS);
          this.resentWaiters.set(key, (frame) => {
            clearTimeout(timer);
            this.resentWaiters.delete(key);
            try {
              const { envelope, attachments } = parseFrame(frame);
              entry.ready = [envelope, attachments, senderRole];
            } catch (err) {
              this.rejectFrame(`resent data from ${offer.sender}`, err as Error);
            }
            resolve();
          });
        });
      },
    ).finally(() => {
      entry.pending = undefined;
      this.drainInbox(receive);
    });
    q.push(entry);
  }

  /** A frame resent through NATS after a refused offer fills the place its offer held. */
  private acceptResent(payload: Uint8Array): void {
    const { token, frame } = decodeResent(payload);
    const waiter = this.resentWaiters.get(tokenKey(token));
    if (waiter === undefined) throw new FrameError('resent frame for an offer nobody waits on');
    waiter(frame);
  }

  /** Delivers queued messages in order until one still waits for its pull. */
  private drainInbox(receive: Receive): void {
    const q = this.inboxQueues.get(receive);
    while (q !== undefined && q.length > 0 && q[0]!.pending === undefined) {
      const e = q.shift()!;
      if (e.ready !== undefined) receive(...e.ready);
    }
  }

  private readonly addresses = new Map<Receive, string>();
  private store?: Promise<BlobStore | null>;

  /**
   * The cluster's JetStream object store (bucket `shoal-<cluster>`, in server
   * memory), opened on first use; null when the server has no JetStream (or
   * these credentials may not use it): broadcasts then go to each worker.
   */
  blobStore(): Promise<BlobStore | null> {
    this.store ??= (async () => {
      try {
        const bucket = `shoal-${(this.options.cluster ?? 'shoal').replace(/[^A-Za-z0-9_-]/g, '_')}`;
        const os = await this.nc.jetstream({ timeout: 5_000 }).views.os(bucket, { storage: StorageType.Memory });
        // chunks under the server's max_payload, with room for the headers
        return new NatsBlobStore(os, Math.max(64 << 10, Math.min(1 << 20, this.maxPayload - (16 << 10))));
      } catch (err) {
        this.log(`nats: no JetStream object store (${(err as Error).message}); broadcasts are sent to each worker`);
        return null;
      }
    })();
    return this.store;
  }
  /** Refused offers waiting for their frame through NATS, by token. */
  private readonly resentWaiters = new Map<string, (frame: Uint8Array) => void>();

  private addressOf(receive: Receive): string {
    return this.addresses.get(receive) ?? 'worker-unknown';
  }

  private send(from: string, fromRole: string, to: string, bytes: Uint8Array, attachments: ArrayBufferView[]): boolean {
    if (this.closed || this.nc.isClosed()) return false;
    let subject: string;
    try {
      subject = this.subjects.inbox(to, fromRole as never);
    } catch {
      return false; // not an address of this layout: nobody can be there
    }
    const reply = this.subjects.noResponders(from, to);
    const total = frameLength(bytes, attachments);
    const segments = frameSegments(bytes, attachments);
    if (this.direct !== undefined && total > this.directThreshold) {
      // Offered through NATS, pulled over TCP; sent through NATS after all if the pull fails.
      this.directOffered++;
      const token = this.direct.hold(segments, (t) => {
        this.directResent++;
        this.publishFrame(subject, reply, to, [encodeResentHeader(t), ...segments], RESENT_HEADER_BYTES + total);
      });
      const offer = encodeOffer({ host: this.direct.host, port: this.direct.port, total, token, sender: from });
      return this.publishFrame(subject, reply, to, [offer], offer.byteLength);
    }
    return this.publishFrame(subject, reply, to, segments, total);
  }

  /** Publishes one frame (whole, or as paced fragments), in order with everything sent before. */
  private publishFrame(subject: string, reply: string, to: string, segments: Uint8Array[], total: number): boolean {
    const payloads = (): Iterable<Uint8Array> => total <= this.maxPayload
      ? [concatSegments(segments, total)]
      : fragments(segments, total, this.fragmentBytes, this.stream, ++this.msgCounter);
    const nc = this.nc;
    // Publishes the payloads one by one, yielding each one's size (for pacing).
    const job = function* (): Generator<number> {
      let first = true;
      for (const p of payloads()) {
        nc.publish(subject, p, first ? { reply } : undefined);
        first = false;
        yield p.byteLength;
      }
    };
    if (this.backlog === undefined && total <= this.maxPayload) {
      try {
        for (const _ of job()) { /* publish all */ }
      } catch (err) {
        this.log(`nats: could not publish to ${to}`, err);
        return false;
      }
      return true;
    }
    const start = this.backlog === undefined;
    (this.backlog ??= []).push(job);
    if (start) void this.pump();
    return true;
  }

  /** Publishes queued messages in order, one window of fragments per server round trip. */
  private async pump(): Promise<void> {
    let sinceFlush = 0;
    while (this.backlog !== undefined && this.backlog.length > 0) {
      const job = this.backlog.shift()!;
      try {
        for (const n of job()) {
          sinceFlush += n;
          if (sinceFlush >= this.windowBytes) {
            sinceFlush = 0;
            await this.nc.flush();
          }
        }
      } catch (err) {
        if (this.closed) return;
        this.log('nats: could not publish a queued message', err);
      }
    }
    this.backlog = undefined;
  }

  /** Resolves when everything published so far has reached the server. */
  async flush(): Promise<void> {
    while (this.backlog !== undefined) await new Promise((r) => setTimeout(r, 1));
    if (!this.nc.isClosed()) await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch {
      // the server may already be gone
    }
    this.closed = true;
    clearInterval(this.sweeper);
    this.direct?.close();
    this.reconnectListeners.clear();
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

/** Where peers can reach this process: loopback when the NATS server is local, else the first external IPv4. */
function defaultDataHost(servers: string | string[]): string {
  const first = (Array.isArray(servers) ? servers[0] : servers) ?? '';
  if (/(^|\/\/)(127\.|localhost|\[::1\])/.test(first)) return '127.0.0.1';
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
