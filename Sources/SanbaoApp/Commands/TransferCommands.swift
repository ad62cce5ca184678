import Foundation
import SanbaoDomain
import Vapor

enum TransferKind: Sendable {
    case orgUnits, cadres, enterprises, workers

    var header: String {
        let header = switch self {
        case .orgUnits: OrgUnitRecord.header
        case .cadres: CadreRecord.header
        case .enterprises: EnterpriseRecord.header
        case .workers: WorkerRecord.header
        }
        return header.columns.map(\.key).joined(separator: ",")
    }
}

/// `sanbao import org-units|cadres FILE [--all-or-nothing] [--report FILE]`: prints the
/// summary, writes row-level errors to the report, exits 1 if any row was rejected.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV file (UTF-8 with or without BOM, or GB18030).")
        var file: String
        @Flag(name: "all-or-nothing", help: "Write nothing if any row is rejected.")
        var allOrNothing: Bool
        @Option(name: "report", help: "Write the row-level errors to this CSV file.")
        var report: String?
        @Flag(name: "allow-legacy-codes", help: "Enterprises: accept 15-digit registration numbers from before 2015.")
        var allowLegacyCodes: Bool
    }

    let kind: TransferKind
    var help: String { "Import from CSV with the header \(kind.header)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            context.console.error("Cannot read \(signature.file).")
            throw ExitCode(2)
        }
        let mode: ImportMode = signature.allOrNothing ? .allOrNothing : .validRows
        let outcome: ImportOutcome
        switch kind {
        case .orgUnits:
            outcome = try await OrgUnitService(db: app.db, principal: Commands.principal).importCSV(Array(data), mode: mode)
        case .cadres:
            outcome = try await UserService(app: app, db: app.db, principal: Commands.principal).importCadres(Array(data), mode: mode)
        case .enterprises:
            outcome = try await EnterpriseService(app: app, db: app.db, principal: Commands.principal)
                .importCSV(Array(data), mode: mode, allowLegacyCodes: signature.allowLegacyCodes)
        case .workers:
            outcome = try await WorkerService(app: app, db: app.db, principal: Commands.principal).importCSV(Array(data), mode: mode)
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

/// `sanbao export org-units|cadres [--output FILE]` (standard output by default).
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "output", short: "o", help: "Write to this file instead of standard output.")
        var output: String?
        @Flag(name: "clear", help: "Enterprises and workers: write personal data in clear (audited); masked otherwise.")
        var clear: Bool
    }

    let kind: TransferKind
    var help: String { "Export as CSV with the header \(kind.header)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let csv: String = switch kind {
        case .orgUnits: try await OrgUnitService(db: app.db, principal: Commands.principal).exportCSV()
        case .cadres: try await UserService(app: app, db: app.db, principal: Commands.principal).exportCadres()
        case .enterprises: try await EnterpriseService(app: app, db: app.db, principal: Commands.principal)
            .exportCSV(clearContacts: signature.clear)
        case .workers: try await WorkerService(app: app, db: app.db, principal: Commands.principal).exportCSV(clear: signature.clear)
        }
        if let path = signature.output {
            guard FileManager.default.createFile(atPath: path, contents: Data(csv.utf8)) else {
                context.console.error("Cannot write \(path).")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(csv.utf8))
        }
    }
}
