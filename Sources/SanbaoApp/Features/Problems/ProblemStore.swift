import Foundation
import SanbaoDomain
import Fluent
import SQLKit
import Vapor

/// The problem ledger's SQL, and only it: the rows the ledger reads (each row type owns its
/// columns), the lists each unit looks at, merging's look-alikes, and the few writes a step
/// makes. Every read is limited to what the principal may see.
/// The rules (who may take which step, deadlines, escalation) are in `SanbaoDomain/Problems`;
/// `ProblemService` puts the two together.
struct ProblemStore {
    let db: any Database
    let principal: Principal

    var sql: any SQLDatabase { db.sql }

    var scope: Scope { principal.scope }

    // MARK: Rows

    struct Row: Content {
        var id: UUID
        var category, description, severity, status, enterprise_code, enterprise_name, reporter_unit_code: String
        var reporter_unit_name: String
        var reporter_unit_id: UUID
        var reporter_unit_path: String
        var responsible_unit_code, responsible_unit_name: String?
        var responsible_unit_id: UUID?
        var responsible_unit_path, reported_on, deadline: String?
        var rework_count: Int
        var first_resolved_on: String?
        var first_on_time: Bool?
        var resolved_on, satisfaction: String?
        var revision: Int
        var visit_id: UUID?
        /// How many levels above the responsible unit it has gone (overdue or reworked).
        var escalation_level: Int
        /// nil, requested, approved or refused; the deadline before an approved extension.
        var extension_state: String?
        var extension_days: Int?
        var extension_reason, original_deadline: String?
        /// The day a referral stopped the clock (nil: running), and the working days it has
        /// stood still in all.
        var paused_since: String? = nil
        var paused_days: Int = 0
        var merged_into_id: UUID? = nil
        /// Callbacks made, and how many of them found the person satisfied (or basically).
        var callbacks: Int = 0
        var satisfied_callbacks: Int = 0
    }

    /// One entry of a problem's timeline.
    struct Event: Content {
        var at: Date
        var actor_name, step, from_status, to_status: String
        var unit_code, unit_name: String?
        var note: String
        var department, reply_by, satisfaction: String?
    }

    static let select = """
        SELECT p.id, p.category, p.description, p.severity, p.status, e.credit_code AS enterprise_code, e.name AS enterprise_name,
               ru.code AS reporter_unit_code, ru.name AS reporter_unit_name, ru.id AS reporter_unit_id, ru.path AS reporter_unit_path,
               su.code AS responsible_unit_code, su.name AS responsible_unit_name, su.id AS responsible_unit_id,
               su.path AS responsible_unit_path,
               p.reported_on, p.deadline, p.rework_count, p.first_resolved_on, p.first_on_time, p.resolved_on, p.satisfaction,
               p.revision, p.visit_id, p.escalation_level, p.extension_state, p.extension_days, p.extension_reason, p.original_deadline,
               p.paused_since, p.paused_days, p.merged_into_id, p.callbacks, p.satisfied_callbacks
        FROM problems p JOIN enterprises e ON e.id = p.enterprise_id JOIN org_units ru ON ru.id = p.unit_id
        LEFT JOIN org_units su ON su.id = p.responsible_unit_id
        """

    /// Reported in the principal's subtree, or the responsibility of a unit in it.
    var visible: any SQLExpression {
        if scope.isEverything { return SQLRaw("1 = 1") }
        return SQLQueryString("(\(scope.sqlCondition(unitIDColumn: "p.unit_id")) OR \(scope.sqlCondition(unitIDColumn: "p.responsible_unit_id")))")
    }

    /// The problem, if the principal may see it.
    func row(_ id: UUID) async throws -> Row {
        guard let row = try await sql.raw("\(unsafeRaw: Self.select) WHERE p.id = \(bind: id) AND \(visible)").first(decoding: Row.self) else {
            throw AppError(.notFound, "error.not_found")
        }
        return row
    }

