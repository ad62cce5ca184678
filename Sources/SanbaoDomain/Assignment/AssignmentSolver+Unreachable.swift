/// Nodes that cannot reach the sink: skipped by searches, and their potentials mended.
extension AssignmentSolver {
    /// Searches skip nodes that cannot reach the sink, so their potentials fall behind and
    /// arcs into them may look negative. No cycle passes through such a node (it would reach
    /// the sink through the cycle) and none of their arcs leads back out, so the flow is
    /// optimal; to keep the certificate whole, their potentials are lowered along the arcs
    /// that look negative until none does (Bellman–Ford from the violations; it ends because
    /// there is no negative cycle).
    func settleDeadPotentials() {
        guard hasDeadMarks && deadPotentialsStale else { return }
        deadPotentialsStale = false
        var queue: [Int] = []
        var queued = Set<Int>()
        func lower(_ u: Int) {
            forEachResidualArc(from: u) { v, cost in
                let bound = state[u].potential + cost
                if bound < state[v].potential {
                    state[v].potential = bound
                    if queued.insert(v).inserted { queue.append(v) }
                }
            }
        }
        for u in 0..<state.count where isInFlow(u) { lower(u) }
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
            for a in range where a != own && closed[Int(arcs[a].cadre)] == 0 { body(Int(arcs[a].cadre), arcs[a].cost) }
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
        if hasDeadMarks {
            settleDeadPotentials()
            for v in 0..<state.count { state[v].mark &= ~2 }
            hasDeadMarks = false
        }
        // Enterprises that found no room may find some now.
        for e in 0..<enterpriseCount where outcome[e] == Outcome.allCandidatesFull.rawValue {
            outcome[e] = Outcome.pending.rawValue
        }
    }
}
