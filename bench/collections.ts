/**
 * The collections suite (issue 4): DataFrame statistics over a taxi-shaped
 * Parquet data set, shoal against Dask DataFrame and DuckDB in the same run.
 *
 * Both sides read the same files: shoal's taxi generator (`makeTaxi`) writes
 * them once into `bench/data/taxi-<rows>/` (gitignored) and later runs reuse
 * them when the marker file there records the same rows, seed and row-group
 * size. 10 000 000 rows (`--quick`: 1 000 000), one file per 1 000 000 rows,
 * row groups of 100 000 (a shoal partition each).
 *
 * Cases, each timed from the files (opening the Parquet footers and reading
 * the row groups is inside every timing), seconds per run:
 * - `describe`: count, mean, std, min, 25 %, 50 %, 75 %, max of the 16
 *   numeric columns (quantiles approximate on shoal, Dask and DuckDB alike);
 * - `groupby.sum`: `groupby('payment_type').agg({ total_amount: 'sum', tip_amount: 'sum' })`;
 * - `corr`: Pearson correlation matrix of the 16 numeric columns (pairwise-complete).
 *
 * shoal runs on `Client.local({ nWorkers: 2, threadsPerWorker: 1 })`; Dask
 * DataFrame on `LocalCluster(processes=True, n_workers=2, threads_per_worker=1)`
 * and on its threaded scheduler (2 threads); DuckDB in-process with 2 threads
 * (bench/python/collections_baselines.py). Each side's answers are checked
 * against shoal's: group sums within 1e-9 relative, describe's count, min and
 * max exactly and mean and std within 1e-9 relative, correlations within 1e-9.
 * Quantiles are approximate on every side, so each side's are compared with
 * the exact quartiles (DuckDB's quantile_cont, computed outside the timing):
 * shoal's must be within 1 % of the column's range; the largest gap of each
 * side is recorded.
 * Target (issue 4): faster than Dask DataFrame on each case.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { Client } from '../ts/actors/mod.js';
import { makeTaxi } from '../ts/collections/datasets/taxi.js';
import { readParquet } from '../ts/collections/dataframe/io.js';
import { asBaselineResult, baselineCase, makeRow, measure, repoRoot, runPython, type BaselineResult, type ResultRow, type Suite } from './harness.js';

const WORKERS = 2;
const ROW_GROUP = 100_000;
const SEED = 0;
const KEY = 'payment_type';
const VALUES = ['total_amount', 'tip_amount'];
/** The taxi set's numeric columns (pandas' `describe()` default set), in file order. */
const NUMERIC = [
  'VendorID', 'passenger_count', 'trip_distance', 'RatecodeID', 'PULocationID', 'DOLocationID', 'payment_type',
  'fare_amount', 'extra', 'mta_tax', 'tip_amount', 'tolls_amount', 'improvement_surcharge', 'total_amount',
  'congestion_surcharge', 'airport_fee',
];
const CASES = ['describe', 'groupby.sum', 'corr'] as const;
type CaseName = (typeof CASES)[number];
const STATS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;

/** Answers in the baseline script's JSON shape (NaN as null). */
type Describe = Record<string, Record<string, number | null>>;
type Groups = Record<string, (number | null)[]>;
type Corr = Record<string, Record<string, number | null>>;
interface Answers { describe: Describe; 'groupby.sum': Groups; corr: Corr }

