/**
 * Fused tasks that run in row blocks: a generator of rows → picks → a partial
 * that sums over rows (XᵀX, moments …) need never hold the whole chunk. The
 * fused task makes a cache-sized block of rows, feeds it through the steps,
 * combines the block's partial into the running one, and reuses the block's
 * memory for the next: a 1 000 000 x 100 generated chunk (800 MB, never
 * allocated) becomes 4 MiB blocks that stay in cache between the generator
 * writing them and the partial reading them.
 *
 * Ops opt in: a source says how to make rows [start, end) of its chunk into
 * reusable memory, a partial names the op that combines its results. Only
 * chains whose other steps are picks, and whose steps take nothing but
 * earlier steps' results and literals, run in blocks (a step that took another
 * chunk would need the same rows of it).
 */
import { getOp } from '../../actors/ops.js';
import { LOCAL, PICKS, resolveLocals, type FusedStep } from './optimize.js';

export interface RowSource<S = never> {
  /** the chunk's rows */
  rows(spec: S): number;
  /** bytes one row occupies (all outputs together), to size blocks */
  bytesPerRow(spec: S): number;
  /** rows [start, end) of the chunk the op makes from `spec`; may keep and reuse memory in `scratch` */
  block(spec: S, start: number, end: number, scratch: Record<string, unknown>): unknown;
}

/**
 * A partial that adds each block into running sums it keeps, instead of making
 * a partial per block and combining pairs: no allocation per block, so blocks
 * small enough to stay in L2 pay no fixed cost per block.
 */
export interface RowAccumulator<A = unknown> {
  /** adds the op's partial over one block (its arguments `args`) into `acc`, undefined before the first block; returns the running state */
  add(acc: A | undefined, ...args: never[]): A;
  /** the op's result over all the blocks added (called once, after the last) */
  finish(acc: A): unknown;
}

const sources = new Map<string, RowSource<unknown>>();
const partials = new Map<string, { combineOp: string; accumulator?: RowAccumulator }>();

/** Declares that `op(spec)`'s rows can be made a block at a time. */
export function registerRowSource<S>(op: string, source: RowSource<S>): void {
  sources.set(op, source as RowSource<unknown>);
}

/**
 * Declares that `op(chunk, ...)` over a chunk equals `combineOp([op(rows a), op(rows b), …])`
 * over any split of its rows into consecutive blocks; with `accumulator`, the blocks are
 * added into running sums by it instead (its result must equal the combined one).
 */
export function registerRowPartial<A>(op: string, combineOp: string, accumulator?: RowAccumulator<A>): void {
  partials.set(op, { combineOp, accumulator: accumulator as RowAccumulator | undefined });
}

/**
 * Bytes of rows per block. With the accumulating Gram kernel (no allocation or
 * reduction per call) the size matters little from 512 KiB up: on 1 000 000 x
 * 100 regression chunks (generate + y + XᵀX, one thread, AMD EPYC Zen 4,
 * `linear.chunk` in bench/ml.ts; two runs) 256 KiB ran at 66 % of the Gram
 * kernel alone, 512 KiB 73–75 %, 1 MiB 73–74 %, 2 MiB 74–76 %, 4 MiB 75–76 %
 * (the allocating kernel with the earlier normals and y, 4 MiB, same runs:
 * 65–66 %). Below ~512 KiB the fixed work per block (the steps' JS, the
 * generator's seeding) shows. 4 MiB stays (no size above 512 KiB measured
 * better): its blocks live in L3, not L2, and two workers' blocks fill a
 * quarter of the 32 MiB L3. `SHOAL_ROW_BLOCK_BYTES` in the environment (which
 * reaches the workers) overrides it.
 */
export let ROW_BLOCK_BYTES = Number(process.env.SHOAL_ROW_BLOCK_BYTES) > 0 ? Number(process.env.SHOAL_ROW_BLOCK_BYTES) : 4 * 1024 * 1024;

/** Sets this thread's block size (tests); returns the previous one. */
export function setRowBlockBytes(bytes: number): number {
  const old = ROW_BLOCK_BYTES;
  ROW_BLOCK_BYTES = bytes;
  return old;
}

function isLocal(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>)[LOCAL] === 'number';
}

function isLiteral(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) return true;
  return Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
}

/** The source and combine op when `steps` can run in row blocks; null otherwise. */
export function rowBlockPlan(steps: FusedStep[]): { source: RowSource<unknown>; combineOp: string; accumulator?: RowAccumulator; rows: number; blockRows: number } | null {
  if (steps.length < 2) return null;
  const source = sources.get(steps[0].op);
  const partial = partials.get(steps[steps.length - 1].op);
  if (!source || !partial || steps[0].args.length !== 1) return null;
  for (let i = 1; i < steps.length; i++) {
    if (i < steps.length - 1 && !PICKS.has(steps[i].op)) return null;
    if (!steps[i].args.every((a) => isLocal(a) || isLiteral(a))) return null;
  }
  const spec = steps[0].args[0];
  const rows = source.rows(spec);
  const blockRows = Math.max(1, Math.floor(ROW_BLOCK_BYTES / Math.max(1, source.bytesPerRow(spec))));
  return rows > blockRows ? { source, combineOp: partial.combineOp, accumulator: partial.accumulator, rows, blockRows } : null;
}

/** Runs `steps` over blocks of `plan.blockRows` rows and combines the partials as they come. */
export async function runInRowBlocks(steps: FusedStep[], plan: NonNullable<ReturnType<typeof rowBlockPlan>>): Promise<unknown> {
  const scratch: Record<string, unknown> = {};
  const combine = getOp(plan.combineOp);
  const middle = steps.slice(1, -1).map((step) => ({ fn: getOp(step.op), args: step.args }));
  const last = steps[steps.length - 1];
  const partial = getOp(last.op);
  const { accumulator } = plan;
  let acc: unknown;
  for (let start = 0; start < plan.rows; start += plan.blockRows) {
    const end = Math.min(plan.rows, start + plan.blockRows);
    const results: unknown[] = [plan.source.block(steps[0].args[0], start, end, scratch)];
    for (const step of middle) results.push(await step.fn(...(resolveLocals(step.args, results) as unknown[])));
    const args = resolveLocals(last.args, results) as never[];
    if (accumulator) acc = accumulator.add(start === 0 ? undefined : acc, ...args);
    else {
      const part = await partial(...args);
      acc = start === 0 ? part : await combine([acc, part]);
    }
  }
  return accumulator ? accumulator.finish(acc) : acc;
}
