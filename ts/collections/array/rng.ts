/**
 * Seeded random fills for per-chunk generation.
 *
 * Chunk i of a random array fills from `(seed, stream = i)`, so its values
 * depend only on the seed and its position — never on which worker or thread
 * made it, or how many there are. The native kernels (`native.fillNormal`,
 * `native.fillUniform`) are used when the addon has them; the TypeScript
 * fallback below (xoshiro128** seeded through splitmix32, Box–Muller) keeps the
 * same contract so the library works while the addon lacks them.
 */
import { native } from '../../native.js';

type NativeFills = {
  fillNormal?: (out: Float64Array, seed: number, stream: number, mean: number, std: number) => void;
  fillUniform?: (out: Float64Array, seed: number, stream: number, low: number, high: number) => void;
};
const nativeFills = native as unknown as NativeFills;

/** Which generator fills random chunks: `'native'` (Rust kernels) or `'ts'` (the fallback). */
export function rngBackend(): 'native' | 'ts' {
  return typeof nativeFills.fillNormal === 'function' && typeof nativeFills.fillUniform === 'function' ? 'native' : 'ts';
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

/** xoshiro128** keyed by (seed, stream); returns uniform doubles in [0, 1) with 53 random bits. */
export function tsUniformSource(seed: number, stream: number): () => number {
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** TypeScript fallback of `native.fillUniform`. */
export function tsFillUniform(out: Float64Array, seed: number, stream: number, low: number, high: number): void {
  const u = tsUniformSource(seed, stream);
  for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * u();
}

/** TypeScript fallback of `native.fillNormal` (Box–Muller, both values used). */
export function tsFillNormal(out: Float64Array, seed: number, stream: number, mean: number, std: number): void {
  const u = tsUniformSource(seed, stream);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = mean + std * r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(t);
  }
}

export function fillUniform(out: Float64Array, seed: number, stream: number, low: number, high: number): void {
  if (nativeFills.fillUniform) nativeFills.fillUniform(out, seed, stream, low, high);
  else tsFillUniform(out, seed, stream, low, high);
}

export function fillNormal(out: Float64Array, seed: number, stream: number, mean: number, std: number): void {
  if (nativeFills.fillNormal) nativeFills.fillNormal(out, seed, stream, mean, std);
  else tsFillNormal(out, seed, stream, mean, std);
}

/** A small seeded source for client-side choices (cluster centres, coefficients). */
export function uniformSource(seed: number, stream: number): () => number {
  return tsUniformSource(seed, stream);
}
