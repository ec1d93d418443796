"""scikit-learn reference numbers for shoal's ml tests.

Run from the repository root (the venv comes from bench/setup.sh):

    bench/.venv/bin/python scripts/reference/ml_reference.py > ts/ml/testdata/sklearn.json

The inputs are generated here with a fixed seed and written into the JSON, so
the TypeScript tests run on exactly the same data.
"""
import json

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import MinMaxScaler, StandardScaler

rng = np.random.RandomState(0)
# columns of very different location and scale: a naive sum-of-squares variance loses digits here
X = np.column_stack([
    rng.normal(1e6, 3.0, 50),
    rng.uniform(-5, 5, 50),
    rng.exponential(2.0, 50),
])
std = StandardScaler().fit(X)
mm = MinMaxScaler(feature_range=(-1, 2)).fit(X)

y_true = rng.normal(0, 1, 40)
y_pred = y_true + rng.normal(0, 0.3, 40)
labels_true = rng.randint(0, 3, 40)
labels_pred = np.where(rng.uniform(size=40) < 0.7, labels_true, rng.randint(0, 3, 40))
bin_true = rng.randint(0, 2, 60)
# scores with ties, so the AUC's tie handling is exercised
bin_score = np.round(np.clip(bin_true * 0.3 + rng.uniform(0, 0.8, 60), 0, 1), 1)
proba3 = rng.dirichlet([1, 1, 1], 40)

strat_y = np.array([0] * 7 + [1] * 5 + [2] * 3)

out = {
    "sklearn_version": sklearn.__version__,
    "X": X.tolist(),
    "standard_scaler": {
        "mean_": std.mean_.tolist(),
        "var_": std.var_.tolist(),
        "scale_": std.scale_.tolist(),
        "transform_first3": std.transform(X[:3]).tolist(),
    },
    "minmax_scaler": {
        "feature_range": [-1, 2],
        "data_min_": mm.data_min_.tolist(),
        "data_max_": mm.data_max_.tolist(),
        "scale_": mm.scale_.tolist(),
        "min_": mm.min_.tolist(),
        "transform_first3": mm.transform(X[:3]).tolist(),
    },
    "regression": {
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "r2": metrics.r2_score(y_true, y_pred),
        "mse": metrics.mean_squared_error(y_true, y_pred),
        "mae": metrics.mean_absolute_error(y_true, y_pred),
    },
    "classification": {
        "labels_true": labels_true.tolist(),
        "labels_pred": labels_pred.tolist(),
        "accuracy": metrics.accuracy_score(labels_true, labels_pred),
        "confusion_matrix": metrics.confusion_matrix(labels_true, labels_pred).tolist(),
        "proba3": proba3.tolist(),
        "log_loss3": metrics.log_loss(labels_true, proba3, labels=[0, 1, 2]),
        "bin_true": bin_true.tolist(),
        "bin_score": bin_score.tolist(),
        "roc_auc": metrics.roc_auc_score(bin_true, bin_score),
        "log_loss_binary": metrics.log_loss(bin_true, np.clip(bin_score, 0.05, 0.95)),
    },
    "splits": {
        "kfold_10_3": [[tr.tolist(), te.tolist()] for tr, te in KFold(3).split(np.zeros(10))],
        "kfold_11_4": [[tr.tolist(), te.tolist()] for tr, te in KFold(4).split(np.zeros(11))],
        "strat_y": strat_y.tolist(),
        "stratified_3": [[tr.tolist(), te.tolist()] for tr, te in StratifiedKFold(3).split(np.zeros(15), strat_y)],
    },
}
# linear regression: its own seed, so the data above stays as it was
rng1 = np.random.RandomState(1)
Xl = rng1.normal(0, 1, (300, 4)) * [1.0, 10.0, 0.1, 3.0] + [5.0, -2.0, 0.0, 100.0]
yl = Xl @ [1.5, -0.2, 30.0, 0.05] + 3.0 + rng1.normal(0, 0.5, 300)
lr = LinearRegression().fit(Xl, yl)
lr0 = LinearRegression(fit_intercept=False).fit(Xl, yl)
# collinear: column 2 = column 0 + column 1, so XᵀX is singular; scikit-learn gives the minimum-norm solution
Xc = Xl[:, :3].copy()
Xc[:, 2] = Xc[:, 0] + Xc[:, 1]
lrc = LinearRegression().fit(Xc, yl)
out["linear_regression"] = {
    "X": Xl.tolist(), "y": yl.tolist(),
    "coef_": lr.coef_.tolist(), "intercept_": lr.intercept_, "score": lr.score(Xl, yl),
    "coef_no_intercept": lr0.coef_.tolist(),
    "collinear_coef_": lrc.coef_.tolist(), "collinear_intercept_": lrc.intercept_, "collinear_rank_": int(lrc.rank_),
}
# k-means on blobs: Lloyd from given initial centres, and the best of 10 k-means++ runs
Xb, _ = make_blobs(n_samples=3000, n_features=4, centers=5, cluster_std=1.5, random_state=2)
init = Xb[[0, 1, 2, 3, 4]]
km = KMeans(n_clusters=5, init=init, n_init=1, max_iter=300, tol=1e-4, algorithm="lloyd").fit(Xb)
kmpp = KMeans(n_clusters=5, init="k-means++", n_init=10, random_state=0).fit(Xb)
out["kmeans"] = {
    "X": Xb.tolist(), "init": init.tolist(),
    "cluster_centers_": km.cluster_centers_.tolist(), "inertia_": km.inertia_, "n_iter_": int(km.n_iter_),
    "labels_": km.labels_.tolist(),
    "best_of_10_kmeanspp_inertia_": kmpp.inertia_,
}

