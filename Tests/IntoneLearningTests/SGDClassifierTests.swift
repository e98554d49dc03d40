import Foundation
import Testing
import IntoneTestSupport
import IntoneFormats
import IntoneLearning
import IntoneRandom

/// The committed scikit-learn comparison (`scripts/reference/sklearn_blobs.py`): 7 overlapping blobs,
/// 600 training and 600 test samples of 40 features, and scikit-learn's test accuracies. Shared by the
/// SGD and MLP tests.
enum SklearnBlobs {
    struct Accuracies: Decodable {
        var loss: String?
        var penalty: String?
        var alpha: Double
        var accuracies: [Double]
        var mean_accuracy: Double
        var accuracy_random_state_0: Double
    }

    struct Report: Decodable {
        var sklearn_version: String
        var random_states: [Int]
        var sgd: [Accuracies]
        var mlp: Accuracies
    }

    static func path(_ name: String) -> String { Fixtures.root.appendingPathComponent("learning/\(name)").path }

    static func dataset(_ split: String) throws -> Dataset {
        let x = try NPYFile.read(path: path("blobs.\(split).npy"))
        let y = try NPYFile.read(path: path("blobs.\(split)_labels.npy"))
        return Dataset(features: Matrix(rows: x.shape[0], columns: x.shape[1], values: x.values),
                       labels: y.values.map { Int($0) }, classCount: 7)
    }

    /// Training and test sets, standardised with the training set's statistics (as the script does).
    static func standardised() throws -> (train: Dataset, test: Dataset) {
        var train = try dataset("train"), test = try dataset("test")
        let scaler = StandardScaler(fitting: train.features)
        train.features = scaler.transform(train.features)
        test.features = scaler.transform(test.features)
        return (train, test)
    }

    static func report() throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path("sklearn_accuracy.json"))))
    }
}

/// Synthetic data and checks shared by the SGD and MLP tests.
enum ClassifierChecks {
    /// `classes` Gaussian blobs in `features` dimensions: class c has mean `separation` on feature
    /// `c % features`, 0 elsewhere, unit variance; samples cycle through the classes.
    static func blobs(_ n: Int, classes: Int = 3, features: Int = 4, separation: Double = 2.5, seed: UInt64) -> Dataset {
        var r = SeededRandom(seed: seed)
        var x: [Float] = [], y: [Int] = []
        for i in 0..<n {
            let c = i % classes
            for j in 0..<features { x.append(Float(r.normal(mean: j == c % features ? separation : 0, sd: 1))) }
            y.append(c)
        }
        return Dataset(features: Matrix(rows: n, columns: features, values: x), labels: y, classCount: classes)
    }

    /// Fraction of `data` the model predicts right (through the protocol: argmax of probabilities).
    static func accuracy(_ model: any TrainedClassifier, _ data: Dataset) -> Double {
        ClassificationReport(truth: data.labels, predicted: model.predict(data.features), classCount: data.classCount).accuracy
    }

    /// Every row of `p` lies in [0, 1] and sums to 1 within 1e-9.
    static func expectRowsSumToOne(_ p: [Double], classes: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        for i in 0..<(p.count / classes) {
            let row = p[(i * classes)..<((i + 1) * classes)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-9, sourceLocation: sourceLocation)
            #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 }, sourceLocation: sourceLocation)
        }
    }
}

/// scikit-learn's SGDClassifier: the update rule, probabilities, one-vs-rest, validation, and accuracy
/// next to scikit-learn's on a committed dataset.
struct SGDClassifierTests {
    @Test(arguments: SGDLoss.allCases, SGDPenalty.allCases)
    func learnsBlobsWithEveryLossAndPenalty(_ loss: SGDLoss, _ penalty: SGDPenalty) throws {
        let train = ClassifierChecks.blobs(300, seed: 1), test = ClassifierChecks.blobs(300, seed: 2)
        let model = try SGDClassifier(loss: loss, penalty: penalty, alpha: 1e-3).fit(train, seed: 3)
        #expect(ClassifierChecks.accuracy(model, test) > 0.85, "\(loss) \(penalty): \(ClassifierChecks.accuracy(model, test))")
        ClassifierChecks.expectRowsSumToOne(model.probabilities(test.features), classes: 3)
    }

    @Test func sameSeedReplaysAndAnotherSeedDiffers() throws {
        let train = ClassifierChecks.blobs(200, seed: 4), test = ClassifierChecks.blobs(50, seed: 5)
        let sgd = SGDClassifier(loss: .logLoss)
        let a = try sgd.fit(train, seed: 7), b = try sgd.fit(train, seed: 7), c = try sgd.fit(train, seed: 8)
        #expect(a.probabilities(test.features) == b.probabilities(test.features))
        #expect(a.probabilities(test.features) != c.probabilities(test.features))
        // Without shuffling the seed plays no part.
        let fixed = SGDClassifier(loss: .logLoss, shuffle: false)
        #expect(try fixed.fit(train, seed: 7).probabilities(test.features) == fixed.fit(train, seed: 8).probabilities(test.features))
    }

