#!/usr/bin/env python3
"""Reference numbers from real Keras 3 (TensorFlow CPU backend) for the Swift Keras-layer parity tests.

Run through scripts/make-keras-parity, which creates .venv-keras with the pinned packages.

For each model below, writes to <out>/<model>/ (default out: Tests/Fixtures/keras-parity):

  <layer>__<var>.npy              every variable (trainable and not) before any step, Keras shape
  input.npy                       the fixed input batch, float32 [batch, time, channels]
  labels.npy                      int32 class index per row
  labels_onehot.npy               float32 one-hot of labels.npy
  probs_inference.npy             model(x, training=False)
  probs_training.npy              model(x, training=True) (batch norm on batch statistics)
  grad__<layer>__<var>.npy        d loss / d var, loss = categorical cross-entropy in training mode,
                                  Keras default reduction (sum over batch / batch size)
  gradw__<layer>__<var>.npy       the same with class weights given as Keras sample weights
  grad__input.npy, gradw__input.npy   d loss / d input
  after_train_step__<bn>__moving_mean.npy / __moving_variance.npy
                                  batch-norm moving statistics after one training-mode forward pass
  step1__<opt>__<layer>__<var>.npy, step3__<opt>__<layer>__<var>.npy
                                  every variable after 1 and after 3 optimizer steps on the same batch
                                  from the initial weights (unweighted gradients recomputed each step,
                                  training mode, so the moving statistics move on every step too);
                                  <opt> is rmsprop, adam or sgd
  manifest.json                   layers and their configs, variables and shapes, loss values,
                                  versions, optimizer configs, the Keras source lines behind each
                                  formula (checked against the installed files on every run), and a
                                  self-check of those formulas by an independent float64 numpy
                                  implementation plus a cross-check against Model.train_on_batch.

Usage: keras_parity.py [OUT_DIR]
"""

import os

# Before TensorFlow is imported: plain Eigen kernels (no oneDNN graph rewrites), quiet logs.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"

import json
import pathlib
import shutil
import sys

import numpy as np
import tensorflow as tf

tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

tf.get_logger().setLevel("ERROR")  # no tf.function retracing chatter from the train_on_batch cross-check

import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.trainers.data_adapters import data_adapter_utils  # noqa: E402

SEED = 1234
NUM_CLASSES = 7
CLASS_WEIGHTS = [1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.75]
OPTIMIZERS = {
    "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate=0.01),
    "adam": lambda: keras.optimizers.Adam(learning_rate=0.01),
    "sgd": lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
}
STEPS_RECORDED = (1, 3)

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "Tests" / "Fixtures" / "keras-parity"

keras.utils.set_random_seed(SEED)
keras.config.set_floatx("float32")


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

class Seeds:
    """Distinct fixed seeds for the Keras initialisers of one model."""

    def __init__(self, base):
        self.next = base

    def __call__(self):
        self.next += 1
        return self.next

    def glorot(self):
        return keras.initializers.GlorotUniform(seed=self())

    def orthogonal(self):
        return keras.initializers.Orthogonal(seed=self())


def conv_lstm():
    s = Seeds(100)
    inp = keras.Input(shape=(20, 6), name="input")
    h = layers.Conv1D(8, kernel_size=5, padding="same", name="conv1", kernel_initializer=s.glorot())(inp)
    h = layers.BatchNormalization(name="bn1")(h)
    h = layers.ELU(name="elu1")(h)
    h = layers.MaxPooling1D(pool_size=2, name="pool1")(h)
    h = layers.Conv1D(8, 3, padding="valid", strides=1, name="conv2", kernel_initializer=s.glorot())(h)
    h = layers.LeakyReLU(name="lrelu1")(h)
    h = layers.LSTM(6, return_sequences=True, name="lstm1",
                    kernel_initializer=s.glorot(), recurrent_initializer=s.orthogonal())(h)
    h = layers.LSTM(5, name="lstm2", kernel_initializer=s.glorot(), recurrent_initializer=s.orthogonal())(h)
    out = layers.Dense(7, activation="softmax", name="dense1", kernel_initializer=s.glorot())(h)
    return keras.Model(inp, out, name="conv_lstm"), [0, 3, 5, 1]


