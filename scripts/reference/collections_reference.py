"""Reference numbers for shoal's collections tests, computed with NumPy, pandas and pyarrow.

Writes, under ts/collections/testdata/:
  array_reference.json    an input array and NumPy's reductions / slices of it
  frame.parquet           a small taxi-shaped table written by pyarrow (3 row groups, nulls,
                          timestamps, strings), read back by the tests
  frame.csv               the same table as CSV (pandas to_csv)
  frame_reference.json    pandas' answers on that table: describe, groupby, corr, isnull().sum(),
                          get_dummies, datetime fields, a filter, and every value of the table

Run from the repository root (the venv needs numpy, pandas, pyarrow):

    python3 -m venv bench/.venv && bench/.venv/bin/pip install numpy pandas pyarrow
    bench/.venv/bin/python scripts/reference/collections_reference.py
"""
import json
import math
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "ts", "collections", "testdata")


def clean(x):
    """JSON-safe: NaN -> None, numpy scalars -> Python numbers."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.floating, float)):
        return None if math.isnan(float(x)) else float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def array_reference():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(103, 4))
    X[17, 2] = -20.0  # a clear argmin
    X[64, 1] = 40.0   # a clear argmax
    v = rng.uniform(-1, 1, size=57)
    ref = {"X": X.tolist(), "v": v.tolist(), "reductions": {}, "slices": {}}
    for name, f in [("sum", np.sum), ("mean", np.mean), ("min", np.min), ("max", np.max),
                    ("argmin", np.argmin), ("argmax", np.argmax)]:
        ref["reductions"][name] = {"all": f(X), "axis0": f(X, axis=0), "axis1": f(X, axis=1), "v": f(v)}
    for ddof in (0, 1):
        for name, f in [("var", np.var), ("std", np.std)]:
            ref["reductions"][f"{name}_ddof{ddof}"] = {
                "all": f(X, ddof=ddof), "axis0": f(X, axis=0, ddof=ddof), "axis1": f(X, axis=1, ddof=ddof), "v": f(v, ddof=ddof)}
    ref["slices"]["rows_5_90_7"] = X[5:90:7].tolist()
    ref["slices"]["rows_0_end_10"] = X[0::10].tolist()
    ref["slices"]["rows_neg"] = X[-30:-3].tolist()
    ref["slices"]["col2"] = X[:, 2].tolist()
    ref["elementwise"] = {
        "X_minus_colmean_over_colstd_sum": float(((X - X.mean(0)) / X.std(0)).sum()),
        "where_gt5_sum": float(np.where(X > 5, X, 0).sum()),
        "count_gt5": int((X > 5).sum()),
    }
    with open(os.path.join(OUT, "array_reference.json"), "w") as f:
        json.dump(clean(ref), f)


def frame():
    rng = np.random.default_rng(1)
    n = 500
    start = np.datetime64("2023-01-01T00:00:00", "us")
    pickup = start + (rng.integers(0, 31 * 24 * 3600, size=n) * 1_000_000).astype("timedelta64[us]")
    dist = np.round(np.exp(rng.normal(0.5, 0.8, size=n)), 2)
    dropoff = pickup + (np.round(120 + dist * 300 + rng.uniform(0, 300, n)) * 1_000_000).astype("timedelta64[us]")
    passengers = rng.choice([0, 1, 1, 1, 2, 3, 5], size=n).astype(float)
    passengers[rng.uniform(size=n) < 0.05] = np.nan
    payment = rng.choice([1, 1, 1, 2, 2, 3, 4], size=n).astype(np.int64)
    fare = np.round(3 + 2.5 * dist + rng.normal(0, 1, n), 2)
    tip = np.where(payment == 1, np.round(fare * 0.2 + rng.normal(0, 0.5, n).clip(0), 2), 0.0)
    flag = np.where(rng.uniform(size=n) < 0.1, "Y", "N").astype(object)
    flag[rng.uniform(size=n) < 0.04] = None
    df = pd.DataFrame({
        "VendorID": rng.choice([1, 2], size=n, p=[0.3, 0.7]).astype(np.int32),
        "tpep_pickup_datetime": pickup,
        "tpep_dropoff_datetime": dropoff,
        "passenger_count": passengers,
        "trip_distance": dist,
        "store_and_fwd_flag": flag,
        "payment_type": payment,
        "fare_amount": fare,
        "tip_amount": tip,
        "total_amount": np.round(fare + tip + 3.5, 2),
    })
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, os.path.join(OUT, "frame.parquet"), row_group_size=200)
    df.to_csv(os.path.join(OUT, "frame.csv"), index=False, date_format="%Y-%m-%d %H:%M:%S")

    meta = pq.ParquetFile(os.path.join(OUT, "frame.parquet")).metadata
    numeric = ["VendorID", "passenger_count", "trip_distance", "payment_type", "fare_amount", "tip_amount", "total_amount"]
    desc = df[numeric].describe()
    g = df.groupby("VendorID").agg({"trip_distance": "sum", "fare_amount": "mean", "tip_amount": ["min", "max", "count"]})
    g2 = df.groupby(["VendorID", "payment_type"]).agg({"total_amount": "sum", "passenger_count": "count"}).reset_index()
    corr = df[["passenger_count", "trip_distance", "fare_amount", "tip_amount", "total_amount"]].corr()
    dummies = pd.get_dummies(df[["VendorID", "payment_type", "trip_distance"]], columns=["payment_type"], prefix="pay", prefix_sep="=", dtype=np.uint8)
    filt = df[(df.trip_distance > 2) & (df.payment_type == 1)]
    ref = {
        "columns": list(df.columns),
        "values": {c: (df[c].astype("int64") // 1000).tolist() if c.startswith("tpep") else df[c].tolist() for c in df.columns},
        "row_groups": [meta.row_group(i).num_rows for i in range(meta.num_row_groups)],
        "describe": {c: {stat: desc.loc[stat, c] for stat in desc.index} for c in numeric},
        "groupby_vendor": {
            "VendorID": g.index.tolist(),
            "trip_distance": g[("trip_distance", "sum")].tolist(),
            "fare_amount": g[("fare_amount", "mean")].tolist(),
            "tip_amount_min": g[("tip_amount", "min")].tolist(),
            "tip_amount_max": g[("tip_amount", "max")].tolist(),
            "tip_amount_count": g[("tip_amount", "count")].tolist(),
        },
        "groupby_vendor_payment": {c: g2[c].tolist() for c in g2.columns},
        "corr": {"columns": list(corr.columns), "matrix": corr.values.tolist()},
        "isnull_sum": {c: int(v) for c, v in df.isnull().sum().items()},
        "dummies": {"columns": list(dummies.columns), "sums": {c: int(dummies[c].sum()) for c in dummies.columns if c.startswith("pay=")}},
        "dt": {
            "hour": df.tpep_pickup_datetime.dt.hour.tolist(),
            "dayofweek": df.tpep_pickup_datetime.dt.day_of_week.tolist(),
            "day": df.tpep_pickup_datetime.dt.day.tolist(),
        },
        "filter_dist_gt2_card": {"rows": len(filt), "fare_sum": float(filt.fare_amount.sum())},
        "dropna_rows": len(df.dropna()),
        "tip_per_mile_mean": float((df.tip_amount / df.trip_distance).mean()),
    }
    with open(os.path.join(OUT, "frame_reference.json"), "w") as f:
        json.dump(clean(ref), f)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    array_reference()
    frame()
    print("wrote", sorted(os.listdir(OUT)))
