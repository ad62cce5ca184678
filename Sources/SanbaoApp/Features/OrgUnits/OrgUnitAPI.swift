import Vapor

struct OrgUnitAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.orgUnits, use: list)
        routes.post(APIRoute.orgUnits, use: create)
        routes.get(APIRoute.orgUnit(":code"), use: show)
        routes.patch(APIRoute.orgUnit(":code"), use: update)
        routes.post(APIRoute.orgUnitAction(":code", "retire"), use: retire)
    }

    private func service(_ req: Request) throws -> OrgUnitService {
        OrgUnitService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    /// Scripts poll this list; a page is kept briefly in `ReadCaches`, keyed by everything
    /// that decides its content: the caller's scope, the query and the language.
    func list(req: Request) async throws -> Response {
        let s = try service(req)
        let page = try PageRequest(req)
        let parent: String? = req.query["parent"]
        let search: String? = req.query["q"]
        let retired = req.query[Bool.self, at: "include_retired"] ?? false
        let key = [s.scope.pathPrefix ?? "*", "\(page.page)", "\(page.per)", parent ?? "", search ?? "", "\(retired)",
                   req.locale.rawValue].joined(separator: "\u{1F}")
        let cache = req.application.readCaches.orgUnitPages
        let body: ByteBuffer
        if let cached = cache.get(key) {
            body = cached
        } else {
            let generation = cache.generation
            let result = try await s.list(page, parentCode: parent, search: search, includeRetired: retired, locale: req.locale)
            body = ByteBuffer(data: try JSONEncoder().encode(result))
            cache.put(key, body, readAt: generation)
        }
        let response = Response(status: .ok, body: .init(buffer: body))
        response.headers.contentType = .json
        return response
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
        var name, parentCode: String?
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
