/**
 * Envelope bytes <-> plain messages. Decoding is eager (every field is read at
 * once) over a bounds-checked ByteBuffer, so a malformed or truncated message
 * fails here with a ProtocolError instead of deep inside a handler.
 */
import * as fb from 'flatbuffers';
import * as P from './generated/shoal/protocol.js';
import type { DataItem, Envelope, Msg, PushedItem, TaskDef, WireArg, WireValue } from './messages.js';

/** A message that cannot be decoded. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** ByteBuffer whose reads throw past the end instead of returning garbage. */
class CheckedByteBuffer extends fb.ByteBuffer {
  private check(offset: number, n: number): void {
    if (offset < 0 || offset + n > this.capacity() || !Number.isInteger(offset)) {
      throw new ProtocolError(`read of ${n} bytes at ${offset} is outside the ${this.capacity()}-byte message`);
    }
  }
  override readInt8(o: number) { this.check(o, 1); return super.readInt8(o); }
  override readUint8(o: number) { this.check(o, 1); return super.readUint8(o); }
  override readInt16(o: number) { this.check(o, 2); return super.readInt16(o); }
  override readUint16(o: number) { this.check(o, 2); return super.readUint16(o); }
  override readInt32(o: number) { this.check(o, 4); return super.readInt32(o); }
  override readUint32(o: number) { this.check(o, 4); return super.readUint32(o); }
  override readInt64(o: number) { this.check(o, 8); return super.readInt64(o); }
  override readUint64(o: number) { this.check(o, 8); return super.readUint64(o); }
  override __vector_len(o: number) {
    const n = super.__vector_len(o);
    this.check(this.__vector(o), n); // at least one byte per element
    return n;
  }
  override __string(o: number, enc?: fb.Encoding) {
    const start = o + this.readInt32(o);
    const n = this.readInt32(start);
    this.check(start, 4 + n);
    if (enc === undefined && n <= SHORT_STRING) {
      const ascii = asciiString(this.bytes(), start + 4, n);
      if (ascii !== null) return ascii;
    }
    return super.__string(o, enc);
  }
}

/**
 * Strings up to this length (keys, op names, addresses, stimulus ids: nearly every
 * string a message carries) take a plain-JS ASCII path: TextEncoder/TextDecoder
 * cross into C++ on every call and were a fifth of the cost of a one-task round trip.
 */
const SHORT_STRING = 128;

/** The bytes as a string when all are ASCII, else null (the caller decodes UTF-8). */
function asciiString(bytes: Uint8Array, at: number, n: number): string | null {
  for (let i = at; i < at + n; i++) if (bytes[i]! > 0x7f) return null;
  return String.fromCharCode.apply(null, bytes.subarray(at, at + n) as unknown as number[]);
}

/** A Builder whose short ASCII strings are written byte by byte (see SHORT_STRING). */
class AsciiBuilder extends fb.Builder {
  override createString(s: string | Uint8Array | null | undefined): fb.Offset {
    if (typeof s !== 'string' || s.length > SHORT_STRING) return super.createString(s);
    const n = s.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return super.createString(s);
    // The same layout as Builder.createString: a NUL after the bytes, then the vector.
    this.addInt8(0);
    this.startVector(1, n, 1);
    const self = this as unknown as { bb: fb.ByteBuffer; space: number };
    const at = (self.space -= n);
    self.bb.setPosition(at);
    const bytes = self.bb.bytes();
    for (let i = 0; i < n; i++) bytes[at + i] = s.charCodeAt(i);
    return this.endVector();
  }
}

// ---------- encoding ----------

