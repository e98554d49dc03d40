// swift-tools-version: 6.0
//
// Intone: speech-emotion recognition at cluster scale.
//
// Targets, from the C libraries up to the command line (dependencies point one way):
//   C shims      CSndfile, CSoxr, CFFTW, COpenBLAS, CZMQ   (Debian -dev packages, see scripts/setup), CMalloc (glibc)
//   IntoneAudio     decode any libsndfile format, stream long files, resample with soxr
//   IntoneFeatures  STFT, mel, MFCC and friends, librosa-compatible (takes samples, not paths)
//   IntoneRandom    seeded randomness (every random stream named by run seed + purpose)
//   IntoneFormats   files other tools open: NumPy .npy, CSV; content hashes
//   IntoneEngine    running tasks: locally on threads (the cluster places the same tasks on workers)
//   IntoneCorpus    corpus catalogues, the synthetic corpus, splits, augmentation, the feature store
//   IntoneLearning  matrices on BLAS, classic classifiers (scikit-learn's six), metrics
//   IntoneNeural    deep-learning layers (Conv1D, LSTM, ...) on flat parameter buffers, Keras-compatible
//   IntoneSweep     sweep specs (YAML), trials, cross-validation, the best-parameter artifact, model files (classic and deep)
//   IntoneTraining  deep-model configs (YAML), batches from the feature store, the training loop, checkpoints, run outputs
//   IntoneCluster   ZeroMQ sockets (grows into the coordinator / worker protocol)
//   intone          the command line
//   intone-bench    benchmarks (always run with -c release)
import PackageDescription

let package = Package(
    name: "Intone",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "intone", targets: ["intone"]),
        .library(name: "IntoneAudio", targets: ["IntoneAudio"]),
        .library(name: "IntoneFeatures", targets: ["IntoneFeatures"]),
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
        // glibc's <malloc.h> (mallopt), which Foundation's Glibc module does not export.
        .systemLibrary(name: "CMalloc"),

        // MARK: Libraries
        .target(name: "IntoneRandom"),
        .target(name: "IntoneAudio", dependencies: ["CSndfile", "CSoxr"]),
        .target(name: "IntoneFeatures", dependencies: ["CFFTW", "CMalloc"]),
        .target(name: "IntoneFormats", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "IntoneEngine"),
        .target(name: "IntoneCorpus", dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneRandom", "IntoneEngine"]),
        .target(name: "IntoneLearning", dependencies: ["COpenBLAS", "IntoneRandom", "IntoneFormats"]),
        .target(name: "IntoneNeural", dependencies: ["COpenBLAS", "IntoneRandom", "IntoneLearning"]),
        .target(name: "IntoneSweep", dependencies: [
            "IntoneLearning", "IntoneNeural", "IntoneCorpus", "IntoneEngine", "IntoneFormats", "IntoneRandom", "IntoneFeatures",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "IntoneTraining", dependencies: [
            "IntoneNeural", "IntoneSweep", "IntoneLearning", "IntoneCorpus", "IntoneFeatures", "IntoneFormats", "IntoneRandom",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "IntoneScoring", dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneSweep", "IntoneFormats", "IntoneEngine"]),
        .target(name: "IntoneCluster", dependencies: ["CZMQ", "IntoneSweep", "IntoneLearning", "IntoneFormats", "IntoneCorpus", "IntoneScoring", "IntoneEngine",
                                                      "IntoneNeural", "IntoneTraining"]),

        // MARK: Executables
        .executableTarget(
            name: "intone",
            dependencies: [
                "IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneCorpus", "IntoneRandom", "IntoneEngine",
                "IntoneLearning", "IntoneSweep", "IntoneCluster", "IntoneScoring", "IntoneNeural", "IntoneTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "intone-bench",
            dependencies: ["IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneCluster"]
        ),

        // MARK: Tests
        .target(name: "IntoneTestSupport", dependencies: ["IntoneFormats"], path: "Tests/IntoneTestSupport"),
        .testTarget(name: "IntoneAudioTests", dependencies: ["IntoneTestSupport", "IntoneAudio", "IntoneFormats"]),
        .testTarget(name: "IntoneFeaturesTests", dependencies: ["IntoneTestSupport", "IntoneFeatures", "IntoneAudio", "IntoneFormats"]),
        .testTarget(name: "IntoneFormatsTests", dependencies: ["IntoneTestSupport", "IntoneFormats"]),
        .testTarget(name: "IntoneRandomTests", dependencies: ["IntoneRandom"]),
        .testTarget(name: "IntoneCorpusTests", dependencies: ["IntoneTestSupport", "IntoneCorpus", "IntoneAudio", "IntoneFeatures", "IntoneFormats", "IntoneRandom"]),
        .testTarget(name: "IntoneLearningTests", dependencies: ["IntoneTestSupport", "IntoneLearning", "IntoneRandom", "IntoneFormats"]),
        .testTarget(name: "IntoneTrainingTests", dependencies: ["IntoneTestSupport", "IntoneTraining", "IntoneNeural", "IntoneSweep", "IntoneCorpus", "IntoneFormats"]),
        .testTarget(name: "IntoneNeuralTests", dependencies: ["IntoneNeural", "IntoneTestSupport", "IntoneFormats", "IntoneRandom"]),
        .testTarget(name: "IntoneSweepTests", dependencies: ["IntoneTestSupport", "IntoneSweep", "IntoneLearning", "IntoneCorpus", "IntoneFormats", "IntoneNeural", "IntoneFeatures", "IntoneRandom"]),
        .testTarget(name: "IntoneScoringTests", dependencies: ["IntoneScoring"]),
        .testTarget(name: "IntoneClusterTests", dependencies: ["IntoneTestSupport", "IntoneCluster", "IntoneFormats"]),
        .testTarget(name: "IntoneCLITests", dependencies: ["IntoneTestSupport", "IntoneFormats", "IntoneAudio", "IntoneFeatures", "IntoneScoring", "IntoneSweep", "IntoneNeural"]),
    ],
    swiftLanguageModes: [.v6]
)
