/**
 * Direct data channel beside NATS for large messages. Measured on loopback, the
 * nats client moves at most ~0.7 GB/s and shoal's fragmented frames ~0.45 GB/s,
 * while a plain TCP socket between two Node processes moves several GB/s; Dask
 * moves data between workers over TCP too. So a frame past `threshold` bytes
 * is not published: the sender keeps it under a random single-use token and
 * publishes a small *offer* (its data address and the token) over NATS; the
 * receiver connects, presents the token, and reads the frame straight into
 * shared memory. Control, ordering and permissions stay with NATS: only whoever
 * received the offer through its permission-guarded inbox knows the token.
 *
 * If the pull fails the receiver sends a refusal (kind 3) through NATS and the
 * sender resends the frame through NATS behind a kind-4 header naming the
 * token, so the receiver still delivers it in its place in the inbox order.
 *
 *   offer frame: 'SHL1' u8 kind=2 pad[3] | u16 port | u16 hostLen | f64 total | token[16] | host | senderAddress
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { native } from '../../native.js';
import { FrameError, MAGIC } from './frame.js';

export const KIND_OFFER = 2;
const TOKEN_BYTES = 16;
/** An offer not taken within this time is dropped (the receiver died or fell back). */
const OFFER_TTL_MS = 60_000;

export interface Offer {
  host: string;
  port: number;
  total: number;
  token: Uint8Array;
  sender: string;
}

export function encodeOffer(o: Offer): Uint8Array {
  const host = new TextEncoder().encode(o.host);
  const sender = new TextEncoder().encode(o.sender);
  const out = new Uint8Array(32 + TOKEN_BYTES + host.length + sender.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint8(4, KIND_OFFER);
  dv.setUint16(8, o.port, true);
  dv.setUint16(10, host.length, true);
  dv.setFloat64(16, o.total, true);
  out.set(o.token, 32);
  out.set(host, 32 + TOKEN_BYTES);
  out.set(sender, 32 + TOKEN_BYTES + host.length);
  return out;
}

export function decodeOffer(p: Uint8Array): Offer {
  if (p.byteLength < 32 + TOKEN_BYTES) throw new FrameError(`offer of ${p.byteLength} bytes is truncated`);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const port = dv.getUint16(8, true);
  const hostLen = dv.getUint16(10, true);
  const total = dv.getFloat64(16, true);
  if (32 + TOKEN_BYTES + hostLen > p.byteLength || port === 0 || !Number.isSafeInteger(total) || total <= 0) {
    throw new FrameError('malformed direct-data offer');
  }
  const dec = new TextDecoder();
  return {
    port, total, token: p.slice(32, 32 + TOKEN_BYTES),
    host: dec.decode(p.subarray(32 + TOKEN_BYTES, 32 + TOKEN_BYTES + hostLen)),
    sender: dec.decode(p.subarray(32 + TOKEN_BYTES + hostLen)),
  };
}

export const KIND_REFUSED = 3;

/** "I could not pull what this token holds": sent back to the offer's sender. */
export function encodeRefusal(token: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + TOKEN_BYTES);
  new DataView(out.buffer).setUint32(0, MAGIC, true);
  out[4] = KIND_REFUSED;
  out.set(token, 8);
  return out;
}

export function decodeRefusal(p: Uint8Array): Uint8Array {
  if (p.byteLength !== 8 + TOKEN_BYTES) throw new FrameError(`refusal of ${p.byteLength} bytes is malformed`);
  return p.slice(8);
}

export const KIND_RESENT = 4;
export const RESENT_HEADER_BYTES = 8 + TOKEN_BYTES; // a multiple of 8: the frame behind it stays aligned

/**
 * Header put before a frame resent through NATS after a refused offer: the
 * token tells the receiver which held-back place in its inbox order it fills.
 *
 *   'SHL1' u8 kind=4 pad[3] | token[16] | the whole frame
 */
export function encodeResentHeader(token: Uint8Array): Uint8Array {
  const out = new Uint8Array(RESENT_HEADER_BYTES);
  new DataView(out.buffer).setUint32(0, MAGIC, true);
  out[4] = KIND_RESENT;
  out.set(token, 8);
  return out;
}

export function decodeResent(frame: Uint8Array): { token: Uint8Array; frame: Uint8Array } {
  if (frame.byteLength < RESENT_HEADER_BYTES) throw new FrameError(`resent frame of ${frame.byteLength} bytes is truncated`);
  return { token: frame.subarray(8, RESENT_HEADER_BYTES), frame: frame.subarray(RESENT_HEADER_BYTES) };
}

