import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The reports' SQL. Mostly the figures a periodic report is filled in with for a unit's subtree: what was done in the period and
/// in the campaign up to its last day (visits that count — submitted or accepted — by the day
/// they finished; problems by the day they were reported and first resolved), the campaign's
/// targets from the task decomposition table, problems by category, and the cases to name.
/// Reads the visit tallies; `fresh` brings them up to date first. Then who reports, the
/// reminders, and the reports waiting for a parent's decision (`ReportService` decides).
struct ReportStore: TallyReader {
    let app: Application
    let db: any Database
    let principal: Principal

    var sql: any SQLDatabase { db.sql }

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

// MARK: Who reports, reminders, decisions

extension ReportStore {
    /// A saved report's change, made only if it is still at `revision` (409 otherwise).
    func update(_ id: UUID, revision: Int, set: [(String, any Encodable & Sendable)]) async throws {
        try await RevisionedUpdate.apply(sql, table: Report.schema, id: id, revision: revision, set: set, conflict: "report.conflict")
    }

    /// The reporting units the principal sees (active, one to `depth` levels below the office,
    /// grassroots enterprise unions aside), in the tree's order.
    func reportingUnits(depth: Int) async throws -> [ReportService.ReportingUnit] {
        try await sql.raw("""
            SELECT o.id, o.code, o.name, o.parent_id FROM org_units o
            WHERE o.depth BETWEEN 1 AND \(bind: max(1, depth)) AND o.kind <> \(bind: OrgUnitKind.enterpriseUnion.rawValue)
              AND o.retired_at IS NULL AND \(principal.scope.sqlCondition(unitAlias: "o"))
            ORDER BY o.depth, o.code
            """).all(decoding: ReportService.ReportingUnit.self)
    }

    struct StatusRow: Decodable { var unit_id: UUID; var period_key: String; var status: String; var first_submitted_on: String? }

    /// The state of the campaign's reports for these periods, every unit's.
    func statuses(campaign: UUID, periods: [String]) async throws -> [StatusRow] {
        guard !periods.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT unit_id, period_key, status, first_submitted_on FROM reports
            WHERE campaign_id = \(bind: campaign) AND period_key IN \(SQLBind.group(periods))
            """).all(decoding: StatusRow.self)
    }

    /// The units already reminded today of this period's report.
    func remindedToday(campaign: UUID, period: String, today: Day) async throws -> Set<UUID> {
        struct Done: Decodable { var unit_id: UUID }
        return Set(try await sql.raw("""
            SELECT unit_id FROM report_reminders WHERE campaign_id = \(bind: campaign) AND period_key = \(bind: period) AND day = \(bind: today.description)
            """).all(decoding: Done.self).map(\.unit_id))
    }

    static let reminderColumns = ["id", "campaign_id", "unit_id", "period_key", "day", "from_unit_name", "created_at"]

    func addReminders(_ rows: [[any Encodable & Sendable]]) async throws {
        try await BulkInsert.rows(into: "report_reminders", columns: Self.reminderColumns, rows, on: db)
    }

    /// Reminders a unit received since `since` for reports it has still not submitted.
    func reminders(campaign: UUID, unit: UUID, since: Day) async throws -> [ReportService.Reminder] {
        try await sql.raw("""
            SELECT r.period_key, r.day, r.from_unit_name FROM report_reminders r
            WHERE r.campaign_id = \(bind: campaign) AND r.unit_id = \(bind: unit) AND r.day >= \(bind: since.description)
              AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.campaign_id = r.campaign_id AND p.unit_id = r.unit_id
                              AND p.period_key = r.period_key AND p.first_submitted_on IS NOT NULL)
            ORDER BY r.day DESC, r.period_key DESC
            """).all(decoding: ReportService.Reminder.self)
    }

    /// Submitted reports of the units directly under `parent`, with each unit's code and name.
    struct Waiting: Decodable { var id: UUID; var code: String; var name: String }
    func submitted(campaign: UUID, under parent: UUID) async throws -> [Waiting] {
        try await sql.raw("""
            SELECT r.id, o.code, o.name FROM reports r JOIN org_units o ON o.id = r.unit_id
            WHERE r.campaign_id = \(bind: campaign) AND o.parent_id = \(bind: parent) AND r.status = 'submitted'
            ORDER BY r.period_key DESC, o.code
            """).all(decoding: Waiting.self)
    }
}
