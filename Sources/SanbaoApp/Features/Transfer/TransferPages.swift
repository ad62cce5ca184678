import SanbaoDomain
import Vapor

/// Upload pages for org units and cadres, and the CSV downloads.
struct TransferPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("import", ":kind", use: form)
        routes.on(.POST, "import", ":kind", body: .collect(maxSize: ByteCount(value: CSRFMiddleware.maxBody)), use: upload)
        routes.get("export", "org-units.csv", use: exportUnits)
        routes.get("export", "cadres.csv", use: exportCadres)
        routes.get("export", "enterprises.csv", use: exportEnterprises)
        routes.get("export", "workers.csv", use: exportWorkers)
    }

    struct Page: Encodable {
        var shell: Shell
        var kind: String
        var header: String
        var outcome: Result?
    }

    struct Result: Encodable {
        var summary: String
        var rolledBack: Bool
        var issues: [IssueRow]
        var reportHref: String
    }

    struct IssueRow: Encodable {
        var row: Int
        var column: String
        var value: String
        var reason: String
    }

    private func kind(_ req: Request) throws -> TransferKind {
        switch req.parameters.get("kind") {
        case "org-units": return .orgUnits
        case "cadres": return .cadres
        case "enterprises": return .enterprises
        case "workers": return .workers
        default: throw AppError(.notFound, "error.not_found")
        }
    }

    private func header(_ kind: TransferKind) -> String { kind.header }

    private func permission(_ kind: TransferKind) -> Permission {
        switch kind {
        case .orgUnits: .manageUnits
        case .cadres: .importCadres
        case .enterprises, .workers: .manageRegistry
        }
    }

    func form(req: Request) async throws -> View {
        let kind = try kind(req)
        let principal = try req.requirePrincipal()
        try principal.require(permission(kind))
        return try await req.view.render("import", Page(shell: Shell(req, title: req.t("import.title." + req.parameters.get("kind")!)),
                                                        kind: req.parameters.get("kind")!, header: header(kind), outcome: nil))
    }

    func upload(req: Request) async throws -> Response {
        struct Form: Content {
            var file: File?
            var mode: String?
        }
        let kind = try kind(req)
        let principal = try req.requirePrincipal()
        let form = try req.content.decode(Form.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            throw AppError.invalid([AppError.field("file", "import.reason.empty_file", ["", ""])])
        }
        let bytes = Array(file.data.readableBytesView)
        let mode: ImportMode = form.mode == ImportMode.allOrNothing.rawValue ? .allOrNothing : .validRows
        let outcome = switch kind {
        case .orgUnits: try await OrgUnitService(db: req.db, principal: principal).importCSV(bytes, mode: mode)
        case .cadres: try await UserService(app: req.application, db: req.db, principal: principal).importCadres(bytes, mode: mode)
        case .enterprises: try await EnterpriseService(app: req.application, db: req.db, principal: principal).importCSV(bytes, mode: mode)
        case .workers: try await WorkerService(app: req.application, db: req.db, principal: principal).importCSV(bytes, mode: mode)
        }
        let s = outcome.summary
        let report = ImportFile.report(outcome.issues, localizer: req.application.localizer, locale: req.locale)
        let result = Result(
            summary: req.t("import.summary", "\(s.created)", "\(s.updated)", "\(s.unchanged)", "\(s.rejected)", s.encoding),
            rolledBack: s.rolledBack,
            issues: outcome.issues.map { IssueRow(row: $0.row, column: $0.column, value: $0.value,
                                                   reason: req.t("import.reason.\($0.reason.rawValue)", [$0.value, $0.detail])) },
            reportHref: "data:text/csv;charset=utf-8;base64," + Data(("\u{FEFF}" + report).utf8).base64EncodedString())
        let page = Page(shell: Shell(req, title: req.t("import.title." + req.parameters.get("kind")!)),
                        kind: req.parameters.get("kind")!, header: header(kind), outcome: result)
        return try await req.view.render("import", page)
            .encodeResponse(status: outcome.hasRejections ? .unprocessableEntity : .ok, for: req)
    }

    func exportUnits(req: Request) async throws -> Response {
        let csv = try await OrgUnitService(db: req.db, principal: try req.requirePrincipal()).exportCSV()
        return download(csv, name: "org-units.csv")
    }

    func exportCadres(req: Request) async throws -> Response {
        let csv = try await UserService(app: req.application, db: req.db, principal: try req.requirePrincipal()).exportCadres()
        return download(csv, name: "cadres.csv")
    }

    /// Filtered like the list page; contacts masked unless `clear=1` from someone allowed (audited).
    func exportEnterprises(req: Request) async throws -> Response {
        let service = EnterpriseService(app: req.application, db: req.db, principal: try req.requirePrincipal())
        let csv = try await service.exportCSV(filter: .init(req), clearContacts: req.query[String.self, at: "clear"] == "1")
        return download(csv, name: "enterprises.csv")
    }

    /// Masked unless `clear=1` from the assistance centre or the office (audited).
    func exportWorkers(req: Request) async throws -> Response {
        let csv = try await WorkerService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .exportCSV(clear: req.query[String.self, at: "clear"] == "1")
        return download(csv, name: "workers.csv")
    }

    /// With a BOM so that Excel opens the Chinese text correctly; our importer accepts it.
    private func download(_ csv: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(string: "\u{FEFF}" + csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: name)
        return response
    }
}