# generalised linear models: logistic (binary, multinomial) and Poisson, solved to tight
# tolerances so both sides sit at the optimum. scikit-learn >= 1.8 spells the penalty
# through l1_ratio (0 = l2, 1 = l1) and C = inf for none.
from sklearn.linear_model import LogisticRegression, PoissonRegressor


def logistic(X, y, C, l1_ratio, fit_intercept=True):
    solver = "lbfgs" if l1_ratio == 0 else "saga"
    m = LogisticRegression(C=C, l1_ratio=l1_ratio, fit_intercept=fit_intercept, solver=solver,
                           tol=1e-12 if solver == "lbfgs" else 1e-10, max_iter=1_000_000).fit(X, y)
    return {"C": C if np.isfinite(C) else "inf", "l1_ratio": l1_ratio, "fit_intercept": fit_intercept,
            "coef_": m.coef_.tolist(), "intercept_": np.atleast_1d(m.intercept_).tolist(),
            "classes_": m.classes_.tolist(), "score": m.score(X, y),
            "proba_first5": m.predict_proba(X[:5]).tolist()}


rng2 = np.random.RandomState(2)
Xg = rng2.normal(0, 1, (400, 4)) * [1.0, 2.0, 0.5, 1.0] + [0.5, -1.0, 0.0, 2.0]
eta = Xg @ [1.2, -0.7, 2.0, 0.3] - 0.4
yb = np.where(rng2.uniform(size=400) < 1 / (1 + np.exp(-eta)), 7, 3)  # labels 3 and 7, not 0/1
Wm = np.array([[1.0, -0.5, 0.8, 0.0], [-0.6, 0.9, 0.0, 0.4], [0.2, 0.1, -1.1, -0.3]])
etam = Xg @ Wm.T + [0.3, -0.2, 0.0]
pm = np.exp(etam - etam.max(axis=1, keepdims=True))
pm /= pm.sum(axis=1, keepdims=True)
ym = np.array([rng2.choice(3, p=row) for row in pm])
yc = rng2.poisson(np.exp(Xg @ [0.3, -0.1, 0.4, 0.05] - 0.2))
alpha = 0.01
pois = PoissonRegressor(alpha=alpha, tol=1e-12, max_iter=100_000).fit(Xg, yc)
out["glm"] = {
    "X": Xg.tolist(), "y_binary": yb.tolist(), "y_multi": ym.tolist(), "y_counts": yc.tolist(),
    "binary_l2": logistic(Xg, yb, 0.5, 0),
    "binary_l2_no_intercept": logistic(Xg, yb, 2.0, 0, fit_intercept=False),
    "binary_none": logistic(Xg, yb, np.inf, 0),
    "binary_l1": logistic(Xg, yb, 0.05, 1),
    "binary_elasticnet": logistic(Xg, yb, 0.1, 0.5),
    "multi_l2": logistic(Xg, ym, 1.0, 0),
    "multi_l1": logistic(Xg, ym, 0.1, 1),
    # PoissonRegressor(alpha) minimises (1/2n)·deviance + (alpha/2)‖w‖²: C = 1/(alpha·n) in shoal's terms
    "poisson": {"alpha": alpha, "C": 1 / (alpha * len(yc)), "coef_": pois.coef_.tolist(),
                "intercept_": float(pois.intercept_), "score": pois.score(Xg, yc),
                "predict_first5": pois.predict(Xg[:5]).tolist()},
}

