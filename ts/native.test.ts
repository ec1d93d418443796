import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native } from './native.js';

test('the native addon loads and computes column sums of a 3x2 matrix', () => {
  const x = new Float64Array([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(native.columnSums(x, 3, 2)), [9, 12]);
});

test('the native addon names the argument when the shape is wrong', () => {
  assert.throws(() => native.columnSums(new Float64Array(5), 3, 2), { name: 'RangeError', message: /^x: expected rows\*cols = 3\*2 = 6 values, got 5/ });
});
