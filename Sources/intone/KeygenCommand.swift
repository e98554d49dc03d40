import ArgumentParser
import Foundation
import IntoneCluster

/// `intone keygen`: CurveZMQ key pairs for coordinators and workers.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a CurveZMQ key pair for a coordinator or a worker.",
        discussion: """
        Writes DIR/NAME.key (public and secret key; keep it secret, mode 0600) and DIR/NAME.pub (the \
        public key, to share). A coordinator admits only workers whose .pub lines are in its --allow \
        file; workers check the coordinator's .pub with --coordinator-key.

        Examples:
          intone keygen --out keys --name coordinator
          intone keygen --out keys --name worker1 && cat keys/worker1.pub >> keys/allowed-workers
        """
    )

    @Option(help: "Folder for the key files.")
    var out: String

    @Option(help: "Base name of the key files.")
    var name: String

    func run() throws {
        let pair = try CurveKeyPair.generate()
        try pair.write(to: out, name: name)
        print("wrote \(out)/\(name).key (secret) and \(out)/\(name).pub: \(pair.publicKey)")
    }
}

/// Security options shared by the coordinator side (`coordinator`, `sweep --bind`), `worker` and
/// jobs sent to a coordinator with `--cluster`.
struct SecurityOptions: ParsableArguments {
    @Option(help: "This process's key pair (from `intone keygen`): turns on CurveZMQ.")
    var key: String?

    @Option(help: "Coordinator: file of worker public keys allowed to connect (one per line).")
    var allow: String?

    @Option(name: .customLong("coordinator-key"), help: "Worker, or a job run with --cluster: the coordinator's public key file (.pub).")
    var coordinatorKey: String?

    @Flag(help: "Allow unencrypted, unauthenticated traffic on a non-loopback endpoint (experiments on a trusted network only).")
    var insecure = false

    func coordinator(bind: String, log: (String) -> Void) throws -> CoordinatorSecurity {
        if let key {
            guard let allow else { throw CommandFailure("--key needs --allow FILE (the worker public keys to admit)") }
            return .curve(server: try CurveKeyPair.read(path: key), allow: try AllowList.read(path: allow))
        }
        if !CoordinatorSecurity.isLocalOnly(bind) {
            guard insecure else {
                throw CommandFailure("binding \(bind) exposes the coordinator beyond this machine: give --key and --allow (see `intone keygen`), or --insecure for an experiment on a trusted network")
            }
            log("WARNING: --insecure: \(bind) accepts any worker and sends data unencrypted; use keys outside experiments")
        }
        return .insecure
    }

    func worker(connect: String, log: (String) -> Void) throws -> WorkerSecurity {
        if let key {
            guard let coordinatorKey else { throw CommandFailure("--key needs --coordinator-key FILE (the coordinator's .pub)") }
            return .curve(client: try CurveKeyPair.read(path: key), serverPublicKey: try CurveKeyPair.readPublicKey(path: coordinatorKey))
        }
        if !CoordinatorSecurity.isLocalOnly(connect) {
            guard insecure else {
                throw CommandFailure("connecting to \(connect) without keys: give --key and --coordinator-key (see `intone keygen`), or --insecure for an experiment on a trusted network")
            }
            log("WARNING: --insecure: talking to \(connect) unencrypted and without checking the coordinator's identity")
        }
        return .insecure
    }
}
