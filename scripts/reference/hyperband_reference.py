"""Dask-ML's Hyperband and successive-halving schedules, for shoal's tests.

The numbers are Dask-ML's `metadata` (computed before any fitting): models and
partial_fit calls per bracket and each bracket's decision points.

Run from the repository root (the venv comes from bench/setup.sh):

    bench/.venv/bin/python scripts/reference/hyperband_reference.py > ts/ml/testdata/hyperband.json
"""
import json
import warnings

import dask_ml
from dask_ml.model_selection import HyperbandSearchCV, SuccessiveHalvingSearchCV
from scipy.stats import loguniform
from sklearn.linear_model import SGDClassifier

warnings.filterwarnings("ignore")
params = {"alpha": loguniform(1e-5, 1)}


def meta(m):
    return {"n_models": int(m["n_models"]), "partial_fit_calls": int(m["partial_fit_calls"]),
            "brackets": sorted(({"bracket": int(b["bracket"]), "n_models": int(b["n_models"]),
                                 "partial_fit_calls": int(b["partial_fit_calls"]),
                                 "decisions": [int(d) for d in b["decisions"]]} for b in m.get("brackets", [m])),
                               key=lambda b: -b["bracket"])}


out = {"dask_ml_version": dask_ml.__version__, "hyperband": [], "successive_halving": []}
for R, eta in [(27, 3), (10, 3), (100, 4), (9, 2)]:
    out["hyperband"].append({"max_iter": R, "aggressiveness": eta,
                             **meta(HyperbandSearchCV(SGDClassifier(), params, max_iter=R, aggressiveness=eta).metadata)})
for n, r, R, eta in [(27, 1, 27, 3), (10, 2, 50, 3)]:
    m = SuccessiveHalvingSearchCV(SGDClassifier(), params, n_initial_parameters=n, n_initial_iter=r, max_iter=R, aggressiveness=eta).metadata
    out["successive_halving"].append({"n_initial_parameters": n, "n_initial_iter": r, "max_iter": R, "aggressiveness": eta,
                                      "n_models": int(m["n_models"]), "partial_fit_calls": int(m["partial_fit_calls"]),
                                      "decisions": [int(d) for d in m.get("decisions", [])]})
print(json.dumps(out, indent=1))
