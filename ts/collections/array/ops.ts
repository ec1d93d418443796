/**
 * The array ops the workers run (registered at import; ts/builtins.ts loads
 * this through ts/collections/ops.ts). Each wraps a pure kernel.
 */
import { registerOp } from '../../actors/ops.js';
import type { ChunkLike, DType } from './dtype.js';
import * as k from './kernels.js';
import type { TakePlan } from '../graph/take.js';
import { registerRowPartial, registerRowSource } from '../graph/row-blocks.js';
import { blobsChunk, classificationChunk, normalChunk, normalRows, regressionChunk, regressionRows, uniformChunk, type RegressionChunkSpec } from './generate.js';

registerOp('array.chunk', (data: k.Operand & ArrayLike<number>, shape: number[], dtype: DType) => k.toChunk(data as unknown as ArrayLike<number>, shape, dtype));
registerOp('array.elemwise', (op: k.BinaryOp, a: k.Operand, b: k.Operand, dtype: DType) => k.elemwise(op, a, b, dtype));
registerOp('array.unary', (op: k.UnaryOp, a: ChunkLike, dtype: DType) => k.unary(op, a, dtype));
registerOp('array.where', (cond: ChunkLike, a: k.Operand, b: k.Operand, dtype: DType) => k.where(cond, a, b, dtype));
registerOp('array.astype', (a: ChunkLike, dtype: DType) => k.astype(a, dtype));
registerOp('array.moments.partial', (c: ChunkLike, axis: 0 | null) => k.momentsPartial(c, axis));
registerOp('array.moments.combine', (parts: k.Moments[]) => k.momentsCombine(parts));
registerOp('array.moments.finalize', (m: k.Moments, stat: k.MomentStat, ddof: number, scalar: boolean): ChunkLike => {
  const data = k.momentsFinalize(m, stat, ddof);
  return { data, shape: scalar ? [] : [data.length] };
});
registerOp('array.extrema.partial', (c: ChunkLike, axis: 0 | null) => k.extremaPartial(c, axis));
registerOp('array.extrema.combine', (parts: k.Extrema[]) => k.extremaCombine(parts));
registerOp('array.extrema.finalize', (e: k.Extrema, stat: k.ExtremaStat, scalar: boolean, dtype: DType): ChunkLike => {
  const v = k.extremaFinalize(e, stat);
  return { ...k.toChunk(v, scalar ? [] : [v.length], dtype) };
});
registerOp('array.rowReduce', (c: ChunkLike, stat: k.MomentStat | k.ExtremaStat, ddof: number) => k.rowReduce(c, stat, ddof));
registerOp('array.len', (c: ChunkLike) => k.chunkRows(c));
registerOp('array.sliceRows', (c: ChunkLike, offset: number, start: number, stop: number, step: number) => k.sliceRows(c, offset, start, stop, step));
registerOp('array.sliceRowsAt', (c: ChunkLike, lengths: number[], i: number, start: number, stop: number, step: number) => {
  const offset = lengths.slice(0, i).reduce((a, b) => a + b, 0);
  return k.sliceRows(c, offset, start, stop, step);
});
registerOp('array.selectCols', (c: ChunkLike, cols: number[], squeeze: boolean) => k.selectCols(c, cols, squeeze));
/** Rows [start, end) of the whole array from the chunks overlapping them (`[chunk, offset]` pairs). */
registerOp('array.rechunkPiece', (parts: [ChunkLike, number][], start: number, end: number, dtype: DType, cols: number | null) =>
  k.concatRows(parts.map(([c, offset]) => k.sliceRows(c, offset, start, end, 1)), dtype, cols));
registerOp('array.maskRows', (c: ChunkLike, mask: ChunkLike) => {
  const rows: number[] = [];
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) rows.push(i);
  return k.takeRows(c, rows);
});
registerOp('array.takeRows', (c: ChunkLike, rows: Int32Array) => k.takeRows(c, rows));
registerOp('array.gatherRows', (parts: ChunkLike[], partOf: Int32Array, rowOf: Int32Array, dtype: DType, cols: number | null) => k.gatherRows(parts, partOf, rowOf, dtype, cols));
registerOp('array.takePlanned', (c: ChunkLike, plan: TakePlan, chunk: number) => k.takeRows(c, plan.local[chunk]));
registerOp('array.gatherPlanned', (parts: ChunkLike[], plan: TakePlan, lo: number, hi: number, dtype: DType, cols: number | null) =>
  k.gatherRows(parts, plan.chunkOf.subarray(lo, hi), plan.at.subarray(lo, hi), dtype, cols));
registerOp('array.concat', (chunks: ChunkLike[], dtype: DType, cols: number | null) => k.concatRows(chunks, dtype, cols));
registerOp('array.random.normal', (s: Parameters<typeof normalChunk>[0]) => normalChunk(s));
registerOp('array.random.uniform', (s: Parameters<typeof uniformChunk>[0]) => uniformChunk(s));
registerOp('datasets.blobs', (s: Parameters<typeof blobsChunk>[0]) => blobsChunk(s));
registerOp('datasets.classification', (s: Parameters<typeof classificationChunk>[0]) => classificationChunk(s));
registerOp('datasets.regression', (s: Parameters<typeof regressionChunk>[0]) => regressionChunk(s));

// Generated chunks a fused reduction can consume a row block at a time (graph/row-blocks.ts).
registerRowSource('array.random.normal', {
  rows: (s: Parameters<typeof normalChunk>[0]) => s.rows,
  bytesPerRow: (s: Parameters<typeof normalChunk>[0]) => (s.cols ?? 1) * (s.dtype === 'float32' ? 4 : 8),
  block: (s: Parameters<typeof normalChunk>[0], start, end, scratch) => normalRows(s, start, end, scratch),
});
registerRowSource('datasets.regression', {
  rows: (s: RegressionChunkSpec) => s.rows,
  bytesPerRow: (s: RegressionChunkSpec) => (s.nFeatures + s.nTargets) * 8,
  block: (s: RegressionChunkSpec, start, end, scratch) => regressionRows(s, start, end, scratch),
});
registerRowPartial('array.moments.partial', 'array.moments.combine');
registerRowPartial('array.extrema.partial', 'array.extrema.combine');
