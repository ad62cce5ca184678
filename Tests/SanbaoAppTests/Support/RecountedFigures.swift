import Foundation
import SanbaoDomain
import SQLKit
@testable import SanbaoApp

extension ProblemService {
    /// The figures counted again from the problems and their timelines, the slow way — what the
    /// tallies must always agree with.
    func recountedFigures(under path: String, rules: ProblemRules, today: Day) async throws -> ProblemFigures {
        let sql = store.sql
        var f = ProblemFigures()
        // Merged problems count once, in the problem they joined.
        let subtree = SQLQueryString("su.path LIKE \(bind: path + "%") AND p.status <> 'merged'")
        struct Counts: Decodable { var received: Int; var resolved: Int?; var on_time: Int?; var overdue: Int?; var reworked: Int? }
        if let c = try await sql.raw("""
            SELECT COUNT(*) AS received,
                   SUM(CASE WHEN p.first_resolved_on IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
                   SUM(CASE WHEN p.first_on_time THEN 1 ELSE 0 END) AS on_time,
                   SUM(CASE WHEN \(unsafeRaw: ProblemStore.open) AND p.paused_since IS NULL AND p.deadline < \(bind: today.description) THEN 1 ELSE 0 END) AS overdue,
                   SUM(CASE WHEN p.rework_count > 0 THEN 1 ELSE 0 END) AS reworked
            FROM problems p JOIN org_units su ON su.id = p.responsible_unit_id WHERE \(subtree)
            """).first(decoding: Counts.self) {
            f.received = c.received
            f.resolved = c.resolved ?? 0
            f.resolvedOnTime = c.on_time ?? 0
            f.overdueNow = c.overdue ?? 0
            f.reworked = c.reworked ?? 0
        }
        struct Span: Decodable { var reported_on: String?; var first_resolved_on: String; var n: Int }
        for span in try await sql.raw("""
            SELECT p.reported_on, p.first_resolved_on, COUNT(*) AS n FROM problems p JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE \(subtree) AND p.first_resolved_on IS NOT NULL GROUP BY p.reported_on, p.first_resolved_on
            """).all(decoding: Span.self) {
            guard let from = span.reported_on.flatMap(Day.init), let to = Day(span.first_resolved_on) else { continue }
            f.workingDaysToResolve += rules.calendar.workingDays(from: from, to: to) * span.n
        }
        struct Calls: Decodable { var callbacks: Int; var satisfied: Int? }
        if let c = try await sql.raw("""
            SELECT COUNT(*) AS callbacks,
                   SUM(CASE WHEN ev.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied
            FROM problem_events ev JOIN problems p ON p.id = ev.problem_id JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE ev.step = 'callback' AND \(subtree)
            """).first(decoding: Calls.self) {
            f.callbacks = c.callbacks
            f.satisfiedCallbacks = c.satisfied ?? 0
        }
        return f
    }
}
