import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphError, orderGraph, ref, refsIn, resolveRefs, type Graph } from './graph.js';

test('refsIn finds refs nested in arrays and objects, once each', () => {
  const args = [ref('a'), { x: [ref('b'), ref('a')], y: 3 }, new Float64Array(2)];
  assert.deepEqual(refsIn(args), ['a', 'b']);
  assert.deepEqual(resolveRefs(args[1], (k) => k.toUpperCase()), { x: ['B', 'A'], y: 3 });
});

test('orderGraph rejects cycles and missing dependencies, naming the key', () => {
  const cyc: Graph = new Map([
    ['a', { op: 'x', args: [ref('c')] }], ['b', { op: 'x', args: [ref('a')] }], ['c', { op: 'x', args: [ref('b')] }],
  ]);
  assert.throws(() => orderGraph(cyc), (e: Error) => e instanceof GraphError && /cycle/.test(e.message));
  const selfLoop: Graph = new Map([['r', { op: 'x', args: [] }], ['a', { op: 'x', args: [ref('a')] }]]);
  assert.throws(() => orderGraph(selfLoop), /cycle/);
  const missing: Graph = new Map([['a', { op: 'x', args: [ref('nope')] }]]);
  assert.throws(() => orderGraph(missing), /task "a" depends on missing key "nope"/);
  assert.doesNotThrow(() => orderGraph(missing, (k) => k === 'nope'));
  assert.throws(() => orderGraph(new Map([['a', { op: 3 as unknown as string, args: [] }]])), /expected \{ op: string/);
});

test('orderGraph priorities are depth-first: a reduction finishes a subtree before starting the next', () => {
  // Two leaves per pair, pairs reduced, then the total.
  const g: Graph = new Map();
  for (let i = 0; i < 4; i++) g.set(`leaf-${i}`, { op: 'x', args: [] });
  g.set('pair-0', { op: 'x', args: [ref('leaf-0'), ref('leaf-1')] });
  g.set('pair-1', { op: 'x', args: [ref('leaf-2'), ref('leaf-3')] });
  g.set('total', { op: 'x', args: [ref('pair-0'), ref('pair-1')] });
  const { priority } = orderGraph(g);
  const p = (k: string) => priority.get(k)!;
  assert.ok(p('pair-0') < p('leaf-2'), 'pair-0 runs before the second subtree starts');
  assert.ok(p('leaf-0') < p('pair-0') && p('leaf-1') < p('pair-0'));
  assert.equal(p('total'), 6);
  // Every dependency comes before its dependent.
  for (const [k, spec] of g) for (const d of refsIn(spec.args)) assert.ok(p(d) < p(k));
});

test('orderGraph handles a 100 000-deep chain without recursion', () => {
  const g: Graph = new Map([['c-0', { op: 'x', args: [] }]]);
  for (let i = 1; i < 100_000; i++) g.set(`c-${i}`, { op: 'x', args: [ref(`c-${i - 1}`)] });
  const { priority } = orderGraph(g);
  assert.equal(priority.get('c-99999'), 99_999);
});
