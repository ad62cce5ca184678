/// One instance of the "不交叉、不重复、不重叠" assignment: every enterprise to exactly one
/// eligible cadre, cadres within their capacity, units within their stage quota, least total
/// distance. It is a transportation problem, i.e. a min-cost flow
///
///     enterprise --(1, distance)--> cadre --(capacity, fairness)--> group … --> sink
///
/// where groups are the units whose quota limits the cadres below them. Groups form a tree
/// (a unit's quota covers its sub-units), so quotas nest the way the task decomposition
/// table does.
///
/// Arcs are stored per enterprise (compressed rows): the arcs of enterprise `e` are
/// `arcStart[e] ..< arcStart[e + 1]`, cheapest first. Indices are `Int32` because a province (1M enterprises,
/// 20M arcs) must fit in well under a gigabyte.
public struct AssignmentProblem: Sendable {
    public var enterpriseCount, cadreCount: Int
    public var arcStart: [Int]
    public var arcCadre: [Int32]
    /// Metres (or any integer cost); may not be negative.
    public var arcCost, cadreCapacity: [Int64]
    /// The group (unit quota) whose limit counts this cadre's load; -1 for none.
    public var cadreGroup: [Int32]
    public var groupCapacity: [Int64]
    /// The enclosing group; -1 for none.
    public var groupParent: [Int32]
    public var fairness: Fairness?

    /// A convex workload penalty: the first `ceil(share × capacity)` enterprises of a cadre cost
    /// nothing extra, each further one costs `penalty` (in metres), so work spreads over
    /// cadres instead of filling the nearest ones to the brim.
    public struct Fairness: Sendable, Equatable {
        public var share: Double
        public var penalty: Int64
        public init(share: Double, penalty: Int64) {
            self.share = share
            self.penalty = penalty
        }

        /// `"0.8:2000"`, the form the reference generator's `--balance` takes.
        public init?(parsing text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let share = Double(parts[0]), let penalty = Int64(parts[1]),
                  share >= 0, share <= 1, penalty >= 0 else { return nil }
            self.init(share: share, penalty: penalty)
        }

        public func freeLoad(capacity: Int64) -> Int64 {
            min(capacity, Int64((share * Double(capacity)).rounded(.up)))
        }
    }

    public init(enterpriseCount: Int, cadreCount: Int, arcStart: [Int], arcCadre: [Int32], arcCost: [Int64],
                cadreCapacity: [Int64], cadreGroup: [Int32]? = nil, groupCapacity: [Int64] = [],
                groupParent: [Int32] = [], fairness: Fairness? = nil) {
        self.enterpriseCount = enterpriseCount
        self.cadreCount = cadreCount
        self.arcStart = arcStart
        self.arcCadre = arcCadre
        self.arcCost = arcCost
        self.cadreCapacity = cadreCapacity
        self.cadreGroup = cadreGroup ?? Array(repeating: -1, count: cadreCount)
        self.groupCapacity = groupCapacity
        self.groupParent = groupParent
        self.fairness = fairness
    }

    /// Builds the compressed rows from per-enterprise candidate lists `(cadre, cost)`.
    public init(candidates: [[(cadre: Int, cost: Int64)]], cadreCapacity: [Int64], cadreGroup: [Int32]? = nil,
                groupCapacity: [Int64] = [], groupParent: [Int32] = [], fairness: Fairness? = nil) {
        var start = [0]
        start.reserveCapacity(candidates.count + 1)
        var cadre: [Int32] = []
        var cost: [Int64] = []
        for list in candidates {
            // Cheapest first, ties by cadre: the solver's answer then depends on nothing else.
            for arc in list.sorted(by: { ($0.cost, $0.cadre) < ($1.cost, $1.cadre) }) {
                cadre.append(Int32(arc.cadre))
                cost.append(arc.cost)
            }
            start.append(cadre.count)
        }
        self.init(enterpriseCount: candidates.count, cadreCount: cadreCapacity.count, arcStart: start,
                  arcCadre: cadre, arcCost: cost, cadreCapacity: cadreCapacity, cadreGroup: cadreGroup,
                  groupCapacity: groupCapacity, groupParent: groupParent, fairness: fairness)
    }

    public var arcCount: Int { arcCadre.count }

    /// What is wrong with the instance's shape, if anything (checked before solving, so that a
    /// bad file or a bug upstream reads as a sentence instead of a crash).
    public func validationError() -> String? {
        if arcStart.count != enterpriseCount + 1 || arcStart.first != 0 || arcStart.last != arcCadre.count {
            return "arc rows do not match the enterprise count"
        }
        if arcCost.count != arcCadre.count { return "arc costs and cadres differ in length" }
        if cadreCapacity.count != cadreCount || cadreGroup.count != cadreCount { return "cadre arrays differ in length" }
        if groupParent.count != groupCapacity.count { return "group arrays differ in length" }
        for e in 0..<enterpriseCount {
            if arcStart[e] > arcStart[e + 1] { return "arc rows decrease at enterprise \(e)" }
            // the solver's searches cut a row short once the costs get too high
            for a in arcStart[e]..<max(arcStart[e], arcStart[e + 1] - 1) where arcCost[a] > arcCost[a + 1] {
                return "the arcs of enterprise \(e) are not sorted by cost"
            }
        }
        if let bad = arcCadre.firstIndex(where: { $0 < 0 || Int($0) >= cadreCount }) { return "arc \(bad) names no cadre" }
        if let bad = arcCost.firstIndex(where: { $0 < 0 }) { return "arc \(bad) has a negative cost" }
        if cadreCapacity.contains(where: { $0 < 0 }) || groupCapacity.contains(where: { $0 < 0 }) { return "negative capacity" }
        if cadreGroup.contains(where: { $0 < -1 || Int($0) >= groupCapacity.count }) { return "a cadre names no group" }
        for g in groupParent.indices {
            var seen = 0
            var p = Int(groupParent[g])
            while p >= 0 {
                guard p < groupCapacity.count else { return "group \(g) has no such parent" }
                seen += 1
                if seen > groupParent.count { return "groups form a loop at \(g)" }
                p = Int(groupParent[p])
            }
        }
        return nil
    }
}
