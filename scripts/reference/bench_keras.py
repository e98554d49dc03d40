#!/usr/bin/env python3
"""Keras/TensorFlow (CPU) training-speed reference for `intone train`, run by scripts/bench-train.

Rebuilds, layer for layer, the network an `intone train` run describes in RUN/model/model.json as a
Keras Sequential model, compiles it with the run's optimizer and learning rate (RUN/config.yaml) and
sparse categorical cross-entropy (+ accuracy, which Intone also computes), loads the store's train
and validation splits into memory the way Intone builds its inputs, and times

    model.fit(x, y, batch_size=B, epochs=N, validation_data=(xv, yv),
              validation_batch_size=max(B, 64), shuffle=True, verbose=0)

epoch by epoch with a callback (on_epoch_begin .. on_epoch_end, which in Keras 3 encloses the
training batches and the validation pass, as Intone's per-epoch seconds do). The first epoch
includes tf.function tracing of the train and test steps; it is reported apart and left out of
the mean. `validation_batch_size=max(B, 64)` mirrors Intone's evaluation batches.

Inputs, as Intone's SequenceData builds them: each clip's float32 (40, frames) MFCC matrix is
transposed to time-major (frames, 40), cut to network.frames, standardised per coefficient with
RUN/model/normalizer_mean.npy / normalizer_std.npy, zero-padded after standardisation; layout
"frames" gives (frames, 40), "flat" gives (frames*40, 1) in time-major order. Train: every
`train` row (augmented copies included); validation: `validation` rows with augmentation "none".

Threads: tf.config.threading intra_op = T, inter_op = 1; OMP_NUM_THREADS = T. (Keras feeds numpy
arrays through tf.data, whose own small pool is not covered by those settings; scripts/bench-train
pins both trainers to the same CPUs with taskset when T is below the core count.) oneDNN is left
at TensorFlow's default (on for x86 CPUs), i.e. stock TensorFlow speed. XLA: Keras' jit_compile
"auto" resolves to off on a CPU-only machine; the resolved value is printed.

Prints one line of JSON. Usage:
    bench_keras.py RUN STORE [--epochs N] [--threads T]
"""

import argparse
import csv
import json
import os
import pathlib
import re
import sys
import time

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("run", help="an `intone train` run folder (model/model.json, config.yaml, normalizer)")
ap.add_argument("store", help="the feature store the run was trained on (manifest.csv)")
ap.add_argument("--epochs", type=int, default=3)
ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
args = ap.parse_args()
if args.epochs < 2:
    sys.exit("bench_keras.py: --epochs must be at least 2 (the first epoch is reported apart)")

# Before TensorFlow is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["OMP_NUM_THREADS"] = str(args.threads)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

INTER_OP = 1
tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(INTER_OP)
tf.get_logger().setLevel("ERROR")

import keras  # noqa: E402
from keras import layers  # noqa: E402

CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
RUN = pathlib.Path(args.run)
STORE = pathlib.Path(args.store)
MODEL_DIR = RUN / "model"

spec = json.loads((MODEL_DIR / "model.json").read_text())
net = spec["network"]
config_text = (RUN / "config.yaml").read_text()


def top_level(key, default):
    """A top-level scalar of the run's YAML config (no PyYAML in the venv; the keys needed here
    are plain `key: value` lines at column 0). Defaults are ModelConfig's."""
    m = re.search(rf"^{re.escape(key)}:\s*([^#\n]*?)\s*(?:#.*)?$", config_text, re.M)
    return m.group(1).strip("'\"") if m else default


batch_size = int(top_level("batch_size", "32"))
optimizer_name = top_level("optimizer", "rmsprop").lower()
learning_rate = float(top_level("learning_rate", "0.001"))
momentum = float(top_level("momentum", "0.9"))
class_weights = top_level("class_weights", "false").lower() in ("true", "yes", "on")


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------

