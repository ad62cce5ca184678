import SanbaoDomain
import Vapor

struct UserAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.me, use: me)
        routes.get(APIRoute.users, use: list)
        routes.post(APIRoute.users, use: create)
        routes.get(APIRoute.user(":username"), use: show)
        routes.post(APIRoute.userAction(":username", "retire"), use: retire)
    }

    private func service(_ req: Request) throws -> UserService {
        UserService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    func me(req: Request) async throws -> UserDTO {
        try await service(req).detail(username: try req.requirePrincipal().username)
    }

    func list(req: Request) async throws -> Page<UserDTO> {
        var role: Role?
        if let text = req.query[String.self, at: "role"] {
            guard let r = Role(parsing: text) else { throw AppError.invalid([AppError.field("role", "error.bad_role", [text])]) }
            role = r
        }
        return try await service(req).list(try PageRequest(req), unitCode: req.query["unit"], role: role, search: req.query["q"])
    }

    func show(req: Request) async throws -> UserDTO {
        try await service(req).detail(username: req.parameters.get("username")!)
    }

    func create(req: Request) async throws -> Response {
        let s = try service(req)
        let user = try await s.create(try req.content.decode(UserInput.self))
        return try await s.detail(username: user.username).encodeResponse(status: .created, for: req)
    }

    func retire(req: Request) async throws -> UserDTO {
        let s = try service(req)
        try await s.retire(username: req.parameters.get("username")!)
        return try await s.detail(username: req.parameters.get("username")!)
    }
}