# Gaussian naive Bayes: one fit, and partial_fit over four 100-row batches (the Incremental wrapper's path)
from sklearn.naive_bayes import GaussianNB

gnb = GaussianNB().fit(Xg, ym)
gnb_inc = GaussianNB()
for start in range(0, 400, 100):
    gnb_inc.partial_fit(Xg[start:start + 100], ym[start:start + 100], classes=[0, 1, 2])
out["gaussian_nb"] = {
    "theta_": gnb.theta_.tolist(), "var_": gnb.var_.tolist(), "class_prior_": gnb.class_prior_.tolist(),
    "epsilon_": gnb.epsilon_, "proba_first5": gnb.predict_proba(Xg[:5]).tolist(), "score": gnb.score(Xg, ym),
    "partial_theta_": gnb_inc.theta_.tolist(), "partial_var_": gnb_inc.var_.tolist(), "partial_epsilon_": gnb_inc.epsilon_,
}

# plain SGD, unshuffled so the sample order is the data's: scikit-learn's _plain_sgd step for step
from sklearn.linear_model import SGDClassifier, SGDRegressor


def sgd_case(est, X, y, partial=None):
    if partial is None:
        est.fit(X, y)
    else:
        for start in range(0, len(y), 100):
            est.partial_fit(X[start:start + 100], y[start:start + 100], **partial)
    return {"coef_": np.atleast_2d(est.coef_).tolist(), "intercept_": np.atleast_1d(est.intercept_).tolist(),
            "n_iter_": int(est.n_iter_), "t_": float(est.t_)}


def sgd_case_w(est, X, y, w, partial=False, classes=None):
    if partial:
        extra = {} if classes is None else {"classes": classes}
        for start in range(0, len(y), 100):
            est.partial_fit(X[start:start + 100], y[start:start + 100], sample_weight=w[start:start + 100], **extra)
    else:
        est.fit(X, y, sample_weight=w)
    return {"coef_": np.atleast_2d(est.coef_).tolist(), "intercept_": np.atleast_1d(est.intercept_).tolist(),
            "n_iter_": int(est.n_iter_), "t_": float(est.t_)}


yr = Xg @ [1.5, -0.2, 0.8, 0.05] + 0.7 + rng2.normal(0, 0.3, 400)
out["sgd"] = {
    "y_reg": yr.tolist(),
    "hinge_binary": sgd_case(SGDClassifier(shuffle=False), Xg, yb),
    "log_multi_elasticnet": sgd_case(SGDClassifier(loss="log_loss", penalty="elasticnet", l1_ratio=0.3, alpha=1e-3, shuffle=False), Xg, ym),
    "modified_huber_l1": sgd_case(SGDClassifier(loss="modified_huber", penalty="l1", alpha=1e-3, shuffle=False), Xg, yb),
    "hinge_partial": sgd_case(SGDClassifier(shuffle=False), Xg, ym, partial={"classes": [0, 1, 2]}),
    "squared_error": sgd_case(SGDRegressor(shuffle=False), Xg, yr),
    "huber_constant": sgd_case(SGDRegressor(loss="huber", learning_rate="constant", eta0=0.005, shuffle=False), Xg, yr),
    "regressor_partial": sgd_case(SGDRegressor(shuffle=False), Xg, yr, partial={}),
}

# sample and class weights (issue 5): the GLM data above, weights from their own seed. Integer weights
# (zeros included) must equal repeating each row that many times; checked here on scikit-learn's side too.
rng3 = np.random.RandomState(3)
w_int = rng3.randint(0, 4, 400)
w_real = rng3.uniform(0.1, 3.0, 400)
w_lin = rng3.uniform(0.1, 3.0, 300)
rep = np.repeat(np.arange(400), w_int)


def weighted_logistic(y, C, l1_ratio, sample_weight=None, class_weight=None):
    solver = "lbfgs" if l1_ratio == 0 else "saga"
    m = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, class_weight=class_weight,
                           tol=1e-12 if solver == "lbfgs" else 1e-10, max_iter=1_000_000).fit(Xg, y, sample_weight=sample_weight)
    case = {"C": C, "l1_ratio": l1_ratio, "fit_intercept": True,
            "class_weight": class_weight, "sample_weight": None if sample_weight is None else ("int" if sample_weight is w_int else "real"),
            "coef_": m.coef_.tolist(), "intercept_": np.atleast_1d(m.intercept_).tolist(),
            "classes_": m.classes_.tolist(), "score": m.score(Xg, y, sample_weight=sample_weight)}
    if sample_weight is w_int and class_weight is None:
        r = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-12 if solver == "lbfgs" else 1e-10,
                               max_iter=1_000_000).fit(Xg[rep], y[rep])
        assert np.allclose(r.coef_, m.coef_, rtol=1e-5, atol=1e-7), "integer weights = repeated rows"
    return case


