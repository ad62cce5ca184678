import SanbaoDomain
import Vapor

struct WorkerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.workers, use: index)
        routes.get(Site.worker(":id"), use: show)
        routes.post(Site.workerAction(":id", "reveal"), use: reveal)
    }

    struct Item: Codable {
        var id, name, idMasked, enterpriseCode, enterpriseName, job: String
        var migrant: Bool
        var hardship: String
        var inHardship: Bool
    }

    struct IndexPage: PageModel {

        static let template = "workers/index"
        var shell: Shell
        var items: [Item]
        var total, page: Int
        var filter: [String: String]
        /// Hardship shows (and filters) only for the assistance centre and the office.
        var showHardship: Bool
        var hardships: [Choice]
        var pager: Pager
        var canImport, canExportClear: Bool
    }

    private func item(_ r: WorkerService.Row, _ req: Request) -> Item {
        Item(id: r.id.uuidString, name: r.name, idMasked: r.id_masked, enterpriseCode: r.enterprise_code, enterpriseName: r.enterprise_name,
             job: r.job, migrant: r.migrant, hardship: r.hardship.map { req.t("hardship." + $0) } ?? "",
             inHardship: r.hardship.map { $0 != "none" } ?? false)
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let filter = ["enterprise": req.query[String.self, at: "enterprise"] ?? "", "hardship": req.query[String.self, at: "hardship"] ?? "",
                      "q": req.query[String.self, at: "q"] ?? ""]
        let page = try await WorkerService(app: req.application, db: req.db, principal: principal)
            .list(try PageRequest(req), enterpriseCode: filter["enterprise"]!, hardship: filter["hardship"]!, search: filter["q"]!)
        return try await req.render(IndexPage(
            shell: Shell(req, title: req.t("workers.title")), items: page.items.map { item($0, req) }, total: page.total, page: page.page,
            filter: filter, showHardship: principal.can(.revealWorkerData), hardships: WorkerRecord.Hardship.allCases.map { .init(value: $0.rawValue, label: req.t("hardship." + $0.rawValue)) },
            pager: Pager(page, Site.workers, query: filter),
            canImport: principal.can(.manageRegistry), canExportClear: principal.can(.revealWorkerData)))
    }

    struct ShowPage: PageModel {

        static let template = "workers/show"
        var shell: Shell
        var w: Item
        var phoneMasked, gender: String
        var birthYear: Int
        var revealed: WorkerService.Revealed?
        var canReveal: Bool
    }

    func show(req: Request) async throws -> Response {
        try await render(req, revealed: nil)
    }

    func reveal(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        let revealed = try await WorkerService(app: req.application, db: req.db, principal: principal).reveal(id: id)
        let response = try await render(req, revealed: revealed)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func render(_ req: Request, revealed: WorkerService.Revealed?) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        let row = try await WorkerService(app: req.application, db: req.db, principal: principal).detail(id: id)
        let page = ShowPage(shell: Shell(req, title: row.name), w: item(row, req), phoneMasked: row.phone_masked,
                            gender: req.t(row.gender == "m" ? "gender.m" : "gender.f"), birthYear: row.birth_year,
                            revealed: revealed, canReveal: principal.can(.revealWorkerData))
        return try await req.render(page)
    }
}

struct WorkerAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.workers, use: list)
        routes.get(APIRoute.worker(":id"), use: show)
    }

    func list(req: Request) async throws -> Page<WorkerService.Row> {
        try await WorkerService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .list(try PageRequest(req), enterpriseCode: req.query["enterprise"] ?? "", hardship: req.query["hardship"] ?? "",
                  search: req.query["q"] ?? "")
    }

    func show(req: Request) async throws -> WorkerService.Row {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError(.notFound, "error.not_found") }
        return try await WorkerService(app: req.application, db: req.db, principal: try req.requirePrincipal()).detail(id: id)
    }
}
