import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Enterprises that are probably one: different credit codes, but the same name once width,
/// brackets, legal-form suffixes and the city prefix are folded away, at the same address.
/// A person decides; the system never merges on its own.
extension EnterpriseService {
    struct Candidate: Content {
        var first_code, first_name, second_code, second_name, address: String
    }

    func duplicateCandidates(limit: Int = 200) async throws -> [Candidate] {
        try await store.duplicateCandidates(limit: limit)
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
            let store = EnterpriseStore(db: db, principal: principal)
            try await store.recordDuplicate(first: a.id!, second: b.id!, decision)
            if decision == .merged {
                var aliases = first.aliases.isEmpty ? [] : first.aliases.components(separatedBy: ";")
                if !aliases.contains(second.name) && second.name != first.name { aliases.append(second.name) }
                try await store.merge(second.id!, into: first.id!, aliases: aliases)
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
