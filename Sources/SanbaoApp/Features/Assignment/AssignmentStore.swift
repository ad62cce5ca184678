import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// All of the assignment's SQL: what the solver reads, the office's locks and exclusions, the
/// draft and its publication as visit tasks, what the review page and the conflict report
/// count, and a cadre's tasks. The assignment is the campaign office's (no unit scope);
/// `AssignmentService` checks the right to it.
struct AssignmentStore {
    let db: any Database
    var sql: any SQLDatabase { db.sql }

    // MARK: What the solver reads

    struct UnitRow: Decodable { var id: UUID; var code: String; var name: String; var path: String; var lat: Double?; var lon: Double? }
    struct CadreRow: Decodable { var id: UUID; var staff_no: String; var display_name: String; var unit_id: UUID; var lat: Double?; var lon: Double?; var capacity: Int }
    struct EnterpriseRow: Decodable { var id: UUID; var credit_code: String; var name: String; var lat: Double?; var lon: Double? }
    struct LinkRow: Decodable { var enterprise_id: UUID; var unit_id: UUID }
    struct QuotaRow: Decodable { var unit_id: UUID; var enterprises: Int }
    struct PairRow: Decodable { var enterprise_id: UUID; var cadre_id: UUID }

    /// A stage's instance, in a handful of plain queries.
    func instance(stage: UUID, fairness: AssignmentProblem.Fairness?) async throws -> AssignmentInstance {
        let units = try await sql.raw("SELECT id, code, name, path, lat, lon FROM org_units WHERE retired_at IS NULL")
            .all(decoding: UnitRow.self)
        let cadres = try await sql.raw("""
            SELECT c.id, c.staff_no, u.display_name, u.unit_id, c.lat, c.lon, c.capacity
            FROM cadres c JOIN users u ON u.id = c.user_id WHERE u.retired_at IS NULL ORDER BY c.staff_no
            """).all(decoding: CadreRow.self)
        let enterprises = try await sql.raw("""
            SELECT id, credit_code, name, lat, lon FROM enterprises WHERE merged_into_id IS NULL ORDER BY credit_code
            """).all(decoding: EnterpriseRow.self)
        let links = try await sql.raw("SELECT enterprise_id, unit_id FROM enterprise_units").all(decoding: LinkRow.self)
        let quotas = try await sql.raw("SELECT unit_id, enterprises FROM quotas WHERE stage_id = \(bind: stage)")
            .all(decoding: QuotaRow.self)
        let locks = try await sql.raw("SELECT enterprise_id, cadre_id FROM assignment_locks WHERE stage_id = \(bind: stage)")
            .all(decoding: PairRow.self)
        let done = try await sql.raw("SELECT enterprise_id, cadre_id FROM visit_tasks WHERE stage_id = \(bind: stage) AND status = 'done'")
            .all(decoding: PairRow.self)
        struct Excluded: Decodable { var cadre_id: UUID }
        let excluded = try await sql.raw("SELECT cadre_id FROM assignment_exclusions WHERE stage_id = \(bind: stage)")
            .all(decoding: Excluded.self)
        return AssignmentInstance(units: units, cadres: cadres, enterprises: enterprises, links: links, quotas: quotas,
                                  locks: locks, done: done, excluded: Set(excluded.map(\.cadre_id)), fairness: fairness)
    }

    // MARK: Locks and exclusions

    /// An active enterprise by credit code (the office's decisions name any, in scope or not).
    func enterpriseID(creditCode: String) async throws -> UUID? {
        struct Row: Decodable { var id: UUID }
        return try await sql.raw("SELECT id FROM enterprises WHERE credit_code = \(bind: creditCode) AND merged_into_id IS NULL")
            .first(decoding: Row.self)?.id
    }

    func isVisited(_ enterprise: UUID, stage: UUID) async throws -> Bool {
        struct Done: Decodable { var status: String }
        return try await sql.raw("""
            SELECT status FROM visit_tasks WHERE stage_id = \(bind: stage) AND enterprise_id = \(bind: enterprise) AND status = 'done'
            """).first(decoding: Done.self) != nil
    }

