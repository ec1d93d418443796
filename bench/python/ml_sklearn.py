"""scikit-learn and Dask-ML baselines of bench/ml.ts: fit times on the same shapes.

Cases (seconds per fit; k-means: milliseconds per Lloyd iteration from given centres):
  logistic.fit      LogisticRegression(lbfgs, C=1, tol=1e-4) on make_classification data
  linear.fit        LinearRegression on make_regression data
  kmeans.iter       KMeans(lloyd, init = the first k rows, n_init=1) time / n_iter_
With --dask-ml the same cases run on dask_ml over LocalCluster(n_workers=W, threads_per_worker=1)
on dask arrays chunked as shoal's, persisted before timing (dask_ml LogisticRegression uses its
lbfgs solver here; KMeans its Lloyd from the same kind of explicit centres).
Prints one JSON object (the bench/harness.ts BaselineResult shape) as its last stdout line.

Run from the repository root:
    bench/.venv/bin/python bench/python/ml_sklearn.py --rows 200000 --cols 20 --runs 3
    bench/.venv/bin/python bench/python/ml_sklearn.py --rows 200000 --cols 20 --runs 3 --dask-ml --workers 2 --chunk 50000
"""

import argparse
import json
import logging
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression


def timed(fit, runs):
    fit()  # warm-up (imports, JIT-free but allocator and BLAS warm)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        extra = fit()
        out.append((time.perf_counter() - start, extra))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dask-ml", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=50_000)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    Xc, yc = make_classification(n_samples=args.rows, n_features=args.cols, n_informative=args.cols // 2, random_state=0)
    Xr, yr = make_regression(n_samples=args.rows, n_features=args.cols, noise=1.0, random_state=0)
    init = Xc[: args.k].copy()
    cases = {}
    if not args.dask_ml:
        name = f"scikit-learn {sklearn.__version__} (numpy in memory, default BLAS threads)"
        cases["logistic.fit"] = {"samples": [t for t, _ in timed(lambda: LogisticRegression(tol=1e-4, max_iter=1000).fit(Xc, yc), args.runs)]}
        cases["linear.fit"] = {"samples": [t for t, _ in timed(lambda: LinearRegression().fit(Xr, yr), args.runs)]}
        km = timed(lambda: KMeans(args.k, init=init, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(Xc).n_iter_, args.runs)
        cases["kmeans.iter"] = {"samples": [1e3 * t / n for t, n in km]}
        versions = {"scikit-learn": sklearn.__version__, "numpy": np.__version__}
    else:
        import dask
        import dask.array as da
        import dask_ml
        from dask_ml.cluster import KMeans as DKMeans
        from dask_ml.linear_model import LinearRegression as DLinear
        from dask_ml.linear_model import LogisticRegression as DLogistic
        from distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
            dXc = da.from_array(Xc, chunks=(args.chunk, args.cols)).persist()
            dyc = da.from_array(yc, chunks=args.chunk).persist()
            dXr = da.from_array(Xr, chunks=(args.chunk, args.cols)).persist()
            dyr = da.from_array(yr, chunks=args.chunk).persist()
            cases["logistic.fit"] = {"samples": [t for t, _ in timed(lambda: DLogistic(solver="lbfgs", tol=1e-4, max_iter=1000).fit(dXc, dyc), args.runs)]}
            cases["linear.fit"] = {"samples": [t for t, _ in timed(lambda: DLinear(solver="lbfgs", tol=1e-4, penalty="l2", C=1e12).fit(dXr, dyr), args.runs)]}
            km = timed(lambda: DKMeans(n_clusters=args.k, init=init, max_iter=300, tol=1e-4).fit(dXc).n_iter_, args.runs)
            cases["kmeans.iter"] = {"samples": [1e3 * t / max(n, 1) for t, n in km]}
        name = f"dask-ml {dask_ml.__version__} on LocalCluster(processes=True, n_workers={args.workers}, threads_per_worker=1)"
        versions = {"dask-ml": dask_ml.__version__, "dask": dask.__version__}
    print(json.dumps({
        "baselineName": name,
        "versions": {**versions, "python": sys.version.split()[0]},
        "config": {"rows": args.rows, "cols": args.cols, "k": args.k},
        "cases": cases,
    }))


if __name__ == "__main__":
    main()
