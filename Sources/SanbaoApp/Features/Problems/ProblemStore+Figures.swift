import Foundation
import SanbaoDomain
import SQLKit

// MARK: The ledger's figures, from the tallies

extension ProblemStore {
    /// The figures for the problems handed to units under `path` (a unit and its subtree), from
    /// the per-unit tallies (`ProblemTally`): a sum over the subtree's units, and the open
    /// problems per deadline for what is overdue on `today`.
    func figures(under path: String, today: Day) async throws -> ProblemFigures {
        var f = ProblemFigures()
        // Cast: PostgreSQL sums BIGINT columns as NUMERIC.
        struct Sums: Decodable {
            var received: Int?, resolved: Int?, on_time: Int?, reworked: Int?, working_days: Int?, callbacks: Int?, satisfied: Int?
        }
        if let s = try await sql.raw("""
            SELECT CAST(SUM(t.received) AS BIGINT) AS received, CAST(SUM(t.resolved) AS BIGINT) AS resolved, CAST(SUM(t.on_time) AS BIGINT) AS on_time, CAST(SUM(t.reworked) AS BIGINT) AS reworked,
                   CAST(SUM(t.working_days) AS BIGINT) AS working_days, CAST(SUM(t.callbacks) AS BIGINT) AS callbacks, CAST(SUM(t.satisfied) AS BIGINT) AS satisfied
            FROM problem_tallies t JOIN org_units su ON su.id = t.unit_id WHERE su.path LIKE \(bind: path + "%")
            """).first(decoding: Sums.self) {
            f.received = s.received ?? 0
            f.resolved = s.resolved ?? 0
            f.resolvedOnTime = s.on_time ?? 0
            f.reworked = s.reworked ?? 0
            f.workingDaysToResolve = s.working_days ?? 0
            f.callbacks = s.callbacks ?? 0
            f.satisfiedCallbacks = s.satisfied ?? 0
        }
        struct Late: Decodable { var n: Int? }
        f.overdueNow = try await sql.raw("""
            SELECT CAST(SUM(o.n) AS BIGINT) AS n FROM problem_open o JOIN org_units su ON su.id = o.unit_id
            WHERE su.path LIKE \(bind: path + "%") AND o.deadline < \(bind: today.description)
            """).first(decoding: Late.self)?.n ?? 0
        return f
    }

    struct FigureUnit: Decodable { var id: UUID; var code: String; var name: String; var path: String }

    /// The root of the tree (the office's figures when it has no unit of its own).
    func rootUnit() async throws -> FigureUnit? {
        try await sql.raw("SELECT id, code, name, path FROM org_units WHERE parent_id IS NULL ORDER BY path LIMIT 1").first(decoding: FigureUnit.self)
    }

    func activeChildren(of unit: UUID) async throws -> [FigureUnit] {
        try await sql.raw("""
            SELECT id, code, name, path FROM org_units WHERE parent_id = \(bind: unit) AND retired_at IS NULL ORDER BY code
            """).all(decoding: FigureUnit.self)
    }
}
