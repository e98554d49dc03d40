#!/usr/bin/env python3
"""Compute librosa reference arrays for the Intone Swift tests.

Reads the fixtures in Tests/Fixtures/audio/ (see make_fixtures.py) and writes
float32 .npy files plus manifest.json into Tests/Fixtures/reference/.
Run via `scripts/make-reference`, which pins librosa 0.11.0 and friends.

Per fixture (all except short_0p3s.wav), files are named <stem>.<what>.npy:
  native      librosa.load(path, sr=None, mono=True)[0]
  load        y = librosa.load(path, sr=22050, offset=0.5, duration=3.0)[0]
              (default res_type soxr_hq); everything below uses this y
  mfcc        librosa.feature.mfcc(y=y, sr=22050, n_mfcc=40)
  mfcc_mean   mfcc.mean(axis=1)
  mel         librosa.feature.melspectrogram(y=y, sr=22050)   (power)
  mel_db      librosa.power_to_db(mel)   (ref=1.0, amin=1e-10, top_db=80)
  zcr         librosa.feature.zero_crossing_rate(y)
  rms         librosa.feature.rms(y=y)
  centroid    librosa.feature.spectral_centroid(y=y, sr=22050)
  bandwidth   librosa.feature.spectral_bandwidth(y=y, sr=22050)
  chroma      librosa.feature.chroma_stft(y=y, sr=22050)
  tuning      librosa.estimate_tuning(S=np.abs(librosa.stft(y))**2, sr=22050,
              bins_per_octave=12)  -- the tuning chroma_stft estimates; shape (1,)
  mfcc_delta  librosa.feature.delta(mfcc)
  mfcc_delta2 librosa.feature.delta(mfcc, order=2)
  ber         band-energy ratio (see band_energy_ratio below)
tones_16k only:
  mfcc_custom y16 = librosa.load(path, sr=None, offset=0.5, duration=1.5)[0];
              librosa.feature.mfcc(y=y16, sr=16000, n_mfcc=13, n_fft=1024,
              hop_length=256, n_mels=64, fmax=7000)
speech_22k only (augmentation: phase vocoder, resampling), on the same y:
  stretch_0.8  librosa.effects.time_stretch(y, rate=0.8)
  stretch_1.25 librosa.effects.time_stretch(y, rate=1.25)
  pitch_+2     librosa.effects.pitch_shift(y, sr=22050, n_steps=2)   (res_type soxr_hq)
  pitch_-3     librosa.effects.pitch_shift(y, sr=22050, n_steps=-3)
  istft        librosa.istft(librosa.stft(y), length=len(y))
Filterbanks:
  mel_fb_22050_2048_128.npy       librosa.filters.mel(sr=22050, n_fft=2048)
  mel_fb_16000_1024_64_7000.npy   librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmax=7000)
  chroma_fb_22050_2048.npy        librosa.filters.chroma(sr=22050, n_fft=2048)
  chroma_fb_22050_2048_t-0.1.npy  librosa.filters.chroma(sr=22050, n_fft=2048, tuning=-0.1)
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

# librosa imports audioread lazily on the first load(); on Python 3.11+ that
# import emits stdlib DeprecationWarnings (aifc/audioop/sunau) that are not about
# our computations. Import it up front with those silenced so that the warnings
# recorded below are only ones raised by the librosa calls themselves.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import audioread  # noqa: F401
        import audioread.rawread  # noqa: F401
    except ImportError:
        pass

import librosa
import numpy as np
import scipy
import soundfile as sf
import soxr

REPO = Path(__file__).resolve().parents[2]
AUDIO = REPO / "Tests" / "Fixtures" / "audio"
OUT = REPO / "Tests" / "Fixtures" / "reference"

FIXTURES = [
    "tones_16k.wav",
    "noise_44k.wav",
    "stereo_48k.wav",
    "speech_8k_ulaw.wav",
    "speech_8k_alaw.wav",
    "speech_22k.flac",
    "stereo_8bit_11k.wav",
]  # short_0p3s.wav intentionally excluded

SR = 22050
OFFSET = 0.5
DURATION = 3.0
BER_SPLIT_HZ = 2000.0


def band_energy_ratio(y: np.ndarray, sr: int) -> np.ndarray:
    """Band-energy ratio (not in librosa); defined for Intone as:

        S = np.abs(librosa.stft(y))**2                  # default n_fft=2048, hop 512
        n_bins = S.shape[0]                              # 1025
        split_bin = int(np.floor(2000.0 / (sr/2) * n_bins))   # 185 at sr=22050
        low  = S[:split_bin].sum(axis=0)                 # sums in float64
        high = S[split_bin:].sum(axis=0)
        ber  = low / np.maximum(high, 1e-10)             # shape (1, frames)
    """
    S = (np.abs(librosa.stft(y)) ** 2).astype(np.float64)
    n_bins = S.shape[0]
    split_bin = int(np.floor(BER_SPLIT_HZ / (sr / 2) * n_bins))
    low = S[:split_bin].sum(axis=0)
    high = S[split_bin:].sum(axis=0)
    return (low / np.maximum(high, 1e-10))[np.newaxis, :]


AUGMENT_STEM = "speech_22k"
STRETCH_RATES = [0.8, 1.25]
PITCH_STEPS = [2, -3]


def augmentation_references(save, stem: str, y: np.ndarray) -> None:
    """Time stretch, pitch shift and STFT round trip of `y` (the `<stem>.load` signal)."""
    for rate in STRETCH_RATES:
        save(f"{stem}.stretch_{rate:g}", librosa.effects.time_stretch(y, rate=rate))
    for steps in PITCH_STEPS:
        save(f"{stem}.pitch_{steps:+d}", librosa.effects.pitch_shift(y, sr=SR, n_steps=steps))
    save(f"{stem}.istft", librosa.istft(librosa.stft(y), length=len(y)))


def augmentation_parameters() -> dict:
    return {"fixture": AUGMENT_STEM + ".flac", "stretch_rates": STRETCH_RATES,
            "pitch_steps": PITCH_STEPS, "pitch_res_type": "soxr_hq"}


def only_augmentation() -> int:
    """Adds the augmentation arrays to an existing reference directory without touching the others.

    Loads the fixture exactly as the full run does, checks the result equals the committed
    `<stem>.load.npy`, writes the new arrays and adds their shapes to manifest.json.
    """
    fname = AUGMENT_STEM + ".flac"
    save = Saver()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y, sr = librosa.load(AUDIO / fname, sr=SR, offset=OFFSET, duration=DURATION)
        committed = np.load(OUT / f"{AUGMENT_STEM}.load.npy")
        if committed.tobytes() != np.ascontiguousarray(y, dtype=np.float32).tobytes():
            raise SystemExit(f"{AUGMENT_STEM}.load.npy differs from a fresh load: regenerate everything")
        augmentation_references(save, AUGMENT_STEM, y)
    new_warnings = [{"context": fname, "warning": f"{w.category.__name__}: {w.message}"} for w in caught]
    manifest_path = OUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["parameters"]["augmentation"] = augmentation_parameters()
    manifest["fixtures"][fname]["arrays"].update(save.shapes)
    manifest["warnings"].extend(w for w in new_warnings if w not in manifest["warnings"])
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    (OUT / "README.md").write_text(README)
    for k, v in save.shapes.items():
        print(f"{k}: {tuple(v)}")
    return 0


README = """# librosa reference arrays

