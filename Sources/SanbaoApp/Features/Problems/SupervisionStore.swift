import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// All of supervision's SQL. An order is visible to the principal when it was issued in their
/// subtree or is addressed to a unit in it; `SupervisionService` decides who may take which step.
struct SupervisionStore {
    let db: any Database
    /// The orders of the whole federation when nil (the scheduled scan).
    var principal: Principal? = nil

    var sql: any SQLDatabase { db.sql }
    private var scope: Scope { principal?.scope ?? Principal.system("supervision").scope }

    static let select = """
        SELECT so.id, so.kind, so.title, so.instruction, iu.name AS issuer_unit_name, iu.path AS issuer_unit_path,
               tu.code AS target_unit_code, tu.name AS target_unit_name, tu.path AS target_unit_path, so.category,
               au.name AS area_unit_name, so.issued_on, so.deadline, so.status, so.report, so.reported_on, so.closed_on, so.revision,
               (SELECT COUNT(*) FROM supervision_problems sp WHERE sp.order_id = so.id) AS problems
        FROM supervision_orders so JOIN org_units iu ON iu.id = so.issuer_unit_id JOIN org_units tu ON tu.id = so.target_unit_id
        LEFT JOIN org_units au ON au.id = so.area_unit_id
        """

    /// Issued in the principal's subtree, or addressed to a unit in it.
    private var visible: any SQLExpression {
        if scope.isEverything { return SQLRaw("1 = 1") }
        return SQLQueryString("(\(scope.sqlCondition(unitAlias: "iu")) OR \(scope.sqlCondition(unitAlias: "tu")))")
    }

    func list(_ page: PageRequest, view: SupervisionService.View) async throws -> Page<SupervisionService.Order> {
        var conditions: [any SQLExpression] = [visible]
        switch view {
        case .toReport: conditions.append(SQLQueryString("so.status = 'open' AND \(scope.sqlCondition(unitAlias: "tu"))"))
        case .issued: conditions.append(scope.sqlCondition(unitAlias: "iu"))
        case .all: break
        }
        let condition = SQLList(conditions, separator: SQLRaw(" AND "))
        let rows = try await sql.raw("""
            \(unsafeRaw: Self.select) WHERE \(condition)
            ORDER BY CASE so.status WHEN 'closed' THEN 1 ELSE 0 END, so.deadline, so.id LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: SupervisionService.Order.self)
        struct Counted: Decodable { var total: Int }
        let total = try await sql.raw("""
            SELECT COUNT(*) AS total FROM supervision_orders so JOIN org_units iu ON iu.id = so.issuer_unit_id
            JOIN org_units tu ON tu.id = so.target_unit_id WHERE \(condition)
            """).first(decoding: Counted.self)?.total ?? 0
        return Page(items: rows, page: page.page, per: page.per, total: total)
    }

    func order(_ id: UUID) async throws -> SupervisionService.Order? {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE so.id = \(bind: id) AND \(visible)").first(decoding: SupervisionService.Order.self)
    }

    func timeline(of order: UUID) async throws -> [SupervisionService.EventDTO] {
        try await sql.raw("""
            SELECT at, actor_name, step, note FROM supervision_events WHERE order_id = \(bind: order) ORDER BY at, id
            """).all(decoding: SupervisionService.EventDTO.self)
    }

    /// The visible orders covering a problem, in one read.
    func orders(covering problem: UUID) async throws -> [SupervisionService.Order] {
        try await sql.raw("""
            \(unsafeRaw: Self.select) WHERE so.id IN (SELECT order_id FROM supervision_problems WHERE problem_id = \(bind: problem))
              AND \(visible) ORDER BY so.issued_on, so.id
            """).all(decoding: SupervisionService.Order.self)
    }

    /// Open problems of `category` reported in, or the responsibility of, the subtree at `path`.
    func openProblems(of category: ProblemCategory, in path: String) async throws -> [UUID] {
        struct Id: Decodable { var id: UUID }
        return try await sql.raw("""
            SELECT p.id FROM problems p JOIN org_units ru ON ru.id = p.unit_id LEFT JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE p.category = \(bind: category.rawValue) AND \(unsafeRaw: ProblemStore.open)
              AND (ru.path LIKE \(bind: path + "%") OR su.path LIKE \(bind: path + "%"))
            LIMIT 10000
            """).all(decoding: Id.self).map(\.id)
    }

    /// The root unit, which issues the command line's orders.
    func rootUnit() async throws -> UUID? {
        struct Root: Decodable { var id: UUID }
        return try await sql.raw("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY path LIMIT 1").first(decoding: Root.self)?.id
    }

    static let orderColumns = ["id", "kind", "title", "instruction", "issuer_unit_id", "issuer_user_id", "target_unit_id", "category",
                               "area_unit_id", "issued_on", "deadline", "status", "revision", "created_at"]

    /// A new order and the problems it covers, each problem marked on its own timeline (`marks`).
    func insert(order: [any Encodable & Sendable], covering problems: [UUID], marks: [[any Encodable & Sendable]]) async throws {
        let id = order[0]
        try await BulkInsert.rows(into: "supervision_orders", columns: Self.orderColumns, [order], on: db)
        for chunk in problems.chunked(500) {
            try await BulkInsert.rows(into: "supervision_problems", columns: ["order_id", "problem_id"], chunk.map { [id, $0] }, on: db)
        }
        for chunk in marks.chunked(200) {
            try await BulkInsert.rows(into: "problem_events", columns: ProblemService.eventColumns, Array(chunk), on: db)
        }
    }

    /// A step's change, made only if the order is still at `revision` (409 otherwise).
    func update(_ id: UUID, revision: Int, set: [(String, any Encodable & Sendable)]) async throws {
        try await RevisionedUpdate.apply(sql, table: "supervision_orders", id: id, revision: revision, set: set)
    }

    func addEvent(order: UUID, step: String, note: String, now: Date) async throws {
        try await sql.insert(into: "supervision_events")
            .columns("id", "order_id", "at", "actor_name", "actor_unit_id", "step", "note")
            .values(SQLBind(UUID()), SQLBind(order), SQLBind(now), SQLBind(principal?.displayName ?? "system"), SQLBind(principal?.unitID),
                    SQLBind(step), SQLBind(note))
            .run()
    }

    /// Special inspections take in problems of their category and area reported since they
    /// were issued (run by the scheduled scan); how many were added.
    func coverNewProblems() async throws -> Int {
        struct N: Decodable { var n: Int }
        let count = { try await sql.raw("SELECT COUNT(*) AS n FROM supervision_problems").first(decoding: N.self)?.n ?? 0 }
        let before = try await count()
        try await sql.raw("""
            INSERT INTO supervision_problems (order_id, problem_id)
            SELECT so.id, p.id FROM supervision_orders so JOIN org_units au ON au.id = so.area_unit_id
            JOIN problems p ON p.category = so.category AND p.reported_on >= so.issued_on AND \(unsafeRaw: ProblemStore.open)
            JOIN org_units ru ON ru.id = p.unit_id LEFT JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE so.kind = 'special' AND so.status <> 'closed'
              AND (ru.path LIKE au.path || '%' OR su.path LIKE au.path || '%')
            ON CONFLICT DO NOTHING
            """).run()
        return try await count() - before
    }
}
