import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// What the visit pages read besides the visit itself: the enterprise a form is for, its
/// registry workers to pick from, the names of the workers a visit's questionnaires are about,
/// and how many visits wait in a status (the home page).
extension VisitService {
    struct FormEnterprise: Decodable, Sendable {
        var credit_code, name, address: String
    }

    /// The enterprise of one of the principal's own visit tasks.
    func enterprise(ofTask task: UUID) async throws -> FormEnterprise {
        guard let e = try await sql.raw("""
            SELECT e.credit_code, e.name, e.address FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id
            JOIN enterprises e ON e.id = t.enterprise_id WHERE t.id = \(bind: task) AND c.user_id = \(bind: principal.userID ?? UUID())
            """).first(decoding: FormEnterprise.self) else { throw AppError(.notFound, "error.not_found") }
        return e
    }

    /// An enterprise the principal may see, by its credit code (an ad hoc visit).
    func enterprise(code: String) async throws -> FormEnterprise {
        let visible = EnterpriseService(app: app, db: db, principal: principal).visible
        guard let e = try await sql.raw("""
            SELECT e.credit_code, e.name, e.address FROM enterprises e WHERE e.credit_code = \(bind: code) AND \(visible)
            """).first(decoding: FormEnterprise.self) else { throw AppError(.notFound, "error.not_found") }
        return e
    }

    /// The enterprise's registry workers, to pick the one a worker questionnaire is about.
    func registryWorkers(ofEnterprise code: String) async throws -> [QuestionnaireForm.RegistryWorker] {
        try await sql.raw("""
            SELECT w.id, w.name, w.job, w.id_masked FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE e.credit_code = \(bind: code) ORDER BY w.name LIMIT 500
            """).all(decoding: QuestionnaireForm.RegistryWorker.self)
    }

    /// How many visits in `status` the principal may see (or made, `ownOnly`), counted only as far
    /// as `upTo`: a home page's figure, which must not count a province's visits on every view.
    func count(status: Visit.Status, ownOnly: Bool = false, upTo limit: Int) async throws -> Int {
        struct N: Decodable { var n: Int }
        let own = SQLQueryString("v.cadre_user_id = \(bind: principal.userID ?? UUID())")
        let whose: any SQLExpression = ownOnly ? own : SQLQueryString("(\(own) OR \(scope.sqlCondition(unitAlias: "o")))")
        return try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM visits v JOIN org_units o ON o.id = v.unit_id
            WHERE v.status = \(bind: status.rawValue) AND \(whose) LIMIT \(bind: limit)) AS waiting
            """).first(decoding: N.self)?.n ?? 0
    }

    func workerNames(_ ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        struct Named: Decodable { var id: UUID; var name: String }
        return Dictionary(try await sql.raw("SELECT id, name FROM workers WHERE id IN \(SQLBind.group(ids))")
            .all(decoding: Named.self).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
}
