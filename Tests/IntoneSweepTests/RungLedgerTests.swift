import Testing
import IntoneSweep

/// The pruning decisions: a function of the rung results alone (so every placement and every resume
/// makes the same promotions), asynchronous (a decision needs only the candidates before it), and
/// never revised when more results arrive.
struct RungLedgerTests {
    static func schedule(_ rule: PruningSchedule.Rule, factor: Int = 3, minSamples: Int = 3) -> PruningSchedule {
        var p = PruningSchedule()
        p.rule = rule
        p.gracePeriod = 1
        p.reductionFactor = factor
        p.minSamplesRequired = minSamples
        return p
    }

    /// Every candidate's score at each of `rungs` rungs: known only where it trained (the full run's
    /// standings say which), from a fixed table.
    static func fullRun(_ table: [[Double]], _ schedule: PruningSchedule) -> (RungLedger, [RungLedger.Standing]) {
        let rungs = table[0].count
        var ledger = RungLedger(scores: table.map { _ in [Double?](repeating: nil, count: rungs) },
                                ends: table.map { _ in (0..<rungs).map { $0 == rungs - 1 } }, schedule: schedule)
        // Reveal results rung by rung as the standings allow, until nothing changes.
        while true {
            let standings = ledger.standings()
            var changed = false
            for (i, s) in standings.enumerated() {
                if case .training(let m) = s, ledger.scores[i][m] == nil { ledger.scores[i][m] = table[i][m]; changed = true }
            }
            if !changed { return (ledger, standings) }
        }
    }

    static let table: [[Double]] = [
        [0.30, 0.40, 0.50], [0.35, 0.45, 0.55], [0.20, 0.25, 0.30], [0.50, 0.60, 0.70], [0.10, 0.12, 0.14],
        [0.45, 0.40, 0.42], [0.33, 0.50, 0.51], [0.60, 0.61, 0.62], [0.05, 0.06, 0.07],
    ]

    @Test func ashaPromotesTheBestOfThoseBeforeAndTheFirstAlways() {
        let (_, standings) = Self.fullRun(Self.table, Self.schedule(.asha))
        // Rung 0 pools (index: score): 0 alone → promoted; 1 beats 0 → promoted (keep 1 of 2);
        // 2 is third of 3 → stopped; 3 best → promoted; 4 → stopped; 5: pool of 6 keeps 2, 5 is 2nd
        // best (0.45 after 0.50) → promoted; 6 (0.33 is 5th) → stopped; 7 best → promoted; 8 → stopped.
        #expect(standings[2] == .stopped(rung: 0))
        #expect(standings[4] == .stopped(rung: 0))
        #expect(standings[6] == .stopped(rung: 0))
        #expect(standings[8] == .stopped(rung: 0))
        #expect(standings[0] == .finished(rung: 2))
        // Rung 1 pool in order: 0 (0.40) promoted; 1 (0.45) beats it; 3 (0.60) best; 5 (0.40) of 4 → keep 1: stopped;
        // 7 (0.61) best of 5 → promoted.
        #expect(standings[1] == .finished(rung: 2))
        #expect(standings[3] == .finished(rung: 2))
        #expect(standings[5] == .stopped(rung: 1))
        #expect(standings[7] == .finished(rung: 2))
    }

    @Test func decisionsNeverChangeAsResultsArriveInAnyOrder() {
        let schedules = [Self.schedule(.asha), Self.schedule(.asha, factor: 2), Self.schedule(.median, minSamples: 2)]
        for schedule in schedules {
            let (full, final) = Self.fullRun(Self.table, schedule)
            // Any subset of the final results (as a sweep in mid-run holds, whatever finished first)
            // gives standings that the final ones extend: a decided stop or finish stays, and a
            // candidate promoted to rung m ends at m or later.
            var random = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                var partial = full
                for i in partial.scores.indices { for m in partial.scores[i].indices where Bool.random(using: &random) { partial.scores[i][m] = nil } }
                for (s, f) in zip(partial.standings(), final) {
                    switch s {
                    case .stopped, .finished: #expect(s == f, "\(schedule.rule)")
                    case .training(let m), .waiting(let m):
                        switch f {
                        case .stopped(let r), .finished(let r): #expect(r >= m)
                        default: Issue.record("final standing not settled: \(f)")
                        }
                    }
                }
            }
        }
    }

    @Test func aDecisionWaitsOnlyForTheCandidatesBeforeIt() {
        var ledger = RungLedger(scores: [[nil, nil], [0.5, nil], [0.4, nil]], ends: [[false, true], [false, true], [false, true]],
                                schedule: Self.schedule(.asha))
        var s = ledger.standings()
        #expect(s == [.training(rung: 0), .waiting(rung: 0), .waiting(rung: 0)])
        ledger.scores[0][0] = 0.45
        s = ledger.standings()
        // 0 alone: promoted. 1 beats 0 (keep 1 of 2): promoted. 2 third of 3 (keep 1): stopped.
        #expect(s == [.training(rung: 1), .training(rung: 1), .stopped(rung: 0)])
    }

    @Test func medianStopsBelowTheMedianOfThoseBefore() {
        let ledger = RungLedger(scores: [[0.5, nil], [0.6, nil], [0.4, nil], [0.55, nil], [0.56, nil]],
                                ends: Array(repeating: [false, true], count: 5), schedule: Self.schedule(.median, minSamples: 2))
        // 0, 1: too few before them. 2: median of (0.5, 0.6) = 0.55 > 0.4 → stopped. 3: median of
        // (0.4, 0.5, 0.6) = 0.5 ≤ 0.55 → on. 4: median of (0.4, 0.5, 0.55, 0.6) = 0.525 → on.
        #expect(ledger.standings() == [.training(rung: 1), .training(rung: 1), .stopped(rung: 0), .training(rung: 1), .training(rung: 1)])
    }

    @Test func withoutARuleEveryCandidateTrainsToItsEnd() {
        let ledger = RungLedger(scores: [[0.1], [0.9], [nil]], ends: [[true], [true], [true]], schedule: Self.schedule(.none))
        #expect(ledger.standings() == [.finished(rung: 0), .finished(rung: 0), .training(rung: 0)])
    }
}
