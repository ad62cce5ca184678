import Foundation
import SanbaoDomain
import Vapor

/// The result every import reports, whatever it imported.
struct ImportOutcome: Content {
    var summary: ImportSummary
    var issues: [ImportIssue]

    var hasRejections: Bool { !issues.isEmpty && (summary.rejected > 0 || issues.contains { $0.row <= 1 && $0.reason != .unknownColumn }) }
}

extension ImportSummary: Content {}
extension ImportIssue: Content {}

/// Turns uploaded bytes into CSV records, saying which encoding it read. A file that cannot
/// be decoded or parsed becomes a single whole-file issue.
enum ImportFile {
    static let maxFieldLength = 2_000

    static func records(_ bytes: [UInt8]) -> (records: [CSVRecord], encoding: String?, issue: ImportIssue?) {
        // Decided by content, not by the file's name: an .xls(x) saved as .csv, or the reverse, still reads.
        if XLSX.looksLikeZip(bytes) {
            do {
                return (try XLSX.records(bytes, maxFieldLength: maxFieldLength), "XLSX", nil)
            } catch let e as XLSX.Problem {
                let reason: ImportIssue.Reason = e.detail == "field_too_long" ? .tooLong : .badSpreadsheet
                return ([], "XLSX", ImportIssue(row: e.line, reason: reason, detail: e.detail))
            } catch {
                return ([], "XLSX", ImportIssue(row: 0, reason: .badSpreadsheet, detail: "\(error)"))
            }
        }
        do {
            let (text, encoding) = try TextDecoding.decode(bytes)
            do {
                return (try CSVParser.records(in: text, maxFieldLength: maxFieldLength), encoding.rawValue, nil)
            } catch let e as CSVSyntaxError {
                let reason: ImportIssue.Reason = e.reason == "field_too_long" ? .tooLong : .syntax
                return ([], encoding.rawValue, ImportIssue(row: e.line, reason: reason, detail: e.reason))
            }
        } catch let e as UndecodableText {
            return ([], nil, ImportIssue(row: e.line, reason: .undecodable))
        } catch {
            return ([], nil, ImportIssue(row: 0, reason: .undecodable))
        }
    }

    /// The row-level report as CSV (`row,column,value,reason`), in the reader's language.
    static func report(_ issues: [ImportIssue], localizer: Localizer, locale: AppLocale) -> String {
        var out = CSVWriter.line(["row", "column", "value", "reason"])
        for i in issues {
            out += CSVWriter.line(["\(i.row)", i.column, i.value, localizer.text("import.reason.\(i.reason.rawValue)", locale, [i.value, i.detail])])
        }
        return out
    }
}

/// How a table leaves the system: CSV (with a BOM for Excel when downloaded) or XLSX.
enum TableFormat: String, Sendable {
    case csv, xlsx

    /// From a file name's extension; CSV unless it ends in .xlsx.
    init(fileName: String) { self = fileName.lowercased().hasSuffix(".xlsx") ? .xlsx : .csv }

    func render(_ rows: [[String]], bom: Bool) throws -> Data {
        switch self {
        case .csv: Data(((bom ? "\u{FEFF}" : "") + CSVWriter.document(rows)).utf8)
        case .xlsx: try XLSX.render(rows)
        }
    }

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}
