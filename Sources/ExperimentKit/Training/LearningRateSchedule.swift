// Learning-rate schedules, as functions of the step (SGDR's cosine without
// restarts: Loshchilov and Hutter, ICLR 2017).

import Foundation

public enum LearningRateSchedule {
  /// Cosine decay from `base` at step 0 towards zero at `total`:
  /// base * (1 + cos(pi * step / total)) / 2.
  public static func cosine(_ base: Float, step: Int, total: Int) -> Float {
    base * Float(0.5 * (1 + cos(Double.pi * Double(step) / Double(total))))
  }
}
