import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocShared } from './chunk.js';
import { ref } from './graph.js';
import { parseMemoryLimit } from './memory-limit.js';
import { decodeValue, encodeValue, registerSerializer, sizeOf } from './serialize.js';
import { readSpillFile, writeSpillFile } from './spill.js';
import { WorkerStore } from './worker-store.js';

class Point {
  constructor(readonly x: number, readonly y: number) {}
}
registerSerializer<Point>({
  name: 'test.Point',
  test: (v): v is Point => v instanceof Point,
  encode: (p) => ({ header: null, buffers: [new Float64Array([p.x, p.y])] }),
  decode: (_h, [b]) => new Point((b as Float64Array)[0]!, (b as Float64Array)[1]!),
});

test('encodeValue passes typed arrays out of band, by reference', () => {
  const shared = allocShared(Float64Array, 4);
  shared.set([1, 2, 3, 4]);
  const value = { chunk: { data: shared, shape: [2, 2] }, n: 3, s: 'x', nested: [new Int32Array([7])] };
  const enc = encodeValue(value);
  assert.equal(enc.buffers.length, 2);
  assert.equal(enc.buffers[0], shared, 'the buffer itself, not a copy');
  const back = decodeValue(enc.header, enc.buffers) as typeof value;
  assert.equal(back.chunk.data, shared);
  assert.deepEqual(back.chunk.shape, [2, 2]);
  assert.deepEqual([...back.nested[0]!], [7]);
  assert.equal(back.n, 3);
});

test('custom serializers and refs survive a round trip; refs resolve on decode', () => {
  const enc = encodeValue([new Point(1, 2), ref('k'), { deep: ref('j') }]);
  const back = decodeValue(enc.header, enc.buffers, (k) => `value of ${k}`) as unknown[];
  assert.ok(back[0] instanceof Point);
  assert.equal((back[0] as Point).y, 2);
  assert.equal(back[1], 'value of k');
  assert.deepEqual(back[2], { deep: 'value of j' });
});

test('a truncated header is rejected with a clear error', () => {
  assert.throws(() => decodeValue(new Uint8Array([1]), []), /truncated/);
});

test('sizeOf counts typed array bytes exactly plus small overheads', () => {
  assert.ok(sizeOf(new Float64Array(1000)) >= 8000 && sizeOf(new Float64Array(1000)) < 8200);
  assert.equal(sizeOf(1), 8);
  assert.ok(sizeOf({ a: new Uint8Array(100), b: [1, 2] }) > 100);
});

test('parseMemoryLimit reads byte strings and rejects junk naming the argument', () => {
  assert.equal(parseMemoryLimit('2GB'), 2e9);
  assert.equal(parseMemoryLimit('512 MiB'), 512 * 2 ** 20);
  assert.equal(parseMemoryLimit(1234), 1234);
  assert.equal(parseMemoryLimit('1.5kb'), 1500);
  assert.throws(() => parseMemoryLimit('lots'), /memoryLimit must look like '2GB'.*"lots"/);
  assert.throws(() => parseMemoryLimit(-1), /memoryLimit must be a positive number/);
});

test('spill files round-trip values, keeping shared buffers shared', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-test-'));
  try {
    const data = allocShared(Float32Array, 3);
    data.set([1.5, -2, 3]);
    const path = join(dir, 'v.bin');
    writeSpillFile(path, encodeValue({ data, shape: [3], tag: 'x' }));
    const enc = readSpillFile(path);
    const back = decodeValue(enc.header, enc.buffers) as { data: Float32Array; tag: string };
    assert.ok(back.data instanceof Float32Array);
    assert.ok(back.data.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...back.data], [1.5, -2, 3]);
    assert.equal(back.tag, 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WorkerStore spills least recently used results past its target and reads them back intact', () => {
  const store = new WorkerStore({ memoryLimit: 100_000, target: 0.5, pause: 0.9 });
  try {
    const arrays = Array.from({ length: 10 }, (_, i) => new Float64Array(1000).fill(i)); // ~8 KB each
    arrays.forEach((a, i) => store.put(`k${i}`, a));
    assert.ok(store.memoryBytes <= 50_000, `memory ${store.memoryBytes} stays under target`);
    assert.ok(store.spillCount > 0);
    // The oldest went to disk first.
    assert.ok(store.spilledBytes > 0);
    for (let i = 0; i < 10; i++) assert.deepEqual(store.get(`k${i}`), arrays[i]);
    assert.ok(store.unspillCount > 0);
    assert.equal(store.size, 10);
    store.delete('k3');
    assert.equal(store.has('k3'), false);
  } finally {
    store.close();
  }
});

test('WorkerStore pauses while a result it cannot spill keeps memory past the pause fraction', () => {
  const store = new WorkerStore({ memoryLimit: 10_000, target: 0.5, pause: 0.8 });
  try {
    store.put('small', new Float64Array(100));
    assert.equal(store.paused, false);
    // 9.6 KB: everything else spills, but the newest result stays in memory (it is in use).
    store.put('huge', new Float64Array(1200));
    assert.equal(store.has('small'), true);
    assert.ok(store.spilledBytes > 0, 'small went to disk');
    assert.equal(store.paused, true);
    store.delete('huge');
    assert.equal(store.paused, false);
    assert.deepEqual(store.get('small'), new Float64Array(100));
  } finally {
    store.close();
  }
});
