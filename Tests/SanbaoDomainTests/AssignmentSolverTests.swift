import Testing
@testable import SanbaoDomain

/// The solver against brute force on many small random instances (flat, with unit quotas,
/// with fairness), plus the edits that re-solve locally.
@Suite struct AssignmentSolverTests {
    struct Small {
        var candidates: [[(cadre: Int, cost: Int64)]]
        var capacity: [Int64]
        var cadreGroup: [Int32]
        var groupCapacity: [Int64]
        var groupParent: [Int32]
        var fairness: AssignmentProblem.Fairness?

        var problem: AssignmentProblem {
            AssignmentProblem(candidates: candidates, cadreCapacity: capacity, cadreGroup: cadreGroup,
                              groupCapacity: groupCapacity, groupParent: groupParent, fairness: fairness)
        }

        static func random(_ rng: inout SeededRandom, groups: Bool, fairness: Bool) -> Small {
            let n = rng.int(1...6), m = rng.int(1...4)
            var candidates: [[(cadre: Int, cost: Int64)]] = []
            for _ in 0..<n {
                let cadres = Array(0..<m).shuffled(using: &rng).prefix(rng.int(0...min(3, m)))
                candidates.append(cadres.map { (cadre: $0, cost: Int64(rng.int(0...50))) })
            }
            let capacity = (0..<m).map { _ in Int64(rng.int(0...3)) }
            var small = Small(candidates: candidates, capacity: capacity, cadreGroup: Array(repeating: -1, count: m),
                              groupCapacity: [], groupParent: [], fairness: nil)
            if groups {
                // group 0 inside group 1; cadres in either or none
                small.groupCapacity = [Int64(rng.int(0...4)), Int64(rng.int(1...6))]
                small.groupParent = [1, -1]
                small.cadreGroup = (0..<m).map { _ in Int32(rng.int(-1...1)) }
            }
            if fairness { small.fairness = .init(share: [0.0, 0.5, 0.7][rng.int(0...2)], penalty: Int64(rng.int(1...30))) }
            return small
        }

