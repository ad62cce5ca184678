import Fluent
import Foundation
import SQLiteKit
import SQLKit
import Vapor

/// Everything one new visit writes, made ready before it reaches the writer.
struct VisitRows: Sendable {
    var visit: [any Encodable & Sendable]
    /// Registry workers made from the visit (before the responses that name them).
    var workers: [[any Encodable & Sendable]]
    var responses: [[any Encodable & Sendable]]
    var answers: [[any Encodable & Sendable]]
    var problems: [[any Encodable & Sendable]]
    var event: [any Encodable & Sendable]
    var audits: [[any Encodable & Sendable]]
    var taskID: UUID?
}

/// Writes new visits in groups: the visits that arrive while one group is being written go
/// together in the next transaction, a multi-row insert per table. Thirty-two phones
/// submitting at once then cost a handful of statements and one commit instead of thirty-two
/// transactions queued one behind another (one at a time, a visit took a dozen round trips to
/// the database and the server managed about a hundred a second). Each submitter still hears
/// about its own visit only once its group has committed. If a group fails, its visits are
/// written one by one, so that one bad visit fails alone.
///
/// On an SQLite file the writer has a connection of its own. Fluent keeps one SQLite
/// connection per event loop, and a group written through one of them made every request on
/// that loop wait for the whole transaction before it could even look up its enterprise;
/// with its own connection the writer commits while the pool's connections go on reading
/// (WAL lets them).
actor VisitWriter {
    private var queue: [(rows: VisitRows, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    private var connection: SQLiteConnection?
    /// The writer runs on an event loop of its own and its statements on a thread of their own.
    /// On the shared cooperative pool, each of a group's statements waited behind the requests
    /// being decoded and checked before the writer could send the next one: a group of fourteen
    /// visits took 24 ms, mostly queueing, and the writer was the whole server's limit.
    private let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private nonisolated let loop: any EventLoop

    init() {
        loop = loops.next()
        thread.start()
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    static let maxGroup = 256

    func close() async throws {
        try await connection?.close()
        connection = nil
        try await thread.shutdownGracefully()
        try await loops.shutdownGracefully()
    }

    func write(_ rows: VisitRows, in app: Application) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            queue.append((rows, done))
            if !draining {
                draining = true
                Task { await self.drain(in: app) }
            }
        }
    }

    private func drain(in app: Application) async {
        while !queue.isEmpty {
            let group = Array(queue.prefix(Self.maxGroup))
            queue.removeFirst(group.count)
            do {
                try await insert(group.map(\.rows), in: app)
                for item in group { item.done.resume() }
            } catch {
                for item in group {
                    do {
                        try await insert([item.rows], in: app)
                        item.done.resume()
                    } catch {
                        item.done.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }

    private func insert(_ group: [VisitRows], in app: Application) async throws {
        if case .sqliteFile(let path) = app.config.database {
            let connection = try await ownConnection(path, in: app)
            try await app.writeGate.turn {
                _ = try await connection.query("BEGIN IMMEDIATE")
                do {
                    try await Self.insert(group, on: connection)
                    _ = try await connection.query("COMMIT")
                } catch {
                    _ = try? await connection.query("ROLLBACK")
                    throw error
                }
            }
            return
        }
        try await app.serializedTransaction(on: app.db) { db in
            try await Self.insert(group, on: db)
        }
    }

    private func ownConnection(_ path: String, in app: Application) async throws -> SQLiteConnection {
        if let connection { return connection }
        let opened = try await SQLiteConnection.open(storage: .file(path: path), threadPool: thread, logger: app.logger, on: loop)
        _ = try await opened.query("PRAGMA foreign_keys = ON")
        connection = opened
        return opened
    }

    private static func insert(_ group: [VisitRows], on sqlite: SQLiteConnection) async throws {
        try await insert(group) { try await BulkInsert.rows(into: $0, columns: $1, $2, on: sqlite) }
        let tasks = group.compactMap(\.taskID)
        if !tasks.isEmpty {
            _ = try await sqlite.query("UPDATE visit_tasks SET status = 'done' WHERE id IN (" + tasks.map { _ in "?" }.joined(separator: ", ") + ")",
                                       tasks.map { .text($0.upperHex) })
        }
    }

    private static func insert(_ group: [VisitRows], on db: any Database) async throws {
        try await insert(group) { try await BulkInsert.rows(into: $0, columns: $1, $2, on: db) }
        let tasks = group.compactMap(\.taskID)
        if !tasks.isEmpty {
            try await (db as! any SQLDatabase).raw("UPDATE visit_tasks SET status = 'done' WHERE id IN \(SQLBind.group(tasks))").run()
        }
    }

    private static func insert(_ group: [VisitRows],
                               rows: (_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws -> Void) async throws {
        try await rows("visits", VisitService.visitColumns, group.map(\.visit))
        try await rows("workers", WorkerService.columns, group.flatMap(\.workers))
        try await rows("responses", VisitService.responseColumns, group.flatMap(\.responses))
        try await rows("answers", VisitService.answerColumns, group.flatMap(\.answers))
        try await rows("problems", VisitService.problemColumns, group.flatMap(\.problems))
        try await rows("visit_events", VisitService.eventColumns, group.map(\.event))
        try await rows("audit_events", AuditLog.columns, group.flatMap(\.audits))
    }
}

extension Application {
    private struct VisitWriterKey: StorageKey { typealias Value = VisitWriter }

    var visitWriter: VisitWriter {
        if let writer = storage[VisitWriterKey.self] { return writer }
        let writer = VisitWriter()
        storage[VisitWriterKey.self] = writer
        lifecycle.use(CloseOnShutdown(writer: writer))
        return writer
    }

    private struct CloseOnShutdown: LifecycleHandler {
        let writer: VisitWriter
        func shutdownAsync(_ application: Application) async {
            try? await writer.close()
        }
    }
}
