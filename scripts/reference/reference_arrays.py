"""Writing reference arrays for the Swift tests (shared by the make_*_references.py scripts)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def save_float64(out: Path, name: str, array, shapes: dict) -> None:
    """Writes `array` as C-ordered float64 `out/name.npy` and records its shape under `name`."""
    a = np.ascontiguousarray(np.asarray(array, dtype=np.float64))
    np.save(out / f"{name}.npy", a)
    shapes[name] = list(a.shape)
