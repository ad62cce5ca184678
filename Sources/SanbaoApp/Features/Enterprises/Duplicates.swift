import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Enterprises that are probably one: different credit codes, but the same name once width,
/// brackets, legal-form suffixes and the city prefix are folded away, at the same address.
/// A person decides; the system never merges on its own.
extension EnterpriseService {
    struct Candidate: Content {
        var first_code, first_name, second_code, second_name, address: String
    }

    func duplicateCandidates(limit: Int = 200) async throws -> [Candidate] {
        try await sql.raw("""
            SELECT a.credit_code AS first_code, a.name AS first_name, b.credit_code AS second_code, b.name AS second_name,
                   a.address AS address
            FROM enterprises a JOIN enterprises b
              ON a.name_key = b.name_key AND a.address_key = b.address_key AND a.credit_code < b.credit_code
            WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL AND a.address_key <> ''
              AND \(visible("a")) AND \(visible("b"))
              AND NOT EXISTS (SELECT 1 FROM enterprise_duplicates d WHERE d.first_id = a.id AND d.second_id = b.id)
            ORDER BY a.name LIMIT \(bind: limit)
            """).all(decoding: Candidate.self)
    }

    enum Decision: String, Sendable { case merged, distinct }

    /// Records a person's decision. "merged": the second record is the first — its workers move
    /// over, its name joins the first's aliases, and lists show only the first from now on.
    func decide(first firstCode: String, second secondCode: String, _ decision: Decision) async throws {
        try principal.require(.manageRegistry)
        let (first, _) = try await detail(creditCode: firstCode)
        let (second, _) = try await detail(creditCode: secondCode)
        guard first.id != second.id, first.mergedInto == nil, second.$mergedInto.id == nil, first.$mergedInto.id == nil,
              first.nameKey == second.nameKey, first.addressKey == second.addressKey else {
            throw AppError(.conflict, "error.not_duplicates")
        }
        let (a, b) = first.creditCode < second.creditCode ? (first, second) : (second, first)
        try await app.serializedTransaction(on: db) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("""
                INSERT INTO enterprise_duplicates (id, first_id, second_id, decision, decided_by, decided_at)
                VALUES (\(bind: UUID()), \(bind: a.id!), \(bind: b.id!), \(bind: decision.rawValue), \(bind: principal.username), \(bind: Date()))
                """).run()
            if decision == .merged {
                var aliases = first.aliases.isEmpty ? [] : first.aliases.components(separatedBy: ";")
                if !aliases.contains(second.name) && second.name != first.name { aliases.append(second.name) }
                try await sql.raw("UPDATE enterprises SET aliases = \(bind: aliases.joined(separator: ";")) WHERE id = \(bind: first.id!)").run()
                try await sql.raw("UPDATE enterprises SET merged_into_id = \(bind: first.id!) WHERE id = \(bind: second.id!)").run()
                try await sql.raw("UPDATE workers SET enterprise_id = \(bind: first.id!) WHERE enterprise_id = \(bind: second.id!)").run()
            }
            try await AuditLog.record(db, by: principal, action: "enterprise.duplicate_\(decision.rawValue)", subjectType: "enterprise",
                                      subjectID: second.creditCode, after: ["kept": first.creditCode, "other": second.creditCode])
        }
    }
}

struct DuplicatePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.enterpriseDuplicates, use: index)
        routes.post(Site.enterpriseDuplicates, use: decide)
    }

    struct Page: PageModel {

        static let template = "enterprises/duplicates"
        var shell: Shell
        var candidates: [EnterpriseService.Candidate]
        var canDecide: Bool
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let candidates = try await EnterpriseService(app: req.application, db: req.db, principal: principal).duplicateCandidates()
        return try await req.render(Page(shell: Shell(req, title: req.t("duplicates.title")),
                                                                        candidates: candidates, canDecide: principal.can(.manageRegistry)))
    }

    func decide(req: Request) async throws -> Response {
        struct Form: Content {
            var keep, other, decision: String
        }
        let form = try req.content.decode(Form.self)
        guard let decision = EnterpriseService.Decision(rawValue: form.decision) else { throw AppError(.badRequest, "error.bad_request") }
        try await EnterpriseService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .decide(first: form.keep, second: form.other, decision)
        return req.redirect(to: Site.enterpriseDuplicates.flash("saved"))
    }
}