Generated by `scripts/reference/make_references.py` from the fixtures in
`../audio/` (themselves made by `scripts/reference/make_fixtures.py`).
Regenerate everything with:

    scripts/make-reference

which creates `.venv-reference/` with pinned librosa 0.11.0, numpy 2.4.6,
scipy 1.17.1, soundfile 0.14.0 and soxr 1.1.0, then runs both scripts.

Every `.npy` file is float32, C order. Names are `<stem>.<what>.npy`, where
`<stem>` is the fixture file name without extension; see the docstring of
`make_references.py` for the exact librosa call behind each `<what>`
(`native`, `load`, `mfcc`, `mfcc_mean`, `mel`, `mel_db`, `zcr`, `rms`,
`centroid`, `bandwidth`, `chroma`, `tuning`, `mfcc_delta`, `mfcc_delta2`,
`ber`, and `mfcc_custom` for `tones_16k` only; `stretch_0.8`, `stretch_1.25`,
`pitch_+2`, `pitch_-3` and `istft` for `speech_22k` only). `ber` (band-energy
ratio) is not a librosa feature; its definition is in `band_energy_ratio()`.
The augmentation arrays alone can be recomputed, leaving everything else
untouched, with `make_references.py --only-augmentation`.

Filterbanks: `mel_fb_22050_2048_128`, `mel_fb_16000_1024_64_7000`,
`chroma_fb_22050_2048`, `chroma_fb_22050_2048_t-0.1`.

