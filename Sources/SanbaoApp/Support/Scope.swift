import Fluent
import Foundation
import SanbaoDomain
import SQLKit

/// A model whose rows belong to a unit. Conforming tells `Scope` how to reach the unit's
/// path from a query of the model, so that every scoped read goes through `Scope.query`.
protocol UnitScoped: Model {
    static func restrict(_ query: QueryBuilder<Self>, toPathPrefix prefix: String) -> QueryBuilder<Self>
}

/// The one place where "a user reads and writes only their unit's subtree" is enforced.
/// Handlers and services never query a unit-scoped model directly: they ask the scope.
struct Scope: Sendable {
    /// nil: the whole federation.
    let pathPrefix: String?
    /// The principal's own unit path; admins manage strictly below it, never their own unit's place.
    let ownPath: String

    var isEverything: Bool { pathPrefix == nil }

    func query<M: UnitScoped>(_ type: M.Type, on db: any Database) -> QueryBuilder<M> {
        let query = M.query(on: db)
        guard let pathPrefix else { return query }
        return M.restrict(query, toPathPrefix: pathPrefix)
    }

    /// The same rule for hand-written SQL (hot paths and aggregates): a condition on the
    /// `path` column of the org-unit table aliased `alias`.
    func sqlCondition(unitAlias alias: String) -> any SQLExpression {
        guard let pathPrefix else { return SQLRaw("1 = 1") }
        return SQLBinaryExpression(left: SQLColumn("path", table: alias), op: SQLBinaryOperator.like,
                                   right: SQLBind(pathPrefix + "%"))
    }

    /// The same rule on a column holding a unit's id: `column IN (the subtree's unit ids)`. On
    /// big tables this lets the database go through the column's index unit by unit instead of
    /// joining every row to its unit first.
    func sqlCondition(unitIDColumn column: String) -> any SQLExpression {
        guard let pathPrefix else { return SQLRaw("1 = 1") }
        return SQLQueryString("\(unsafeRaw: column) IN (SELECT scope_o.id FROM org_units scope_o WHERE scope_o.path LIKE \(bind: pathPrefix + "%"))")
    }

    /// The same rule for enterprises (`enterprises alias`): covered by a unit in the subtree (the
    /// office sees all, including those no unit covers).
    func sqlCondition(enterpriseAlias alias: String) -> any SQLExpression {
        guard pathPrefix != nil else { return SQLRaw("1 = 1") }
        return SQLQueryString("EXISTS (SELECT 1 FROM enterprise_units eu JOIN org_units o ON o.id = eu.unit_id WHERE eu.enterprise_id = \(unsafeRaw: alias).id AND \(sqlCondition(unitAlias: "o")))")
    }

    func contains(_ unit: OrgUnit) -> Bool { contains(path: unit.path) }

    /// For rows read with their unit's path (hand-written SQL).
    func contains(path: String) -> Bool {
        guard let pathPrefix else { return true }
        return path.hasPrefix(pathPrefix)
    }

    /// Units the principal may restructure (rename, move, retire, add children under):
    /// strictly inside the subtree for unit admins; anything for the office.
    func mayRestructure(_ unit: OrgUnit) -> Bool {
        guard let pathPrefix else { return true }
        return unit.path.hasPrefix(pathPrefix) && unit.path != ownPath
    }

    /// The unit with this code if the principal may see it; otherwise "not found", so that
    /// the existence of other units' records is not revealed.
    func unit(code: String, on db: any Database) async throws -> OrgUnit {
        guard let unit = try await query(OrgUnit.self, on: db).filter(\.$code == code).first() else {
            throw AppError(.notFound, "error.not_found")
        }
        return unit
    }

    func user(username: String, on db: any Database) async throws -> User {
        guard let user = try await query(User.self, on: db).filter(\.$username == username).with(\.$unit).first() else {
            throw AppError(.notFound, "error.not_found")
        }
        return user
    }
}

extension OrgUnit: UnitScoped {
    static func restrict(_ query: QueryBuilder<OrgUnit>, toPathPrefix prefix: String) -> QueryBuilder<OrgUnit> {
        query.filter(\.$path =~ prefix)
    }
}

extension User: UnitScoped {
    static func restrict(_ query: QueryBuilder<User>, toPathPrefix prefix: String) -> QueryBuilder<User> {
        query.join(OrgUnit.self, on: \User.$unit.$id == \OrgUnit.$id).filter(OrgUnit.self, \.$path =~ prefix)
    }
}

extension Cadre: UnitScoped {
    static func restrict(_ query: QueryBuilder<Cadre>, toPathPrefix prefix: String) -> QueryBuilder<Cadre> {
        query.join(User.self, on: \Cadre.$user.$id == \User.$id)
            .join(OrgUnit.self, on: \User.$unit.$id == \OrgUnit.$id)
            .filter(OrgUnit.self, \.$path =~ prefix)
    }
}

extension AuditEvent: UnitScoped {
    static func restrict(_ query: QueryBuilder<AuditEvent>, toPathPrefix prefix: String) -> QueryBuilder<AuditEvent> {
        query.join(OrgUnit.self, on: \AuditEvent.$unitID == \OrgUnit.$id).filter(OrgUnit.self, \.$path =~ prefix)
    }
}
