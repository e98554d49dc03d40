#!/usr/bin/env python3
"""Generate the small audio fixtures used by the Intone Swift tests.

Writes into Tests/Fixtures/audio/ (relative to the repository root).
Everything is deterministic: synthetic signals use a seeded numpy RNG and
the speech clip comes from espeak-ng (deterministic for a given espeak-ng
version). Run via `scripts/make-reference`, which pins the Python packages.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from scipy.signal import lfilter

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "audio"
SEED = 20261125
SPEECH_TEXT = "The quick brown fox jumps over the lazy dog, then it rests."
SPEECH_MIN_SECONDS = 3.5


def normalise_peak(x: np.ndarray, peak: float) -> np.ndarray:
    m = float(np.max(np.abs(x)))
    return x if m == 0.0 else x * (peak / m)


def phase_from_freq(freq: np.ndarray, sr: int) -> np.ndarray:
    """Integrate an instantaneous-frequency track (Hz) into phase (radians)."""
    return 2.0 * np.pi * np.cumsum(freq) / sr


def envelope(n: int, sr: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n)
    na = min(n, int(round(attack * sr)))
    nr = min(n, int(round(release * sr)))
    if na > 0:
        env[:na] = np.linspace(0.0, 1.0, na, endpoint=False)
    if nr > 0:
        env[n - nr:] *= np.linspace(1.0, 0.0, nr)
    return env


def make_tones_16k(rng: np.random.Generator) -> np.ndarray:
    sr, dur, lead = 16000, 2.5, 0.2
    n = int(round(sr * dur))
    n_lead = int(round(sr * lead))
    y = 1e-4 * rng.standard_normal(n)  # near-silence floor everywhere
    m = n - n_lead
    t = np.arange(m) / sr
    f0 = np.linspace(180.0, 260.0, m)  # f0 glide
    ph = phase_from_freq(f0, sr)
    tone = np.zeros(m)
    for k in range(1, 6):  # 5 harmonics, 1/k amplitudes
        tone += np.sin(k * ph) / k
    tone /= np.max(np.abs(tone))
    chirp_f = 300.0 + (3000.0 - 300.0) * t / t[-1]  # linear chirp
    chirp = np.sin(phase_from_freq(chirp_f, sr))
    sig = 0.8 * tone + 0.2 * chirp
    # attack 50 ms, slow exponential-ish decay over the remainder + 100 ms release
    env = envelope(m, sr, 0.05, 0.1) * np.exp(-0.4 * t)
    sig = normalise_peak(sig * env, 0.6)
    y[n_lead:] += sig
    return y


def make_noise_44k(rng: np.random.Generator) -> np.ndarray:
    sr, dur = 44100, 2.0
    n = int(round(sr * dur))
    w = rng.standard_normal(n)
    # one-pole low-pass: y[i] = a*y[i-1] + (1-a)*x[i]
    a = 0.95
    lp = lfilter([1.0 - a], [1.0, -a], w)
    t = np.arange(n) / sr
    am = 0.6 + 0.4 * np.sin(2.0 * np.pi * 3.0 * t)  # 3 Hz AM
    return normalise_peak(lp * am, 0.5)


def make_stereo_48k(rng: np.random.Generator) -> np.ndarray:
    # 1.0 s rather than 2.0 s: 2 ch x 4-byte float at 48 kHz is 384 KB/s, and
    # fixtures are kept under ~400 KB each.
    sr, dur = 48000, 1.0
    n = int(round(sr * dur))
    t = np.arange(n) / sr
    # exponential chirp 100 -> 8000 Hz
    f = 100.0 * (8000.0 / 100.0) ** (t / t[-1])
    left = np.sin(phase_from_freq(f, sr)) * envelope(n, sr, 0.01, 0.01)
    left = normalise_peak(left, 0.4)
    right = (np.sin(2 * np.pi * 440.0 * t) + 0.5 * np.sin(2 * np.pi * 880.0 * t)
             + 0.05 * rng.standard_normal(n))
    right = normalise_peak(right * envelope(n, sr, 0.01, 0.01), 0.3)
    return np.stack([left, right], axis=1)


def make_short(rng: np.random.Generator) -> np.ndarray:
    sr, dur = 16000, 0.3
    n = int(round(sr * dur))
    t = np.arange(n) / sr
    return 0.3 * np.sin(2 * np.pi * 500.0 * t)


def make_stereo_8bit(rng: np.random.Generator) -> np.ndarray:
    sr, dur = 11025, 1.5
    n = int(round(sr * dur))
    t = np.arange(n) / sr
    env = envelope(n, sr, 0.02, 0.02)
    left = 0.5 * np.sin(2 * np.pi * 330.0 * t) * env
    right = 0.4 * np.sin(2 * np.pi * 1250.0 * t) * env
    return np.stack([left, right], axis=1)


def zero_peak_timestamp(path: Path) -> None:
    """libsndfile adds a PEAK chunk to float WAVs whose 4-byte timestamp is the
    wall-clock time, which makes the file differ on every run. Keep the chunk
    (it is a useful extra chunk for the Swift WAV parser to skip) but zero the
    timestamp so the fixture is byte-for-byte reproducible."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PEAK", 12, 512)
    if pos >= 0:
        # 'PEAK', u32 chunk size, u32 version, u32 timestamp, then peak records
        data[pos + 12:pos + 16] = b"\x00\x00\x00\x00"
        path.write_bytes(bytes(data))


