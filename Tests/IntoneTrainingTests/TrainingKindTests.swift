import Testing
import IntoneEngine
import IntoneNeural
@testable import IntoneTraining
import IntoneTestSupport

/// The data-parallel training task kinds' codecs.
struct TrainingKindTests {
    @Test func gradientShardsRoundTripThroughTheCodec() throws {
        let parameters = GradientShardKind.Parameters(config: "name: cnn\nlayers: []\n", inputShape: [130, 40], labels: [0, 6, 3],
                                                      classWeights: [1, 0.5, 2, 1, 1, 1, 3.25], seed: 11, epoch: 2, batch: 17, shard: 1, shards: 3)
        let output = ShardGradients(gradients: [0.5, -1e-8, .leastNonzeroMagnitude], state: [2, 3], lossSum: 1.0 / 3.0, correct: 2, count: 3)
        try KindCodecs.check(GradientShardKind.self, parameters: parameters, output: output)
        #expect(try GradientShardKind.decode(parameters: GradientShardKind.encode(parameters: parameters)) == parameters)
        #expect(try GradientShardKind.decode(output: GradientShardKind.encode(output: output)) == output)
    }

    @Test func replicaEpochsRoundTripThroughTheCodec() throws {
        let plan = ReplicaEpochPlan(epoch: 3, batchSize: 64, shards: 3, ownedShards: [1], seed: 5, checkEvery: 50, syncBatchNorm: true)
        let parameters = ReplicaEpochKind.Parameters(
            config: "name: cnn-lstm\n", inputShape: [130, 40], labels: [1, 2, 3], classWeights: nil, plan: plan, rank: 1,
            members: ["tcp://10.0.0.2:4000 curve:abc", "tcp://10.0.0.3:4000 curve:def"], session: "3-1-2", timeout: 30,
            optimizer: .adam(Adam(learningRate: 0.001)), parameterCount: 1000, stateCount: 20, examplesPerPage: 512, sendsEnd: true,
            validationLabels: [4, 5], validationChunk: 64, trainPages: 1, run: "42", startFingerprint: 0xdead_beef, startShipped: false)
        let totals = ReplicaEpochTotals(lossSum: 12.5, correct: 40, count: 64, steps: 3, computeSeconds: 0.2, communicationSeconds: 0.01, fingerprint: 7)
        let output = ReplicaEpochKind.Output(reply: .init(totals: totals, validation: [.init(index: 0, loss: 1.25, correct: 30, count: 64)],
                                                          optimizer: .adam(Adam(learningRate: 0.0005))),
                                             end: [1, 2, 3, 4, 5, 6, 7, 8])
        try KindCodecs.check(ReplicaEpochKind.self, parameters: parameters, output: output)
        let back = try ReplicaEpochKind.decode(output: ReplicaEpochKind.encode(output: output))
        #expect(back.reply.totals == totals && back.end == output.end)
        #expect(ReplicaEpochKind.task(id: "r", parameters, pinnedTo: "w1").isPure == false)
        try KindCodecs.check(ReplicaPrefetchKind.self, parameters: .init(), output: .init())
    }
}
