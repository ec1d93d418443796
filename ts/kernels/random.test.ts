import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native } from '../native.js';

test('fillNormal writes in place, reproducibly, into a SharedArrayBuffer-backed array', () => {
  const a = new Float64Array(new SharedArrayBuffer(8 * 10_001));
  const b = new Float64Array(10_001);
  native.fillNormal(a, 123, 4, 5, 2);
  native.fillNormal(b, 123, 4, 5, 2);
  assert.deepEqual(Array.from(a), Array.from(b));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  // Standard error of the mean is 2/sqrt(10001) = 0.02; of the variance about 0.06.
  assert.ok(Math.abs(mean - 5) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4) < 0.3, `variance ${variance}`);
});

test('fillNormal streams differ and a subarray view is filled only inside its window', () => {
  const buf = new Float64Array(12);
  const view = buf.subarray(2, 10);
  native.fillNormal(view, 1, 0, 0, 1);
  assert.equal(buf[0], 0);
  assert.equal(buf[11], 0);
  const other = new Float64Array(8);
  native.fillNormal(other, 1, 1, 0, 1);
  assert.ok(view.every((v, i) => v !== other[i]));
});

test('fillUniform and the f32 variants stay within [low, high)', () => {
  const x = new Float64Array(5000);
  native.fillUniform(x, 7, 0, -2, 3);
  assert.ok(x.every((v) => v >= -2 && v < 3));
  const y = new Float32Array(5000);
  native.fillUniformF32(y, 7, 0, -2, 3);
  assert.ok(y.every((v, i) => v >= -2 && v < 3 && Math.abs(v - x[i]!) < 1e-6));
  const z = new Float32Array(100);
  native.fillNormalF32(z, 7, 0, 0, 1);
  assert.ok(z.every((v) => Number.isFinite(v)));
});

test('bad seeds and parameters throw TypeError naming the argument', () => {
  const x = new Float64Array(4);
  assert.throws(() => native.fillNormal(x, -1, 0, 0, 1), { name: 'TypeError', message: /^seed:/ });
  assert.throws(() => native.fillNormal(x, 1, 0.5, 0, 1), { name: 'TypeError', message: /^stream:/ });
  assert.throws(() => native.fillNormal(x, 1, 0, 0, -1), { name: 'TypeError', message: /^std:/ });
  assert.throws(() => native.fillUniform(x, 1, 0, 2, 1), { name: 'TypeError', message: /low, high/ });
});