type B = fb.Builder;
const str = (b: B, s: string) => b.createString(s);
/** For strings that repeat within a message (op names, worker ids, type names): stored once. */
const sstr = (b: B, s: string) => b.createSharedString(s);
const sstrs = (b: B, xs: string[]) => {
  const offs = xs.map((x) => b.createSharedString(x));
  b.startVector(4, offs.length, 4);
  for (let i = offs.length - 1; i >= 0; i--) b.addOffset(offs[i]!);
  return b.endVector();
};
const strs = (b: B, xs: string[]) => {
  const offs = xs.map((x) => b.createString(x));
  b.startVector(4, offs.length, 4);
  for (let i = offs.length - 1; i >= 0; i--) b.addOffset(offs[i]!);
  return b.endVector();
};
const tables = (b: B, offs: number[]) => {
  b.startVector(4, offs.length, 4);
  for (let i = offs.length - 1; i >= 0; i--) b.addOffset(offs[i]!);
  return b.endVector();
};
const longs = (b: B, xs: number[]) => {
  b.startVector(8, xs.length, 8);
  for (let i = xs.length - 1; i >= 0; i--) b.addInt64(BigInt(xs[i]!));
  return b.endVector();
};
const value = (b: B, v: WireValue) =>
  P.Value.createValue(b, P.Value.createHeaderVector(b, v.header), P.Value.createBuffersVector(b, v.buffers));
const args = (b: B, xs: WireArg[]) =>
  tables(b, xs.map((a) => {
    const r = a.ref !== undefined ? str(b, a.ref) : 0;
    const l = a.literal !== undefined ? value(b, a.literal) : 0;
    P.Arg.startArg(b); if (r) P.Arg.addRefKey(b, r); if (l) P.Arg.addLiteral(b, l); return P.Arg.endArg(b);
  }));
const items = (b: B, xs: DataItem[]) =>
  tables(b, xs.map((it) => { const k = str(b, it.key); const v = value(b, it.value); P.DataItem.startDataItem(b); P.DataItem.addKey(b, k); P.DataItem.addValue(b, v); return P.DataItem.endDataItem(b); }));
const big = (n: number) => BigInt(Math.trunc(n));