/** The directory of the data set with `rows` rows, generated on first use. */
function taxiData(rows: number): string {
  const dir = path.join(repoRoot(), 'bench', 'data', `taxi-${rows}`);
  const marker = path.join(dir, '_shoal_taxi.json');
  const want = { rows, randomState: SEED, rowGroupSize: ROW_GROUP };
  if (existsSync(marker)) {
    const have = JSON.parse(readFileSync(marker, 'utf8')) as typeof want;
    if (have.rows === rows && have.randomState === SEED && have.rowGroupSize === ROW_GROUP) return dir;
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const started = performance.now();
  console.log(`collections: generating ${rows.toLocaleString('en-US')} taxi rows into ${path.relative(process.cwd(), dir)} (once)`);
  makeTaxi({ rows, out: tmp, randomState: SEED, rowGroupSize: ROW_GROUP });
  writeFileSync(path.join(tmp, '_shoal_taxi.json'), JSON.stringify(want) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  console.log(`collections: generated in ${((performance.now() - started) / 1e3).toFixed(1)} s`);
  return dir;
}

const num = (v: unknown): number | null => {
  const x = typeof v === 'bigint' ? Number(v) : (v as number);
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
};

function describeAnswer(t: arrow.Table): Describe {
  const stats = t.getChild('statistic')!.toArray() as string[];
  const out: Describe = {};
  for (const c of NUMERIC) {
    const col = t.getChild(c)!;
    out[c] = Object.fromEntries(stats.map((s, i) => [s, num(col.get(i))]));
  }
  return out;
}

function groupAnswer(t: arrow.Table): Groups {
  const keys = t.getChild(KEY)!;
  const out: Groups = {};
  for (let i = 0; i < t.numRows; i++) out[String(num(keys.get(i)))] = VALUES.map((v) => num(t.getChild(v)!.get(i)));
  return out;
}

function corrAnswer(t: arrow.Table): Corr {
  const names = t.getChild('column')!.toArray() as string[];
  const out: Corr = {};
  names.forEach((a, i) => { out[a] = Object.fromEntries(NUMERIC.map((b) => [b, num(t.getChild(b)!.get(i))])); });
  return out;
}

/** How a baseline's answer compares with shoal's: `ok`, the largest error of each kind, and what disagreed. */
interface Check { ok: boolean; maxError: Record<string, number>; problems: string[] }

function relErr(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : Infinity;
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function check(name: CaseName, shoal: Answers, base: Answers, exact: Record<string, Record<string, number | null>>): Check {
  const maxError: Record<string, number> = {};
  const problems: string[] = [];
  const note = (kind: string, err: number, tol: number, where: string) => {
    maxError[kind] = Math.max(maxError[kind] ?? 0, err);
    if (!(err <= tol)) problems.push(`${where}: ${kind} error ${err.toExponential(2)} > ${tol}`);
  };
  if (name === 'groupby.sum') {
    const a = shoal['groupby.sum'], b = base['groupby.sum'];
    if (Object.keys(a).join() !== Object.keys(b).join()) problems.push(`keys ${Object.keys(a)} vs ${Object.keys(b)}`);
    for (const k of Object.keys(a)) VALUES.forEach((v, j) => note('sumRelative', relErr(a[k]![j]!, b[k]?.[j] ?? null), 1e-9, `${KEY}=${k} ${v}`));
  } else if (name === 'describe') {
    for (const c of NUMERIC) {
      const a = shoal.describe[c]!, b = base.describe[c]!;
      for (const s of ['count', 'min', 'max'] as const) note('countMinMaxRelative', relErr(a[s]!, b[s]!), 1e-12, `${c} ${s}`);
      for (const s of ['mean', 'std'] as const) note('meanStdRelative', relErr(a[s]!, b[s]!), 1e-9, `${c} ${s}`);
      // quantiles are approximate on every side: each is compared with the exact ones
      const range = (a.max ?? 0) - (a.min ?? 0);
      for (const s of ['25%', '50%', '75%'] as const) {
        const gap = (x: number | null | undefined) => {
          const want = exact[c]?.[s] ?? null;
          return x === null || x === undefined || want === null ? (x === want ? 0 : Infinity) : Math.abs(x - want) / (range || 1);
        };
        note('shoalQuantileGapOfRange', gap(a[s]), 0.01, `shoal ${c} ${s}`);
        note('baselineQuantileGapOfRange', gap(b[s]), Infinity, `baseline ${c} ${s}`);
      }
    }
  } else {
    for (const x of NUMERIC) for (const y of NUMERIC) {
      const a = shoal.corr[x]![y] ?? null, b = base.corr[x]?.[y] ?? null;
      note('corrAbsolute', a === null || b === null ? (a === b ? 0 : Infinity) : Math.abs(a - b), 1e-9, `${x}~${y}`);
    }
  }
  return { ok: problems.length === 0, maxError, problems: problems.slice(0, 10) };
}

export const suite: Suite = {
  name: 'collections',
  description: `describe, groupby-sum and corr over taxi Parquet on Client.local(${WORKERS} workers x 1 thread) vs Dask DataFrame (LocalCluster ${WORKERS} processes x 1 thread; threaded scheduler) and DuckDB (${WORKERS} threads)`,
  notes: () => ({
    data: 'makeTaxi (seed 0): one Parquet file per 1 000 000 rows, row groups of 100 000, snappy; read by every side, reading inside each timing',
    cases: {
      describe: `count, mean, std, min, 25%, 50%, 75%, max of ${NUMERIC.length} numeric columns; quantiles approximate on every side (shoal: merged 4 096-point sketches; Dask: its default approximate percentiles; DuckDB: approx_quantile)`,
      'groupby.sum': `groupby('${KEY}').agg({ ${VALUES.map((v) => `${v}: 'sum'`).join(', ')} })`,
      corr: `Pearson, pairwise-complete, ${NUMERIC.length} numeric columns`,
    },
    checks: 'each baseline answer against shoal: group sums 1e-9 relative; describe count/min/max 1e-12 and mean/std 1e-9 relative; correlations 1e-9 absolute; quartiles of every side against the exact ones (DuckDB quantile_cont, untimed): shoal within 1 % of the column range, the largest gap of each side recorded',
  }),
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const rows = quick ? 1_000_000 : 10_000_000;
    const dir = taxiData(rows);
    const pyArgs = ['--data', dir, '--columns', NUMERIC.join(','), '--key', KEY, '--values', VALUES.join(','), '--runs', String(runs), '--workers', String(WORKERS)];
    const baselines: { id: string; result: BaselineResult; answers: Answers; target: boolean }[] = [];
    let exact: Record<string, Record<string, number | null>> | null = null;
    if (!shoalOnly) {
      for (const [id, engine, target] of [['dask', 'dask-processes', true], ['dask_threads', 'dask-threads', true], ['duckdb', 'duckdb', false]] as const) {
        const json = await runPython('collections_baselines.py', [...pyArgs, '--engine', engine, ...(engine === 'duckdb' ? ['--exact-quantiles'] : [])], { timeoutMs: 3_600_000 });
        if (engine === 'duckdb') exact = (json.answers as Record<string, unknown>)['describe.exactQuantiles'] as typeof exact;
        baselines.push({ id, result: asBaselineResult(json, `collections_baselines.py --engine ${engine}`), answers: json.answers as Answers, target });
      }
    }

    const client = await Client.local({ nWorkers: WORKERS, threadsPerWorker: 1 });
    const shoal = {} as Record<CaseName, { median: number; samples: number[] }>;
    const answers = {} as Answers;
    try {
      const seconds = async (fn: () => Promise<void>) => {
        const start = performance.now();
        await fn();
        return (performance.now() - start) / 1e3;
      };
      const work: Record<CaseName, () => Promise<void>> = {
        describe: async () => { answers.describe = describeAnswer(await (await readParquet(dir)).select(NUMERIC).describe().compute()); },
        'groupby.sum': async () => {
          const df = await readParquet(dir);
          answers['groupby.sum'] = groupAnswer(await df.groupby(KEY).agg(Object.fromEntries(VALUES.map((v) => [v, 'sum' as const]))).compute());
        },
        corr: async () => { answers.corr = corrAnswer(await (await readParquet(dir)).corr(NUMERIC).compute()); },
      };
      for (const c of CASES) shoal[c] = await measure(() => seconds(work[c]), { runs });
    } finally {
      await client.close();
    }

    const out: ResultRow[] = [];
    for (const c of CASES) {
      const targets = shoalOnly ? [{ id: 'dask', result: null, answers: null, target: true }] : baselines;
      for (const b of targets) {
        const base = b.result ? baselineCase(b.result, c) : { median: null, samples: [] };
        const agreement = b.answers && exact ? check(c, answers, b.answers, exact) : null;
        if (agreement && !agreement.ok) console.warn(`collections: ${c} answers differ from ${b.id}: ${agreement.problems.join('; ')}`);
        out.push(makeRow({
          case: `${c}.vs_${b.id}`, unit: 's', better: 'lower', shoal: shoal[c].median, baseline: base.median,
          baselineName: b.result?.baselineName ?? `${b.id} (not run: --shoal-only)`,
          target: b.target ? { on: 'ratio', atLeast: 1 } : undefined,
          detail: { rows, shoalSamples: shoal[c].samples, baselineSamples: base.samples, agreement, versions: b.result?.versions },
        }));
      }
    }
    return out;
  },
};
