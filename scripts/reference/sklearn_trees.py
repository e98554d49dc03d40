#!/usr/bin/env python3
"""scikit-learn's tree-based classifiers on the committed blobs fixture, for Intone's parity tests.

Reads Tests/Fixtures/learning/blobs.{train,test}{,_labels}.npy (made by sklearn_blobs.py) and writes
Tests/Fixtures/learning/sklearn_trees.json:

  - test accuracy of RandomForestClassifier, BaggingClassifier (over decision trees) and
    AdaBoostClassifier (SAMME, trees of max_depth) at fixed parameters, on StandardScaler features,
    averaged over random_state 0..9 (each is random; the Swift tests compare their own mean over
    seeds with this mean, within 3 points);
  - the structure of DecisionTreeClassifier(max_depth=1) and (max_depth=2) on the same data
    (feature and threshold of every internal node, depth-first, and test accuracy). With all
    features considered and no ties, the best split is deterministic, so Intone must choose the
    same splits exactly.

Run:  python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install numpy scikit-learn
      /tmp/skvenv/bin/python scripts/reference/sklearn_trees.py
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, RandomForestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "Tests" / "Fixtures" / "learning"


def load(name):
    return np.load(FIX / f"blobs.{name}.npy")


def main():
    xtr, ytr = load("train"), load("train_labels").astype(int)
    xte, yte = load("test"), load("test_labels").astype(int)
    scaler = StandardScaler().fit(xtr)
    xtr_s, xte_s = scaler.transform(xtr).astype(np.float32), scaler.transform(xte).astype(np.float32)

    settings = {
        "random_forest": lambda rs: RandomForestClassifier(n_estimators=100, random_state=rs),
        "random_forest_depth8_leaf4": lambda rs: RandomForestClassifier(n_estimators=100, max_depth=8, min_samples_leaf=4, random_state=rs),
        "bagging": lambda rs: BaggingClassifier(estimator=DecisionTreeClassifier(), n_estimators=25, max_samples=0.8, max_features=0.5, random_state=rs),
        "adaboost_depth2": lambda rs: AdaBoostClassifier(estimator=DecisionTreeClassifier(max_depth=2), n_estimators=100, learning_rate=0.5, random_state=rs),
        "adaboost_stumps": lambda rs: AdaBoostClassifier(n_estimators=200, learning_rate=1.0, random_state=rs),
    }
    out = {"versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__}, "accuracy": {}, "trees": {}}
    for name, make in settings.items():
        accs = [float((make(rs).fit(xtr_s, ytr).predict(xte_s) == yte).mean()) for rs in range(10)]
        out["accuracy"][name] = {"per_seed": accs, "mean": float(np.mean(accs))}
    for depth in (1, 2):
        t = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(xtr_s, ytr)
        internal = [i for i in range(t.tree_.node_count) if t.tree_.children_left[i] != -1]
        out["trees"][f"depth{depth}"] = {
            "feature": [int(t.tree_.feature[i]) for i in internal],
            "threshold": [float(t.tree_.threshold[i]) for i in internal],
            "accuracy": float((t.predict(xte_s) == yte).mean()),
        }
    (FIX / "sklearn_trees.json").write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
    print(json.dumps(out["accuracy"], indent=1), json.dumps(out["trees"], indent=1))


if __name__ == "__main__":
    main()
