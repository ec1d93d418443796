/**
 * Task graphs: what a client sends to the scheduler. A task names an op
 * registered on the workers and gives its arguments; `ref(key)` anywhere inside
 * the arguments stands for another task's result.
 */

/** Marker property of a reference; a plain object survives structured clone. */
export const REF = '\u0000shoal.ref';

/** A reference to another task's result, resolved on the worker before the op runs. */
export interface Ref { readonly [REF]: string }

/** One task: the op's registered name and its arguments (refs allowed anywhere inside). */
export interface TaskSpec {
  op: string;
  args: unknown[];
}

/** Keys to tasks. Keys are unique per graph and deterministic for the same computation. */
export type Graph = Map<string, TaskSpec>;

/** Stands for the result of task `key` inside another task's arguments. */
export function ref(key: string): Ref {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`ref: key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
  return { [REF]: key };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Ref)[REF] === 'string';
}

/** The keys of every `ref` inside `value` (arrays and plain objects are searched), in first-seen order. */
export function refsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return into;
  if (isRef(value)) {
    if (!into.includes(value[REF])) into.push(value[REF]);
  } else if (Array.isArray(value)) {
    for (const v of value) refsIn(v, into);
  } else if (value instanceof Map) {
    for (const v of value.values()) refsIn(v, into);
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const k in value) refsIn((value as Record<string, unknown>)[k], into);
  }
  return into;
}

/** Replaces every `ref` inside `value` by `lookup(key)`; returns `value` itself when it holds no refs. */
export function resolveRefs(value: unknown, lookup: (key: string) => unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (isRef(value)) return lookup(value[REF]);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const r = resolveRefs(value[i], lookup);
      if (r !== value[i]) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, resolveRefs(v, lookup)]));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const r = resolveRefs(v, lookup);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
  }
  return out ?? value;
}

/** A graph that cannot run: names the offending key. */
export class GraphError extends Error {
  override name = 'GraphError';
}

/**
 * Checks `graph` and orders it: every dependency must be a task of the graph or a
 * key in `known` (results already on the cluster); cycles are rejected. Returns
 * each task's dependencies and a priority (lower runs first) from a depth-first
 * post-order walk from the outputs, so a reduction finishes a subtree before it
 * starts loading the next one — memory stays low on wide graphs, as in `dask.order`.
 */
export function orderGraph(
  graph: Graph,
  known: (key: string) => boolean = () => false,
): { deps: Map<string, string[]>; priority: Map<string, number> } {
  if (!(graph instanceof Map)) {
    throw new TypeError(`graph must be a Map<string, TaskSpec>, got ${Object.prototype.toString.call(graph)}`);
  }
  const deps = new Map<string, string[]>();
  const dependents = new Map<string, number>();
  for (const [key, spec] of graph) {
    if (typeof spec?.op !== 'string' || !Array.isArray(spec.args)) {
      throw new GraphError(`task ${JSON.stringify(key)}: expected { op: string, args: unknown[] }, got ${JSON.stringify(spec)}`);
    }
    const d = refsIn(spec.args);
    for (const k of d) {
      if (!graph.has(k) && !known(k)) {
        throw new GraphError(`task ${JSON.stringify(key)} depends on missing key ${JSON.stringify(k)}`);
      }
      dependents.set(k, (dependents.get(k) ?? 0) + 1);
    }
    deps.set(key, d);
  }
  // Iterative DFS (graphs can be 100k deep chains); 0 = new, 1 = on stack, 2 = done.
  const state = new Map<string, number>();
  const priority = new Map<string, number>();
  let next = 0;
  const roots = [...graph.keys()].filter((k) => !dependents.has(k));
  // A graph whose every task has a dependent is all cycle: start anywhere to find it.
  const starts = roots.length > 0 ? roots : [...graph.keys()].slice(0, 1);
  const visit = (start: string) => {
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = deps.get(top[0])!;
      if (top[1] < children.length) {
        const child = children[top[1]++]!;
        if (!graph.has(child)) continue;
        const s = state.get(child) ?? 0;
        if (s === 1) throw new GraphError(`cycle in graph through ${JSON.stringify(child)} and ${JSON.stringify(top[0])}`);
        if (s === 0) {
          state.set(child, 1);
          stack.push([child, 0]);
        }
      } else {
        state.set(top[0], 2);
        priority.set(top[0], next++);
        stack.pop();
      }
    }
  };
  for (const r of starts) if ((state.get(r) ?? 0) === 0) visit(r);
  for (const k of graph.keys()) {
    if ((state.get(k) ?? 0) === 0) {
      // Unreached from a root: part of a cycle.
      visit(k);
      throw new GraphError(`cycle in graph through ${JSON.stringify(k)}`);
    }
  }
  return { deps, priority };
}
