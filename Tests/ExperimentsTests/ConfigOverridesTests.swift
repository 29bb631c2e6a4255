// `--set key=value`: every type a configuration field can have, the errors
// that name the key, and what the results record as changed. Expected values
// are written out by hand from the toy configuration below.
import ExperimentKit
import Foundation
import Testing

private struct ToyConfig: Codable, Equatable, Sendable {
  enum Method: String, Codable, Sendable { case bh, fft }
  struct Training: Codable, Equatable, Sendable {
    var epochs: Int
    var learningRate: Double
  }
  var training: Training
  var method: Method
  var name: String
  var augment: Bool
  var sizes: [Int]
  var classes: [String]
}

private let toy = ToyConfig(
  training: .init(epochs: 3, learningRate: 0.05), method: .bh, name: "toy", augment: false, sizes: [8, 16],
  classes: ["shirt", "bag"])

struct ConfigOverridesTests {
  @Test func fieldsAreFlattenedWithTypesAndValues() throws {
    let fields = try ConfigOverrides.fields(of: toy)
    #expect(fields.map(\.key) == ["augment", "classes", "method", "name", "sizes", "training.epochs", "training.learningRate"])
    #expect(fields.map(\.type) == ["true/false", "comma-separated texts", "text", "text", "comma-separated numbers", "number", "number"])
    #expect(fields.map(\.value) == ["false", "shirt,bag", "bh", "toy", "8,16", "3", "0.05"])
  }

  @Test func everyKindOfFieldCanBeSet() throws {
    let settings = ["training.epochs=5", "training.learningRate=0.1", "method=fft", "name=a=b", "augment=true", "sizes=4,4,12", "classes=coat"]
    let (config, changes) = try ConfigOverrides.apply(settings.map(ConfigOverride.init(argument:)), to: toy, experiment: "toy")
    #expect(config == ToyConfig(
      training: .init(epochs: 5, learningRate: 0.1), method: .fft, name: "a=b", augment: true, sizes: [4, 4, 12], classes: ["coat"]))
    #expect(changes.map(\.key) == ["training.epochs", "training.learningRate", "method", "name", "augment", "sizes", "classes"])
    #expect(changes[0] == ConfigChange(key: "training.epochs", defaultValue: "3", value: "5"))
    #expect(changes[5] == ConfigChange(key: "sizes", defaultValue: "8,16", value: "4,4,12"))
  }

  @Test func aValueEqualToTheDefaultIsNotAChangeAndTheLastSettingWins() throws {
    let (config, changes) = try ConfigOverrides.apply(
      [.init(key: "training.epochs", value: "3"), .init(key: "name", value: "x"), .init(key: "name", value: "y")], to: toy,
      experiment: "toy")
    #expect(config.name == "y" && config.training.epochs == 3)
    #expect(changes == [ConfigChange(key: "name", defaultValue: "toy", value: "y")])
  }

  @Test(arguments: [
    ("training.epoch=4", "toy: no configuration field `training.epoch`; did you mean `training.epochs`? (`convnotes params toy` lists them)"),
    ("training=4", "toy: `training` is a group of fields; set one of training.epochs, training.learningRate"),
    ("training.epochs=2.5", "toy: `--set training.epochs=2.5`: expected a whole number (the field is an integer)"),
    ("training.learningRate=fast", "toy: `--set training.learningRate=fast`: expected a number (now 0.05)"),
    ("training.learningRate=nan", "toy: `--set training.learningRate=nan`: expected a number (now 0.05)"),
    ("augment=maybe", "toy: `--set augment=maybe`: expected true or false"),
    ("method=tsne", "toy: `--set method=tsne`: not one of the values this field accepts (now bh)"),
    ("sizes=4,x", "toy: `--set sizes=4,x`: expected comma-separated numbers (now 8,16)"),
    ("epochs", "--set epochs: expected key=value (see `convnotes params <id>` for the keys)"),
    ("=3", "--set =3: expected key=value (see `convnotes params <id>` for the keys)"),
  ])
  func badSettingsNameTheKeyAndWhatWasExpected(setting: String, message: String) throws {
    #expect(throws: ConfigError(message)) {
      _ = try ConfigOverrides.apply([ConfigOverride(argument: setting)], to: toy, experiment: "toy")
    }
  }
}
