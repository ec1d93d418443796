/** shoal's own elementary ops, loaded on every task thread through ts/builtins.ts. */
import { registerOp } from './ops.js';

/** Does nothing (scheduler overhead measurements). */
registerOp('core.noop', () => null);
/** Returns its argument (moves a value into a task). */
registerOp('core.identity', (x: unknown) => x);
/** Sum of numbers: one array argument, or the arguments themselves. */
registerOp('core.sum', (...xs: unknown[]) => {
  const list = xs.length === 1 && Array.isArray(xs[0]) ? (xs[0] as unknown[]) : xs;
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number') throw new TypeError(`core.sum: element ${i} must be a number, got ${typeof v}`);
    total += v;
  }
  return total;
});
/** a + b for numbers. */
registerOp('core.add', (a: number, b: number) => {
  if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError(`core.add: expected two numbers, got ${typeof a} and ${typeof b}`);
  return a + b;
});
/** Waits `ms` milliseconds and returns `value` (tests of cancellation and stealing). */
registerOp('core.sleep', async (ms: number, value: unknown = null) => {
  await new Promise((r) => setTimeout(r, ms));
  return value;
});