def conv_dense():
    s = Seeds(200)
    inp = keras.Input(shape=(30, 3), name="input")
    h = layers.Conv1D(4, 5, padding="same", strides=2, name="conv1", kernel_initializer=s.glorot())(inp)
    h = layers.ReLU(name="relu1")(h)
    h = layers.MaxPooling1D(5, padding="valid", name="pool1")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(8, activation="elu", name="dense1", kernel_initializer=s.glorot())(h)
    out = layers.Dense(7, activation="softmax", name="dense2", kernel_initializer=s.glorot())(h)
    return keras.Model(inp, out, name="conv_dense"), [2, 6, 1, 5]


def original_cnn():
    s = Seeds(300)
    inp = keras.Input(shape=(200, 1), name="input")
    h = layers.Conv1D(4, 5, padding="same", name="conv1", kernel_initializer=s.glorot())(inp)
    h = layers.BatchNormalization(name="bn1")(h)
    h = layers.LeakyReLU(name="lrelu1")(h)
    h = layers.MaxPooling1D(5, name="pool1")(h)
    h = layers.Conv1D(8, 5, padding="same", name="conv2", kernel_initializer=s.glorot())(h)
    h = layers.BatchNormalization(name="bn2")(h)
    h = layers.LeakyReLU(name="lrelu2")(h)
    h = layers.MaxPooling1D(5, name="pool2")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(16, activation="elu", name="dense1", kernel_initializer=s.glorot())(h)
    out = layers.Dense(7, activation="softmax", name="dense2", kernel_initializer=s.glorot())(h)
    return keras.Model(inp, out, name="original_cnn"), [5, 0, 4, 2]


MODELS = {"conv_lstm": conv_lstm, "conv_dense": conv_dense, "original_cnn": original_cnn}


def randomise_non_kernel_state(model, rng):
    """Biases and batch-norm parameters/statistics get seeded random non-default values, so a
    reimplementation that ignores or misplaces any of them fails. Kernels keep the seeded Keras
    initialisers (Glorot uniform, orthogonal for LSTM recurrent kernels)."""
    for layer in model.layers:
        for v in layer.weights:
            shape = tuple(v.shape)
            if v.name == "bias":
                value = rng.uniform(-0.2, 0.2, size=shape)
                if isinstance(layer, layers.LSTM):
                    units = shape[0] // 4
                    value[units:2 * units] += 1.0  # keep Keras's unit_forget_bias structure
            elif v.name == "gamma":
                value = rng.uniform(0.5, 1.5, size=shape)
            elif v.name == "beta":
                value = rng.uniform(-0.5, 0.5, size=shape)
            elif v.name == "moving_mean":
                value = rng.normal(0.0, 0.3, size=shape)
            elif v.name == "moving_variance":
                value = rng.uniform(0.5, 2.0, size=shape)
            else:
                continue
            v.assign(value.astype(np.float32))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def variables(model):
    """(key, layer, variable) for every variable, in layer order; key = <layer>__<var>."""
    out = []
    for layer in model.layers:
        for v in layer.weights:
            out.append((f"{layer.name}__{v.name}", layer, v))
    keys = [k for k, _, _ in out]
    assert len(set(keys)) == len(keys), keys
    return out


def snapshot(model):
    return {k: np.array(v.numpy(), dtype=np.float32) for k, _, v in variables(model)}


def restore(model, values):
    for k, _, v in variables(model):
        v.assign(values[k])


def trainable_keys(model):
    by_id = {id(v): k for k, _, v in variables(model)}
    return [by_id[id(v)] for v in model.trainable_variables]


def save(directory, name, array, dtype=np.float32):
    a = np.ascontiguousarray(np.asarray(array, dtype=dtype))
    assert a.dtype.byteorder in ("<", "=") and sys.byteorder == "little"
    np.save(directory / f"{name}.npy", a, allow_pickle=False)


LOSS_FN = keras.losses.CategoricalCrossentropy()  # reduction="sum_over_batch_size"


def loss_and_grads(model, x, y_onehot, sample_weight=None):
    """Training-mode loss as model.fit computes it (the model's softmax output goes to the loss
    directly, so Keras takes its cached logits), and gradients w.r.t. the trainable variables and
    the input."""
    xt = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        probs = model(xt, training=True)
        loss = LOSS_FN(y_onehot, probs, sample_weight=sample_weight)
    grads = tape.gradient(loss, model.trainable_variables + [xt])
    return float(loss.numpy()), probs, [g.numpy() for g in grads[:-1]], grads[-1].numpy()


