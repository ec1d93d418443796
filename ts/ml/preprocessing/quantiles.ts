/**
 * Exact quantiles: NumPy's `percentile` (method 'linear') and `median` written
 * over order statistics, and those order statistics found exactly on chunked
 * data without gathering it.
 *
 * The distributed selection keeps, for every wanted rank k of a column, a
 * value bracket [lo, hi] known to hold the k-th smallest value. Each round is
 * one pass over the chunks (a tree reduction): every chunk counts its values
 * below lo and inside [lo, hi] and sends a sketch of the inside values — all
 * of them while they are few (then the answer is read off exactly), else
 * evenly spaced order statistics with a bound on their rank error. From the
 * sketch the client narrows the bracket to the values whose estimated rank is
 * within that error of k; the next round's counts confirm the new bracket
 * (if a bound was ever too tight, the bracket falls back to the confirmed
 * side and the margin doubles), so the result is always exact. With the
 * default sketch of 4 096 values per chunk and 65 536 kept exactly, a column
 * of up to 65 536 values takes one round and ten million typically two.
 */
import type { ChunkedData } from '../chunked.js';
import type { Sketch } from '../../collections/dataframe/stats.js';
import type { Bracket, BracketPartial } from './quantile-ops.js';

// ------------------------------------------------------------ NumPy's formulas

/** Ranks (0-based, in the sorted column) that `linearPercentile(…, n, q)` reads. */
export function percentileRanks(n: number, q: number): number[] {
  const v = (n - 1) * (q / 100);
  if (v >= n - 1) return [n - 1];
  const prev = Math.floor(v);
  return [prev, prev + 1];
}

/**
 * `np.percentile(x, q)` with the default 'linear' method, from `at(k)`, the
 * k-th smallest of the n values; the same arithmetic as NumPy (virtual index
 * `(n − 1)·q/100`, and its `_lerp` that interpolates from the nearer end).
 */