    func lock(_ enterprise: UUID, to cadre: UUID, stage: UUID, by username: String) async throws {
        try await unlock(enterprise, stage: stage)
        try await sql.raw("""
            INSERT INTO assignment_locks (id, stage_id, enterprise_id, cadre_id, created_by)
            VALUES (\(bind: UUID()), \(bind: stage), \(bind: enterprise), \(bind: cadre), \(bind: username))
            """).run()
    }

    func unlock(_ enterprise: UUID, stage: UUID) async throws {
        try await sql.raw("DELETE FROM assignment_locks WHERE stage_id = \(bind: stage) AND enterprise_id = \(bind: enterprise)").run()
    }

    func exclude(_ cadre: UUID, stage: UUID, reason: String, by username: String) async throws {
        try await include(cadre, stage: stage)
        try await sql.raw("""
            INSERT INTO assignment_exclusions (id, stage_id, cadre_id, reason, created_by)
            VALUES (\(bind: UUID()), \(bind: stage), \(bind: cadre), \(bind: reason), \(bind: username))
            """).run()
    }

    func include(_ cadre: UUID, stage: UUID) async throws {
        try await sql.raw("DELETE FROM assignment_exclusions WHERE stage_id = \(bind: stage) AND cadre_id = \(bind: cadre)").run()
    }

    // MARK: The draft and the published tasks

    static let draftColumns = ["id", "stage_id", "enterprise_id", "cadre_id", "unit_id", "distance_m", "reason"]

    func replaceDraft(stage: UUID, _ rows: [[any Encodable & Sendable]]) async throws {
        try await sql.raw("DELETE FROM assignment_drafts WHERE stage_id = \(bind: stage)").run()
        try await BulkInsert.rows(into: "assignment_drafts", columns: Self.draftColumns, rows, on: db)
    }

