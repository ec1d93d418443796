import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEnvelope, encodeEnvelope, ProtocolError } from './codec.js';
import type { Msg } from './messages.js';
import { Actor, type Handlers } from '../actor.js';
import { InProcessTransport } from '../transport.js';

const samples: Msg[] = [
  { type: 'RegisterWorker', workerId: 'w-1', nthreads: 4, memoryLimit: 2e9 },
  { type: 'UpdateGraph', clientId: 'c', wanted: ['b'], push: ['b'], tasks: [
    { key: 'a', op: 'core.identity', args: [{ literal: { header: new Uint8Array([0, 1, 2]), buffers: [0] } }], dependencies: [], priority: 7, retries: 1 },
    { key: 'b', op: 'core.add', args: [{ ref: 'a' }], dependencies: ['a'], priority: 8, retries: 0 },
  ] },
  { type: 'ComputeTasks', tasks: [{ key: 'b', op: 'core.add', args: [{ ref: 'a' }], whoHas: [{ key: 'a', workers: ['w-1', 'w-2'] }], priority: 3e9, pushTo: 'client-c' },
    { key: 'c', op: 'core.noop', args: [], whoHas: [], priority: 1, pushTo: '' }] },
  { type: 'PushData', workerId: 'worker-1', items: [{ key: 'b', value: { header: new Uint8Array([3]), buffers: [0] }, nbytes: 8, typeName: 'Float64Array' }] },
  { type: 'TasksDone', workerId: 'w-1', finished: [{ key: 'a', nbytes: 8, typeName: 'number', pushedTo: '' }, { key: 'p', nbytes: 1, typeName: 'null', pushedTo: 'client-c' }],
    erred: [{ key: 'b', errorType: 'TypeError', message: 'm', stack: 'at x', threadDied: true, missingKey: '', missingFrom: '' },
      { key: 'c', errorType: 'MissingData', message: 'gone', stack: '', threadDied: true, missingKey: 'a', missingFrom: 'worker-2' }] },
  { type: 'Heartbeat', workerId: 'worker-1', memory: 5e9, spilled: 1, executing: 2, queued: 3, paused: true, resync: true },
  { type: 'Welcome', schedulerId: 'abc', reset: true, dashboardLink: 'http://127.0.0.1:8787/' },
  { type: 'Identify', requestId: 4, replyTo: 'client-1' },
  { type: 'Identity', requestId: 4, schedulerId: 'abc', clients: 2, tasks: 10, processing: 3, uptimeMs: 12345, dashboardLink: '',
    workers: [{ id: 'worker-1', nthreads: 2, memoryLimit: 8e9, memory: 1e6, spilled: 0, executing: 1, queued: 4, paused: false, keys: 7 }] },
  { type: 'Retire', workerId: 'worker-1' },
  { type: 'DataReply', requestId: 9, items: [{ key: 'a', value: { header: new Uint8Array([1]), buffers: [] } }], missing: ['z'] },
  { type: 'KeysUpdate', memory: [{ key: 'a', workers: ['w-1'], nbytes: 10, typeName: 'Float64Array' }],
    erred: [{ key: 'b', errorType: 'E', message: 'm', stack: 's', workerId: 'w-2', cancelled: false }] },
  { type: 'Progress', total: 10, finished: 4, erred: 1, processing: 3 },
  { type: 'Steal', keys: ['x', 'y'] },
  { type: 'PutData', requestId: 5, replyTo: 'client-c', items: [{ key: 'k', value: { header: new Uint8Array([2]), buffers: [0] } }] },
  { type: 'PutData', requestId: 6, replyTo: 'client-c', items: [{ key: 'k', value: { header: new Uint8Array([2]), buffers: [0] } }], stored: 'scatter-abc' },
  { type: 'PutDataAck', requestId: 3, nbytes: [1, 2] },
  { type: 'PutDataAck', requestId: 4, nbytes: [], refused: true },
];

test('every sample message survives encode -> decode unchanged, with sender and stimulus id', () => {
  for (const msg of samples) {
    const env = decodeEnvelope(encodeEnvelope('me', 'stim-1', msg));
    assert.deepEqual(env.msg, msg, msg.type);
    assert.equal(env.sender, 'me');
    assert.equal(env.stimulusId, 'stim-1');
  }
});

test('truncated and garbage envelopes are rejected with ProtocolError', () => {
  const bytes = encodeEnvelope('me', 's', samples[1]!);
  // Every truncation either fails with ProtocolError or (when only trailing padding
  // was cut) decodes to the very same message: never to something else.
  let cutsRejected = 0;
  for (let cut = 0; cut < bytes.length; cut++) {
    try {
      assert.deepEqual(decodeEnvelope(bytes.subarray(0, cut)).msg, samples[1], `cut at ${cut}`);
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `cut at ${cut}: ${(e as Error).message}`);
      cutsRejected++;
    }
  }
  assert.ok(cutsRejected > bytes.length * 0.8, `${cutsRejected} of ${bytes.length} truncations rejected`);
  // Deterministic pseudo-random garbage.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) & 0xff);
  let rejected = 0;
  for (let i = 0; i < 200; i++) {
    const junk = Uint8Array.from({ length: 16 + (i % 64) }, rnd);
    try {
      decodeEnvelope(junk);
    } catch (e) {
      assert.ok(e instanceof ProtocolError, `junk ${i}: ${(e as Error).name}: ${(e as Error).message}`);
      rejected++;
    }
  }
  assert.ok(rejected > 150, `most garbage is rejected (${rejected}/200)`);
});

class Echo extends Actor {
  got: string[] = [];
  protected readonly handlers: Handlers = { Steal: (m) => void this.got.push(...m.keys) };
}

test('an actor logs and drops a malformed message, then keeps handling good ones', async () => {
  const transport = new InProcessTransport();
  const logged: string[] = [];
  const actor = new Echo(transport, 'echo', (m) => logged.push(m));
  const sender = transport.connect('sender', () => {});
  sender.send('echo', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  sender.send('echo', encodeEnvelope('sender', 's', samples[0]!)); // a type it has no handler for
  sender.send('echo', encodeEnvelope('sender', 's', { type: 'Steal', keys: ['k'] }));
  await new Promise((r) => setImmediate(r));
  assert.equal(actor.rejected, 2);
  assert.deepEqual(actor.got, ['k']);
  assert.match(logged[0]!, /echo: rejected a message/);
  actor.close();
  transport.close();
});
