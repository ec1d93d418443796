/**
 * The per-chunk op of ParallelPostFit: rebuild the fitted model from its file
 * bytes (once per thread, by model id) and apply one of its methods to a chunk.
 * The persistence module (and through it the estimator registry) is imported on
 * first use, so task threads that never run it do not load every estimator.
 */
import { registerOp } from '../actors/ops.js';
import { allocShared } from '../actors/chunk.js';
import type { ChunkLike } from '../collections/array/dtype.js';

export type ModelMethod = 'predict' | 'predictProba' | 'transform';

const MAX_CACHED = 8;
const models = new Map<string, unknown>();

async function modelOf(bytes: Uint8Array, id: string): Promise<unknown> {
  let m = models.get(id);
  if (m === undefined) {
    const { modelFromBytes } = await import('./persistence.js');
    m = modelFromBytes(bytes);
    if (models.size >= MAX_CACHED) models.delete(models.keys().next().value!);
    models.set(id, m);
  }
  return m;
}

/** `model[method](chunk)` as a chunk (1-D for a vector result, rows x k for a matrix). */
export function applyModel(x: ChunkLike, _bytes: Uint8Array, _id: string, method: ModelMethod, model: unknown): ChunkLike {
  const rows = x.shape[0];
  const input = { data: x.data, shape: x.shape.length === 2 ? x.shape : [rows, 1] };
  const out = (model as Record<ModelMethod, (X: unknown) => unknown>)[method](input);
  if (Array.isArray(out)) throw new TypeError(`ParallelPostFit.${method}: the result is not numeric (string labels are only predicted in memory)`);
  if (ArrayBuffer.isView(out)) {
    const v = out as Float64Array | Int32Array;
    const shared = allocShared(v.constructor as Float64ArrayConstructor, v.length) as Float64Array | Int32Array;
    shared.set(v);
    return { data: shared, shape: [v.length] };
  }
  const m = out as { data: Float64Array; shape: number[] };
  if (m === null || typeof m !== 'object' || !ArrayBuffer.isView(m.data)) throw new TypeError(`ParallelPostFit.${method}: expected an array or a matrix from the estimator, got ${typeof out}`);
  const shared = allocShared(Float64Array, m.data.length) as Float64Array;
  shared.set(m.data);
  return { data: shared, shape: [...m.shape] };
}

registerOp('ml.wrappers.apply', async (x: ChunkLike, bytes: Uint8Array, id: string, method: ModelMethod) =>
  applyModel(x, bytes, id, method, await modelOf(bytes, id)));

/**
 * One link of Incremental's chain: the model so far (file bytes, or null to
 * start from `name` + `params`) takes one block through `partialFit` (with
 * the block's sample weights `w`, when given); the updated model's bytes are
 * the task's result, the next link's input.
 */
export async function partialFitStep(x: ChunkLike, y: ChunkLike, model: Uint8Array | null, name: string, params: Record<string, unknown>, options: Record<string, unknown>, w?: ChunkLike | null): Promise<Uint8Array> {
  const { modelFromBytes, modelToBytes } = await import('./persistence.js');
  const { makeEstimator } = await import('./registry.js');
  const est = (model === null ? makeEstimator(name, params) : modelFromBytes(model)) as unknown as { partialFit(X: unknown, y: unknown, o: unknown): Promise<unknown> };
  const rows = x.shape[0];
  await est.partialFit({ data: x.data, shape: x.shape.length === 2 ? x.shape : [rows, 1] }, y.data, w === undefined || w === null ? options : { ...options, sampleWeight: w.data });
  return modelToBytes(est as never);
}

registerOp('ml.incremental.step', partialFitStep);
