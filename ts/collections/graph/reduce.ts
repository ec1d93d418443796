/**
 * Tree reductions: partials are combined `splitEvery` at a time, level by
 * level, so no task holds more than a few partials and the depth is
 * log(n) — Dask's `split_every`.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';

export interface TreeReduction {
  tasks: Map<string, TaskSpec>;
  /** the key holding the combined value */
  root: string;
}

/**
 * Combines the values of `inputs` with op `combineOp(parts[], ...extra)`;
 * input order is kept (combiners such as argmin rely on it).
 */
export function treeReduce(prefix: string, inputs: string[], combineOp: string, extra: unknown[] = [], splitEvery = 8): TreeReduction {
  if (inputs.length === 0) throw new RangeError('treeReduce: expected at least one input, got none');
  const tasks = new Map<string, TaskSpec>();
  let level = inputs;
  let depth = 0;
  do {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += splitEvery) {
      const key = `${prefix}-L${depth}-${next.length}`;
      tasks.set(key, { op: combineOp, args: [level.slice(i, i + splitEvery).map((k) => ref(k)), ...extra] });
      next.push(key);
    }
    level = next;
    depth++;
  } while (level.length > 1);
  return { tasks, root: level[0] };
}
