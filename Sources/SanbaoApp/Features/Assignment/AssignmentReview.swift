import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// What the review page shows of a stage's draft: the totals, the loads of the city's units
/// against their quotas and their cadres' capacity, who could not be placed and why, the
/// locks and exclusions, and a map of one district.
struct AssignmentReview {
    let sql: any SQLDatabase
    let stageID: UUID

    struct Totals: Content { var placed: Int; var unplaced: Int; var metres: Int; var fullCadres: Int; var cadres: Int }

    /// The draft's placed enterprises: enterprise → cadre.
    func draft() async throws -> [UUID: UUID] {
        struct Pair: Decodable { var enterprise_id: UUID; var cadre_id: UUID }
        let pairs = try await sql.raw("SELECT enterprise_id, cadre_id FROM assignment_drafts WHERE stage_id = \(bind: stageID) AND cadre_id IS NOT NULL")
            .all(decoding: Pair.self)
        return Dictionary(pairs.map { ($0.enterprise_id, $0.cadre_id) }, uniquingKeysWith: { a, _ in a })
    }

    func totals() async throws -> Totals {
        struct Row: Decodable { var placed: Int?; var unplaced: Int?; var metres: Int? }
        let row = try await sql.raw("""
            SELECT CAST(SUM(CASE WHEN cadre_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS placed,
                   CAST(SUM(CASE WHEN cadre_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unplaced, CAST(SUM(distance_m) AS BIGINT) AS metres
            FROM assignment_drafts WHERE stage_id = \(bind: stageID)
            """).first(decoding: Row.self)
        struct Load: Decodable { var full: Int?; var cadres: Int }
        let load = try await sql.raw("""
            SELECT (SELECT COUNT(*) FROM (SELECT d.cadre_id, COUNT(*) AS n FROM assignment_drafts d
                      WHERE d.stage_id = \(bind: stageID) AND d.cadre_id IS NOT NULL GROUP BY d.cadre_id) x
                    JOIN cadres c ON c.id = x.cadre_id WHERE x.n >= c.capacity) AS full,
                   (SELECT COUNT(*) FROM cadres c JOIN users u ON u.id = c.user_id WHERE u.retired_at IS NULL) AS cadres
            """).first(decoding: Load.self)
        return Totals(placed: row?.placed ?? 0, unplaced: row?.unplaced ?? 0, metres: row?.metres ?? 0,
                      fullCadres: load?.full ?? 0, cadres: load?.cadres ?? 0)
    }

    struct UnitLoad: Content {
        var code, name: String
        var depth, assigned: Int
        var quota: Int?
        var capacity: Int
    }

