"""NumPy baseline of bench/kernels.ts: XᵀX of a rows x cols float64 matrix on one thread.

BLAS threads are pinned to 1 before NumPy loads, as shoal's kernels run on one thread.
Prints one JSON object (the bench/harness.ts BaselineResult shape) as its last stdout line;
the figure is GFLOP/s counted as 2·rows·cols² (the same count the shoal side uses).

Run from the repository root:
    bench/.venv/bin/python bench/python/kernels_numpy.py --rows 1000000 --cols 100 --runs 5
"""

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    x = np.random.default_rng(0).standard_normal((args.rows, args.cols))
    flops = 2.0 * args.rows * args.cols * args.cols
    x.T @ x  # warm-up
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        x.T @ x
        samples.append(flops / (time.perf_counter() - start) / 1e9)
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    print(json.dumps({
        "baselineName": f"numpy {np.__version__} X.T @ X ({blas.get('name', 'BLAS')}, 1 thread)",
        "versions": {"numpy": np.__version__, "python": sys.version.split()[0]},
        "config": {"rows": args.rows, "cols": args.cols},
        "cases": {f"gram.{args.rows}x{args.cols}": {"samples": samples}},
    }))


if __name__ == "__main__":
    main()
