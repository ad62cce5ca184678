import Foundation
import SanbaoDomain
import Vapor

extension ProblemService {
    /// The figures for the problems handed to units under `path` (a unit and its subtree).
    func figures(under path: String, rules: ProblemRules, today: Day) async throws -> ProblemFigures {
        try await store.figures(under: path, today: today)
    }

    /// One line of a figures table: a unit over its subtree.
    struct UnitFigures: Content {
        var code, name: String
        var figures: ProblemFigures
    }

    /// The figures of the unit at `code` (the principal's own unit when nil), then of each
    /// active unit directly under it that has received problems.
    func figureTable(code: String?, rules: ProblemRules, today: Day) async throws -> [UnitFigures] {
        typealias Unit = ProblemStore.FigureUnit
        let unit: Unit
        if let code, !code.isEmpty {
            let found = try await scope.unit(code: code, on: db)
            unit = Unit(id: try found.requireID(), code: found.code, name: found.name, path: found.path)
        } else if let id = principal.unitID {
            unit = Unit(id: id, code: principal.unitCode, name: principal.unitName, path: principal.unitPath)
        } else {
            guard let root = try await store.rootUnit() else { return [] }
            unit = root
        }
        var table = [UnitFigures(code: unit.code, name: unit.name, figures: try await figures(under: unit.path, rules: rules, today: today))]
        let children = try await store.activeChildren(of: unit.id)
        for child in children {
            let f = try await figures(under: child.path, rules: rules, today: today)
            if f.received > 0 { table.append(UnitFigures(code: child.code, name: child.name, figures: f)) }
        }
        return table
    }
}
