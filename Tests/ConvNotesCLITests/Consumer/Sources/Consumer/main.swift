// Calls ConvNotes' library products the way another package would: NMS on
// three boxes, exact nearest neighbours, a plot written to a PNG. Prints
// what it found, for the test to check.
import Detection
import Embedding
import Foundation
import Plot
import Tensor

let boxes = [Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 1, x2: 11, y2: 11), Box(x1: 20, y1: 20, x2: 30, y2: 30)]
let kept = nonMaxSuppression(boxes, scores: [0.9, 0.8, 0.7], iouThreshold: 0.5)
let points = Tensor(shape: [3, 2], scalars: [0, 0, 0.1, 0, 5, 5])
let neighbours = Neighbors.exact(points, k: 1)
var figure = Figure(width: 200, height: 150)
figure.axes[0].line(x: [0, 1, 2], y: [0, 1, 4])
let png = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "consumer.png")
try figure.write(to: png)
print("kept \(kept) nearest-of-0 \(neighbours.indices[0]) png \(FileManager.default.fileExists(atPath: png.path))")