function encodeBody(b: B, m: Msg): number {
  switch (m.type) {
    case 'RegisterWorker': return P.RegisterWorker.createRegisterWorker(b, str(b, m.workerId), m.nthreads, big(m.memoryLimit));
    case 'RegisterClient': return P.RegisterClient.createRegisterClient(b, str(b, m.clientId));
    case 'Unregister': return P.Unregister.createUnregister(b, str(b, m.id));
    case 'Heartbeat': return P.Heartbeat.createHeartbeat(b, str(b, m.workerId), big(m.memory), big(m.spilled), m.executing, m.queued, m.paused, m.resync ?? false);
    case 'UpdateGraph': {
      const ts = m.tasks.map((t: TaskDef) =>
        P.TaskDef.createTaskDef(b, str(b, t.key), sstr(b, t.op), args(b, t.args), strs(b, t.dependencies), big(t.priority), t.retries));
      return P.UpdateGraph.createUpdateGraph(b, str(b, m.clientId), tables(b, ts), strs(b, m.wanted), m.push?.length ? strs(b, m.push) : 0);
    }
    case 'ComputeTasks': {
      const ts = m.tasks.map((t) => {
        const wh = tables(b, t.whoHas.map((w) => P.WhoHas.createWhoHas(b, str(b, w.key), sstrs(b, w.workers))));
        return P.ComputeTask.createComputeTask(b, str(b, t.key), sstr(b, t.op), args(b, t.args), wh, big(t.priority), t.pushTo ? sstr(b, t.pushTo) : 0);
      });
      return P.ComputeTasks.createComputeTasks(b, tables(b, ts));
    }
    case 'TasksDone': {
      const f = tables(b, m.finished.map((t) =>
        P.TaskFinished.createTaskFinished(b, str(b, t.key), big(t.nbytes), sstr(b, t.typeName), t.pushedTo ? sstr(b, t.pushedTo) : 0)));
      const e = tables(b, m.erred.map((t) =>
        P.TaskErred.createTaskErred(b, str(b, t.key), str(b, t.errorType), str(b, t.message), str(b, t.stack), t.threadDied,
          t.missingKey ? str(b, t.missingKey) : 0, t.missingFrom ? str(b, t.missingFrom) : 0)));
      return P.TasksDone.createTasksDone(b, str(b, m.workerId), f, e);
    }
    case 'GetData': return P.GetData.createGetData(b, m.requestId, str(b, m.replyTo), strs(b, m.keys));
    case 'DataReply': return P.DataReply.createDataReply(b, m.requestId, items(b, m.items), strs(b, m.missing));
    case 'PutData': return P.PutData.createPutData(b, m.requestId, str(b, m.replyTo), items(b, m.items), m.stored === undefined ? 0 : str(b, m.stored));
    case 'PutDataAck': return P.PutDataAck.createPutDataAck(b, m.requestId, longs(b, m.nbytes), m.refused === true);
    case 'AddKeys': return P.AddKeys.createAddKeys(b, str(b, m.clientId), strs(b, m.keys), strs(b, m.workers), longs(b, m.nbytes));
    case 'ReleaseKeys': return P.ReleaseKeys.createReleaseKeys(b, str(b, m.clientId), strs(b, m.keys));
    case 'CancelKeys': return P.CancelKeys.createCancelKeys(b, str(b, m.clientId), strs(b, m.keys));
    case 'FreeKeys': return P.FreeKeys.createFreeKeys(b, strs(b, m.keys));
    case 'Steal': return P.Steal.createSteal(b, strs(b, m.keys));
    case 'StealResponse': return P.StealResponse.createStealResponse(b, str(b, m.workerId), strs(b, m.stolen));
    case 'KeysUpdate': {
      const mem = tables(b, m.memory.map((k) =>
        P.KeyInMemory.createKeyInMemory(b, str(b, k.key), sstrs(b, k.workers), big(k.nbytes), sstr(b, k.typeName))));
      const err = tables(b, m.erred.map((k) =>
        P.KeyErred.createKeyErred(b, str(b, k.key), str(b, k.errorType), str(b, k.message), str(b, k.stack), str(b, k.workerId), k.cancelled)));
      return P.KeysUpdate.createKeysUpdate(b, mem, err);
    }
    case 'Progress': return P.Progress.createProgress(b, big(m.total), big(m.finished), big(m.erred), big(m.processing));
    case 'Welcome': return P.Welcome.createWelcome(b, str(b, m.schedulerId), m.reset, str(b, m.dashboardLink));
    case 'Identify': return P.Identify.createIdentify(b, m.requestId, str(b, m.replyTo));
    case 'Identity': {
      const ws = tables(b, m.workers.map((w) => P.WorkerInfo.createWorkerInfo(b, str(b, w.id), w.nthreads, big(w.memoryLimit), big(w.memory),
        big(w.spilled), w.executing, w.queued, w.paused, big(w.keys))));
      return P.Identity.createIdentity(b, m.requestId, str(b, m.schedulerId), ws, m.clients, big(m.tasks), big(m.processing), big(m.uptimeMs),
        str(b, m.dashboardLink));
    }
    case 'Retire': return P.Retire.createRetire(b, str(b, m.workerId));
    case 'PushData': {
      const its = tables(b, m.items.map((it: PushedItem) => {
        const k = str(b, it.key); const v = value(b, it.value); const t = sstr(b, it.typeName);
        P.PushedItem.startPushedItem(b); P.PushedItem.addKey(b, k); P.PushedItem.addValue(b, v);
        P.PushedItem.addNbytes(b, big(it.nbytes)); P.PushedItem.addTypeName(b, t);
        return P.PushedItem.endPushedItem(b);
      }));
      return P.PushData.createPushData(b, str(b, m.workerId), its);
    }
  }
}

const builder = new AsciiBuilder(1024);

