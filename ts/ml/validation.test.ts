import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import { toMatrix, toVector } from './validation.js';

test('toMatrix accepts rows, chunks and Arrow tables alike', () => {
  const rows = toMatrix('X', [[1, 2], [3, 4]]);
  assert.deepEqual(rows.shape, [2, 2]);
  assert.deepEqual(Array.from(rows.data), [1, 2, 3, 4]);
  const chunk = toMatrix('X', { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] });
  assert.deepEqual(Array.from(chunk.data), [1, 2, 3, 4]);
  const t = toMatrix('X', tableFromArrays({ a: new Float64Array([1, 3]), b: new Int32Array([2, 4]) }));
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
  assert.deepEqual(t.columns, ['a', 'b']);
});

test('toMatrix and toVector name the argument and what is wrong', () => {
  assert.throws(() => toMatrix('X', [[1, 2], [3]]), /X: ragged rows: row 0 has 2 values, row 1 has 1/);
  assert.throws(() => toMatrix('X', [[1, Infinity]]), /X: expected finite numbers, got Infinity at row 0, column 1/);
  assert.throws(() => toMatrix('X', [1, 2]), /X: expected a 2-D array of rows/);
  assert.throws(() => toMatrix('X', []), /X: expected at least one row/);
  assert.throws(() => toMatrix('X', { data: [1, 2, 3], shape: [2, 2] }), /X: shape \[2, 2\] needs 4 values, data has 3/);
  assert.throws(() => toMatrix('X', 'abc'), /X: expected number\[\]\[\], a \{ data, shape \} chunk/);
  assert.throws(() => toVector('y', [[1]]), /y: expected a 1-D target/);
});
