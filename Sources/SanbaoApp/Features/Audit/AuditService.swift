import SanbaoDomain
import Fluent
import Foundation
import Vapor

struct AuditEventDTO: Content {
    var at: Date
    var actor, action, subjectType, subjectID, summary, ip: String

    init(_ e: AuditEvent) {
        at = e.at
        actor = e.actorName
        action = e.action
        subjectType = e.subjectType
        subjectID = e.subjectID
        summary = e.summary
        ip = e.ip
    }

    enum CodingKeys: String, CodingKey {
        case at, actor, action, subjectType = "subject_type", subjectID = "subject_id", summary, ip
    }
}

/// The office's view of the audit trail, newest first, filtered by what was done, by whom,
/// to what and when.
struct AuditService {
    let db: any Database
    let principal: Principal

    struct Filter: Sendable {
        var action, actor, subject: String?
        var from, to: Date?

        init(action: String? = nil, actor: String? = nil, subject: String? = nil, from: Date? = nil, to: Date? = nil) {
            self.action = action
            self.actor = actor
            self.subject = subject
            self.from = from
            self.to = to
        }

        /// `action` matches a prefix ("org_unit." for all unit changes); dates are
        /// YYYY-MM-DD in Asia/Shanghai, `to` inclusive.
        init(_ req: Request) {
            func text(_ key: String) -> String? {
                req.query[String.self, at: key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            action = text("action")
            actor = text("actor")
            subject = text("subject")
            from = text("from").flatMap { ShanghaiTime.start(of: $0) }
            to = text("to").flatMap { ShanghaiTime.start(of: $0) }.map { $0.addingTimeInterval(86_400) }
        }
    }

    func list(_ page: PageRequest, filter: Filter) async throws -> Page<AuditEventDTO> {
        try principal.require(.readAudit)
        let query = principal.scope.query(AuditEvent.self, on: db)
        if let action = filter.action { query.filter(\.$action =~ action) }
        if let actor = filter.actor { query.filter(\.$actorName == actor) }
        if let subject = filter.subject { query.filter(\.$subjectID == subject) }
        if let from = filter.from { query.filter(\.$at >= from) }
        if let to = filter.to { query.filter(\.$at < to) }
        let total = try await query.count()
        let events = try await query.sort(\.$at, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: events.map(AuditEventDTO.init), page: page.page, per: page.per, total: total)
    }
}

struct AuditAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.auditEvents, use: list)
    }

    func list(req: Request) async throws -> Page<AuditEventDTO> {
        try await AuditService(db: req.db, principal: try req.requirePrincipal()).list(try PageRequest(req), filter: .init(req))
    }
}
