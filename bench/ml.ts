/**
 * The ml suite (issue 5's benchmark): estimator fits on the local cluster
 * against scikit-learn (in memory, same machine, GridSearchCV with n_jobs=-1)
 * and Dask-ML (LocalCluster with as many worker processes, one thread each),
 * in the same run, on data of the same shapes. Seconds per fit.
 *
 * - `kmeans.fit`: KMeans(3) on makeBlobs N x 2 in 1 000 000-row chunks (S2); shoal and
 *   Dask-ML with k-means|| (initMaxIter 2, oversamplingFactor 10), scikit-learn k-means++.
 * - `logistic.binary.fit` / `logistic.multi.fit`: LogisticRegression lbfgs (C = 1,
 *   tol 1e-4) on makeClassification N x 20, 2 and 10 classes (Dask-ML has no multinomial).
 * - `linear.streamed`: LinearRegression on makeRegression N x 100 generated lazily in
 *   the graph (S3: never persisted, never on the client), in GFLOP/s of its Gram
 *   products (2·rows·cols²), against the Gram kernel's single-thread GFLOP/s measured
 *   here times the threads used. Target: ≥ 50 %.
 * - `linear.persisted`: the same fit on persisted data (the generator's cost left out).
 * - `linear.chunk`: S3's cost per chunk on one thread: one 1 000 000 x 100 makeRegression
 *   chunk fused with its Gram statistics as the graph optimiser makes it (one task, run here
 *   in row blocks), in GFLOP/s of its Gram products, against the Gram kernel alone on a
 *   stored chunk of the same shape, the two alternated in one loop. The ratio is the share
 *   of the per-thread bar the streamed fit can reach before any cluster overhead (target
 *   ≥ 50 %); the detail has the same task at other row-block sizes, measured in that loop.
 * - `search.fit`: GridSearchCV(LogisticRegression) over 12 C x 2 fitIntercept = 24
 *   candidates x 3 folds.
 * Each side generates its own data (shoal on the workers; Python with scikit-learn's
 * generators); the data is persisted before timing except in `linear.streamed`.
 * Targets (issue 5): k-means and logistic regression ≥ 5x faster than Dask-ML and
 * faster than scikit-learn.
 *
 * Environment: `SHOAL_BENCH_LINEAR_ROWS=100000000` sets the streamed case's rows (S3's
 * full size; default 10M, 2M with --quick); `SHOAL_BENCH_ML_CASES=linear` runs only
 * the linear cases, `SHOAL_BENCH_ML_CASES=linear.chunk` only `linear.chunk` (about
 * 20 s, no cluster), both with --shoal-only (no Python baselines).
 */
import { Client } from '../ts/actors/mod.js';
import { makeBlobs, makeClassification, makeRegression } from '../ts/collections/datasets/synthetic.js';
import { KMeans } from '../ts/ml/cluster/kmeans.js';
import { LinearRegression } from '../ts/ml/linear_model/linear-regression.js';
import { LogisticRegression } from '../ts/ml/linear_model/logistic-regression.js';
import { GridSearchCV } from '../ts/ml/model_selection/search.js';
import { ROW_BLOCK_BYTES, rowBlockPlan, setRowBlockBytes } from '../ts/collections/graph/row-blocks.js';
import { flatten, mergeLayers, withLayer } from '../ts/collections/graph/layers.js';
import { FUSED_OP, optimize, type FusedStep } from '../ts/collections/graph/optimize.js';
import { getOp } from '../ts/actors/ops.js';
import { ref, type TaskSpec } from '../ts/actors/graph.js';
import '../ts/collections/ops.js';
import '../ts/ml/linear_model/ops.js';
import { native } from '../ts/native.js';
import { asBaselineResult, baselineCase, makeRow, measure, median, runPython, type BaselineResult, type ResultRow, type Suite } from './harness.js';

const WORKERS = 2;

async function seconds(fit: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fit();
  return (performance.now() - start) / 1e3;
}

/** Row-block sizes `linear.chunk` also measures (bytes of generated rows per block). */
const CHUNK_BLOCK_SWEEP = [256 << 10, 512 << 10, 1 << 20, 2 << 20, 4 << 20];

/**
 * `linear.chunk`: GFLOP/s (2·rows·cols²/s) of one generated 1 000 000 x 100 chunk reduced to
 * its Gram statistics by the fused task the optimiser makes of makeRegression → X, y →
 * ml.linear.gram, run on this thread, at `ROW_BLOCK_BYTES` and at the sweep's sizes; and of
 * the Gram kernel alone on a stored chunk of that shape. All alternate in each repetition,
 * so a busy machine slows them alike.
 */
