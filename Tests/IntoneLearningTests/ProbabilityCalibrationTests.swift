import Foundation
import Testing
import IntoneLearning

/// Temperature scaling and the expected calibration error, on values worked out by hand.
struct ProbabilityCalibrationTests {
    @Test func temperatureSoftensAndKeepsTheOrder() {
        // softmax(log p / 2) = sqrt(p) normalised: sqrt(0.8) / (sqrt(0.8) + sqrt(0.2)) = 2/3.
        let q = TemperatureScaling.scaled([0.8, 0.2], temperature: 2)
        #expect(abs(q[0] - 2.0 / 3) < 1e-12 && abs(q[1] - 1.0 / 3) < 1e-12)
        let same = TemperatureScaling.scaled([0.5, 0.25, 0.25], temperature: 1)
        #expect(zip(same, [0.5, 0.25, 0.25]).allSatisfy { abs($0 - $1) < 1e-12 })
        // Invalid temperatures leave the probabilities alone.
        #expect(TemperatureScaling.scaled([0.7, 0.3], temperature: 0) == [0.7, 0.3])
        #expect(TemperatureScaling.scaled([0.7, 0.3], temperature: .nan) == [0.7, 0.3])
    }

    /// 0.99-confident rows that are right 70 % of the time: the NLL is least where the scaled top
    /// probability is 0.7, i.e. 99^(1/T) = 7/3, T = ln 99 / ln(7/3) = 5.4233.
    @Test func fitFindsTheTemperatureOfAnOverconfidentModel() {
        let rows = [[Double]](repeating: [0.99, 0.01], count: 10)
        let labels = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
        let t = TemperatureScaling.fit(rows, labels: labels)
        #expect(abs(t - log(99) / log(7.0 / 3)) < 2e-3, "\(t)")
        #expect(TemperatureScaling.negativeLogLikelihood(rows, labels: labels, temperature: t)
                < TemperatureScaling.negativeLogLikelihood(rows, labels: labels, temperature: 1))
        #expect(TemperatureScaling.fit([], labels: []) == 1)
    }

    /// Two rows: confidence 0.9 right (bin 14 of 15), 0.6 wrong (bin 9): ½·0.1 + ½·0.6 = 0.35.
    @Test func expectedCalibrationErrorByHand() {
        let ece = ExpectedCalibrationError.compute([[0.9, 0.1], [0.6, 0.4]], labels: [0, 1])
        #expect(abs(ece - 0.35) < 1e-12)
        #expect(ExpectedCalibrationError.compute([[1, 0], [0, 1]], labels: [0, 1]) == 0)
        #expect(ExpectedCalibrationError.compute([], labels: []) == 0)
    }
}