/** Encodes one message into Envelope bytes (a fresh Uint8Array the caller owns). */
export function encodeEnvelope(sender: string, stimulusId: string, msg: Msg): Uint8Array {
  const b = builder;
  b.clear();
  const body = encodeBody(b, msg);
  const env = P.Envelope.createEnvelope(b, str(b, sender), str(b, stimulusId), P.Message[msg.type], body);
  b.finish(env);
  return b.asUint8Array().slice();
}

// ---------- decoding ----------

const s = (x: string | null, what: string): string => {
  if (x === null) throw new ProtocolError(`missing required field ${what}`);
  return x;
};
const list = <T>(n: number, f: (i: number) => T): T[] => {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
};
const num = (x: bigint) => Number(x);
// The header is copied out of the envelope: a view would keep the whole envelope
// alive and be cloned whole (with the entire envelope) when posted to a thread.
const dvalue = (v: P.Value | null): WireValue | undefined =>
  v === null ? undefined : { header: (v.headerArray() ?? new Uint8Array(0)).slice(), buffers: list(v.buffersLength(), (i) => v.buffers(i)!) };
const dargs = (n: number, get: (i: number) => P.Arg | null): WireArg[] =>
  list(n, (i) => {
    const a = get(i)!;
    const r = a.refKey();
    return r !== null ? { ref: r } : { literal: dvalue(a.literal()) };
  });
const ditems = (n: number, get: (i: number) => P.DataItem | null): DataItem[] =>
  list(n, (i) => { const it = get(i)!; return { key: s(it.key(), 'DataItem.key'), value: dvalue(it.value()) ?? { header: new Uint8Array(0), buffers: [] } }; });