def espeak_speech() -> tuple[np.ndarray, int]:
    with tempfile.TemporaryDirectory() as td:
        wav = os.path.join(td, "speech.wav")
        subprocess.run(["espeak-ng", "-w", wav, "-s", "150", SPEECH_TEXT], check=True)
        x, sr = sf.read(wav, dtype="float64", always_2d=False)
    if x.ndim == 2:
        x = x.mean(axis=1)
    return x, sr


def speech_at(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    y = x if sr_in == sr_out else soxr.resample(x, sr_in, sr_out, quality="HQ")
    y = normalise_peak(np.asarray(y, dtype=np.float64), 0.7)
    need = int(round(SPEECH_MIN_SECONDS * sr_out))
    if len(y) < need:
        y = np.concatenate([y, np.zeros(need - len(y))])
    return y


FIXTURES = [
    # (file name, sample rate, subtype, format, description)
    ("tones_16k.wav", 16000, "PCM_16", "WAV",
     "mono, 2.5 s: 0.2 s near-silence (noise ~1e-4), then harmonic tone (f0 glide 180->260 Hz, 5 harmonics) + linear chirp 300->3000 Hz, attack/decay envelope, peak 0.6"),
    ("noise_44k.wav", 44100, "PCM_24", "WAV",
     "mono, 2.0 s: white noise through one-pole low-pass (a=0.95), 3 Hz amplitude modulation, peak 0.5"),
    ("stereo_48k.wav", 48000, "FLOAT", "WAV",
     "stereo, 1.0 s: L = exponential chirp 100->8000 Hz peak 0.4; R = 440 Hz + 880 Hz + low noise, peak 0.3"),
    ("speech_8k_ulaw.wav", 8000, "ULAW", "WAV",
     "mono, espeak-ng speech, soxr HQ resampled from 22050 Hz, peak 0.7, mu-law"),
    ("speech_8k_alaw.wav", 8000, "ALAW", "WAV",
     "mono, espeak-ng speech, soxr HQ resampled from 22050 Hz, peak 0.7, A-law"),
    ("speech_22k.flac", 22050, "PCM_16", "FLAC",
     "mono, espeak-ng speech at 22050 Hz, peak 0.7, FLAC 16-bit"),
    ("short_0p3s.wav", 16000, "PCM_16", "WAV",
     "mono, 0.3 s: 500 Hz tone at 0.3 (for offset-past-the-end tests)"),
    ("stereo_8bit_11k.wav", 11025, "PCM_U8", "WAV",
     "stereo, 1.5 s: L = 330 Hz at 0.5, R = 1250 Hz at 0.4, unsigned 8-bit"),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    # Fixed generation order keeps the RNG stream stable.
    signals = {
        "tones_16k.wav": make_tones_16k(rng),
        "noise_44k.wav": make_noise_44k(rng),
        "stereo_48k.wav": make_stereo_48k(rng),
        "short_0p3s.wav": make_short(rng),
        "stereo_8bit_11k.wav": make_stereo_8bit(rng),
    }
    speech, speech_sr = espeak_speech()
    signals["speech_8k_ulaw.wav"] = speech_at(speech, speech_sr, 8000)
    signals["speech_8k_alaw.wav"] = speech_at(speech, speech_sr, 8000)
    signals["speech_22k.flac"] = speech_at(speech, speech_sr, 22050)

    for name, sr, subtype, fmt, _ in FIXTURES:
        data = np.asarray(signals[name], dtype=np.float64)
        assert np.max(np.abs(data)) < 1.0, name
        sf.write(OUT / name, data, sr, subtype=subtype, format=fmt)
        if fmt == "WAV" and subtype in ("FLOAT", "DOUBLE"):
            zero_peak_timestamp(OUT / name)
        info = sf.info(OUT / name)
        size = (OUT / name).stat().st_size
        print(f"wrote {name}: {info.samplerate} Hz, {info.channels} ch, {info.subtype}, "
              f"{info.frames} frames, {size} bytes")

    espeak_version = subprocess.run(["espeak-ng", "--version"], capture_output=True,
                                    text=True, check=True).stdout.split("Data at:")[0].strip()
    lines = [
        "# Audio fixtures",
        "",
        "Generated by `scripts/reference/make_fixtures.py`; regenerate (together with the",
        "librosa reference arrays in `../reference/`) with `scripts/make-reference`.",
        f"Synthetic signals use `numpy.random.default_rng({SEED})`; the speech clip is",
        f'`espeak-ng -s 150 "{SPEECH_TEXT}"`',
        f"({espeak_version}), padded with silence to at least {SPEECH_MIN_SECONDS} s if shorter.",
        "Output from a different espeak-ng version may differ slightly.",
        "WAV files are written by libsndfile with plain (non-EXTENSIBLE) `fmt ` chunks;",
        "`stereo_48k.wav` also carries `fact` and `PEAK` chunks (PEAK timestamp zeroed),",
        "the u-law/A-law files an 18-byte `fmt ` chunk plus `fact`.",
        "",
        "| File | Container / subtype | Rate (Hz) | Content |",
        "|---|---|---|---|",
    ]
    for name, sr, subtype, fmt, desc in FIXTURES:
        lines.append(f"| `{name}` | {fmt} / {subtype} | {sr} | {desc} |")
    lines.append("")
    (OUT / "README.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
