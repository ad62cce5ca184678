import SanbaoDomain
import Fluent
import Vapor

/// A user's own API tokens: create (shown once), list, revoke.
struct TokenPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.tokens, use: index)
        routes.post(Site.tokens, use: create)
        routes.post(Site.tokenAction(":id", "revoke"), use: revoke)
    }

    struct Row: Codable {
        var id, name, prefix, created, lastUsed: String
        var revoked: Bool
    }

    struct Page: PageModel {

        static let template = "tokens"
        var shell: Shell
        var tokens: [Row]
        var newToken: String?
        var errors: [String]
    }

    func index(req: Request) async throws -> Response {
        try await render(req)
    }

    private func render(_ req: Request, newToken: String? = nil, errors: [String] = [], status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let tokens = try await ApiToken.query(on: req.db).filter(\.$user.$id == principal.userID!)
            .sort(\.$createdAt, .descending).all()
        let rows = tokens.map {
            Row(id: $0.id!.uuidString, name: $0.name, prefix: $0.prefix + "…", created: ShanghaiTime.second($0.createdAt),
                lastUsed: $0.lastUsedAt.map(ShanghaiTime.second) ?? "—", revoked: $0.revokedAt != nil)
        }
        let response = try await req.render(Page(shell: Shell(req, title: req.t("tokens.title")), tokens: rows,
                                                                 newToken: newToken, errors: errors))
            .encodeResponse(status: status, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func create(req: Request) async throws -> Response {
        let name = (try? req.content.get(String.self, at: "name")) ?? ""
        do {
            let (clear, _) = try await req.authService.createToken(for: try req.requirePrincipal(), name: name)
            return try await render(req, newToken: clear, status: .created)
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await render(req, errors: e.fields.map { req.t("field." + $0.field) + ": " + req.t($0.key, $0.params) },
                                    status: .unprocessableEntity)
        }
    }

    func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        try await req.authService.revokeToken(id: id, by: try req.requirePrincipal())
        return req.redirect(to: Site.tokens.flash("revoked"))
    }
}