def activation(cfg):
    """Keras activation for a Conv1D/Dense config: a name, or the function with its parameter
    when model.json gives a non-default one (ELU alpha, leaky ReLU slope)."""
    name = cfg.get("activation")
    if name in (None, "linear"):
        return None
    if name == "elu":
        alpha = float(cfg.get("alpha", 1.0))
        return "elu" if alpha == 1.0 else (lambda x: keras.activations.elu(x, alpha=alpha))
    if name == "leaky_relu":
        slope = float(cfg.get("negative_slope", cfg.get("alpha", 0.2)))
        return lambda x: keras.activations.leaky_relu(x, negative_slope=slope)
    return name  # relu, softmax, ...


def keras_layer(entry):
    cls, cfg = entry["class_name"], entry.get("config", {})
    named = {"name": cfg["name"]} if "name" in cfg else {}
    if cls == "Conv1D":
        return layers.Conv1D(cfg["filters"], cfg["kernel_size"], strides=cfg.get("strides", 1),
                             padding=cfg.get("padding", "valid"), activation=activation(cfg), **named)
    if cls == "BatchNormalization":
        return layers.BatchNormalization(momentum=cfg.get("momentum", 0.99), epsilon=cfg.get("epsilon", 0.001), **named)
    if cls == "LeakyReLU":
        # Explicit: Keras 3's default slope is 0.2, Keras 2's alpha was 0.3.
        return layers.LeakyReLU(negative_slope=cfg.get("negative_slope", cfg.get("alpha", 0.3)), **named)
    if cls == "ELU":
        return layers.ELU(alpha=cfg.get("alpha", 1.0), **named)
    if cls == "ReLU":
        return layers.ReLU(**named)
    if cls == "MaxPooling1D":
        return layers.MaxPooling1D(pool_size=cfg["pool_size"], strides=cfg.get("strides"),
                                   padding=cfg.get("padding", "valid"), **named)
    if cls == "Dropout":
        return layers.Dropout(cfg["rate"], **named)
    if cls == "Flatten":
        return layers.Flatten(**named)
    if cls == "GlobalAveragePooling1D":
        return layers.GlobalAveragePooling1D(**named)
    if cls == "LSTM":
        return layers.LSTM(cfg["units"], return_sequences=cfg.get("return_sequences", False), **named)
    if cls == "Dense":
        return layers.Dense(cfg["units"], activation=activation(cfg), **named)
    if cls == "Softmax":
        return layers.Softmax(**named)
    sys.exit(f"bench_keras.py: model.json layer {cls} has no Keras mapping here")


keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input(shape=tuple(net["input_shape"]))] + [keras_layer(e) for e in net["layers"]],
                         name="intone_" + re.sub(r"\W", "_", top_level("name", "model")))
if optimizer_name == "rmsprop":
    optimizer = keras.optimizers.RMSprop(learning_rate=learning_rate)
elif optimizer_name == "adam":
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
elif optimizer_name == "sgd":
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
else:
    sys.exit(f"bench_keras.py: optimizer {optimizer_name!r} has no Keras mapping here")
model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

# Parameters: Intone's metrics.json counts trainable ones; its model folder holds every variable.
trainable = int(sum(np.prod(v.shape) for v in model.trainable_weights))
total = int(model.count_params())
metrics = json.loads((RUN / "metrics.json").read_text())
intone_trainable = int(metrics["parameters"])
intone_total = 0
shape_mismatches = []
keras_vars = {}
for layer in model.layers:
    for v in layer.weights:
        keras_vars[f"{layer.name}/{v.path.split('/')[-1]}"] = tuple(v.shape)
for key, file in spec.get("arrays", {}).items():
    a = np.load(MODEL_DIR / file, mmap_mode="r")
    intone_total += a.size
    if keras_vars.get(key) != tuple(a.shape):
        shape_mismatches.append(f"{key}: intone {tuple(a.shape)} keras {keras_vars.get(key)}")
for key in keras_vars.keys() - spec.get("arrays", {}).keys():
    shape_mismatches.append(f"{key}: keras {keras_vars[key]}, not in intone's model")

# ---------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------

