/** Ops for the demo, loaded on the workers through `workerModules`. */
import { registerOp } from '../ts/index.js';

/** A small deterministic PRNG (mulberry32), so every run and the local check agree exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of `n` seeded random points in the unit square fall inside the quarter circle. */
export function hits(seed: number, n: number): number {
  const rnd = mulberry32(seed);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const x = rnd();
    const y = rnd();
    if (x * x + y * y <= 1) inside++;
  }
  return inside;
}

registerOp('demo.hits', hits);
