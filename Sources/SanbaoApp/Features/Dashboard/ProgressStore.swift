import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The campaign's progress for a unit over its subtree in one stage, against the task
/// decomposition table (任务分解表): enterprises assigned and visited, workers visited,
/// questionnaires returned, problems found on those visits — read from the tallies kept as
/// visits come in (`VisitTally`; `fresh` brings them up to date first),
/// a few rows per unit whatever the number of visits — and the
/// problems the subtree's units resolved and have overdue now, as the ledger counts them
/// (`problem_tallies`).
///
/// A stage's visits are those made for its tasks, and the ad-hoc ones finished within its
/// dates; they count while submitted or accepted.
struct ProgressStore: TallyReader {
    let app: Application
    let db: any Database
    let principal: Principal

    var sql: any SQLDatabase { db.sql }

    struct Figures: Content, Equatable {
        var enterprisesQuota = 0
        var assigned = 0
        var visited = 0
        var workersQuota = 0
        var workers = 0
        var questionnairesQuota = 0
        var questionnaires = 0
        var problemsQuota = 0
        var problemsFound = 0
        var problemsResolved = 0
        var problemsOverdue = 0

        /// The API's field names.
        enum CodingKeys: String, CodingKey {
            case enterprisesQuota = "enterprises_quota", assigned, visited, workersQuota = "workers_quota", workers
            case questionnairesQuota = "questionnaires_quota", questionnaires, problemsQuota = "problems_quota"
            case problemsFound = "problems_found", problemsResolved = "problems_resolved", problemsOverdue = "problems_overdue"
        }

        /// Visited against the quota (or against what was assigned, without a quota); nil when neither.
        var completion: Double? {
            let target = enterprisesQuota > 0 ? enterprisesQuota : assigned
            return target > 0 ? Double(visited) / Double(target) : nil
        }
    }

    /// The unit with this code if the principal may see it; without one, the principal's own
    /// unit (the tree's root for the command line's principal, which has none).
    func unit(code: String?) async throws -> Unit {
        if let code, !code.isEmpty {
            let found = try await principal.scope.unit(code: code, on: db)
            return Unit(id: try found.requireID(), code: found.code, name: found.name, path: found.path)
        }
        if let id = principal.unitID { return Unit(id: id, code: principal.unitCode, name: principal.unitName, path: principal.unitPath) }
        guard let root = try await root() else { throw AppError(.notFound, "error.not_found") }
        return root
    }

    /// The tree's root, for the command line's principal (no unit of its own).
    func root() async throws -> Unit? {
        try await sql.raw("SELECT id, code, name, path FROM org_units WHERE parent_id IS NULL ORDER BY path LIMIT 1").first(decoding: Unit.self)
    }

    /// The active units directly under `unit`, with their places for the map.
    func children(of unit: Unit) async throws -> [Unit] {
        try await sql.raw("""
            SELECT id, code, name, path, lat, lon, kind FROM org_units WHERE parent_id = \(bind: unit.id) AND retired_at IS NULL ORDER BY code
            """).all(decoding: Unit.self)
    }

    struct Unit: Decodable, Sendable {
        var id: UUID
        var code, name, path: String
        /// Where it is on the map (units without a place are left off it).
        var lat: Double? = nil
        var lon: Double? = nil
        var kind: String? = nil
    }

    func figures(for unit: Unit, stage: Stage, rules: ProblemRules, today: Day) async throws -> Figures {
        try await figures(for: [unit], stage: stage, rules: rules, today: today)[unit.id] ?? Figures()
    }

