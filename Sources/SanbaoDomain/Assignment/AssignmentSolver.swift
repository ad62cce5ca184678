/// Min-cost flow for the assignment, by successive shortest paths with node potentials.
///
/// Each enterprise in turn is routed by one Dijkstra search over reduced costs (never
/// negative thanks to the potentials) from the enterprise to the sink; the search stops as soon
/// as the sink is settled, usually right after the nearest cadre with room. A path may move
/// other enterprises along (this one takes cadre A, the one A had moves to B, …), which is how
/// the result stays optimal for every prefix. Chosen by measurement over cost scaling and
/// network simplex on the reference instances (README, Benchmarks/assign.sh).
///
/// Nodes: capacity nodes first (cadres `0..<m`, then quota groups), the sink, then the
/// enterprises, so that enterprises can be appended without renumbering anything.
///
/// The state after `solve()` is a proof of optimality: `verify()` checks that every residual
/// arc has a non-negative reduced cost. Later edits (an enterprise more or less, a cadre away
/// or back, a lock) re-route only what they touch, starting from the same potentials.
public final class AssignmentSolver {
    public enum Outcome: UInt8, Sendable {
        case pending = 0, placed, noCandidates, allCandidatesFull, removed
    }

    let cadreCount: Int
    let capacityNodes: Int
    let sink: Int
    var enterpriseCount: Int
    let penalty: Int64

    // Arcs per enterprise (compressed rows).
    var arcStart: FlatBuffer<Int>
    var arcCadre: FlatBuffer<Int32>
    var arcCost: FlatBuffer<Int64>

    // Capacity nodes: the arc to the parent (a group or the sink) and its flow.
    let parent: FlatBuffer<Int32>
    let capacity: FlatBuffer<Int64>
    let flow: FlatBuffer<Int64>
    let freeLoad: FlatBuffer<Int64>
    /// 1: an excluded cadre; arcs into it are left out of every search.
    let closed: FlatBuffer<UInt8>
    // Children of each group and of the sink (index `node - cadreCount`), compressed rows.
    let childStart: FlatBuffer<Int>
    let childList: FlatBuffer<Int32>

    // Enterprises.
    var assignedArc: FlatBuffer<Int32>
    var lockedArc: FlatBuffer<Int32>
    /// Each cadre's enterprises sit in a block of `capacity` slots (enterprise, cost of its
    /// arc), so a search reads a full cadre's members from one run of memory.
    var memberStart: FlatBuffer<Int>
    var memberSlot: FlatBuffer<Int32>
    var memberCost: FlatBuffer<Int64>
    let memberCount: FlatBuffer<Int32>
    var memberPos: FlatBuffer<Int32>
    var outcome: FlatBuffer<UInt8>

    // Per node.
    var potential: FlatBuffer<Int64>
    var dist: FlatBuffer<Int64>
    var predNode: FlatBuffer<Int32>
    var predArc: FlatBuffer<Int32>
    /// bit 0: settled in the current search; bit 1: cannot reach the sink (see `place`).
    var mark: FlatBuffer<UInt8>

    var heap = QuaternaryHeap()
    var touched = FlatBuffer<Int32>(repeating: 0, count: 0)
    var settled = FlatBuffer<Int32>(repeating: 0, count: 0)
    var hasDeadMarks = false
    /// Work done, for the benchmark's report: searches run and nodes they settled.
    public private(set) var searchCount = 0
    public private(set) var settledCount = 0
    /// Before the first `solve()`, locks and exclusions only set the stage; after it, every
    /// edit re-solves what it touches.
    var hasSolved = false

    static let upward: Int32 = -2
    static let downward: Int32 = -3
    static let unreached = Int64.max

