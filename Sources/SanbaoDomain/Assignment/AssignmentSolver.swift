/// Min-cost flow for the assignment, by successive shortest paths with node potentials.
///
/// Each enterprise in turn is routed by one Dijkstra search over reduced costs (never
/// negative thanks to the potentials) from the enterprise to the sink; the search stops as soon
/// as the sink is settled, usually right after the nearest cadre with room. A path may move
/// other enterprises along (this one takes cadre A, the one A had moves to B, …), which is how
/// the result stays optimal for every prefix. Chosen by measurement over cost scaling and
/// network simplex on the reference instances (docs/benchmarks.md, Benchmarks/assign.sh).
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

    var cadreCount, capacityNodes, sink, enterpriseCount: Int
    let penalty: Int64
    let fairness: AssignmentProblem.Fairness?

    // Arcs per enterprise (compressed rows).
    var arcStart: FlatBuffer<Int>
    /// Enterprise numbers outside (the problem's) and inside (see `init`).
    var externalOf, internalOf: FlatBuffer<Int32>
    /// Cost and cadre side by side: a search reads both, and a row is one run of memory.
    var arcs: FlatBuffer<Arc>

    // Capacity nodes: the arc to the parent (a group or the sink) and its flow.
    var parent: FlatBuffer<Int32>
    var capacity, flow, freeLoad: FlatBuffer<Int64>
    /// 1: an excluded cadre; arcs into it are left out of every search.
    var closed: FlatBuffer<UInt8>
    // Children of each group and of the sink (index `node - cadreCount`), compressed rows.
    var childStart: FlatBuffer<Int>
    var childList: FlatBuffer<Int32>

    // Enterprises.
    var assignedArc, lockedArc: FlatBuffer<Int32>
    /// Each cadre's enterprises sit in a block of `capacity` slots (enterprise, cost of its
    /// arc), so a search reads a full cadre's members from one run of memory.
    var memberStart: FlatBuffer<Int>
    var memberSlot: FlatBuffer<Int32>
    var memberCost: FlatBuffer<Int64>
    var memberCount, memberPos: FlatBuffer<Int32>
    var outcome: FlatBuffer<UInt8>

    /// Per node, in one record so that a search touching a node reads one cache line.
    var state: FlatBuffer<NodeState>

    var heap = QuaternaryHeap()
    var touched = FlatBuffer<Int32>(repeating: 0, count: 0)
    var settled = FlatBuffer<Int32>(repeating: 0, count: 0)
    var hasDeadMarks = false
    /// A search that skipped unreachable nodes may have left arcs into them looking negative;
    /// `settleDeadPotentials` mends that before any search that does not skip them.
    var deadPotentialsStale = false
    /// Work done, for the benchmark's report: searches run and nodes they settled.
    public private(set) var searchCount = 0
    public private(set) var settledCount = 0
    /// Before the first `solve()`, locks and exclusions only set the stage; after it, every
    /// edit re-solves what it touches.
    var hasSolved = false

    struct Arc {
        var cost: Int64
        var cadre: Int32
    }

    struct NodeState {
        var dist = AssignmentSolver.unreached
        var potential: Int64 = 0
        var pred: Int32 = -1
        var predArc: Int32 = -1
        /// bit 0: settled in the current search; bit 1: cannot reach the sink (see `place`).
        var mark: UInt8 = 0
    }

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
        fairness = problem.fairness

        // Inside, enterprises are numbered by their nearest cadre, so the enterprises a search
        // meets together (a cadre's, and their neighbours') sit together in memory. On the
        // reference instances this alone made the solver about 2.5 times faster. The order
        // is also the order in which they are routed.
        let n = problem.enterpriseCount, m = problem.cadreCount
        let rows = problem.arcStart, heads = problem.arcCadre, costs = problem.arcCost
        problem.arcStart = []
        problem.arcCadre = []
        problem.arcCost = []
        var firstOfKey = Array(repeating: 0, count: m + 2)
        let key = { (e: Int) in rows[e] < rows[e + 1] ? Int(heads[rows[e]]) : m }
        for e in 0..<n { firstOfKey[key(e) + 1] += 1 }
        for k in 0...m { firstOfKey[k + 1] += firstOfKey[k] }
        let externalOf = FlatBuffer<Int32>(repeating: 0, count: n)
        let internalOf = FlatBuffer<Int32>(repeating: 0, count: n)
        for e in 0..<n {
            let i = firstOfKey[key(e)]
            firstOfKey[key(e)] += 1
            externalOf[i] = Int32(e)
            internalOf[e] = Int32(i)
        }
        var arcStart = FlatBuffer<Int>(repeating: 0, count: 0)
        arcStart.append(0)
        let arcs = FlatBuffer(repeating: Arc(cost: 0, cadre: 0), count: heads.count)
        var next = 0
        for i in 0..<n {
            let e = Int(externalOf[i])
            for a in rows[e]..<rows[e + 1] {
                arcs[next] = Arc(cost: costs[a], cadre: heads[a])
                next += 1
            }
            arcStart.append(next)
        }
        self.arcStart = arcStart
        self.arcs = arcs
        self.externalOf = externalOf
        self.internalOf = internalOf

        let top = Int32(capacityNodes), firstGroup = Int32(cadreCount)
        var parents = problem.cadreGroup.map { $0 < 0 ? top : firstGroup + $0 }
        parents += problem.groupParent.map { $0 < 0 ? top : firstGroup + $0 }
        parent = FlatBuffer(parents)
        capacity = FlatBuffer(problem.cadreCapacity + problem.groupCapacity)
        flow = FlatBuffer(repeating: 0, count: capacityNodes)
        let share = problem.fairness
        let free = problem.cadreCapacity.map { share?.freeLoad(capacity: $0) ?? $0 }
        freeLoad = FlatBuffer(free + problem.groupCapacity)
        closed = FlatBuffer(repeating: 0, count: capacityNodes)

        (childStart, childList) = Self.children(of: parents, firstGroup: Int(firstGroup), groups: groups)

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
        state = FlatBuffer(repeating: NodeState(), count: nodes)
    }

    /// Children of each group and of the sink (slot `node - cadreCount`), for the downward
    /// residual arcs, as compressed rows.
    static func children(of parents: [Int32], firstGroup: Int, groups: Int) -> (FlatBuffer<Int>, FlatBuffer<Int32>) {
        let slots = groups + 1
        var counts = Array(repeating: 0, count: slots + 1)
        for p in parents { counts[Int(p) - firstGroup + 1] += 1 }
        for i in 0..<slots { counts[i + 1] += counts[i] }
        var fill = counts
        var children = Array(repeating: Int32(0), count: parents.count)
        for (node, p) in parents.enumerated() {
            let slot = Int(p) - firstGroup
            children[fill[slot]] = Int32(node)
            fill[slot] += 1
        }
        return (FlatBuffer(counts), FlatBuffer(children))
    }

    deinit {
        for buffer in [arcStart.free, arcs.free, externalOf.free, internalOf.free, parent.free, capacity.free, flow.free,
                       freeLoad.free, closed.free, childStart.free, childList.free, assignedArc.free,
                       lockedArc.free, memberStart.free, memberSlot.free, memberCost.free, memberCount.free, memberPos.free, outcome.free,
                       state.free, touched.free,
                       settled.free, heap.free] {
            buffer()
        }
    }

    /// The solver's own number for the problem's enterprise `e`.
    @inline(__always) func inner(_ e: Int) -> Int { Int(internalOf[e]) }

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
        let h = entryPotential(e)
        let source = node(ofEnterprise: e)
        state[source].potential = h
        if hasDeadMarks { deadPotentialsStale = true }
        if search(from: source, to: sink, useDeadMarks: true) {
            applySearchResult(to: sink, limit: state[sink].dist)
            outcome[e] = Outcome.placed.rawValue
        } else {
            for i in 0..<settled.count { state[Int(settled[i])].mark |= 2 }
            hasDeadMarks = true
            deadPotentialsStale = true
            outcome[e] = Outcome.allCandidatesFull.rawValue
            resetSearch()
        }
    }

    /// No residual arc enters an enterprise that holds no cadre, so any potential that keeps its
    /// own arcs non-negative is valid: the largest `h(c) - cost` over them.
    func entryPotential(_ e: Int) -> Int64 {
        if lockedArc[e] >= 0 {
            let a = Int(lockedArc[e])
            return state[Int(arcs[a].cadre)].potential - arcs[a].cost
        }
        var h = Int64.min
        for a in arcStart[e]..<arcStart[e + 1] { h = max(h, state[Int(arcs[a].cadre)].potential - arcs[a].cost) }
        return h
    }

    /// Dijkstra over reduced costs from `source` until `target` is settled, or until every
    /// remaining key is at least `limit`. Leaves `dist`, `settled` and the predecessors for
    /// `applySearchResult`.
    @discardableResult
    func search(from source: Int, to target: Int, limit: Int64 = .max, useDeadMarks: Bool = false) -> Bool {
        let n = capacityNodes
        let m = cadreCount
        let st = state.base
        let arcStart = arcStart.base, arcs = arcs.base
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
            let node = st + v
            if key < node.pointee.dist && key < st[target].dist && node.pointee.mark & skipMask == 0 {
                if node.pointee.dist == Self.unreached { touched.append(Int32(v)) }
                node.pointee.dist = key
                node.pointee.pred = Int32(from)
                node.pointee.predArc = arc
                heap.push(key, Int32(v))
            }
        }

        st[source].dist = 0
        st[source].pred = -1
        touched.append(Int32(source))
        heap.push(0, Int32(source))
        while !heap.isEmpty {
            let (d, node32) = heap.pop()
            let u = Int(node32)
            if d >= limit { break }
            if d > st[u].dist || st[u].mark & 1 != 0 { continue }
            st[u].mark |= 1
            settled.append(node32)
            if u == target { return true }
            let hu = st[u].potential
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
                let bound = st[target].dist == Self.unreached ? Int64.max : st[target].dist - d - hu
                while a < end {
                    if arcs[a].cost >= bound { break }
                    if a != own {
                        let c = Int(arcs[a].cadre)
                        if closed[c] == 0 { relax(c, d + arcs[a].cost + hu - st[c].potential, u, Int32(a)) }
                    }
                    a += 1
                }
            } else {
                if u < m {
                    // A cadre: back along the arcs of the enterprises it holds.
                    let first = memberStart[u]
                    for i in first..<first + Int(memberCount[u]) {
                        let v = n + 1 + Int(memberSlot[i])
                        relax(v, d - memberCost[i] + hu - st[v].potential, u, 0)
                    }
                } else {
                    // A group or the sink: down to children that carry flow.
                    let slot = u - m
                    for i in childStart[slot]..<childStart[slot + 1] {
                        let c = Int(childList[i])
                        let f = flow[c]
                        if f > 0 { relax(c, d - marginal(c, f - 1) + hu - st[c].potential, u, Self.downward) }
                    }
                }
                if u < n {
                    let f = flow[u]
                    if f < capacity[u] {
                        let p = Int(parent[u])
                        relax(p, d + marginal(u, f) + hu - st[p].potential, u, Self.upward)
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
        let st = state.base
        for i in 0..<settled.count {
            let node = st + Int(settled[i])
            if node.pointee.dist < limit { node.pointee.potential += node.pointee.dist - limit }
        }
        if state[target].dist == limit, state[target].mark & 1 != 0 {
            var path: [Int] = [target]
            var v = target
            while state[v].pred >= 0 {
                v = Int(state[v].pred)
                path.append(v)
            }
            // Enterprises leave their cadres before others arrive, so a block never overflows.
            for i in 1..<path.count where path[i - 1] > capacityNodes && path[i] < cadreCount {
                detach(enterprise: enterprise(ofNode: path[i - 1]))
            }
            for i in stride(from: path.count - 1, to: 0, by: -1) {
                step(from: path[i], to: path[i - 1], arc: state[path[i - 1]].predArc)
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

    func resetSearch() {
        let st = state.base
        for i in 0..<touched.count {
            let node = st + Int(touched[i])
            node.pointee.dist = Self.unreached
            node.pointee.mark &= ~1
        }
        touched.truncate()
        settled.truncate()
        heap.removeAll()
    }
}
