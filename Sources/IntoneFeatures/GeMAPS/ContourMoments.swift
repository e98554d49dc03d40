import Foundation

/// openSMILE's `cFunctionalMoments` for the outputs eGeMAPS enables: `amean` and
/// `stddevNorm = 2` (the "compatible" coefficient of variation: standard deviation divided by the
/// signed mean, no `abs()`, no ratio limiting; a zero mean divides by 1; zero variance gives 0).
public enum ContourMoments {
    /// `amean`: the mean `cFunctionals` computed (0 for empty input).
    public static func arithmeticMean(_ input: ContourFunctionalInput) -> Float {
        input.count > 0 ? input.mean : 0
    }

    /// `stddevNorm` with option value 2: population standard deviation / signed mean, in `Double`.
    public static func normalizedStandardDeviation(_ input: ContourFunctionalInput) -> Float {
        guard input.count > 0 else { return 0 }
        let meanD = Double(input.mean)
        var m2 = 0.0
        for v in input.values {
            let d = Double(v) - meanD
            m2 += d * d
        }
        m2 /= Double(input.count)
        guard m2 > 0 else { return 0 }
        let denominator = meanD == 0 ? 1.0 : meanD
        return Float(m2.squareRoot() / denominator)
    }
}