def layer_config(layer):
    config = layer.get_config()
    keep = ["filters", "kernel_size", "strides", "padding", "units", "return_sequences", "activation",
            "recurrent_activation", "use_bias", "unit_forget_bias", "pool_size", "negative_slope", "alpha",
            "epsilon", "momentum", "axis", "center", "scale", "data_format", "dilation_rate", "max_value",
            "threshold"]
    out = {"name": layer.name, "class_name": layer.__class__.__name__}
    for key in keep:
        if key in config:
            value = config[key]
            out[key] = list(value) if isinstance(value, tuple) else value
    out["output_shape"] = list(layer.output.shape[1:]) if hasattr(layer, "output") else None
    return out


# ---------------------------------------------------------------------------------------------
# Independent float64 numpy implementation, used only to check the formulas stated in the manifest
# ---------------------------------------------------------------------------------------------

def np_conv1d(x, kernel, bias, stride, padding):
    b, n, _ = x.shape
    k = kernel.shape[0]
    if padding == "same":
        out = -(-n // stride)
        total = max((out - 1) * stride + k - n, 0)
        before = total // 2
        x = np.pad(x, ((0, 0), (before, total - before), (0, 0)))
    else:
        out = (n - k) // stride + 1
    y = np.stack([x[:, t * stride:t * stride + k, :].reshape(b, -1) @ kernel.reshape(-1, kernel.shape[2])
                  for t in range(out)], axis=1)
    return y + bias


def np_maxpool1d(x, pool, stride, padding):
    assert padding == "valid"
    out = (x.shape[1] - pool) // stride + 1
    return np.stack([x[:, t * stride:t * stride + pool, :].max(axis=1) for t in range(out)], axis=1)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_activation(name, z):
    if name == "linear":
        return z
    if name == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if name == "relu":
        return np.maximum(z, 0)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return sigmoid(z)
    raise ValueError(name)


def np_forward(model, params, x, training):
    """Returns (logits, probs, batch statistics {bn: (mean, biased variance)})."""
    h = x.astype(np.float64)
    stats = {}
    logits = None
    p = {k: v.astype(np.float64) for k, v in params.items()}
    for layer in model.layers:
        name, cls, cfg = layer.name, layer.__class__.__name__, layer.get_config()
        if cls == "InputLayer":
            continue
        if cls == "Conv1D":
            h = np_conv1d(h, p[f"{name}__kernel"], p[f"{name}__bias"], cfg["strides"][0], cfg["padding"])
            h = np_activation(cfg["activation"], h)
        elif cls == "BatchNormalization":
            if training:
                mean = h.mean(axis=(0, 1))
                var = ((h - mean) ** 2).mean(axis=(0, 1))  # biased
                stats[name] = (mean, var)
            else:
                mean, var = p[f"{name}__moving_mean"], p[f"{name}__moving_variance"]
            h = (h - mean) / np.sqrt(var + cfg["epsilon"]) * p[f"{name}__gamma"] + p[f"{name}__beta"]
        elif cls == "ELU":
            h = np.where(h > 0, h, cfg["alpha"] * np.expm1(np.minimum(h, 0)))
        elif cls == "LeakyReLU":
            h = np.where(h > 0, h, cfg["negative_slope"] * h)
        elif cls == "ReLU":
            h = np.maximum(h, 0)
        elif cls == "MaxPooling1D":
            h = np_maxpool1d(h, cfg["pool_size"][0], cfg["strides"][0], cfg["padding"])
        elif cls == "Flatten":
            h = h.reshape(h.shape[0], -1)
        elif cls == "LSTM":
            w, u, bias = p[f"{name}__kernel"], p[f"{name}__recurrent_kernel"], p[f"{name}__bias"]
            units = cfg["units"]
            hs = np.zeros((h.shape[0], units))
            cs = np.zeros((h.shape[0], units))
            seq = []
            for t in range(h.shape[1]):
                z = h[:, t, :] @ w + hs @ u + bias
                zi, zf, zc, zo = np.split(z, 4, axis=1)  # gate order i, f, c, o
                cs = sigmoid(zf) * cs + sigmoid(zi) * np.tanh(zc)
                hs = sigmoid(zo) * np.tanh(cs)
                seq.append(hs)
            h = np.stack(seq, axis=1) if cfg["return_sequences"] else hs
        elif cls == "Dense":
            z = h @ p[f"{name}__kernel"] + p[f"{name}__bias"]
            if cfg["activation"] == "softmax":
                logits = z
                e = np.exp(z - z.max(axis=-1, keepdims=True))
                h = e / e.sum(axis=-1, keepdims=True)
            else:
                h = np_activation(cfg["activation"], z)
        else:
            raise ValueError(f"numpy reference has no {cls}")
    return logits, h, stats


def np_loss(logits, labels, weights=None):
    """Cross-entropy from logits (what Keras computes for a softmax output), Keras reduction
    sum_over_batch_size: sum_i w_i * l_i / batch_size."""
    m = logits.max(axis=-1, keepdims=True)
    lse = (m + np.log(np.exp(logits - m).sum(axis=-1, keepdims=True)))[:, 0]
    per_row = lse - logits[np.arange(len(labels)), labels]
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)
    return float((per_row * w).sum() / len(labels))


