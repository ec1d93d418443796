import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatSegments, FrameError, frameKind, frameLength, frameSegments, fragments, KIND_FRAGMENT, KIND_WHOLE, parseFrame, Reassembler } from './frame.js';

function whole(env: Uint8Array, atts: ArrayBufferView[]): Uint8Array {
  return concatSegments(frameSegments(env, atts), frameLength(env, atts));
}

test('a whole frame round-trips the envelope and attachments of odd sizes', () => {
  const env = Uint8Array.from({ length: 37 }, (_, i) => i);
  const a = Float64Array.from({ length: 5 }, (_, i) => i * 1.5);
  const b = Uint8Array.from([9, 8, 7]);
  const f = whole(env, [a, b, new Uint8Array(0)]);
  assert.equal(f.byteLength % 8, 0);
  assert.equal(frameKind(f), KIND_WHOLE);
  const { envelope, attachments } = parseFrame(f);
  assert.deepEqual([...envelope], [...env]);
  assert.deepEqual([...new Float64Array(attachments[0]!.slice().buffer)], [...a]);
  assert.deepEqual([...attachments[1]!], [9, 8, 7]);
  assert.equal(attachments[2]!.byteLength, 0);
  // 8-byte aligned inside the frame, so float64 views need no copy.
  assert.equal(attachments[0]!.byteOffset % 8, 0);
});

test('fragments cut at every boundary reassemble to the same frame', () => {
  const env = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
  const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7) & 255);
  const total = frameLength(env, [big]);
  const parts = [...fragments(frameSegments(env, [big]), total, 4096, [1, 2], 77)];
  assert.equal(parts.length, Math.ceil(total / (4096 - 40)));
  for (const p of parts) assert.ok(p.byteLength <= 4096 && frameKind(p) === KIND_FRAGMENT);
  const r = new Reassembler(1 << 30);
  let out: Uint8Array | undefined;
  parts.forEach((p, i) => {
    out = r.add(p);
    assert.equal(out === undefined, i < parts.length - 1);
  });
  const { envelope, attachments } = parseFrame(out!);
  assert.deepEqual(envelope, env);
  assert.deepEqual(attachments[0], big);
  assert.equal(r.pending, 0);
});

test('a lost or reordered fragment drops the message with a FrameError; stale assemblies are swept', () => {
  const big = new Uint8Array(20_000);
  const total = frameLength(new Uint8Array(8), [big]);
  const parts = [...fragments(frameSegments(new Uint8Array(8), [big]), total, 2048, [3, 4], 1)];
  const r = new Reassembler(1 << 30);
  r.add(parts[0]!);
  assert.throws(() => r.add(parts[2]!), FrameError);
  assert.throws(() => r.add(parts[3]!), /first fragment never came/);
  r.add(parts[0]!, 0);
  assert.equal(r.sweep(120_000), 1);
  assert.equal(r.pending, 0);
});

test('malformed frames are FrameErrors, never out-of-range views', () => {
  const good = whole(new Uint8Array(16), [new Uint8Array(100)]);
  assert.throws(() => frameKind(new Uint8Array(3)), FrameError);
  assert.throws(() => frameKind(new Uint8Array(64)), /magic/);
  // Every cut short of the last attachment byte (the trailing padding is optional).
  for (let cut = 0; cut < 140; cut += 7) {
    assert.throws(() => parseFrame(good.subarray(0, cut)), FrameError, `cut at ${cut}`);
  }
  const lying = good.slice();
  new DataView(lying.buffer).setFloat64(16, 1e12, true); // attachment claims a terabyte
  assert.throws(() => parseFrame(lying), /overruns/);
  const many = good.slice();
  new DataView(many.buffer).setUint32(12, 0xffffffff, true);
  assert.throws(() => parseFrame(many), /attachments/);
  const r = new Reassembler(1000);
  const parts = [...fragments(frameSegments(new Uint8Array(8), [new Uint8Array(5000)]), frameLength(new Uint8Array(8), [new Uint8Array(5000)]), 2048, [1, 1], 1)];
  assert.throws(() => r.add(parts[0]!), /exceeds the limit/);
});
