import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The ledger's lists: each view a unit looks at, scoped, in deadline order, counted.
extension ProblemService {
    /// What a unit looks at: what it must work on, what it must hand out, what waits for its
    /// callback, what is late.
    enum View: String, Sendable, CaseIterable {
        case all
        case toHandle = "to_handle"
        case toDispatch = "to_dispatch"
        case toCallBack = "to_call_back"
        case overdue
        /// What came up the tree to the principal's own level (or higher) from below.
        case escalated
        /// Covered by a supervision order (督办) not yet closed.
        case supervised
        /// What the principal reported (a cadre's own list).
        case mine
    }

    /// A reminder or escalation the scan sent the principal's unit this past week, about a
    /// problem still open.
    struct Notice: Encodable, Decodable {
        var problem_id: UUID
        var kind, day: String
        var deadline: String?
        var detail, category, enterprise: String
    }

    func notices(today: Day) async throws -> [Notice] {
        guard let unit = principal.unitID else { return [] }
        return try await sql.raw("""
            SELECT n.problem_id, n.kind, n.day, p.deadline, n.detail, p.category, e.name AS enterprise FROM notifications n
            JOIN problems p ON p.id = n.problem_id JOIN enterprises e ON e.id = p.enterprise_id
            WHERE n.unit_id = \(bind: unit) AND n.day >= \(bind: today.adding(-7).description) AND p.status NOT IN ('resolved', 'closed')
            ORDER BY n.day DESC, n.id DESC LIMIT 20
            """).all(decoding: Notice.self)
    }

    /// How far below the root the principal's unit is (the office and the command line: 0).
    var ownDepth: Int { scope.isEverything ? 0 : UnitPath(principal.unitPath).depth }

    /// The status sets, written into the SQL rather than bound: only a literal list matches
    /// the partial indexes' conditions (`CreateProblemTallies`), and so lets the database use
    /// them. Open: still someone's work (not resolved, closed or merged into another); working:
    /// in a responsible unit's hands.
    static let openStatuses = "('reported', 'returned', 'dispatched', 'accepted', 'in_progress')"
    static let workingStatuses = "('dispatched', 'accepted', 'in_progress')"
    static let open = "p.status IN \(openStatuses)"

    /// `countUpTo`: count the matching problems only so far (a page says "10,000+"; counting a
    /// province's backlog exactly on every page view would cost more than the page).
    /// `within`: a unit's path in the principal's scope, to narrow the list to its subtree (a
    /// dashboard's figure drilled into).
    func list(_ page: PageRequest, status: String?, view: View = .all, today: Day = ProblemRules.today(),
              countUpTo: Int? = nil, within: String? = nil) async throws -> Page<Row> {
        // Each view's condition on the units implies `visible`: what the unit must work on, hand
        // out or call back, what is late or escalated at the units responsible (as the figures
        // count them). The status sets match the partial indexes that keep each list in deadline
        // order (`CreateProblemTallies`).
        var conditions: [any SQLExpression] = []
        if let status, !status.isEmpty { conditions.append(SQLQueryString("p.status = \(bind: status)")) }
        switch view {
        case .all:
            conditions.append(visible)
        case .toHandle:
            conditions.append(SQLQueryString("p.status IN \(unsafeRaw: Self.workingStatuses) AND \(scope.sqlCondition(unitIDColumn: "p.responsible_unit_id"))"))
        case .toDispatch:
            conditions.append(SQLQueryString("p.status IN ('reported', 'returned') AND \(scope.sqlCondition(unitIDColumn: "p.unit_id"))"))
        case .toCallBack:
            conditions.append(SQLQueryString("p.status = 'resolved' AND \(scope.sqlCondition(unitIDColumn: "p.unit_id"))"))
        case .overdue:
            conditions.append(SQLQueryString("""
                \(unsafeRaw: Self.open) AND p.paused_since IS NULL
                AND p.deadline < \(bind: today.description) AND \(scope.sqlCondition(unitIDColumn: "p.responsible_unit_id"))
                """))
        case .escalated:
            conditions.append(SQLQueryString("""
                \(unsafeRaw: Self.open) AND p.escalation_level > 0 AND \(scope.sqlCondition(unitIDColumn: "p.responsible_unit_id"))
                AND p.escalation_level >= su.depth - \(bind: ownDepth)
                """))
        case .mine:
            conditions.append(SQLQueryString("p.reporter_user_id = \(bind: principal.userID ?? UUID()) AND \(visible)"))
        case .supervised:
            conditions.append(SQLQueryString("""
                p.id IN (SELECT sp.problem_id FROM supervision_problems sp JOIN supervision_orders so ON so.id = sp.order_id
                         WHERE so.status <> 'closed') AND \(visible)
                """))
        }
        if let within {
            let narrowed = Scope(pathPrefix: within, ownPath: within)
            switch view {
            case .toDispatch, .toCallBack: conditions.append(narrowed.sqlCondition(unitIDColumn: "p.unit_id"))
            case .toHandle, .overdue, .escalated: conditions.append(narrowed.sqlCondition(unitIDColumn: "p.responsible_unit_id"))
            case .all, .supervised, .mine:
                conditions.append(SQLQueryString(
                    "(\(narrowed.sqlCondition(unitIDColumn: "p.unit_id")) OR \(narrowed.sqlCondition(unitIDColumn: "p.responsible_unit_id")))"))
            }
        }
        struct Counted: Decodable { var total: Int }
        let rows = try await sql.raw("""
            \(unsafeRaw: Self.select) WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY p.deadline, p.id LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        let matching = SQLQueryString("""
            SELECT 1 FROM problems p JOIN org_units ru ON ru.id = p.unit_id LEFT JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            """)
        let limit: any SQLExpression = countUpTo.map { SQLQueryString(" LIMIT \(bind: $0 + 1)") } ?? SQLRaw("")
        let total = try await sql.raw("SELECT COUNT(*) AS total FROM (\(matching)\(limit)) m").first(decoding: Counted.self)?.total ?? 0
        return Page(items: rows, page: page.page, per: page.per, total: total)
    }
}
