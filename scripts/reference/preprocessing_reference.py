"""scikit-learn (and dask-ml) reference numbers for shoal's preprocessing tests.

Run from the repository root (the venv comes from bench/setup.sh):

    bench/.venv/bin/python scripts/reference/preprocessing_reference.py > ts/ml/testdata/preprocessing.json

The inputs are generated here with a fixed seed and written into the JSON, so
the TypeScript tests run on exactly the same data. NaN never appears in the
output (JSON has no NaN): a missing value is written as null.
"""
import json

import numpy as np
import pandas as pd
import sklearn
from scipy import stats
from sklearn.preprocessing import (
    LabelEncoder,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
)

rng = np.random.RandomState(42)


def tolist(a):
    """An array (or None) as nested lists, None for missing values."""
    if a is None:
        return None
    a = np.asarray(a, dtype=object)
    return [tolist(x) for x in a] if a.ndim > 0 else plain(a.item())


def plain(v):
    if v is None:
        return None
    if isinstance(v, (float, np.floating)) and np.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.str_):
        return str(v)
    return v


# ---------------------------------------------------------------- RobustScaler
n = 60
X_robust = np.column_stack([
    rng.normal(1e6, 3.0, n),              # a large location: centring must keep the digits
    rng.uniform(-5, 5, n),
    rng.exponential(2.0, n),
    rng.randint(0, 5, n).astype(float),   # ties: order statistics repeat
    np.full(n, 7.0),                      # constant: IQR 0, scale 1
])
robust_cases = []
for name, X, params in [
    ("default", X_robust, {}),
    ("odd_rows", X_robust[:59], {}),
    ("range_10_90_unit_variance", X_robust, {"quantile_range": (10.0, 90.0), "unit_variance": True}),
    ("range_5.5_62.5", X_robust[:57], {"quantile_range": (5.5, 62.5)}),
    ("no_centering", X_robust, {"with_centering": False}),
    ("no_scaling", X_robust, {"with_scaling": False}),
]:
    s = RobustScaler(**params).fit(X)
    robust_cases.append({
        "name": name,
        "rows": len(X),
        "params": {
            "withCentering": params.get("with_centering", True),
            "withScaling": params.get("with_scaling", True),
            "quantileRange": list(params.get("quantile_range", (25.0, 75.0))),
            "unitVariance": params.get("unit_variance", False),
        },
        "center_": tolist(s.center_),
        "scale_": tolist(s.scale_),
        "transform": s.transform(X).tolist(),
    })

ppf_p = [1e-300, 1e-20, 1e-10, 0.001, 0.02425, 0.05, 0.075, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.925, 0.97575, 0.999, 1 - 1e-10]

# ---------------------------------------------------------------- PolynomialFeatures
X_poly = rng.normal(0, 2, (7, 3))
poly_cases = []
for params in [
    {"degree": 2},
    {"degree": 3},
    {"degree": 3, "interaction_only": True},
    {"degree": (2, 3), "include_bias": False},
    {"degree": (2, 3)},
    {"degree": 1, "include_bias": False},
    {"degree": 0},
    {"degree": 4, "interaction_only": True, "include_bias": False},
]:
    p = PolynomialFeatures(**params).fit(X_poly)
    named = PolynomialFeatures(**params).fit(pd.DataFrame(X_poly, columns=["a", "b", "c"]))
    deg = params["degree"]
    poly_cases.append({
        "params": {
            "degree": list(deg) if isinstance(deg, tuple) else deg,
            "interactionOnly": params.get("interaction_only", False),
            "includeBias": params.get("include_bias", True),
        },
        "powers_": p.powers_.tolist(),
        "n_output_features_": int(p.n_output_features_),
        "feature_names_out": p.get_feature_names_out().tolist(),
        "feature_names_out_abc": named.get_feature_names_out().tolist(),
        "transform": p.transform(X_poly).tolist(),
    })

# ---------------------------------------------------------------- OneHotEncoder / OrdinalEncoder
m = 20
cat_rows = [
    [str(rng.choice(["red", "green", "blue"])), int(rng.choice([1, 2, 3, 10])), str(rng.choice(["yes", "no"]))]
    for _ in range(m)
]
X_cat = np.array(cat_rows, dtype=object)
test_rows = [["purple", 2, "yes"], ["red", 11, "no"], ["blue", 10, "maybe"], ["green", 1, "no"]]
X_test = np.array(test_rows, dtype=object)
given = [["blue", "green", "red", "white"], [1, 2, 3, 10, 11], ["no", "yes"]]

