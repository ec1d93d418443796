/**
 * The ml suite: estimator fit times on the local cluster against scikit-learn
 * (in memory, same machine) and Dask-ML (LocalCluster with as many worker
 * processes, one thread each), in the same run, on data of the same shape.
 *
 * Cases (rows x cols from --quick or the full configuration):
 * - `logistic.fit`: LogisticRegression(lbfgs, C = 1, tol = 1e-4), seconds per fit;
 * - `linear.fit`: LinearRegression, seconds per fit;
 * - `kmeans.iter`: KMeans Lloyd from given centres (the first k rows), ms per iteration.
 * Each side generates its own data (shoal on the workers, chunked; Python with
 * make_classification / make_regression); the data is persisted before timing.
 * Target (issue 5 / the brief): faster than Dask-ML; scikit-learn shown beside.
 */
import { Client } from '../ts/actors/mod.js';
import { makeClassification, makeRegression } from '../ts/collections/datasets/synthetic.js';
import { KMeans } from '../ts/ml/cluster/kmeans.js';
import { LinearRegression } from '../ts/ml/linear_model/linear-regression.js';
import { LogisticRegression } from '../ts/ml/linear_model/logistic-regression.js';
import { asBaselineResult, baselineCase, makeRow, measure, runPython, type BaselineResult, type ResultRow, type Suite } from './harness.js';

const WORKERS = 2;

export const suite: Suite = {
  name: 'ml',
  description: `estimator fits on Client.local(${WORKERS} workers x 1 thread) vs scikit-learn in memory and Dask-ML on LocalCluster(${WORKERS} processes x 1 thread)`,
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const cfg = quick ? { rows: 200_000, cols: 20, chunk: 50_000 } : { rows: 2_000_000, cols: 20, chunk: 250_000 };
    const k = 8;
    const pyArgs = ['--rows', String(cfg.rows), '--cols', String(cfg.cols), '--k', String(k), '--runs', String(runs)];
    const sk = shoalOnly ? null : asBaselineResult(await runPython('ml_sklearn.py', pyArgs), 'ml_sklearn.py');
    const dml = shoalOnly ? null : asBaselineResult(await runPython('ml_sklearn.py', [...pyArgs, '--dask-ml', '--workers', String(WORKERS), '--chunk', String(cfg.chunk)], { timeoutMs: 1_800_000 }), 'ml_sklearn.py --dask-ml');

    const client = await Client.local({ nWorkers: WORKERS, threadsPerWorker: 1, memoryLimit: '4GB' });
    let logistic, linear, kmeans;
    try {
      const [Xc, yc] = makeClassification({ nSamples: cfg.rows, nFeatures: cfg.cols, nInformative: cfg.cols / 2, chunks: cfg.chunk, randomState: 0 });
      const [Xr, yr] = makeRegression({ nSamples: cfg.rows, nFeatures: cfg.cols, noise: 1, chunks: cfg.chunk, randomState: 0 });
      const [XcP, ycP, XrP, yrP] = await Promise.all([Xc, yc, Xr, yr].map((a) => a.persist({ wait: true })));
      const init = (await XcP.slice(0, k).compute()).data as Float64Array;
      const centres = Array.from({ length: k }, (_, i) => Array.from(init.subarray(i * cfg.cols, (i + 1) * cfg.cols)));
      const seconds = async (fit: () => Promise<unknown>) => {
        const start = performance.now();
        await fit();
        return (performance.now() - start) / 1e3;
      };
      await new LogisticRegression().fit(XcP, ycP); // warm-up: thread pools, op modules
      logistic = await measure(() => seconds(() => new LogisticRegression({ tol: 1e-4, maxIter: 1000 }).fit(XcP, ycP)), { runs });
      linear = await measure(() => seconds(() => new LinearRegression().fit(XrP, yrP)), { runs });
      kmeans = await measure(async () => {
        const km = new KMeans({ nClusters: k, init: centres, maxIter: 300, tol: 1e-4 });
        const s = await seconds(() => km.fit(XcP));
        return (1e3 * s) / Math.max(1, km.nIter_!);
      }, { runs });
    } finally {
      await client.close();
    }
    const rows: ResultRow[] = [];
    const add = (name: string, unit: string, m: { median: number; samples: number[] }, base: BaselineResult | null, vs: string, target?: { on: 'ratio'; atLeast: number }) => {
      const b = base ? baselineCase(base, name) : { median: null, samples: [] };
      rows.push(makeRow({
        case: `${name}.vs_${vs}`, unit, better: 'lower', shoal: m.median, baseline: b.median,
        baselineName: base?.baselineName ?? `${vs} (not run: --shoal-only)`, target,
        detail: { ...cfg, k, shoalSamples: m.samples, baselineSamples: b.samples },
      }));
    };
    for (const [name, unit, m] of [['logistic.fit', 's', logistic!], ['linear.fit', 's', linear!], ['kmeans.iter', 'ms/iter', kmeans!]] as const) {
      add(name, unit, m, dml, 'daskml', { on: 'ratio', atLeast: 1 });
      add(name, unit, m, sk, 'sklearn');
    }
    return rows;
  },
};
