import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The scheduled scan over open problems: reminders to the unit that holds each one when it
/// falls due next working day, today, or has just gone overdue; and escalation up the tree —
/// every `overdueDaysPerLevel` working days late, and every `reworksPerLevel` reworks (the
/// office's `LedgerThresholds`), one level higher (to the responsible unit's parent, then the
/// next), each on the timeline, in the audit log and as a notice to the unit it reached. Runs inside the server; running it
/// twice in a day changes nothing the second time.
///
/// The work is set-based: problems are taken by deadline day (an index on status and
/// deadline), each day's lateness is counted once on the calendar, and only problems whose
/// level must rise are read one by one — the backlog of a province is not walked every run.
struct ProblemScan {
    let app: Application
    let db: any Database


    struct Outcome: Sendable, Equatable {
        var dueTomorrow = 0
        var dueToday = 0
        var overdue = 0
        var escalated = 0
        /// Problems whose department promised its answer for today.
        var referralsDue = 0

        init(dueTomorrow: Int = 0, dueToday: Int = 0, overdue: Int = 0, escalated: Int = 0, referralsDue: Int = 0) {
            self.dueTomorrow = dueTomorrow
            self.dueToday = dueToday
            self.overdue = overdue
            self.escalated = escalated
            self.referralsDue = referralsDue
        }
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }

    func run(today: Day = ProblemRules.today(), now: Date = Date()) async throws -> Outcome {
        let rules = try await ProblemRules.current(app, db)
        try await app.serializedTransaction(on: db) { db in _ = try await SupervisionService.coverNewProblems(db as! any SQLDatabase) }
        let next = rules.calendar.adding(workingDays: 1, to: today)
        // The deadlines of open problems whose clock runs: those handed to a unit from the
        // per-unit tally (a few hundred rows however many problems there are), and those not yet
        // handed to anyone (their reporting unit is reminded).
        struct Due: Decodable { var deadline: String }
        let held = try await sql.raw("SELECT DISTINCT deadline FROM problem_open WHERE deadline <= \(bind: next.description)")
            .all(decoding: Due.self)
        let waiting = try await sql.raw("""
            SELECT DISTINCT deadline FROM problems WHERE status IN \(unsafeRaw: ProblemStore.openStatuses) AND deadline <= \(bind: next.description)
              AND responsible_unit_id IS NULL AND paused_since IS NULL
            """).all(decoding: Due.self)
        let days = Set((held + waiting).compactMap { Day($0.deadline) }).sorted()
        var outcome = Outcome()
        var levels: [Day: Int] = [:]
        for day in days {
            let late = rules.calendar.workingDays(from: day, to: today)
            let kind: String? = day == next && next != today ? "due_tomorrow" : day == today ? "due_today" : late == 1 ? "overdue" : nil
            if let kind {
                let made = try await notify(kind: kind, deadline: day, today: today, detail: late > 0 ? "\(late)" : "", now: now)
                switch kind {
                case "due_tomorrow": outcome.dueTomorrow += made
                case "due_today": outcome.dueToday += made
                default: outcome.overdue += made
                }
            }
            let per = rules.thresholds.overdueDaysPerLevel
            if late >= per { levels[day] = late / per }
        }
        outcome.escalated = try await escalate(levels: levels, rules: rules, today: today, now: now)
        outcome.referralsDue = try await remindReferrals(today: today, now: now)
        return outcome
    }

