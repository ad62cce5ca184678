import Foundation
import SanbaoDomain
import Vapor

/// A file to take away, the one way every download is sent: a table as CSV (with a BOM, so
/// that Excel reads the Chinese text) or XLSX, whole or streamed a page at a time, or other bytes.
enum Download {
    /// A whole table; numbers in `cells` stay numbers in a workbook.
    static func table(_ cells: [[XLSX.Cell]], as format: TableFormat, named name: String) throws -> Response {
        let data: Data = switch format {
        case .csv: Data(("\u{FEFF}" + CSVWriter.document(cells.map { $0.map(\.plain) })).utf8)
        case .xlsx: try XLSX.render(cells: cells)
        }
        return bytes(data, contentType: format.contentType, named: name)
    }

    static func table(_ rows: [[String]], as format: TableFormat, named name: String) throws -> Response {
        try table(rows.map { $0.map(XLSX.Cell.text) }, as: format, named: name)
    }

    /// A CSV written a page at a time as `pages` hands them over, so a million rows never sit in
    /// memory. What could refuse the download must be checked before: the status is sent first.
    /// `pages` runs after the handler returned, so it uses the application's database.
    static func csvStream(named name: String, header: [String]? = nil,
                          pages: @escaping @Sendable (_ emit: @Sendable ([[String]]) async throws -> Void) async throws -> Void) -> Response {
        let response = Response(status: .ok, body: .init(managedAsyncStream: { writer in
            try await writer.write(.buffer(ByteBuffer(string: "\u{FEFF}" + (header.map { CSVWriter.line($0) } ?? ""))))
            try await pages { rows in try await writer.write(.buffer(ByteBuffer(string: CSVWriter.document(rows)))) }
        }))
        attach(response, contentType: TableFormat.csv.contentType, named: name)
        return response
    }

    static func bytes(_ data: Data, contentType: String, named name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        attach(response, contentType: contentType, named: name)
        return response
    }

    private static func attach(_ response: Response, contentType: String, named name: String) {
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.headers.contentDisposition = .init(.attachment, filename: name)
    }
}
