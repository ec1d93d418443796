/**
 * Candidate hyper-parameters for the searches, as scikit-learn's
 * ParameterGrid and ParameterSampler: a grid is an object of value lists (or
 * a list of such objects, searched one after the other); each object expands
 * to the product of its lists, names in sorted order with the last name
 * varying fastest — scikit-learn's candidate order, so `cvResults_` rows line
 * up with scikit-learn's.
 */
import type { Params } from '../base.js';

/** A distribution to sample a hyper-parameter from: `rvs(rand)` with `rand()` uniform in [0, 1). */
export interface Distribution<T = unknown> {
  rvs(rand: () => number): T;
}

export type ParamGrid = Record<string, readonly unknown[]>;
export type ParamDistributions = Record<string, readonly unknown[] | Distribution>;

/** Whether `v` is a plain object (an object literal, or one without a prototype). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function isDistribution(v: unknown): v is Distribution {
  return typeof v === 'object' && v !== null && typeof (v as Distribution).rvs === 'function';
}

/** The grid (or distributions) as a non-empty list of objects, each value checked. */
export function checkSpace(owner: string, argName: string, space: unknown, allowDistributions: boolean): Record<string, readonly unknown[] | Distribution>[] {
  const list = Array.isArray(space) ? space : [space];
  if (list.length === 0) throw new RangeError(`${owner}: ${argName} is empty; expected an object of value lists (or a non-empty list of them)`);
  list.forEach((g, i) => {
    const where = Array.isArray(space) ? `${argName}[${i}]` : argName;
    if (!isPlainObject(g)) throw new TypeError(`${owner}: ${where} must be an object mapping hyper-parameter names to ${allowDistributions ? 'value lists or distributions' : 'value lists'}, got ${g === null ? 'null' : typeof g}`);
    for (const [k, v] of Object.entries(g)) {
      if (Array.isArray(v)) {
        if (v.length === 0) throw new RangeError(`${owner}: ${where}.${k} is an empty list; give at least one value`);
      } else if (!(allowDistributions && isDistribution(v))) {
        throw new TypeError(`${owner}: ${where}.${k} must be a list of values${allowDistributions ? ' or a distribution ({ rvs(rand) })' : ''}, got ${JSON.stringify(v) ?? typeof v}; wrap a single value as [value]`);
      }
    }
  });
  return list as Record<string, readonly unknown[] | Distribution>[];
}

/** Every candidate of a grid, in scikit-learn's order. */
export function expandGrid(grids: readonly ParamGrid[]): Params[] {
  const out: Params[] = [];
  for (const g of grids) {
    const keys = Object.keys(g).sort();
    const sizes = keys.map((k) => g[k].length);
    const total = sizes.reduce((a, b) => a * b, 1);
    for (let c = 0; c < total; c++) {
      const p: Params = {};
      let rest = c;
      for (let j = keys.length - 1; j >= 0; j--) {
        p[keys[j]] = g[keys[j]][rest % sizes[j]];
        rest = Math.floor(rest / sizes[j]);
      }
      out.push(Object.fromEntries(keys.map((k) => [k, p[k]])));
    }
  }
  return out;
}

/**
 * `nIter` candidates drawn with `rand`, as scikit-learn's ParameterSampler:
 * when every value is a list, distinct grid points without replacement (all of
 * them when the grid is smaller than `nIter`); otherwise, each time, one of the
 * objects, then per name (sorted) a list element or a draw from the distribution.
 */
export function sampleCandidates(spaces: readonly ParamDistributions[], nIter: number, rand: () => number, warn: (message: string) => void): Params[] {
  const allLists = spaces.every((s) => Object.values(s).every((v) => Array.isArray(v)));
  if (allLists) {
    const grid = expandGrid(spaces as ParamGrid[]);
    let n = nIter;
    if (grid.length < nIter) {
      warn(`The total space of parameters ${grid.length} is smaller than nIter=${nIter}. Running ${grid.length} iterations. For exhaustive searches, use GridSearchCV.`);
      n = grid.length;
    }
    // partial Fisher–Yates: the first n of a random permutation of the grid's indices
    const idx = Array.from(grid.keys());
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rand() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, n).map((i) => grid[i]);
  }
  const out: Params[] = [];
  for (let it = 0; it < nIter; it++) {
    const s = spaces[Math.floor(rand() * spaces.length)];
    const p: Params = {};
    for (const k of Object.keys(s).sort()) {
      const v = s[k];
      p[k] = Array.isArray(v) ? v[Math.floor(rand() * v.length)] : (v as Distribution).rvs(rand);
    }
    out.push(p);
  }
  return out;
}

/** Uniform on [loc, loc + scale], as `scipy.stats.uniform(loc, scale)`. */
export function uniform(loc = 0, scale = 1): Distribution<number> {
  if (!Number.isFinite(loc) || !(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`uniform: expected a finite loc and a positive finite scale, got loc=${loc}, scale=${scale}`);
  return { rvs: (rand) => loc + scale * rand() };
}

/** Log-uniform on [low, high] (0 < low < high), as `scipy.stats.loguniform(low, high)`: good for C, alpha, learning rates. */
export function loguniform(low: number, high: number): Distribution<number> {
  if (!(low > 0) || !(high > low) || !Number.isFinite(high)) throw new RangeError(`loguniform: expected 0 < low < high < ∞, got low=${low}, high=${high}`);
  const a = Math.log(low);
  const b = Math.log(high);
  return { rvs: (rand) => Math.exp(a + (b - a) * rand()) };
}

/** Integers in [low, high), as `scipy.stats.randint(low, high)`. */
export function randint(low: number, high: number): Distribution<number> {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  return { rvs: (rand) => low + Math.floor(rand() * (high - low)) };
}

/** A copy of a grid or distributions: lists and plain objects copied, distributions kept by reference. */
export function copySpace<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copySpace) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copySpace(x)])) as T;
  return v;
}

/** The distributions, spelled as `scipy.stats`: `stats.loguniform(1e-3, 1e2)`. */
export const stats = { uniform, loguniform, randint } as const;