frames = int(net["frames"])
mean = np.load(MODEL_DIR / spec["normalizer"]["mean"]).astype(np.float32)
std = np.load(MODEL_DIR / spec["normalizer"]["std"]).astype(np.float32)
coefficients = mean.shape[0]


def clip_input(path):
    m = np.load(STORE / path).astype(np.float32)  # (coefficients, clip frames)
    t = m.T[:frames, :coefficients]  # time-major, cut
    out = np.zeros((frames, coefficients), dtype=np.float32)  # zero padding after standardising
    out[: t.shape[0], : t.shape[1]] = (t - mean[: t.shape[1]]) / std[: t.shape[1]]
    return out


def split(name):
    xs, ys = [], []
    with open(STORE / "manifest.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] != name or (name != "train" and row["augmentation"] != "none"):
                continue
            xs.append(clip_input(row["features"]))
            ys.append(CLASSES.index(row["label"]))
    x = np.stack(xs)
    if net.get("input", "frames") == "flat":
        x = x.reshape(len(xs), frames * coefficients, 1)
    return x, np.asarray(ys, dtype=np.int32)


x, y = split("train")
xv, yv = split("validation")
assert x.shape[1:] == tuple(net["input_shape"]), (x.shape, net["input_shape"])

fit_kwargs = {}
if class_weights:
    counts = np.bincount(y, minlength=len(CLASSES))
    present = int((counts > 0).sum())
    fit_kwargs["class_weight"] = {k: (1.0 if c == 0 else len(y) / (present * c)) for k, c in enumerate(counts)}


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------

class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.began = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.began)


timer = EpochTimer()
began = time.perf_counter()
model.fit(x, y, batch_size=batch_size, epochs=args.epochs, validation_data=(xv, yv),
          validation_batch_size=max(batch_size, 64), shuffle=True, verbose=0, callbacks=[timer], **fit_kwargs)
fit_seconds = time.perf_counter() - began
later = timer.seconds[1:]

# Equivalence check after the timing: Intone's kept (best-validation-accuracy) weights loaded
# into this Keras model must give, on these validation inputs, the validation loss and accuracy
# Intone recorded for that epoch (history.csv) -- a check of the layers and the input pipeline,
# not only of the shapes.
forward_check = None
if not shape_mismatches:
    for layer in model.layers:
        for v in layer.weights:
            v.assign(np.load(MODEL_DIR / spec["arrays"][f"{layer.name}/{v.path.split('/')[-1]}"]))
    r = model.evaluate(xv, yv, batch_size=max(batch_size, 64), verbose=0, return_dict=True)
    with open(RUN / "history.csv", newline="") as f:
        best = next(h for h in csv.DictReader(f) if int(h["epoch"]) == int(metrics["best_epoch"]))
    forward_check = {"epoch": int(metrics["best_epoch"]),
                     "keras_val_loss": float(r["loss"]), "intone_val_loss": float(best["val_loss"]),
                     "keras_val_accuracy": float(r["accuracy"]), "intone_val_accuracy": float(best["val_accuracy"])}

print(json.dumps({
    "model": top_level("name", "?"),
    "seconds_per_epoch": sum(later) / len(later),  # epochs 2..N
    "seconds_first_epoch": timer.seconds[0],
    "seconds_each_epoch": timer.seconds,
    "fit_seconds": fit_seconds,
    "epochs": args.epochs,
    "train_examples": int(len(y)),
    "validation_examples": int(len(yv)),
    "batch_size": batch_size,
    "validation_batch_size": max(batch_size, 64),
    "optimizer": optimizer_name,
    "learning_rate": learning_rate,
    "parameters_trainable": trainable,
    "parameters_total": total,
    "intone_parameters_trainable": intone_trainable,
    "intone_parameters_total": intone_total,
    "parameters_match": trainable == intone_trainable and total == intone_total and not shape_mismatches,
    "shape_mismatches": shape_mismatches,
    "forward_check": forward_check,
    "intra_op_threads": args.threads,
    "inter_op_threads": INTER_OP,
    "jit_compile": bool(model.jit_compile),
    "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
    "tensorflow": tf.__version__,
    "keras": keras.__version__,
}))
