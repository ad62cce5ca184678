import SanbaoDomain
import Vapor

struct AuditPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: index)
    }

    struct Row: Encodable {
        var at: String
        var actor: String
        var action: String
        var subject: String
        var summary: String
        var ip: String
    }

    struct Page: Encodable {
        var shell: Shell
        var rows: [Row]
        var total: Int
        var filter: [String: String]
        var prevHref: String?
        var nextHref: String?
    }

    func index(req: Request) async throws -> View {
        let page = try await AuditService(db: req.db, principal: try req.requirePrincipal())
            .list(try PageRequest(req), filter: .init(req))
        var filter: [String: String] = [:]
        for key in ["action", "actor", "subject", "from", "to"] { filter[key] = req.query[String.self, at: key] ?? "" }
        func href(_ p: Int) -> String {
            var c = URLComponents()
            c.path = "/audit"
            c.queryItems = filter.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
                + [URLQueryItem(name: "page", value: "\(p)")]
            return c.string ?? "/audit"
        }
        let rows = page.items.map {
            Row(at: ShanghaiTime.second($0.at), actor: $0.actor, action: $0.action, subject: "\($0.subjectType) \($0.subjectID)",
                summary: $0.summary, ip: $0.ip)
        }
        return try await req.view.render("audit", Page(shell: Shell(req, title: req.t("audit.title")), rows: rows, total: page.total,
                                                       filter: filter, prevHref: page.page > 1 ? href(page.page - 1) : nil,
                                                       nextHref: page.page < page.pageCount ? href(page.page + 1) : nil))
    }
}
