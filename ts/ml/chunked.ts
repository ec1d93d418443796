/**
 * One interface for "apply an op to every chunk, then combine", over either
 * in-memory data (one chunk, ops called directly on this thread) or a shoal
 * Array (one task per chunk and a tree reduction on the cluster). Iterative
 * estimators (k-means, the GLM solvers) write their algorithm once against it.
 * Supervised estimators pass `y` (and more) as companion data chunked like X:
 * each per-chunk op then receives X's chunk followed by the companions' chunks.
 */
import { ref, type TaskSpec } from '../actors/graph.js';
import { getOp } from '../actors/ops.js';
// in-memory data runs ops on this thread: shoal's elementary ones (core.sum as a combine) must be here
import '../actors/core-ops.js';
import type { ChunkLike } from '../collections/array/dtype.js';
import { computeKeys } from '../collections/graph/compute.js';
import { mergeLayers, tokenize, withLayer } from '../collections/graph/layers.js';
import { treeReduce } from '../collections/graph/reduce.js';
import type { ShoalArray } from './collections-bridge.js';

export interface ChunkedData {
  readonly numChunks: number;
  readonly cols: number;
  /** `combineOp(perChunkOp(chunk_i, ...args(i)) for every i)` */
  reduce<T>(perChunkOp: string, args: (i: number) => unknown[], combineOp: string): Promise<T>;
  /** `perChunkOp(chunk_i, ...args(i))` for every chunk, in chunk order */
  map<T>(perChunkOp: string, args: (i: number) => unknown[]): Promise<T[]>;
  /** `perChunkOp(chunk_i, ...args)` for chunk `i` alone */
  one<T>(i: number, perChunkOp: string, args: unknown[]): Promise<T>;
}

/** In-memory data as a single chunk; ops run here, synchronously. */
export class InMemoryData implements ChunkedData {
  readonly numChunks = 1;
  constructor(readonly chunk: ChunkLike, readonly companions: ChunkLike[] = []) {}
  get cols(): number { return this.chunk.shape[1]; }
  async reduce<T>(perChunkOp: string, args: (i: number) => unknown[], combineOp: string): Promise<T> {
    return (await getOp(combineOp)([await getOp(perChunkOp)(this.chunk, ...this.companions, ...args(0))])) as T;
  }
  async map<T>(perChunkOp: string, args: (i: number) => unknown[]): Promise<T[]> {
    return [(await getOp(perChunkOp)(this.chunk, ...this.companions, ...args(0))) as T];
  }
  async one<T>(_i: number, perChunkOp: string, args: unknown[]): Promise<T> {
    return (await getOp(perChunkOp)(this.chunk, ...this.companions, ...args)) as T;
  }
}

/** A (preferably persisted) shoal Array: each call is one graph on the cluster. */
export class ArrayData implements ChunkedData {
  private calls = 0;
  private readonly layers: ShoalArray['layers'];
  constructor(readonly X: ShoalArray, readonly companions: ShoalArray[] = []) {
    for (const c of companions) {
      if (c.numChunks !== X.numChunks) throw new RangeError(`X and y: expected the same chunks, got ${X.numChunks} and ${c.numChunks} chunks`);
      X.chunks.forEach((n, i) => {
        if (Number.isFinite(n) && Number.isFinite(c.chunks[i]) && n !== c.chunks[i]) throw new RangeError(`X and y: chunk ${i} has ${n} rows in X and ${c.chunks[i]} in y`);
      });
    }
    this.layers = companions.length === 0 ? X.layers : mergeLayers(X.layers, ...companions.map((c) => c.layers));
  }
  get numChunks(): number { return this.X.numChunks; }
  get cols(): number { return this.X.cols ?? 1; }

  private chunkRefs(i: number): unknown[] {
    return [ref(this.X.keys[i]), ...this.companions.map((c) => ref(c.keys[i]))];
  }

  private perChunk(perChunkOp: string, args: (i: number) => unknown[]): { tasks: Map<string, TaskSpec>; keys: string[]; token: string } {
    // arguments change every iteration (new centres): a fresh token each call
    const token = tokenize(perChunkOp, this.X.keys, ++this.calls, Math.random());
    const tasks = new Map<string, TaskSpec>();
    const keys = this.X.keys.map((_k, i) => { const key = `${perChunkOp}-${token}-${i}`; tasks.set(key, { op: perChunkOp, args: [...this.chunkRefs(i), ...args(i)] }); return key; });
    return { tasks, keys, token };
  }

  async reduce<T>(perChunkOp: string, args: (i: number) => unknown[], combineOp: string): Promise<T> {
    const { tasks, keys, token } = this.perChunk(perChunkOp, args);
    const tree = treeReduce(`${combineOp}-${token}`, keys, combineOp);
    for (const [k, t] of tree.tasks) tasks.set(k, t);
    const [out] = await computeKeys(withLayer([this.layers], `${perChunkOp}-${token}`, tasks), [tree.root]);
    return out as T;
  }

  async map<T>(perChunkOp: string, args: (i: number) => unknown[]): Promise<T[]> {
    const { tasks, keys, token } = this.perChunk(perChunkOp, args);
    return (await computeKeys(withLayer([this.layers], `${perChunkOp}-${token}`, tasks), keys)) as T[];
  }

  async one<T>(i: number, perChunkOp: string, args: unknown[]): Promise<T> {
    const token = tokenize(perChunkOp, this.X.keys[i], ++this.calls, Math.random());
    const key = `${perChunkOp}-${token}`;
    const [out] = await computeKeys(withLayer([this.layers], key, new Map([[key, { op: perChunkOp, args: [...this.chunkRefs(i), ...args] }]])), [key]);
    return out as T;
  }
}
