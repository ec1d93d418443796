/**
 * The one place collections hand graphs to the runtime: flatten the layers,
 * optimise, and `compute`/`persist` on the given client or the current
 * default one (`getClient()`).
 */
import { getClient, type Client } from '../../actors/client.js';
import type { Future } from '../../actors/future.js';
// the client thread decodes Arrow partitions too
import '../serializers.js';
import { flatten, type Layers } from './layers.js';
import { optimize } from './optimize.js';
import { showProgressUntil } from './progress.js';

export interface ComputeOptions {
  /** the client to run on (default: the current default client) */
  client?: Client;
  /** show a terminal progress bar */
  progress?: boolean;
  /** fuse linear chains and push column projections into reads (default true) */
  optimize?: boolean;
}

/**
 * Keys whose results were persisted, per client: optimisation keeps them
 * (never fuses them away), so later graphs reuse the stored results. Each key
 * holds its Future (keeping the result alive on the workers) and a count of
 * the collections that persisted it; when the last of them is garbage-collected
 * the Future is released, as Dask releases a persisted collection's keys.
 * Per client, because the same collection (same keys) may be persisted on two
 * clusters one after the other: a Future of the first says nothing of the second.
 */
type Persisted = Map<string, { future: Future; holders: number }>;
const persistedBy = new WeakMap<Client, Persisted>();

function persistedOn(client: Client): Persisted {
  let p = persistedBy.get(client);
  if (p === undefined) persistedBy.set(client, (p = new Map()));
  return p;
}

const collected = new FinalizationRegistry<{ client: WeakRef<Client>; keys: string[] }>(({ client, keys }) => {
  const c = client.deref();
  const persisted = c === undefined ? undefined : persistedBy.get(c);
  if (persisted === undefined) return;
  for (const k of keys) {
    const p = persisted.get(k);
    if (p === undefined || --p.holders > 0) continue;
    persisted.delete(k);
    p.future.release();
  }
});

function clientOf(options: ComputeOptions): Client {
  return options.client ?? getClient();
}

/** The flattened graph for `keys`, optimised unless asked not to, keeping the keys persisted on `client` and `protect`. */
function graphFor(client: Client, layers: Layers, keys: string[], options: ComputeOptions, protect: readonly string[] = []) {
  const persisted = persistedOn(client);
  return options.optimize === false ? flatten(layers) : optimize(flatten(layers), keys, { protectedKeys: new Set([...persisted.keys(), ...protect]) });
}

export async function computeKeys(layers: Layers, keys: string[], options: ComputeOptions = {}): Promise<unknown[]> {
  const client = clientOf(options);
  return client.compute(graphFor(client, layers, keys, options), keys, { progress: options.progress ?? false });
}

/**
 * Submits the graph and returns at once with a Future per key: the results
 * stay on the workers, for later tasks to use, until the caller releases the
 * Futures (a collection's value handed to tasks by key, as `client.scatter`
 * hands in-memory data).
 */
export function submitKeys(layers: Layers, keys: string[], options: ComputeOptions = {}): Future[] {
  const client = clientOf(options);
  return client.persist(graphFor(client, layers, keys, options), keys, { progress: options.progress ?? false });
}

/**
 * Submits the graph; results stay on the workers for as long as `owner` (the
 * persisted collection) is alive. With `wait`, resolves once they are all
 * computed; with `progress`, shows a bar until then.
 */
export async function persistKeys(owner: object, layers: Layers, keys: string[], options: ComputeOptions & { wait?: boolean } = {}): Promise<void> {
  const client = clientOf(options);
  const persisted = persistedOn(client);
  const graph = graphFor(client, layers, keys, options, keys);
  const futures = client.persist(graph, keys);
  keys.forEach((k, i) => {
    const had = persisted.get(k);
    if (had) { had.holders++; futures[i].release(); } else persisted.set(k, { future: futures[i], holders: 1 });
  });
  collected.register(owner, { client: new WeakRef(client), keys: [...keys] });
  const done = Promise.all(futures.map((f) => f.wait()));
  if (options.progress) await showProgressUntil(client, graph.size, done);
  else if (options.wait) await done;
  else done.catch(() => undefined); // errors surface when the results are used
}

/**
 * Keeps persisted keys alive for as long as `owner` (another collection over
 * them) is alive, on the clients that hold them (by default the current one).
 */
export function retainKeys(owner: object, keys: readonly string[], client?: Client): void {
  let c = client;
  if (c === undefined) {
    try {
      c = getClient();
    } catch {
      return; // no client: nothing is persisted anywhere
    }
  }
  const persisted = persistedOn(c);
  const held = keys.filter((k) => persisted.has(k));
  for (const k of held) persisted.get(k)!.holders++;
  if (held.length > 0) collected.register(owner, { client: new WeakRef(c), keys: held });
}

/** Whether a key's result was persisted through a collection on `client` (default: the current one). */
export function isPersisted(key: string, client: Client = getClient()): boolean {
  return persistedOn(client).has(key);
}
