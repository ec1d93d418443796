/**
 * Generic collection ops: picking a field of a task's result, listing
 * results, planning an integer-indexed take, and running a fused chain of
 * steps in one task (in row blocks where its ops allow: row-blocks.ts).
 */
import { getOp, registerOp } from '../../actors/ops.js';
import { FUSED_OP, resolveLocals, type FusedStep } from './optimize.js';
import { rowBlockPlan, runInRowBlocks } from './row-blocks.js';
import { takePlan } from './take.js';

registerOp('collections.pick', (value: Record<string, unknown>, field: string) => {
  if (value === null || typeof value !== 'object' || !(field in value)) throw new RangeError(`pick: the value has no field '${field}'`);
  return value[field];
});

registerOp('collections.list', (values: unknown[]) => values);

/** Where each row of an integer-indexed take lies, from the chunks' lengths (graph/take.ts). */
registerOp('collections.takePlan', (lengths: number[], indices: Float64Array) => takePlan(lengths, indices));

registerOp(FUSED_OP, async (program: { steps: FusedStep[] }) => {
  const plan = rowBlockPlan(program.steps);
  if (plan) return runInRowBlocks(program.steps, plan);
  const results: unknown[] = [];
  for (const step of program.steps) {
    const args = resolveLocals(step.args, results) as unknown[];
    results.push(await getOp(step.op)(...args));
  }
  return results[results.length - 1];
});
