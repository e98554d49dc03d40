# Sourced by scripts/make-reference and scripts/bench-features: makes sure <repo>/.venv-reference
# (gitignored) exists with the pinned Python packages, and sets PY to its interpreter.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO_ROOT/.venv-reference"
PY="$VENV/bin/python"

PINS=(librosa==0.11.0 numpy==2.4.6 scipy==1.17.1 soundfile==0.14.0 soxr==1.1.0 opensmile==2.6.0)

if [[ ! -x "$PY" ]]; then
    echo "==> creating $VENV" >&2
    python3 -m venv "$VENV"
fi

# Exit status 0 only if every pinned package imports at exactly its pinned version.
pins_ok() {
    "$PY" - "${PINS[@]}" <<'PYEOF' >/dev/null 2>&1
import importlib, sys
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    mod = importlib.import_module(name)
    if getattr(mod, "__version__", None) != want:
        sys.exit(1)
PYEOF
}

if ! pins_ok; then
    echo "==> installing ${PINS[*]}" >&2
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "${PINS[@]}"
    if ! pins_ok; then
        echo "error: pinned packages still not importable at the pinned versions" >&2
        exit 1
    fi
fi