    /// The problem's timeline, oldest first.
    func timeline(_ id: UUID) async throws -> [Event] {
        try await sql.raw("""
            SELECT ev.at, ev.actor_name, ev.step, ev.from_status, ev.to_status, o.code AS unit_code, o.name AS unit_name, ev.note,
                   ev.department, ev.reply_by, ev.satisfaction
            FROM problem_events ev LEFT JOIN org_units o ON o.id = ev.unit_id WHERE ev.problem_id = \(bind: id) ORDER BY ev.at, ev.id
            """).all(decoding: Event.self)
    }

    func wasReferred(_ id: UUID) async throws -> Bool {
        struct N: Decodable { var n: Int }
        return try await sql.raw("SELECT COUNT(*) AS n FROM problem_events WHERE problem_id = \(bind: id) AND step = 'refer'")
            .first(decoding: N.self).map { $0.n > 0 } ?? false
    }

    /// The workers the problems name (a merge joins problems about one worker at most).
    func namedWorkers(of ids: [UUID]) async throws -> Set<UUID> {
        struct Named: Decodable { var worker_id: UUID? }
        return Set(try await sql.raw("SELECT worker_id FROM problems WHERE id IN \(SQLBind.group(ids))")
            .all(decoding: Named.self).compactMap(\.worker_id))
    }

    /// A step's change, made only if the problem is still at `revision` (409 otherwise).
    func update(_ id: UUID, revision: Int, set: [(String, any Encodable & Sendable)]) async throws {
        try await RevisionedUpdate.apply(sql, table: "problems", id: id, revision: revision, set: set)
    }

    /// A problem changed by a step on another (one merged into it): its revision moves.
    func touch(_ id: UUID, at now: Date) async throws {
        try await sql.raw("UPDATE problems SET revision = revision + 1, updated_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    func addEvents(_ events: [[any Encodable & Sendable]]) async throws {
        try await BulkInsert.rows(into: "problem_events", columns: ProblemService.eventColumns, events, on: db)
    }
}

// MARK: The lists

extension ProblemStore {
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

// MARK: Merging (并单): which problems look like repeats of one another

extension ProblemStore {
    /// Proposed merges (并单) for a problem: others about the same enterprise and category,
    /// reported within the office's window of it, not closed or merged away.
    func mergeCandidates(for row: Row, windowDays: Int) async throws -> [Row] {
        guard let reported = row.reported_on.flatMap(Day.init), ProblemStatus(rawValue: row.status)?.isOpen == true else { return [] }
        return try await sql.raw("""
            \(unsafeRaw: Self.select)
            JOIN problems q ON q.id = \(bind: row.id)
            WHERE p.enterprise_id = q.enterprise_id AND p.category = \(bind: row.category)
              AND p.id <> \(bind: row.id) AND p.status NOT IN ('closed', 'merged')
              AND \(unsafeRaw: Self.sameWorker)
              AND p.reported_on BETWEEN \(bind: reported.adding(-windowDays).description) AND \(bind: reported.adding(windowDays).description)
              AND \(visible)
            ORDER BY p.reported_on, p.id LIMIT 20
            """).all(decoding: Row.self)
    }

    /// Problems about two different named workers are two matters, whatever else they share.
    static let sameWorker = "(p.worker_id IS NULL OR q.worker_id IS NULL OR p.worker_id = q.worker_id)"

    /// The problems merged into this one: their reporters and visits (evidence) count here.
    func mergedIn(_ id: UUID) async throws -> [Row] {
        try await sql.raw("\(unsafeRaw: Self.select) WHERE p.merged_into_id = \(bind: id) ORDER BY p.reported_on, p.id LIMIT 100")
            .all(decoding: Row.self)
    }

    struct MergeProposal: Codable {
        var enterprise, category: String
        var problems: Int
        /// The latest report: its page proposes merging it into the others.
        var latest: UUID
    }

