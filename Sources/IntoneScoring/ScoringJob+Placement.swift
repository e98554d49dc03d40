import Foundation
import IntoneAudio
import IntoneEngine
import IntoneFormats

/// A unit with where its file's windows and chunks fall, and the file it belongs to (its position
/// in the job's input list).
struct PlannedUnit: Sendable {
    let unit: ScoringUnit
    let plan: WindowPlan
    let file: Int
}

/// Scoring units as `ScoreUnitKind` tasks on a placement.
///
/// The model travels as one blob. Where the placement shares this machine's files the units go out
/// at once and their workers read the calls themselves. Otherwise this process decodes each unit's
/// stretch of its call (its chunks' native ranges, margins included) and ships it as float32
/// samples, in rounds of at most `roundBytes`, so memory here stays bounded.
extension ScoringJob {
    func score(_ units: [PlannedUnit], model: (hash: String, bytes: [UInt8]), on placement: any Placement) throws(ScoringError)
        -> [Result<[ChunkResult], ScoringError>] {
        let slots = ResultSlots<Result<[ChunkResult], ScoringError>>(count: units.count)
        let finished = { @Sendable (i: Int, r: Result<[ChunkResult], ScoringError>) in slots.set(i, r) }
        if placement.traits.sharesFiles {
            try run(units.indices.map { (index: $0, audio: nil) }, units, model: model, on: placement, finished: finished)
        } else {
            var round: [Int] = []
            var bytes = 0
            for (i, u) in units.enumerated() {
                let size = Self.nativeFrames(of: u.unit, plan: u.plan).count * 4
                if !round.isEmpty && bytes + size > roundBytes {
                    try run(shipped(round, units, finished: finished), units, model: model, on: placement, finished: finished)
                    round = []
                    bytes = 0
                }
                round.append(i)
                bytes += size
            }
            try run(shipped(round, units, finished: finished), units, model: model, on: placement, finished: finished)
        }
        return (0..<units.count).map { slots.get($0) ?? .failure(ScoringError(file: units[$0].unit.path, reason: "no result came back from the cluster")) }
    }

    /// Native frames a unit needs: from its first chunk's to its last chunk's, margins included.
    static func nativeFrames(of unit: ScoringUnit, plan: WindowPlan) -> Range<Int> {
        let ranges = unit.chunks.map { plan.nativeRange(ofChunk: $0).frames }
        guard let lo = ranges.map(\.lowerBound).min(), let hi = ranges.map(\.upperBound).max() else { return 0..<0 }
        return lo..<hi
    }

    /// The round's units with their samples, each file opened once; a file that cannot be read
    /// fails its units here.
    private func shipped(_ round: [Int], _ units: [PlannedUnit], finished: (Int, Result<[ChunkResult], ScoringError>) -> Void)
        -> [(index: Int, audio: (ScoreUnitKind.ShippedAudio, [UInt8])?)] {
        var readers: [String: SoundFileReader] = [:]
        var out: [(index: Int, audio: (ScoreUnitKind.ShippedAudio, [UInt8])?)] = []
        for i in round {
            let u = units[i].unit
            do {
                let reader: SoundFileReader
                if let r = readers[u.path] { reader = r } else { reader = try SoundFileReader(path: u.path); readers[u.path] = reader }
                let range = Self.nativeFrames(of: u, plan: units[i].plan)
                let samples = try AudioSegment.read(reader, start: range.lowerBound, count: range.count, channel: u.selection)
                out.append((i, (ScoreUnitKind.ShippedAudio(sampleRate: reader.info.sampleRate, frames: reader.info.frames, start: range.lowerBound,
                                                           count: samples.count), ByteCoding.floats(samples))))
            } catch {
                finished(i, .failure(ScoringError(file: u.path, reason: error.reason.message)))
            }
        }
        return out
    }

    /// Runs one round of tasks.
    private func run(_ items: [(index: Int, audio: (ScoreUnitKind.ShippedAudio, [UInt8])?)], _ units: [PlannedUnit],
                     model: (hash: String, bytes: [UInt8]), on placement: any Placement,
                     finished: @escaping @Sendable (Int, Result<[ChunkResult], ScoringError>) -> Void) throws(ScoringError) {
        if items.isEmpty { return }
        var tasks: [TaskSpec] = []
        var blobs: [String: [UInt8]] = [model.hash: model.bytes]
        var index: [String: [Int]] = [:]
        for item in items {
            var hashes = [model.hash]
            if let (_, samples) = item.audio {
                let h = SHA256.hex(of: samples)
                blobs[h] = samples
                hashes.append(h)
            }
            let parameters = ScoreUnitKind.Parameters(unit: units[item.index].unit, parameters: self.parameters, audio: item.audio?.0)
            let id = "score-" + String(SHA256.hex(of: Array((ScoreUnitKind.encode(parameters: parameters) + hashes.joined(separator: "+")).utf8)).prefix(32))
            if index[id] == nil { tasks.append(ScoreUnitKind.task(id: id, parameters, blobs: hashes)) }
            index[id, default: []].append(item.index)
        }
        let lookup = index
        do {
            try placement.run(tasks, blobs: blobs, completed: { id, output in
                let result = (try? ScoreUnitKind.decode(output: output))?.result
                    ?? .failure(ScoringError(file: "?", reason: "a worker sent an unreadable scoring result"))
                for i in lookup[id] ?? [] { finished(i, result) }
            }, abandoned: { id, reason in
                for i in lookup[id] ?? [] { finished(i, .failure(ScoringError(file: units[i].unit.path, reason: "a worker could not score it: \(reason)"))) }
            })
        } catch {
            throw ScoringError(file: "cluster", reason: error.description)
        }
    }
}
