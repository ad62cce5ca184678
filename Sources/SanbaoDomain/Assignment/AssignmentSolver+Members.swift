/// Each cadre's enterprises, kept in one block of slots per cadre.
extension AssignmentSolver {
    func attach(enterprise e: Int, arc: Int) {
        let c = Int(arcs[arc].cadre)
        let count = Int(memberCount[c])
        if memberStart[c] + count == memberStart[c + 1] { layoutMembers(growing: c) }
        let slot = memberStart[c] + count
        assignedArc[e] = Int32(arc)
        memberSlot[slot] = Int32(e)
        memberCost[slot] = arcs[arc].cost
        memberPos[e] = Int32(count)
        memberCount[c] = Int32(count + 1)
    }

    func detach(enterprise e: Int) {
        let c = Int(arcs[Int(assignedArc[e])].cadre)
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
}
