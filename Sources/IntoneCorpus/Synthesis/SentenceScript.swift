import IntoneRandom

/// One syllable: onset consonants, a vowel nucleus, coda consonants.
struct Syllable: Sendable, Equatable {
    var onset: [Phone]
    var nucleus: Phone
    var coda: [Phone]
    /// Lexically stressed: longer, louder, and the place a pitch accent can fall.
    var stressed: Bool
    /// The last syllable of a word (a pause may follow).
    var endsWord: Bool
}

/// The phonetic content of one sentence or word of a corpus script.
///
/// Content depends only on the script id, never on the corpus seed or the speaker, so the same
/// sentence read by two actors (or in two emotions) has the same phones, as in the real corpora.
struct SentenceScript: Sendable, Equatable {
    var syllables: [Syllable]

    /// A pseudo-sentence of `syllableCount` CV/CVC syllables grouped into words of one to three
    /// syllables (stress on each word's first syllable), drawn from a stream named by `id`.
    static func generated(id: String, syllableCount: Int) -> SentenceScript {
        var rng = SeededRandom(seed: 0x5C21_7000, stream: "sentence/\(id)")
        var syllables: [Syllable] = []
        while syllables.count < syllableCount {
            let left = syllableCount - syllables.count
            let roll = rng.uniform()
            let wordLength = min(left, roll < 0.5 ? 1 : roll < 0.85 ? 2 : 3)
            for position in 0..<wordLength {
                let stressed = position == 0 && (wordLength > 1 || rng.uniform() < 0.7)
                let onset = rng.uniform() < 0.85 ? [pick(onsets, &rng)] : []
                let nucleus = stressed || rng.uniform() < 0.4 ? pick(stressedVowels, &rng) : pick(reducedVowels, &rng)
                let coda = rng.uniform() < 0.4 ? [pick(codas, &rng)] : []
                syllables.append(Syllable(onset: onset, nucleus: nucleus, coda: coda,
                                          stressed: stressed, endsWord: position == wordLength - 1))
            }
        }
        return SentenceScript(syllables: syllables)
    }

    /// TESS's prompt, "Say the word ⟨word⟩": an unstressed carrier phrase, then the target word,
    /// stressed and phrase-final.
    static func carrierPhrase(word: String) -> SentenceScript {
        var target = Self.word(word)
        target.stressed = true
        target.endsWord = true
        return SentenceScript(syllables: [
            Syllable(onset: [.s], nucleus: .eh, coda: [], stressed: true, endsWord: true),
            Syllable(onset: [.dh], nucleus: .ah, coda: [], stressed: false, endsWord: true),
            Syllable(onset: [.w], nucleus: .er, coda: [.d], stressed: false, endsWord: true),
            target,
        ])
    }

    /// A rough letter-to-sound reading of a one-syllable English word (TESS's words are the NU-6
    /// consonant–vowel–consonant list): onset letters, the vowel spelling, coda letters.
    static func word(_ spelling: String) -> Syllable {
        let letters = Array(spelling.lowercased())
        var i = 0
        let vowelLetters: Set<Character> = ["a", "e", "i", "o", "u"]
        while i < letters.count, !vowelLetters.contains(letters[i]) { i += 1 }
        let onset = consonants(String(letters[0..<i]))
        let rest = String(letters[i...])
        var nucleus = Phone.ah
        var codaSpelling = rest
        for (pattern, phone) in vowelSpellings where rest.hasPrefix(pattern) {
            nucleus = phone
            codaSpelling = String(rest.dropFirst(pattern.count))
            break
        }
        // A silent final e after one consonant letter lengthens a short vowel: "bite", "bone", "came".
        if codaSpelling.count == 2, codaSpelling.hasSuffix("e"), let first = rest.first,
           let long = longVowel(first), nucleus == shortVowel(first) {
            nucleus = long
            codaSpelling.removeLast()
        }
        return Syllable(onset: onset, nucleus: nucleus, coda: consonants(codaSpelling), stressed: true, endsWord: true)
    }

    // MARK: Inventories