    /// The figures of several units at once (a unit's children for the ranking): each query
    /// reads the tallies of all of them together.
    func figures(for units: [Unit], stage: Stage, rules: ProblemRules, today: Day) async throws -> [UUID: Figures] {
        guard !units.isEmpty else { return [:] }
        let ids = units.map(\.id)
        let stageID = try stage.requireID()
        var out = Dictionary(uniqueKeysWithValues: ids.map { ($0, Figures()) })

        // Each unit's own row of the table; without one, what its children's rows add up to.
        struct Quota: Decodable { var unit_id: UUID; var own: Int; var enterprises: Int?; var workers: Int?; var questionnaires: Int?; var problems: Int? }
        let quotas = try await sql.raw("""
            SELECT q.unit_id, 1 AS own, q.enterprises, q.workers, q.questionnaires, q.problems FROM quotas q
            WHERE q.stage_id = \(bind: stageID) AND q.unit_id IN \(SQLBind.group(ids))
            UNION ALL
            SELECT c.parent_id AS unit_id, 0 AS own, CAST(SUM(q.enterprises) AS BIGINT), CAST(SUM(q.workers) AS BIGINT),
                   CAST(SUM(q.questionnaires) AS BIGINT), CAST(SUM(q.problems) AS BIGINT)
            FROM quotas q JOIN org_units c ON c.id = q.unit_id
            WHERE q.stage_id = \(bind: stageID) AND c.parent_id IN \(SQLBind.group(ids)) GROUP BY c.parent_id
            """).all(decoding: Quota.self)
        for (unit, rows) in Dictionary(grouping: quotas, by: \.unit_id) {
            guard let q = rows.first(where: { $0.own == 1 }) ?? rows.first else { continue }
            out[unit]?.enterprisesQuota = q.enterprises ?? 0
            out[unit]?.workersQuota = q.workers ?? 0
            out[unit]?.questionnairesQuota = q.questionnaires ?? 0
            out[unit]?.problemsQuota = q.problems ?? 0
        }

        struct Tasks: Decodable { var unit_id: UUID; var tasks: Int }
        for t in try await sql.raw("""
            SELECT unit_id, tasks FROM task_tallies WHERE stage_id = \(bind: stageID) AND unit_id IN \(SQLBind.group(ids))
            """).all(decoding: Tasks.self) {
            out[t.unit_id]?.assigned = t.tasks
        }
        struct Enterprises: Decodable { var unit_id: UUID; var enterprises: Int }
        for e in try await sql.raw("""
            SELECT unit_id, enterprises FROM enterprise_tallies WHERE stage_key = \(bind: stageID.uuidString) AND unit_id IN \(SQLBind.group(ids))
            """).all(decoding: Enterprises.self) {
            out[e.unit_id]?.visited = e.enterprises
        }
        struct Visits: Decodable { var unit_id: UUID; var workers: Int?; var questionnaires: Int?; var problems: Int? }
        for v in try await sql.raw("""
            SELECT unit_id, CAST(SUM(workers) AS BIGINT) AS workers, CAST(SUM(questionnaires) AS BIGINT) AS questionnaires,
                   CAST(SUM(problems) AS BIGINT) AS problems
            FROM visit_tallies WHERE stage_key = \(bind: stageID.uuidString) AND unit_id IN \(SQLBind.group(ids)) GROUP BY unit_id
            """).all(decoding: Visits.self) {
            out[v.unit_id]?.workers = v.workers ?? 0
            out[v.unit_id]?.questionnaires = v.questionnaires ?? 0
            out[v.unit_id]?.problemsFound = v.problems ?? 0
        }

        // The ledger's figures for each subtree: what its units resolved, what is overdue now.
        let problems = ProblemService(app: app, db: db, principal: principal)
        for unit in units {
            let p = try await problems.figures(under: unit.path, rules: rules, today: today)
            out[unit.id]?.problemsResolved = p.resolved
            out[unit.id]?.problemsOverdue = p.overdueNow
        }
        return out
    }

    /// Visits per day of the stage's visits (the days that have any), oldest first.
    func visitsPerDay(for unit: Unit, stage: Stage) async throws -> [(day: Day, visits: Int)] {
        struct Row: Decodable { var day: String; var visits: Int }
        return try await sql.raw("""
            SELECT day, visits FROM visit_tallies WHERE unit_id = \(bind: unit.id) AND stage_key = \(bind: try stage.requireID().uuidString)
              AND visits > 0 ORDER BY day
            """).all(decoding: Row.self).compactMap { row in Day(row.day).map { ($0, row.visits) } }
    }

    /// A visit (`v`) belongs to a stage when it was made for one of the stage's tasks, or ad hoc
    /// within the stage's dates.
    static func inStage(_ stage: Stage) -> SQLQueryString {
        let start = ShanghaiTime.start(of: stage.startsOn), end = ShanghaiTime.start(of: stage.endsOn).map { $0.addingTimeInterval(86_400) }
        return SQLQueryString("""
            (v.task_id IN (SELECT t.id FROM visit_tasks t WHERE t.stage_id = \(bind: stage.id))
             OR (v.task_id IS NULL AND v.finished_at >= \(bind: start ?? .distantFuture) AND v.finished_at < \(bind: end ?? .distantPast)))
            """)
    }
}
