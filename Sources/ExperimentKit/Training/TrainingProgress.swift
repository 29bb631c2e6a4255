// Progress of a long training run on stderr: epoch, step, loss, accuracy,
// images/s and ETA. On a terminal one line redraws in place; otherwise
// (CI logs) a plain line is printed about every 10% of the run.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

public final class TrainingProgress {
  let label: String
  let totalSteps: Int
  let start = DispatchTime.now().uptimeNanoseconds
  let isTerminal = isatty(2) == 1
  var lastPrintedTenth = -1

  public init(label: String, totalSteps: Int) {
    self.label = label
    self.totalSteps = max(totalSteps, 1)
  }

  public func update(epoch: Int, epochs: Int, step: Int, loss: Float, accuracy: Double, images: Int) {
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let rate = Double(images) / max(elapsed, 1e-9)
    let remaining = elapsed / Double(max(step, 1)) * Double(totalSteps - step)
    let line = String(
      format: "%@ epoch %d/%d step %d/%d loss %.3f acc %.3f %.0f img/s ETA %.0f s", label, epoch, epochs, step, totalSteps,
      loss, accuracy, rate, remaining)
    let tenth = step * 10 / totalSteps
    if isTerminal {
      FileHandle.standardError.write(Data(("\r" + line + "   ").utf8))
      if step == totalSteps { FileHandle.standardError.write(Data("\n".utf8)) }
    } else if tenth != lastPrintedTenth {
      lastPrintedTenth = tenth
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
  }
}
