import Fluent
import Foundation
import SanbaoDomain
import SQLKit

/// The org-unit tree's hand-written SQL: the list scripts poll, the subtree counts of a home
/// page, the choices of a form, and moving a subtree. Single units are read and written as
/// Fluent models through `Scope` (`OrgUnitService`).
struct OrgUnitStore {
    let db: any Database
    let principal: Principal
    var sql: any SQLDatabase { db.sql }
    private var scope: Scope { principal.scope }

    struct Row: Decodable {
        var code: String, name: String, kind: String, parent_code: String?, territory: String, sectors: String
        var lat: Double?, lon: Double?, depth: Int, retired_at: Date?, total: Int
    }

    /// One query (rows, parent codes and the total together): this list is what scripts poll,
    /// and building Fluent models for it cost ten times the query itself.
    func list(_ page: PageRequest, parent: UUID?, search: String, includeRetired: Bool) async throws -> (rows: [Row], total: Int) {
        var conditions: [any SQLExpression] = [scope.sqlCondition(unitAlias: "u")]
        if !includeRetired { conditions.append(SQLRaw("u.retired_at IS NULL")) }
        if let parent {
            conditions.append(SQLBinaryExpression(left: SQLColumn("parent_id", table: "u"), op: SQLBinaryOperator.equal, right: SQLBind(parent)))
        }
        if !search.isEmpty {
            let escaped = search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            conditions.append(SQLGroupExpression(SQLQueryString("u.name LIKE \(bind: "%" + escaped + "%") ESCAPE '\\' OR u.code LIKE \(bind: escaped + "%") ESCAPE '\\'")))
        }
        let rows = try await sql.raw("""
            SELECT u.code, u.name, u.kind, p.code AS parent_code, u.territory, u.sectors, u.lat, u.lon, u.depth,
                   u.retired_at, COUNT(*) OVER () AS total
            FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY u.path LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        var total = rows.first?.total ?? 0
        if rows.isEmpty && page.page > 1 {
            struct Count: Decodable { var n: Int }
            total = try await sql.raw("""
                SELECT COUNT(*) AS n FROM org_units u WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
                """).first(decoding: Count.self)?.n ?? 0
        }
        return (rows, total)
    }

    struct Counts: Sendable {
        var units = 0
        var people = 0
        var cadres = 0
    }

    /// Active units, people and cadres in each given unit's subtree, by unit id. Each query
    /// groups the rows by the ids their paths hold at the depths asked about (a path is
    /// "/" and 37 characters per level), so that the database hands back a few dozen sums: joining
    /// every unit to its subtree with `LIKE path || '%'` took 0.8 s for a province's home page,
    /// and reading the paths back to add them up in Swift 0.25 s.
    func subtreeCounts(of units: [OrgUnit]) async throws -> [UUID: Counts] {
        guard !units.isEmpty else { return [:] }
        let asked = Dictionary(units.compactMap { u in u.id.map { ($0.uuidString, $0) } }, uniquingKeysWith: { a, _ in a })
        var counts: [UUID: Counts] = Dictionary(uniqueKeysWithValues: asked.values.map { ($0, Counts()) })
        let depths = Array(Set(units.map(\.depth))).sorted()
        // The subtrees asked about, without those inside another.
        let tops = units.map(\.path).filter { p in !units.contains { $0.path != p && p.hasPrefix($0.path) } }
        let likes = tops.map { SQLBinaryExpression(left: SQLColumn("path", table: "o"), op: SQLBinaryOperator.like, right: SQLBind($0 + "%")) as any SQLExpression }
        let within = SQLQueryString("(\(SQLList(likes, separator: SQLRaw(" OR "))))")
        let groups = depths.enumerated().map { "SUBSTR(o.path, \(2 + 37 * $0.element), 36) AS g\($0.offset)" }.joined(separator: ", ")
        let groupBy = depths.indices.map { "g\($0)" }.joined(separator: ", ")
        /// `strictlyBelow`: units below a unit count, not the unit itself; people and cadres of the unit count too.
        func add(_ query: SQLQueryString, _ field: WritableKeyPath<Counts, Int>, strictlyBelow: Bool = false) async throws {
            for row in try await sql.raw(query).all() {
                let n = try row.decode(column: "n", as: Int.self), depth = try row.decode(column: "depth", as: Int.self)
                for (i, d) in depths.enumerated() {
                    guard let id = asked[try row.decode(column: "g\(i)", as: String.self)], !strictlyBelow || depth > d else { continue }
                    counts[id]?[keyPath: field] += n
                }
            }
        }
        try await add("""
            SELECT \(unsafeRaw: groups), o.depth, COUNT(*) AS n FROM org_units o WHERE o.retired_at IS NULL AND \(within) GROUP BY \(unsafeRaw: groupBy), o.depth
            """, \.units, strictlyBelow: true)
        try await add("""
            SELECT \(unsafeRaw: groups), 0 AS depth, COUNT(*) AS n FROM users u JOIN org_units o ON o.id = u.unit_id
            WHERE u.retired_at IS NULL AND \(within) GROUP BY \(unsafeRaw: groupBy)
            """, \.people)
        try await add("""
            SELECT \(unsafeRaw: groups), 0 AS depth, COUNT(*) AS n FROM cadres k JOIN users u ON u.id = k.user_id JOIN org_units o ON o.id = u.unit_id
            WHERE u.retired_at IS NULL AND \(within) GROUP BY \(unsafeRaw: groupBy)
            """, \.cadres)
        return counts
    }

    /// The active units in the principal's part of the tree, the upper levels first; `below`:
    /// only those under the principal's own unit.
    func active(below: Bool, limit: Int) async throws -> [(code: String, name: String)] {
        struct U: Decodable { var code: String; var name: String }
        let own: any SQLExpression = below ? SQLQueryString("o.path <> \(bind: principal.unitPath)") : SQLRaw("1 = 1")
        return try await sql.raw("""
            SELECT o.code, o.name FROM org_units o WHERE o.retired_at IS NULL AND \(scope.sqlCondition(unitAlias: "o")) AND \(own)
            ORDER BY o.depth, o.code LIMIT \(bind: limit)
            """).all(decoding: U.self).map { ($0.code, $0.name) }
    }

    /// The paths and depths of a whole subtree rewritten in one statement (a unit moved).
    static func movePaths(from oldPath: String, to newPath: String, depthDelta delta: Int, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE org_units SET path = CAST(\(bind: newPath) AS TEXT) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER)),
            depth = depth + CAST(\(bind: delta) AS INTEGER) WHERE path LIKE \(bind: oldPath + "%")
            """).run()
    }
}