        /// Every choice (a candidate or none) for every enterprise: the most enterprises
        /// placed, and the least cost among complete assignments.
        func bruteForce() -> (maxPlaced: Int, bestCompleteCost: Int64?) {
            var choice = Array(repeating: -1, count: candidates.count)
            var maxPlaced = 0
            var best: Int64? = nil
            func feasibleCost() -> Int64? {
                var load = Array(repeating: Int64(0), count: capacity.count)
                var cost: Int64 = 0
                for (e, k) in choice.enumerated() where k >= 0 {
                    load[candidates[e][k].cadre] += 1
                    cost += candidates[e][k].cost
                }
                var groupLoad = Array(repeating: Int64(0), count: groupCapacity.count)
                for c in capacity.indices {
                    if load[c] > capacity[c] { return nil }
                    var g = Int(cadreGroup[c])
                    while g >= 0 { groupLoad[g] += load[c]; g = Int(groupParent[g]) }
                    if let f = fairness { cost += max(0, load[c] - f.freeLoad(capacity: capacity[c])) * f.penalty }
                }
                for g in groupCapacity.indices where groupLoad[g] > groupCapacity[g] { return nil }
                return cost
            }
            func go(_ e: Int) {
                if e == candidates.count {
                    guard let cost = feasibleCost() else { return }
                    let placed = choice.filter { $0 >= 0 }.count
                    maxPlaced = max(maxPlaced, placed)
                    if placed == candidates.count { best = min(best ?? .max, cost) }
                    return
                }
                for k in -1..<candidates[e].count { choice[e] = k; go(e + 1) }
            }
            go(0)
            return (maxPlaced, best)
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesBruteForce(groups: Bool, fairness: Bool) {
        var rng = SeededRandom(seed: groups ? 11 : 7 + (fairness ? 100 : 0))
        for round in 0..<400 {
            let small = Small.random(&rng, groups: groups, fairness: fairness)
            let solver = AssignmentSolver(small.problem)
            let unplaced = solver.solve()
            let truth = small.bruteForce()
            #expect(solver.verify() == nil, "round \(round): \(solver.verify() ?? "")")
            #expect(small.candidates.count - unplaced == truth.maxPlaced, "round \(round)")
            if let best = truth.bestCompleteCost {
                #expect(solver.totalDistance + solver.totalPenalty == best, "round \(round)")
            }
        }
    }

    /// A line of cadres 0…4 with room for one each; enterprise i sits next to cadre i.
    func line(_ n: Int = 5, capacity: Int64 = 1) -> AssignmentProblem {
        let candidates = (0..<n).map { e in (0..<n).map { c in (cadre: c, cost: Int64(abs(e - c)) * 100) } }
        return AssignmentProblem(candidates: candidates, cadreCapacity: Array(repeating: capacity, count: n))
    }

    @Test func anInfeasibleInstanceSaysWhoCannotBePlacedAndWhy() {
        let problem = AssignmentProblem(candidates: [[(0, 5)], [(0, 7)], [], [(1, 1)]], cadreCapacity: [1, 1])
        let solver = AssignmentSolver(problem)
        #expect(solver.solve() == 2)
        #expect(solver.outcome(of: 0) == .placed)
        #expect(solver.outcome(of: 1) == .allCandidatesFull)
        #expect(solver.outcome(of: 2) == .noCandidates)
        #expect(solver.cadre(of: 3) == 1)
        #expect(solver.verify() == nil)
    }

    @Test func editsReSolveLocallyAndStayOptimal() {
        let solver = AssignmentSolver(line())
        solver.solve()
        #expect(solver.totalDistance == 0)
        solver.exclude(cadre: 2)
        #expect(solver.cadre(of: 2) == nil)   // five enterprises, four places
        #expect(solver.unplacedCount == 1)
        #expect(solver.verify() == nil)
        solver.reopen(cadre: 2, capacity: 1)
        #expect(solver.unplacedCount == 0 && solver.totalDistance == 0)
        #expect(solver.verify() == nil)

        #expect(solver.lock(enterprise: 0, toCadre: 4))
        #expect(solver.cadre(of: 0) == 4)
        #expect(solver.verify() == nil)
        #expect(solver.totalDistance == 800)   // 0→4 (400), 4 → 0 … best rearrangement
        solver.unlock(enterprise: 0)
        #expect(solver.totalDistance == 0)

        solver.removeEnterprise(4)
        let e = solver.addEnterprise(candidates: [(cadre: 4, cost: 10), (cadre: 3, cost: 1)])
        #expect(solver.cadre(of: e) == 4)      // 3 is taken by enterprise 3 at cost 0
        #expect(solver.verify() == nil)
        #expect(solver.totalDistance == 10)
        #expect(!solver.lock(enterprise: e, toCadre: 0))   // not a candidate
    }

    @Test func randomEditsMatchASolveFromScratch() {
        var rng = SeededRandom(seed: 99)
        for round in 0..<300 {
            var small = Small.random(&rng, groups: round % 2 == 0, fairness: round % 3 == 0)
            let solver = AssignmentSolver(small.problem)
            solver.solve()
            let extra = (0..<small.capacity.count).shuffled(using: &rng).prefix(2).map { (cadre: $0, cost: Int64(rng.int(0...50))) }
            solver.addEnterprise(candidates: extra)
            small.candidates.append(extra)
            if !small.candidates[0].isEmpty {
                solver.removeEnterprise(0)
                small.candidates[0] = []
            }
            #expect(solver.verify() == nil, "round \(round): \(solver.verify() ?? "")")
            let fresh = AssignmentSolver(small.problem)
            fresh.solve()
            // enterprise 0 is gone in both (no candidates in the fresh one)
            if fresh.unplacedCount == 1 && solver.unplacedCount == 0 {
                #expect(solver.totalDistance + solver.totalPenalty == fresh.totalDistance + fresh.totalPenalty, "round \(round)")
            }
            // A cadre away: the same as a solve without them, when both place everyone.
            let away = rng.int(0...(small.capacity.count - 1))
            let capacity = small.capacity[away]
            solver.exclude(cadre: away)
            #expect(solver.verify() == nil, "round \(round) away: \(solver.verify() ?? "")")
            small.capacity[away] = 0
            let without = AssignmentSolver(small.problem)
            without.solve()
            if without.unplacedCount == 1 && solver.unplacedCount == 0 {
                #expect(solver.totalDistance + solver.totalPenalty == without.totalDistance + without.totalPenalty, "round \(round) away")
            }
            solver.reopen(cadre: away, capacity: capacity)
            #expect(solver.verify() == nil, "round \(round) back: \(solver.verify() ?? "")")
            small.capacity[away] = capacity

            // A new cadre, in a random group, for some of the enterprises: as if solved afresh.
            let newGroup = small.groupCapacity.isEmpty ? -1 : rng.int(-1...(small.groupCapacity.count - 1))
            let newCapacity = Int64(rng.int(0...3))
            let reach = (0..<small.candidates.count).filter { !small.candidates[$0].isEmpty && rng.int(0...1) == 1 }
                .map { (enterprise: $0, cost: Int64(rng.int(0...50))) }
            let c = solver.addCadre(capacity: newCapacity, group: newGroup, candidates: reach)
            #expect(c == small.capacity.count)
            #expect(solver.verify() == nil, "round \(round) new cadre: \(solver.verify() ?? "")")
            small.capacity.append(newCapacity)
            small.cadreGroup.append(Int32(newGroup))
            for (e, cost) in reach { small.candidates[e].append((cadre: c, cost: cost)) }
            let grown = AssignmentSolver(small.problem)
            grown.solve()
            if grown.unplacedCount == 0 && solver.unplacedCount == 0 {
                #expect(solver.totalDistance + solver.totalPenalty == grown.totalDistance + grown.totalPenalty, "round \(round) new cadre")
            }
        }
    }

    @Test func alternativesSayWhyNotTheNearerCadre() {
        // Enterprise 1 is nearest to cadre 0, which holds enterprise 0 (who has nowhere else).
        let problem = AssignmentProblem(candidates: [[(0, 10)], [(0, 5), (1, 50)]], cadreCapacity: [1, 1])
        let solver = AssignmentSolver(problem)
        solver.solve()
        #expect(solver.cadre(of: 1) == 1)
        let why = solver.alternatives(for: 1)
        #expect(why == [AssignmentSolver.Alternative(cadre: 0, distance: 5, reason: .full, extraCost: nil)])
        solver.reopen(cadre: 0, capacity: 2)
        #expect(solver.cadre(of: 1) == 0)
        #expect(solver.verify() == nil)
    }

    @Test func stagesParseInOrderWithinTheCampaign() throws {
        let ok = try StageSpec.parse("动员部署:2026-12-01:2026-12-15;走访调研:2026-12-16:2027-02-28",
                                     campaignStarts: "2026-12-01", campaignEnds: "2027-05-31").get()
        #expect(ok.map(\.name) == ["动员部署", "走访调研"])
        #expect(StageSpec.isDate("2028-02-29") && !StageSpec.isDate("2027-02-29") && !StageSpec.isDate("2026-13-01"))
        for bad in ["动员部署:2026-12-01", "a:2026-12-01:2026-12-15;b:2026-12-10:2026-12-20", "a:2026-11-01:2026-12-15",
                    "a:2026-12-01:2026-12-02;a:2026-12-03:2026-12-04", ""] {
            #expect(throws: StageSpec.SpecError.self) { _ = try StageSpec.parse(bad, campaignStarts: "2026-12-01", campaignEnds: "2027-05-31").get() }
        }
    }

    @Test func problemShapeIsChecked() {
        var p = line()
        p.arcCost[0] = -1
        #expect(p.validationError() == "arc 0 has a negative cost")
        #expect(AssignmentProblem.Fairness(parsing: "0.8:2000") == .init(share: 0.8, penalty: 2000))
        #expect(AssignmentProblem.Fairness(parsing: "2:1") == nil)
    }
}
