/// What the solver found, the proof that it is optimal, and why an enterprise went where it did.
extension AssignmentSolver {
    public func cadre(of e: Int) -> Int? {
        let a = assignedArc[inner(e)]
        return a < 0 ? nil : Int(arcs[Int(a)].cadre)
    }

    public func distance(of e: Int) -> Int64? {
        let a = assignedArc[inner(e)]
        return a < 0 ? nil : arcs[Int(a)].cost
    }

    public func outcome(of e: Int) -> Outcome { Outcome(rawValue: outcome[inner(e)]) ?? .pending }

    public func capacity(ofCadre c: Int) -> Int64 { capacity[c] }

    /// The enterprise's candidate cadres with their costs, as the problem gave them.
    public func candidates(of external: Int) -> [(cadre: Int, cost: Int64)] {
        let e = inner(external)
        return (arcStart[e]..<arcStart[e + 1]).map { (Int(arcs[$0].cadre), arcs[$0].cost) }
    }

    public var count: Int { enterpriseCount }

    public var unplacedCount: Int {
        (0..<enterpriseCount).reduce(0) { n, e in
            let o = outcome[e]
            return n + (o == Outcome.noCandidates.rawValue || o == Outcome.allCandidatesFull.rawValue ? 1 : 0)
        }
    }

    /// Total metres of the placed enterprises.
    public var totalDistance: Int64 {
        (0..<enterpriseCount).reduce(0) { $0 + (assignedArc[$1] < 0 ? 0 : arcs[Int(assignedArc[$1])].cost) }
    }

    /// The fairness penalty of the current loads (0 without fairness).
    public var totalPenalty: Int64 {
        (0..<cadreCount).reduce(0) { $0 + max(0, flow[$1] - freeLoad[$1]) * penalty }
    }

    /// Checks the flow (every placed enterprise on one candidate, loads within capacity, groups
    /// carrying their children) and the optimality certificate (no residual arc with a
    /// negative reduced cost). Returns the first violation, or nil.
    public func verify() -> String? {
        settleDeadPotentials()
        var loads = Array(repeating: Int64(0), count: capacityNodes + 1)
        for e in 0..<enterpriseCount {
            let a = Int(assignedArc[e])
            let placed = outcome[e] == Outcome.placed.rawValue
            if placed != (a >= 0) { return "enterprise \(e): outcome and assignment disagree" }
            guard placed else { continue }
            if a < arcStart[e] || a >= arcStart[e + 1] { return "enterprise \(e): assigned to an arc not its own" }
            if lockedArc[e] >= 0 && lockedArc[e] != Int32(a) { return "enterprise \(e): not on its lock" }
            loads[Int(arcs[a].cadre)] += 1
        }
        for j in 0..<capacityNodes {
            if j >= cadreCount {
                // a group carries what its children carry
                let slot = j - cadreCount
                loads[j] = (childStart[slot]..<childStart[slot + 1]).reduce(0) { $0 + flow[Int(childList[$1])] }
            }
            if loads[j] != flow[j] { return "node \(j): flow \(flow[j]) but carries \(loads[j])" }
            if flow[j] > capacity[j] || flow[j] < 0 { return "node \(j): over capacity" }
        }
        for u in 0..<state.count where isInFlow(u) {
            var bad: Int? = nil
            forEachResidualArc(from: u) { v, cost in
                if bad == nil && cost + state[u].potential - state[v].potential < 0 { bad = v }
            }
            if let bad { return "arc \(describe(u)) → \(describe(bad)) has a negative reduced cost" }
        }
        return nil
    }

    private func describe(_ v: Int) -> String {
        v > capacityNodes ? "enterprise \(enterprise(ofNode: v))" : v == sink ? "sink" : v < cadreCount ? "cadre \(v)" : "group \(v - cadreCount)"
    }

    /// Why not a nearer cadre: for each candidate cadre closer than the one chosen, whether it
    /// is excluded or full, and by how much the total would rise if the enterprise went there
    /// anyway (the cheapest cycle of moves through that arc: the rest re-arranged at best).
    public func alternatives(for external: Int) -> [Alternative] {
        let e = inner(external)
        guard let chosen = assignedArc[e] >= 0 ? Int(assignedArc[e]) : nil else { return [] }
        var result: [Alternative] = []
        settleDeadPotentials()
        let source = node(ofEnterprise: e)
        for a in arcStart[e]..<arcStart[e + 1] where a != chosen && arcs[a].cost <= arcs[chosen].cost {
            let c = Int(arcs[a].cadre)
            if closed[c] != 0 {
                result.append(Alternative(cadre: c, distance: arcs[a].cost, reason: .excluded, extraCost: nil))
                continue
            }
            if lockedArc[e] >= 0 {
                result.append(Alternative(cadre: c, distance: arcs[a].cost, reason: .locked, extraCost: nil))
                continue
            }
            let full = isFull(cadre: c)
            let reduced = arcs[a].cost + state[source].potential - state[c].potential
            var extra: Int64? = nil
            if search(from: c, to: source) { extra = reduced + state[source].dist }
            resetSearch()
            result.append(Alternative(cadre: c, distance: arcs[a].cost, reason: full ? .full : .costlier, extraCost: extra))
        }
        return result
    }

    /// Full itself, or inside a group (unit quota) that is.
    public func isFull(cadre c: Int) -> Bool {
        var j = c
        while j < capacityNodes {
            if flow[j] >= capacity[j] { return true }
            j = Int(parent[j])
        }
        return false
    }

    public struct Alternative: Sendable, Equatable {
        public enum Reason: String, Sendable { case excluded, locked, full, costlier }
        public var cadre: Int
        public var distance: Int64
        public var reason: Reason
        /// How much the total (metres plus fairness penalty) would rise; nil when no
        /// re-arrangement can make room.
        public var extraCost: Int64?
    }
}