class NumpyOptimizer:
    """The update rules read in the installed Keras source (see manifest "formulas")."""

    def __init__(self, kind, config):
        self.kind, self.c, self.state, self.t = kind, config, {}, 0

    def step(self, params, grads):
        self.t += 1
        c, out = self.c, dict(params)
        for k, g in grads.items():
            p = params[k]
            lr = c["learning_rate"]
            if self.kind == "rmsprop":
                v = self.state.get(k, np.zeros_like(p))
                v = c["rho"] * v + (1 - c["rho"]) * g * g
                self.state[k] = v
                out[k] = p - lr * g / np.sqrt(v + c["epsilon"])
            elif self.kind == "adam":
                m, v = self.state.get(k, (np.zeros_like(p), np.zeros_like(p)))
                m = m + (g - m) * (1 - c["beta_1"])
                v = v + (g * g - v) * (1 - c["beta_2"])
                self.state[k] = (m, v)
                alpha = lr * np.sqrt(1 - c["beta_2"] ** self.t) / (1 - c["beta_1"] ** self.t)
                out[k] = p - m * alpha / (np.sqrt(v) + c["epsilon"])
            elif self.kind == "sgd":
                m = self.state.get(k, np.zeros_like(p))
                m = m * c["momentum"] - g * lr
                self.state[k] = m
                out[k] = p + m
        return out


def zero_gradient_keys(model):
    """Bias keys of layers whose output goes straight into a BatchNormalization layer."""
    out = []
    for a, b in zip(model.layers, model.layers[1:]):
        if isinstance(b, layers.BatchNormalization) and any(v.name == "bias" for v in a.weights):
            out.append(f"{a.name}__bias")
    return out


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


# ---------------------------------------------------------------------------------------------
# Keras source lines behind each formula, checked against the installed files
# ---------------------------------------------------------------------------------------------

