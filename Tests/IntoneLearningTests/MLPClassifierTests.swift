import Foundation
import Testing
import IntoneTestSupport
@testable import IntoneLearning
import IntoneRandom

/// scikit-learn's MLPClassifier: backpropagation against finite differences, initialisation, the
/// stopping rules, replay from the seed, and accuracy next to scikit-learn's on a committed dataset.
struct MLPClassifierTests {
    /// A small network with random weights in ±0.8 (`units` = features, hidden..., outputs).
    static func randomNetwork(_ units: [Int], activation: MLPActivation, classCount: Int, seed: UInt64) -> MultilayerPerceptron {
        var r = SeededRandom(seed: seed)
        var coefs: [[Float]] = [], intercepts: [[Float]] = []
        for l in 0..<(units.count - 1) {
            coefs.append((0..<(units[l] * units[l + 1])).map { _ in Float(r.uniform(-0.8, 0.8)) })
            intercepts.append((0..<units[l + 1]).map { _ in Float(r.uniform(-0.3, 0.3)) })
        }
        return MultilayerPerceptron(layerUnits: units, coefs: coefs, intercepts: intercepts, activation: activation, classCount: classCount)
    }

    /// Every weight's and intercept's gradient equals the central difference `(L(θ+h) − L(θ−h)) / 2h`
    /// of the loss (including the L2 term), for each activation and for softmax and logistic outputs.
    /// `h` = 1e-3 keeps relu's kinks out of reach (1e-2 crosses some on this data).
    @Test(arguments: MLPActivation.allCases, [2, 3])
    func backpropagationMatchesFiniteDifferences(_ activation: MLPActivation, _ classes: Int) {
        let units = [4, 5, 3, classes == 2 ? 1 : classes]
        let net = Self.randomNetwork(units, activation: activation, classCount: classes, seed: 42)
        let data = ClassifierChecks.blobs(7, classes: classes, features: 4, separation: 1, seed: 5)
        let alpha = 0.3, h: Float = 1e-3
        let (_, gradients) = net.lossAndGradients(data.features, labels: data.labels, alpha: alpha)
        var worst: Double = 0
        func check(_ analytic: Float, _ perturbed: (Float) -> MultilayerPerceptron) {
            let up = perturbed(h).lossAndGradients(data.features, labels: data.labels, alpha: alpha).loss
            let down = perturbed(-h).lossAndGradients(data.features, labels: data.labels, alpha: alpha).loss
            let numeric = (up - down) / Double(2 * h)
            // float32 losses leave ~1e-7 of noise, ~5e-5 in the quotient: allow 1e-4 absolute + 0.5 %.
            worst = max(worst, abs(numeric - Double(analytic)) / (1e-4 + 5e-3 * abs(numeric)))
        }
        for l in 0..<net.layerCount {
            for j in net.coefs[l].indices {
                check(gradients.coefs[l][j]) { d in var n = net; n.coefs[l][j] += d; return n }
            }
            for j in net.intercepts[l].indices {
                check(gradients.intercepts[l][j]) { d in var n = net; n.intercepts[l][j] += d; return n }
            }
        }
        #expect(worst < 1, "\(activation), \(classes) classes: worst error \(worst) of the allowance")
    }

