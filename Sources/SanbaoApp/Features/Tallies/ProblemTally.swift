import Foundation
import SanbaoDomain
import SQLKit

/// Keeps `problem_tallies` and `problem_open` true: rebuilt for the units a write touched, in
/// the write's transaction (a unit's problems are read by the responsible-unit index, so the
/// cost is the unit's own problems, not the ledger's), or for every unit at once.
enum ProblemTally {
    /// `units` nil: every unit (after a bulk load or a calendar correction).
    static func rebuild(_ sql: any SQLDatabase, units: [UUID]?) async throws {
        if let units, units.isEmpty { return }
        if let units, sql.dialect.name != "sqlite" {
            // Two steps on two problems of one unit at once (PostgreSQL runs them side by side;
            // SQLite's writes take turns anyway): the second waits here for the first to commit,
            // then counts with its changes. In one order, so two steps touching the same two
            // units never wait on each other; NO KEY, so it does not wait on the key-share locks
            // that writing a problem's unit id takes.
            try await sql.raw("SELECT id FROM org_units WHERE id IN \(SQLBind.group(units)) ORDER BY id FOR NO KEY UPDATE").run()
        }
        func scope(_ column: String) -> any SQLExpression {
            guard let units else { return SQLRaw("\(column) IS NOT NULL") }
            return SQLQueryString("\(unsafeRaw: column) IN \(SQLBind.group(units))")
        }
        try await sql.raw("DELETE FROM problem_tallies WHERE \(scope("unit_id"))").run()
        // Merged problems count once, in the problem they joined.
        try await sql.raw("""
            INSERT INTO problem_tallies (unit_id, received, resolved, on_time, reworked, working_days, callbacks, satisfied)
            SELECT responsible_unit_id, COUNT(*),
                   SUM(CASE WHEN first_resolved_on IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN first_on_time THEN 1 ELSE 0 END),
                   SUM(CASE WHEN rework_count > 0 THEN 1 ELSE 0 END),
                   COALESCE(SUM(working_days_to_resolve), 0), SUM(callbacks), SUM(satisfied_callbacks)
            FROM problems WHERE \(scope("responsible_unit_id")) AND status <> 'merged'
            GROUP BY responsible_unit_id
            """).run()
        try await sql.raw("DELETE FROM problem_open WHERE \(scope("unit_id"))").run()
        try await sql.raw("""
            INSERT INTO problem_open (unit_id, deadline, n)
            SELECT responsible_unit_id, deadline, COUNT(*) FROM problems
            WHERE \(scope("responsible_unit_id")) AND status IN \(unsafeRaw: ProblemStore.openStatuses)
              AND paused_since IS NULL AND deadline IS NOT NULL
            GROUP BY responsible_unit_id, deadline
            """).run()
    }
}
