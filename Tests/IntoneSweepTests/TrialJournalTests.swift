import Foundation
import Testing
import IntoneTestSupport
@testable import IntoneSweep

/// trials.csv: what a sweep resumes from. A torn last line is repaired; a journal that cannot be
/// read is refused loudly (it used to be read as empty: every trial ran again, appended to it).
struct TrialJournalTests {
    static let trial = Trial(estimator: "sgd", parameters: ["alpha": .double(1e-4)], fold: 0, resource: nil)
    static let result = TrialResult(score: 0.5, accuracy: 0.5, uar: 0.5, macroF1: 0.5, trainAccuracy: 1, fitSeconds: 0.01)

    @Test func aTornLastLineIsCutAndTheRestResumes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("trials.csv")
        try TrialJournal(path: path).record(Self.trial, Self.result)
        let whole = try String(contentsOfFile: path, encoding: .utf8)
        try (whole + "key-torn,sgd,\"{\\\"al").write(toFile: path, atomically: true, encoding: .utf8)
        let reopened = try TrialJournal(path: path)
        #expect(reopened.count == 1 && reopened.result(for: Self.trial) == Self.result)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == whole)
    }

    @Test func aJournalThatIsNotTextOrNotCSVIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("trials.csv")
        try TrialJournal(path: path).record(Self.trial, Self.result)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.insert(contentsOf: [0xFF, 0xFE, 0xC0], at: bytes.count - 5)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect { try TrialJournal(path: path) } throws: { "\($0)".contains("is not UTF-8 text") }
        let header = TrialJournal.header.joined(separator: ",")
        try "\(header)\nk,sgd,\"{unterminated,0,,0.5,0.5,0.5,0.5,1,0.01,,,,\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try TrialJournal(path: path) } throws: { "\($0)".contains("cannot be read as CSV") }
        try "path,label\na.wav,angry\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try TrialJournal(path: path) } throws: { "\($0)".contains("does not start with the trial journal's header") }
    }
}
