import SanbaoDomain
import Vapor

struct AuditPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.audit, use: index)
    }

    struct Row: Codable {
        var at, actor, action, subject, summary, ip: String
    }

    struct Page: PageModel {

        static let template = "audit"
        var shell: Shell
        var rows: [Row]
        var total: Int
        var filter: [String: String]
        var pager: Pager
    }

    func index(req: Request) async throws -> Response {
        let page = try await AuditService(db: req.db, principal: try req.requirePrincipal())
            .list(try PageRequest(req), filter: .init(req))
        var filter: [String: String] = [:]
        for key in ["action", "actor", "subject", "from", "to"] { filter[key] = req.query[String.self, at: key] ?? "" }
        let rows = page.items.map {
            Row(at: ShanghaiTime.second($0.at), actor: $0.actor, action: $0.action, subject: "\($0.subjectType) \($0.subjectID)",
                summary: $0.summary, ip: $0.ip)
        }
        return try await req.render(Page(shell: Shell(req, title: req.t("audit.title")), rows: rows, total: page.total,
                                                       filter: filter, pager: Pager(page, Site.audit, query: filter)))
    }
}