`manifest.json` records package versions, per-fixture native sample rate,
channel count, subtype, native length and the shape of every array, plus any
warnings librosa emitted. The Swift tests never run Python.
"""


class Saver:
    def __init__(self) -> None:
        self.shapes: dict[str, list[int]] = {}

    def __call__(self, name: str, arr) -> None:
        a = np.ascontiguousarray(np.asarray(arr, dtype=np.float32))
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name}: non-finite values")
        np.save(OUT / f"{name}.npy", a)
        self.shapes[name] = list(a.shape)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only-augmentation", action="store_true",
                        help="only (re)compute the speech_22k augmentation arrays; leave every other file as it is")
    args = parser.parse_args()
    if args.only_augmentation:
        return only_augmentation()

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npy"):
        old.unlink()
    all_warnings: list[dict[str, str]] = []

    def record(context: str, caught) -> None:
        for w in caught:
            msg = f"{w.category.__name__}: {w.message}"
            print(f"  WARNING [{context}] {msg}", file=sys.stderr)
            all_warnings.append({"context": context, "warning": msg})

    fixtures_meta: dict[str, dict] = {}
    for fname in FIXTURES:
        path = AUDIO / fname
        stem = path.stem
        info = sf.info(path)
        save = Saver()
        print(f"{fname}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")

            native, native_sr = librosa.load(path, sr=None, mono=True)
            save(f"{stem}.native", native)

            y, sr = librosa.load(path, sr=SR, offset=OFFSET, duration=DURATION)
            assert sr == SR
            save(f"{stem}.load", y)

            mfcc = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=40)
            save(f"{stem}.mfcc", mfcc)
            save(f"{stem}.mfcc_mean", mfcc.mean(axis=1))

            mel = librosa.feature.melspectrogram(y=y, sr=SR)
            save(f"{stem}.mel", mel)
            save(f"{stem}.mel_db", librosa.power_to_db(mel))

            save(f"{stem}.zcr", librosa.feature.zero_crossing_rate(y))
            save(f"{stem}.rms", librosa.feature.rms(y=y))
            save(f"{stem}.centroid", librosa.feature.spectral_centroid(y=y, sr=SR))
            save(f"{stem}.bandwidth", librosa.feature.spectral_bandwidth(y=y, sr=SR))

            save(f"{stem}.chroma", librosa.feature.chroma_stft(y=y, sr=SR))
            tuning = librosa.estimate_tuning(S=np.abs(librosa.stft(y)) ** 2, sr=SR,
                                             bins_per_octave=12)
            save(f"{stem}.tuning", np.array([tuning]))

            save(f"{stem}.mfcc_delta", librosa.feature.delta(mfcc))
            save(f"{stem}.mfcc_delta2", librosa.feature.delta(mfcc, order=2))

            save(f"{stem}.ber", band_energy_ratio(y, SR))

            if stem == "tones_16k":
                y16, sr16 = librosa.load(path, sr=None, offset=0.5, duration=1.5)
                assert sr16 == 16000
                save(f"{stem}.mfcc_custom",
                     librosa.feature.mfcc(y=y16, sr=16000, n_mfcc=13, n_fft=1024,
                                          hop_length=256, n_mels=64, fmax=7000))

            if stem == AUGMENT_STEM:
                augmentation_references(save, stem, y)
        record(fname, caught)

        fixtures_meta[fname] = {
            "stem": stem,
            "format": info.format,
            "sample_rate": int(native_sr),
            "channels": int(info.channels),
            "subtype": info.subtype,
            "frames": int(info.frames),
            "native_length": int(len(native)),
            "load_length": int(len(y)),
            "tuning": float(tuning),
            "arrays": save.shapes,
        }
        for k, v in save.shapes.items():
            print(f"  {k}: {tuple(v)}")

    fb = Saver()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fb("mel_fb_22050_2048_128", librosa.filters.mel(sr=22050, n_fft=2048))
        fb("mel_fb_16000_1024_64_7000",
           librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmax=7000))
        fb("chroma_fb_22050_2048", librosa.filters.chroma(sr=22050, n_fft=2048))
        fb("chroma_fb_22050_2048_t-0.1",
           librosa.filters.chroma(sr=22050, n_fft=2048, tuning=-0.1))
    record("filterbanks", caught)
    for k, v in fb.shapes.items():
        print(f"{k}: {tuple(v)}")

    manifest = {
        "generator": "scripts/reference/make_references.py (run via scripts/make-reference)",
        "versions": {
            "python": sys.version.split()[0],
            "librosa": librosa.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "soundfile": sf.__version__,
            "soxr": soxr.__version__,
            "libsndfile": sf.__libsndfile_version__,
        },
        "parameters": {
            "sr": SR,
            "offset": OFFSET,
            "duration": DURATION,
            "res_type": "soxr_hq",
            "n_fft": 2048,
            "hop_length": 512,
            "n_mels": 128,
            "n_mfcc": 40,
            "ber_split_hz": BER_SPLIT_HZ,
            "mfcc_custom": {"fixture": "tones_16k.wav", "sr": 16000, "offset": 0.5,
                            "duration": 1.5, "n_mfcc": 13, "n_fft": 1024,
                            "hop_length": 256, "n_mels": 64, "fmax": 7000},
            "augmentation": augmentation_parameters(),
        },
        "dtype": "float32",
        "fixtures": fixtures_meta,
        "filterbanks": fb.shapes,
        "warnings": all_warnings,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")

    (OUT / "README.md").write_text(README)
    if all_warnings:
        print(f"{len(all_warnings)} warning(s) recorded in manifest.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
