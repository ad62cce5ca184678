import SanbaoDomain
import Vapor

/// Upload pages for org units and cadres, and the CSV downloads.
struct TransferPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.importFile(":kind"), use: form)
        routes.on(.POST, Site.importFile(":kind"), upTo: ByteCount(value: CSRFMiddleware.maxBody), use: upload)
        routes.get(Site.exportFile(":file"), use: export)
    }

    struct Page: PageModel {

        static let template = "import"
        var shell: Shell
        var kind, header: String
        var outcome: Result?
    }

    struct Result: Codable {
        var summary: String
        var rolledBack: Bool
        var issues: [IssueRow]
        var reportHref: String
    }

    struct IssueRow: Codable {
        var row: Int
        var column, value, reason: String
    }

    private func kind(_ req: Request) throws -> TransferKind {
        guard let kind = req.parameters.get("kind").flatMap(TransferKind.init(slug:)) else { throw AppError(.notFound, "error.not_found") }
        return kind
    }

    private func header(_ kind: TransferKind) -> String { kind.header }

    private func permission(_ kind: TransferKind) -> Permission {
        switch kind {
        case .orgUnits: .manageUnits
        case .cadres: .importCadres
        case .enterprises, .workers: .manageRegistry
        case .quotas, .calendar: .manageAssignment
        }
    }

    func form(req: Request) async throws -> Response {
        let kind = try kind(req)
        let principal = try req.requirePrincipal()
        try principal.require(permission(kind))
        return try await req.render(Page(shell: Shell(req, title: req.t("import.title." + req.parameters.get("kind")!)),
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
        case .orgUnits: try await OrgUnitService(app: req.application, db: req.db, principal: principal).importCSV(bytes, mode: mode)
        case .cadres: try await UserService(app: req.application, db: req.db, principal: principal).importCadres(bytes, mode: mode)
        case .enterprises: try await EnterpriseService(app: req.application, db: req.db, principal: principal).importCSV(bytes, mode: mode)
        case .workers: try await WorkerService(app: req.application, db: req.db, principal: principal).importCSV(bytes, mode: mode)
        case .quotas: try await CampaignService(app: req.application, db: req.db, principal: principal).importQuotas(bytes, mode: mode)
        case .calendar: try await CalendarService(app: req.application, db: req.db, principal: principal).importCSV(bytes)
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
        return try await req.render(page)
            .encodeResponse(status: outcome.hasRejections ? .unprocessableEntity : .ok, for: req)
    }

    /// `/export/{kind}.csv` or `.xlsx`. Enterprises follow the list page's filters; personal data
    /// is masked unless `clear=1` comes from someone allowed to see it (audited).
    func export(req: Request) async throws -> Response {
        let file = req.parameters.get("file")!
        let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = TransferKind(slug: parts[0]), let format = TableFormat(rawValue: parts[1]) else {
            throw AppError(.notFound, "error.not_found")
        }
        let principal = try req.requirePrincipal()
        let clear = req.query[String.self, at: "clear"] == "1"
        let filter = EnterpriseService.Filter(req)
        if format == .csv && kind == .enterprises {
            // Streamed: a million rows go out a page at a time. What could refuse the export
            // (no right to clear values, an unknown unit in the filter) is checked before it starts.
            if clear { try principal.require(.revealPersonalData) }
            try await EnterpriseService(app: req.application, db: req.db, principal: principal).check(filter)
            let app = req.application
            return Download.csvStream(named: file) { emit in
                try await kind.exportPages(app: app, principal: principal, clear: clear, filter: filter) { try await emit($0) }
            }
        }
        let rows = try await kind.exportRows(app: req.application, principal: principal, clear: clear, filter: filter)
        return try Download.table(rows, as: format, named: file)
    }
}