    @Test func lossIsCrossEntropyPlusHalfAlphaSquaredWeightsOverN() {
        // No hidden layer, zero weights: every class has probability 1/3.
        let net = MultilayerPerceptron(layerUnits: [2, 3], coefs: [[0, 0, 0, 0, 0, 0]], intercepts: [[0, 0, 0]],
                                       activation: .relu, classCount: 3)
        let x = Matrix(rows: 4, columns: 2, values: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(abs(net.lossAndGradients(x, labels: [0, 1, 2, 0], alpha: 5).loss - log(3)) < 1e-6)
        var weighted = net
        weighted.coefs[0] = [1, 0, 0, 0, 0, 2]  // ‖W‖² = 5, but the logits now depend on x
        let probabilities = weighted.probabilities(x)
        var crossEntropy = 0.0
        for (i, y) in [0, 1, 2, 0].enumerated() { crossEntropy -= log(probabilities[i * 3 + y]) }
        let loss = weighted.lossAndGradients(x, labels: [0, 1, 2, 0], alpha: 0.5).loss
        #expect(abs(loss - (crossEntropy / 4 + 0.5 * 0.5 * 5 / 4)) < 1e-5)
    }

    @Test func initialisationIsGlorotUniformLayerByLayer() {
        let relu = MLPClassifier(hiddenLayerSizes: [30, 20]).initialNetwork(features: 10, classCount: 5, seed: 1)
        #expect(relu.layerUnits == [10, 30, 20, 5])
        for l in 0..<3 {
            let bound = Float((6.0 / Double(relu.layerUnits[l] + relu.layerUnits[l + 1])).squareRoot())
            let all = relu.coefs[l] + relu.intercepts[l]
            #expect(all.allSatisfy { abs($0) <= bound })
            #expect(all.map(abs).max()! > 0.9 * bound)  // the whole range is used
        }
        let logistic = MLPClassifier(hiddenLayerSizes: [30], activation: .logistic).initialNetwork(features: 10, classCount: 2, seed: 1)
        #expect(logistic.layerUnits == [10, 30, 1])  // two classes: one logistic output
        #expect(logistic.coefs[0].allSatisfy { abs($0) <= Float((2.0 / 40).squareRoot()) })
    }

    @Test(arguments: [2, 3])
    func learnsBlobsAndProbabilitiesSumToOne(_ classes: Int) throws {
        let train = ClassifierChecks.blobs(300, classes: classes, seed: 1), test = ClassifierChecks.blobs(300, classes: classes, seed: 2)
        let model = try MLPClassifier(hiddenLayerSizes: [16]).fit(train, seed: 3)
        #expect(model.classCount == classes)
        #expect(ClassifierChecks.accuracy(model, test) > 0.85, "\(classes) classes: \(ClassifierChecks.accuracy(model, test))")
        ClassifierChecks.expectRowsSumToOne(model.probabilities(test.features), classes: classes)
    }

    @Test func sameSeedGivesBitIdenticalWeightsAndAnotherSeedDiffers() throws {
        let train = ClassifierChecks.blobs(200, seed: 4), test = ClassifierChecks.blobs(50, seed: 5)
        let mlp = MLPClassifier(hiddenLayerSizes: [12, 8], maxIter: 30)
        let a = try mlp.fitNetwork(train, seed: 9), b = try mlp.fitNetwork(train, seed: 9), c = try mlp.fitNetwork(train, seed: 10)
        #expect(a == b)
        #expect(a.probabilities(test.features) == b.probabilities(test.features))
        #expect(a.coefs != c.coefs)
        #expect(a.probabilities(test.features) != c.probabilities(test.features))
    }

    /// Replays scikit-learn's counter on the logged curve: stop after the first epoch at which more than
    /// `n_iter_no_change` epochs in a row failed to improve on the best by `tol`.
    static func stoppingEpoch(_ values: [Double], higherIsBetter: Bool, tol: Double, patience: Int) -> Int? {
        var best = higherIsBetter ? -Double.infinity : Double.infinity, count = 0
        for (e, v) in values.enumerated() {
            let stalled = higherIsBetter ? v < best + tol : v > best - tol
            count = stalled ? count + 1 : 0
            best = higherIsBetter ? max(best, v) : min(best, v)
            if count > patience { return e + 1 }
        }
        return nil
    }

    @Test func trainingLossPlateauStopsTraining() throws {
        let data = ClassifierChecks.blobs(200, seed: 6)
        let model = try MLPClassifier(hiddenLayerSizes: [8], learningRateInit: 0.05, maxIter: 500, tol: 1e-3).fitNetwork(data, seed: 1)
        #expect(model.log.iterations < 500)
        #expect(model.log.lossCurve.count == model.log.iterations)
        #expect(Self.stoppingEpoch(model.log.lossCurve, higherIsBetter: false, tol: 1e-3, patience: 10) == model.log.iterations)
        #expect(model.log.validationScores.isEmpty)
    }

    /// Early stopping scores the held-out tenth each epoch, stops when it stalls, and keeps the
    /// weights of the best epoch: exactly those of a run cut off at that epoch.
    @Test func earlyStoppingKeepsTheBestValidationEpoch() throws {
        let data = ClassifierChecks.blobs(400, classes: 3, features: 4, separation: 1.2, seed: 7)
        let mlp = MLPClassifier(hiddenLayerSizes: [32], learningRateInit: 0.01, maxIter: 300, earlyStopping: true)
        let model = try mlp.fitNetwork(data, seed: 2)
        let scores = model.log.validationScores
        #expect(scores.count == model.log.iterations)
        #expect(scores.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Self.stoppingEpoch(scores, higherIsBetter: true, tol: 1e-4, patience: 10) == model.log.iterations)
        let bestEpoch = scores.firstIndex(of: scores.max()!)! + 1
        #expect(bestEpoch < model.log.iterations)
        var cut = mlp
        cut.maxIter = bestEpoch
        let truncated = try cut.fitNetwork(data, seed: 2)
        #expect(truncated.coefs == model.coefs && truncated.intercepts == model.intercepts)
        // Without early stopping the same run trains on all rows and ends elsewhere.
        var plain = mlp
        plain.earlyStopping = false
        #expect(try plain.fitNetwork(data, seed: 2).coefs != model.coefs)
    }

    /// `adaptive` (sgd solver) divides the step by 5 at each plateau instead of stopping; adam ignores
    /// the schedule, as scikit-learn does.
    @Test func adaptiveLearningRateDividesByFiveOnPlateaus() throws {
        let data = ClassifierChecks.blobs(200, seed: 8)
        let sgd = MLPClassifier(hiddenLayerSizes: [8], solver: .sgd, learningRateInit: 0.1, maxIter: 400, tol: 1e-3)
        let constant = try sgd.fitNetwork(data, seed: 3)
        var adaptiveSGD = sgd
        adaptiveSGD.learningRate = .adaptive
        let adaptive = try adaptiveSGD.fitNetwork(data, seed: 3)
        #expect(constant.log.finalLearningRate == 0.1)
        #expect(adaptive.log.iterations > constant.log.iterations)
        // Identical until the constant run stops.
        #expect(Array(adaptive.log.lossCurve.prefix(constant.log.iterations)) == constant.log.lossCurve)
        let divisions = (log(0.1 / adaptive.log.finalLearningRate) / log(5)).rounded()
        #expect(divisions >= 1)
        #expect(abs(adaptive.log.finalLearningRate - 0.1 / pow(5, divisions)) < 1e-15)

        let adam = MLPClassifier(hiddenLayerSizes: [8], maxIter: 50)
        var adamAdaptive = adam
        adamAdaptive.learningRate = .adaptive
        #expect(try adam.fitNetwork(data, seed: 3) == adamAdaptive.fitNetwork(data, seed: 3))
    }

    @Test func invalidParametersAreRejectedWithTheirNames() {
        let data = ClassifierChecks.blobs(30, seed: 1)
        let cases: [(MLPClassifier, String)] = [
            (MLPClassifier(hiddenLayerSizes: [0]), "hidden_layer_sizes"), (MLPClassifier(hiddenLayerSizes: [8, -1]), "hidden_layer_sizes"),
            (MLPClassifier(alpha: -1e-4), "alpha"), (MLPClassifier(batchSize: 0), "batch_size"),
            (MLPClassifier(learningRateInit: 0), "learning_rate_init"), (MLPClassifier(maxIter: 0), "max_iter"),
            (MLPClassifier(tol: -1), "tol"), (MLPClassifier(momentum: 1.5), "momentum"),
            (MLPClassifier(validationFraction: 1), "validation_fraction"), (MLPClassifier(beta1: 1), "beta_1"),
            (MLPClassifier(beta2: -0.1), "beta_2"), (MLPClassifier(epsilon: 0), "epsilon"),
            (MLPClassifier(nIterNoChange: 0), "n_iter_no_change"),
        ]
        for (mlp, word) in cases {
            #expect { try mlp.fit(data, seed: 0) } throws: { ($0 as? LearningError)?.reason.contains(word) == true }
        }
        let oneClass = Dataset(features: Matrix(rows: 3, columns: 1, values: [1, 2, 3]), labels: [2, 2, 2], classCount: 3)
        #expect(throws: LearningError.self) { try MLPClassifier().fit(oneClass, seed: 0) }
        let tiny = ClassifierChecks.blobs(6, seed: 1)  // 10 % of 6 is one validation sample for three classes
        #expect(throws: LearningError.self) { try MLPClassifier(earlyStopping: true).fit(tiny, seed: 0) }
        let nan = Dataset(features: Matrix(rows: 4, columns: 1, values: [1, .nan, 3, 2]), labels: [0, 1, 0, 1], classCount: 2)
        #expect { try MLPClassifier().fit(nan, seed: 0) } throws: { ($0 as? LearningError)?.reason.contains("NaN or infinity") == true }
        // No hidden layer is allowed (multinomial logistic regression), as in scikit-learn.
        #expect(throws: Never.self) { try MLPClassifier(hiddenLayerSizes: [], maxIter: 5).fit(data, seed: 0) }
    }

    /// Mean test accuracy over seeds 0..9 within 3 points of scikit-learn's mean over random_state 0..9
    /// (hidden (64,), alpha 1e-4, adam, max_iter 200).
    @Test func accuracyMatchesScikitLearnOnCommittedBlobs() throws {
        let (train, test) = try SklearnBlobs.standardised()
        let reference = try SklearnBlobs.report().mlp
        let mlp = MLPClassifier(hiddenLayerSizes: [64], alpha: reference.alpha, maxIter: 200)
        var ours: [Double] = [], epochs: [Int] = []
        let start = ContinuousClock.now
        for seed in try SklearnBlobs.report().random_states {
            let model = try mlp.fitNetwork(train, seed: UInt64(seed))
            ours.append(ClassifierChecks.accuracy(model, test))
            epochs.append(model.log.iterations)
        }
        let seconds = (ContinuousClock.now - start) / ContinuousClock.Duration.seconds(Double(ours.count))
        let mean = ours.reduce(0, +) / Double(ours.count)
        print("MLP (64,): ours \(mean) (seed 0: \(ours[0]), epochs \(epochs)), sklearn \(reference.mean_accuracy) "
              + "(random_state 0: \(reference.accuracy_random_state_0)), fit \(seconds)")
        #expect(abs(mean - reference.mean_accuracy) <= 0.03, "\(mean) vs \(reference.mean_accuracy)")
    }
}
