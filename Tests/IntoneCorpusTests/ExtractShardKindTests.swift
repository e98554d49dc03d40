import Testing
import IntoneCorpus
import IntoneEngine
import IntoneFeatures
import IntoneTestSupport

/// The extraction task kind's codecs.
struct ExtractShardKindTests {
    @Test func parametersAndOutputRoundTripThroughTheCodec() throws {
        let parameters = ExtractShardKind.Parameters(parameters: FeatureStoreParameters(features: FeatureParameters(nMFCC: 20), offset: 0.25, duration: 2),
                                                     seed: 7, shipped: true, skip: [2],
                                                     items: [FeatureRequest(path: "/a/b.wav", sha256: "ab", augmentation: "none"),
                                                             FeatureRequest(path: "c é.flac", sha256: "cd", augmentation: "noise_20")])
        let output = ExtractShardKind.Output(items: [.success(FeatureMatrix(rows: 2, frames: 3, values: [1, -2, 3.5, 4e-7, 5, .greatestFiniteMagnitude])),
                                                     .failure(FeatureComputationError(reason: "not a sound file")), nil],
                                             seconds: 0.125)
        try KindCodecs.check(ExtractShardKind.self, parameters: parameters, output: output)
        #expect(try ExtractShardKind.decode(parameters: ExtractShardKind.encode(parameters: parameters)) == parameters)
        #expect(try ExtractShardKind.decode(output: ExtractShardKind.encode(output: output)) == output)
    }

    @Test func aMatrixOfTheWrongSizeFailsItsItemOnly() throws {
        var wire = ExtractShardKind.encode(output: .init(items: [.success(FeatureMatrix(rows: 1, frames: 2, values: [1, 2])),
                                                                 .success(FeatureMatrix(rows: 1, frames: 1, values: [3]))], seconds: 0))
        wire.blobs[0].removeLast()
        let decoded = try ExtractShardKind.decode(output: wire)
        #expect(decoded.items[0] == .failure(FeatureComputationError(reason: "a worker sent features of the wrong size")))
        #expect(decoded.items[1] == .success(FeatureMatrix(rows: 1, frames: 1, values: [3])))
        #expect(throws: TaskError("a worker sent an unreadable extraction result")) { try ExtractShardKind.decode(output: TaskOutput(body: "{}")) }
    }
}
