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

    static func records(_ bytes: [UInt8]) -> (records: [CSVRecord], encoding: SourceEncoding?, issue: ImportIssue?) {
        do {
            let (text, encoding) = try TextDecoding.decode(bytes)
            do {
                return (try CSVParser.records(in: text, maxFieldLength: maxFieldLength), encoding, nil)
            } catch let e as CSVSyntaxError {
                let reason: ImportIssue.Reason = e.reason == "field_too_long" ? .tooLong : .syntax
                return ([], encoding, ImportIssue(row: e.line, reason: reason, detail: e.reason))
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
