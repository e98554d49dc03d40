# Sourced by scripts/make-keras-parity: makes sure <repo>/.venv-keras (gitignored) exists with
# the pinned TensorFlow (CPU build, bundling Keras 3) and numpy, and sets PY to its interpreter.
# Kept apart from .venv-reference so that librosa's pins and TensorFlow's never have to agree.
# tensorflow-cpu 2.21.0 installs from PyPI as a manylinux wheel for CPython 3.11 on x86_64
# (about 22 s and 1.6 GB on the dev machine); nothing is downloaded at run time.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO_ROOT/.venv-keras"
PY="$VENV/bin/python"

# Distribution names as pip knows them (tensorflow-cpu is imported as `tensorflow`).
PINS=(tensorflow-cpu==2.21.0 keras==3.15.1 numpy==2.4.6)

if [[ ! -x "$PY" ]]; then
    echo "==> creating $VENV" >&2
    python3 -m venv "$VENV"
fi

# Exit status 0 only if every pinned distribution is installed at exactly its pinned version.
# (Reads the installed metadata instead of importing TensorFlow, which takes seconds.)
keras_pins_ok() {
    "$PY" - "${PINS[@]}" <<'PYEOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
PYEOF
}

if ! keras_pins_ok; then
    echo "==> installing ${PINS[*]}" >&2
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "${PINS[@]}"
    if ! keras_pins_ok; then
        echo "error: pinned packages still not installed at the pinned versions" >&2
        exit 1
    fi
fi
