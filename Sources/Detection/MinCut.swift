// Maximum flow / minimum s-t cut with Dinic's algorithm (Dinic, "Algorithm
// for solution of a problem of maximum flow in networks with power
// estimation", Soviet Math. Doklady 1970).
//
// Conventions: nodes are 0..<n; `addEdge(u, v, capacity, reverseCapacity)`
// adds the arc u->v and its residual twin v->u (with `reverseCapacity`, so an
// undirected edge is one call with both capacities equal). After `maxFlow`,
// the minimum cut's source side is every node reachable from the source in
// the residual graph (`sourceSide`). Each phase builds BFS levels from the
// source, then pushes a blocking flow along level-increasing arcs with a
// per-node iterator (the "current arc"), so dead ends are not revisited.
// Capacities are Doubles; arcs with residual capacity <= 1e-12 count as full.

public struct FlowNetwork: Sendable {
  public let nodeCount: Int
  private var head: [Int]  // first arc of each node, -1 if none
  private var next: [Int] = []  // next arc of the same tail
  private var target: [Int] = []
  private var residual: [Double] = []
  static let epsilon = 1e-12

  public init(nodes: Int) {
    precondition(nodes >= 2, "FlowNetwork: need at least a source and a sink, got \(nodes) nodes")
    nodeCount = nodes
    head = [Int](repeating: -1, count: nodes)
  }

  /// Adds u -> v with `capacity` and v -> u with `reverseCapacity` (0 for a directed arc).
  public mutating func addEdge(_ u: Int, _ v: Int, capacity: Double, reverseCapacity: Double = 0) {
    precondition(u >= 0 && u < nodeCount && v >= 0 && v < nodeCount && u != v, "FlowNetwork.addEdge: bad arc \(u) -> \(v)")
    precondition(capacity >= 0 && reverseCapacity >= 0, "FlowNetwork.addEdge: negative capacity on \(u) -> \(v)")
    for (from, to, c) in [(u, v, capacity), (v, u, reverseCapacity)] {
      target.append(to)
      residual.append(c)
      next.append(head[from])
      head[from] = target.count - 1
    }
  }

  /// Pushes the maximum flow from `source` to `sink`; returns its value.
  public mutating func maxFlow(source: Int, sink: Int) -> Double {
    precondition(source != sink, "FlowNetwork.maxFlow: source and sink are the same node")
    var total = 0.0
    var level = [Int](repeating: -1, count: nodeCount)
    var current = head
    while buildLevels(source: source, sink: sink, level: &level) {
      current = head
      while true {
        let pushed = augment(source, sink, .infinity, &level, &current)
        if pushed <= Self.epsilon { break }
        total += pushed
      }
    }
    return total
  }

  /// After `maxFlow`: true for the nodes on the source side of a minimum cut.
  public func sourceSide(source: Int) -> [Bool] {
    var seen = [Bool](repeating: false, count: nodeCount)
    var stack = [source]
    seen[source] = true
    while let u = stack.popLast() {
      var arc = head[u]
      while arc >= 0 {
        let v = target[arc]
        if !seen[v] && residual[arc] > Self.epsilon {
          seen[v] = true
          stack.append(v)
        }
        arc = next[arc]
      }
    }
    return seen
  }

  private func buildLevels(source: Int, sink: Int, level: inout [Int]) -> Bool {
    for i in level.indices { level[i] = -1 }
    level[source] = 0
    var queue = [source]
    var i = 0
    while i < queue.count {
      let u = queue[i]
      i += 1
      var arc = head[u]
      while arc >= 0 {
        let v = target[arc]
        if level[v] < 0 && residual[arc] > Self.epsilon {
          level[v] = level[u] + 1
          queue.append(v)
        }
        arc = next[arc]
      }
    }
    return level[sink] >= 0
  }

  /// One augmenting path along increasing levels (depth-first, resuming each node's current arc).
  private mutating func augment(_ u: Int, _ sink: Int, _ limit: Double, _ level: inout [Int], _ current: inout [Int]) -> Double {
    if u == sink { return limit }
    while current[u] >= 0 {
      let arc = current[u]
      let v = target[arc]
      if residual[arc] > Self.epsilon && level[v] == level[u] + 1 {
        let pushed = augment(v, sink, min(limit, residual[arc]), &level, &current)
        if pushed > Self.epsilon {
          residual[arc] -= pushed
          residual[arc ^ 1] += pushed
          return pushed
        }
      }
      current[u] = next[arc]
    }
    level[u] = -1  // dead end in this phase
    return 0
  }
}
