/**
 * The kernels suite: single-thread throughput of shoal's Rust kernels through the addon.
 *
 * Cases:
 * - `lloyd.<rows>x<cols>`: the k-means Lloyd partial (k = 8) over a float64 chunk, in GB/s of
 *   the chunk read, against a STREAM-style copy bandwidth measured in the same process
 *   (`TypedArray.prototype.set` of a 256 MiB array, counting bytes read + written).
 *   Target (issue 3): at least 50 % of the copy bandwidth.
 * - `gram.<rows>x<cols>`: XᵀX (with column sums, one pass) in GFLOP/s counted as 2·rows·cols²,
 *   against NumPy's `X.T @ X` on one BLAS thread (bench/python/kernels_numpy.py).
 *   Target (issue 3): at least 70 % of NumPy's GFLOP/s.
 */
import { native } from '../ts/native.js';
import { asBaselineResult, baselineCase, makeRow, measure, runPython, type ResultRow, type Suite } from './harness.js';

/** Copy bandwidth in GB/s (read + write) of `bytes`-sized Float64Arrays, median of `runs`. */
async function copyBandwidth(bytes: number, runs: number) {
  const src = new Float64Array(bytes / 8);
  native.fillUniform(src, 1, 0, 0, 1);
  const dst = new Float64Array(src.length);
  return measure(() => {
    const start = performance.now();
    dst.set(src);
    return (2 * bytes) / ((performance.now() - start) / 1e3) / 1e9;
  }, { runs });
}

function randomMatrix(rows: number, cols: number, stream: number): Float64Array {
  const x = new Float64Array(rows * cols);
  native.fillNormal(x, 2026, stream, 0, 1);
  return x;
}

export const suite: Suite = {
  name: 'kernels',
  description: 'Rust kernels on one thread: Lloyd partial vs memory copy bandwidth, XᵀX vs NumPy',
  // Which assignment kernel ran (set SHOAL_KMEANS_KERNEL to compare another on the same machine).
  notes: () => ({ kmeansKernel: native.kmeansKernel() }),
  async run({ runs, quick, shoalOnly }): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    const copy = await copyBandwidth(quick ? 32 << 20 : 256 << 20, runs);
    const k = 8;
    const lloydShapes: [number, number][] = quick ? [[1_000_000, 2], [100_000, 20]] : [[10_000_000, 2], [1_000_000, 20]];
    for (const [r, c] of lloydShapes) {
      const x = randomMatrix(r, c, 1);
      const centers = x.slice(0, k * c);
      const m = await measure(() => {
        const start = performance.now();
        native.lloydPartial(x, r, c, centers, k);
        return x.byteLength / ((performance.now() - start) / 1e3) / 1e9;
      }, { runs });
      rows.push(makeRow({
        case: `lloyd.${r}x${c}`, unit: 'GB/s', better: 'higher', shoal: m.median, baseline: copy.median,
        baselineName: 'memory copy (TypedArray.set, read+write)', target: { on: 'ratio', atLeast: 0.5 },
        detail: { k, shoalSamples: m.samples, copySamples: copy.samples },
      }));
    }
    const [gr, gc] = quick ? [100_000, 100] : [1_000_000, 100];
    const x = randomMatrix(gr, gc, 2);
    const flops = 2 * gr * gc * gc;
    const g = await measure(() => {
      const start = performance.now();
      native.gram(x, gr, gc);
      return flops / ((performance.now() - start) / 1e3) / 1e9;
    }, { runs });
    const gramCase = `gram.${gr}x${gc}`;
    const py = shoalOnly ? null : asBaselineResult(
      await runPython('kernels_numpy.py', ['--rows', String(gr), '--cols', String(gc), '--runs', String(runs)]),
      'kernels_numpy.py');
    const base = py ? baselineCase(py, gramCase) : { median: null, samples: [] };
    rows.push(makeRow({
      case: gramCase, unit: 'GFLOP/s', better: 'higher', shoal: g.median, baseline: base.median,
      baselineName: py?.baselineName ?? 'numpy X.T @ X (not run)', target: { on: 'ratio', atLeast: 0.7 },
      detail: { shoalSamples: g.samples, baselineSamples: base.samples },
    }));
    return rows;
  },
};
