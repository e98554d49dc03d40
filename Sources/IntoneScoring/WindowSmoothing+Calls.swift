import IntoneModels

extension WindowSmoothing {
    /// `call` with each window labelled by the Viterbi path over all its windows (in time order;
    /// unscored stretches between them do not break the chain). Windows whose probabilities do not
    /// have one value per class are left alone.
    public func smooth(_ call: CallResult, classes: [String]) -> CallResult {
        var out = call
        let usable = call.windows.indices.filter { call.windows[$0].probabilities.count == classes.count }
        let path = Self.viterbi(usable.map { call.windows[$0].probabilities }, stay: stay)
        for (i, state) in zip(usable, path) {
            out.windows[i].rawLabel = call.windows[i].label
            out.windows[i].label = classes[state]
        }
        return out
    }

}