    public init(_ problem: consuming AssignmentProblem) {
        precondition(problem.validationError() == nil, problem.validationError() ?? "")
        cadreCount = problem.cadreCount
        let groups = problem.groupCapacity.count
        capacityNodes = cadreCount + groups
        sink = capacityNodes
        enterpriseCount = problem.enterpriseCount
        penalty = problem.fairness?.penalty ?? 0

        arcStart = FlatBuffer(problem.arcStart)
        problem.arcStart = []
        arcCadre = FlatBuffer(problem.arcCadre)
        problem.arcCadre = []
        arcCost = FlatBuffer(problem.arcCost)
        problem.arcCost = []

        let top = Int32(capacityNodes), firstGroup = Int32(cadreCount)
        var parents = problem.cadreGroup.map { $0 < 0 ? top : firstGroup + $0 }
        parents += problem.groupParent.map { $0 < 0 ? top : firstGroup + $0 }
        parent = FlatBuffer(parents)
        capacity = FlatBuffer(problem.cadreCapacity + problem.groupCapacity)
        flow = FlatBuffer(repeating: 0, count: capacityNodes)
        let fairness = problem.fairness
        let free = problem.cadreCapacity.map { fairness?.freeLoad(capacity: $0) ?? $0 }
        freeLoad = FlatBuffer(free + problem.groupCapacity)
        closed = FlatBuffer(repeating: 0, count: capacityNodes)

        // Children of groups and of the sink, for the downward residual arcs.
        let slots = groups + 1
        var counts = Array(repeating: 0, count: slots + 1)
        for p in parents { counts[Int(p - firstGroup) + 1] += 1 }
        for i in 0..<slots { counts[i + 1] += counts[i] }
        var fill = counts
        var children = Array(repeating: Int32(0), count: parents.count)
        for (node, p) in parents.enumerated() {
            let slot = Int(p - firstGroup)
            children[fill[slot]] = Int32(node)
            fill[slot] += 1
        }
        childStart = FlatBuffer(counts)
        childList = FlatBuffer(children)

        let n = enterpriseCount
        assignedArc = FlatBuffer(repeating: -1, count: n)
        lockedArc = FlatBuffer(repeating: -1, count: n)
        var blocks = [0]
        for c in 0..<cadreCount { blocks.append(blocks[c] + Int(problem.cadreCapacity[c])) }
        memberStart = FlatBuffer(blocks)
        memberSlot = FlatBuffer(repeating: -1, count: blocks[cadreCount])
        memberCost = FlatBuffer(repeating: 0, count: blocks[cadreCount])
        memberCount = FlatBuffer(repeating: 0, count: cadreCount)
        memberPos = FlatBuffer(repeating: -1, count: n)
        outcome = FlatBuffer(repeating: Outcome.pending.rawValue, count: n)

        let nodes = capacityNodes + 1 + n
        potential = FlatBuffer(repeating: 0, count: nodes)
        dist = FlatBuffer(repeating: Self.unreached, count: nodes)
        predNode = FlatBuffer(repeating: -1, count: nodes)
        predArc = FlatBuffer(repeating: -1, count: nodes)
        mark = FlatBuffer(repeating: 0, count: nodes)
    }

    deinit {
        for buffer in [arcStart.free, arcCadre.free, arcCost.free, parent.free, capacity.free, flow.free,
                       freeLoad.free, closed.free, childStart.free, childList.free, assignedArc.free,
                       lockedArc.free, memberStart.free, memberSlot.free, memberCost.free, memberCount.free, memberPos.free, outcome.free,
                       potential.free, dist.free, predNode.free, predArc.free, mark.free, touched.free,
                       settled.free, heap.free] {
            buffer()
        }
    }

    @inline(__always) func node(ofEnterprise e: Int) -> Int { capacityNodes + 1 + e }
    @inline(__always) func enterprise(ofNode v: Int) -> Int { v - capacityNodes - 1 }

    /// The cost of the next enterprise through capacity node `j` with `load` already on it.
    @inline(__always) func marginal(_ j: Int, _ load: Int64) -> Int64 {
        load < freeLoad[j] ? 0 : penalty
    }

    // MARK: Solving

    /// Routes every enterprise not yet placed; returns how many could not be placed.
    @discardableResult
    public func solve() -> Int {
        for e in 0..<enterpriseCount where outcome[e] == Outcome.pending.rawValue {
            place(e)
        }
        settleDeadPotentials()
        hasSolved = true
        return unplacedCount
    }

