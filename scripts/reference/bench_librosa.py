"""librosa's side of scripts/bench-features: the same clips, the same work, one core.

Prints lines shaped like intone-bench's so the two can be read side by side:
files per second for librosa.load(sr=22050) + librosa.feature.mfcc(n_mfcc=40), and the
per-clip cost of each step. Thread pools are pinned to one thread by the caller's environment.
"""
import os
import sys
import time
import warnings

import numpy as np
import librosa
import soundfile as sf

warnings.filterwarnings("ignore")


def best(passes, fn):
    times = []
    for _ in range(passes):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    folder = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".wav", ".flac")))
    n = len(files)
    audio_seconds = sum(sf.info(f).duration for f in files)
    for f in files[:5]:  # warm-up (numba JIT, caches)
        y, sr = librosa.load(f, sr=22050)
        librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)

    def end_to_end():
        for f in files:
            y, sr = librosa.load(f, sr=22050)
            librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)

    def decode():
        for f in files:
            librosa.load(f, sr=None)

    native = [librosa.load(f, sr=None) for f in files]

    def resample():
        for y, sr in native:
            librosa.resample(y, orig_sr=sr, target_sr=22050)

    decoded = [librosa.resample(y, orig_sr=sr, target_sr=22050) for y, sr in native]

    def features():
        for y in decoded:
            librosa.feature.mfcc(y=y, sr=22050, n_mfcc=40)

    def stft():
        for y in decoded:
            np.abs(librosa.stft(y)) ** 2

    e2e = best(passes, end_to_end)
    t_dec = best(passes, decode)
    t_res = best(passes, resample)
    t_feat = best(passes, features)
    t_stft = best(passes, stft)
    ms = lambda s: f"{s / n * 1000:.3f}"
    print(f"librosa {librosa.__version__}: {n} clips, one core, best of {passes} passes")
    print(f"librosa end-to-end (decode + resample + MFCC): {n / e2e:.0f} files/s/core, {audio_seconds / e2e:.0f}x real time")
    print(f"librosa per clip ms: decode {ms(t_dec)}, resample {ms(t_res)}, STFT {ms(t_stft)}, STFT+mel+dB+DCT {ms(t_feat)}")
    print(f"librosa STFT + mel + MFCC on decoded audio: {audio_seconds / t_feat:.0f}x real time")


if __name__ == "__main__":
    main()
