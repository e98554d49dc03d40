#!/usr/bin/env python3
"""scikit-learn's side of scripts/bench-sweep: the same sweep spec, store and folds as `intone sweep`,
run with GridSearchCV, each estimator's grid timed.

    bench_sweep_sklearn.py --spec SPEC --store STORE --folds RUN/folds.csv [--jobs 2]

Reads the feature store (STORE/manifest.csv and the 40 x frames float32 MFCC matrices it names),
summarises every matrix as the spec's `features` says (per-coefficient mean over frames; mean_std
appends the population standard deviation), keeps the development rows listed in folds.csv (the
store's train and validation rows, in the sweep's order; matched by path and augmentation) and
cross-validates each estimator's grid with

    GridSearchCV(Pipeline([StandardScaler(), estimator]), param_grid, cv=PredefinedSplit(folds),
                 scoring='balanced_accuracy', n_jobs=JOBS, refit=False, error_score='raise')

(with augmented rows, which fit but are never scored, the same folds as explicit index pairs).
Every estimator gets random_state=<the spec's seed>.

Prints one JSON object to stdout:
    {"sklearn": "1.9.1", "numpy": ..., "jobs": 2, "rows": ..., "features": ..., "estimators": {
        NAME: {"configs": C, "wall_seconds": W, "total_fit_seconds": F, "best_score": S,
               "best_params": {...}, "parameters": [{...}, ...]}, ...}}
where total_fit_seconds is the sum over cv_results_ of mean_fit_time x n_splits (fit time of every
fold of every configuration), best_score the best mean cross-validated balanced accuracy (UAR), and
parameters every configuration evaluated, in the spec's parameter names.
Progress goes to stderr.
"""
import argparse
import csv
import json
import os
import re
import sys
import time
import warnings

# Before joblib starts its workers, which inherit the environment: MLP and SGD configurations that
# stop at max_iter warn (ConvergenceWarning) on every fold.
os.environ.setdefault("PYTHONWARNINGS", "ignore")
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import yaml  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    AdaBoostClassifier,
    BaggingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.model_selection import GridSearchCV, PredefinedSplit  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

STEP = "clf"
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def make_estimator(name, seed):
    """The scikit-learn class behind each spec name, seeded."""
    if name == "random_forest":
        return RandomForestClassifier(random_state=seed)
    if name == "sgd":
        return SGDClassifier(random_state=seed)
    if name == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(random_state=seed)
    if name == "bagging":
        return BaggingClassifier(estimator=DecisionTreeClassifier(), random_state=seed)
    if name == "adaboost":
        # Intone's adaboost default max_depth is 1, scikit-learn's default base estimator's too.
        return AdaBoostClassifier(estimator=DecisionTreeClassifier(max_depth=1), random_state=seed)
    if name == "mlp":
        return MLPClassifier(random_state=seed)
    if name == "decision_tree":
        return DecisionTreeClassifier(random_state=seed)
    raise SystemExit(f"bench_sweep_sklearn: unknown estimator {name!r}")


def scalar(v):
    # YAML 1.1 (PyYAML) reads 1e-5 as a string; the sweep (YAML 1.2) reads it as a number.
    if isinstance(v, str) and NUMBER.match(v):
        return float(v) if any(c in v for c in ".eE") else int(v)
    return v


def value(v):
    if isinstance(v, list):
        return tuple(value(x) for x in v)
    return scalar(v)


def param_grid(name, grid):
    """The spec's grid of one estimator as GridSearchCV's param_grid (pipeline-step names)."""
    out = {}
    for param, values in (grid or {}).items():
        if isinstance(values, list) and (param != "hidden_layer_sizes" or any(isinstance(v, list) for v in values)):
            axis = [value(v) for v in values]
        else:
            axis = [value(values)]  # a fixed value (for hidden_layer_sizes, one flat list is one tuple)
        key = f"{STEP}__estimator__max_depth" if name == "adaboost" and param == "max_depth" else f"{STEP}__{param}"
        out[key] = axis
    return out


