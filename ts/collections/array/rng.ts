/**
 * Seeded random numbers for per-chunk generation.
 *
 * Chunk i of a random array fills from `(seed, stream = i)` with the native
 * native kernels (`native.fillNormal`: a ziggurat over xoshiro256++ seeded
 * per 1024-value block by Philox; `fillUniform`: Philox4x32-10), so its values
 * depend only on the seed and their position — never on which worker or
 * thread made it, or how many there are — and any rows of a chunk can be
 * made alone (`offset`).
 *
 * Small client-side draws (cluster centres, coefficients, split assignments,
 * the taxi generator's rows) use `uniformSource`, a sequential xoshiro128**
 * stream keyed the same way.
 */
import { native } from '../../native.js';

/** Fills `out` with U[low, high) draws of `stream` under `seed`. */
export function fillUniform(out: Float64Array | Float32Array, seed: number, stream: number, low: number, high: number): void {
  if (out instanceof Float32Array) native.fillUniformF32(out, seed, stream, low, high);
  else native.fillUniform(out, seed, stream, low, high);
}

/** Fills `out` with N(mean, std²) draws `offset, offset + 1, …` of `stream` under `seed`. */
export function fillNormal(out: Float64Array | Float32Array, seed: number, stream: number, mean: number, std: number, offset = 0): void {
  if (out instanceof Float32Array) native.fillNormalF32(out, seed, stream, mean, std, offset);
  else native.fillNormal(out, seed, stream, mean, std, offset);
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** xoshiro128** keyed by (seed, stream): a function returning uniform doubles in [0, 1) with 53 random bits. */
export function uniformSource(seed: number, stream: number): () => number {
  const mix = splitmix32((seed >>> 0) ^ Math.imul(stream >>> 0, 0x632be5ab) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x1b873593));
  let a = mix(), b = mix(), c = mix(), d = mix();
  if ((a | b | c | d) === 0) a = 1;
  const next32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}
