// swift-tools-version: 6.0
//
// Intone: speech-emotion recognition at cluster scale.
//
// Targets, from the C libraries up to the command line (dependencies point one way):
//   C shims         CSndfile, CSoxr, CFFTW, COpenBLAS, CZMQ, CSQLite (Debian -dev packages, see scripts/setup), CMalloc (glibc)
//   IntoneRandom    seeded randomness (every random stream named by run seed + purpose)
//   IntoneFormats   files and bytes other tools read: NumPy .npy, CSV, canonical JSON, SVG charts, SHA-256, byte layouts
//   IntoneAudio     decode any libsndfile format, stream long files, resample with soxr
//   IntoneFeatures  STFT, mel, MFCC and friends, librosa-compatible (takes samples, not paths)
//   IntoneConfig    YAML config files: typed reading with the line of anything wrong (`file:line: reason`)
//   IntoneEngine    the task engine: task kinds and their registry, placements (threads here; the cluster's
//                   workers implement the same protocol), gangs, result slots
//   IntoneCorpus    corpus catalogues, the synthetic corpus, splits, augmentation, the feature store and its `extract` task kind
//   IntoneLearning  matrices on BLAS, classic classifiers (scikit-learn's six), metrics, model weights
//   IntoneNeural    deep-learning layers (Conv1D, LSTM, ...) on flat parameter buffers, optimizers, callbacks, Keras-compatible
//   IntoneModels    model folders (classic and deep), Keras layer JSON, model bundles: what predict, score, sweep and train load and save
//   IntoneTraining  deep-model configs (YAML), batches from the feature store, the training loop, checkpoints, run outputs,
//                   data-parallel training (`gradients`, `replica-epoch`, `replica-prefetch` task kinds, the ring's job side)
//   IntoneSweep     sweep specs (YAML), classic trials and their `trial` task kind, deep trials on worker groups with
//                   asynchronous successive halving, cross-validation, the best-parameter artifact
//   IntoneScoring   calls cut into chunks and windows, voice activity, per-window and per-call results, the `score` task kind
//   IntoneCluster   ZeroMQ sockets, the wire protocol, the coordinator state machine (pure), coordinator / worker / client
//                   shells, CurveZMQ, metrics, the ring allreduce, the journal of detached jobs (SQLite); knows jobs,
//                   tasks, blobs and workers, no job kind
//   intone          the command line (chooses the placement; the worker registers every task kind)
//   intone-bench    benchmarks (always run with -c release)
import PackageDescription

