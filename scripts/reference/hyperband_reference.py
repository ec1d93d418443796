"""Dask-ML's Hyperband and successive-halving schedules, for shoal's tests.

The numbers are Dask-ML's `metadata` (computed before any fitting): models and
partial_fit calls per bracket and each bracket's decision points.

`runs` are real Dask-ML fits, with and without `patience`/`tol`, of `Curve`,
a deterministic estimator whose score depends only on its hyper-parameters and
its number of partial_fit calls, so that shoal's searches (with the same
estimator, registered in the test) must take the same decisions: per model
the partial_fit calls and the scores at which it was scored (`history_`), per
bracket the models, calls and decision points (`metadata_`). Successive
halving runs search a grid of distinct `plateau` values (every point drawn
once), so each model is named by its parameters; Hyperband brackets draw
random heights, so those are compared as sorted lists of calls, which the
heights do not change (every model of a run has the same plateau).

dask-ml 2025.1.0 calls `dask.persist` inside its asynchronous fit, which a
newer distributed refuses (`_ensure_not_async`); the script lets the
asynchronous client through, which is what that check used to do.

Run from the repository root (the venv comes from bench/setup.sh):

    bench/.venv/bin/python scripts/reference/hyperband_reference.py > ts/ml/testdata/hyperband.json
"""
import json
import warnings

import dask.base
import dask_ml
import numpy as np
from distributed import Client
from sklearn.base import BaseEstimator
from scipy.stats import uniform
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


class Curve(BaseEstimator):
    """Score (1 + plateau/100)·min(calls, plateau)/plateau·height: rises for `plateau` calls, then flat."""

    def __init__(self, plateau=4, height=1.0):
        self.plateau = plateau
        self.height = height

    def fit(self, X, y=None):
        return self

    def partial_fit(self, X, y=None, **kwargs):
        self.calls_ = getattr(self, "calls_", 0) + 1
        return self

    def score(self, X, y=None):
        return (1 + self.plateau / 100) * min(self.calls_, self.plateau) / self.plateau * self.height


def run_record(search, by_params):
    m = search.metadata_
    hist = {}
    for h in search.history_:
        hist.setdefault(h["model_id"], []).append(h)
    brackets = []
    for b in sorted(m.get("brackets", [dict(m, bracket=0)]), key=lambda b: -b["bracket"]):
        ids = [k for k, v in hist.items() if v[0].get("bracket", 0) == b["bracket"]]
        brackets.append({"bracket": int(b["bracket"]), "n_models": len(ids),
                         "partial_fit_calls": sum(max(h["partial_fit_calls"] for h in hist[k]) for k in ids),
                         "decisions": sorted(int(d) for d in b["decisions"]) if "decisions" in b else None,
                         "calls": sorted(max(h["partial_fit_calls"] for h in hist[k]) for k in ids),
                         "record_calls": sorted(int(h["partial_fit_calls"]) for k in ids for h in hist[k])})
    rec = {"n_models": int(m["n_models"]), "partial_fit_calls": int(m["partial_fit_calls"]), "brackets": brackets,
           "history_keys": sorted(search.history_[0].keys())}
    if by_params:
        rec["models"] = sorted(({"plateau": int(v[0]["params"]["plateau"]), "partial_fit_calls": int(v[-1]["partial_fit_calls"]),
                                 "history": [[int(h["partial_fit_calls"]), float(h["score"])] for h in v]} for v in hist.values()),
                               key=lambda r: r["plateau"])
    return rec


def tol_json(tol):
    return None if tol is None else tol


dask.base._ensure_not_async = lambda client: client
out["runs"] = []
if __name__ == "__main__":
    client = Client(processes=False, n_workers=1, threads_per_worker=1)
    X, y = np.zeros((200, 2)), np.zeros(200)
    for R, eta, patience, tol, plateau in [(27, 3, True, 1e-3, 4), (27, 3, False, 1e-3, 4), (27, 3, 12, None, 4),
                                           (81, 3, True, 1e-3, 30), (10, 3, True, 0.01, 2)]:
        search = HyperbandSearchCV(Curve(plateau=plateau), {"height": uniform(0.5, 1)}, max_iter=R, aggressiveness=eta,
                                   patience=patience, tol=tol, random_state=0).fit(X, y)
        out["runs"].append({"kind": "hyperband", "max_iter": R, "aggressiveness": eta, "patience": patience, "tol": tol_json(tol),
                            "plateau": plateau, **run_record(search, False)})
    plateaus = [1, 2, 3, 5, 8, 13, 21, 34, 55]
    for n, r, R, eta, patience, tol, grid in [(9, 1, 27, 3, 3, 1e-3, plateaus), (9, 1, 27, 3, False, 1e-3, plateaus),
                                              (10, 2, 50, 3, 4, 0.05, plateaus + [6]), (9, 3, 40, 2, 5, None, plateaus)]:
        search = SuccessiveHalvingSearchCV(Curve(), {"plateau": grid}, n_initial_parameters=n, n_initial_iter=r, max_iter=R,
                                           aggressiveness=eta, patience=patience, tol=tol, random_state=0).fit(X, y)
        out["runs"].append({"kind": "successive_halving", "n_initial_parameters": n, "n_initial_iter": r, "max_iter": R,
                            "aggressiveness": eta, "patience": patience, "tol": tol_json(tol), "plateaus": grid,
                            **run_record(search, True)})
    client.close()
    print(json.dumps(out, indent=1))
