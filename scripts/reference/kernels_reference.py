"""Reference values for shoal's Rust kernels, from NumPy and scikit-learn.

Run:  bench/.venv/bin/python scripts/reference/kernels_reference.py > scripts/reference/kernels_reference.json

Inputs are drawn here with NumPy's seeded generator and written into the JSON with the
results, so the TypeScript tests (ts/kernels/*.test.ts) feed the kernels exactly these
inputs and need no Python in CI.
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.linear_model import ElasticNet, LogisticRegression, PoissonRegressor, Ridge

rng = np.random.default_rng(20261123)


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


out = {
    "command": "bench/.venv/bin/python scripts/reference/kernels_reference.py > scripts/reference/kernels_reference.json",
    "numpy": np.__version__,
    "sklearn": sklearn.__version__,
}

# --- linear algebra --------------------------------------------------------
rows, cols = 40, 5
x = rng.normal(size=(rows, cols))
y = x @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + rng.normal(scale=0.1, size=rows)
spd = x.T @ x + 0.5 * np.eye(cols)
b = rng.normal(size=(cols, 2))
q, r = np.linalg.qr(x)
signs = np.sign(np.diag(r))
out["linalg"] = {
    "rows": rows, "cols": cols, "x": flat(x), "y": flat(y),
    "xtx": flat(x.T @ x), "xty": flat(x.T @ y), "colSums": flat(x.sum(axis=0)),
    "spd": flat(spd), "b": flat(b), "cholesky": flat(np.linalg.cholesky(spd)),
    "solve": flat(np.linalg.solve(spd, b)),
    "r": flat(signs[:, None] * r),
    "singularValues": flat(np.linalg.svd(x, compute_uv=False)),
    "lstsq": flat(np.linalg.lstsq(x, y, rcond=None)[0]),
}

# --- k-means -----------------------------------------------------------------
km_x = np.concatenate([rng.normal(loc=c, scale=0.5, size=(30, 2)) for c in ([0, 0], [5, 5], [0, 6])])
km_c = np.array([[1.0, 1.0], [4.0, 4.0], [-1.0, 5.0]])
one_step = KMeans(n_clusters=3, init=km_c, n_init=1, max_iter=1, algorithm="lloyd").fit(km_x)
d2 = ((km_x[:, None, :] - km_c[None, :, :]) ** 2).sum(axis=2)
labels = d2.argmin(axis=1)
out["kmeans"] = {
    "rows": len(km_x), "cols": 2, "k": 3, "x": flat(km_x), "centers": flat(km_c),
    "labels": [int(v) for v in labels],
    "inertia": float(d2.min(axis=1).sum()),
    "counts": [int((labels == j).sum()) for j in range(3)],
    # scikit-learn's centres after one Lloyd step from km_c: sums / counts.
    "centersAfterOneStep": flat(one_step.cluster_centers_),
    # KMeans.transform gives distances to its own (updated) centres.
    "transformAfterOneStep": flat(one_step.transform(km_x)),
}

# --- GLM -------------------------------------------------------------------
n, p = 200, 3
gx = rng.normal(size=(n, p))
eta = gx @ np.array([0.8, -0.5, 0.3]) + 0.2
w = rng.uniform(0.5, 2.0, size=n)
y_bin = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
y_pois = rng.poisson(np.exp(0.5 * eta)).astype(float)
y_norm = eta + rng.normal(scale=0.3, size=n)
eta3 = gx @ np.array([[1.0, -1.0, 0.0], [0.0, 0.5, -0.5], [-0.3, 0.2, 0.4]]).T
pr = np.exp(eta3) / np.exp(eta3).sum(axis=1, keepdims=True)
y_multi = np.array([rng.choice(3, p=row) for row in pr]).astype(float)

C = 2.0
logit = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(gx, y_bin, sample_weight=w)
multi = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(gx, y_multi)
pois = PoissonRegressor(alpha=0.1, tol=1e-12, max_iter=10000).fit(gx, y_pois)
ridge = Ridge(alpha=4.0).fit(gx, y_norm)
enet = ElasticNet(alpha=0.1, l1_ratio=0.7, tol=1e-14, max_iter=100000).fit(gx, y_norm)
out["glm"] = {
    "rows": n, "cols": p, "x": flat(gx), "weights": flat(w),
    "yBinary": flat(y_bin), "yPoisson": flat(y_pois), "yNormal": flat(y_norm), "yMulti": flat(y_multi),
    # LogisticRegression minimises C·Σw·loss + ½‖β‖²; shoal's mean form has alpha = 1/(C·Σw).
    "logistic": {"C": C, "alpha": 1 / (C * w.sum()), "coef": flat(logit.coef_), "intercept": float(logit.intercept_[0])},
    "multinomial": {"alpha": 1 / (C * n), "coef": flat(multi.coef_), "intercept": flat(multi.intercept_)},
    # PoissonRegressor minimises mean half deviance + alpha/2‖β‖²: the same alpha.
    "poisson": {"alpha": 0.1, "coef": flat(pois.coef_), "intercept": float(pois.intercept_)},
    # Ridge minimises ‖y − Xβ‖² + alpha‖β‖²: shoal's alpha = alpha/n.
    "ridge": {"alpha": 4.0 / n, "coef": flat(ridge.coef_), "intercept": float(ridge.intercept_)},
    "elasticNet": {"alpha": 0.1, "l1Ratio": 0.7, "coef": flat(enet.coef_), "intercept": float(enet.intercept_)},
}

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