def spec_parameters(params):
    """A param_grid point back in the spec's names (tuples as lists)."""
    out = {}
    for key, v in params.items():
        key = key.split("__", 1)[1]
        out["max_depth" if key == "estimator__max_depth" else key] = list(v) if isinstance(v, tuple) else v
    return out


def grid_size(grid):
    n = 1
    for axis in grid.values():
        n *= len(axis)
    return n


def load(store, folds_csv, features):
    rows = {}
    with open(os.path.join(store, "manifest.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["path"], r["augmentation"])] = r
    X, y, fold, augmented = [], [], [], []
    with open(folds_csv, newline="") as f:
        for r in csv.DictReader(f):
            m = rows.get((r["path"], r["augmentation"]))
            if m is None:
                raise SystemExit(f"bench_sweep_sklearn: {r['path']} ({r['augmentation']}) of {folds_csv} is not in {store}")
            mfcc = np.load(os.path.join(store, m["features"]))  # 40 x frames, float32
            mean = mfcc.mean(axis=1, dtype=np.float64)
            v = np.concatenate([mean, mfcc.std(axis=1, dtype=np.float64)]) if features == "mean_std" else mean
            X.append(v.astype(np.float32))
            y.append(m["label"])
            fold.append(int(r["fold"]))
            augmented.append(r["augmentation"] != "none")
    return np.array(X, dtype=np.float64), np.array(y), np.array(fold), np.array(augmented)


def splits(fold, augmented):
    if not augmented.any():
        return PredefinedSplit(test_fold=fold)
    # Augmented rows are fitted on, never scored: what PredefinedSplit cannot say.
    return [(np.flatnonzero(fold != k), np.flatnonzero((fold == k) & ~augmented)) for k in np.unique(fold)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--folds", required=True, help="RUN/folds.csv written by intone sweep")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    if spec.get("search", "grid") != "grid":
        raise SystemExit("bench_sweep_sklearn: only search: grid is supported")
    if spec.get("scoring", "uar") != "uar":
        raise SystemExit("bench_sweep_sklearn: only scoring: uar is supported")
    seed = int(spec.get("seed", 0))
    features = spec.get("features", "mean")
    X, y, fold, augmented = load(args.store, args.folds, features)
    cv = splits(fold, augmented)
    n_splits = len(np.unique(fold))
    print(f"bench_sweep_sklearn: {len(y)} rows x {X.shape[1]} features, {n_splits} folds, "
          f"{int(augmented.sum())} augmented", file=sys.stderr)

    results = {}
    for name, grid in spec["estimators"].items():
        pg = param_grid(name, grid)
        pipe = Pipeline([("scale", StandardScaler()), (STEP, make_estimator(name, seed))])
        search = GridSearchCV(pipe, pg, cv=cv, scoring="balanced_accuracy", n_jobs=args.jobs, refit=False,
                              error_score="raise")
        started = time.perf_counter()
        search.fit(X, y)
        wall = time.perf_counter() - started
        cvr = search.cv_results_
        splits_done = sum(1 for k in cvr if re.fullmatch(r"split\d+_test_score", k))
        best = int(np.argmax(cvr["mean_test_score"]))
        results[name] = {
            "configs": len(cvr["params"]),
            "wall_seconds": wall,
            "total_fit_seconds": float(np.sum(cvr["mean_fit_time"]) * splits_done),
            "best_score": float(cvr["mean_test_score"][best]),
            "best_params": spec_parameters(cvr["params"][best]),
            "parameters": [spec_parameters(p) for p in cvr["params"]],
        }
        assert results[name]["configs"] == grid_size(pg)
        print(f"bench_sweep_sklearn: {name}: {len(cvr['params'])} configurations in {wall:.1f} s, "
              f"best UAR {cvr['mean_test_score'][best]:.4f}", file=sys.stderr)

    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "jobs": args.jobs, "rows": int(len(y)),
               "features": int(X.shape[1]), "folds": n_splits, "estimators": results}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
