"""scikit-learn and Dask-ML baselines of bench/ml.ts (issue 5's cases), seconds per fit.

Cases:
  kmeans.fit            KMeans(3) on make_blobs(--kmeans-rows x 2); scikit-learn: k-means++ (n_init=1),
                        Dask-ML: k-means|| (init_max_iter=2, oversampling_factor=10), chunks --chunk
  logistic.binary.fit   LogisticRegression(lbfgs, C=1, tol=1e-4) on make_classification(--logistic-rows x 20)
  logistic.multi.fit    the same with 10 classes (multinomial; Dask-ML has none: not reported)
  search.fit            GridSearchCV(LogisticRegression, 12 C values x fit_intercept, cv=3) on --search-rows x 20;
                        scikit-learn with n_jobs=-1, Dask-ML's GridSearchCV on the cluster
With --dask-ml the cases run on dask_ml over LocalCluster(processes=True, n_workers=W, threads_per_worker=1),
dask arrays persisted before timing. Prints one JSON object (bench/harness.ts BaselineResult) last.

Run from the repository root:
    bench/.venv/bin/python bench/python/ml_sklearn.py --kmeans-rows 1000000 --logistic-rows 100000 --search-rows 20000 --runs 3 [--dask-ml --workers 2 --chunk 100000]
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
from sklearn.datasets import make_blobs, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

GRID = {"C": list(np.logspace(-3, 2, 12)), "fit_intercept": [True, False]}


def timed(fit, runs):
    fit()  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fit()
        out.append(time.perf_counter() - start)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kmeans-rows", type=int, default=1_000_000)
    ap.add_argument("--logistic-rows", type=int, default=100_000)
    ap.add_argument("--search-rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dask-ml", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=100_000)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    Xk, _ = make_blobs(n_samples=args.kmeans_rows, n_features=2, centers=3, random_state=0)
    Xb, yb = make_classification(n_samples=args.logistic_rows, n_features=20, n_informative=10, random_state=0)
    Xm, ym = make_classification(n_samples=args.logistic_rows, n_features=20, n_informative=10, n_classes=10, random_state=0)
    Xs, ys = make_classification(n_samples=args.search_rows, n_features=20, n_informative=10, random_state=1)
    cases = {}
    if not args.dask_ml:
        name = f"scikit-learn {sklearn.__version__} (numpy in memory, default BLAS threads; GridSearchCV n_jobs=-1)"
        cases["kmeans.fit"] = {"samples": timed(lambda: KMeans(3, n_init=1, random_state=0).fit(Xk), args.runs)}
        cases["logistic.binary.fit"] = {"samples": timed(lambda: LogisticRegression(tol=1e-4, max_iter=1000).fit(Xb, yb), args.runs)}
        cases["logistic.multi.fit"] = {"samples": timed(lambda: LogisticRegression(tol=1e-4, max_iter=1000).fit(Xm, ym), args.runs)}
        cases["search.fit"] = {"samples": timed(lambda: GridSearchCV(LogisticRegression(tol=1e-4, max_iter=1000), GRID, cv=3, n_jobs=-1).fit(Xs, ys), args.runs)}
        versions = {"scikit-learn": sklearn.__version__, "numpy": np.__version__}
    else:
        import dask
        import dask.array as da
        import dask_ml
        from dask_ml.cluster import KMeans as DKMeans
        from dask_ml.linear_model import LogisticRegression as DLogistic
        from dask_ml.model_selection import GridSearchCV as DGridSearchCV
        from distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
            dXk = da.from_array(Xk, chunks=(args.chunk, 2)).persist()
            dXb = da.from_array(Xb, chunks=(args.chunk, 20)).persist()
            dyb = da.from_array(yb, chunks=args.chunk).persist()
            cases["kmeans.fit"] = {"samples": timed(lambda: DKMeans(n_clusters=3, init_max_iter=2, oversampling_factor=10, random_state=0).fit(dXk), args.runs)}
            cases["logistic.binary.fit"] = {"samples": timed(lambda: DLogistic(solver="lbfgs", tol=1e-4, max_iter=1000).fit(dXb, dyb), args.runs)}
            cases["search.fit"] = {"samples": timed(lambda: DGridSearchCV(LogisticRegression(tol=1e-4, max_iter=1000), GRID, cv=3).fit(Xs, ys), args.runs)}
        name = f"dask-ml {dask_ml.__version__} on LocalCluster(processes=True, n_workers={args.workers}, threads_per_worker=1)"
        versions = {"dask-ml": dask_ml.__version__, "dask": dask.__version__}
    print(json.dumps({
        "baselineName": name,
        "versions": {**versions, "python": sys.version.split()[0]},
        "config": vars(args),
        "cases": cases,
    }))


if __name__ == "__main__":
    main()
