/**
 * Wire framing for the NATS transport: one actor message (FlatBuffers envelope
 * bytes + out-of-band attachments) as one NATS payload, or — past the server's
 * max_payload — as numbered fragments reassembled by the receiver.
 *
 * Layout (little-endian, every section 8-byte aligned so a reassembled frame's
 * float64 attachments are views, not copies):
 *
 *   whole:    'SHL1' u8 kind=0 pad[3] | u32 envLen | u32 nAtt | f64 attLen × nAtt | envelope | attachments
 *   fragment: 'SHL1' u8 kind=1 pad[3] | u32 streamHi | u32 streamLo | u32 msgId | u32 index | u32 count | pad[4]
 *             | f64 totalLength | bytes of the whole frame
 *
 * Everything read from the wire is bounds-checked; a malformed frame is a
 * FrameError, never an out-of-range view.
 */

export const MAGIC = 0x314c4853; // 'SHL1' read as little-endian u32
export const KIND_WHOLE = 0;
export const KIND_FRAGMENT = 1;
export const FRAGMENT_HEADER = 40;

export class FrameError extends Error {
  override name = 'FrameError';
}

const align8 = (n: number) => (n + 7) & ~7;

function bytesOf(v: ArrayBufferView): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** Byte length of the whole frame for this message. */
export function frameLength(envelope: Uint8Array, attachments: readonly ArrayBufferView[]): number {
  let n = align8(16 + 8 * attachments.length) + align8(envelope.byteLength);
  for (const a of attachments) n += align8(a.byteLength);
  return n;
}

/**
 * The frame as a list of segments (header, envelope, attachments, zero padding):
 * written into one payload or cut into fragments without building it twice.
 */
export function frameSegments(envelope: Uint8Array, attachments: readonly ArrayBufferView[]): Uint8Array[] {
  const headLen = align8(16 + 8 * attachments.length);
  const head = new Uint8Array(headLen);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint8(4, KIND_WHOLE);
  dv.setUint32(8, envelope.byteLength, true);
  dv.setUint32(12, attachments.length, true);
  attachments.forEach((a, i) => dv.setFloat64(16 + 8 * i, a.byteLength, true));
  const segments: Uint8Array[] = [head];
  const pad = (n: number) => {
    const p = align8(n) - n;
    if (p > 0) segments.push(new Uint8Array(p));
  };
  segments.push(envelope);
  pad(envelope.byteLength);
  for (const a of attachments) {
    segments.push(bytesOf(a));
    pad(a.byteLength);
  }
  return segments;
}

/** Copies `segments` into one buffer. */
export function concatSegments(segments: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of segments) {
    out.set(s, at);
    at += s.byteLength;
  }
  return out;
}

/** Decodes a whole frame; attachments are views into `frame` (no copy). */
export function parseFrame(frame: Uint8Array): { envelope: Uint8Array; attachments: Uint8Array[] } {
  if (frame.byteLength < 16) throw new FrameError(`frame of ${frame.byteLength} bytes is shorter than its 16-byte header`);
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new FrameError('frame does not start with the shoal magic');
  if (dv.getUint8(4) !== KIND_WHOLE) throw new FrameError(`expected a whole frame, got kind ${dv.getUint8(4)}`);
  const envLen = dv.getUint32(8, true);
  const nAtt = dv.getUint32(12, true);
  const headLen = align8(16 + 8 * nAtt);
  if (nAtt > (frame.byteLength - 16) / 8 || headLen > frame.byteLength) throw new FrameError(`frame claims ${nAtt} attachments, more than its ${frame.byteLength} bytes hold`);
  let at = headLen;
  const take = (len: number, what: string): Uint8Array => {
    if (!Number.isSafeInteger(len) || len < 0 || at + len > frame.byteLength) {
      throw new FrameError(`${what} of ${len} bytes at offset ${at} overruns the ${frame.byteLength}-byte frame`);
    }
    const view = frame.subarray(at, at + len);
    at = Math.min(frame.byteLength, align8(at + len));
    return view;
  };
  const envelope = take(envLen, 'envelope');
  const attachments: Uint8Array[] = [];
  for (let i = 0; i < nAtt; i++) attachments.push(take(dv.getFloat64(16 + 8 * i, true), `attachment ${i}`));
  return { envelope, attachments };
}

