import Foundation
import SanbaoDomain
import Vapor

/// What the review page shows of a stage's draft that the store's rows do not say by
/// themselves: the loads summed up the tree, and the map of one district.
extension AssignmentService {
    /// The city and the units directly under it, each counting its whole subtree: the draft and
    /// the capacities are summed per unit in SQL, then up the paths here.
    func unitLoads(stage: UUID) async throws -> [AssignmentStore.UnitLoad] {
        let (units, assigned, capacity) = try await store.unitLoadRows(stage: stage)
        let top = units.filter { $0.depth <= 1 }
        let pathOf = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.path) })
        func total(_ counts: [AssignmentStore.UnitCount], under path: String) -> Int {
            counts.reduce(0) { $0 + ((pathOf[$1.unit_id]?.hasPrefix(path) ?? false) ? $1.n : 0) }
        }
        return top.sorted { ($0.depth, $0.code) < ($1.depth, $1.code) }.map {
            AssignmentStore.UnitLoad(code: $0.code, name: $0.name, depth: $0.depth, assigned: total(assigned, under: $0.path), quota: $0.quota,
                     capacity: total(capacity, under: $0.path))
        }
    }


    /// The draft of the enterprises linked to units under `district`, drawn as a map.
    func map(stage: UUID, district: OrgUnit) async throws -> String {
        let rows = try await store.mapRows(stage: stage, district: district)
        let visits = rows.compactMap { r -> AssignmentMap.Visit? in
            guard let lat = r.lat, let lon = r.lon else { return nil }
            let visitor: AssignmentMap.Visitor = switch (r.kind.flatMap(OrgUnitKind.init(rawValue:)), r.depth) {
            case (nil, _): .none
            case (_, 0?): .city
            case (let kind?, _): kind.jurisdiction == .sectoral ? .sectoral : .territorial
            }
            return .init(lat: lat, lon: lon, homeLat: r.clat, homeLon: r.clon, visitor: visitor, label: r.name + (r.staff_no.map { " → " + $0 } ?? ""))
        }
        return AssignmentMap(visits: visits).svg(title: district.name)
    }
}
