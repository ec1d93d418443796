"""scikit-learn reference numbers for shoal's hyper-parameter searches
(ts/ml/model_selection/search.test.ts).

Run from the repository root (the venv comes from bench/setup.sh):

    bench/.venv/bin/python scripts/reference/search_reference.py > ts/ml/testdata/search.json

The data are generated here with a fixed seed and written into the JSON, so
the TypeScript tests search exactly the same rows. Every case runs
scikit-learn's GridSearchCV with unshuffled KFold / StratifiedKFold (whose
folds shoal reproduces exactly) and records the scores per split, the means,
ranks and the best candidate. Weighted cases pass `sample_weight` to `fit`:
scikit-learn cuts it by each split's rows for the fits and, since the scorers
take `sample_weight`, weights the split scores with the scored rows' weights
(its default without metadata routing); the refit gets every weight.
Multi-metric cases pass a list or a dict as `scoring` with `refit` naming a
metric (or False). Hyper-parameter names are written in shoal's
spelling (`fit_intercept` -> `fitIntercept`); estimators are solved to tight
tolerances so both sides sit at the optimum.
"""
import json

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression, PoissonRegressor
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

SHOAL_NAMES = {"C": "C", "fit_intercept": "fitIntercept"}

rng = np.random.RandomState(5)

# classification: 3 features, binary labels 0/1 and 3 classes, overlapping so scores differ by C
n_clf = 180
X_clf = rng.normal(0, 1, (n_clf, 3)) * [1.0, 1.5, 0.7] + [0.3, -0.5, 1.0]
eta = X_clf @ [1.1, -0.6, 0.9] - 0.2
y_bin = (rng.uniform(size=n_clf) < 1 / (1 + np.exp(-eta))).astype(int)
W = np.array([[0.9, -0.4, 0.5], [-0.5, 0.8, 0.0], [0.1, 0.2, -0.9]])
etam = X_clf @ W.T + [0.2, -0.1, 0.0]
pm = np.exp(etam - etam.max(axis=1, keepdims=True))
pm /= pm.sum(axis=1, keepdims=True)
y_multi = np.array([rng.choice(3, p=row) for row in pm])

# regression: 4 features with an offset, so fit_intercept matters
n_reg = 150
X_reg = rng.normal(0, 1, (n_reg, 4)) + [1.0, 0.0, -2.0, 0.5]
y_reg = X_reg @ [2.0, -1.0, 0.5, 0.0] + 3.0 + rng.normal(0, 1.0, n_reg)

# counts for Poisson regression; 200 rows and 5 folds: every training fold has 160 rows
n_pois = 200
X_pois = rng.normal(0, 1, (n_pois, 3))
y_pois = rng.poisson(np.exp(X_pois @ [0.4, -0.3, 0.2] + 0.3))


# sample weights, drawn after the data so the data stay as they were: small
# integers with zeros (a 0 drops a row from a fit) for classification, reals for regression
WEIGHTS = {
    "clf": rng.randint(0, 4, n_clf).astype(float),
    "reg": rng.uniform(0.2, 3.0, n_reg),
}


def logistic(**kw):
    # scikit-learn >= 1.8 spells the l2 penalty as l1_ratio=0
    return LogisticRegression(l1_ratio=0, solver="lbfgs", tol=1e-12, max_iter=1_000_000, **kw)


def to_shoal(params):
    return {SHOAL_NAMES[k]: (bool(v) if isinstance(v, (bool, np.bool_)) else float(v) if isinstance(v, (float, np.floating)) else v)
            for k, v in params.items()}


def grid_to_shoal(grid):
    grids = grid if isinstance(grid, list) else [grid]
    out = [{SHOAL_NAMES[k]: list(v) for k, v in g.items()} for g in grids]
    return out if isinstance(grid, list) else out[0]


def case(estimator, shoal_estimator, grid, X, y, data, cv, scoring=None, return_train_score=False, shoal_grid=None, rename=to_shoal,
         refit=True, sample_weight=None):
    fit_params = {} if sample_weight is None else {"sample_weight": WEIGHTS[sample_weight]}
    gs = GridSearchCV(estimator, grid, cv=cv, scoring=scoring, refit=refit,
                      return_train_score=return_train_score, error_score="raise").fit(X, y, **fit_params)
    r = gs.cv_results_
    n_splits = gs.n_splits_
    res = {"params": [rename(p) for p in r["params"]]}
    # every score column, in scikit-learn's order (per metric: test splits, mean, std, rank, then train)
    score_columns = [k for k in r if "_test_" in k or "_train_" in k]
    for k in score_columns:
        res[k] = r[k].tolist()
    multi = not (scoring is None or isinstance(scoring, str))
    has_best = refit is not False or not multi
    return {
        "estimator": shoal_estimator,
        "data": data,
        "grid": shoal_grid if shoal_grid is not None else grid_to_shoal(grid),
        "cv": cv if isinstance(cv, int) else {"kind": type(cv).__name__, "n_splits": cv.get_n_splits()},
        "scoring": scoring,
        "refit": refit,
        "sample_weight": sample_weight,
        "return_train_score": return_train_score,
        "n_splits": n_splits,
        "score_columns": score_columns,
        "cv_results": res,
        "best_index": int(gs.best_index_) if has_best else None,
        "best_params": rename(gs.best_params_) if has_best else None,
        "best_score": float(gs.best_score_) if has_best else None,
        # scikit-learn's score() without metadata routing: the refit metric, unweighted
        "refit_score_on_data": float(gs.score(X, y)) if refit is not False else None,
    }


