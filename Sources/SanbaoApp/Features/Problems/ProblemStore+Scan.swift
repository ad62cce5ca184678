import Foundation
import SanbaoDomain
import SQLKit

// MARK: The scheduled scan's SQL (`ProblemScan` decides what is due and how far each rises)

extension ProblemStore {
    /// The deadlines up to `last` of open problems whose clock runs: those handed to a unit,
    /// from the per-unit tally (a few hundred rows however many problems there are), and those
    /// not yet handed to anyone.
    func runningDeadlines(upTo last: Day) async throws -> [Day] {
        struct Due: Decodable { var deadline: String }
        let held = try await sql.raw("SELECT DISTINCT deadline FROM problem_open WHERE deadline <= \(bind: last.description)")
            .all(decoding: Due.self)
        let waiting = try await sql.raw("""
            SELECT DISTINCT deadline FROM problems WHERE status IN \(unsafeRaw: Self.openStatuses) AND deadline <= \(bind: last.description)
              AND responsible_unit_id IS NULL AND paused_since IS NULL
            """).all(decoding: Due.self)
        return Set((held + waiting).compactMap { Day($0.deadline) }).sorted()
    }

    /// A notice of `kind` for each running problem due on `deadline`, to the unit holding it (the
    /// responsible unit, or the reporting unit while nobody is responsible yet); once a day.
    func noticeDue(kind: String, deadline: Day, today: Day, detail: String, now: Date) async throws {
        try await sql.raw("""
            INSERT INTO notifications (unit_id, problem_id, kind, day, detail, created_at)
            SELECT COALESCE(p.responsible_unit_id, p.unit_id), p.id, \(bind: kind), \(bind: today.description), \(bind: detail), \(bind: now)
            FROM problems p WHERE p.status IN \(unsafeRaw: Self.openStatuses) AND p.deadline = \(bind: deadline.description)
              AND p.paused_since IS NULL
            ON CONFLICT DO NOTHING
            """).run()
    }

    /// A notice to the unit working each problem whose department promised its answer for today.
    func noticeReferralsDue(today: Day, now: Date) async throws {
        try await sql.raw("""
            INSERT INTO notifications (unit_id, problem_id, kind, day, detail, created_at)
            SELECT p.responsible_unit_id, p.id, 'referral_due', \(bind: today.description), p.referral_reply_by, \(bind: now)
            FROM problems p WHERE p.referral_reply_by = \(bind: today.description) AND p.status IN \(unsafeRaw: Self.workingStatuses)
              AND p.responsible_unit_id IS NOT NULL
            ON CONFLICT DO NOTHING
            """).run()
    }

    func noticeCount(kind: String, day: Day) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await sql.raw("SELECT COUNT(*) AS n FROM notifications WHERE kind = \(bind: kind) AND day = \(bind: day.description)")
            .first(decoding: N.self)?.n ?? 0
    }

    struct EscalationCandidate: Decodable {
        var id: UUID, status: String, escalation_level: Int, rework_count: Int, deadline: String?, paused_since: String?, path: String
    }

    /// Problems being worked whose level may have to rise: reworked `reworksPerLevel` times per
    /// level, or late by deadline (`levels`: the level each deadline's lateness asks for) — no
    /// higher than the responsible unit has units above it. Two reads, each down its own index.
    func escalationCandidates(levels: [Day: Int], reworksPerLevel reworks: Int) async throws -> [EscalationCandidate] {
        var wantedByLateness: any SQLExpression = SQLRaw("0")
        if !levels.isEmpty {
            let branches = levels.sorted { $0.key < $1.key }.map { SQLQueryString("WHEN \(bind: $0.key.description) THEN \(bind: $0.value)") }
            wantedByLateness = SQLQueryString("CASE WHEN p.paused_since IS NULL THEN CASE p.deadline \(SQLList(branches, separator: SQLRaw(" "))) ELSE 0 END ELSE 0 END")
        }
        var queries: [any SQLExpression] = [SQLQueryString("""
            p.rework_count >= \(bind: reworks) AND p.escalation_level < p.rework_count / \(bind: reworks) AND p.escalation_level < su.depth
            """)]
        if let first = levels.keys.min(), let last = levels.keys.max() {
            queries.append(SQLQueryString("""
                p.deadline >= \(bind: first.description) AND p.deadline <= \(bind: last.description)
                AND p.escalation_level < \(wantedByLateness) AND p.escalation_level < su.depth
                """))
        }
        var candidates: [EscalationCandidate] = []
        var seen = Set<UUID>()
        for condition in queries {
            for c in try await sql.raw("""
                SELECT p.id, p.status, p.escalation_level, p.rework_count, p.deadline, p.paused_since, su.path FROM problems p
                JOIN org_units su ON su.id = p.responsible_unit_id
                WHERE p.status IN \(unsafeRaw: Self.workingStatuses) AND \(condition)
                """).all(decoding: EscalationCandidate.self) where seen.insert(c.id).inserted {
                candidates.append(c)
            }
        }
        return candidates
    }

    struct PathUnit: Decodable { var id: UUID; var path: String; var name: String }
    func units(atPaths paths: Set<String>) async throws -> [String: PathUnit] {
        var units: [String: PathUnit] = [:]
        for chunk in Array(paths).chunked(500) {
            for unit in try await sql.raw("SELECT id, path, name FROM org_units WHERE path IN \(SQLBind.group(Array(chunk)))").all(decoding: PathUnit.self) {
                units[unit.path] = unit
            }
        }
        return units
    }

    static let noticeColumns = ["unit_id", "problem_id", "kind", "day", "detail", "created_at"]

    /// Raises these problems to `level`; those it raised (not one another run raised meanwhile:
    /// two scans at once — two instances, or a server and the command line — escalate each once).
    func escalate(_ ids: [UUID], to level: Int, now: Date) async throws -> Set<UUID> {
        struct Raised: Decodable { var id: UUID }
        var raised = Set<UUID>()
        for chunk in ids.chunked(500) {
            raised.formUnion(try await sql.raw("""
                UPDATE problems SET escalation_level = \(bind: level), updated_at = \(bind: now)
                WHERE id IN \(SQLBind.group(Array(chunk))) AND escalation_level < \(bind: level) RETURNING id
                """).all(decoding: Raised.self).map(\.id))
        }
        return raised
    }

    /// What a run's escalations write besides the level: timeline entries, notices, audit rows.
    func insert(events: [[any Encodable & Sendable]], notices: [[any Encodable & Sendable]], audits: [[any Encodable & Sendable]]) async throws {
        try await BulkInsert.rows(into: "problem_events", columns: ProblemService.eventColumns, events, on: db)
        try await BulkInsert.rows(into: "notifications", columns: Self.noticeColumns, notices, on: db)
        try await BulkInsert.rows(into: "audit_events", columns: AuditLog.columns, audits, on: db)
    }
}