export function tokenKey(token: Uint8Array): string {
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('hex');
}

/** The sending side: a TCP server handing out frames against tokens. */
export class DirectServer {
  private readonly waiting = new Map<string, { segments: Uint8Array[]; resend: () => void; expires: number }>();
  private readonly server: Server;
  private readonly sweeper: NodeJS.Timeout;
  port = 0;

  private constructor(readonly host: string) {
    this.server = createServer((socket) => this.serve(socket));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [t, w] of this.waiting) if (w.expires < now) this.waiting.delete(t);
    }, 10_000);
    this.sweeper.unref();
  }

  static async start(host: string, bindHost = host): Promise<DirectServer> {
    const s = new DirectServer(host);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, bindHost, () => resolve());
    });
    s.port = (s.server.address() as { port: number }).port;
    s.server.unref();
    return s;
  }

  /**
   * Keeps `segments` for one pull; returns the token that pulls them.
   * `resend` sends them another way if the receiver cannot connect.
   */
  hold(segments: Uint8Array[], resend: (token: Uint8Array) => void): Uint8Array {
    const token = new Uint8Array(randomBytes(TOKEN_BYTES));
    this.waiting.set(tokenKey(token), { segments, resend: () => resend(token), expires: Date.now() + OFFER_TTL_MS });
    return token;
  }

  private take(token: Uint8Array): { segments: Uint8Array[]; resend: () => void } | undefined {
    const key = tokenKey(token);
    const w = this.waiting.get(key);
    this.waiting.delete(key);
    return w;
  }

  /** The receiver could not pull what `token` holds: send it through NATS instead. */
  refused(token: Uint8Array): boolean {
    const w = this.take(token);
    w?.resend();
    return w !== undefined;
  }

  private serve(socket: Socket): void {
    socket.setNoDelay(true);
    let got = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < TOKEN_BYTES) return;
      socket.off('data', onData);
      const held = this.take(got.subarray(0, TOKEN_BYTES));
      if (held === undefined) {
        socket.destroy(); // unknown or already used token
        return;
      }
      for (const s of held.segments) socket.write(Buffer.from(s.buffer, s.byteOffset, s.byteLength));
      socket.end();
    };
    socket.on('data', onData);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.waiting.clear();
    this.server.close();
  }
}

/** Largest single socket read into the frame (measured: 4 MiB reads ~1.8 GB/s, 64 KiB ~1.1 GB/s on loopback). */
const READ_BYTES = 4 << 20;
/** Frames from this size up get the transparent-huge-page hint (bindings/src/memory.rs). */
const HUGE_PAGE_HINT_BYTES = 8 << 20;

/**
 * The receiving side: pulls the frame an offer names into shared memory. The
 * socket reads straight into the frame (`onread`), so the bytes are copied
 * once, by the kernel, instead of into a Buffer per read and then again.
 */
export function pull(o: Offer, timeoutMs = 60_000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const frame = new Uint8Array(new SharedArrayBuffer(o.total));
    // Fresh pages cost a fault and a 4 KiB zeroing each; huge pages make the receive ~2x faster here.
    if (o.total >= HUGE_PAGE_HINT_BYTES) native.adviseHugePages(frame);
    const overflow = new Uint8Array(64); // reads past the offered size land here and fail the pull
    let filled = 0;
    let failed: Error | undefined;
    const socket = tcpConnect({
      host: o.host,
      port: o.port,
      onread: {
        buffer: () => (filled < o.total ? frame.subarray(filled, Math.min(o.total, filled + READ_BYTES)) : overflow),
        callback: (n: number) => {
          if (filled >= o.total) {
            failed = new Error(`direct data from ${o.host}:${o.port} sent more than the ${o.total} bytes offered`);
            socket.destroy(failed);
            return false;
          }
          filled += n;
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`direct data from ${o.host}:${o.port} timed out`)));
    socket.once('connect', () => socket.write(o.token));
    socket.once('error', (e) => (failed ??= e));
    socket.once('close', () => {
      if (failed === undefined && filled === o.total) resolve(frame);
      else reject(failed ?? new Error(`direct data from ${o.host}:${o.port} ended after ${filled} of ${o.total} bytes`));
    });
  });
}
