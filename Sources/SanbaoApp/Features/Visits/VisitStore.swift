import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// All of the visits' SQL. The rows a submission writes are declared in `VisitTableRows` and
/// written by `VisitWriter`; this reads the visits, their content and what a form needs, and
/// makes the few changes a review does. It decides nothing: `VisitService` does.
struct VisitStore {
    let db: any Database
    let principal: Principal
    var sql: any SQLDatabase { db.sql }

    private var me: UUID { principal.userID ?? UUID() }
    private var scope: Scope { principal.scope }

    // MARK: What a form is for

    struct FormEnterprise: Decodable, Sendable {
        var credit_code, name, address: String
    }

    /// The enterprise of one of the principal's own visit tasks.
    func enterprise(ofTask task: UUID) async throws -> FormEnterprise? {
        try await sql.raw("""
            SELECT e.credit_code, e.name, e.address FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id
            JOIN enterprises e ON e.id = t.enterprise_id WHERE t.id = \(bind: task) AND c.user_id = \(bind: me)
            """).first(decoding: FormEnterprise.self)
    }

    /// An enterprise the principal may see, by its credit code.
    func enterprise(code: String) async throws -> FormEnterprise? {
        try await sql.raw("""
            SELECT e.credit_code, e.name, e.address FROM enterprises e
            WHERE e.credit_code = \(bind: code) AND \(scope.sqlCondition(enterpriseAlias: "e"))
            """).first(decoding: FormEnterprise.self)
    }

    /// The enterprise's registry workers, to pick the one a worker questionnaire is about.
    func registryWorkers(ofEnterprise code: String) async throws -> [QuestionnaireForm.RegistryWorker] {
        try await sql.raw("""
            SELECT w.id, w.name, w.job, w.id_masked FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE e.credit_code = \(bind: code) ORDER BY w.name LIMIT 500
            """).all(decoding: QuestionnaireForm.RegistryWorker.self)
    }

    /// The enterprise a submission is for and the task it fulfils.
    struct Target: Decodable {
        var id: UUID
        var credit_code, name: String
        /// The task's stage (nil ad hoc).
        var stage_id: UUID?
        var industry_code, size_class: String
    }

    /// Through one of the cadre's own tasks.
    func target(task: UUID, cadre: UUID) async throws -> Target? {
        try await sql.raw("""
            SELECT e.id, e.credit_code, e.name, t.stage_id, e.industry_code, e.size_class FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id
            JOIN enterprises e ON e.id = t.enterprise_id
            WHERE t.id = \(bind: task) AND c.user_id = \(bind: cadre)
            """).first(decoding: Target.self)
    }

    /// Ad hoc: an enterprise the principal may see.
    func target(code: String) async throws -> Target? {
        try await sql.raw("""
            SELECT e.id, e.credit_code, e.name, e.industry_code, e.size_class FROM enterprises e
            WHERE e.credit_code = \(bind: code) AND \(scope.sqlCondition(enterpriseAlias: "e"))
            """).first(decoding: Target.self)
    }

    /// Registry workers with these ID-number digests, and whether the principal may see their enterprise.
    struct KnownWorker: Decodable { var id: UUID; var enterprise_id: UUID; var id_digest: String; var visible: Int }
    func workers(withDigests digests: [String]) async throws -> [KnownWorker] {
        try await sql.raw("""
            SELECT w.id, w.enterprise_id, w.id_digest, CASE WHEN \(scope.sqlCondition(enterpriseAlias: "e")) THEN 1 ELSE 0 END AS visible
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id WHERE w.id_digest IN \(SQLBind.group(digests))
            """).all(decoding: KnownWorker.self)
    }

    func workerNames(_ ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        struct Named: Decodable { var id: UUID; var name: String }
        return Dictionary(try await sql.raw("SELECT id, name FROM workers WHERE id IN \(SQLBind.group(ids))")
            .all(decoding: Named.self).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Visits

    /// How many visits in `status` the principal may see (or made, `ownOnly`), counted only as far
    /// as `upTo`: a home page's figure, which must not count a province's visits on every view.
    func count(status: Visit.Status, ownOnly: Bool, upTo limit: Int) async throws -> Int {
        struct N: Decodable { var n: Int }
        let own = SQLQueryString("v.cadre_user_id = \(bind: me)")
        let whose: any SQLExpression = ownOnly ? own : SQLQueryString("(\(own) OR \(scope.sqlCondition(unitAlias: "o")))")
        return try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM visits v JOIN org_units o ON o.id = v.unit_id
            WHERE v.status = \(bind: status.rawValue) AND \(whose) LIMIT \(bind: limit)) AS waiting
            """).first(decoding: N.self)?.n ?? 0
    }

    /// The visits the principal may see (their own, and their subtree's), newest first.
    func list(_ page: PageRequest, status: String?) async throws -> Page<VisitRow> {
        var conditions: [any SQLExpression] = [SQLQueryString("(v.cadre_user_id = \(bind: me) OR \(scope.sqlCondition(unitAlias: "o")))")]
        if let status, !status.isEmpty { conditions.append(SQLQueryString("v.status = \(bind: status)")) }
        let rows = try await sql.raw("""
            SELECT v.id, v.status, v.revision, e.credit_code AS enterprise_code, e.name AS enterprise_name, u.display_name AS cadre,
                   o.code AS unit_code, v.finished_at,
                   (SELECT COUNT(*) FROM problems p WHERE p.visit_id = v.id) AS problems, COUNT(*) OVER () AS total
            FROM visits v JOIN enterprises e ON e.id = v.enterprise_id JOIN users u ON u.id = v.cadre_user_id
            JOIN org_units o ON o.id = v.unit_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY v.finished_at DESC, v.id LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: VisitRow.self)
        return Page(items: rows.map { var r = $0; r.total = nil; return r }, page: page.page, per: page.per, total: rows.first?.total ?? 0)
    }

