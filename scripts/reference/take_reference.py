"""Reference values for shoal's integer (fancy) indexing of Arrays, `X.take(indices)`, computed with NumPy.

Writes ts/collections/testdata/take_reference.json: for each dtype (float64, float32, int32, uint8, bool) a
103 x 4 array A and its column 1 as a 1-D array a, and for each index list NumPy's A[idx] and a[idx]
(any order, repeats, negative positions, a permutation, runs across chunk boundaries, an empty list).

Run from the repository root (the venv needs numpy):

    python3 -m venv bench/.venv && bench/.venv/bin/pip install numpy pandas pyarrow
    bench/.venv/bin/python scripts/reference/take_reference.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "ts", "collections", "testdata")


def main():
    rng = np.random.default_rng(11)
    n = 103
    base = {
        "float64": rng.normal(0, 10, size=(n, 4)),
        "float32": rng.normal(0, 10, size=(n, 4)).astype(np.float32),
        "int32": rng.integers(-(2**31), 2**31 - 1, size=(n, 4), dtype=np.int32),
        "uint8": rng.integers(0, 256, size=(n, 4), dtype=np.uint8),
        "bool": rng.integers(0, 2, size=(n, 4)).astype(bool),
    }
    indices = {
        "pick": [3, 0, 7],
        "repeats_negative": [-1, 5, 5, 0, -103, 50, 5, 102, -50, 16, 17],
        "permutation": rng.permutation(n).tolist(),
        "runs": list(range(10, 30)) + list(range(38, 44)) + list(range(95, 103)) + list(range(0, 3)),
        "empty": [],
    }
    ref = {"indices": indices, "arrays": {}}
    for dtype, A in base.items():
        a = A[:, 1]
        entry = {"A": A.astype(float).tolist(), "take2d": {}, "take1d": {}}
        for name, idx in indices.items():
            idx = np.asarray(idx, dtype=np.int64)
            entry["take2d"][name] = A[idx].astype(float).tolist()
            entry["take1d"][name] = a[idx].astype(float).tolist()
        ref["arrays"][dtype] = entry
    with open(os.path.join(OUT, "take_reference.json"), "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main()
