import Fluent
import Foundation
import SQLiteKit
import SQLKit

/// Multi-row INSERTs for imports and solver drafts, in chunks that stay under SQLite's and
/// PostgreSQL's bind limits.
///
/// On SQLite the values go to the connection as they are: SQLKit's serializer and the
/// `Encodable`-based data encoder cost more than SQLite's own insert once a file has a million
/// rows. Values are stored exactly as Fluent stores them (UUIDs as upper-case text, dates as
/// seconds since 1970, booleans as 0/1), so Fluent reads the rows back unchanged.
enum BulkInsert {
    /// One row's values, already in the form the database takes: an import converts a batch
    /// while the batch before it is still being written.
    struct Row: Sendable {
        fileprivate var sqlite: [SQLiteData]?
        fileprivate var values: [any Encodable & Sendable]

        init(_ values: [any Encodable & Sendable], for db: any Database) throws {
            if db is any SQLiteDatabase {
                sqlite = try values.map(BulkInsert.sqliteData)
                self.values = []
            } else {
                self.values = values
            }
        }
    }

    static func rows(into table: String, columns: [String], _ rows: [[any Encodable & Sendable]], on db: any Database) async throws {
        try await self.rows(into: table, columns: columns, rows.map { try Row($0, for: db) }, on: db)
    }

    static func rows(into table: String, columns: [String], _ rows: [Row], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        if let sqlite = db as? any SQLiteDatabase {
            return try await self.rows(into: table, columns: columns, rows.map { $0.sqlite! }, on: sqlite)
        }
        let sql = db.sql
        let perStatement = max(1, 30_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + perStatement, rows.count)] { insert = insert.values(row.values) }
            try await insert.run()
        }
    }

    private static func rows(into table: String, columns: [String], _ rows: [[SQLiteData]], on sqlite: any SQLiteDatabase) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 30_000 / columns.count)
        let head = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns.count)
            for row in chunk { binds += row }
            let sql = head + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            // Logged as SQLKit logs what it runs, so that the log-privacy tests see these binds too.
            if sqlite.logger.logLevel <= .debug { sqlite.logger.debug("\(head)… \(binds)") }
            _ = try await sqlite.query(sql, binds)
        }
    }

    /// A value as SQLite stores it, the way Fluent would have stored it.
    static func sqliteData(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let v as String: .text(v)
        case let v as Int: .integer(v)
        case let v as Double: .float(v)
        case let v as Bool: .integer(v ? 1 : 0)
        case let v as UUID: .text(v.upperHex)
        case let v as Date: .float(v.timeIntervalSince1970)
        case let v as any OptionalValue where v.isNone: .null
        default: try SQLiteDataEncoder().encode(value)
        }
    }
}

private protocol OptionalValue { var isNone: Bool { get } }
extension Optional: OptionalValue { var isNone: Bool { self == nil } }

/// A row to insert, typed: it names its table and columns and gives its values in that order, in
/// one place, so that no list of values is matched to a list of columns by hand anywhere else.
protocol TableRow: Sendable {
    static var table: String { get }
    static var columns: [String] { get }
    var values: [any Encodable & Sendable] { get }
}

extension BulkInsert {
    static func insert<Row: TableRow>(_ rows: [Row], on db: any Database) async throws {
        try await Self.rows(into: Row.table, columns: Row.columns, rows.map(\.values), on: db)
    }
}