    /// The visit a cadre made under an Idempotency-Key.
    struct Keyed: Decodable { var id: UUID; var request_digest: String; var status: String; var revision: Int }
    func visit(cadre: UUID, key: String) async throws -> Keyed? {
        try await sql.raw("""
            SELECT id, request_digest, status, revision FROM visits WHERE cadre_user_id = \(bind: cadre) AND client_id = \(bind: key)
            """).first(decoding: Keyed.self)
    }

    // MARK: A visit's content

    struct Response: Decodable { var questionnaire_key: String; var version: Int; var worker_id: UUID?; var answers: String }
    func responses(of visit: UUID) async throws -> [Response] {
        try await sql.raw("""
            SELECT questionnaire_key, version, worker_id, answers FROM responses WHERE visit_id = \(bind: visit) ORDER BY position
            """).all(decoding: Response.self)
    }

    /// The workers the worker questionnaires are about, in their order (nil: not in the registry).
    func responseWorkers(of visit: UUID) async throws -> [UUID?] {
        struct Worker: Decodable { var worker_id: UUID? }
        return try await sql.raw("SELECT worker_id FROM responses WHERE visit_id = \(bind: visit) AND position > 0 ORDER BY position")
            .all(decoding: Worker.self).map(\.worker_id)
    }

    func problems(of visit: UUID) async throws -> [VisitDTO.ProblemDTO] {
        try await sql.raw("""
            SELECT id, category, description, severity, status, worker_id FROM problems WHERE visit_id = \(bind: visit) ORDER BY created_at, id
            """).all(decoding: VisitDTO.ProblemDTO.self)
    }

    func problemIDs(of visit: UUID) async throws -> [UUID] {
        struct Problem: Decodable { var id: UUID }
        return try await sql.raw("SELECT id FROM problems WHERE visit_id = \(bind: visit) ORDER BY id").all(decoding: Problem.self).map(\.id)
    }

    /// What a corrected submission replaces: its responses and answers, and the problems the
    /// ledger has not taken up yet (those taken up stay).
    func clearContent(of visit: UUID) async throws {
        try await sql.raw("DELETE FROM answers WHERE visit_id = \(bind: visit)").run()
        try await sql.raw("DELETE FROM responses WHERE visit_id = \(bind: visit)").run()
        try await sql.raw("DELETE FROM problems WHERE visit_id = \(bind: visit) AND status = 'reported'").run()
    }

    /// Raises the revision where the visit is still at `revision` in `status`; the revision it is
    /// at otherwise (nil: the claim held).
    static func claim(_ visit: UUID, revision: Int, status: Visit.Status, on db: any Database) async throws -> Int? {
        let sql = db.sql
        struct Revision: Decodable { var revision: Int }
        let claimed = try await sql.update("visits").set(SQLIdentifier("revision"), to: SQLRaw("revision + 1"))
            .where("id", .equal, visit).where("revision", .equal, revision).where("status", .equal, status.rawValue)
            .returning("revision").first(decoding: Revision.self)
        guard claimed == nil else { return nil }
        return try await sql.select().column("revision").from("visits").where("id", .equal, visit).first(decoding: Revision.self)?.revision ?? revision
    }

    // MARK: Photos

    func photos(of visit: UUID) async throws -> [VisitService.PhotoDTO] {
        try await sql.raw("""
            SELECT sha256, content_type, bytes, exif_lat, exif_lon, exif_taken_at FROM photos WHERE visit_id = \(bind: visit) ORDER BY created_at
            """).all(decoding: VisitService.PhotoDTO.self)
    }

    func hasPhoto(_ sha: String, on visit: UUID) async throws -> Bool {
        struct Found: Decodable { var sha256: String }
        return try await sql.raw("SELECT sha256 FROM photos WHERE visit_id = \(bind: visit) AND sha256 = \(bind: sha)")
            .first(decoding: Found.self) != nil
    }

    static let photoColumns = ["id", "visit_id", "sha256", "content_type", "bytes", "exif_lat", "exif_lon", "exif_taken_at", "uploaded_by", "created_at"]
    func addPhoto(_ p: VisitService.PhotoDTO, to visit: UUID, now: Date) async throws {
        try await BulkInsert.rows(into: "photos", columns: Self.photoColumns,
                                  [[UUID(), visit, p.sha256, p.content_type, p.bytes, p.exif_lat, p.exif_lon, p.exif_taken_at,
                                    principal.userID, now]], on: db)
    }

    /// Where a stored photo is used: on visits, and as evidence on problems (the caller checks
    /// which of them the principal may see).
    struct PhotoUse: Decodable { var owner: UUID; var content_type: String }
    func uses(ofPhoto sha: String) async throws -> (visits: [PhotoUse], problems: [PhotoUse]) {
        (try await sql.raw("SELECT visit_id AS owner, content_type FROM photos WHERE sha256 = \(bind: sha)").all(decoding: PhotoUse.self),
         try await sql.raw("SELECT problem_id AS owner, content_type FROM problem_evidence WHERE sha256 = \(bind: sha)").all(decoding: PhotoUse.self))
    }
}