async function chunkCase(runs: number): Promise<{ fused: number[]; gram: number[]; sweep: Record<string, number[]> }> {
  const rows = 1_000_000, cols = 100;
  const flops = 2 * rows * cols * cols;
  const [X, y] = makeRegression({ nSamples: rows, nFeatures: cols, chunks: rows, noise: 1, randomState: 3 });
  const tasks = new Map<string, TaskSpec>([['chunk-gram', { op: 'ml.linear.gram', args: [ref(X.keys[0]), ref(y.keys[0])] }]]);
  const fused = [...optimize(flatten(withLayer([mergeLayers(X.layers, y.layers)], 'chunk-gram', tasks)), ['chunk-gram']).values()].filter((t) => t.op === FUSED_OP);
  const program = fused[0]?.args[0] as { steps: FusedStep[] } | undefined;
  if (fused.length !== 1 || !program || !rowBlockPlan(program.steps)) throw new Error(`linear.chunk: expected one fused task run in row blocks, got ${JSON.stringify(fused.map((t) => (t.args[0] as { steps: FusedStep[] }).steps.map((s) => s.op)))}`);
  const runFused = getOp(FUSED_OP);
  const gx = new Float64Array(rows * cols);
  native.fillNormal(gx, 7, 0, 0, 1);
  const gy = new Float64Array(rows);
  native.fillNormal(gy, 7, 1, 0, 1);
  const time = async (fn: () => unknown): Promise<number> => {
    const start = performance.now();
    await fn();
    return flops / ((performance.now() - start) / 1e3) / 1e9;
  };
  const withBlock = async (bytes: number): Promise<number> => {
    const old = setRowBlockBytes(bytes);
    try {
      return await time(() => runFused(program));
    } finally {
      setRowBlockBytes(old);
    }
  };
  const out = { fused: [] as number[], gram: [] as number[], sweep: Object.fromEntries(CHUNK_BLOCK_SWEEP.map((b) => [String(b), [] as number[]])) };
  for (let rep = -1; rep < runs; rep++) { // rep -1: warm-up
    const g = await time(() => native.gram(gx, rows, cols, gy));
    const f = await withBlock(ROW_BLOCK_BYTES);
    const s: number[] = [];
    for (const b of CHUNK_BLOCK_SWEEP) s.push(await withBlock(b));
    if (rep < 0) continue;
    out.gram.push(g);
    out.fused.push(f);
    CHUNK_BLOCK_SWEEP.forEach((b, i) => out.sweep[String(b)].push(s[i]));
  }
  return out;
}

