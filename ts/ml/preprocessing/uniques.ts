/**
 * The distinct values of a DataFrame's or Array's columns, computed on the
 * cluster: per-partition sets (op `ml.uniques`) combined in a tree, as
 * `df.categorize` does; only the sets travel.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';
import { computeKeys } from '../../collections/graph/compute.js';
import { tokenize, withLayer } from '../../collections/graph/layers.js';
import { treeReduce } from '../../collections/graph/reduce.js';
import { DataFrame, type ShoalArray } from '../collections-bridge.js';
import type { Uniques } from './categories.js';
import './encoder-ops.js';

/** Distinct values of a DataFrame's `columns` or of every column of an Array, computed on the cluster (one pass, a tree of set unions). */
export async function collectionUniques(X: DataFrame | ShoalArray, columns?: string[]): Promise<Uniques> {
  const cols = X instanceof DataFrame ? columns ?? X.columns : null;
  const token = tokenize('ml-uniques', X.keys, cols);
  const tasks = new Map<string, TaskSpec>();
  const parts = X.keys.map((k, i) => { const key = `ml-uniques-${token}-${i}`; tasks.set(key, { op: 'ml.uniques', args: [ref(k), cols] }); return key; });
  const tree = treeReduce(`ml-uniques-combine-${token}`, parts, 'ml.uniques.combine');
  for (const [k, t] of tree.tasks) tasks.set(k, t);
  const [out] = await computeKeys(withLayer([X.layers], `ml-uniques-${token}`, tasks), [tree.root]);
  return out as Uniques;
}