FORMULA_SOURCES = {
    "rmsprop": {
        "summary": "v = rho*v + (1-rho)*g^2; p -= lr*g / sqrt(v + epsilon)  (centered=False, momentum=0; "
                   "v starts at 0; epsilon inside the square root; defaults rho=0.9, epsilon=1e-7)",
        "lines": [("keras/src/optimizers/rmsprop.py", s) for s in [
            "rho=0.9,", "epsilon=1e-7,",
            "ops.multiply(rho, velocity),",
            "ops.multiply(1 - rho, ops.square(gradient)),",
            "denominator = ops.add(velocity, self.epsilon)",
            "ops.multiply(lr, gradient), ops.sqrt(denominator)",
            "self.assign_sub(variable, increment)"]],
    },
    "adam": {
        "summary": "t = iterations+1 (1 on the first step); m += (g-m)*(1-beta_1); v += (g^2-v)*(1-beta_2); "
                   "alpha = lr*sqrt(1-beta_2^t)/(1-beta_1^t); p -= m*alpha / (sqrt(v) + epsilon)  "
                   "(epsilon outside the square root, added to the uncorrected sqrt(v); "
                   "defaults beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)",
        "lines": [("keras/src/optimizers/adam.py", s) for s in [
            "beta_1=0.9,", "beta_2=0.999,", "epsilon=1e-7,",
            "local_step = ops.cast(self.iterations + 1, variable.dtype)",
            "alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)",
            "m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1)",
            "ops.subtract(ops.square(gradient), v), 1 - self.beta_2",
            "ops.multiply(m, alpha), ops.add(ops.sqrt(v), self.epsilon)"]],
    },
    "sgd_momentum": {
        "summary": "m = momentum*m - lr*g; p += m  (nesterov=False; m starts at 0)",
        "lines": [("keras/src/optimizers/sgd.py", s) for s in [
            "ops.multiply(m, momentum),",
            "ops.multiply(gradient, learning_rate),",
            "self.assign_add(variable, m)"]],
    },
    "batch_norm_training": {
        "summary": "training: mean and BIASED variance (divide by count, not count-1) over batch and time "
                   "axes; y = x*inv + (beta - mean*inv) with inv = gamma/sqrt(var + epsilon); "
                   "moving_mean = moving_mean*momentum + mean*(1-momentum), same for moving_variance with "
                   "the biased batch variance; inference: the same normalisation with the moving statistics. "
                   "Defaults momentum=0.99, epsilon=1e-3.",
        "lines": [("keras/src/layers/normalization/batch_normalization.py", s) for s in [
            "momentum=0.99,", "epsilon=1e-3,",
            "mean, variance = self._moments(inputs, mask)",
            "moving_mean * self.momentum + mean * (1.0 - self.momentum)",
            "moving_variance * self.momentum",
            "+ variance * (1.0 - self.momentum)",
            "mean = moving_mean",
            "variance = moving_variance"]]
        + [("keras/src/backend/tensorflow/nn.py", s) for s in [
            "return tf.nn.moments(x, axes, keepdims=keepdims)",
            "return tf.nn.batch_normalization("]]
        + [("tensorflow/python/ops/nn_impl.py", s) for s in [
            "mean = math_ops.reduce_mean(y, axes, keepdims=True, name=\"mean\")",
            "# sample variance, not unbiased variance",
            "math_ops.squared_difference(y, array_ops.stop_gradient(mean)),",
            "inv = math_ops.rsqrt(variance + variance_epsilon)",
            "return x * math_ops.cast(inv, x.dtype) + math_ops.cast("]],
    },
    "lstm": {
        "summary": "on CPU the generic cell runs (the cuDNN path needs a GPU), implementation 2: "
                   "z = x@kernel + h@recurrent_kernel + bias, split in 4 along the unit axis in the order "
                   "i, f, c, o (kernel [in, 4*units], recurrent_kernel [units, 4*units], bias [4*units]); "
                   "i=sigmoid(z0), f=sigmoid(z1), c = f*c_prev + i*tanh(z2), o=sigmoid(z3), h = o*tanh(c); "
                   "initial h, c = 0; sigmoid is the exact logistic (not hard sigmoid); "
                   "unit_forget_bias adds 1 to the f block of the bias at initialisation only",
        "lines": [("keras/src/layers/rnn/lstm.py", s) for s in [
            "implementation = kwargs.pop(\"implementation\", 2)",
            "z = ops.matmul(inputs, self.kernel)",
            "z = ops.add(z, ops.matmul(h_tm1, self.recurrent_kernel))",
            "z = ops.add(z, self.bias)",
            "z = ops.split(z, 4, axis=1)",
            "i = self.recurrent_activation(z0)",
            "f = self.recurrent_activation(z1)",
            "c = f * c_tm1 + i * self.activation(z2)",
            "o = self.recurrent_activation(z3)",
            "h = o * self.activation(c)"]]
        + [("keras/src/backend/tensorflow/rnn.py", "return args_supported and _is_gpu_available()")],
    },
    "categorical_crossentropy": {
        "summary": "a softmax output carries its logits (_keras_logits), so the loss is "
                   "tf.nn.softmax_cross_entropy_with_logits on the pre-softmax logits: "
                   "l_i = logsumexp(z_i) - z_i[y_i], with NO clipping; only for bare probabilities would it "
                   "normalise, clip to [1e-7, 1-1e-7] and take -sum(y*log p). Reduction sum_over_batch_size: "
                   "loss = sum_i(w_i * l_i) / batch_size (divisor is the batch size, NOT the sum of weights). "
                   "model.fit's class_weight becomes sample weight class_weight[argmax(y_onehot)]",
        "lines": [("keras/src/backend/tensorflow/nn.py", s) for s in [
            "output._keras_logits = logits",
            "output_ = output._keras_logits",
            "return tf.nn.softmax_cross_entropy_with_logits(",
            "output, backend.epsilon(), 1.0 - backend.epsilon()",
            "return -tf.reduce_sum(target * tf.math.log(output), axis)"]]
        + [("keras/src/losses/loss.py", s) for s in [
            "values = values * sample_weight",
            "loss = ops.sum(values)",
            "loss = ops.divide_no_nan(loss, divisor)"]]
        + [("keras/src/trainers/data_adapters/data_adapter_utils.py", s) for s in [
            "y_numpy = np.argmax(y_numpy, axis=-1)",
            "sample_weight[i] = class_weight.get(int(y_numpy[i]), 1.0)"]],
    },
    "leaky_relu": {
        "summary": "LeakyReLU layer default negative_slope = 0.3 (the ops-level function defaults to 0.2, "
                   "but the layer passes its own 0.3); y = x if x > 0 else 0.3*x",
        "lines": [("keras/src/layers/activations/leaky_relu.py",
                   "def __init__(self, negative_slope=0.3, **kwargs):"),
                  ("keras/src/backend/tensorflow/nn.py", "return tf.nn.leaky_relu(x, alpha=negative_slope)")],
    },
    "elu": {
        "summary": "ELU alpha = 1.0: y = x if x > 0 else exp(x) - 1",
        "lines": [("keras/src/layers/activations/elu.py", "def __init__(self, alpha=1.0, **kwargs):"),
                  ("keras/src/backend/tensorflow/nn.py", "res = tf.nn.elu(x)")],
    },
    "conv1d_same_padding": {
        "summary": "tf.nn.convolution with padding 'SAME': out = ceil(n/stride); "
                   "total = max((out-1)*stride + k - n, 0); pad_before = total // 2, pad_after = the rest "
                   "(the extra one goes after). Kernel [k, in, out]; cross-correlation (no kernel flip). "
                   "'VALID': out = (n-k)//stride + 1. Keras's own emulation of TF SAME states the same rule.",
        "lines": [("keras/src/backend/tensorflow/nn.py", s) for s in [
            "padding.upper(),",
            "# `padding=\"valid\"`. Matches TF SAME: extra padding goes after (bottom).",
            "out_size = (n + s - 1) // s",
            "(out_size - 1) * s + effective_kernel_size - n, 0",
            "pad_before = total_pad // 2",
            "pad_after = total_pad - pad_before"]],
    },
    "max_pooling1d": {
        "summary": "strides default to pool_size; 'valid': out = (n - pool)//stride + 1 (trailing rows dropped)",
        "lines": [("keras/src/layers/pooling/base_pooling.py", "strides = pool_size if strides is None else strides")],
    },
    "dense": {
        "summary": "y = activation(x @ kernel + bias), kernel [in, units]; Flatten is row-major over (time, channels)",
        "lines": [("keras/src/layers/core/dense.py", s) for s in [
            "x = ops.matmul(inputs, self.kernel)", "x = ops.add(x, self.bias)"]],
    },
}