lrw = LinearRegression().fit(Xl, yl, sample_weight=w_lin)
lrw0 = LinearRegression(fit_intercept=False).fit(Xl, yl, sample_weight=w_lin)
w_lin_int = w_int[:300]
lrwi = LinearRegression().fit(Xl, yl, sample_weight=w_lin_int)
lr_rep = LinearRegression().fit(np.repeat(Xl, w_lin_int, axis=0), np.repeat(yl, w_lin_int))
assert np.allclose(lrwi.coef_, lr_rep.coef_)
poisw = PoissonRegressor(alpha=alpha, tol=1e-12, max_iter=100_000).fit(Xg, yc, sample_weight=w_real)
out["weighted"] = {
    "w_int": w_int.tolist(), "w_real": w_real.tolist(), "w_lin": w_lin.tolist(),
    "linear_real": {"coef_": lrw.coef_.tolist(), "intercept_": lrw.intercept_, "score": lrw.score(Xl, yl, sample_weight=w_lin),
                    "coef_no_intercept": lrw0.coef_.tolist()},
    "linear_int": {"coef_": lrwi.coef_.tolist(), "intercept_": lrwi.intercept_},
    "binary_l2_int": weighted_logistic(yb, 0.5, 0, sample_weight=w_int),
    "binary_l2_real": weighted_logistic(yb, 0.5, 0, sample_weight=w_real),
    "binary_l1_real": weighted_logistic(yb, 0.05, 1, sample_weight=w_real),
    "multi_l2_int": weighted_logistic(ym, 1.0, 0, sample_weight=w_int),
    "multi_l2_real": weighted_logistic(ym, 1.0, 0, sample_weight=w_real),
    "binary_balanced": weighted_logistic(yb, 0.5, 0, class_weight="balanced"),
    "binary_dict_real": weighted_logistic(yb, 0.5, 0, sample_weight=w_real, class_weight={3: 2.0, 7: 0.5}),
    "multi_balanced_real": weighted_logistic(ym, 1.0, 0, sample_weight=w_real, class_weight="balanced"),
    "multi_dict": weighted_logistic(ym, 1.0, 0, class_weight={0: 1.0, 1: 3.0}),
    # PoissonRegressor averages the deviance over Σw: C = 1/(alpha·Σw) in shoal's terms
    "poisson_real": {"alpha": alpha, "C": 1 / (alpha * w_real.sum()), "coef_": poisw.coef_.tolist(),
                     "intercept_": float(poisw.intercept_), "score": poisw.score(Xg, yc, sample_weight=w_real)},
    "sgd_hinge_dict_real": sgd_case_w(SGDClassifier(shuffle=False, class_weight={3: 2.0}), Xg, yb, w_real),
    "sgd_log_multi_balanced": sgd_case_w(SGDClassifier(loss="log_loss", alpha=1e-3, shuffle=False, class_weight="balanced"), Xg, ym, None),
    "sgd_hinge_multi_dict_int": sgd_case_w(SGDClassifier(shuffle=False, class_weight={1: 3.0}), Xg, ym, w_int),
    "sgd_regressor_real": sgd_case_w(SGDRegressor(shuffle=False), Xg, yr, w_real),
    "sgd_regressor_partial_real": sgd_case_w(SGDRegressor(shuffle=False), Xg, yr, w_real, partial=True),
    # Incremental's path for a classifier: partial_fit per 100-row batch with that batch's weights
    "sgd_classifier_partial_int": sgd_case_w(SGDClassifier(shuffle=False), Xg, ym, w_int, partial=True, classes=[0, 1, 2]),
    "metrics": {
        "r2": metrics.r2_score(y_true, y_pred, sample_weight=w_real[:40]),
        "mse": metrics.mean_squared_error(y_true, y_pred, sample_weight=w_real[:40]),
        "mae": metrics.mean_absolute_error(y_true, y_pred, sample_weight=w_real[:40]),
        "accuracy": metrics.accuracy_score(labels_true, labels_pred, sample_weight=w_real[:40]),
        "log_loss3": metrics.log_loss(labels_true, proba3, labels=[0, 1, 2], sample_weight=w_real[:40]),
    },
}
print(json.dumps(out, indent=1))
