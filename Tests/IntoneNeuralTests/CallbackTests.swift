import Testing
@testable import IntoneNeural

/// The callbacks' epoch-by-epoch decisions on fixed sequences, worked out with Keras 3's rules.
struct CallbackTests {
    /// min mode, patience 2, min_delta 1e-4 (absolute): 0.9 after best 0.9 is no improvement, nor is
    /// 0.89995 (not below 0.9 − 1e-4); the second non-improving epoch reduces and resets the wait.
    @Test func reduceLROnPlateauFollowsKerasRule() throws {
        var callback = try ReduceLROnPlateau(factor: 0.5, patience: 2)
        var lr: Float = 0.001
        var reductions: [Int] = []
        for (epoch, value) in [1.0, 0.9, 0.95, 0.9, 0.89995, 0.8, 0.81, 0.82].enumerated() {
            if let new = callback.epochEnded(value: value, learningRate: lr) {
                lr = new
                reductions.append(epoch)
            }
        }
        #expect(reductions == [3, 7])
        #expect(abs(lr - 0.00025) < 1e-9)
        #expect(callback.best == 0.8)
        #expect(callback.mode == .min)
    }

    @Test func reduceLROnPlateauCooldownMinimumAndAccuracy() throws {
        // max mode from the name; cooldown 2 skips one epoch after a reduction (Keras decrements the
        // counter before checking it, so cooldown n idles n − 1 epochs); min_lr floors the rate.
        var callback = try ReduceLROnPlateau(monitor: "val_accuracy", factor: 0.1, patience: 1, cooldown: 2, minLearningRate: 0.0005)
        #expect(callback.mode == .max)
        var lr: Float = 0.01
        var history: [Float] = []
        for value in [0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.6] {
            if let new = callback.epochEnded(value: value, learningRate: lr) { lr = new }
            history.append(lr)
        }
        // e0 best 0.5; e1 wait 1 → 0.001, counter 2; e2 counter 1, idle; e3 counter 0, wait 1 →
        // max(1e-4, 5e-4); e4 idle; e5 wait 1 but lr is already min_lr: no change; e6 improves.
        #expect(close(history, [0.01, 0.001, 0.001, 0.0005, 0.0005, 0.0005, 0.0005], tolerance: 1e-9))
        #expect(callback.epochEnded(value: nil, learningRate: lr) == nil)
        #expect(throws: NeuralError.self) { try ReduceLROnPlateau(factor: 1) }
    }

    @Test func earlyStoppingStopsAfterPatienceAndRestoresBest() {
        var callback = EarlyStopping(patience: 2, restoreBestWeights: true)
        var log: [[EarlyStopping.Directive]] = []
        for (epoch, value) in [1.0, 0.8, 0.85, 0.9].enumerated() { log.append(callback.epochEnded(epoch, value: value)) }
        #expect(log == [[.snapshotWeights], [.snapshotWeights], [], [.stopTraining]])
        #expect(callback.bestEpoch == 1 && callback.stoppedEpoch == 3)
        #expect(callback.shouldRestoreBestWeights)
    }

    @Test func earlyStoppingMinDeltaPatienceZeroAndBaseline() {
        // patience 0 stops at the first epoch (after the 0th) without improvement; min_delta 0.05 makes
        // 0.97 after 1.0 no improvement.
        var quick = EarlyStopping(minDelta: 0.05, patience: 0)
        #expect(quick.epochEnded(0, value: 1.0) == [])
        #expect(quick.epochEnded(1, value: 0.97) == [.stopTraining])
        // A baseline 0.5 never beaten: improvements over best do not reset the wait.
        var baseline = EarlyStopping(patience: 2, baseline: 0.5)
        #expect(baseline.epochEnded(0, value: 0.8) == [])
        #expect(baseline.epochEnded(1, value: 0.7) == [])
        #expect(baseline.epochEnded(2, value: 0.75) == [.stopTraining])
        // max mode for accuracy, warm-up epochs ignored.
        var accuracy = EarlyStopping(monitor: "val_accuracy", patience: 1, startFromEpoch: 2)
        #expect(accuracy.epochEnded(0, value: 0.9) == [] && accuracy.epochEnded(1, value: 0.1) == [])
        #expect(accuracy.epochEnded(2, value: 0.5) == [])
        #expect(accuracy.epochEnded(3, value: 0.6) == [])
        #expect(accuracy.epochEnded(4, value: 0.6) == [.stopTraining])
        #expect(accuracy.best == 0.6 && accuracy.bestEpoch == 3)
    }

    @Test func bestCheckpointKeepsFirstOfTies() {
        var best = BestCheckpoint()
        let saves = [0.5, 0.7, 0.7, 0.6, 0.8].enumerated().map { best.epochEnded($0, value: $1) }
        #expect(saves == [true, true, false, false, true])
        #expect(best.bestEpoch == 4 && best.best == 0.8)
        var loss = BestCheckpoint(monitor: "val_loss")
        #expect(loss.epochEnded(0, value: 1) && !loss.epochEnded(1, value: 2) && loss.epochEnded(2, value: 0.5))
    }
}
