import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Fills in a periodic report's figures for a unit's subtree: what was done in the period and
/// in the campaign up to its last day (visits that count — submitted or accepted — by the day
/// they finished; problems by the day they were reported and first resolved), the campaign's
/// targets from the task decomposition table, problems by category, and the cases to name.
/// Reads the visit tallies; `fresh` brings them up to date first.
struct ReportFiguresQuery {
    let app: Application
    let db: any Database
    let principal: Principal

    /// A reader with every committed visit counted.
    static func fresh(_ app: Application, _ db: any Database, _ principal: Principal) async throws -> ReportFiguresQuery {
        try await Tallies.fresh(app, db)
        return ReportFiguresQuery(app: app, db: db, principal: principal)
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }

    func figures(unitID: UUID, path: String, campaign: Campaign, period: ReportPeriod, now: Date = Date()) async throws -> ReportFigures {
        var f = ReportFigures()
        let subtree = SQLQueryString("IN (SELECT o.id FROM org_units o WHERE o.path LIKE \(bind: path + "%"))")
        let campaignStart = Day(campaign.startsOn) ?? period.start
        f.period = try await counts(unitID, subtree, from: period.start, through: period.end)
        f.cumulative = try await counts(unitID, subtree, from: min(campaignStart, period.start), through: period.end)
        f.targets = try await targets(unitID: unitID, campaign: campaign)
        let rules = try await ProblemRules.current(app, db)
        let today = ProblemRules.today(now)
        f.overdueNow = try await ProblemService(app: app, db: db, principal: principal).figures(under: path, rules: rules, today: today).overdueNow
        f.categories = try await categories(subtree, period: period)
        f.cases = try await cases(subtree, period: period, today: today)
        f.takenAt = "\(today) " + ShanghaiTime.clock(now)
        return f
    }

    private func counts(_ unitID: UUID, _ subtree: SQLQueryString, from first: Day, through last: Day) async throws -> ReportFigures.Counts {
        var c = ReportFigures.Counts()
        let start = ShanghaiTime.start(of: first)
        let end = ShanghaiTime.start(of: last).addingTimeInterval(86_400)
        // Visits, workers and questionnaires from the unit's own tallies (its whole subtree, by day);
        // enterprises counted once however often visited, from the visits.
        struct Tallied: Decodable { var visits: Int?; var workers: Int?; var questionnaires: Int? }
        if let t = try await sql.raw("""
            SELECT CAST(SUM(visits) AS BIGINT) AS visits, CAST(SUM(workers) AS BIGINT) AS workers, CAST(SUM(questionnaires) AS BIGINT) AS questionnaires
            FROM visit_tallies WHERE unit_id = \(bind: unitID) AND day BETWEEN \(bind: first.description) AND \(bind: last.description)
            """).first(decoding: Tallied.self) {
            (c.visits, c.workers, c.questionnaires) = (t.visits ?? 0, t.workers ?? 0, t.questionnaires ?? 0)
        }
        struct N: Decodable { var n: Int }
        c.enterprises = try await sql.raw("""
            SELECT COUNT(DISTINCT v.enterprise_id) AS n FROM visits v
            WHERE v.unit_id \(subtree) AND v.status IN ('submitted', 'accepted') AND v.finished_at >= \(bind: start) AND v.finished_at < \(bind: end)
            """).first(decoding: N.self)?.n ?? 0
        struct Problems: Decodable { var found: Int?; var resolved: Int? }
        let (a, b) = (first.description, last.description)
        if let p = try await sql.raw("""
            SELECT SUM(CASE WHEN p.reported_on BETWEEN \(bind: a) AND \(bind: b) THEN 1 ELSE 0 END) AS found,
                   SUM(CASE WHEN p.first_resolved_on BETWEEN \(bind: a) AND \(bind: b) THEN 1 ELSE 0 END) AS resolved
            FROM problems p WHERE p.unit_id \(subtree) AND p.status <> 'merged'
              AND (p.reported_on BETWEEN \(bind: a) AND \(bind: b) OR p.first_resolved_on BETWEEN \(bind: a) AND \(bind: b))
            """).first(decoding: Problems.self) {
            (c.problemsFound, c.problemsResolved) = (p.found ?? 0, p.resolved ?? 0)
        }
        return c
    }

