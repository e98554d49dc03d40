// swift-tools-version: 6.0
//
// Fuzz targets for Intone's decoders of untrusted bytes, built with libFuzzer and AddressSanitizer:
//
//   swift build -c release -Xswiftc -sanitize=fuzzer,address --package-path Tests/Fuzz
//   INTONE_FUZZ_TARGET=npy Tests/Fuzz/.build/release/intone-fuzz Tests/Fuzz/Corpus/npy -max_total_time=60
//
// scripts/fuzz does both for every target. A package of its own: without -sanitize=fuzzer its
// executable has no main, so the main package's `swift build` must not see it.
import PackageDescription

let package = Package(
    name: "IntoneFuzz",
    dependencies: [.package(name: "Intone", path: "../..")],
    targets: [
        .executableTarget(
            name: "intone-fuzz",
            dependencies: [.product(name: "IntoneFuzzable", package: "Intone")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
