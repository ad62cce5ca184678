/// Local re-solves: each edit re-routes only the flow it touches, from the current potentials,
/// and leaves the state as optimal (and as checkable by `verify()`) as a solve from scratch.
extension AssignmentSolver {
    /// Appends an enterprise with its candidate cadres and routes it. Returns its index.
    @discardableResult
    public func addEnterprise(candidates: [(cadre: Int, cost: Int64)]) -> Int {
        let e = enterpriseCount
        for arc in candidates.sorted(by: { ($0.cost, $0.cadre) < ($1.cost, $1.cadre) }) {
            precondition(arc.cadre >= 0 && arc.cadre < cadreCount && arc.cost >= 0, "bad candidate")
            arcs.append(Arc(cost: arc.cost, cadre: Int32(arc.cadre)))
        }
        arcStart.append(arcs.count)
        enterpriseCount += 1
        assignedArc.append(-1)
        lockedArc.append(-1)
        memberPos.append(-1)
        outcome.append(Outcome.pending.rawValue)
        state.append(NodeState())
        externalOf.append(Int32(e))
        internalOf.append(Int32(e))
        place(e)
        return e
    }

    /// Takes an enterprise out (it closed, or left the campaign's scope). The cheapest way back
    /// from the sink to it frees its place, possibly letting others move closer.
    public func removeEnterprise(_ external: Int) {
        let e = inner(external)
        unroute(e)
        outcome[e] = Outcome.removed.rawValue
        lockedArc[e] = -1
        clearDeadMarks()
        solve()
    }

    /// Pins an enterprise to one of its candidate cadres (an admin's decision). Returns false
    /// when that cadre is not a candidate (its unit does not cover the enterprise).
    @discardableResult
    public func lock(enterprise external: Int, toCadre cadre: Int) -> Bool {
        let e = inner(external)
        guard let arc = (arcStart[e]..<arcStart[e + 1]).first(where: { Int(arcs[$0].cadre) == cadre }) else { return false }
        if !hasSolved {
            lockedArc[e] = Int32(arc)
            return true
        }
        unroute(e)
        lockedArc[e] = Int32(arc)
        clearDeadMarks()
        outcome[e] = Outcome.pending.rawValue
        solve()
        return true
    }

    public func unlock(enterprise external: Int) {
        let e = inner(external)
        guard lockedArc[e] >= 0 else { return }
        unroute(e)
        lockedArc[e] = -1
        clearDeadMarks()
        outcome[e] = Outcome.pending.rawValue
        solve()
    }

    /// A cadre who is away: each enterprise they held leaves, and its unit is routed afresh
    /// from the enterprise to where the cadre's flow went (their unit's quota, or the sink), so
    /// the others rearrange only as far as that needs. Nothing new reaches the cadre.
    public func exclude(cadre c: Int) {
        guard closed[c] == 0 else { return }
        closed[c] = 1
        capacity[c] = flow[c]
        let p = Int(parent[c])
        settleDeadPotentials()
        while memberCount[c] > 0 {
            let e = Int(memberSlot[memberStart[c]])
            if lockedArc[e] >= 0 { lockedArc[e] = -1 }
            detach(enterprise: e)
            flow[c] -= 1
            capacity[c] = flow[c]
            let source = node(ofEnterprise: e)
            state[source].potential = entryPotential(e)
            settleDeadPotentials()
            if search(from: source, to: p) {
                applySearchResult(to: p, limit: state[p].dist)
                outcome[e] = Outcome.placed.rawValue
            } else {
                resetSearch()
                outcome[e] = Outcome.allCandidatesFull.rawValue
                // Nothing takes its place above the cadre: the groups up to the sink carry one
                // less, which may leave their arcs "downhill"; repair them.
                var g = p
                while g < capacityNodes { flow[g] -= 1; g = Int(parent[g]) }
                g = p
                while g < capacityNodes { repairUpwardArc(of: g); g = Int(parent[g]) }
            }
        }
        // Paths that ended above the sink may have opened ways that "cannot reach the sink"
        // marks no longer describe; forget them and let the unplaced try again.
        clearDeadMarks()
        if hasSolved { solve() }
    }

