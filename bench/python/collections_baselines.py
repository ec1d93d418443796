"""Dask DataFrame and DuckDB baselines of bench/collections.ts: describe, a groupby-sum and corr
over the taxi Parquet files shoal's generator wrote (the same files shoal reads).

Engines (--engine):
  dask-processes  dask.dataframe on LocalCluster(processes=True, n_workers=W, threads_per_worker=1)
  dask-threads    dask.dataframe on the threaded scheduler (num_workers=W), no distributed cluster
  duckdb          DuckDB in this process, SET threads = W

Cases (each timed from the files: read_parquet is inside the timing; seconds per run):
  describe      count, mean, std, min, 25%, 50%, 75%, max of the numeric columns (--columns);
                Dask's approximate percentiles (its default method), DuckDB's approx_quantile
  groupby.sum   groupby(payment_type).agg({total_amount: sum, tip_amount: sum}), sorted by key
  corr          Pearson correlation of the numeric columns (pairwise-complete: rows where both
                values are present, as pandas; DuckDB's corr aggregate skips NULL pairs the same way)
With --exact-quantiles (duckdb) the answers also hold the exact quartiles of every column
(quantile_cont, outside the timing): the reference for every side's approximate ones.
Prints one JSON object (the bench/harness.ts BaselineResult shape plus an `answers` object with
the last run's results, NaN written as null) as its last stdout line.

Run from the repository root:
    bench/.venv/bin/python bench/python/collections_baselines.py --data bench/data/taxi-1000000 \
        --engine dask-processes --runs 3 --columns VendorID,trip_distance,...
"""

import argparse
import json
import logging
import math
import sys
import time
import warnings


def timed(fn, runs):
    fn()  # warm-up: imports, worker processes, file cache
    samples, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - start)
    return samples, out


def clean(x):
    """A float for JSON: NaN and infinities as null."""
    x = float(x)
    return x if math.isfinite(x) else None


STATS = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]


def dask_cases(args, columns):
    import dask
    import dask.dataframe as dd

    path = args.data
    key, values = args.key, args.values.split(",")

    def describe():
        df = dd.read_parquet(path)
        d = df[columns].describe().compute()
        return {c: {s: clean(d.loc[s, c]) for s in STATS} for c in columns}

    def groupby():
        df = dd.read_parquet(path)
        g = df.groupby(key).agg({v: "sum" for v in values}).compute().sort_index()
        return {str(int(k)): [clean(g.loc[k, v]) for v in values] for k in g.index}

    def corr():
        df = dd.read_parquet(path)
        m = df[columns].corr().compute()
        return {a: {b: clean(m.loc[a, b]) for b in columns} for a in columns}

    return {"describe": describe, "groupby.sum": groupby, "corr": corr}, {"dask": dask.__version__}, None


def duckdb_cases(args, columns):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {args.workers}")
    src = f"read_parquet('{args.data}/*.parquet')"
    key, values = args.key, args.values.split(",")

    def describe():
        exprs = []
        for c in columns:
            q = f'"{c}"::DOUBLE'
            exprs += [f"count({q})", f"avg({q})", f"stddev_samp({q})", f"min({q})",
                      f"approx_quantile({q}, [0.25, 0.5, 0.75])", f"max({q})"]
        row = con.execute(f"SELECT {', '.join(exprs)} FROM {src}").fetchone()
        out = {}
        for i, c in enumerate(columns):
            n, mean, std, lo, qs, hi = row[6 * i: 6 * i + 6]
            vals = [n, mean, std, lo, *(qs or [None] * 3), hi]
            out[c] = {s: (None if v is None else clean(v)) for s, v in zip(STATS, vals)}
        return out

    def groupby():
        sums = ", ".join(f'sum("{v}")' for v in values)
        rows = con.execute(f'SELECT "{key}", {sums} FROM {src} WHERE "{key}" IS NOT NULL GROUP BY 1 ORDER BY 1').fetchall()
        return {str(int(r[0])): [clean(x) for x in r[1:]] for r in rows}

    pairs = [(a, b) for i, a in enumerate(columns) for b in columns[i:]]

    def corr():
        exprs = ", ".join(f'corr("{a}"::DOUBLE, "{b}"::DOUBLE)' for a, b in pairs)
        row = con.execute(f"SELECT {exprs} FROM {src}").fetchone()
        m = {a: {} for a in columns}
        for (a, b), v in zip(pairs, row):
            v = None if v is None else clean(v)
            m[a][b] = v
            m[b][a] = v
        return m

    def exact_quantiles():
        """Exact quartiles (quantile_cont: linear interpolation, as NumPy/pandas), untimed: the
        reference every side's approximate quantiles are compared with."""
        exprs = [f'quantile_cont("{c}"::DOUBLE, [0.25, 0.5, 0.75])' for c in columns]
        row = con.execute(f"SELECT {', '.join(exprs)} FROM {src}").fetchone()
        return {c: dict(zip(["25%", "50%", "75%"], [clean(x) for x in (qs or [float("nan")] * 3)])) for c, qs in zip(columns, row)}

    cases = {"describe": describe, "groupby.sum": groupby, "corr": corr}
    return cases, {"duckdb": duckdb.__version__}, exact_quantiles


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="directory of *.parquet files")
    ap.add_argument("--engine", choices=["dask-processes", "dask-threads", "duckdb"], required=True)
    ap.add_argument("--columns", required=True, help="comma-separated numeric columns for describe and corr")
    ap.add_argument("--key", default="payment_type")
    ap.add_argument("--values", default="total_amount,tip_amount")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cases", default="describe,groupby.sum,corr")
    ap.add_argument("--exact-quantiles", action="store_true", help="duckdb: also report exact quartiles (untimed)")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    columns = args.columns.split(",")
    import pandas as pd
    import pyarrow as pa

    versions = {"pandas": pd.__version__, "pyarrow": pa.__version__, "python": sys.version.split()[0]}
    cluster = client = None
    if args.engine == "duckdb":
        cases, v, exact = duckdb_cases(args, columns)
        name = f"DuckDB {v['duckdb']} in-process, {args.workers} threads"
    else:
        import dask
        cases, v, exact = dask_cases(args, columns)
        if args.engine == "dask-processes":
            from distributed import Client, LocalCluster
            logging.getLogger("distributed").setLevel(logging.ERROR)
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            name = f"Dask DataFrame {v['dask']} on LocalCluster(processes=True, n_workers={args.workers}, threads_per_worker=1)"
        else:
            dask.config.set(scheduler="threads", num_workers=args.workers)
            name = f"Dask DataFrame {v['dask']} on the threaded scheduler (num_workers={args.workers})"
    versions.update(v)
    out_cases, answers = {}, {}
    try:
        for case in args.cases.split(","):
            samples, answer = timed(cases[case], args.runs)
            out_cases[case] = {"samples": samples}
            answers[case] = answer
        if exact is not None and args.exact_quantiles:
            answers["describe.exactQuantiles"] = exact()
    finally:
        if client is not None:
            client.close()
            cluster.close()
    print(json.dumps({"baselineName": name, "versions": versions, "cases": out_cases, "answers": answers}))


if __name__ == "__main__":
    main()
