"""CSV files with RFC 4180 quoting for shoal's readCsv tests, and what pandas reads back from them.

Writes, under ts/collections/testdata/:
  quoted_csvmodule.csv   written by Python's csv module (QUOTE_MINIMAL, '\\r\\n' record ends): quoted fields
                         holding '\\n' and '\\r\\n', commas, doubled quotes, fields longer than the tests'
                         block sizes (so a whole block can fall inside one field), a quoted header name
  quoted_pandas.csv      written by pandas to_csv ('\\n' record ends): the same kind of text, a datetime and
                         a float column with missing values
  quoted_reference.json  for each file: the column names and every value as pandas.read_csv reads it
                         (missing -> null, datetimes as ms since the epoch)

Run from the repository root (the venv needs numpy, pandas):

    python3 -m venv bench/.venv && bench/.venv/bin/pip install numpy pandas pyarrow
    bench/.venv/bin/python scripts/reference/csv_quoting_reference.py
"""
import csv
import json
import math
import os

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "ts", "collections", "testdata")

PIECES = ["plain", "a,b", 'say "hi"', "line1\nline2", "crlf\r\ninside", '"', '""', "\n", "x\n\ny",
          "trailing\n", "\nleading", "ünïcödé ✓", ",", 'end"', "  spaced  "]


def text(rng, i):
    """A field: one of the awkward pieces, sometimes several joined, every 9th one long and multi-line."""
    if i % 9 == 4:
        return "\n".join(f'long "{k}" line, {"z" * int(rng.integers(5, 40))}' for k in range(int(rng.integers(4, 9))))
    k = int(rng.integers(1, 3))
    return "".join(PIECES[int(j)] for j in rng.integers(0, len(PIECES), size=k))


def clean(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, (np.floating,)):
        return None if math.isnan(float(x)) else float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def read_back(path, dtypes, dates=()):
    # empty fields are missing values; nothing else is (no 'NA' / 'null' guessing)
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], parse_dates=list(dates))
    values = {}
    for c in df.columns:
        s = df[c]
        if c in dates:
            values[c] = [None if pd.isna(v) else int(v.value // 1_000_000) for v in s]
        else:
            values[c] = [clean(v) for v in s.astype(object).where(s.notna(), None).tolist()]
    return {"columns": list(df.columns), "rows": len(df), "values": values}


def main():
    rng = np.random.default_rng(7)
    n = 60
    rows = []
    for i in range(n):
        rows.append([i, text(rng, i), round(float(rng.normal(0, 100)), 3), "" if i % 7 == 3 else text(rng, i + 1)])
    p1 = os.path.join(OUT, "quoted_csvmodule.csv")
    with open(p1, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)  # QUOTE_MINIMAL, lineterminator '\r\n'
        w.writerow(["id", "text", "value", "note, with comma"])
        w.writerows(rows)

    df = pd.DataFrame({
        "id": np.arange(n, dtype=np.int64),
        "when": pd.date_range("2024-02-28 22:00:00", periods=n, freq="37min"),
        "comment": [text(rng, i + 3) for i in range(n)],
        "x": [np.nan if i % 5 == 2 else round(float(rng.uniform(-1, 1)), 4) for i in range(n)],
    })
    p2 = os.path.join(OUT, "quoted_pandas.csv")
    df.to_csv(p2, index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")

    ref = {
        "quoted_csvmodule.csv": read_back(p1, {"id": "int64", "text": str, "value": "float64", "note, with comma": str}),
        "quoted_pandas.csv": read_back(p2, {"id": "int64", "comment": str, "x": "float64"}, dates=("when",)),
    }
    with open(os.path.join(OUT, "quoted_reference.json"), "w") as f:
        json.dump(ref, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
