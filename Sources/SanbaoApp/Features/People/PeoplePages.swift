import SanbaoDomain
import Vapor

struct PeoplePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.people, use: index)
        routes.post(Site.people, use: create)
        routes.get(Site.person(":username"), use: show)
        routes.post(Site.personAction(":username", "reveal-phone"), use: revealPhone)
        routes.post(Site.personAction(":username", "reset-password"), use: resetPassword)
        routes.post(Site.personAction(":username", "retire"), use: retire)
    }

    struct IndexPage: PageModel {

        static let template = "people/index"
        var shell: Shell
        var people: Page<UserDTO>
        var filter: [String: String]
        var roles: [Choice]
        /// The roles this user may hand out, for the create form.
        var grantable: [Choice]
        var pager: Pager
        var canCreate, canImport, canExport: Bool
        var errors: [String]
        var form: [String: String]
    }

    func index(req: Request) async throws -> Response {
        try await renderIndex(req)
    }

    private func renderIndex(_ req: Request, errors: [String] = [], form: [String: String] = [:],
                             status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = UserService(app: req.application, db: req.db, principal: principal)
        let unit = req.query[String.self, at: "unit"] ?? ""
        let roleText = req.query[String.self, at: "role"] ?? ""
        let q = req.query[String.self, at: "q"] ?? ""
        let page = try await service.list(try PageRequest(req), unitCode: unit, role: Role(parsing: roleText), search: q)
        func choice(_ role: Role) -> Choice { Choice(value: role.rawValue, label: req.t("role." + role.rawValue)) }
        let model = IndexPage(
            shell: Shell(req, title: req.t("people.title")), people: page,
            filter: ["unit": unit, "role": roleText, "q": q],
            roles: Role.allCases.map(choice),
            grantable: Role.allCases.filter { $0.isGrantable(by: principal.roles) }.map(choice),
            pager: Pager(page, Site.people, query: ["unit": unit, "role": roleText, "q": q]),
            canCreate: principal.can(.manageUsers), canImport: principal.can(.importCadres),
            canExport: principal.can(.revealPersonalData), errors: errors, form: form)
        return try await req.render(model, status: status)
    }

    func create(req: Request) async throws -> Response {
        struct Form: Content {
            var username, display_name, unit_code: String?
            var roles: [String]?
            var password, phone: String?
        }
        let f = try req.content.decode(Form.self)
        let input = UserInput(username: f.username, displayName: f.display_name, unitCode: f.unit_code, roles: f.roles,
                              password: f.password, phone: f.phone)
        do {
            let user = try await UserService(app: req.application, db: req.db, principal: try req.requirePrincipal()).create(input)
            return req.redirect(to: Site.person(user.username).flash("created"))
        } catch let e as AppError where e.status == .unprocessableEntity {
            let messages = e.fields.map { req.t("field." + $0.field) + ": " + req.t($0.key, $0.params) }
            return try await renderIndex(req, errors: messages, form: ["username": f.username ?? "", "display_name": f.display_name ?? "",
                                                                        "unit_code": f.unit_code ?? "", "phone": f.phone ?? ""],
                                         status: .unprocessableEntity)
        }
    }

    struct ShowPage: PageModel {

        static let template = "people/show"
        var shell: Shell
        var person: UserDTO
        var clearPhone: String?
        var canReveal, canManage: Bool
        var errors: [String]
    }

    func show(req: Request) async throws -> Response {
        try await renderShow(req, username: req.parameters.get("username")!)
    }

    private func renderShow(_ req: Request, username: String, clearPhone: String? = nil, errors: [String] = [],
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let person = try await UserService(app: req.application, db: req.db, principal: principal).detail(username: username)
        let page = ShowPage(shell: Shell(req, title: person.displayName), person: person, clearPhone: clearPhone,
                            canReveal: principal.can(.revealPersonalData) && person.phone != nil,
                            canManage: principal.can(.manageUsers) && !person.retired && person.username != principal.username,
                            errors: errors)
        return try await req.render(page, status: status)
    }

    func revealPhone(req: Request) async throws -> Response {
        let username = req.parameters.get("username")!
        let phone = try await UserService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .revealPhone(username: username)
        let response = try await renderShow(req, username: username, clearPhone: phone)
        // A revealed number must not linger in caches or history.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func resetPassword(req: Request) async throws -> Response {
        let username = req.parameters.get("username")!
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        do {
            try await UserService(app: req.application, db: req.db, principal: try req.requirePrincipal())
                .resetPassword(username: username, to: password)
            return req.redirect(to: Site.person(username).flash("password_reset"))
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await renderShow(req, username: username, errors: e.fields.map { req.t($0.key, $0.params) },
                                        status: .unprocessableEntity)
        }
    }

    func retire(req: Request) async throws -> Response {
        let username = req.parameters.get("username")!
        try await UserService(app: req.application, db: req.db, principal: try req.requirePrincipal()).retire(username: username)
        return req.redirect(to: Site.person(username).flash("retired"))
    }
}