    /// One notice per problem due on `deadline`, to the unit holding it (the responsible unit,
    /// or the reporting unit while nobody is responsible yet).
    private func notify(kind: String, deadline: Day, today: Day, detail: String, now: Date) async throws -> Int {
        let before = try await count(kind: kind, today: today)
        try await app.serializedTransaction(on: db) { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO notifications (unit_id, problem_id, kind, day, detail, created_at)
                SELECT COALESCE(p.responsible_unit_id, p.unit_id), p.id, \(bind: kind), \(bind: today.description), \(bind: detail), \(bind: now)
                FROM problems p WHERE p.status IN \(unsafeRaw: ProblemStore.openStatuses) AND p.deadline = \(bind: deadline.description)
                  AND p.paused_since IS NULL
                ON CONFLICT DO NOTHING
                """).run()
        }
        return try await count(kind: kind, today: today) - before
    }

    /// The unit working a problem is reminded on the day its department promised to answer.
    private func remindReferrals(today: Day, now: Date) async throws -> Int {
        let before = try await count(kind: "referral_due", today: today)
        try await app.serializedTransaction(on: db) { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO notifications (unit_id, problem_id, kind, day, detail, created_at)
                SELECT p.responsible_unit_id, p.id, 'referral_due', \(bind: today.description), p.referral_reply_by, \(bind: now)
                FROM problems p WHERE p.referral_reply_by = \(bind: today.description) AND p.status IN \(unsafeRaw: ProblemStore.workingStatuses)
                  AND p.responsible_unit_id IS NOT NULL
                ON CONFLICT DO NOTHING
                """).run()
        }
        return try await count(kind: "referral_due", today: today) - before
    }

    private func count(kind: String, today: Day) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await sql.raw("SELECT COUNT(*) AS n FROM notifications WHERE kind = \(bind: kind) AND day = \(bind: today.description)")
            .first(decoding: N.self)?.n ?? 0
    }

    private func escalate(levels: [Day: Int], rules: ProblemRules, today: Day, now: Date) async throws -> Int {
        struct Candidate: Decodable {
            var id: UUID, status: String, escalation_level: Int, rework_count: Int, deadline: String?, paused_since: String?, path: String
        }
        // The level each deadline's lateness asks for, as one CASE over the deadline; no higher
        // than the responsible unit has units above it. Reworks ask for a level of their own.
        let reworks = rules.thresholds.reworksPerLevel
        var wantedByLateness: any SQLExpression = SQLRaw("0")
        if !levels.isEmpty {
            let branches = levels.sorted { $0.key < $1.key }.map { SQLQueryString("WHEN \(bind: $0.key.description) THEN \(bind: $0.value)") }
            wantedByLateness = SQLQueryString("CASE WHEN p.paused_since IS NULL THEN CASE p.deadline \(SQLList(branches, separator: SQLRaw(" "))) ELSE 0 END ELSE 0 END")
        }
        // Two reads, each down its own index: the reworked, and the late by deadline.
        var queries: [any SQLExpression] = [SQLQueryString("""
            p.rework_count >= \(bind: reworks) AND p.escalation_level < p.rework_count / \(bind: reworks) AND p.escalation_level < su.depth
            """)]
        if let first = levels.keys.min(), let last = levels.keys.max() {
            queries.append(SQLQueryString("""
                p.deadline >= \(bind: first.description) AND p.deadline <= \(bind: last.description)
                AND p.escalation_level < \(wantedByLateness) AND p.escalation_level < su.depth
                """))
        }
        var candidates: [Candidate] = []
        var seen = Set<UUID>()
        for condition in queries {
            for c in try await sql.raw("""
                SELECT p.id, p.status, p.escalation_level, p.rework_count, p.deadline, p.paused_since, su.path FROM problems p
                JOIN org_units su ON su.id = p.responsible_unit_id
                WHERE p.status IN \(unsafeRaw: ProblemStore.workingStatuses) AND \(condition)
                """).all(decoding: Candidate.self) where seen.insert(c.id).inserted {
                candidates.append(c)
            }
        }
        guard !candidates.isEmpty else { return 0 }
        struct Unit: Decodable { var id: UUID; var path: String; var name: String }
        let ancestorPaths = Set(candidates.flatMap { Self.ancestors(of: $0.path) })
        var units: [String: Unit] = [:]
        for chunk in Array(ancestorPaths).chunked(500) {
            for unit in try await sql.raw("SELECT id, path, name FROM org_units WHERE path IN \(SQLBind.group(Array(chunk)))").all(decoding: Unit.self) {
                units[unit.path] = unit
            }
        }
        let system = Principal.system("scan")
        struct Rise { var id: UUID; var to: Int; var events: [any Encodable & Sendable]; var notice: [any Encodable & Sendable]
                      var audit: [any Encodable & Sendable] }
        var rises: [Rise] = []
        for c in candidates {
            // A clock stopped for a referral is not late.
            let byLateness = c.paused_since == nil ? c.deadline.flatMap(Day.init).flatMap { levels[$0] } ?? 0 : 0
            let wanted = max(byLateness, c.rework_count / reworks)
            let ancestors = Self.ancestors(of: c.path)            // nearest first
            let level = min(wanted, ancestors.count)
            guard level > c.escalation_level, let target = units[ancestors[level - 1]] else { continue }
            let late = c.deadline.flatMap(Day.init).map { rules.calendar.workingDays(from: $0, to: today) } ?? 0
            let why = byLateness >= level ? "超期 \(late) 个工作日" : "返工 \(c.rework_count) 次"
            rises.append(Rise(
                id: c.id, to: level,
                events: [UUID(), c.id, now, nil as UUID?, "scan", nil as UUID?, "escalate", c.status, c.status, target.id,
                         why, nil as String?, nil as String?, nil as String?],
                notice: [target.id, c.id, "escalated", today.description, why, now],
                audit: AuditLog.row(by: system, action: "problem.escalate", subjectType: "problem", subjectID: c.id.uuidString,
                                    before: ["level": "\(c.escalation_level)"], after: ["level": "\(level)", "unit": target.name, "why": why])))
        }
        // All of a run's escalations in one transaction: a day's thousands cost one commit.
        let all = rises
        try await app.serializedTransaction(on: db) { db in
            let sql = db as! any SQLDatabase
            for (level, group) in Dictionary(grouping: all, by: \.to) {
                for chunk in group.chunked(500) {
                    try await sql.raw("""
                        UPDATE problems SET escalation_level = \(bind: level), updated_at = \(bind: now)
                        WHERE id IN \(SQLBind.group(chunk.map(\.id))) AND escalation_level < \(bind: level)
                        """).run()
                }
            }
            for chunk in all.chunked(200) {
                try await BulkInsert.rows(into: "problem_events", columns: ProblemService.eventColumns, chunk.map(\.events), on: db)
                try await BulkInsert.rows(into: "notifications", columns: ["unit_id", "problem_id", "kind", "day", "detail", "created_at"],
                                          chunk.map(\.notice), on: db)
                try await BulkInsert.rows(into: "audit_events", columns: AuditLog.columns, chunk.map(\.audit), on: db)
            }
        }
        return all.count
    }

    /// "/3401/340104/340104001/" → ["/3401/340104/", "/3401/"]: the units above, nearest first.
    static func ancestors(of path: String) -> [String] { UnitPath(path).ancestors.map(\.text) }
}
