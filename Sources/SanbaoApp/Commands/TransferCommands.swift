import Foundation
import SanbaoDomain
import Vapor

enum TransferKind: Sendable {
    case orgUnits, cadres, enterprises, workers, quotas, calendar

    var header: String {
        let header = switch self {
        case .orgUnits: OrgUnitRecord.header
        case .cadres: CadreRecord.header
        case .enterprises: EnterpriseRecord.header
        case .workers: WorkerRecord.header
        case .quotas: QuotaImportPlan.header
        case .calendar: WorkingCalendar.header
        }
        return header.columns.map(\.key).joined(separator: ",")
    }
}

/// `sanbao import org-units|cadres FILE [--all-or-nothing] [--report FILE]`: prints the
/// summary, writes row-level errors to the report, exits 1 if any row was rejected.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV file (UTF-8 with or without BOM, or GB18030).") var file: String
        @Flag(name: "all-or-nothing", help: "Write nothing if any row is rejected.") var allOrNothing: Bool
        @Option(name: "report", help: "Write the row-level errors to this CSV file.") var report: String?
        @Flag(name: "allow-legacy-codes", help: "Enterprises: accept 15-digit registration numbers from before 2015.") var allowLegacyCodes: Bool
    }

    let kind: TransferKind
    var help: String { "Import from CSV with the header \(kind.header)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            context.console.error("Cannot read \(signature.file).")
            throw ExitCode(2)
        }
        // Enterprise lists are read piece by piece (a province's is a million rows); the others are small.
        var data: Data { FileManager.default.contents(atPath: signature.file) ?? Data() }
        let mode: ImportMode = signature.allOrNothing ? .allOrNothing : .validRows
        let outcome: ImportOutcome
        switch kind {
        case .orgUnits:
            outcome = try await OrgUnitService(app: app, db: app.db, principal: Commands.principal).importCSV(Array(data), mode: mode)
        case .cadres:
            outcome = try await UserService(app: app, db: app.db, principal: Commands.principal).importCadres(Array(data), mode: mode)
        case .enterprises:
            outcome = try await EnterpriseService(app: app, db: app.db, principal: Commands.principal)
                .importFile(.file(signature.file), mode: mode, allowLegacyCodes: signature.allowLegacyCodes)
        case .workers:
            outcome = try await WorkerService(app: app, db: app.db, principal: Commands.principal).importCSV(Array(data), mode: mode)
        case .quotas:
            outcome = try await CampaignService(app: app, db: app.db, principal: Commands.principal).importQuotas(Array(data), mode: mode)
        case .calendar:
            outcome = try await CalendarService(app: app, db: app.db, principal: Commands.principal).importCSV(Array(data))
        }
        let locale = app.config.defaultLocale
        let localizer = app.localizer
        let s = outcome.summary
        context.console.print(localizer.text("import.summary", locale,
                                             ["\(s.created)", "\(s.updated)", "\(s.unchanged)", "\(s.rejected)", s.encoding]))
        if s.rolledBack { context.console.warning(localizer.text("import.rolled_back", locale)) }
        for issue in outcome.issues.prefix(20) {
            context.console.print("  " + localizer.text("import.issue_line", locale, ["\(issue.row)", issue.column, issue.value,
                localizer.text("import.reason.\(issue.reason.rawValue)", locale, [issue.value, issue.detail])]))
        }
        if outcome.issues.count > 20 { context.console.print("  … \(outcome.issues.count - 20) more") }
        if let path = signature.report {
            let report = ImportFile.report(outcome.issues, localizer: localizer, locale: locale)
            guard FileManager.default.createFile(atPath: path, contents: Data(report.utf8)) else {
                context.console.error("Cannot write \(path).")
                throw ExitCode(2)
            }
        }
        if outcome.hasRejections { throw ExitCode(1) }
    }
}

/// `sanbao export org-units|cadres|enterprises|workers [-o FILE]`: CSV on standard output, or
/// to FILE — as XLSX when FILE ends in .xlsx.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "output", short: "o", help: "Write to this file (.csv or .xlsx) instead of standard output.") var output: String?
        @Flag(name: "clear", help: "Enterprises and workers: write personal data in clear (audited); masked otherwise.") var clear: Bool
    }

    let kind: TransferKind
    var help: String { "Export with the header \(kind.header)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let format = signature.output.map(TableFormat.init(fileName:)) ?? .csv
        if format == .xlsx, let path = signature.output {
            // A workbook is a zip whose directory comes last: it is made whole.
            let rows = try await kind.exportRows(app: app, principal: Commands.principal, clear: signature.clear)
            guard FileManager.default.createFile(atPath: path, contents: try format.render(rows, bom: false)) else {
                context.console.error("Cannot write \(path).")
                throw ExitCode(2)
            }
            return
        }
        let out: FileHandle
        if let path = signature.output {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                context.console.error("Cannot write \(path).")
                throw ExitCode(2)
            }
            out = handle
        } else {
            out = FileHandle.standardOutput
        }
        try await kind.exportPages(app: app, principal: Commands.principal, clear: signature.clear) { page in
            try out.write(contentsOf: Data(CSVWriter.document(page).utf8))
        }
        if signature.output != nil { try out.close() }
    }
}

/// Rows gathered from pages, for the exports that are made whole (XLSX, the small lists).
final class RowCollector: @unchecked Sendable {
    var rows: [[String]] = []
}

extension TransferKind {
    init?(slug: String) {
        switch slug {
        case "org-units": self = .orgUnits
        case "cadres": self = .cadres
        case "enterprises": self = .enterprises
        case "workers": self = .workers
        case "quotas": self = .quotas
        case "calendar": self = .calendar
        default: return nil
        }
    }

    /// The one export path the CLI and the download pages share, a page of rows at a time
    /// (the header first). Enterprises come in pages of 5,000; the other lists are small and
    /// come in one.
    func exportPages(app: Application, principal: Principal, clear: Bool, filter: EnterpriseService.Filter = .init(),
                     _ sink: @Sendable ([[String]]) async throws -> Void) async throws {
        if self == .enterprises {
            return try await EnterpriseService(app: app, db: app.db, principal: principal).exportPages(filter: filter, clearContacts: clear, sink)
        }
        try await sink(try await exportRows(app: app, principal: principal, clear: clear))
    }

    func exportRows(app: Application, principal: Principal, clear: Bool, filter: EnterpriseService.Filter = .init()) async throws -> [[String]] {
        switch self {
        case .orgUnits: try await OrgUnitService(app: app, db: app.db, principal: principal).exportRows()
        case .cadres: try await UserService(app: app, db: app.db, principal: principal).exportCadreRows()
        case .enterprises: try await EnterpriseService(app: app, db: app.db, principal: principal).exportRows(filter: filter, clearContacts: clear)
        case .workers: try await WorkerService(app: app, db: app.db, principal: principal).exportRows(clear: clear)
        case .quotas: try await CampaignService(app: app, db: app.db, principal: principal).exportQuotaRows()
        case .calendar: try await CalendarService(app: app, db: app.db, principal: principal).exportRows()
        }
    }
}
