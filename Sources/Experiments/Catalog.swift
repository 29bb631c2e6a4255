import ExperimentKit
// Every experiment, in chapter order. Adding an experiment is one line here.
import Support

public enum Catalog {
  public static let all: [any Experiment.Type] = [
    Classifier.self,  // prerequisite: the visualization chapters load its weights
    FashionScenesData.self,
    LocalizationRegression.self,
    PoseRegression.self,
    SlidingWindow.self,
    HOGDetector.self,
    RegionProposals.self,  // issue 17: Lecture08/RegionProposals
    RCNNPipeline.self,  // Lecture08/RCNN
    RoIPooling.self,
    FastRCNNExperiment.self,
    FasterRCNNExperiment.self,
    YOLO.self,  // chapter 12: Lecture08/YOLO
    SpeedTables.self,  // chapter 13: Lecture08/SpeedTables, after every detector it times
    MeanAveragePrecision.self,
    SpatialTransformers.self,
    FiltersAndPatches.self,
    TSNEMaps.self,
    Occlusion.self,
    Saliency.self,
    ClassVisualization.self,
    FeatureInversion.self,
    DeepDream.self,
    NeuralStyle.self,
    Adversarial.self,
  ]

  public static func experiment(id: String) -> (any Experiment.Type)? {
    all.first { $0.id == id }
  }

  /// The catalog id closest to `id` (edit distance), for "did you mean".
  public static func nearest(to id: String) -> String? {
    nearestString(to: id, in: all.map { $0.id })
  }

  /// `ids` and everything they require, prerequisites first, in catalog order.
  public static func withPrerequisites(_ ids: [String]) -> [any Experiment.Type] {
    var wanted = Set<String>()
    func add(_ e: any Experiment.Type) {
      guard wanted.insert(e.id).inserted else { return }
      for r in e.requires { add(r) }
    }
    for id in ids { if let e = experiment(id: id) { add(e) } }
    return all.filter { wanted.contains($0.id) }
  }
}