    /// Each stage's row for the unit, or what its children's rows add up to where it has none.
    private func targets(unitID: UUID, campaign: Campaign) async throws -> ReportFigures.Targets {
        struct Row: Decodable { var stage_id: UUID; var own: Int; var enterprises: Int?; var workers: Int?; var questionnaires: Int?; var problems: Int? }
        let rows = try await sql.raw("""
            SELECT q.stage_id, 1 AS own, q.enterprises, q.workers, q.questionnaires, q.problems
            FROM quotas q JOIN stages s ON s.id = q.stage_id WHERE s.campaign_id = \(bind: campaign.id!) AND q.unit_id = \(bind: unitID)
            UNION ALL
            SELECT q.stage_id, 0 AS own, CAST(SUM(q.enterprises) AS BIGINT), CAST(SUM(q.workers) AS BIGINT),
                   CAST(SUM(q.questionnaires) AS BIGINT), CAST(SUM(q.problems) AS BIGINT)
            FROM quotas q JOIN stages s ON s.id = q.stage_id JOIN org_units c ON c.id = q.unit_id
            WHERE s.campaign_id = \(bind: campaign.id!) AND c.parent_id = \(bind: unitID) GROUP BY q.stage_id
            """).all(decoding: Row.self)
        var t = ReportFigures.Targets()
        for (_, stageRows) in Dictionary(grouping: rows, by: \.stage_id) {
            guard let r = stageRows.first(where: { $0.own == 1 }) ?? stageRows.first else { continue }
            t.enterprises += r.enterprises ?? 0
            t.workers += r.workers ?? 0
            t.questionnaires += r.questionnaires ?? 0
            t.problems += r.problems ?? 0
        }
        return t
    }

    private func categories(_ subtree: SQLQueryString, period: ReportPeriod) async throws -> [ReportFigures.Category] {
        struct Row: Decodable { var category: String; var found: Int?; var resolved: Int?; var open: Int? }
        let (a, b) = (period.start.description, period.end.description)
        let rows = try await sql.raw("""
            SELECT p.category, SUM(CASE WHEN p.reported_on BETWEEN \(bind: a) AND \(bind: b) THEN 1 ELSE 0 END) AS found,
                   SUM(CASE WHEN p.first_resolved_on BETWEEN \(bind: a) AND \(bind: b) THEN 1 ELSE 0 END) AS resolved,
                   SUM(CASE WHEN \(unsafeRaw: ProblemStore.open) THEN 1 ELSE 0 END) AS open
            FROM problems p WHERE p.unit_id \(subtree) AND p.status <> 'merged'
              AND (p.reported_on BETWEEN \(bind: a) AND \(bind: b) OR p.first_resolved_on BETWEEN \(bind: a) AND \(bind: b) OR \(unsafeRaw: ProblemStore.open))
            GROUP BY p.category
            """).all(decoding: Row.self)
        // In the order the ledger lists categories, empty ones left out.
        let order = Dictionary(uniqueKeysWithValues: ProblemCategory.allCases.enumerated().map { ($1.rawValue, $0) })
        return rows.map { .init(category: $0.category, found: $0.found ?? 0, resolved: $0.resolved ?? 0, open: $0.open ?? 0) }
            .filter { $0.found + $0.resolved + $0.open > 0 }
            .sorted { (order[$0.category] ?? 99, $0.category) < (order[$1.category] ?? 99, $1.category) }
    }

    /// Up to five serious problems found in the period and up to five of the longest overdue.
    private func cases(_ subtree: SQLQueryString, period: ReportPeriod, today: Day) async throws -> [ReportFigures.Case] {
        struct Row: Decodable {
            var id: UUID; var enterprise: String; var category: String; var severity: String; var status: String
            var reported_on: String; var deadline: String?; var overdue: Int
        }
        let columns = SQLQueryString("""
            p.id, e.name AS enterprise, p.category, p.severity, p.status, p.reported_on, p.deadline,
            CASE WHEN \(unsafeRaw: ProblemStore.open) AND p.deadline < \(bind: today.description) THEN 1 ELSE 0 END AS overdue
            """)
        let serious = try await sql.raw("""
            SELECT \(columns) FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.unit_id \(subtree) AND p.status <> 'merged' AND p.severity = 'high'
              AND p.reported_on BETWEEN \(bind: period.start.description) AND \(bind: period.end.description)
            ORDER BY p.reported_on, p.id LIMIT 5
            """).all(decoding: Row.self)
        let overdue = try await sql.raw("""
            SELECT \(columns) FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.unit_id \(subtree) AND \(unsafeRaw: ProblemStore.open) AND p.deadline < \(bind: today.description)
            ORDER BY p.deadline, p.id LIMIT 5
            """).all(decoding: Row.self)
        var seen = Set<UUID>()
        return (serious + overdue).filter { seen.insert($0.id).inserted }.map {
            .init(problemID: $0.id.uuidString, enterprise: $0.enterprise, category: $0.category, severity: $0.severity, status: $0.status,
                  reportedOn: $0.reported_on, deadline: $0.deadline, overdue: $0.overdue == 1)
        }
    }
}