    /// The published tasks: enterprise → cadre.
    func published(stage: UUID) async throws -> [UUID: UUID] {
        let pairs = try await sql.raw("SELECT enterprise_id, cadre_id FROM visit_tasks WHERE stage_id = \(bind: stage)").all(decoding: PairRow.self)
        return Dictionary(pairs.map { ($0.enterprise_id, $0.cadre_id) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every open task replaced by the draft's; tasks whose visit is done stay.
    func publish(stage: UUID, at now: Date) async throws {
        try await sql.raw("DELETE FROM visit_tasks WHERE stage_id = \(bind: stage) AND status = 'open'").run()
        try await sql.raw("""
            INSERT INTO visit_tasks (id, stage_id, enterprise_id, cadre_id, unit_id, distance_m, status, published_at)
            SELECT d.id, d.stage_id, d.enterprise_id, d.cadre_id, d.unit_id, d.distance_m, 'open', \(bind: now)
            FROM assignment_drafts d
            WHERE d.stage_id = \(bind: stage) AND d.cadre_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM visit_tasks v WHERE v.stage_id = d.stage_id AND v.enterprise_id = d.enterprise_id)
            """).run()
    }

    /// A cadre's published visit tasks, open first, nearest first.
    func tasks(ofUser user: UUID) async throws -> [VisitTaskRow] {
        try await sql.raw("""
            SELECT v.id, e.credit_code, e.name, e.address, s.name AS stage, v.distance_m, v.status
            FROM visit_tasks v JOIN cadres c ON c.id = v.cadre_id JOIN enterprises e ON e.id = v.enterprise_id
            JOIN stages s ON s.id = v.stage_id
            WHERE c.user_id = \(bind: user) ORDER BY v.status DESC, v.distance_m, e.credit_code
            """).all(decoding: VisitTaskRow.self)
    }

    // MARK: What the review page counts

    struct Totals: Content { var placed: Int; var unplaced: Int; var metres: Int; var fullCadres: Int; var cadres: Int }

    /// The draft's placed enterprises: enterprise → cadre.
    func draft(stage: UUID) async throws -> [UUID: UUID] {
        struct Pair: Decodable { var enterprise_id: UUID; var cadre_id: UUID }
        let pairs = try await sql.raw("SELECT enterprise_id, cadre_id FROM assignment_drafts WHERE stage_id = \(bind: stage) AND cadre_id IS NOT NULL")
            .all(decoding: Pair.self)
        return Dictionary(pairs.map { ($0.enterprise_id, $0.cadre_id) }, uniquingKeysWith: { a, _ in a })
    }

    func totals(stage: UUID) async throws -> Totals {
        struct Row: Decodable { var placed: Int?; var unplaced: Int?; var metres: Int? }
        let row = try await sql.raw("""
            SELECT CAST(SUM(CASE WHEN cadre_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS placed,
                   CAST(SUM(CASE WHEN cadre_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unplaced, CAST(SUM(distance_m) AS BIGINT) AS metres
            FROM assignment_drafts WHERE stage_id = \(bind: stage)
            """).first(decoding: Row.self)
        struct Load: Decodable { var full: Int?; var cadres: Int }
        let load = try await sql.raw("""
            SELECT (SELECT COUNT(*) FROM (SELECT d.cadre_id, COUNT(*) AS n FROM assignment_drafts d
                      WHERE d.stage_id = \(bind: stage) AND d.cadre_id IS NOT NULL GROUP BY d.cadre_id) x
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

    /// Each active unit with the stage's quota, and the draft's enterprises and the cadres'
    /// capacity per unit (not yet summed up the tree).
    struct LoadUnit: Decodable { var id: UUID; var code: String; var name: String; var depth: Int; var path: String; var quota: Int? }
    struct UnitCount: Decodable { var unit_id: UUID; var n: Int }
    func unitLoadRows(stage: UUID) async throws -> (units: [LoadUnit], assigned: [UnitCount], capacity: [UnitCount]) {
        let units = try await sql.raw("""
            SELECT o.id, o.code, o.name, o.depth, o.path, q.enterprises AS quota
            FROM org_units o LEFT JOIN quotas q ON q.unit_id = o.id AND q.stage_id = \(bind: stage)
            WHERE o.retired_at IS NULL
            """).all(decoding: LoadUnit.self)
        let assigned = try await sql.raw("""
            SELECT unit_id, COUNT(*) AS n FROM assignment_drafts WHERE stage_id = \(bind: stage) AND unit_id IS NOT NULL GROUP BY unit_id
            """).all(decoding: UnitCount.self)
        let capacity = try await sql.raw("""
            SELECT u.unit_id, CAST(SUM(c.capacity) AS BIGINT) AS n FROM cadres c JOIN users u ON u.id = c.user_id
            WHERE u.retired_at IS NULL GROUP BY u.unit_id
            """).all(decoding: UnitCount.self)
        return (units, assigned, capacity)
    }

    struct CadreLoad: Content { var staff_no: String; var name: String; var unit: String; var load: Int; var capacity: Int; var metres: Int? }

    /// The cadres of one district's subtree with their share of the draft, fullest first.
    func cadreLoads(stage: UUID, district: OrgUnit) async throws -> [CadreLoad] {
        try await sql.raw("""
            SELECT c.staff_no, u.display_name AS name, o.name AS unit, c.capacity, COALESCE(x.n, 0) AS load, x.m AS metres
            FROM cadres c JOIN users u ON u.id = c.user_id JOIN org_units o ON o.id = u.unit_id
            LEFT JOIN (SELECT cadre_id, COUNT(*) AS n, CAST(SUM(distance_m) AS BIGINT) AS m FROM assignment_drafts
                       WHERE stage_id = \(bind: stage) AND cadre_id IS NOT NULL GROUP BY cadre_id) x ON x.cadre_id = c.id
            WHERE u.retired_at IS NULL AND o.path LIKE \(bind: district.path + "%")
            ORDER BY load DESC, c.staff_no
            """).all(decoding: CadreLoad.self)
    }

    struct Unplaced: Content { var credit_code: String; var name: String; var reason: String }

    func unplaced(stage: UUID, limit: Int = 50) async throws -> [Unplaced] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, d.reason FROM assignment_drafts d JOIN enterprises e ON e.id = d.enterprise_id
            WHERE d.stage_id = \(bind: stage) AND d.cadre_id IS NULL ORDER BY d.reason, e.credit_code LIMIT \(bind: limit)
            """).all(decoding: Unplaced.self)
    }

    struct Lock: Content { var credit_code: String; var name: String; var staff_no: String; var cadre: String }
    struct Exclusion: Content { var staff_no: String; var cadre: String; var reason: String }

    func locks(stage: UUID) async throws -> [Lock] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, c.staff_no, u.display_name AS cadre FROM assignment_locks l
            JOIN enterprises e ON e.id = l.enterprise_id JOIN cadres c ON c.id = l.cadre_id JOIN users u ON u.id = c.user_id
            WHERE l.stage_id = \(bind: stage) ORDER BY e.credit_code
            """).all(decoding: Lock.self)
    }

    func exclusions(stage: UUID) async throws -> [Exclusion] {
        try await sql.raw("""
            SELECT c.staff_no, u.display_name AS cadre, x.reason FROM assignment_exclusions x
            JOIN cadres c ON c.id = x.cadre_id JOIN users u ON u.id = c.user_id
            WHERE x.stage_id = \(bind: stage) ORDER BY c.staff_no
            """).all(decoding: Exclusion.self)
    }

    /// The draft of the enterprises linked to units under `district`, with each one's cadre and unit.
    struct MapRow: Decodable {
        var name: String; var lat: Double?; var lon: Double?; var clat: Double?; var clon: Double?
        var kind: String?; var depth: Int?; var staff_no: String?
    }
    func mapRows(stage: UUID, district: OrgUnit) async throws -> [MapRow] {
        try await sql.raw("""
            SELECT e.name, e.lat, e.lon, c.lat AS clat, c.lon AS clon, u.kind, u.depth, c.staff_no
            FROM assignment_drafts d JOIN enterprises e ON e.id = d.enterprise_id
            LEFT JOIN cadres c ON c.id = d.cadre_id LEFT JOIN org_units u ON u.id = d.unit_id
            WHERE d.stage_id = \(bind: stage) AND EXISTS (SELECT 1 FROM enterprise_units eu JOIN org_units o ON o.id = eu.unit_id
                  WHERE eu.enterprise_id = e.id AND o.path LIKE \(bind: district.path + "%"))
            """).all(decoding: MapRow.self)
    }

    // MARK: The conflict report

    /// Links of the active enterprises that more than one unit covers.
    struct OverlapLink: Decodable { var enterprise_id: UUID; var name: String; var unit: String }
    func overlapLinks() async throws -> [OverlapLink] {
        try await sql.raw("""
            SELECT eu.enterprise_id, e.name, o.code || ' ' || o.name AS unit
            FROM enterprise_units eu JOIN enterprises e ON e.id = eu.enterprise_id JOIN org_units o ON o.id = eu.unit_id
            WHERE e.merged_into_id IS NULL AND eu.enterprise_id IN
                  (SELECT enterprise_id FROM enterprise_units GROUP BY enterprise_id HAVING COUNT(*) > 1)
            ORDER BY e.credit_code, unit
            """).all(decoding: OverlapLink.self)
    }

    /// The first 20 active enterprises no unit covers, each with the count of all of them.
    struct Uncovered: Decodable { var credit_code: String; var name: String; var total: Int }
    func uncovered() async throws -> [Uncovered] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, COUNT(*) OVER () AS total FROM enterprises e
            WHERE e.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM enterprise_units eu WHERE eu.enterprise_id = e.id)
            ORDER BY e.credit_code LIMIT 20
            """).all(decoding: Uncovered.self)
    }
}
