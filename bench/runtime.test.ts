import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRef, resolveRefs, type Graph } from '../ts/actors/graph.js';
import { embarrassingGraph, SPLIT_EVERY, treeGraph } from './runtime.js';

/** A reference evaluator: core.noop -> null, core.identity -> its argument, core.sum -> the sum of its list. */
function evaluate(graph: Graph, key: string, memo = new Map<string, unknown>()): unknown {
  if (memo.has(key)) return memo.get(key);
  const task = graph.get(key);
  if (task === undefined) throw new Error(`missing key ${key}`);
  const args = resolveRefs(task.args, (k) => evaluate(graph, k, memo)) as unknown[];
  const value = task.op === 'core.noop' ? null : task.op === 'core.identity' ? args[0] : task.op === 'core.sum' ? (args[0] as number[]).reduce((a, b) => a + b, 0) : undefined;
  if (value === undefined) throw new Error(`unexpected op ${task.op}`);
  memo.set(key, value);
  return value;
}

describe('runtime bench graphs', () => {
  it('the embarrassing graph has n independent noop tasks', () => {
    const { graph, keys } = embarrassingGraph(1000);
    assert.equal(graph.size, 1000);
    assert.deepEqual(keys, [...graph.keys()]);
    for (const t of graph.values()) {
      assert.equal(t.op, 'core.noop');
      assert.ok(!t.args.some(isRef));
    }
  });
  it('the tree sums n ones with fan-in 8, with the task count of the Dask script', () => {
    for (const n of [1, 7, 8, 9, 64, 65, 1000, 10_000]) {
      const { graph, root } = treeGraph(n);
      assert.equal(evaluate(graph, root), n, `n = ${n}`);
      // Levels of sums: ceil(n / 8^k) until one remains, at least one level (as runtime_dask.py).
      let expected = n, level = n;
      do { level = Math.ceil(level / SPLIT_EVERY); expected += level; } while (level > 1);
      assert.equal(graph.size, expected, `n = ${n}`);
      for (const t of graph.values()) if (t.op === 'core.sum') assert.ok((t.args[0] as unknown[]).length <= SPLIT_EVERY);
    }
    // Recorded by runtime_dask.py --tasks 10000 (config.treeTasks).
    assert.equal(treeGraph(10_000).graph.size, 11_431);
  });
});