/** The frame kind byte (0 whole, 1 fragment; 2 offer, 3 refusal, 4 resent in direct.ts); throws on foreign bytes. */
export function frameKind(payload: Uint8Array): number {
  if (payload.byteLength < 8) throw new FrameError(`payload of ${payload.byteLength} bytes is too short for a shoal frame`);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new FrameError('payload does not start with the shoal magic');
  return dv.getUint8(4);
}

/**
 * Cuts a frame (given as segments of `total` bytes) into fragments of at most
 * `maxPayload` bytes each, header included.
 */
export function* fragments(segments: readonly Uint8Array[], total: number, maxPayload: number, stream: readonly [number, number], msgId: number): Generator<Uint8Array> {
  const room = maxPayload - FRAGMENT_HEADER;
  if (room < 1024) throw new RangeError(`maxPayload ${maxPayload} leaves no room for fragments`);
  const count = Math.ceil(total / room);
  let seg = 0;
  let segAt = 0;
  for (let index = 0; index < count; index++) {
    const len = Math.min(room, total - index * room);
    const out = new Uint8Array(FRAGMENT_HEADER + len);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, MAGIC, true);
    dv.setUint8(4, KIND_FRAGMENT);
    dv.setUint32(8, stream[0], true);
    dv.setUint32(12, stream[1], true);
    dv.setUint32(16, msgId, true);
    dv.setUint32(20, index, true);
    dv.setUint32(24, count, true);
    dv.setFloat64(32, total, true);
    let at = FRAGMENT_HEADER;
    while (at < out.byteLength) {
      const s = segments[seg]!;
      const n = Math.min(s.byteLength - segAt, out.byteLength - at);
      out.set(s.subarray(segAt, segAt + n), at);
      at += n;
      segAt += n;
      if (segAt === s.byteLength) {
        seg++;
        segAt = 0;
      }
    }
    yield out;
  }
}

interface Assembly {
  buffer: Uint8Array;
  filled: number;
  next: number;
  count: number;
  started: number;
}

/**
 * Puts fragments back together. NATS keeps one publisher's messages in order,
 * so fragments arrive in sequence; a gap (a lost fragment) drops the message.
 * Unfinished assemblies older than `staleMs` (a sender that died mid-message)
 * are dropped by `sweep`.
 */
export class Reassembler {
  private readonly open = new Map<string, Assembly>();

  constructor(private readonly maxMessageBytes: number, private readonly staleMs = 60_000) {}

  /** Adds one fragment; returns the whole frame when this was its last fragment. */
  add(payload: Uint8Array, now = Date.now()): Uint8Array | undefined {
    if (payload.byteLength <= FRAGMENT_HEADER) throw new FrameError(`fragment of ${payload.byteLength} bytes carries no data`);
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const id = `${dv.getUint32(8, true)}:${dv.getUint32(12, true)}:${dv.getUint32(16, true)}`;
    const index = dv.getUint32(20, true);
    const count = dv.getUint32(24, true);
    const total = dv.getFloat64(32, true);
    const data = payload.subarray(FRAGMENT_HEADER);
    let a = this.open.get(id);
    if (index === 0) {
      if (!Number.isSafeInteger(total) || total <= 0 || total > this.maxMessageBytes) {
        throw new FrameError(`fragmented message of ${total} bytes exceeds the limit of ${this.maxMessageBytes}`);
      }
      if (count < 2 || count > total) throw new FrameError(`fragment count ${count} is impossible for ${total} bytes`);
      // Shared memory: the large values inside reach task threads by reference, not by a copy.
      a = { buffer: new Uint8Array(new SharedArrayBuffer(total)), filled: 0, next: 0, count, started: now };
      this.open.set(id, a);
    }
    if (a === undefined) throw new FrameError(`fragment ${index} of a message whose first fragment never came`);
    if (index !== a.next || count !== a.count || a.filled + data.byteLength > a.buffer.byteLength) {
      this.open.delete(id);
      throw new FrameError(`fragment ${index}/${count} out of sequence (expected ${a.next}/${a.count}); message dropped`);
    }
    a.buffer.set(data, a.filled);
    a.filled += data.byteLength;
    a.next++;
    if (a.next < a.count) return undefined;
    this.open.delete(id);
    if (a.filled !== a.buffer.byteLength) throw new FrameError(`fragments held ${a.filled} of ${a.buffer.byteLength} bytes; message dropped`);
    return a.buffer;
  }

  /** Drops assemblies whose sender stopped mid-message; returns how many. */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [id, a] of this.open) {
      if (now - a.started > this.staleMs) {
        this.open.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  get pending(): number {
    return this.open.size;
  }
}
