/**
 * Opens shoal's `Client.local` for the runtime suite.
 *
 * The runtime is being written alongside this suite, so the client is found at
 * run time (the package entry first, then `ts/actors/client`) and used through
 * the few methods of the runtime contract (docs/runtime-contract.md) the suite needs.
 */
export interface BenchClient {
  compute(graph: Map<string, { op: string; args: unknown[] }>, keys: string[]): Promise<unknown[]>;
  submit(op: string, ...args: unknown[]): { result(): Promise<unknown> };
  close(): Promise<void>;
}

interface ClientClass {
  local(options: { nWorkers: number; threadsPerWorker: number }): Promise<BenchClient>;
}

const CANDIDATES = ['../ts/index.js', '../ts/actors/client.js', '../ts/actors/mod.js'];

/** Starts a local cluster and returns its client, with where the Client class came from. */
export async function openLocalClient(options: { nWorkers: number; threadsPerWorker: number }): Promise<{ inner: BenchClient; description: string }> {
  const tried: string[] = [];
  for (const spec of CANDIDATES) {
    let mod: { Client?: ClientClass };
    try {
      mod = (await import(spec)) as { Client?: ClientClass };
    } catch (err) {
      tried.push(`${spec}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (typeof mod.Client?.local === 'function') {
      const inner = await mod.Client.local(options);
      return { inner, description: `shoal Client.local({ nWorkers: ${options.nWorkers}, threadsPerWorker: ${options.threadsPerWorker} }) from ${spec}` };
    }
    tried.push(`${spec}: no Client.local export`);
  }
  throw new Error(`runtime bench: shoal's Client.local is not available yet:\n  ${tried.join('\n  ')}`);
}