    /// The city and the units directly under it, each counting its whole subtree: the draft and
    /// the capacities are summed per unit in SQL, then up the paths here.
    func unitLoads() async throws -> [UnitLoad] {
        struct Unit: Decodable { var id: UUID; var code: String; var name: String; var depth: Int; var path: String; var quota: Int? }
        struct Count: Decodable { var unit_id: UUID; var n: Int }
        let units = try await sql.raw("""
            SELECT o.id, o.code, o.name, o.depth, o.path, q.enterprises AS quota
            FROM org_units o LEFT JOIN quotas q ON q.unit_id = o.id AND q.stage_id = \(bind: stageID)
            WHERE o.retired_at IS NULL
            """).all(decoding: Unit.self)
        let assigned = try await sql.raw("""
            SELECT unit_id, COUNT(*) AS n FROM assignment_drafts WHERE stage_id = \(bind: stageID) AND unit_id IS NOT NULL GROUP BY unit_id
            """).all(decoding: Count.self)
        let capacity = try await sql.raw("""
            SELECT u.unit_id, CAST(SUM(c.capacity) AS BIGINT) AS n FROM cadres c JOIN users u ON u.id = c.user_id
            WHERE u.retired_at IS NULL GROUP BY u.unit_id
            """).all(decoding: Count.self)
        let top = units.filter { $0.depth <= 1 }
        let pathOf = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.path) })
        func total(_ counts: [Count], under path: String) -> Int {
            counts.reduce(0) { $0 + ((pathOf[$1.unit_id]?.hasPrefix(path) ?? false) ? $1.n : 0) }
        }
        return top.sorted { ($0.depth, $0.code) < ($1.depth, $1.code) }.map {
            UnitLoad(code: $0.code, name: $0.name, depth: $0.depth, assigned: total(assigned, under: $0.path), quota: $0.quota,
                     capacity: total(capacity, under: $0.path))
        }
    }

    struct CadreLoad: Content { var staff_no: String; var name: String; var unit: String; var load: Int; var capacity: Int; var metres: Int? }

    /// The cadres of one district's subtree with their share of the draft, fullest first.
    func cadreLoads(district: OrgUnit) async throws -> [CadreLoad] {
        try await sql.raw("""
            SELECT c.staff_no, u.display_name AS name, o.name AS unit, c.capacity, COALESCE(x.n, 0) AS load, x.m AS metres
            FROM cadres c JOIN users u ON u.id = c.user_id JOIN org_units o ON o.id = u.unit_id
            LEFT JOIN (SELECT cadre_id, COUNT(*) AS n, CAST(SUM(distance_m) AS BIGINT) AS m FROM assignment_drafts
                       WHERE stage_id = \(bind: stageID) AND cadre_id IS NOT NULL GROUP BY cadre_id) x ON x.cadre_id = c.id
            WHERE u.retired_at IS NULL AND o.path LIKE \(bind: district.path + "%")
            ORDER BY load DESC, c.staff_no
            """).all(decoding: CadreLoad.self)
    }

    struct Unplaced: Content { var credit_code: String; var name: String; var reason: String }

    func unplaced(limit: Int = 50) async throws -> [Unplaced] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, d.reason FROM assignment_drafts d JOIN enterprises e ON e.id = d.enterprise_id
            WHERE d.stage_id = \(bind: stageID) AND d.cadre_id IS NULL ORDER BY d.reason, e.credit_code LIMIT \(bind: limit)
            """).all(decoding: Unplaced.self)
    }

    struct Lock: Content { var credit_code: String; var name: String; var staff_no: String; var cadre: String }
    struct Exclusion: Content { var staff_no: String; var cadre: String; var reason: String }

    func locks() async throws -> [Lock] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, c.staff_no, u.display_name AS cadre FROM assignment_locks l
            JOIN enterprises e ON e.id = l.enterprise_id JOIN cadres c ON c.id = l.cadre_id JOIN users u ON u.id = c.user_id
            WHERE l.stage_id = \(bind: stageID) ORDER BY e.credit_code
            """).all(decoding: Lock.self)
    }

    func exclusions() async throws -> [Exclusion] {
        try await sql.raw("""
            SELECT c.staff_no, u.display_name AS cadre, x.reason FROM assignment_exclusions x
            JOIN cadres c ON c.id = x.cadre_id JOIN users u ON u.id = c.user_id
            WHERE x.stage_id = \(bind: stageID) ORDER BY c.staff_no
            """).all(decoding: Exclusion.self)
    }

    /// The draft of the enterprises linked to units under `district`, drawn as a map.
    func map(district: OrgUnit) async throws -> String {
        struct Row: Decodable {
            var name: String; var lat: Double?; var lon: Double?; var clat: Double?; var clon: Double?
            var kind: String?; var depth: Int?; var staff_no: String?
        }
        let rows = try await sql.raw("""
            SELECT e.name, e.lat, e.lon, c.lat AS clat, c.lon AS clon, u.kind, u.depth, c.staff_no
            FROM assignment_drafts d JOIN enterprises e ON e.id = d.enterprise_id
            LEFT JOIN cadres c ON c.id = d.cadre_id LEFT JOIN org_units u ON u.id = d.unit_id
            WHERE d.stage_id = \(bind: stageID) AND EXISTS (SELECT 1 FROM enterprise_units eu JOIN org_units o ON o.id = eu.unit_id
                  WHERE eu.enterprise_id = e.id AND o.path LIKE \(bind: district.path + "%"))
            """).all(decoding: Row.self)
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
