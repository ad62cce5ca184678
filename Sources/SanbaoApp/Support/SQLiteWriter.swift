import Foundation
import SQLiteNIO
// The very SQLite that SQLiteNIO links (renamed `sqlite_nio_*`). Two copies of SQLite in one
// process would each keep their own POSIX locks on the same file and could corrupt it, so raw
// access goes through this copy, never a system library.
import VaporCSQLite

/// A raw SQLite connection for one writer thread: statements prepared once and kept, rows
/// bound and stepped one at a time, a whole transaction in one blocking call.
///
/// SQLiteNIO runs each statement as its own job on a thread pool and answers on an event
/// loop; a group of visits (six tables, BEGIN and COMMIT) then took nine round trips between
/// threads, and on a busy two-core machine each waited its turn for a core — the writer spent
/// most of its time waiting, and the whole server's visit rate was the writer's. Here a group
/// is one job. Not `Sendable` in spirit: only the writer's own thread touches it.
final class SQLiteWriter: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var message: String
        var description: String { "SQLite error \(code): \(message)" }
    }

    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String) throws {
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let rc = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK else {
            defer { sqlite_nio_sqlite3_close(db) }
            throw Failure(code: rc, message: "cannot open \(path)")
        }
        // Waits (sleeping, not spinning) while a pool connection finishes a write of its own.
        sqlite_nio_sqlite3_busy_timeout(db, 10_000)
        try exec("PRAGMA foreign_keys = ON")
        // SQLite's default cache (2 MB) let each group read back from the file the index pages
        // the group before had just written; 64 MB holds a city's hot pages.
        try exec("PRAGMA cache_size = -65536")
        // The WAL copied back into the file every 40 MB instead of every 4 MB: the hot index
        // pages every group rewrites are then copied once per checkpoint, not ten times
        // (measured: 161 → 140 KB written a visit, 956 → 1,073 visits/s).
        try exec("PRAGMA wal_autocheckpoint = 10000")
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        if db != nil { sqlite_nio_sqlite3_close_v2(db) }
        db = nil
    }

    func exec(_ sql: String) throws {
        try check(sqlite_nio_sqlite3_exec(db, sql, nil, nil, nil))
    }

    /// `body` inside BEGIN IMMEDIATE … COMMIT; rolled back if it throws.
    func transaction(_ body: () throws -> Void) throws {
        try exec("BEGIN IMMEDIATE")
        do {
            try body()
            try exec("COMMIT")
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }

    func insert(into table: String, columns: [String], _ rows: [[SQLiteData]]) throws {
        guard !rows.isEmpty else { return }
        let sql = "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        for row in rows { try run(sql, row) }
    }

    /// Runs one statement (prepared the first time it is seen) with these values, and says how
    /// many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteData]) throws -> Int {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1), in: statement) }
        let rc = sqlite_nio_sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw failure(rc) }
        return Int(sqlite_nio_sqlite3_changes(db))
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil))
        statements[sql] = statement!
        return statement!
    }

    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) throws {
        let rc: Int32 = switch value {
        case .integer(let n): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(n))
        case .float(let d): sqlite_nio_sqlite3_bind_double(statement, index, d)
        case .text(let s): sqlite_nio_sqlite3_bind_text(statement, index, s, -1, Self.transient)
        case .blob(let b): b.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
        try check(rc)
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw failure(rc) }
    }

    private func failure(_ rc: Int32) -> Failure {
        Failure(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(db)))
    }
}
