import Foundation
import SanbaoDomain
import SQLKit
import Vapor

extension ProblemService {
    /// The figures for the problems handed to units under `path` (a unit and its subtree), from
    /// the per-unit tallies (`ProblemTally`): a sum over the subtree's units, and the open
    /// problems per deadline for what is overdue on `today`.
    func figures(under path: String, rules: ProblemRules, today: Day) async throws -> ProblemFigures {
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

    /// One line of a figures table: a unit over its subtree.
    struct UnitFigures: Content {
        var code, name: String
        var figures: ProblemFigures
    }

    /// The figures of the unit at `code` (the principal's own unit when nil), then of each
    /// active unit directly under it that has received problems.
    func figureTable(code: String?, rules: ProblemRules, today: Day) async throws -> [UnitFigures] {
        struct Unit: Decodable { var id: UUID; var code: String; var name: String; var path: String }
        let unit: Unit
        if let code, !code.isEmpty {
            let found = try await scope.unit(code: code, on: db)
            unit = Unit(id: try found.requireID(), code: found.code, name: found.name, path: found.path)
        } else if let id = principal.unitID {
            unit = Unit(id: id, code: principal.unitCode, name: principal.unitName, path: principal.unitPath)
        } else {
            guard let root = try await sql.raw("SELECT id, code, name, path FROM org_units WHERE parent_id IS NULL ORDER BY path LIMIT 1")
                .first(decoding: Unit.self) else { return [] }
            unit = root
        }
        var table = [UnitFigures(code: unit.code, name: unit.name, figures: try await figures(under: unit.path, rules: rules, today: today))]
        let children = try await sql.raw("""
            SELECT id, code, name, path FROM org_units WHERE parent_id = \(bind: unit.id) AND retired_at IS NULL ORDER BY code
            """).all(decoding: Unit.self)
        for child in children {
            let f = try await figures(under: child.path, rules: rules, today: today)
            if f.received > 0 { table.append(UnitFigures(code: child.code, name: child.name, figures: f)) }
        }
        return table
    }
}
