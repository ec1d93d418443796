/**
 * The NATS transport against a real nats-server (started here on a free
 * loopback port): delivery with attachments, fragmentation past max_payload,
 * peer loss through "no responders", malformed payloads, sender roles, and
 * authentication with the documented permission layout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { encodeEnvelope } from '../protocol/codec.js';
import { Scheduler } from '../scheduler.js';
import { NatsServer, haveNatsServer } from '../testing/processes.js';
import { NatsTransport, type NatsOptions } from './transport.js';
import { PERMISSIONS_CONFIG } from './permissions.js';

const skip = haveNatsServer() ? false : 'nats-server is not installed (scripts/setup.sh installs it)';
const quiet = () => {};
let server: NatsServer;

before(async () => {
  if (!skip) server = await NatsServer.start();
});
after(async () => {
  await server?.stop();
});

function inbox() {
  const got: Array<{ bytes: Uint8Array; attachments: ArrayBufferView[]; role?: string }> = [];
  let wake: (() => void) | undefined;
  return {
    got,
    receive: (bytes: Uint8Array, attachments: ArrayBufferView[], role?: string) => {
      got.push({ bytes: bytes.slice(), attachments: attachments.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice()), role });
      wake?.();
    },
    async next(n = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`received ${got.length} of ${n} messages`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 50); });
      }
    },
  };
}

test('messages with attachments cross between two connections; the sender role comes from the subject', { skip }, async () => {
  const a = await NatsTransport.connect({ servers: server.url, cluster: 't1', log: quiet });
  const b = await NatsTransport.connect({ servers: server.url, cluster: 't1', log: quiet });
  const ib = inbox();
  b.connect('worker-b', ib.receive);
  const ea = a.connect('client-a', () => {});
  await b.flush();
  const floats = Float64Array.from({ length: 1000 }, (_, i) => i / 3);
  assert.equal(ea.send('worker-b', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [floats, Uint8Array.from([42])]), true);
  await ib.next();
  const m = ib.got[0]!;
  assert.deepEqual([...m.bytes], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(new Float64Array(m.attachments[0]!.buffer as ArrayBuffer), floats);
  assert.deepEqual([...(m.attachments[1] as Uint8Array)], [42]);
  assert.equal(m.role, 'client');
  await a.close();
  await b.close();
});

const bigMessageModes: Array<{ name: string; directData: NatsOptions['directData']; path: 'fragments' | 'direct' | 'resent' }> = [
  { name: 'as fragments under the 1 MB max_payload', directData: false, path: 'fragments' },
  { name: 'over the direct TCP channel offered through NATS', directData: undefined, path: 'direct' },
  // The offer names 127.0.0.2 while the data server listens on 127.0.0.1 only: the pull
  // is refused, the receiver says so through NATS and the sender resends as fragments.
  { name: 'through NATS after all when the direct pull fails', directData: { host: '127.0.0.2', bindHost: '127.0.0.1' }, path: 'resent' },
];
for (const mode of bigMessageModes) {
  test(`a 24 MB message goes ${mode.name} and arrives intact, in order with small ones`, { skip }, async () => {
    const a = await NatsTransport.connect({ servers: server.url, cluster: `t2${mode.path}`, log: quiet, windowBytes: 4 << 20, directData: mode.directData });
    const b = await NatsTransport.connect({ servers: server.url, cluster: `t2${mode.path}`, log: quiet });
    const ib = inbox();
    b.connect('worker-b', ib.receive);
    const ea = a.connect('worker-a', () => {});
    await b.flush();
    const big = new Float64Array(3_000_000);
    for (let i = 0; i < big.length; i++) big[i] = Math.sin(i);
    ea.send('worker-b', Uint8Array.from([1]), []);
    ea.send('worker-b', Uint8Array.from([2]), [big]);
    ea.send('worker-b', Uint8Array.from([3]), []);
    await ib.next(3, 30_000);
    assert.deepEqual(ib.got.map((m) => m.bytes[0]), [1, 2, 3]);
    const bigOne = ib.got.find((m) => m.bytes[0] === 2)!;
    assert.deepEqual(new Float64Array(bigOne.attachments[0]!.buffer as ArrayBuffer, bigOne.attachments[0]!.byteOffset, big.length), big);
    assert.equal(b.rejectedFrames, 0);
    assert.equal(a.directOffered, mode.path === 'fragments' ? 0 : 1);
    assert.equal(b.directPulled, mode.path === 'direct' ? 1 : 0);
    assert.equal(a.directResent, mode.path === 'resent' ? 1 : 0);
    await a.close();
    await b.close();
  });
}

test('sending to an address nobody listens on reports that peer lost (no responders)', { skip }, async () => {
  const a = await NatsTransport.connect({ servers: server.url, cluster: 't3', log: quiet });
  const ea = a.connect('worker-a', () => {});
  const lost = new Promise<string>((r) => ea.onPeerLost(r));
  ea.send('worker-ghost', Uint8Array.from([1, 2, 3]), []);
  assert.equal(await lost, 'worker-ghost');
  await a.close();
});

test('malformed payloads are dropped and counted; the next good message still arrives', { skip }, async () => {
  const b = await NatsTransport.connect({ servers: server.url, cluster: 't4', log: quiet });
  const ib = inbox();
  b.connect('worker-b', ib.receive);
  await b.flush();
  const raw = await connect({ servers: server.url });
  const subject = b.subjects.inbox('worker-b', 'worker');
  raw.publish(subject, new Uint8Array(0));
  raw.publish(subject, Uint8Array.from({ length: 100 }, (_, i) => i));
  const lying = new Uint8Array(64);
  new DataView(lying.buffer).setUint32(0, 0x314c4853, true); // right magic, absurd lengths
  new DataView(lying.buffer).setUint32(8, 1e9, true);
  raw.publish(subject, lying);
  await raw.flush();
  const a = await NatsTransport.connect({ servers: server.url, cluster: 't4', log: quiet });
  a.connect('worker-a', () => {}).send('worker-b', Uint8Array.from([7]), []);
  await ib.next();
  assert.deepEqual([...ib.got[0]!.bytes], [7]);
  assert.equal(b.rejectedFrames, 3);
  await raw.close();
  await a.close();
  await b.close();
});

test('an actor refuses messages its sender role may not send: a client cannot report results as a worker', { skip }, async () => {
  const ts = await NatsTransport.connect({ servers: server.url, cluster: 't5', log: quiet });
  const scheduler = new Scheduler(ts, 'scheduler', {}, quiet);
  const tc = await NatsTransport.connect({ servers: server.url, cluster: 't5', log: quiet });
  const evil = tc.connect('client-evil', () => {});
  await ts.flush();
  // Claims to be a worker, in the envelope, but speaks on a client subject.
  evil.send('scheduler', encodeEnvelope('worker-x', 's', { type: 'RegisterWorker', workerId: 'worker-x', nthreads: 4, memoryLimit: 1e9 }));
  evil.send('scheduler', encodeEnvelope('client-evil', 's', { type: 'ReleaseKeys', clientId: 'client-other', keys: ['k'] }));
  evil.send('scheduler', encodeEnvelope('client-evil', 's', { type: 'RegisterClient', clientId: 'client-evil' }));
  await tc.flush();
  const deadline = Date.now() + 5000;
  while (scheduler.rejected < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(scheduler.rejected, 2);
  assert.equal(scheduler.state.workers.size, 0);
  assert.equal(scheduler.identity().clients, 1);
  scheduler.close();
  await ts.close();
  await tc.close();
});

test('authentication: wrong credentials fail with a clear message; the permission layout stops a client speaking as a worker', { skip }, async () => {
  const secure = await NatsServer.start(PERMISSIONS_CONFIG({ scheduler: 'sp', worker: 'wp', client: 'cp' }));
  try {
    await assert.rejects(NatsTransport.connect({ servers: secure.url, user: 'client', pass: 'wrong', log: quiet }),
      (e: Error) => /authorization failed for user "client"/.test(e.message));
    await assert.rejects(NatsTransport.connect({ servers: secure.url, log: quiet }), /authorization failed for no credentials/);
    const ts = await NatsTransport.connect({ servers: secure.url, user: 'scheduler', pass: 'sp', log: quiet });
    const ib = inbox();
    ts.connect('scheduler', ib.receive);
    await ts.flush();
    const tc = await NatsTransport.connect({ servers: secure.url, user: 'client', pass: 'cp', log: quiet });
    // The client account may not subscribe to a worker's inbox, so it cannot pose as one...
    tc.connect('worker-fake', () => {});
    // ...and what it publishes arrives as a client's, the only role its permissions allow.
    const ec = tc.connect('client-c', () => {});
    ec.send('scheduler', Uint8Array.from([5]), []);
    const raw = await connect({ servers: secure.url, user: 'client', pass: 'cp' });
    raw.publish('shoal.shoal.scheduler.scheduler.worker', Uint8Array.from([6])); // denied by the server
    await raw.flush().catch(() => {});
    await ib.next();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(ib.got.map((m) => [m.bytes[0], m.role]), [[5, 'client']]);
    await raw.close().catch(() => {});
    await tc.close();
    await ts.close();
  } finally {
    await secure.stop();
  }
});