    /// Reports of the past week that repeat an open problem of the same enterprise and category
    /// reported within the office's window: one line per enterprise and category. (Two
    /// problems about two named workers — two families' hardship — are two matters, never
    /// proposed.) Older repeats are proposed on the problem's own page.
    func mergeProposals(windowDays: Int, today: Day = ProblemRules.today(), limit: Int = 20) async throws -> [MergeProposal] {
        struct Report: Decodable {
            var id: UUID; var enterprise: String; var category: String; var reported_on: String?; var earlier: String?; var others: Int
        }
        let others = "FROM problems q WHERE q.enterprise_id = p.enterprise_id AND q.category = p.category AND q.id <> p.id " +
            "AND q.status NOT IN ('closed', 'merged') AND \(Self.sameWorker)"
        let recent = try await sql.raw("""
            SELECT p.id, e.name AS enterprise, p.category, p.reported_on,
                   (SELECT MAX(q.reported_on) \(unsafeRaw: others) AND q.reported_on <= p.reported_on) AS earlier,
                   (SELECT COUNT(*) \(unsafeRaw: others)) AS others
            FROM problems p JOIN enterprises e ON e.id = p.enterprise_id
            WHERE p.reported_on >= \(bind: today.adding(-7).description) AND p.status NOT IN ('closed', 'merged') AND \(visible)
              AND EXISTS (SELECT 1 \(unsafeRaw: others))
            ORDER BY p.reported_on DESC, p.id LIMIT 500
            """).all(decoding: Report.self)
        var seen = Set<String>()
        var proposals: [MergeProposal] = []
        for r in recent where proposals.count < limit {
            // Close enough: the earlier report within the window (a later one is proposed from its own page).
            guard let day = r.reported_on.flatMap(Day.init), let earlier = r.earlier.flatMap(Day.init),
                  day.ordinal - earlier.ordinal <= windowDays, seen.insert(r.enterprise + r.category).inserted else { continue }
            proposals.append(MergeProposal(enterprise: r.enterprise, category: r.category, problems: r.others + 1, latest: r.id))
        }
        return proposals
    }
}

// MARK: Hot spots: this week's rising cells of category and place

extension ProblemStore {
    enum HotspotPlace: String, Sendable, CaseIterable {
        /// The county or district (the first six digits of the enterprise's division code).
        case district
        /// The industry (section and two digits of the enterprise's industry code).
        case industry
    }

    struct HotspotRow: Codable {
        var category, place: String
        /// The unit that answers for the place: the district's union, or the industry union
        /// that covers the industry (nil when none does).
        var unitCode: String?
        var current, previous, change: Int
    }

    /// This week's rising cells among the problems the principal sees, by area or industry.
    func hotspots(by place: HotspotPlace, week: Day, top: Int = 10) async throws -> [HotspotRow] {
        let previousWeek = week.adding(-7)
        let key = place == .district ? "SUBSTR(e.division_code, 1, 6)" : "SUBSTR(e.industry_code, 1, 3)"
        struct Count: Decodable { var category: String; var place: String; var current: Int; var previous: Int }
        let counts = try await sql.raw("""
            SELECT p.category, \(unsafeRaw: key) AS place,
                   SUM(CASE WHEN p.reported_on >= \(bind: week.description) THEN 1 ELSE 0 END) AS current,
                   SUM(CASE WHEN p.reported_on < \(bind: week.description) THEN 1 ELSE 0 END) AS previous
            FROM problems p JOIN enterprises e ON e.id = p.enterprise_id JOIN org_units ru ON ru.id = p.unit_id
            LEFT JOIN org_units su ON su.id = p.responsible_unit_id
            WHERE p.reported_on >= \(bind: previousWeek.description) AND p.reported_on <= \(bind: week.adding(6).description)
              AND p.status <> 'merged' AND \(visible)
            GROUP BY p.category, \(unsafeRaw: key)
            """).all(decoding: Count.self)
        var current: [HotspotCell: Int] = [:]
        var previous: [HotspotCell: Int] = [:]
        for c in counts {
            let cell = HotspotCell(category: c.category, place: c.place)
            current[cell] = c.current
            previous[cell] = c.previous
        }
        let rising = Hotspots.rising(current: current, previous: previous, top: top)
        let names = try await placeNames(place, Set(rising.map(\.cell.place)))
        return rising.map {
            HotspotRow(category: $0.cell.category, place: names[$0.cell.place]?.name ?? $0.cell.place, unitCode: names[$0.cell.place]?.code,
                       current: $0.current, previous: $0.previous, change: $0.change)
        }
    }