let package = Package(
    name: "Intone",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "intone", targets: ["intone"]),
        .library(name: "IntoneAudio", targets: ["IntoneAudio"]),
        .library(name: "IntoneFeatures", targets: ["IntoneFeatures"]),
        // What the fuzz targets (Tests/Fuzz, a package of their own built with -sanitize=fuzzer) call.
        .library(name: "IntoneFuzzable", targets: ["IntoneFormats", "IntoneCluster", "IntoneModels", "IntoneSweep", "IntoneTraining", "IntoneConfig", "IntoneEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // SHA-256 for content hashes (BoringSSL's, with the CPU's SHA instructions where present).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: C libraries (Debian packages)
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // libzmq's .pc adds -isystem flags SwiftPM refuses; zmq.h is in /usr/include.
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // glibc's <malloc.h> (mallopt), which Foundation's Glibc module does not export, and stdout's buffering.
        .systemLibrary(name: "CMalloc"),

        // MARK: Libraries
        .target(name: "IntoneRandom"),
        .target(name: "IntoneFormats", dependencies: ["CMalloc", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "IntoneAudio", dependencies: ["CSndfile", "CSoxr"]),
        .target(name: "IntoneFeatures", dependencies: ["CFFTW", "CMalloc"]),
        .target(name: "IntoneEngine", dependencies: ["IntoneFormats"]),
        .target(name: "IntoneConfig", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "IntoneCorpus", dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneRandom", "IntoneEngine"]),
        .target(name: "IntoneLearning", dependencies: ["COpenBLAS", "IntoneRandom", "IntoneFormats"]),
        .target(name: "IntoneNeural", dependencies: ["COpenBLAS", "IntoneRandom", "IntoneLearning"]),
        .target(name: "IntoneModels", dependencies: ["IntoneLearning", "IntoneNeural", "IntoneCorpus", "IntoneFeatures", "IntoneFormats"]),
        .target(name: "IntoneTraining", dependencies: [
            "IntoneNeural", "IntoneModels", "IntoneConfig", "IntoneLearning", "IntoneCorpus", "IntoneFeatures", "IntoneFormats", "IntoneRandom",
            "IntoneEngine", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "IntoneSweep", dependencies: [
            "IntoneLearning", "IntoneModels", "IntoneTraining", "IntoneNeural", "IntoneConfig", "IntoneCorpus", "IntoneEngine", "IntoneFormats",
            "IntoneRandom", "IntoneFeatures", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "IntoneScoring", dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneModels", "IntoneFormats", "IntoneEngine"]),
        // The cluster moves bytes for any task kind: it imports the engine and nothing of audio, features, corpora,
        // learning, models, sweeps, scoring or training.
        .target(name: "IntoneCluster", dependencies: ["CZMQ", "CSQLite", "IntoneEngine", "IntoneFormats"]),

        // MARK: Executables
        .executableTarget(
            name: "intone",
            dependencies: [
                "CMalloc", "IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneCorpus", "IntoneRandom", "IntoneEngine",
                "IntoneLearning", "IntoneModels", "IntoneSweep", "IntoneCluster", "IntoneScoring", "IntoneNeural", "IntoneTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "intone-bench",
            dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneEngine", "IntoneCluster"]
        ),

        // MARK: Tests
        .target(name: "IntoneTestSupport", dependencies: ["IntoneFormats", "IntoneEngine"], path: "Tests/IntoneTestSupport"),
        .testTarget(name: "IntoneAudioTests", dependencies: ["IntoneTestSupport", "IntoneAudio", "IntoneFormats"]),
        .testTarget(name: "IntoneFeaturesTests", dependencies: ["IntoneTestSupport", "IntoneFeatures", "IntoneAudio", "IntoneFormats"]),
        .testTarget(name: "IntoneFormatsTests", dependencies: ["IntoneTestSupport", "IntoneFormats"]),
        .testTarget(name: "IntoneRandomTests", dependencies: ["IntoneRandom"]),
        .testTarget(name: "IntoneCorpusTests", dependencies: ["IntoneTestSupport", "IntoneCorpus", "IntoneEngine", "IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneRandom"]),
        .testTarget(name: "IntoneLearningTests", dependencies: ["IntoneTestSupport", "IntoneLearning", "IntoneRandom", "IntoneFormats"]),
        .testTarget(name: "IntoneTrainingTests", dependencies: ["IntoneTestSupport", "IntoneTraining", "IntoneEngine", "IntoneNeural", "IntoneSweep", "IntoneCorpus", "IntoneFormats", "IntoneConfig"]),
        .testTarget(name: "IntoneNeuralTests", dependencies: ["IntoneNeural", "IntoneTestSupport", "IntoneFormats", "IntoneRandom"]),
        .testTarget(name: "IntoneEngineTests", dependencies: ["IntoneTestSupport", "IntoneEngine", "IntoneFormats"]),
        .testTarget(name: "IntoneModelsTests", dependencies: ["IntoneTestSupport", "IntoneModels", "IntoneLearning", "IntoneCorpus", "IntoneFormats", "IntoneNeural", "IntoneFeatures", "IntoneRandom"]),
        .testTarget(name: "IntoneSweepTests", dependencies: ["IntoneTestSupport", "IntoneSweep", "IntoneTraining", "IntoneEngine", "IntoneLearning", "IntoneCorpus", "IntoneFormats", "IntoneNeural", "IntoneFeatures", "IntoneRandom"]),
        .testTarget(name: "IntoneScoringTests", dependencies: ["IntoneScoring", "IntoneEngine", "IntoneModels"]),
        .testTarget(name: "IntoneClusterTests", dependencies: ["IntoneTestSupport", "IntoneCluster", "IntoneEngine", "IntoneFormats"]),
        .testTarget(name: "IntoneCLITests", dependencies: ["IntoneTestSupport", "IntoneFormats", "IntoneAudio", "IntoneFeatures", "IntoneScoring", "IntoneModels", "IntoneSweep", "IntoneNeural", "IntoneCluster"]),
    ],
    swiftLanguageModes: [.v6]
)