    private static let onsets: [(Phone, Double)] = [
        (.t, 6), (.d, 5), (.k, 5), (.p, 4), (.b, 4), (.g, 2), (.s, 6), (.sh, 2), (.f, 3), (.th, 1),
        (.v, 1), (.dh, 3), (.z, 1), (.hh, 3), (.m, 5), (.n, 5), (.l, 5), (.r, 4), (.w, 4), (.y, 1),
    ]
    private static let codas: [(Phone, Double)] = [
        (.t, 6), (.d, 4), (.k, 3), (.p, 1), (.g, 1), (.s, 5), (.z, 3), (.f, 1), (.th, 1), (.sh, 1),
        (.v, 1), (.m, 3), (.n, 6), (.l, 3), (.r, 2),
    ]
    private static let stressedVowels: [(Phone, Double)] = [
        (.iy, 3), (.ih, 3), (.eh, 3), (.ae, 3), (.aa, 3), (.ao, 2), (.uh, 1), (.uw, 2), (.ah, 2), (.er, 1),
    ]
    private static let reducedVowels: [(Phone, Double)] = [(.ah, 5), (.ih, 4), (.er, 1), (.iy, 1)]

    private static func pick(_ weighted: [(Phone, Double)], _ rng: inout SeededRandom) -> Phone {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var u = rng.uniform() * total
        for (phone, weight) in weighted {
            if u < weight { return phone }
            u -= weight
        }
        return weighted[weighted.count - 1].0
    }

    // MARK: Letter to sound

    /// Vowel spellings, longest first.
    private static let vowelSpellings: [(String, Phone)] = [
        ("ough", .ao), ("augh", .ao), ("ear", .er), ("our", .aa), ("ou", .aa), ("oo", .uw), ("oi", .ao),
        ("oy", .ao), ("oa", .ao), ("ow", .ao), ("ee", .iy), ("ea", .iy), ("ei", .iy), ("ie", .iy),
        ("ai", .eh), ("ay", .eh), ("au", .ao), ("aw", .ao), ("al", .ao), ("ar", .aa), ("or", .ao),
        ("er", .er), ("ir", .er), ("ur", .er), ("a", .ae), ("e", .eh), ("i", .ih), ("o", .aa), ("u", .ah),
    ]

    private static func shortVowel(_ letter: Character) -> Phone? {
        ["a": .ae, "e": .eh, "i": .ih, "o": .aa, "u": .ah][letter]
    }

    /// The vowel a letter spells before consonant + silent e (diphthongs by their first target).
    private static func longVowel(_ letter: Character) -> Phone? {
        ["a": .eh, "e": .iy, "i": .aa, "o": .ao, "u": .uw][letter]
    }

    /// Consonant letters to phones (digraphs first; silent letters dropped; affricates as stop + /sh/).
    private static func consonants(_ spelling: String) -> [Phone] {
        let digraphs: [(String, [Phone])] = [
            ("tch", [.t, .sh]), ("dge", [.d, .sh]), ("ch", [.t, .sh]), ("sh", [.sh]), ("th", [.th]),
            ("wh", [.w]), ("kn", [.n]), ("ph", [.f]), ("ck", [.k]), ("ng", [.n]), ("gh", []), ("qu", [.k, .w]),
            ("ll", [.l]), ("ss", [.s]), ("se", [.z]), ("ce", [.s]), ("ze", [.z]), ("ve", [.v]),
        ]
        let singles: [Character: [Phone]] = [
            "b": [.b], "c": [.k], "d": [.d], "f": [.f], "g": [.g], "h": [.hh], "j": [.d, .sh], "k": [.k],
            "l": [.l], "m": [.m], "n": [.n], "p": [.p], "r": [.r], "s": [.s], "t": [.t], "v": [.v],
            "w": [.w], "x": [.k, .s], "y": [.y], "z": [.z],
        ]
        var phones: [Phone] = []
        var rest = Substring(spelling)
        outer: while let first = rest.first {
            for (pattern, mapped) in digraphs where rest.hasPrefix(pattern) {
                phones += mapped
                rest = rest.dropFirst(pattern.count)
                continue outer
            }
            phones += singles[first] ?? []
            rest = rest.dropFirst()
        }
        return phones
    }
}
