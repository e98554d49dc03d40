import Foundation
import IntoneFormats

/// One epoch as Keras's History logs it (the same names), plus its time.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 1-based, as Keras prints it.
    public var epoch: Int
    /// Mean training loss and accuracy over the epoch's batches (weighted by batch size).
    public var loss: Double
    public var accuracy: Double
    /// Validation loss and accuracy in inference mode after the epoch.
    public var valLoss: Double
    public var valAccuracy: Double
    /// Learning rate used during the epoch.
    public var lr: Double
    /// Wall-clock seconds of the epoch (training and validation).
    public var seconds: Double
    /// Data-parallel epochs on replicas: the slowest replica's seconds computing (gradients and
    /// optimizer steps) and exchanging (allreduce and agreement checks), and how many replicas ran.
    public var computeSeconds: Double?
    public var communicationSeconds: Double?
    public var replicas: Int?

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, lr, seconds, replicas
        case valLoss = "val_loss", valAccuracy = "val_accuracy"
        case computeSeconds = "compute_seconds", communicationSeconds = "communication_seconds"
    }

    public init(epoch: Int, loss: Double, accuracy: Double, valLoss: Double, valAccuracy: Double, lr: Double, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.valLoss = valLoss
        self.valAccuracy = valAccuracy
        self.lr = lr
        self.seconds = seconds
    }

    /// `history.csv`: one row per epoch. Seconds are left out so two runs with the same seed give
    /// the same file.
    public static func csv(_ history: [EpochRecord]) -> String {
        var out = "epoch,loss,accuracy,val_loss,val_accuracy,lr\n"
        for r in history {
            out += "\(r.epoch)," + [r.loss, r.accuracy, r.valLoss, r.valAccuracy].map { DecimalText.fixed($0, decimals: 6) }.joined(separator: ",")
                + "," + String(format: "%g", r.lr) + "\n"
        }
        return out
    }
}