    /// One enterprise: a Dijkstra search from it to the sink, then the path is applied.
    /// A search that fails marks every node it settled as unable to reach the sink; that stays
    /// true while capacity only fills (a new residual arc is the reverse of a path that reached
    /// the sink), so later searches skip those nodes and an infeasible instance costs no more
    /// than a feasible one. Marks are cleared whenever capacity is given back.
    func place(_ e: Int) {
        let first = arcStart[e], last = arcStart[e + 1]
        guard first < last else { outcome[e] = Outcome.noCandidates.rawValue; return }
        // No residual arc enters a new enterprise, so any potential that keeps its own arcs
        // non-negative is valid.
        var h = Int64.min
        if lockedArc[e] >= 0 {
            let a = Int(lockedArc[e])
            h = potential[Int(arcCadre[a])] - arcCost[a]
        } else {
            for a in first..<last { h = max(h, potential[Int(arcCadre[a])] - arcCost[a]) }
        }
        let source = node(ofEnterprise: e)
        potential[source] = h
        if search(from: source, to: sink, useDeadMarks: true) {
            applySearchResult(to: sink, limit: dist[sink])
            outcome[e] = Outcome.placed.rawValue
        } else {
            for i in 0..<settled.count { mark[Int(settled[i])] |= 2 }
            hasDeadMarks = true
            outcome[e] = Outcome.allCandidatesFull.rawValue
            resetSearch()
        }
    }

    /// Dijkstra over reduced costs from `source` until `target` is settled, or until every
    /// remaining key is at least `limit`. Leaves `dist`, `settled` and the predecessors for
    /// `applySearchResult`.
    @discardableResult
    func search(from source: Int, to target: Int, limit: Int64 = .max, useDeadMarks: Bool = false) -> Bool {
        let n = capacityNodes
        let m = cadreCount
        let dist = dist.base, h = potential.base, mark = mark.base
        let predNode = predNode.base, predArc = predArc.base
        let arcStart = arcStart.base, arcCadre = arcCadre.base, arcCost = arcCost.base
        let assigned = assignedArc.base, locked = lockedArc.base
        let memberStart = memberStart.base, memberSlot = memberSlot.base, memberCost = memberCost.base
        let memberCount = memberCount.base
        let parent = parent.base, capacity = capacity.base, flow = flow.base, closed = closed.base
        let childStart = childStart.base, childList = childList.base
        let skipMask: UInt8 = useDeadMarks ? 3 : 1
        // Local copies: a struct property of a class pays an exclusivity check per access.
        var heap = self.heap, touched = self.touched, settled = self.settled
        defer {
            heap.removeAll()
            self.heap = heap
            self.touched = touched
            searchCount += 1
            settledCount += settled.count
            self.settled = settled
        }

        // A node whose key is no better than the target's can never be settled before it.
        @inline(__always) func relax(_ v: Int, _ key: Int64, _ from: Int, _ arc: Int32) {
            if key < dist[v] && key < dist[target] && mark[v] & skipMask == 0 {
                if dist[v] == Self.unreached { touched.append(Int32(v)) }
                dist[v] = key
                predNode[v] = Int32(from)
                predArc[v] = arc
                heap.push(key, Int32(v))
            }
        }

        dist[source] = 0
        predNode[source] = -1
        touched.append(Int32(source))
        heap.push(0, Int32(source))
        while !heap.isEmpty {
            let (d, node32) = heap.pop()
            let u = Int(node32)
            if d >= limit { break }
            if d > dist[u] || mark[u] & 1 != 0 { continue }
            mark[u] |= 1
            settled.append(node32)
            if u == target { return true }
            let hu = h[u]
            if u > n {
                // An enterprise: to every candidate cadre but its own (or only to its lock).
                let e = u - n - 1
                let own = assigned[e]
                let lock = locked[e]
                var a = lock >= 0 ? Int(lock) : arcStart[e]
                let end = lock >= 0 ? a + 1 : arcStart[e + 1]
                // Capacity-node potentials start at 0 and only ever fall, so an arc's reduced
                // cost is at least `cost + h(u)`; with the arcs sorted by cost, the rest of
                // the row cannot beat the target once one of them cannot.
                let bound = dist[target] == Self.unreached ? Int64.max : dist[target] - d - hu
                while a < end {
                    if arcCost[a] >= bound { break }
                    if a != own {
                        let c = Int(arcCadre[a])
                        if closed[c] == 0 { relax(c, d + arcCost[a] + hu - h[c], u, Int32(a)) }
                    }
                    a += 1
                }
            } else {
                if u < m {
                    // A cadre: back along the arcs of the enterprises it holds.
                    let first = memberStart[u]
                    for i in first..<first + Int(memberCount[u]) {
                        let v = n + 1 + Int(memberSlot[i])
                        relax(v, d - memberCost[i] + hu - h[v], u, 0)
                    }
                } else {
                    // A group or the sink: down to children that carry flow.
                    let slot = u - m
                    for i in childStart[slot]..<childStart[slot + 1] {
                        let c = Int(childList[i])
                        let f = flow[c]
                        if f > 0 { relax(c, d - marginal(c, f - 1) + hu - h[c], u, Self.downward) }
                    }
                }
                if u < n {
                    let f = flow[u]
                    if f < capacity[u] {
                        let p = Int(parent[u])
                        relax(p, d + marginal(u, f) + hu - h[p], u, Self.upward)
                    }
                }
            }
        }
        return false
    }