    /// Each place's name and the unit that answers for it.
    private func placeNames(_ place: HotspotPlace, _ keys: Set<String>) async throws -> [String: (name: String, code: String)] {
        guard !keys.isEmpty else { return [:] }
        struct Unit: Decodable { var code: String; var name: String; var territory: String; var sectors: String }
        switch place {
        case .district:
            let units = try await sql.raw("""
                SELECT code, name, territory, sectors FROM org_units WHERE territory IN \(SQLBind.group(Array(keys))) AND sectors = ''
                  AND retired_at IS NULL ORDER BY depth
                """).all(decoding: Unit.self)
            var names: [String: (String, String)] = [:]
            for u in units where names[u.territory] == nil { names[u.territory] = (u.name, u.code) }
            return names
        case .industry:
            let unions = try await sql.raw("""
                SELECT code, name, territory, sectors FROM org_units WHERE sectors <> '' AND retired_at IS NULL ORDER BY depth, code
                """).all(decoding: Unit.self)
            var names: [String: (String, String)] = [:]
            for key in keys {
                guard let industry = IndustryCode(parsing: key) else { continue }
                if let union = unions.first(where: { u in u.sectors.split(separator: ";").compactMap { IndustryCode(parsing: String($0)) }
                    .contains { $0.covers(industry) } }) {
                    names[key] = ("\(union.name)（\(key)）", union.code)
                }
            }
            return names
        }
    }
}

extension ProblemStore {
    /// The problems an order covers that the principal may see.
    func rows(coveredBy order: UUID) async throws -> [Row] {
        try await sql.raw("""
            \(unsafeRaw: Self.select) JOIN supervision_problems sp ON sp.problem_id = p.id
            WHERE sp.order_id = \(bind: order) AND \(visible) ORDER BY p.deadline, p.id LIMIT 500
            """).all(decoding: Row.self)
    }
}

// MARK: Evidence, and the worker a reported problem names

extension ProblemStore {
    func hasEvidence(_ sha: String, on problem: UUID) async throws -> Bool {
        struct Found: Decodable { var sha256: String }
        return try await sql.raw("SELECT sha256 FROM problem_evidence WHERE problem_id = \(bind: problem) AND sha256 = \(bind: sha)")
            .first(decoding: Found.self) != nil
    }

    static let evidenceColumns = ["id", "problem_id", "sha256", "content_type", "bytes", "exif_lat", "exif_lon", "exif_taken_at", "status",
                                  "uploaded_by", "uploader_name", "created_at"]

    /// A photo added to a problem, with its timeline entry.
    func addEvidence(_ e: ProblemService.EvidenceDTO, to problem: UUID, event: [any Encodable & Sendable]) async throws {
        try await BulkInsert.rows(into: "problem_evidence", columns: Self.evidenceColumns,
                                  [[UUID(), problem, e.sha256, e.content_type, e.bytes, e.exif_lat, e.exif_lon, e.exif_taken_at, e.status,
                                    principal.userID, e.uploader_name, e.created_at]], on: db)
        try await BulkInsert.rows(into: "problem_events", columns: ProblemService.eventColumns, [event], on: db)
    }

    func evidence(of problem: UUID) async throws -> [ProblemService.EvidenceDTO] {
        try await sql.raw("""
            SELECT sha256, content_type, bytes, exif_lat, exif_lon, exif_taken_at, status, uploader_name, created_at
            FROM problem_evidence WHERE problem_id = \(bind: problem) ORDER BY created_at
            """).all(decoding: ProblemService.EvidenceDTO.self)
    }

    /// The enterprise's worker with this id, or with this ID number's keyed digest.
    func worker(at enterprise: UUID, id: UUID?, idDigest: String?) async throws -> UUID? {
        struct Found: Decodable { var id: UUID }
        let condition: any SQLExpression = id.map { SQLQueryString("id = \(bind: $0)") } ?? SQLQueryString("id_digest = \(bind: idDigest ?? "")")
        return try await sql.raw("SELECT id FROM workers WHERE enterprise_id = \(bind: enterprise) AND \(condition)")
            .first(decoding: Found.self)?.id
    }
}
