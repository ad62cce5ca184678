import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The campaign's progress for a unit over its subtree in one stage, against the task
/// decomposition table (任务分解表): enterprises assigned and visited, workers visited,
/// questionnaires returned, problems found and resolved, and what is overdue now.
///
/// A stage's visits are those made for its tasks, and the ad-hoc ones finished within its
/// dates; its problems are those found on them, and those entered directly within its dates.
struct ProgressQuery {
    let app: Application
    let db: any Database
    let principal: Principal

    var sql: any SQLDatabase { db as! any SQLDatabase }

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

        /// Visited against the quota (or against what was assigned, without a quota); nil when neither.
        var completion: Double? {
            let target = enterprisesQuota > 0 ? enterprisesQuota : assigned
            return target > 0 ? Double(visited) / Double(target) : nil
        }
    }

    struct Unit: Decodable, Sendable {
        var id: UUID
        var code: String
        var name: String
        var path: String
    }

    func figures(for unit: Unit, stage: Stage, rules: ProblemRules, today: Day) async throws -> Figures {
        var f = Figures()
        let stageID = try stage.requireID()
        let subtree = SQLQueryString("IN (SELECT o.id FROM org_units o WHERE o.path LIKE \(bind: unit.path + "%"))")
        // The unit's own row of the table; without one, what its children's rows add up to.
        struct Quota: Decodable { var enterprises: Int?; var workers: Int?; var questionnaires: Int?; var problems: Int? }
        var quota = try await sql.raw("""
            SELECT enterprises, workers, questionnaires, problems FROM quotas WHERE stage_id = \(bind: stageID) AND unit_id = \(bind: unit.id)
            """).first(decoding: Quota.self)
        if quota == nil {
            quota = try await sql.raw("""
                SELECT CAST(SUM(q.enterprises) AS BIGINT) AS enterprises, CAST(SUM(q.workers) AS BIGINT) AS workers,
                       CAST(SUM(q.questionnaires) AS BIGINT) AS questionnaires, CAST(SUM(q.problems) AS BIGINT) AS problems
                FROM quotas q JOIN org_units c ON c.id = q.unit_id JOIN org_units p ON p.id = c.parent_id
                WHERE q.stage_id = \(bind: stageID) AND p.id = \(bind: unit.id)
                """).first(decoding: Quota.self)
        }
        f.enterprisesQuota = quota?.enterprises ?? 0
        f.workersQuota = quota?.workers ?? 0
        f.questionnairesQuota = quota?.questionnaires ?? 0
        f.problemsQuota = quota?.problems ?? 0

        struct N: Decodable { var n: Int? }
        f.assigned = try await sql.raw("SELECT COUNT(*) AS n FROM visit_tasks WHERE stage_id = \(bind: stageID) AND unit_id \(subtree)")
            .first(decoding: N.self)?.n ?? 0
        let visits = stageVisits(stage, subtree: subtree)
        f.visited = try await sql.raw("SELECT COUNT(DISTINCT v.enterprise_id) AS n FROM visits v WHERE \(visits)").first(decoding: N.self)?.n ?? 0
        struct Returned: Decodable { var questionnaires: Int; var workers: Int? }
        if let r = try await sql.raw("""
            SELECT COUNT(*) AS questionnaires, SUM(CASE WHEN r.questionnaire_key = 'worker' THEN 1 ELSE 0 END) AS workers
            FROM responses r JOIN visits v ON v.id = r.visit_id WHERE \(visits)
            """).first(decoding: Returned.self) {
            f.questionnaires = r.questionnaires
            f.workers = r.workers ?? 0
        }
        struct Found: Decodable { var found: Int; var resolved: Int? }
        if let p = try await sql.raw("""
            SELECT COUNT(*) AS found, SUM(CASE WHEN p.first_resolved_on IS NOT NULL THEN 1 ELSE 0 END) AS resolved FROM problems p
            WHERE p.status <> 'merged' AND p.unit_id \(subtree) AND (p.visit_id IN (SELECT v.id FROM visits v WHERE \(visits))
                  OR (p.visit_id IS NULL AND p.reported_on BETWEEN \(bind: stage.startsOn) AND \(bind: stage.endsOn)))
            """).first(decoding: Found.self) {
            f.problemsFound = p.found
            f.problemsResolved = p.resolved ?? 0
        }
        // Overdue is a state of now, not of the stage: the ledger's own count for the subtree.
        let problems = ProblemService(app: app, db: db, principal: principal)
        f.problemsOverdue = try await problems.figures(under: unit.path, rules: rules, today: today).overdueNow
        return f
    }

    /// Visits per day of the stage's visits (the days that have any), oldest first.
    func visitsPerDay(for unit: Unit, stage: Stage) async throws -> [(day: Day, visits: Int)] {
        let subtree = SQLQueryString("IN (SELECT o.id FROM org_units o WHERE o.path LIKE \(bind: unit.path + "%"))")
        // The day in the campaign's zone, as each database writes dates.
        let day: any SQLExpression = sql.dialect.name == "sqlite"
            ? SQLRaw("date(v.finished_at, 'unixepoch', '+8 hours')")
            : SQLRaw("to_char(v.finished_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')")
        struct Row: Decodable { var day: String; var n: Int }
        return try await sql.raw("""
            SELECT \(day) AS day, COUNT(*) AS n FROM visits v WHERE \(stageVisits(stage, subtree: subtree)) GROUP BY \(day) ORDER BY 1
            """).all(decoding: Row.self).compactMap { row in Day(row.day).map { ($0, row.n) } }
    }

    /// The stage's visits in the subtree that count: submitted or accepted (a returned one is
    /// being corrected).
    private func stageVisits(_ stage: Stage, subtree: SQLQueryString) -> SQLQueryString {
        SQLQueryString("v.unit_id \(subtree) AND v.status IN ('submitted', 'accepted') AND \(Self.inStage(stage))")
    }

    /// A visit (`v`) belongs to a stage when it was made for one of the stage's tasks, or ad hoc
    /// within the stage's dates.
    static func inStage(_ stage: Stage) -> SQLQueryString {
        let start = startOfDay(stage.startsOn), end = startOfDay(stage.endsOn).map { $0.addingTimeInterval(86_400) }
        return SQLQueryString("""
            (v.task_id IN (SELECT t.id FROM visit_tasks t WHERE t.stage_id = \(bind: stage.id))
             OR (v.task_id IS NULL AND v.finished_at >= \(bind: start ?? .distantFuture) AND v.finished_at < \(bind: end ?? .distantPast)))
            """)
    }

    static func startOfDay(_ text: String) -> Date? {
        guard let day = Day(text) else { return nil }
        var c = DateComponents()
        (c.year, c.month, c.day) = (day.parts.year, day.parts.month, day.parts.day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ProblemRules.zone
        return calendar.date(from: c)
    }
}
