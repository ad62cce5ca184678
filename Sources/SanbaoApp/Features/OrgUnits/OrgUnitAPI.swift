import Vapor

struct OrgUnitAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let units = routes.grouped("org-units")
        units.get(use: list)
        units.post(use: create)
        units.get(":code", use: show)
        units.patch(":code", use: update)
        units.post(":code", "retire", use: retire)
    }

    private func service(_ req: Request) throws -> OrgUnitService {
        OrgUnitService(db: req.db, principal: try req.requirePrincipal())
    }

    func list(req: Request) async throws -> Page<OrgUnitDTO> {
        try await service(req).list(PageRequest(req), parentCode: req.query["parent"], search: req.query["q"],
                                    includeRetired: req.query[Bool.self, at: "include_retired"] ?? false, locale: req.locale)
    }

    func show(req: Request) async throws -> OrgUnitDTO {
        let s = try service(req)
        let unit = try await s.scope.unit(code: req.parameters.get("code")!, on: req.db)
        return OrgUnitDTO(unit, parentCode: try await s.parentCodes(of: [unit]).values.first, locale: req.locale)
    }

    func create(req: Request) async throws -> Response {
        let s = try service(req)
        let unit = try await s.create(try req.content.decode(OrgUnitInput.self))
        let dto = OrgUnitDTO(unit, parentCode: try await s.parentCodes(of: [unit]).values.first, locale: req.locale)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    struct Patch: Content {
        var name: String?
        var parentCode: String?
        enum CodingKeys: String, CodingKey { case name, parentCode = "parent_code" }
    }

    func update(req: Request) async throws -> OrgUnitDTO {
        let s = try service(req)
        let code = req.parameters.get("code")!
        let patch = try req.content.decode(Patch.self)
        if let name = patch.name { try await s.rename(code: code, to: name) }
        if let parent = patch.parentCode { try await s.move(code: code, under: parent) }
        return try await show(req: req)
    }

    func retire(req: Request) async throws -> OrgUnitDTO {
        try await service(req).retire(code: req.parameters.get("code")!)
        let s = try service(req)
        let unit = try await s.scope.unit(code: req.parameters.get("code")!, on: req.db)
        return OrgUnitDTO(unit, parentCode: try await s.parentCodes(of: [unit]).values.first, locale: req.locale)
    }
}
