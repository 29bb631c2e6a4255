// The detectors speed-tables times, in the lecture's order, each loaded from
// the model cache its own chapter fills, with the lecture's numbers for it
// (VOC 2007 mAP and images per second with proposals, on a GPU).
import ExperimentKit
import Models

extension SpeedTables {
  /// A detector as the cache gives it, with its training run's recorded time.
  struct LoadedDetector {
    var detector: any SceneDetector
    var trainingSeconds: Double?
  }

  struct LectureNumbers {
    /// VOC 2007 mAP, in percent.
    var map: Double
    /// Images per second including proposals.
    var fps: Double
  }

  struct SuiteEntry {
    var key: String
    var name: String
    /// Where its boxes come from.
    var proposalSource: String
    /// Source folders its model is built from (part of this chapter's code fingerprint).
    var folders: [String]
    var lecture: LectureNumbers
    var load: (RunContext) throws -> LoadedDetector
  }

  /// The lecture's numbers: VOC 2007 mAP (R-CNN 66.0, Fast R-CNN 66.9, Faster R-CNN
  /// 66.9 as the lecture's table gives them; YOLO 63.4 from its Table 1) and
  /// images per second with proposals (1 / 50 s, 1 / 2 s, 1 / 0.2 s; YOLO 45).
  static var suite: [SuiteEntry] {
    [
    SuiteEntry(
      key: "rcnn", name: "R-CNN", proposalSource: "Selective Search", folders: [RCNNModel.folder],
      lecture: LectureNumbers(map: 66.0, fps: 1 / 50.0)
    ) { context in
      LoadedDetector(
        detector: try RCNNDetector.load(profile: context.profile, context: context),
        trainingSeconds: try context.model(RCNNModel(profile: context.profile)).trainingSeconds)
    },
    SuiteEntry(
      key: "fastRcnn", name: "Fast R-CNN", proposalSource: "Selective Search", folders: [FastRCNN.folder],
      lecture: LectureNumbers(map: 66.9, fps: 1 / 2.0)
    ) { context in
      let detector = try FastRCNNDetector.load(profile: context.profile, context: context)
      return LoadedDetector(detector: detector, trainingSeconds: detector.trainingSeconds)
    },
    SuiteEntry(
      key: "fasterRcnn", name: "Faster R-CNN", proposalSource: "its RPN", folders: [FasterRCNN.folder, FastRCNN.folder],
      lecture: LectureNumbers(map: 66.9, fps: 1 / 0.2)
    ) { context in
      LoadedDetector(
        detector: try FasterRCNNDetector.load(profile: context.profile, context: context),
        trainingSeconds: try context.model(FasterRCNN(profile: context.profile)).trainingSeconds)
    },
    SuiteEntry(
      key: "yolo", name: "YOLO", proposalSource: "none (one pass)", folders: [YOLOModel.folder],
      lecture: LectureNumbers(map: 63.4, fps: 45)
    ) { context in
      LoadedDetector(
        detector: try YOLODetector.load(profile: context.profile, context: context),
        trainingSeconds: try context.model(YOLOModel(profile: context.profile)).trainingSeconds)
    },
    ]
  }
}