export const suite: Suite = {
  name: 'ml',
  description: `estimator fits on Client.local(${WORKERS} workers x 1 thread) vs scikit-learn in memory and Dask-ML on LocalCluster(${WORKERS} processes x 1 thread)`,
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const cfg = quick
      ? { kmeansRows: 1_000_000, kmeansChunk: 250_000, logisticRows: 100_000, logisticChunk: 25_000, linearRows: 2_000_000, searchRows: 20_000 }
      : { kmeansRows: 10_000_000, kmeansChunk: 1_000_000, logisticRows: 1_000_000, logisticChunk: 100_000, linearRows: 10_000_000, searchRows: 100_000 };
    const linearRows = Number(process.env.SHOAL_BENCH_LINEAR_ROWS ?? 0);
    if (linearRows) {
      if (!Number.isInteger(linearRows) || linearRows < 1_000_000 || linearRows % 1_000_000 !== 0) throw new RangeError(`SHOAL_BENCH_LINEAR_ROWS: expected a positive multiple of 1000000, got ${process.env.SHOAL_BENCH_LINEAR_ROWS}`);
      cfg.linearRows = linearRows;
    }
    const cases = process.env.SHOAL_BENCH_ML_CASES;
    if (cases !== undefined && cases !== 'linear' && cases !== 'linear.chunk') throw new RangeError(`SHOAL_BENCH_ML_CASES: expected 'linear' or 'linear.chunk', got '${cases}'`);
    const onlyLinear = cases === 'linear';
    // the dated result file of a full run must not be overwritten by a partial one
    if (cases !== undefined && !shoalOnly) throw new Error(`SHOAL_BENCH_ML_CASES=${cases}: pass --shoal-only too (results then go to ml-shoal-only-<date>.json)`);
    // one thread, before any cluster starts: the per-chunk cost against the Gram kernel
    const chunk = await chunkCase(runs);
    const chunkRow = makeRow({
      case: 'linear.chunk', unit: 'GFLOP/s', better: 'higher', shoal: median(chunk.fused), baseline: median(chunk.gram),
      baselineName: 'Gram kernel alone on a stored 1M x 100 chunk, 1 thread (measured alternately)', target: { on: 'ratio', atLeast: 0.5 },
      detail: {
        rows: 1_000_000, cols: 100, rowBlockBytes: ROW_BLOCK_BYTES, shoalSamples: chunk.fused, gramSamples: chunk.gram,
        secondsPerChunk: 2e10 / median(chunk.fused) / 1e9,
        // GFLOP/s and % of the Gram kernel at each row-block size (bytes)
        blockSweep: Object.fromEntries(Object.entries(chunk.sweep).map(([b, v]) => [b, { gflops: median(v), ofGram: median(v) / median(chunk.gram), samples: v }])),
      },
    });
    console.log(`linear.chunk: one 1M x 100 chunk generated + reduced on one thread in ${(2e10 / median(chunk.fused) / 1e9).toFixed(3)} s = ${(100 * median(chunk.fused) / median(chunk.gram)).toFixed(1)} % of the Gram kernel alone (${(2e10 / median(chunk.gram) / 1e9).toFixed(3)} s); by row-block size: ${Object.entries(chunk.sweep).map(([b, v]) => `${Number(b) >> 10} KiB ${(100 * median(v) / median(chunk.gram)).toFixed(1)} %`).join(', ')}`);
    if (cases === 'linear.chunk') return [chunkRow];
    const pyArgs = ['--kmeans-rows', String(cfg.kmeansRows), '--logistic-rows', String(cfg.logisticRows), '--search-rows', String(cfg.searchRows), '--runs', String(runs)];
    const sk = shoalOnly ? null : asBaselineResult(await runPython('ml_sklearn.py', pyArgs, { timeoutMs: 1_800_000 }), 'ml_sklearn.py');
    const dml = shoalOnly ? null : asBaselineResult(await runPython('ml_sklearn.py', [...pyArgs, '--dask-ml', '--workers', String(WORKERS), '--chunk', String(cfg.logisticChunk)], { timeoutMs: 3_600_000 }), 'ml_sklearn.py --dask-ml');

    // the Gram kernel on one thread, on a 1 000 000 x 100 chunk: the streamed regression's yardstick
    const gx = new Float64Array(1_000_000 * 100);
    native.fillNormal(gx, 7, 0, 0, 1);
    const gramOnce = (): number => {
      const start = performance.now();
      native.gram(gx, 1_000_000, 100);
      return (2 * 1e6 * 100 * 100) / ((performance.now() - start) / 1e3) / 1e9;
    };
    const gramBefore = await measure(gramOnce, { runs });

    const client = await Client.local({ nWorkers: WORKERS, threadsPerWorker: 1, memoryLimit: '6GB' });
    const m: Record<string, { median: number; samples: number[] }> = {};
    try {
      if (!onlyLinear) await otherCases();
      // S3: generated inside the graph, never persisted; one run when it is large
      const [Xl, yl] = makeRegression({ nSamples: cfg.linearRows, nFeatures: 100, chunks: 1_000_000, noise: 1, randomState: 0 });
      const flops = 2 * cfg.linearRows * 100 * 100;
      if (onlyLinear) await new LinearRegression().fit(...makeRegression({ nSamples: 2_000_000, nFeatures: 100, chunks: 1_000_000, randomState: 9 }).slice(0, 2) as [typeof Xl, typeof yl]); // warm-up
      m['linear.streamed'] = await measure(async () => flops / (await seconds(() => new LinearRegression().fit(Xl, yl))) / 1e9, { runs: cfg.linearRows > 10_000_000 ? 1 : runs });

      // the same fit on persisted data: the fit engine without the generator's cost
      const persistedRows = quick ? 1_000_000 : 2_000_000;
      const [Xq, yq] = makeRegression({ nSamples: persistedRows, nFeatures: 100, chunks: 500_000, noise: 1, randomState: 1 });
      const [XqP, yqP] = await Promise.all([Xq.persist({ wait: true }), yq.persist({ wait: true })]);
      m['linear.persisted'] = await measure(async () => (2 * persistedRows * 100 * 100) / (await seconds(() => new LinearRegression().fit(XqP, yqP))) / 1e9, { runs });
    } finally {
      await client.close();
    }
    // the yardstick again after the fits (the machine is shared): the median of all samples
    const gramSamples = [...gramBefore.samples, ...(await measure(gramOnce, { runs })).samples];
    const gram = { median: gramSamples.slice().sort((a, b) => a - b)[Math.floor(gramSamples.length / 2)], samples: gramSamples };

    async function otherCases(): Promise<void> {
      const [Xk] = makeBlobs({ nSamples: cfg.kmeansRows, nFeatures: 2, centers: 3, chunks: cfg.kmeansChunk, randomState: 0 });
      const XkP = await Xk.persist({ wait: true });
      await new KMeans({ nClusters: 3, maxIter: 2 }).fit(XkP); // warm-up: thread pools, op modules
      m['kmeans.fit'] = await measure(() => seconds(() => new KMeans({ nClusters: 3, initMaxIter: 2, oversamplingFactor: 10 }).fit(XkP)), { runs });

      for (const [name, classes] of [['logistic.binary.fit', 2], ['logistic.multi.fit', 10]] as const) {
        const [X, y] = makeClassification({ nSamples: cfg.logisticRows, nFeatures: 20, nInformative: 10, nClasses: classes, chunks: cfg.logisticChunk, randomState: 0 });
        const [XP, yP] = await Promise.all([X.persist({ wait: true }), y.persist({ wait: true })]);
        m[name] = await measure(() => seconds(() => new LogisticRegression({ tol: 1e-4, maxIter: 1000 }).fit(XP, yP)), { runs });
      }

      const [Xs, ys] = makeClassification({ nSamples: cfg.searchRows, nFeatures: 20, nInformative: 10, chunks: cfg.searchRows, randomState: 1 });
      const [xs, yv] = await Promise.all([Xs.compute(), ys.compute()]);
      const Xmem = { data: Float64Array.from(xs.data), shape: [cfg.searchRows, 20] };
      const grid = { C: Array.from({ length: 12 }, (_, i) => 10 ** (-3 + (5 * i) / 11)), fitIntercept: [true, false] };
      m['search.fit'] = await measure(() => seconds(() => new GridSearchCV(new LogisticRegression({ tol: 1e-4, maxIter: 1000 }), grid, { cv: 3 }).fit(Xmem, Float64Array.from(yv.data))), { runs });
    }

    const rows: ResultRow[] = [chunkRow];
    const add = (name: string, base: BaselineResult | null, vs: string, target?: { on: 'ratio'; atLeast: number }) => {
      const b = base && name in base.cases ? baselineCase(base, name) : { median: null, samples: [] };
      rows.push(makeRow({
        case: `${name}.vs_${vs}`, unit: 's', better: 'lower', shoal: m[name].median, baseline: b.median,
        baselineName: base?.baselineName ?? `${vs} (not run: --shoal-only)`, target,
        detail: { ...cfg, shoalSamples: m[name].samples, baselineSamples: b.samples },
      }));
    };
    for (const name of onlyLinear ? [] : ['kmeans.fit', 'logistic.binary.fit', 'logistic.multi.fit', 'search.fit']) {
      const fast = name.startsWith('kmeans') || name.startsWith('logistic');
      add(name, dml, 'daskml', fast ? { on: 'ratio', atLeast: 5 } : undefined);
      add(name, sk, 'sklearn', fast ? { on: 'ratio', atLeast: 1 } : undefined);
    }
    rows.push(makeRow({
      case: 'linear.streamed', unit: 'GFLOP/s', better: 'higher', shoal: m['linear.streamed'].median, baseline: gram.median * WORKERS,
      baselineName: `Gram kernel, 1 thread x ${WORKERS} threads (measured here)`, target: { on: 'ratio', atLeast: 0.5 },
      detail: {
        rows: cfg.linearRows, cols: 100, chunkRows: 1_000_000, shoalSamples: m['linear.streamed'].samples, gramSamples: gram.samples,
        rowsPerSecond: m['linear.streamed'].median * 1e9 / (2 * 100 * 100), rowBlockBytes: ROW_BLOCK_BYTES,
      },
    }));
    rows.push(makeRow({
      case: 'linear.persisted', unit: 'GFLOP/s', better: 'higher', shoal: m['linear.persisted'].median, baseline: gram.median * WORKERS,
      baselineName: `Gram kernel, 1 thread x ${WORKERS} threads (measured here)`,
      detail: { rows: quick ? 1_000_000 : 2_000_000, cols: 100, shoalSamples: m['linear.persisted'].samples, gramSamples: gram.samples },
    }));
    return rows;
  },
};
