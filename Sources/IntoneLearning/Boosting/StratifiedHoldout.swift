import IntoneRandom

/// A stratified train / validation split, as scikit-learn's `train_test_split(..., stratify=y)`
/// (`StratifiedShuffleSplit`) with a seeded generator in place of numpy's.
///
/// `n_test = ceil(fraction × n)` (or the count given), `n_train = n − n_test`. Each class gets
/// `floor(n_c · n_train / n)` training samples; the samples still to place go to the classes with
/// the largest remainders (ties drawn at random), then the test samples are allocated the same way
/// from what is left. Within a class the samples are shuffled before being taken, and both sides
/// are shuffled at the end.
enum StratifiedHoldout {
    /// Training and validation indices into `labels` (class indices in `0..<classes`, all present).
    static func split(labels: [Int], classes: Int, validation: CountOrFraction,
                      random: inout SeededRandom) throws(LearningError) -> (train: [Int], validation: [Int]) {
        let n = labels.count
        let nTest: Int
        switch validation {
        case .count(let c): nTest = c
        case .fraction(let f): nTest = Int((f * Double(n)).rounded(.up))
        }
        let nTrain = n - nTest
        guard nTest >= 1, nTrain >= 1 else {
            throw LearningError("validation_fraction=\(validation) leaves no samples for training or validation (n_samples=\(n))")
        }
        var members = [[Int]](repeating: [], count: classes)
        for (i, y) in labels.enumerated() { members[y].append(i) }
        let counts = members.map(\.count)
        guard let least = counts.min(), least >= 2 else {
            throw LearningError("early stopping needs at least 2 samples of every class for its stratified validation split (the least populated class has \(counts.min() ?? 0))")
        }
        guard nTrain >= classes, nTest >= classes else {
            throw LearningError("early stopping's validation split of \(nTest) and training part of \(nTrain) must each hold at least one sample of each of the \(classes) classes")
        }
        let trainCounts = approximateMode(counts, draws: nTrain, random: &random)
        let testCounts = approximateMode(zip(counts, trainCounts).map { $0 - $1 }, draws: nTest, random: &random)
        var train: [Int] = [], test: [Int] = []
        for c in 0..<classes {
            let shuffled = random.shuffled(members[c])
            train.append(contentsOf: shuffled[0..<trainCounts[c]])
            test.append(contentsOf: shuffled[trainCounts[c]..<(trainCounts[c] + testCounts[c])])
        }
        return (random.shuffled(train), random.shuffled(test))
    }

    /// scikit-learn's `_approximate_mode`: the most likely per-class counts of `draws` samples
    /// drawn without replacement from classes of sizes `counts`.
    static func approximateMode(_ counts: [Int], draws: Int, random: inout SeededRandom) -> [Int] {
        let total = Double(counts.reduce(0, +))
        let continuous = counts.map { Double($0) / total * Double(draws) }
        var floored = continuous.map { Int($0.rounded(.down)) }
        var need = draws - floored.reduce(0, +)
        if need > 0 {
            let remainder = zip(continuous, floored).map { $0 - Double($1) }
            for value in Set(remainder).sorted(by: >) {
                let tied = remainder.indices.filter { remainder[$0] == value }
                let now = min(tied.count, need)
                for i in random.shuffled(tied).prefix(now) { floored[i] += 1 }
                need -= now
                if need == 0 { break }
            }
        }
        return floored
    }
}