    /// Two samples, no shuffling, two epochs: the weights follow scikit-learn's `_plain_sgd` step by step
    /// (optimal step size with its t₀ heuristic, weight decay, truncated-gradient L1, intercept).
    @Test(arguments: SGDLoss.allCases)
    func updatesFollowScikitLearnsPlainSGD(_ loss: SGDLoss) throws {
        let x: [[Double]] = [[0.5, -1.5], [-1, 0.25]]
        let labels = [1, 0]
        let data = Dataset(features: Matrix(rows: 2, columns: 2, values: x.flatMap { $0.map(Float.init) }), labels: labels, classCount: 2)
        let alpha = 0.05, rho = 0.15
        let model = try SGDClassifier(loss: loss, penalty: .elasticnet, alpha: alpha, l1Ratio: rho, maxIter: 2, tol: nil, shuffle: false)
            .fitLinear(data, seed: 0)

        // The obvious implementation, written out.
        var w = [0.0, 0.0], q = [0.0, 0.0], b = 0.0, u = 0.0, t = 1.0
        let typw = (1 / alpha.squareRoot()).squareRoot()
        let t0 = 1 / (typw * alpha)
        for _ in 0..<2 {
            for i in 0..<2 {
                let y = labels[i] == 1 ? 1.0 : -1.0
                let p = w[0] * x[i][0] + w[1] * x[i][1] + b
                let eta = 1 / (alpha * (t0 + t - 1))
                let z = y * p
                let dloss: Double = switch loss {
                case .hinge: z <= 1 ? -y : 0
                case .logLoss: -y / (1 + exp(z))
                case .modifiedHuber: z >= 1 ? 0 : (z >= -1 ? -2 * y * (1 - z) : -4 * y)
                }
                let update = -eta * dloss
                for j in 0..<2 { w[j] *= max(0, 1 - (1 - rho) * eta * alpha) }
                for j in 0..<2 { w[j] += update * x[i][j] }
                b += update
                u += rho * eta * alpha
                for j in 0..<2 {
                    let old = w[j]
                    if old > 0 { w[j] = max(0, old - (u + q[j])) } else if old < 0 { w[j] = min(0, old + (u - q[j])) }
                    q[j] += w[j] - old
                }
                t += 1
            }
        }
        #expect(model.iterations == 2)
        #expect(model.outputs == 1)
        for j in 0..<2 { #expect(abs(model.coefficients[j] - w[j]) < 1e-12, "w[\(j)]: \(model.coefficients[j]) vs \(w[j])") }
        #expect(abs(model.intercepts[0] - b) < 1e-12)
    }

    @Test func probabilitiesFollowScikitLearnsPredictProba() {
        // Decision values of one row are (2, −0.5, −3): coefficients are the identity and x is those values.
        let x = Matrix(rows: 2, columns: 3, values: [2, -0.5, -3, -2, -4, -1.5])
        func model(_ mapping: LinearModel.ProbabilityMapping) -> LinearModel {
            LinearModel(coefficients: [1, 0, 0, 0, 1, 0, 0, 0, 1], intercepts: [0, 0, 0], featureCount: 3, classCount: 3,
                        mapping: mapping, iterations: 1)
        }
        let s = { (v: Double) in 1 / (1 + exp(-v)) }
        let logistic = model(.normalisedLogistic).probabilities(x)
        let total = s(2) + s(-0.5) + s(-3)
        #expect(abs(logistic[0] - s(2) / total) < 1e-12 && abs(logistic[2] - s(-3) / total) < 1e-12)
        // modified_huber: (clip(d) + 1)/2 = (1, 0.25, 0) → normalised; second row clips to all zeros → uniform.
        let huber = model(.clippedLinear).probabilities(x)
        #expect(huber[0..<3].map { ($0 * 1e12).rounded() / 1e12 } == [0.8, 0.2, 0])
        #expect(huber[3..<6].allSatisfy { abs($0 - 1.0 / 3) < 1e-15 })
        let soft = model(.softmax).probabilities(x)
        let z = exp(2.0) + exp(-0.5) + exp(-3.0)
        #expect(abs(soft[1] - exp(-0.5) / z) < 1e-12)
        for p in [logistic, huber, soft] { ClassifierChecks.expectRowsSumToOne(p, classes: 3) }

        // Two classes: a single decision value d gives [1 − p(d), p(d)].
        let binary = LinearModel(coefficients: [1], intercepts: [0], featureCount: 1, classCount: 2, mapping: .clippedLinear, iterations: 1)
        #expect(binary.probabilities(Matrix(rows: 2, columns: 1, values: [0.5, -7])) == [0.25, 0.75, 1, 0])
        #expect(binary.predict(Matrix(rows: 3, columns: 1, values: [0.5, -7, 0])) == [1, 0, 0])
    }

    @Test func twoClassesFitOneProblemWithClassOnePositive() throws {
        let train = ClassifierChecks.blobs(200, classes: 2, seed: 11), test = ClassifierChecks.blobs(200, classes: 2, seed: 12)
        let model = try SGDClassifier(loss: .logLoss).fitLinear(train, seed: 1)
        #expect(model.outputs == 1 && model.coefficients.count == 4)
        #expect(model.coefficients[1] > 0 && model.coefficients[0] < 0)  // class 1 sits on feature 1
        #expect(ClassifierChecks.accuracy(model, test) > 0.9)
        ClassifierChecks.expectRowsSumToOne(model.probabilities(test.features), classes: 2)
    }

    @Test func l1ZeroesUselessFeaturesExactly() throws {
        // 3 informative features and 17 of pure noise.
        var data = ClassifierChecks.blobs(400, classes: 3, features: 20, separation: 3, seed: 21)
        for i in 0..<data.count { for j in 3..<20 { data.features[i, j] *= 0.5 } }
        let l1 = try SGDClassifier(loss: .logLoss, penalty: .l1, alpha: 0.01).fitLinear(data, seed: 2)
        let l2 = try SGDClassifier(loss: .logLoss, penalty: .l2, alpha: 0.01).fitLinear(data, seed: 2)
        let zeros = { (m: LinearModel) in m.coefficients.filter { $0 == 0 }.count }
        #expect(zeros(l1) > 20, "\(zeros(l1)) exact zeros")
        #expect(zeros(l2) == 0)
    }

    @Test func toleranceStopsEarlyAndNilRunsEveryEpoch() throws {
        let data = ClassifierChecks.blobs(150, seed: 31)
        let early = try SGDClassifier(maxIter: 200).fitLinear(data, seed: 1)
        #expect(early.iterations < 200 && early.iterations >= 6)  // at least n_iter_no_change + 1 epochs
        let full = try SGDClassifier(maxIter: 40, tol: nil).fitLinear(data, seed: 1)
        #expect(full.iterations == 40)
    }

    @Test func invalidParametersAreRejectedWithTheirNames() {
        let data = ClassifierChecks.blobs(30, seed: 1)
        let cases: [(SGDClassifier, String)] = [
            (SGDClassifier(alpha: 0), "alpha"), (SGDClassifier(alpha: -1), "alpha"),
            (SGDClassifier(l1Ratio: 1.5), "l1_ratio"), (SGDClassifier(l1Ratio: -0.1), "l1_ratio"),
            (SGDClassifier(maxIter: 0), "max_iter"), (SGDClassifier(nIterNoChange: 0), "n_iter_no_change"),
        ]
        for (sgd, word) in cases {
            #expect { try sgd.fit(data, seed: 0) } throws: { ($0 as? LearningError)?.reason.contains(word) == true }
        }
        let oneClass = Dataset(features: Matrix(rows: 3, columns: 1, values: [1, 2, 3]), labels: [1, 1, 1], classCount: 3)
        #expect(throws: LearningError.self) { try SGDClassifier().fit(oneClass, seed: 0) }
    }

    @Test func nonFiniteFeaturesAreRejected() {
        for bad in [Float.nan, .infinity] {
            let data = Dataset(features: Matrix(rows: 4, columns: 1, values: [1, bad, 3, 2]), labels: [0, 1, 0, 1], classCount: 2)
            #expect { try SGDClassifier().fit(data, seed: 0) } throws: { ($0 as? LearningError)?.reason.contains("NaN or infinity") == true }
        }
    }

    /// Mean test accuracy over seeds 0..9 within 3 points of scikit-learn's mean over random_state 0..9.
    @Test func accuracyMatchesScikitLearnOnCommittedBlobs() throws {
        let (train, test) = try SklearnBlobs.standardised()
        let report = try SklearnBlobs.report()
        #expect(report.sgd.count == 12)
        for reference in report.sgd {
            let loss = try #require(SGDLoss(rawValue: reference.loss ?? ""))
            let penalty = try #require(SGDPenalty(rawValue: reference.penalty ?? ""))
            let sgd = SGDClassifier(loss: loss, penalty: penalty, alpha: reference.alpha)
            var ours: [Double] = [], viaProbabilities: [Double] = []
            let start = ContinuousClock.now
            for seed in report.random_states {
                let model = try sgd.fitLinear(train, seed: UInt64(seed))
                // scikit-learn's predict (argmax of decision values), and the protocol's argmax of probabilities.
                ours.append(ClassificationReport(truth: test.labels, predicted: model.predict(test.features), classCount: 7).accuracy)
                viaProbabilities.append(ClassifierChecks.accuracy(model, test))
            }
            let seconds = (ContinuousClock.now - start) / ContinuousClock.Duration.seconds(Double(ours.count))
            let mean = ours.reduce(0, +) / Double(ours.count)
            print("SGD \(loss.rawValue) \(penalty.rawValue) alpha=\(reference.alpha): ours \(mean) (seed 0: \(ours[0]); "
                  + "argmax of probabilities \(viaProbabilities.reduce(0, +) / Double(ours.count))), "
                  + "sklearn \(reference.mean_accuracy) (random_state 0: \(reference.accuracy_random_state_0)), fit+predict \(seconds)")
            #expect(abs(mean - reference.mean_accuracy) <= 0.03, "\(loss) \(penalty) \(reference.alpha): \(mean) vs \(reference.mean_accuracy)")
        }
    }
}