def verified_formulas():
    site = pathlib.Path(keras.__file__).resolve().parents[1]
    out = {}
    for key, entry in FORMULA_SOURCES.items():
        found = []
        for rel, snippet in entry["lines"]:
            text = (site / rel).read_text().splitlines()
            hits = [i + 1 for i, line in enumerate(text) if line.strip().startswith(snippet)]
            if not hits:
                raise SystemExit(f"formula check: {snippet!r} not found in {rel}; update the manifest note")
            found.append({"file": f"site-packages/{rel}", "line": hits[0], "code": text[hits[0] - 1].strip()})
        out[key] = {"formula": entry["summary"], "source": found}
    return out


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

def export(name, build, out_root, formulas):
    directory = out_root / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)

    model, labels = build()
    rng = np.random.default_rng(SEED + sum(map(ord, name)))
    randomise_non_kernel_state(model, rng)

    batch = len(labels)
    input_shape = [batch] + list(model.input.shape[1:])
    x = rng.standard_normal(size=input_shape).astype(np.float32)
    labels = np.asarray(labels, dtype=np.int32)
    y = np.eye(NUM_CLASSES, dtype=np.float32)[labels]
    class_weight = {i: w for i, w in enumerate(CLASS_WEIGHTS)}
    sample_weight = data_adapter_utils.class_weight_to_sample_weights(y, class_weight)

    written = []

    def put(fname, array, dtype=np.float32):
        save(directory, fname, array, dtype)
        written.append(fname)

    initial = snapshot(model)
    for k, v in initial.items():
        put(k, v)
    put("input", x)
    put("labels", labels, np.int32)
    put("labels_onehot", y)

    probs_inference = model(x, training=False).numpy()
    put("probs_inference", probs_inference)
    restore(model, initial)

    # Training mode: one forward pass per loss; the moving statistics move on each, so restore between.
    tkeys = trainable_keys(model)
    loss, probs_training, grads, grad_x = loss_and_grads(model, x, y)
    after_one_pass = snapshot(model)
    restore(model, initial)
    loss_w, _, grads_w, grad_x_w = loss_and_grads(model, x, y, sample_weight)
    restore(model, initial)
    probs_training = probs_training.numpy()
    put("probs_training", probs_training)
    # What the loss would be from the probabilities alone (clipped log), for comparison only.
    loss_from_probs = float(keras.losses.categorical_crossentropy(tf.constant(y), tf.constant(probs_training))
                            .numpy().mean())
    for k, g in zip(tkeys, grads):
        put(f"grad__{k}", g)
    for k, g in zip(tkeys, grads_w):
        put(f"gradw__{k}", g)
    put("grad__input", grad_x)
    put("gradw__input", grad_x_w)
    bn_names = [l.name for l in model.layers if isinstance(l, layers.BatchNormalization)]
    for bn in bn_names:
        for stat in ("moving_mean", "moving_variance"):
            put(f"after_train_step__{bn}__{stat}", after_one_pass[f"{bn}__{stat}"])

    optimizer_configs = {}
    trajectories = {}
    for opt_name, make in OPTIMIZERS.items():
        restore(model, initial)
        optimizer = make()
        optimizer_configs[opt_name] = {"class_name": optimizer.__class__.__name__,
                                       **{k: v for k, v in optimizer.get_config().items() if k != "name"}}
        trajectories[opt_name] = {}
        for step in range(1, max(STEPS_RECORDED) + 1):
            _, _, g, _ = loss_and_grads(model, x, y)
            optimizer.apply_gradients(zip(g, model.trainable_variables))
            if step in STEPS_RECORDED:
                values = snapshot(model)
                trajectories[opt_name][step] = values
                for k, v in values.items():
                    put(f"step{step}__{opt_name}__{k}", v)
    restore(model, initial)

    # --- self-check of the stated formulas with float64 numpy ---
    check = {}
    noise_check = {}
    _, np_probs_inf, _ = np_forward(model, initial, x, training=False)
    np_logits, np_probs_tr, np_stats = np_forward(model, initial, x, training=True)
    check["probs_inference"] = max_abs(np_probs_inf, probs_inference)
    check["probs_training"] = max_abs(np_probs_tr, probs_training)
    check["loss"] = abs(np_loss(np_logits, labels) - loss)
    check["loss_class_weighted"] = abs(np_loss(np_logits, labels, sample_weight) - loss_w)
    # Analytic gradient of the loss w.r.t. the output layer's logits gives the last bias gradient.
    last = model.layers[-1].name
    sm = np_probs_tr
    check[f"grad__{last}__bias"] = max_abs(((sm - y) / batch).sum(axis=0),
                                           grads[tkeys.index(f"{last}__bias")])
    check[f"gradw__{last}__bias"] = max_abs(((sm - y) * sample_weight[:, None] / batch).sum(axis=0),
                                            grads_w[tkeys.index(f"{last}__bias")])
    for bn, (mean, var) in np_stats.items():
        momentum = model.get_layer(bn).momentum
        check[f"after_train_step__{bn}__moving_mean"] = max_abs(
            initial[f"{bn}__moving_mean"] * momentum + mean * (1 - momentum),
            after_one_pass[f"{bn}__moving_mean"])
        check[f"after_train_step__{bn}__moving_variance"] = max_abs(
            initial[f"{bn}__moving_variance"] * momentum + var * (1 - momentum),
            after_one_pass[f"{bn}__moving_variance"])
    # Optimizer rules: numpy updates; gradients from Keras at the numpy trajectory's parameters.
    # A bias feeding straight into batch norm has a gradient that is exactly zero in exact arithmetic
    # (training-mode batch norm subtracts the batch mean), so Keras's value for it is float32 rounding
    # noise (~1e-9..1e-7); Adam and RMSprop scale noise up to steps of order lr*noise/(|noise|+eps),
    # so those entries are checked apart.
    noise_keys = zero_gradient_keys(model)
    for opt_name in OPTIMIZERS:
        rule = NumpyOptimizer(opt_name, optimizer_configs[opt_name])
        params = {k: v.astype(np.float64) for k, v in initial.items()}
        worst = {}
        for step in range(1, max(STEPS_RECORDED) + 1):
            restore(model, {k: v.astype(np.float32) for k, v in params.items()})
            _, _, g, _ = loss_and_grads(model, x, y)
            params = rule.step(params, {k: gk.astype(np.float64) for k, gk in zip(tkeys, g)})
            if step in STEPS_RECORDED:
                keras_values = trajectories[opt_name][step]
                worst[f"step{step}"] = max(max_abs(params[k], keras_values[k])
                                           for k in tkeys if k not in noise_keys)
                for k in noise_keys:
                    noise_check[f"step{step}__{opt_name}__{k}"] = max_abs(params[k], keras_values[k])
        for key, value in worst.items():
            check[f"{key}__{opt_name}__trainable_except_zero_gradient_biases"] = value
    restore(model, initial)

    # --- cross-check against Model.train_on_batch (what model.fit runs per batch) ---
    fit_check = {}
    for weighted in (False, True):
        restore(model, initial)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                      loss="categorical_crossentropy", jit_compile=False)
        before = [v.numpy().astype(np.float64) for v in model.trainable_variables]
        fit_loss = model.train_on_batch(x, y, class_weight=class_weight if weighted else None)
        after = [v.numpy().astype(np.float64) for v in model.trainable_variables]
        mine = grads_w if weighted else grads
        tag = "class_weighted" if weighted else "unweighted"
        fit_check[f"loss_{tag}"] = abs(float(fit_loss) - (loss_w if weighted else loss))
        fit_check[f"grads_{tag}"] = max(max_abs(b - a, g) for b, a, g in zip(before, after, mine))
    restore(model, initial)

    manifest = {
        "model": name,
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "numpy_version": np.__version__,
        "backend": keras.backend.backend(),
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "threads": {"inter_op": 1, "intra_op": 1, "op_determinism": True},
        "seed": SEED,
        "dtype": "float32",
        "input_shape": input_shape,
        "layout": "channels last: [batch, time, channels]",
        "class_count": NUM_CLASSES,
        "labels": labels.tolist(),
        "class_weights": CLASS_WEIGHTS,
        "sample_weights": [float(w) for w in sample_weight],
        "layers": [layer_config(l) for l in model.layers],
        "variables": [{"key": k, "layer": l.name, "name": v.name, "shape": list(v.shape),
                       "trainable": bool(v.trainable)} for k, l, v in variables(model)],
        "trainable_order": tkeys,
        "initial_state": "kernels: seeded Keras initialisers (GlorotUniform, Orthogonal for LSTM recurrent "
                         "kernels); biases U(-0.2, 0.2) (+1 on the LSTM forget block); batch norm gamma "
                         "U(0.5, 1.5), beta U(-0.5, 0.5), moving_mean N(0, 0.3), moving_variance "
                         "U(0.5, 2.0), all from seeded numpy",
        "loss": {
            "function": "keras.losses.CategoricalCrossentropy() (from_logits=False on the softmax output; "
                        "Keras uses the cached logits), reduction sum_over_batch_size, training mode",
            "training": loss,
            "training_class_weighted": loss_w,
            "training_from_clipped_probs_for_comparison": loss_from_probs,
        },
        "optimizers": optimizer_configs,
        "optimizer_steps": {"recorded": list(STEPS_RECORDED),
                            "procedure": "from the initial weights, each step: training-mode forward on the "
                                         "same batch, unweighted loss, GradientTape gradients, "
                                         "optimizer.apply_gradients; files hold every variable after the step"},
        "formulas": formulas,
        "self_check_max_abs_diff_numpy_float64": check,
        "zero_gradient_by_construction": {
            "keys": noise_keys,
            "why": "bias of a layer that feeds straight into BatchNormalization: training-mode batch norm "
                   "subtracts the batch mean, so d loss / d bias is exactly 0 in exact arithmetic; the "
                   "exported grad__/gradw__ values are float32 rounding noise (compare with an absolute "
                   "tolerance), and Adam/RMSprop amplify that noise, so their step files for these keys "
                   "are not reproducible by another implementation beyond ~lr-sized steps",
            "max_abs_grad": {k: float(np.max(np.abs(grads[tkeys.index(k)]))) for k in noise_keys},
            "self_check_max_abs_diff": noise_check,
        },
        "cross_check_max_abs_diff_train_on_batch": fit_check,
        "files": sorted(written),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return directory, written, check, fit_check


def main():
    out_root = pathlib.Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DEFAULT_OUT
    out_root.mkdir(parents=True, exist_ok=True)
    formulas = verified_formulas()
    for name, build in MODELS.items():
        keras.utils.set_random_seed(SEED)
        keras.backend.clear_session()
        directory, written, check, fit_check = export(name, build, out_root, formulas)
        size = sum(p.stat().st_size for p in directory.iterdir())
        print(f"{directory}: {len(written)} .npy + manifest.json, {size} bytes")
        print(f"  numpy float64 self-check, worst max|diff| = {max(check.values()):.3g}")
        print(f"  train_on_batch cross-check, worst max|diff| = {max(fit_check.values()):.3g}")


if __name__ == "__main__":
    main()
