import Foundation
import SanbaoDomain

/// The assignment of one stage as the solver sees it, made from what `AssignmentStore.instance`
/// reads: every active enterprise with the cadres whose unit covers it (a unit covers
/// what the units below it cover), great-circle metres from the cadre's home, cadre
/// capacities, the stage's unit quotas as nested groups, locks, exclusions and done visits.
struct AssignmentInstance {
    var units: [UUID: AssignmentStore.UnitRow] = [:]
    var cadres: [AssignmentStore.CadreRow] = []
    var enterprises: [AssignmentStore.EnterpriseRow] = []
    /// The units each enterprise is linked to by the registry (its most specific covering units).
    var links: [[UUID]] = []
    var excluded: Set<UUID> = []
    var locks: [UUID: UUID] = [:]
    /// Enterprises whose visit is already recorded: they stay where they are.
    var done: [UUID: UUID] = [:]
    var problem: AssignmentProblem

    init(units unitRows: [AssignmentStore.UnitRow], cadres: [AssignmentStore.CadreRow], enterprises: [AssignmentStore.EnterpriseRow], links linkRows: [AssignmentStore.LinkRow],
         quotas: [AssignmentStore.QuotaRow], locks: [AssignmentStore.PairRow], done: [AssignmentStore.PairRow], excluded: Set<UUID>, fairness: AssignmentProblem.Fairness?) {
        units = Dictionary(uniqueKeysWithValues: unitRows.map { ($0.id, $0) })
        self.cadres = cadres
        self.enterprises = enterprises
        self.excluded = excluded
        self.locks = Dictionary(locks.map { ($0.enterprise_id, $0.cadre_id) }, uniquingKeysWith: { a, _ in a })
        self.done = Dictionary(done.map { ($0.enterprise_id, $0.cadre_id) }, uniquingKeysWith: { a, _ in a })
        let units = self.units

        // Ancestors (self first) of each unit, from its materialised path.
        func ancestors(_ id: UUID) -> [UUID] {
            guard let unit = units[id] else { return [] }
            return UnitPath(unit.path).ids.reversed()
        }
        // Unit quotas become nested groups: each group's parent is the nearest ancestor unit
        // with a quota, each cadre counts towards the nearest such unit at or above its own.
        let quotaByUnit = Dictionary(quotas.map { ($0.unit_id, $0.enterprises) }, uniquingKeysWith: { a, _ in a })
        let groupUnits = quotas.map(\.unit_id).filter { units[$0] != nil }.sorted { $0.uuidString < $1.uuidString }
        let groupIndex = Dictionary(uniqueKeysWithValues: groupUnits.enumerated().map { ($1, Int32($0)) })
        func nearestGroup(_ chain: ArraySlice<UUID>) -> Int32 { chain.lazy.compactMap { groupIndex[$0] }.first ?? -1 }
        let groupCapacity = groupUnits.map { quotaByUnit[$0]! }
        let groupParent = groupUnits.map { nearestGroup(ancestors($0).dropFirst()) }

        var cadresByUnit: [UUID: [Int]] = [:]
        for (i, c) in cadres.enumerated() { cadresByUnit[c.unit_id, default: []].append(i) }
        let homes = cadres.map { c -> (Double, Double)? in
            if let lat = c.lat, let lon = c.lon { return (lat, lon) }
            if let u = units[c.unit_id], let lat = u.lat, let lon = u.lon { return (lat, lon) }
            return nil
        }
        var linksByEnterprise: [UUID: [UUID]] = [:]
        for link in linkRows { linksByEnterprise[link.enterprise_id, default: []].append(link.unit_id) }

        var candidates: [[(cadre: Int, cost: Int64)]] = []
        candidates.reserveCapacity(enterprises.count)
        var ancestorCache: [UUID: [UUID]] = [:]
        var linkList: [[UUID]] = []
        for e in enterprises {
            let linked = linksByEnterprise[e.id] ?? []
            linkList.append(linked)
            var coveringUnits = Set<UUID>()
            for unit in linked {
                if ancestorCache[unit] == nil { ancestorCache[unit] = ancestors(unit) }
                coveringUnits.formUnion(ancestorCache[unit]!)
            }
            // Where the registry has no coordinates, the enterprise is placed at its linked unit.
            let place: (Double, Double)? = e.lat.flatMap { lat in e.lon.map { (lat, $0) } }
                ?? linked.lazy.compactMap { units[$0] }.compactMap { u in u.lat.flatMap { lat in u.lon.map { (lat, $0) } } }.first
            var list: [(cadre: Int, cost: Int64)] = []
            for unit in coveringUnits {
                for c in cadresByUnit[unit] ?? [] {
                    var cost: Int64 = 0
                    if let a = place, let b = homes[c] { cost = GreatCircle.metres(lat1: a.0, lon1: a.1, lat2: b.0, lon2: b.1) }
                    list.append((c, cost))
                }
            }
            candidates.append(list)
        }
        links = linkList
        problem = AssignmentProblem(candidates: candidates, cadreCapacity: cadres.map { Int64(max(0, $0.capacity)) },
                                    cadreGroup: cadres.map { nearestGroup(ancestors($0.unit_id)[...]) },
                                    groupCapacity: groupCapacity.map { Int64(max(0, $0)) }, groupParent: groupParent,
                                    fairness: fairness)
    }
}