    /// After a search: potentials of settled nodes move by `dist - limit` (which keeps every
    /// reduced cost non-negative and makes the path's arcs tight), and, if `target` was
    /// reached, one unit of flow moves along the path.
    func applySearchResult(to target: Int, limit: Int64) {
        let h = potential.base, dist = dist.base
        for i in 0..<settled.count {
            let v = Int(settled[i])
            if dist[v] < limit { h[v] += dist[v] - limit }
        }
        if dist[target] == limit, mark[target] & 1 != 0 {
            var path: [Int] = [target]
            var v = target
            while predNode[v] >= 0 {
                v = Int(predNode[v])
                path.append(v)
            }
            // Enterprises leave their cadres before others arrive, so a block never overflows.
            for i in 1..<path.count where path[i - 1] > capacityNodes && path[i] < cadreCount {
                detach(enterprise: enterprise(ofNode: path[i - 1]))
            }
            for i in stride(from: path.count - 1, to: 0, by: -1) {
                step(from: path[i], to: path[i - 1], arc: predArc[path[i - 1]])
            }
        }
        resetSearch()
    }

    private func step(from x: Int, to y: Int, arc: Int32) {
        if arc == Self.upward {
            flow[x] += 1
        } else if arc == Self.downward {
            flow[y] -= 1
        } else if y < capacityNodes {
            attach(enterprise: enterprise(ofNode: x), arc: Int(arc))
        }
        // cadre → enterprise: already detached
    }

    func attach(enterprise e: Int, arc: Int) {
        let c = Int(arcCadre[arc])
        let count = Int(memberCount[c])
        if memberStart[c] + count == memberStart[c + 1] { layoutMembers(growing: c) }
        let slot = memberStart[c] + count
        assignedArc[e] = Int32(arc)
        memberSlot[slot] = Int32(e)
        memberCost[slot] = arcCost[arc]
        memberPos[e] = Int32(count)
        memberCount[c] = Int32(count + 1)
    }

    func detach(enterprise e: Int) {
        let c = Int(arcCadre[Int(assignedArc[e])])
        let last = Int(memberCount[c]) - 1
        let pos = Int(memberPos[e])
        let base = memberStart[c]
        if pos != last {
            let moved = memberSlot[base + last]
            memberSlot[base + pos] = moved
            memberCost[base + pos] = memberCost[base + last]
            memberPos[Int(moved)] = Int32(pos)
        }
        memberCount[c] = Int32(last)
        memberPos[e] = -1
        assignedArc[e] = -1
    }

