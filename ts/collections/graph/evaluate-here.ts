/**
 * For tests: runs a graph in this thread, task by task in dependency order,
 * with the registered ops — the reference that optimised graphs must agree with.
 */
import { getOp } from '../../actors/ops.js';
import { refsIn, resolveRefs, type Graph } from '../../actors/graph.js';

export async function evaluateHere(graph: Graph, keys: string[]): Promise<unknown[]> {
  const done = new Map<string, unknown>();
  const run = async (k: string): Promise<unknown> => {
    if (done.has(k)) return done.get(k);
    const t = graph.get(k)!;
    const deps = new Map<string, unknown>();
    for (const d of refsIn(t.args)) deps.set(d, await run(d));
    const v = await getOp(t.op)(...(resolveRefs(t.args, (d) => deps.get(d)) as unknown[]));
    done.set(k, v);
    return v;
  };
  return Promise.all(keys.map(run));
}
