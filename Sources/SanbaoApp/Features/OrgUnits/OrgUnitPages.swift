import SanbaoDomain
import Vapor

/// The tree, walked one unit at a time: breadcrumb, the unit, its children with counts, and
/// for admins the forms to add, rename, move and retire.
struct OrgUnitPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.units, use: index)
        routes.post(Site.units, use: create)
        routes.get(Site.unit(":code"), use: show)
        routes.post(Site.unitAction(":code", "rename"), use: rename)
        routes.post(Site.unitAction(":code", "move"), use: move)
        routes.post(Site.unitAction(":code", "retire"), use: retire)
    }

    struct Page: PageModel {

        static let template = "units/show"
        var shell: Shell
        var unit: UnitRow
        var parentCode: String?
        var ancestors, children: [UnitRow]
        var canRestructure, canAddChild: Bool
        var kinds: [Choice]
        var errors: [String]
        var form: [String: String]
    }

    func index(req: Request) async throws -> Response {
        let unit = try await OrgUnitService(app: req.application, db: req.db, principal: try req.requirePrincipal()).home()
        return req.redirect(to: Site.unit(unit.code))
    }

    func show(req: Request) async throws -> Response {
        try await render(req, code: req.parameters.get("code")!)
    }

    private func render(_ req: Request, code: String, errors: [String] = [], form: [String: String] = [:],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = OrgUnitService(app: req.application, db: req.db, principal: principal)
        let unit = try await service.scope.unit(code: code, on: req.db)
        let children = try await service.children(of: unit)
        let ancestors = try await service.ancestors(of: unit).filter { $0.id != unit.id }
        let counts = try await service.subtreeCounts(of: [unit] + children)
        let manage = principal.can(.manageUnits)
        let parentCode = try await service.parentCodes(of: [unit]).values.first
        let page = Page(
            shell: Shell(req, title: unit.name),
            unit: UnitRow(unit, counts[unit.id!], req),
            parentCode: parentCode,
            ancestors: ancestors.map { UnitRow($0, nil, req) },
            children: children.map { UnitRow($0, counts[$0.id!], req) },
            canRestructure: manage && service.scope.mayRestructure(unit) && !unit.isRetired,
            canAddChild: manage && !unit.isRetired,
            kinds: OrgUnitKind.allCases.map { Choice(value: $0.rawValue, label: req.t("kind." + $0.rawValue)) },
            errors: errors, form: form)
        return try await req.render(page, status: status)
    }

    /// Runs a write; on a user error shows the same page again with the errors and the
    /// form as typed, so nothing the user entered is lost.
    private func write(_ req: Request, code: String, form: [String: String], redirect: String,
                       _ body: (OrgUnitService) async throws -> Void) async throws -> Response {
        let service = OrgUnitService(app: req.application, db: req.db, principal: try req.requirePrincipal())
        do {
            try await body(service)
            return req.redirect(to: redirect)
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            let messages = e.fields.isEmpty ? [req.t(e.key, e.params)]
                : e.fields.map { req.t("field." + $0.field) + ": " + req.t($0.key, $0.params) }
            return try await render(req, code: code, errors: messages, form: form, status: e.status)
        }
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(OrgUnitInput.self)
        let parent = input.parentCode ?? ""
        let form = ["code": input.value("code"), "name": input.value("name"), "kind": input.value("kind"),
                    "territory": input.value("territory"), "sectors": input.value("sectors")]
        return try await write(req, code: parent, form: form, redirect: Site.unit(parent).flash("created")) { s in
            _ = try await s.create(input)
        }
    }

    func rename(req: Request) async throws -> Response {
        let code = req.parameters.get("code")!
        let name = (try? req.content.get(String.self, at: "name")) ?? ""
        return try await write(req, code: code, form: ["rename": name], redirect: Site.unit(code).flash("saved")) { s in
            try await s.rename(code: code, to: name)
        }
    }

    func move(req: Request) async throws -> Response {
        let code = req.parameters.get("code")!
        let parent = ((try? req.content.get(String.self, at: "parent_code")) ?? "").trimmingCharacters(in: .whitespaces)
        return try await write(req, code: code, form: ["move": parent], redirect: Site.unit(code).flash("moved")) { s in
            try await s.move(code: code, under: parent)
        }
    }

    func retire(req: Request) async throws -> Response {
        let code = req.parameters.get("code")!
        return try await write(req, code: code, form: [:], redirect: Site.unit(code).flash("retired")) { s in
            try await s.retire(code: code)
        }
    }
}

extension Request {
    func t(_ key: String, _ params: [String]) -> String {
        application.localizer.text(key, locale, params)
    }
}