onehot_cases = []
for name, params in [
    ("default", {}),
    ("drop_first", {"drop": "first"}),
    ("drop_if_binary", {"drop": "if_binary"}),
    ("drop_listed", {"drop": ["green", 10, "no"]}),
    ("given_ignore", {"categories": given, "handle_unknown": "ignore"}),
    ("auto_ignore_drop_first", {"handle_unknown": "ignore", "drop": "first"}),
]:
    e = OneHotEncoder(sparse_output=False, **params).fit(X_cat)
    case = {
        "name": name,
        "params": {
            "categories": params.get("categories", "auto"),
            "handleUnknown": params.get("handle_unknown", "error"),
            "drop": params.get("drop", None),
        },
        "categories_": [tolist(c) for c in e.categories_],
        "drop_idx_": None if e.drop_idx_ is None else tolist(e.drop_idx_),
        "feature_names_out": e.get_feature_names_out().tolist(),
        "feature_names_out_df": OneHotEncoder(sparse_output=False, **params)
        .fit(pd.DataFrame(cat_rows, columns=["color", "size", "ok"])).get_feature_names_out().tolist(),
        "transform": e.transform(X_cat).tolist(),
        "inverse_first5": tolist(e.inverse_transform(e.transform(X_cat[:5]))),
    }
    if params.get("handle_unknown") == "ignore":
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = e.transform(X_test)
        case["transform_test"] = t.tolist()
        case["inverse_test"] = tolist(e.inverse_transform(t))
    onehot_cases.append(case)

ordinal_cases = []
for name, params in [
    ("default", {}),
    ("given_unknown_minus1", {"categories": given, "handle_unknown": "use_encoded_value", "unknown_value": -1}),
    ("auto_unknown_99", {"handle_unknown": "use_encoded_value", "unknown_value": 99}),
]:
    e = OrdinalEncoder(**params).fit(X_cat)
    case = {
        "name": name,
        "params": {
            "categories": params.get("categories", "auto"),
            "handleUnknown": params.get("handle_unknown", "error"),
            "unknownValue": params.get("unknown_value", None),
        },
        "categories_": [tolist(c) for c in e.categories_],
        "transform": e.transform(X_cat).tolist(),
        "inverse_first5": tolist(e.inverse_transform(e.transform(X_cat[:5]))),
    }
    if params.get("handle_unknown") == "use_encoded_value":
        t = e.transform(X_test)
        case["transform_test"] = t.tolist()
        case["inverse_test"] = tolist(e.inverse_transform(t))
    ordinal_cases.append(case)

# ---------------------------------------------------------------- LabelEncoder
label_str = [str(v) for v in rng.choice(["paris", "tokyo", "amsterdam", "lima", "Oslo"], 15)]
label_num = [int(v) for v in rng.choice([3, 1, 2, 7, -4], 15)]
label = {}
for name, y in [("strings", label_str), ("numbers", label_num)]:
    e = LabelEncoder().fit(y)
    codes = e.transform(y)
    label[name] = {
        "y": y,
        "classes_": tolist(e.classes_),
        "transform": codes.tolist(),
        "inverse": tolist(e.inverse_transform(codes[::-1])),
    }

# ---------------------------------------------------------------- dask-ml Categorizer / DummyEncoder
from dask_ml.preprocessing import Categorizer, DummyEncoder  # noqa: E402

k = 12
frame = pd.DataFrame({
    "A": rng.randint(0, 100, k),
    "B": rng.choice(["b", "a", "c"], k),
    "C": np.round(rng.normal(0, 1, k), 3),
    "D": rng.choice(["x", "y"], k),
})
frame_records = {c: tolist(frame[c].to_numpy()) for c in frame.columns}
cz = Categorizer().fit(frame)
cz_b = Categorizer(columns=["B"]).fit(frame)
cz_given = Categorizer(categories={"B": pd.CategoricalDtype(["c", "a", "b", "z"])}).fit(frame)
categorized = cz.transform(frame)
dummy = {}
for drop_first in (False, True):
    d = DummyEncoder(drop_first=drop_first).fit(categorized)
    out = d.transform(categorized)
    dummy["drop_first" if drop_first else "default"] = {
        "transformed_columns_": list(d.transformed_columns_),
        "categorical_columns_": list(d.categorical_columns_),
        "non_categorical_columns_": list(d.non_categorical_columns_),
        "transform": {c: [plain(v) if not isinstance(v, (bool, np.bool_)) else int(v) for v in out[c].to_numpy()] for c in out.columns},
    }
categorizer = {
    "frame": frame_records,
    "default": {"columns_": list(cz.columns_), "categories_": {c: list(map(plain, t.categories)) for c, t in cz.categories_.items()},
                "codes": {c: categorized[c].cat.codes.tolist() for c in cz.columns_}},
    "columns_B": {"columns_": list(cz_b.columns_), "categories_": {c: list(map(plain, t.categories)) for c, t in cz_b.categories_.items()}},
    "given": {"columns_": list(cz_given.columns_), "categories_": {c: list(map(plain, t.categories)) for c, t in cz_given.categories_.items()},
              "codes": {"B": cz_given.transform(frame)["B"].cat.codes.tolist()}},
}

out = {
    "sklearn_version": sklearn.__version__,
    "robust": {"X": X_robust.tolist(), "cases": robust_cases},
    "norm_ppf": {"p": ppf_p, "value": [float(stats.norm.ppf(p)) for p in ppf_p]},
    "polynomial": {"X": X_poly.tolist(), "cases": poly_cases},
    "encoders": {
        "X": cat_rows,
        "columns": ["color", "size", "ok"],
        "X_test": test_rows,
        "onehot": onehot_cases,
        "ordinal": ordinal_cases,
    },
    "label": label,
    "categorizer": categorizer,
    "dummy": dummy,
}
print(json.dumps(out, allow_nan=False))
