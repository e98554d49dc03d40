#!/usr/bin/env python3
"""Reference accuracies of scikit-learn's SGDClassifier and MLPClassifier on a small fixed dataset.

Writes into Tests/Fixtures/learning/ (relative to the repository root):

  blobs.train.npy, blobs.test.npy                 float32, 600 x 40 each
  blobs.train_labels.npy, blobs.test_labels.npy   float32 class indices 0..6
  sklearn_accuracy.json                           test accuracies, see below

The dataset: 7 overlapping Gaussian blobs whose centres live in a 10-dimensional latent space, mixed
linearly into 40 features, plus isotropic noise, then every feature is given its own scale (0.1 to 10)
and offset, so that standardising matters. Classes are balanced. Everything comes from one seeded
numpy Generator, so the arrays are identical on every run.

Every model is fitted on StandardScaler-transformed features (scaler measured on the training set).
Single-seed accuracies of SGD with a small alpha move by several points from one `random_state` to
another, so besides `random_state=0` the JSON records the accuracy for random_state 0..9 and their
mean; the Swift tests compare the mean over their own seeds with that mean.

Run with a Python that has numpy and scikit-learn, e.g.
    python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install numpy scikit-learn
    /tmp/skvenv/bin/python scripts/reference/sklearn_blobs.py
The versions used are written into the JSON (the committed file: numpy 2.4.6, scikit-learn 1.9.1).
"""
from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "learning"
SEED = 20261125
N_TRAIN, N_TEST, N_FEATURES, N_CLASSES, N_LATENT = 600, 600, 40, 7, 10
RANDOM_STATES = list(range(10))


def make_blobs(rng: np.random.Generator):
    centres = rng.normal(0.0, 1.0, (N_CLASSES, N_LATENT))
    mix = rng.normal(0.0, 1.0, (N_LATENT, N_FEATURES)) / np.sqrt(N_LATENT)
    scales = np.exp(rng.uniform(np.log(0.1), np.log(10.0), N_FEATURES))
    offsets = rng.normal(0.0, 5.0, N_FEATURES)

    def draw(n: int):
        y = np.arange(n) % N_CLASSES
        rng.shuffle(y)
        z = centres[y] + rng.normal(0.0, 1.0, (n, N_LATENT))
        x = z @ mix + 0.5 * rng.normal(0.0, 1.0, (n, N_FEATURES))
        return (x * scales + offsets).astype(np.float32), y.astype(np.float32)

    x_train, y_train = draw(N_TRAIN)
    x_test, y_test = draw(N_TEST)
    return x_train, y_train, x_test, y_test


def accuracies(make_model, a_train, y_train, a_test, y_test):
    accs, times = [], []
    for rs in RANDOM_STATES:
        start = time.perf_counter()
        model = make_model(rs).fit(a_train, y_train)
        times.append(time.perf_counter() - start)
        accs.append(float(model.score(a_test, y_test)))
    return {
        "accuracy_random_state_0": accs[0],
        "accuracies": accs,
        "mean_accuracy": float(np.mean(accs)),
        "mean_fit_seconds": float(np.mean(times)),
    }


def main() -> None:
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    OUT.mkdir(parents=True, exist_ok=True)
    x_train, y_train, x_test, y_test = make_blobs(np.random.default_rng(SEED))
    np.save(OUT / "blobs.train.npy", x_train)
    np.save(OUT / "blobs.train_labels.npy", y_train)
    np.save(OUT / "blobs.test.npy", x_test)
    np.save(OUT / "blobs.test_labels.npy", y_test)

    scaler = StandardScaler().fit(x_train)
    a_train, a_test = scaler.transform(x_train), scaler.transform(x_test)
    labels_train, labels_test = y_train.astype(int), y_test.astype(int)

    sgd = []
    for loss in ["hinge", "log_loss", "modified_huber"]:
        for penalty in ["l2", "elasticnet"]:
            for alpha in [1e-4, 1e-2]:
                result = accuracies(
                    lambda rs: SGDClassifier(loss=loss, penalty=penalty, alpha=alpha, random_state=rs),
                    a_train, labels_train, a_test, labels_test)
                sgd.append({"loss": loss, "penalty": penalty, "alpha": alpha, **result})
                print(f"SGD {loss:15s} {penalty:10s} alpha={alpha:g}: "
                      f"rs0 {result['accuracy_random_state_0']:.3f}, mean {result['mean_accuracy']:.3f}")

    mlp = {"hidden_layer_sizes": [64], "alpha": 1e-4, "solver": "adam", "max_iter": 200,
           **accuracies(lambda rs: MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-4, solver="adam",
                                                 max_iter=200, random_state=rs),
                        a_train, labels_train, a_test, labels_test)}
    print(f"MLP (64,): rs0 {mlp['accuracy_random_state_0']:.3f}, mean {mlp['mean_accuracy']:.3f}")

    report = {
        "numpy_version": np.__version__,
        "sklearn_version": sklearn.__version__,
        "dataset": {"seed": SEED, "train": N_TRAIN, "test": N_TEST, "features": N_FEATURES,
                    "classes": N_CLASSES, "scaling": "StandardScaler fitted on train"},
        "random_states": RANDOM_STATES,
        "sgd": sgd,
        "mlp": mlp,
    }
    (OUT / "sklearn_accuracy.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