function decodeBody(type: P.Message, env: P.Envelope): Msg {
  switch (type) {
    case P.Message.RegisterWorker: {
      const m = env.message(new P.RegisterWorker()) as P.RegisterWorker;
      return { type: 'RegisterWorker', workerId: s(m.workerId(), 'workerId'), nthreads: m.nthreads(), memoryLimit: num(m.memoryLimit()) };
    }
    case P.Message.RegisterClient: {
      const m = env.message(new P.RegisterClient()) as P.RegisterClient;
      return { type: 'RegisterClient', clientId: s(m.clientId(), 'clientId') };
    }
    case P.Message.Unregister: {
      const m = env.message(new P.Unregister()) as P.Unregister;
      return { type: 'Unregister', id: s(m.id(), 'id') };
    }
    case P.Message.Heartbeat: {
      const m = env.message(new P.Heartbeat()) as P.Heartbeat;
      return { type: 'Heartbeat', workerId: s(m.workerId(), 'workerId'), memory: num(m.memory()), spilled: num(m.spilled()),
        executing: m.executing(), queued: m.queued(), paused: m.paused(), resync: m.resync() };
    }
    case P.Message.UpdateGraph: {
      const m = env.message(new P.UpdateGraph()) as P.UpdateGraph;
      const tasks = list(m.tasksLength(), (i): TaskDef => {
        const t = m.tasks(i)!;
        return { key: s(t.key(), 'TaskDef.key'), op: s(t.op(), 'TaskDef.op'), args: dargs(t.argsLength(), (j) => t.args(j)),
          dependencies: list(t.dependenciesLength(), (j) => t.dependencies(j)), priority: num(t.priority()), retries: t.retries() };
      });
      return { type: 'UpdateGraph', clientId: s(m.clientId(), 'clientId'), tasks, wanted: list(m.wantedLength(), (i) => m.wanted(i)),
        push: list(m.pushLength(), (i) => m.push(i)) };
    }
    case P.Message.ComputeTasks: {
      const m = env.message(new P.ComputeTasks()) as P.ComputeTasks;
      return { type: 'ComputeTasks', tasks: list(m.tasksLength(), (i) => {
        const t = m.tasks(i)!;
        return { key: s(t.key(), 'ComputeTask.key'), op: s(t.op(), 'ComputeTask.op'), args: dargs(t.argsLength(), (j) => t.args(j)),
          whoHas: list(t.whoHasLength(), (j) => { const w = t.whoHas(j)!; return { key: s(w.key(), 'WhoHas.key'), workers: list(w.workersLength(), (k) => w.workers(k)) }; }),
          priority: num(t.priority()), pushTo: t.pushTo() ?? '' };
      }) };
    }
    case P.Message.TasksDone: {
      const m = env.message(new P.TasksDone()) as P.TasksDone;
      return { type: 'TasksDone', workerId: s(m.workerId(), 'workerId'),
        finished: list(m.finishedLength(), (i) => { const t = m.finished(i)!; return { key: s(t.key(), 'key'), nbytes: num(t.nbytes()), typeName: t.typeName() ?? '', pushedTo: t.pushedTo() ?? '' }; }),
        erred: list(m.erredLength(), (i) => { const t = m.erred(i)!; return { key: s(t.key(), 'key'), errorType: t.errorType() ?? 'Error',
          message: t.message() ?? '', stack: t.stack() ?? '', threadDied: t.threadDied(), missingKey: t.missingKey() ?? '', missingFrom: t.missingFrom() ?? '' }; }) };
    }
    case P.Message.GetData: {
      const m = env.message(new P.GetData()) as P.GetData;
      return { type: 'GetData', requestId: m.requestId(), replyTo: s(m.replyTo(), 'replyTo'), keys: list(m.keysLength(), (i) => m.keys(i)) };
    }
    case P.Message.DataReply: {
      const m = env.message(new P.DataReply()) as P.DataReply;
      return { type: 'DataReply', requestId: m.requestId(), items: ditems(m.itemsLength(), (i) => m.items(i)), missing: list(m.missingLength(), (i) => m.missing(i)) };
    }
    case P.Message.PutData: {
      const m = env.message(new P.PutData()) as P.PutData;
      const stored = m.stored();
      return { type: 'PutData', requestId: m.requestId(), replyTo: s(m.replyTo(), 'replyTo'), items: ditems(m.itemsLength(), (i) => m.items(i)), ...(stored ? { stored } : {}) };
    }
    case P.Message.PutDataAck: {
      const m = env.message(new P.PutDataAck()) as P.PutDataAck;
      return { type: 'PutDataAck', requestId: m.requestId(), nbytes: list(m.nbytesLength(), (i) => num(m.nbytes(i)!)), ...(m.refused() ? { refused: true } : {}) };
    }
    case P.Message.AddKeys: {
      const m = env.message(new P.AddKeys()) as P.AddKeys;
      return { type: 'AddKeys', clientId: s(m.clientId(), 'clientId'), keys: list(m.keysLength(), (i) => m.keys(i)),
        workers: list(m.workersLength(), (i) => m.workers(i)), nbytes: list(m.nbytesLength(), (i) => num(m.nbytes(i)!)) };
    }
    case P.Message.ReleaseKeys: {
      const m = env.message(new P.ReleaseKeys()) as P.ReleaseKeys;
      return { type: 'ReleaseKeys', clientId: m.clientId() ?? '', keys: list(m.keysLength(), (i) => m.keys(i)) };
    }
    case P.Message.CancelKeys: {
      const m = env.message(new P.CancelKeys()) as P.CancelKeys;
      return { type: 'CancelKeys', clientId: s(m.clientId(), 'clientId'), keys: list(m.keysLength(), (i) => m.keys(i)) };
    }
    case P.Message.FreeKeys: {
      const m = env.message(new P.FreeKeys()) as P.FreeKeys;
      return { type: 'FreeKeys', keys: list(m.keysLength(), (i) => m.keys(i)) };
    }
    case P.Message.Steal: {
      const m = env.message(new P.Steal()) as P.Steal;
      return { type: 'Steal', keys: list(m.keysLength(), (i) => m.keys(i)) };
    }
    case P.Message.StealResponse: {
      const m = env.message(new P.StealResponse()) as P.StealResponse;
      return { type: 'StealResponse', workerId: s(m.workerId(), 'workerId'), stolen: list(m.stolenLength(), (i) => m.stolen(i)) };
    }
    case P.Message.KeysUpdate: {
      const m = env.message(new P.KeysUpdate()) as P.KeysUpdate;
      return { type: 'KeysUpdate',
        memory: list(m.memoryLength(), (i) => { const k = m.memory(i)!; return { key: s(k.key(), 'key'),
          workers: list(k.workersLength(), (j) => k.workers(j)), nbytes: num(k.nbytes()), typeName: k.typeName() ?? '' }; }),
        erred: list(m.erredLength(), (i) => { const k = m.erred(i)!; return { key: s(k.key(), 'key'), errorType: k.errorType() ?? 'Error',
          message: k.message() ?? '', stack: k.stack() ?? '', workerId: k.workerId() ?? '', cancelled: k.cancelled() }; }) };
    }
    case P.Message.Progress: {
      const m = env.message(new P.Progress()) as P.Progress;
      return { type: 'Progress', total: num(m.total()), finished: num(m.finished()), erred: num(m.erred()), processing: num(m.processing()) };
    }
    case P.Message.Welcome: {
      const m = env.message(new P.Welcome()) as P.Welcome;
      return { type: 'Welcome', schedulerId: s(m.schedulerId(), 'schedulerId'), reset: m.reset(), dashboardLink: m.dashboardLink() ?? '' };
    }
    case P.Message.Identify: {
      const m = env.message(new P.Identify()) as P.Identify;
      return { type: 'Identify', requestId: m.requestId(), replyTo: s(m.replyTo(), 'replyTo') };
    }
    case P.Message.Identity: {
      const m = env.message(new P.Identity()) as P.Identity;
      return { type: 'Identity', requestId: m.requestId(), schedulerId: m.schedulerId() ?? '', clients: m.clients(), tasks: num(m.tasks()),
        processing: num(m.processing()), uptimeMs: num(m.uptimeMs()), dashboardLink: m.dashboardLink() ?? '',
        workers: list(m.workersLength(), (i) => { const w = m.workers(i)!; return { id: s(w.id(), 'WorkerInfo.id'), nthreads: w.nthreads(),
          memoryLimit: num(w.memoryLimit()), memory: num(w.memory()), spilled: num(w.spilled()), executing: w.executing(), queued: w.queued(),
          paused: w.paused(), keys: num(w.keys()) }; }) };
    }
    case P.Message.Retire: {
      const m = env.message(new P.Retire()) as P.Retire;
      return { type: 'Retire', workerId: s(m.workerId(), 'workerId') };
    }
    case P.Message.PushData: {
      const m = env.message(new P.PushData()) as P.PushData;
      return { type: 'PushData', workerId: s(m.workerId(), 'workerId'), items: list(m.itemsLength(), (i) => {
        const it = m.items(i)!;
        return { key: s(it.key(), 'PushedItem.key'), value: dvalue(it.value()) ?? { header: new Uint8Array(0), buffers: [] },
          nbytes: num(it.nbytes()), typeName: it.typeName() ?? '' };
      }) };
    }
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

/** Decodes Envelope bytes; throws ProtocolError on anything malformed or truncated. */
export function decodeEnvelope(bytes: Uint8Array, attachments: ArrayBufferView[] = []): Envelope {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError(`expected Uint8Array envelope bytes, got ${typeof bytes}`);
  if (bytes.length < 8) throw new ProtocolError(`envelope of ${bytes.length} bytes is truncated`);
  try {
    const env = P.Envelope.getRootAsEnvelope(new CheckedByteBuffer(bytes));
    const msg = decodeBody(env.messageType(), env);
    return { sender: env.sender() ?? '', stimulusId: env.stimulusId() ?? '', msg, attachments };
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(`malformed envelope (${bytes.length} bytes): ${(err as Error).message}`);
  }
}
