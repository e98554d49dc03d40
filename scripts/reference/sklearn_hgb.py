#!/usr/bin/env python3
"""Reference numbers for Intone's HistGradientBoostingClassifier (Tests/IntoneLearningTests/HistGradientBoostingTests.swift).

Writes into Tests/Fixtures/learning/:
  hgb.train.npy, hgb.train_labels.npy   600 x 40 features, 600 labels (float32)
  hgb.test.npy,  hgb.test_labels.npy    300 x 40 features, 300 labels (float32)
      A deterministic dataset: 7 overlapping Gaussian classes in 40 dimensions whose class means
      differ on 12 informative features (a random 12 per class), with unit noise, plus a
      quadratic term so trees have something non-linear to find.
  hgb.train_bins.npy                    600 x 40: sklearn's bins of the training features (float32
      holding small integers), from _BinMapper(n_bins=256).fit_transform(X_train) -- what
      HistGradientBoostingClassifier(max_bins=255) bins on.
  hgb.default_proba.npy                 300 x 7: predict_proba(X_test) of the default classifier.
  sklearn_hgb_accuracy.json             versions; test accuracy of each parameter setting below;
      the root split (feature_idx, bin_threshold, num_threshold) of each class's tree after
      fit(max_iter=1, max_depth=1).

Run with scikit-learn 1.9.1 and numpy 2.4.6:
    python3 -m venv /tmp/hgbvenv && /tmp/hgbvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6
    /tmp/hgbvenv/bin/python scripts/reference/sklearn_hgb.py
No setting here uses randomness in scikit-learn (fewer than 2e5 samples, no early stopping under
early_stopping='auto' below 10 000 samples, max_features=1), so random_state does not matter.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "learning"

SETTINGS = [
    ("default", {}),
    ("lr0.05_depth3", {"learning_rate": 0.05, "max_depth": 3}),
    ("leaves15_l2_1", {"max_leaf_nodes": 15, "l2_regularization": 1.0}),
    ("min_leaf5", {"min_samples_leaf": 5}),
]


def make_data(rng, n_per_class, means, informative):
    xs, ys = [], []
    for c in range(means.shape[0]):
        x = rng.normal(size=(n_per_class, means.shape[1]))
        x += means[c]
        # A non-linear cue: class c also has a larger spread on its first informative feature.
        f = informative[c][0]
        x[:, f] += 0.8 * np.abs(rng.normal(size=n_per_class))
        xs.append(x)
        ys.append(np.full(n_per_class, c))
    x = np.concatenate(xs).astype(np.float32)
    y = np.concatenate(ys)
    order = rng.permutation(len(y))
    return x[order], y[order]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240611)
    classes, features = 7, 40
    informative = [rng.choice(features, size=12, replace=False) for _ in range(classes)]
    means = np.zeros((classes, features))
    for c in range(classes):
        means[c, informative[c]] = rng.normal(0.0, 0.45, size=12)
    x_train, y_train = make_data(rng, 600 // classes + 1, means, informative)
    x_test, y_test = make_data(rng, 300 // classes + 1, means, informative)
    x_train, y_train = x_train[:600], y_train[:600]
    x_test, y_test = x_test[:300], y_test[:300]

    np.save(OUT / "hgb.train.npy", x_train)
    np.save(OUT / "hgb.train_labels.npy", y_train.astype(np.float32))
    np.save(OUT / "hgb.test.npy", x_test)
    np.save(OUT / "hgb.test_labels.npy", y_test.astype(np.float32))

    bins = _BinMapper(n_bins=256).fit_transform(x_train)
    np.save(OUT / "hgb.train_bins.npy", np.ascontiguousarray(bins, dtype=np.float32))

    report = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "settings": [],
        "first_splits": [],
    }
    for name, params in SETTINGS:
        model = HistGradientBoostingClassifier(**params).fit(x_train, y_train)
        accuracy = float((model.predict(x_test) == y_test).mean())
        report["settings"].append({"name": name, "params": params, "accuracy": accuracy,
                                   "n_iter": int(model.n_iter_)})
        print(f"{name:16s} accuracy {accuracy:.4f}")
        if name == "default":
            np.save(OUT / "hgb.default_proba.npy", np.ascontiguousarray(model.predict_proba(x_test), dtype=np.float32))

    stump = HistGradientBoostingClassifier(max_iter=1, max_depth=1).fit(x_train, y_train)
    for k, predictor in enumerate(stump._predictors[0]):
        root = predictor.nodes[0]
        report["first_splits"].append({"class": k, "feature": int(root["feature_idx"]),
                                       "bin": int(root["bin_threshold"]),
                                       "threshold": float(root["num_threshold"])})
    (OUT / "sklearn_hgb_accuracy.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
