import ArgumentParser
import Foundation
import IntoneCorpus

/// `intone corpus synth`: the synthetic acted-emotion corpus.
struct CorpusSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make a synthetic acted-emotion corpus in the CREMA-D, RAVDESS, SAVEE and TESS layouts.",
        discussion: """
        A formant synthesizer speaks scripted sentences with emotion carried by prosody (pitch level and \
        range, rate, loudness, voice quality, pauses), varied per speaker and per utterance so that \
        classes overlap. Files use each corpus's real sample rate and naming. Same seed, same bytes. \
        The audio is synthetic: results on it say nothing about accuracy on real speech.

        Examples:
          intone corpus synth --out data/generated/small
          intone corpus synth --out /tmp/large --scale large --seed 7 --jobs 2
          intone corpus synth --out data/generated/small --calls 10     # also data/generated/small-calls
        """
    )

    @Option(help: "Folder to write the corpus into.")
    var out: String

    @Option(help: "Corpus seed.")
    var seed: UInt64 = 0

    @Option(help: "small (hundreds of files, the demo and tests), medium (thousands) or large (tens of thousands).")
    var scale: SynthesisScale = .small

    @Option(help: "Files synthesised at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Also write this many test calls into OUT-calls (beside OUT): utterances of a test-split speaker joined with silences, 8 kHz mu-law, with truth.csv.")
    var calls: Int = 0

    @Option(name: .customLong("calls-rate"), help: "Sample rate of the test calls (8000: telephone band, mu-law; others: 16-bit PCM).")
    var callsRate: Int = 8000

    @Option(name: .customLong("calls-encoding"), help: "Encoding of 8 kHz test calls: mulaw (the default) or alaw (G.711 as European networks store it).")
    var callsEncoding: CallEncoding = .mulaw

    enum CallEncoding: String, ExpressibleByArgument, CaseIterable { case mulaw, alaw }

    @Flag(name: .customLong("calls-mixed-speakers"), help: "Draw every utterance of a test call from all test speakers (default: one speaker per call, as a caller is one voice).")
    var callsMixedSpeakers = false

    @Flag(name: .customLong("calls-stereo"), help: "Two-channel test calls: an agent on channel 1 and a customer on channel 2 taking turns (score them with --channels split); truth.csv gains a channel column.")
    var callsStereo = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let progress = ProgressBar(total: 0, label: "synth", enabled: logging.showsProgress)
        let started = Date()
        let report: SynthesisReport
        do {
            report = try SyntheticCorpus.generate(into: out, seed: seed, scale: scale, jobs: jobs, progress: { done, total in
                progress.update(done: done, total: total, failed: 0)
            })
        } catch {
            progress.finish()
            throw CommandFailure(error.description)
        }
        progress.finish()
        print("synth: wrote \(report.files) files into \(out) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n\(report)")
        if calls > 0 {
            do {
                let folder = URL(fileURLWithPath: out).standardizedFileURL.path + "-calls"
                let r = try SyntheticCalls.make(from: out, into: folder, count: calls, seed: seed, sampleRate: callsRate,
                                                aLaw: callsEncoding == .alaw, mixedSpeakers: callsMixedSpeakers, stereo: callsStereo)
                print(String(format: "synth: wrote %d calls (%d utterances, %.1f min) and truth.csv into %@", r.calls, r.utterances, r.seconds / 60, folder))
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }
}

extension SynthesisScale: ExpressibleByArgument {}