    /// A new cadre (a new staff member, or one moved in from another unit), with the problem's
    /// enterprises that may go to them. Cadre numbers stay; the new one is the last. The arcs
    /// are laid out again (a pass over them, milliseconds for a city), then the cadre is opened
    /// like one coming back. Returns the new cadre's number.
    @discardableResult
    public func addCadre(capacity newCapacity: Int64, group: Int, candidates: [(enterprise: Int, cost: Int64)]) -> Int {
        precondition(newCapacity >= 0 && group >= -1 && group < capacityNodes - cadreCount)
        settleDeadPotentials()
        let c = cadreCount
        // Every node from `c` on moves up by one: groups, the sink, the enterprises.
        for j in 0..<capacityNodes where parent[j] >= Int32(c) { parent[j] += 1 }
        cadreCount += 1
        capacityNodes += 1
        sink += 1
        parent.insert(group < 0 ? Int32(sink) : Int32(cadreCount + group), at: c)
        capacity.insert(0, at: c)
        flow.insert(0, at: c)
        freeLoad.insert(0, at: c)
        closed.insert(1, at: c)
        state.insert(NodeState(), at: c)
        childStart.free()
        childList.free()
        (childStart, childList) = Self.children(of: (0..<capacityNodes).map { parent[$0] }, firstGroup: cadreCount,
                                                groups: capacityNodes - cadreCount)
        memberStart.append(memberStart[c])
        memberCount.append(0)
        // New rows: each enterprise's arcs with the new one in cost order; arc numbers remapped.
        var extra: [Int: Int64] = [:]
        for (external, cost) in candidates { extra[inner(external)] = min(extra[inner(external)] ?? .max, cost) }
        var rows = FlatBuffer<Int>(repeating: 0, count: 0)
        rows.append(0)
        let newArcs = FlatBuffer(repeating: Arc(cost: 0, cadre: 0), count: arcs.count + extra.count)
        var next = 0
        for e in 0..<enterpriseCount {
            var pending = extra[e]
            let assigned = assignedArc[e], locked = lockedArc[e]
            for a in arcStart[e]..<arcStart[e + 1] {
                if let cost = pending, cost < arcs[a].cost || (cost == arcs[a].cost && Int32(c) < arcs[a].cadre) {
                    newArcs[next] = Arc(cost: cost, cadre: Int32(c)); next += 1; pending = nil
                }
                if assigned == Int32(a) { assignedArc[e] = Int32(next) }
                if locked == Int32(a) { lockedArc[e] = Int32(next) }
                newArcs[next] = arcs[a]; next += 1
            }
            if let cost = pending { newArcs[next] = Arc(cost: cost, cadre: Int32(c)); next += 1 }
            rows.append(next)
            if pending == nil && extra[e] != nil && outcome[e] == Outcome.noCandidates.rawValue { outcome[e] = Outcome.pending.rawValue }
        }
        arcs.free()
        arcStart.free()
        arcs = newArcs
        arcStart = rows
        reopen(cadre: c, capacity: newCapacity)
        return c
    }

    /// A cadre back (or with a new capacity). New residual arcs may be "downhill", so the
    /// cadre's potential is lowered to keep the arcs into it valid, then each unit of room is
    /// offered by a search for the best chain of moves into it, while a chain still saves.
    public func reopen(cadre c: Int, capacity newCapacity: Int64) {
        precondition(c < cadreCount && newCapacity >= flow[c])
        settleDeadPotentials()
        closed[c] = 0
        capacity[c] = newCapacity
        // The penalty-free share follows the capacity while nothing rides on the old one.
        if flow[c] == 0 { freeLoad[c] = fairness?.freeLoad(capacity: newCapacity) ?? newCapacity }
        var h = state[c].potential
        for e in 0..<enterpriseCount where outcome[e] == Outcome.placed.rawValue && lockedArc[e] < 0 {
            for a in arcStart[e]..<arcStart[e + 1] where Int(arcs[a].cadre) == c && Int(assignedArc[e]) != a {
                h = min(h, arcs[a].cost + state[node(ofEnterprise: e)].potential)
            }
        }
        state[c].potential = h
        repairUpwardArc(of: c)
        clearDeadMarks()
        solve()
    }

    /// Makes the arc from capacity node `c` to its parent non-negative again by moving flow
    /// round the cheapest saving cycles through it (parent → … → c → parent).
    func repairUpwardArc(of c: Int) {
        settleDeadPotentials()
        while flow[c] < capacity[c] {
            let p = Int(parent[c])
            let reduced = marginal(c, flow[c]) + state[c].potential - state[p].potential
            if reduced >= 0 { return }
            let saving = -reduced
            if search(from: p, to: c, limit: saving) {
                applySearchResult(to: c, limit: state[c].dist)
                flow[c] += 1
            } else {
                applySearchResult(to: c, limit: saving)
                return
            }
        }
    }

    /// Sends the enterprise's unit back to the sink by the cheapest residual path from the sink
    /// to it; afterwards the enterprise holds no cadre.
    func unroute(_ e: Int) {
        guard assignedArc[e] >= 0 else { return }
        settleDeadPotentials()
        let target = node(ofEnterprise: e)
        let found = search(from: sink, to: target)
        precondition(found, "an assigned enterprise is always reachable from the sink")
        applySearchResult(to: target, limit: state[target].dist)
        outcome[e] = Outcome.pending.rawValue
    }
}