Cs = [0.001, 0.01, 0.1, 1.0, 10.0]
cases = {
    # cv=5 with a classifier: StratifiedKFold; the estimator's own score (accuracy), with ties
    "logreg_binary_default": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", 5),
    "logreg_binary_neg_log_loss": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", 5,
                                       scoring="neg_log_loss", return_train_score=True),
    "logreg_binary_accuracy_skf4": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary",
                                        StratifiedKFold(4), scoring="accuracy"),
    # a list of grids: each expands in turn
    "logreg_binary_roc_auc_grids": case(logistic(), "LogisticRegression",
                                        [{"C": [0.01, 1.0]}, {"C": [0.1, 10.0], "fit_intercept": [False]}],
                                        X_clf, y_bin, "binary", 3, scoring="roc_auc"),
    "logreg_multi_neg_log_loss": case(logistic(), "LogisticRegression", {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]},
                                      X_clf, y_multi, "multi", 3, scoring="neg_log_loss"),
    # a regressor: KFold; R² by default
    "linreg_default": case(LinearRegression(), "LinearRegression", {"fit_intercept": [True, False]}, X_reg, y_reg, "reg", 5),
    "linreg_neg_mse_kfold4": case(LinearRegression(), "LinearRegression", {"fit_intercept": [True, False]}, X_reg, y_reg, "reg",
                                  KFold(4), scoring="neg_mean_squared_error", return_train_score=True),
    "linreg_neg_mae": case(LinearRegression(), "LinearRegression", {"fit_intercept": [False, True]}, X_reg, y_reg, "reg", 3,
                           scoring="neg_mean_absolute_error"),
}

# weighted searches: sample_weight split like X for the fits and weighting the split scores
cases.update({
    "weighted_logreg_default_kfold5": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", KFold(5),
                                           return_train_score=True, sample_weight="clf"),
    "weighted_logreg_neg_log_loss": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_multi, "multi", KFold(3),
                                         scoring="neg_log_loss", sample_weight="clf"),
    "weighted_logreg_roc_auc_skf4": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", StratifiedKFold(4),
                                         scoring="roc_auc", sample_weight="clf"),
    "weighted_logreg_accuracy": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", 5,
                                     scoring="accuracy", sample_weight="clf"),
    "weighted_linreg_default_kfold5": case(LinearRegression(), "LinearRegression", {"fit_intercept": [True, False]}, X_reg, y_reg, "reg",
                                           KFold(5), return_train_score=True, sample_weight="reg"),
    "weighted_linreg_neg_rmse": case(LinearRegression(), "LinearRegression", {"fit_intercept": [False, True]}, X_reg, y_reg, "reg",
                                     KFold(3), scoring="neg_root_mean_squared_error", sample_weight="reg"),
    # several metrics: a list or a dict, refit naming one (or False: no best_*)
    "multi_logreg_list_refit_log_loss": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", 5,
                                             scoring=["accuracy", "neg_log_loss"], refit="neg_log_loss", return_train_score=True),
    "multi_logreg_dict_refit_auc": case(logistic(), "LogisticRegression", {"C": Cs}, X_clf, y_bin, "binary", KFold(4),
                                        scoring={"auc": "roc_auc", "acc": "accuracy"}, refit="auc"),
    "multi_linreg_no_refit": case(LinearRegression(), "LinearRegression", {"fit_intercept": [True, False]}, X_reg, y_reg, "reg", 3,
                                  scoring=["r2", "neg_mean_absolute_error", "neg_mean_squared_error"], refit=False),
    "multi_weighted_logreg_multi": case(logistic(), "LogisticRegression", {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]},
                                        X_clf, y_multi, "multi", KFold(3), scoring=["neg_log_loss", "accuracy"], refit="accuracy",
                                        sample_weight="clf"),
})

# PoissonRegressor(alpha) minimises (1/2n)·deviance + (alpha/2)‖w‖²: shoal's C = 1/(alpha·n_train)
alphas = [1.0, 0.1, 0.01, 0.001]
n_train = n_pois * 4 // 5
pois = case(PoissonRegressor(tol=1e-12, max_iter=100_000), "PoissonRegression", {"alpha": alphas}, X_pois, y_pois, "pois", 5,
            shoal_grid={"C": [1 / (a * n_train) for a in alphas]}, rename=lambda p: {"C": 1 / (p["alpha"] * n_train)})
# the refit sees all n_pois rows, where alpha and C no longer correspond: no reference for it
pois["refit_score_on_data"] = None
cases["poisson_default"] = pois

out = {
    "sklearn_version": sklearn.__version__,
    "weights": {k: v.tolist() for k, v in WEIGHTS.items()},
    "data": {
        "binary": {"X": X_clf.tolist(), "y": y_bin.tolist()},
        "multi": {"X": X_clf.tolist(), "y": y_multi.tolist()},
        "reg": {"X": X_reg.tolist(), "y": y_reg.tolist()},
        "pois": {"X": X_pois.tolist(), "y": y_pois.tolist()},
    },
    "cases": cases,
}
print(json.dumps(out, indent=1))