export function linearPercentile(at: (rank: number) => number, n: number, q: number): number {
  const v = (n - 1) * (q / 100);
  if (v >= n - 1) return at(n - 1);
  const prev = Math.floor(v);
  const gamma = v - prev;
  const a = at(prev), b = at(prev + 1);
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Ranks that `median(…, n)` reads. */
export function medianRanks(n: number): number[] {
  return n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
}

/** `np.median`: the middle value, or the mean of the two middle values. */
export function median(at: (rank: number) => number, n: number): number {
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/**
 * The standard normal quantile function (`scipy.stats.norm.ppf`), by
 * Wichura's algorithm AS 241 (PPND16): relative error about 1e-16.
 */
export function normPpf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r
      + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608))
      / (((((((5226.495278852545461 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r
      + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r
      + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734)
      / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
      + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
      + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772)
      / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
      + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -v : v;
}

// ------------------------------------------------------------ distributed order statistics

export interface OrderStatisticsOptions {
  /** values a chunk sends per bracket (default 4 096) */
  sketchSize?: number;
  /** values kept exactly when sketches merge (default 65 536) */
  exactCap?: number;
  /** a guard: rounds before giving up (default 64; never reached in practice) */
  maxRounds?: number;
}

/** One end of a bracket: a value (null: unbounded) and whether the value itself is excluded. */
interface End { v: number | null; open: boolean }

interface Target {
  col: number;
  rank: number;
  /** the bracket counted this round */
  lo: End;
  hi: End;
  /** a bracket confirmed to hold the value */
  safeLo: End;
  safeHi: End;
  /** margin multiplier, doubled when a narrowed bracket missed */
  slack: number;
  value?: number;
}

const UNBOUNDED: End = { v: null, open: false };

/**
 * The `ranks(n)[j]` smallest values (0-based ranks) of each column j of
 * `data`, exactly; n is the number of rows, learnt in the first pass.
 * Values must be finite (a chunk with NaN fails, naming X).
 */
export async function columnOrderStatistics(
  data: ChunkedData,
  ranks: (n: number) => number[][],
  options: OrderStatisticsOptions = {},
): Promise<{ n: number; values: Map<number, number>[]; rounds: number }> {
  const sketchSize = options.sketchSize ?? 4096;
  const cap = Math.max(options.exactCap ?? 65536, 4 * sketchSize);
  const maxRounds = options.maxRounds ?? 64;
  if (!Number.isInteger(sketchSize) || sketchSize < 2) throw new RangeError(`sketchSize: expected an integer ≥ 2, got ${sketchSize}`);
  const d = data.cols;
  const pass = (brackets: Bracket[]): Promise<BracketPartial[]> =>
    data.reduce<BracketPartial[]>('ml.orderStats.partial', () => [brackets, sketchSize, cap], 'ml.orderStats.combine');

  // round 1: every column whole; it gives n, and the answers when n is small
  const whole = await pass(Array.from({ length: d }, (_, col) => ({ col, lo: null, hi: null, loOpen: false, hiOpen: false })));
  const n = whole[0].inside;
  if (n === 0) throw new RangeError('X: expected at least one row, got 0');
  const wanted = ranks(n);
  const targets: Target[] = [];
  for (let col = 0; col < d; col++) {
    for (const rank of new Set(wanted[col])) {
      if (!Number.isInteger(rank) || rank < 0 || rank >= n) throw new RangeError(`rank: expected an integer in [0, ${n}), got ${rank}`);
      targets.push({ col, rank, lo: UNBOUNDED, hi: UNBOUNDED, safeLo: UNBOUNDED, safeHi: UNBOUNDED, slack: 1 });
    }
  }
  let results = targets.map((t) => whole[t.col]);
  let open = targets;
  let rounds = 1;
  for (;;) {
    open.forEach((t, i) => step(t, results[i]));
    open = open.filter((t) => t.value === undefined);
    if (open.length === 0) break;
    if (rounds >= maxRounds) throw new Error(`columnOrderStatistics: no exact answer after ${maxRounds} rounds (a bug: please report it)`);
    // targets that count the same bracket share it
    const ids = new Map<string, number>();
    const brackets: Bracket[] = [];
    const which = open.map((t) => {
      const key = JSON.stringify([t.col, t.lo, t.hi]);
      let id = ids.get(key);
      if (id === undefined) {
        ids.set(key, (id = brackets.length));
        brackets.push({ col: t.col, lo: t.lo.v, hi: t.hi.v, loOpen: t.lo.open, hiOpen: t.hi.open });
      }
      return id;
    });
    const got = await pass(brackets);
    rounds++;
    results = which.map((id) => got[id]);
  }
  const values = Array.from({ length: d }, () => new Map<number, number>());
  for (const t of targets) values[t.col].set(t.rank, t.value!);
  return { n, values, rounds };
}

/** Moves one target on from the counts of its bracket. */
function step(t: Target, p: BracketPartial): void {
  const k = t.rank;
  if (p.less > k) {
    // the value lies below the bracket: just below its lower end (an open end includes that value)
    t.safeHi = t.lo.v === null ? t.safeHi : { v: t.lo.v, open: !t.lo.open };
    retry(t);
    return;
  }
  if (p.less + p.inside <= k) {
    t.safeLo = t.hi.v === null ? t.safeLo : { v: t.hi.v, open: !t.hi.open };
    retry(t);
    return;
  }
  t.safeLo = t.lo; t.safeHi = t.hi;
  const r = k - p.less;
  const s = p.sketch;
  if (s.exact && s.values.length === p.inside) { t.value = s.values[r]; return; }
  if (t.lo.v !== null && t.lo.v === t.hi.v && !t.lo.open && !t.hi.open) { t.value = t.lo.v; return; }
  const [lo, hi, guess] = narrow(s, r, p.err * t.slack + 1);
  const next = { lo: lo === null ? t.lo : { v: lo, open: false }, hi: hi === null ? t.hi : { v: hi, open: false } };
  if (sameEnd(next.lo, t.lo) && sameEnd(next.hi, t.hi)) {
    // the margin leaves nothing to cut (ties, or a tiny sketch): test the likeliest value itself;
    // a miss excludes it, so every such round removes at least one distinct value
    t.lo = { v: guess, open: false };
    t.hi = { v: guess, open: false };
  } else {
    t.lo = next.lo;
    t.hi = next.hi;
  }
}

function retry(t: Target): void {
  t.lo = t.safeLo;
  t.hi = t.safeHi;
  t.slack *= 2;
}

function sameEnd(a: End, b: End): boolean {
  return a.v === b.v && a.open === b.open;
}

/**
 * From a weighted sketch of a bracket's values: the largest sketch value
 * with at most r − margin values estimated below it, the smallest with at
 * least r + 1 + margin estimated at or below it (null: none, keep that end),
 * and the likeliest value of rank r.
 */
function narrow(s: Sketch, r: number, margin: number): [number | null, number | null, number] {
  let lo: number | null = null, hi: number | null = null, guess: number | null = null;
  let before = 0;
  for (let i = 0; i < s.values.length;) {
    let j = i, w = 0;
    while (j < s.values.length && s.values[j] === s.values[i]) w += s.weights[j++];
    const v = s.values[i];
    if (before <= r - margin) lo = v;                        // estLess(v) = before
    if (hi === null && before + w >= r + 1 + margin) hi = v; // estLessEq(v) = before + w
    if (guess === null && before + w >= r + 1) guess = v;
    before += w;
    i = j;
  }
  return [lo, hi, guess ?? s.values[s.values.length - 1]];
}
