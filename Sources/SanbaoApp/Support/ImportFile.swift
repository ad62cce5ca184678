import Crypto
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

/// Where an import's bytes come from: an upload already in memory, or a file the command
/// line reads piece by piece.
enum ImportSource: Sendable {
    case bytes([UInt8])
    case file(String)
}

/// A file that cannot be read at all (undecodable, broken CSV syntax, not a workbook): one
/// whole-file issue, and nothing of it is written.
struct UnreadableFile: Error {
    var issue: ImportIssue
}

/// An import file as batches of records, saying which encoding it read. CSV is decoded and
/// parsed a megabyte at a time, so memory stays bounded however long the file; a workbook is
/// read whole (a zip has its directory at the end, and Excel stops at 1,048,576 rows).
/// Decided by content, not by the file's name: an .xls(x) saved as .csv, or the reverse, still reads.
struct RecordBatches {
    static let pieceSize = 1 << 20
    private(set) var encoding: String?
    private var stream = CSVStream(maxFieldLength: ImportFile.maxFieldLength)
    private var pending: [CSVRecord] = []
    private var unparsed: [UInt8] = []
    private var readBytes: (Int) throws -> [UInt8]
    private var ended = false
    private var hash = SHA256()

    /// The first 16 hex digits of the file's SHA-256 (once it has been read to the end): audit
    /// entries name a file by it.
    var digest: String { Hex.lower(hash.finalize().prefix(8)) }

    private let pieceSize: Int

    init(_ source: ImportSource, pieceSize: Int = RecordBatches.pieceSize) throws {
        self.pieceSize = pieceSize
        switch source {
        case .bytes(let bytes):
            var offset = 0
            readBytes = { count in
                defer { offset = min(bytes.count, offset + count) }
                return Array(bytes[offset..<min(bytes.count, offset + count)])
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
            readBytes = { count in (try handle.read(upToCount: count)).map(Array.init) ?? [] }
        }
        let first = try read(pieceSize)
        if XLSX.looksLikeZip(first) {
            encoding = "XLSX"
            var whole = first
            while case let more = try read(pieceSize), !more.isEmpty { whole += more }
            ended = true
            do {
                pending = try XLSX.records(whole, maxFieldLength: ImportFile.maxFieldLength)
            } catch let e as XLSX.Problem {
                throw UnreadableFile(issue: ImportIssue(row: e.line, reason: e.detail == "field_too_long" ? .tooLong : .badSpreadsheet,
                                                        detail: e.detail))
            } catch {
                throw UnreadableFile(issue: ImportIssue(row: 0, reason: .badSpreadsheet, detail: "\(error)"))
            }
        } else {
            unparsed = first
        }
    }

    private mutating func read(_ count: Int) throws -> [UInt8] {
        let bytes = try readBytes(count)
        hash.update(data: bytes)
        return bytes
    }

    /// Up to `count` records, or nil at the end of the file.
    mutating func next(_ count: Int) throws -> [CSVRecord]? {
        while pending.count < count && !ended {
            let piece = unparsed.isEmpty ? try read(pieceSize) : unparsed
            unparsed = []
            if piece.isEmpty {
                ended = true
                pending += try parse { try $0.finish() }
            } else {
                pending += try parse { try $0.feed(piece) }
            }
        }
        guard !pending.isEmpty else { return nil }
        let batch = Array(pending.prefix(count))
        pending.removeFirst(batch.count)
        return batch
    }

    private mutating func parse(_ step: (inout CSVStream) throws -> [CSVRecord]) throws -> [CSVRecord] {
        defer { encoding = encoding ?? stream.encoding?.rawValue }
        do {
            return try step(&stream)
        } catch let e as CSVSyntaxError {
            throw UnreadableFile(issue: ImportIssue(row: e.line, reason: e.reason == "field_too_long" ? .tooLong : .syntax, detail: e.reason))
        } catch let e as UndecodableText {
            throw UnreadableFile(issue: ImportIssue(row: e.line, reason: .undecodable))
        }
    }
}

enum ImportFile {
    static let maxFieldLength = 2_000

    /// A whole file's records at once, for the lists that are small by nature (units, cadres,
    /// quotas); a file that cannot be read becomes a single whole-file issue.
    /// A whole file opened for an import: its records and a summary that knows its encoding, or
    /// — when it cannot be read at all — the outcome that says why, with nothing written.
    struct Opened {
        var records: [CSVRecord]
        var summary: ImportSummary
        var refusal: ImportOutcome?
    }

    static func open(_ bytes: [UInt8]) -> Opened {
        let (records, encoding, issue) = Self.records(bytes)
        var summary = ImportSummary()
        summary.encoding = encoding ?? ""
        return Opened(records: records, summary: summary, refusal: issue.map { ImportOutcome(summary: summary, issues: [$0]) })
    }

    static func records(_ bytes: [UInt8]) -> (records: [CSVRecord], encoding: String?, issue: ImportIssue?) {
        var batches: RecordBatches?
        do {
            batches = try RecordBatches(.bytes(bytes))
            var all: [CSVRecord] = []
            while let batch = try batches!.next(.max) { all += batch }
            return (all, batches!.encoding, nil)
        } catch let e as UnreadableFile {
            return ([], batches?.encoding ?? (XLSX.looksLikeZip(bytes) ? "XLSX" : nil), e.issue)
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