    /// Lays the member blocks out again, with room for every cadre's capacity (and twice the
    /// room for `c`, whose block is full): after a capacity grew, or a lock went past it.
    func layoutMembers(growing c: Int) {
        var blocks = [0]
        for j in 0..<cadreCount {
            let room = max(Int(capacity[j]), Int(memberCount[j])) * (j == c ? 2 : 1) + (j == c ? 1 : 0)
            blocks.append(blocks[j] + room)
        }
        let slots = FlatBuffer<Int32>(repeating: -1, count: blocks[cadreCount])
        let costs = FlatBuffer<Int64>(repeating: 0, count: blocks[cadreCount])
        for j in 0..<cadreCount {
            for i in 0..<Int(memberCount[j]) {
                slots[blocks[j] + i] = memberSlot[memberStart[j] + i]
                costs[blocks[j] + i] = memberCost[memberStart[j] + i]
            }
        }
        memberSlot.free()
        memberCost.free()
        memberStart.free()
        memberSlot = slots
        memberCost = costs
        memberStart = FlatBuffer(blocks)
    }

    func resetSearch() {
        let dist = dist.base, mark = mark.base
        for i in 0..<touched.count {
            let v = Int(touched[i])
            dist[v] = Self.unreached
            mark[v] &= ~1
        }
        touched.truncate()
        settled.truncate()
        heap.removeAll()
    }

    /// Searches skip nodes that cannot reach the sink, so their potentials fall behind and
    /// arcs into them may look negative. No cycle passes through such a node (it would reach
    /// the sink through the cycle) and none of their arcs leads back out, so the flow is
    /// optimal; to keep the certificate whole, their potentials are lowered along the arcs
    /// that look negative until none does (Bellman–Ford from the violations; it ends because
    /// there is no negative cycle).
    func settleDeadPotentials() {
        guard hasDeadMarks else { return }
        var queue: [Int] = []
        var queued = Set<Int>()
        func lower(_ u: Int) {
            forEachResidualArc(from: u) { v, cost in
                let bound = potential[u] + cost
                if bound < potential[v] {
                    potential[v] = bound
                    if queued.insert(v).inserted { queue.append(v) }
                }
            }
        }
        for u in 0..<mark.count where isInFlow(u) { lower(u) }
        var next = 0
        while next < queue.count {
            let v = queue[next]
            next += 1
            queued.remove(v)
            lower(v)
            if next > 4096 && next * 2 > queue.count {
                queue.removeFirst(next)
                next = 0
            }
        }
    }

    /// Enterprises that are not placed have no arc in: they are not part of the flow.
    func isInFlow(_ v: Int) -> Bool {
        v <= capacityNodes || outcome[enterprise(ofNode: v)] == Outcome.placed.rawValue
    }

    /// Every residual arc leaving `u`, with its real cost (the slow, readable twin of the
    /// relaxation loop in `search`, for certificates and repairs).
    func forEachResidualArc(from u: Int, _ body: (Int, Int64) -> Void) {
        if u > capacityNodes {
            let e = enterprise(ofNode: u)
            let own = Int(assignedArc[e])
            let range = lockedArc[e] >= 0 ? Int(lockedArc[e])..<Int(lockedArc[e]) + 1 : arcStart[e]..<arcStart[e + 1]
            for a in range where a != own && closed[Int(arcCadre[a])] == 0 { body(Int(arcCadre[a]), arcCost[a]) }
            return
        }
        if u < cadreCount {
            let first = memberStart[u]
            for i in first..<first + Int(memberCount[u]) {
                body(node(ofEnterprise: Int(memberSlot[i])), -memberCost[i])
            }
        } else {
            let slot = u - cadreCount
            for i in childStart[slot]..<childStart[slot + 1] {
                let c = Int(childList[i])
                if flow[c] > 0 { body(c, -marginal(c, flow[c] - 1)) }
            }
        }
        if u < capacityNodes && flow[u] < capacity[u] { body(Int(parent[u]), marginal(u, flow[u])) }
    }

    func clearDeadMarks() {
        guard hasDeadMarks else { return }
        settleDeadPotentials()
        for v in 0..<mark.count { mark[v] &= ~2 }
        hasDeadMarks = false
        // Enterprises that found no room may find some now.
        for e in 0..<enterpriseCount where outcome[e] == Outcome.allCandidatesFull.rawValue {
            outcome[e] = Outcome.pending.rawValue
        }
    }
}
