import SanbaoDomain
import Vapor

struct EnterprisePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.enterprises, use: index)
        routes.get(Site.enterprise(":code"), use: show)
        routes.post(Site.enterpriseAction(":code", "reveal-contact"), use: revealContact)
    }

    struct Item: Codable {
        var code, name, division, industry, size: String
        var aboveScale: Bool
        var employees: Int
        var union: Bool
    }

    struct IndexPage: PageModel {

        static let template = "enterprises/index"
        var shell: Shell
        var items: [Item]
        var total, page: Int
        var filter: [String: String]
        var sizes: [Choice]
        var pager: Pager
        var exportHref, exportXLSXHref: String
        var canImport: Bool
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let filter = EnterpriseService.Filter(req)
        let page = try await EnterpriseService(app: req.application, db: req.db, principal: principal).list(try PageRequest(req), filter: filter)
        let query = ["q": filter.search, "unit": filter.unitCode, "industry": filter.industry, "size": filter.size, "tag": filter.tag]
        let items = page.items.map {
            Item(code: $0.credit_code, name: $0.name, division: $0.division_code, industry: $0.industry_code,
                 size: req.t("size." + $0.size_class), aboveScale: $0.above_scale, employees: $0.employees, union: $0.union_established)
        }
        let model = IndexPage(
            shell: Shell(req, title: req.t("enterprises.title")), items: items, total: page.total, page: page.page, filter: query,
            sizes: EnterpriseRecord.SizeClass.allCases.map { .init(value: $0.rawValue, label: req.t("size." + $0.rawValue)) },
            pager: Pager(page, Site.enterprises, query: query),
            exportHref: Site.exportFile("enterprises.csv").with(filters: query), exportXLSXHref: Site.exportFile("enterprises.xlsx").with(filters: query),
            canImport: principal.can(.manageRegistry))
        return try await req.render(model)
    }

    struct ShowPage: PageModel {

        static let template = "enterprises/show"
        var shell: Shell
        var e: EnterpriseDTO
        var size: String
        var units: [UnitRow]
        var clearContact: String?
        var canReveal: Bool
        var mergedIntoCode, mergedIntoName: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, clearContact: nil)
    }

    func revealContact(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let clear = try await EnterpriseService(app: req.application, db: req.db, principal: principal)
            .revealContact(creditCode: req.parameters.get("code")!)
        let response = try await render(req, clearContact: clear)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func render(_ req: Request, clearContact: String?) async throws -> Response {
        let principal = try req.requirePrincipal()
        let (enterprise, units) = try await EnterpriseService(app: req.application, db: req.db, principal: principal)
            .detail(creditCode: req.parameters.get("code")!)
        let dto = EnterpriseDTO(enterprise, units: units)
        let mergedInto = try await enterprise.$mergedInto.get(on: req.db)
        let page = ShowPage(shell: Shell(req, title: enterprise.name), e: dto, size: req.t("size." + enterprise.sizeClass),
                            units: units.map { UnitRow($0, nil, req) }, clearContact: clearContact,
                            canReveal: principal.can(.revealPersonalData) && enterprise.contactCipher != nil,
                            mergedIntoCode: mergedInto?.creditCode, mergedIntoName: mergedInto?.name)
        return try await req.render(page)
    }
}

/// An enterprise as the API returns it: the contact masked.
struct EnterpriseDTO: Content {
    var creditCode, name: String
    var aliases: [String]
    var address, divisionCode, industryCode, sizeClass: String
    var aboveScale: Bool
    var employees, migrantWorkers: Int
    var unionEstablished: Bool
    var legalRep, contact: String
    var lat, lon: Double?
    var tags, units: [String]

    init(_ e: Enterprise, units: [OrgUnit]) {
        let r = e.maskedRecord
        creditCode = r.creditCode
        name = r.name
        aliases = r.aliases
        address = r.address
        divisionCode = r.divisionCode
        industryCode = r.industry.description
        sizeClass = r.sizeClass.rawValue
        aboveScale = r.aboveScale
        employees = r.employees
        migrantWorkers = r.migrantWorkers
        unionEstablished = r.unionEstablished
        legalRep = r.legalRep
        contact = r.contact
        lat = r.lat
        lon = r.lon
        tags = r.tags
        self.units = units.map(\.code)
    }

    enum CodingKeys: String, CodingKey {
        case creditCode = "credit_code", name, aliases, address, divisionCode = "division_code", industryCode = "industry_code",
             sizeClass = "size_class", aboveScale = "above_scale", employees, migrantWorkers = "migrant_workers",
             unionEstablished = "union_established", legalRep = "legal_rep", contact, lat, lon, tags, units
    }
}

struct EnterpriseAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.enterprises, use: list)
        routes.get(APIRoute.enterprise(":code"), use: show)
    }

    func list(req: Request) async throws -> Page<EnterpriseService.Row> {
        try await EnterpriseService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .list(try PageRequest(req), filter: .init(req))
    }

    func show(req: Request) async throws -> EnterpriseDTO {
        let (e, units) = try await EnterpriseService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .detail(creditCode: req.parameters.get("code")!)
        return EnterpriseDTO(e, units: units)
    }
}
