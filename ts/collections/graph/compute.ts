/**
 * The one place collections hand graphs to the runtime: flatten the layers,
 * optimise, and `compute`/`persist` on the given client or the current
 * default one (`getClient()`).
 */
import { getClient, type Client } from '../../actors/client.js';
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
 * Keys whose results were persisted: optimisation keeps them (never fuses
 * them away), so later graphs reuse the stored results. The futures are held
 * here so the results stay alive on the workers.
 */
const persisted = new Map<string, unknown>();

function clientOf(options: ComputeOptions): Client {
  return options.client ?? getClient();
}

export async function computeKeys(layers: Layers, keys: string[], options: ComputeOptions = {}): Promise<unknown[]> {
  const client = clientOf(options);
  const graph = options.optimize === false ? flatten(layers) : optimize(flatten(layers), keys, { protectedKeys: new Set(persisted.keys()) });
  return client.compute(graph, keys, { progress: options.progress ?? false });
}

/** Submits the graph; results stay on the workers. With `wait`, resolves once they are all computed. */
export async function persistKeys(layers: Layers, keys: string[], options: ComputeOptions & { wait?: boolean } = {}): Promise<void> {
  const client = clientOf(options);
  const protectedKeys = new Set([...persisted.keys(), ...keys]);
  const graph = options.optimize === false ? flatten(layers) : optimize(flatten(layers), keys, { protectedKeys });
  const futures = client.persist(graph, keys);
  keys.forEach((k, i) => persisted.set(k, futures[i]));
  const done = Promise.all(futures.map((f) => f.wait()));
  if (options.progress) await showProgressUntil(client, graph.size, done);
  else if (options.wait) await done;
  else done.catch(() => undefined); // errors surface when the results are used
}

/** Whether a key's result was persisted through a collection. */
export function isPersisted(key: string): boolean {
  return persisted.has(key);
}
