import ArgumentParser
import CMalloc
import IntoneFeatures

/// `intone`: speech-emotion recognition from the command line. One subcommand per job.
@main
struct Intone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intone",
        abstract: "Recognise emotion in speech: features, corpora, sweeps, training and scoring.",
        discussion: """
        Examples:
          intone features --out feats/ calls/*.wav
          intone features --kind mel-db --summary none --frames 130 --out feats/ clip.flac
        """,
        version: IntoneVersion.string,
        subcommands: [FeaturesCommand.self, CorpusCommand.self, ExtractCommand.self, SweepCommand.self, TrainCommand.self, PredictCommand.self, ScoreCommand.self, CoordinatorCommand.self, WorkerCommand.self, JobsCommand.self, KeygenCommand.self]
    )
}

extension Intone {
    static func main() async {
        AllocatorTuning.keepLargeBuffers()
        // Lines on stdout (an epoch's line, a summary) reach a log file as they are printed, not
        // when the block buffer fills or the process ends.
        intone_line_buffer_stdout_if_file()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

enum IntoneVersion {
    static let string = "0.1.0"
}
