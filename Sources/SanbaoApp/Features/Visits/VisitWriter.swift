import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import Vapor

/// Everything one new visit writes, made ready before it reaches the writer.
struct VisitRows: Sendable {
    var visit: NewVisitRow
    /// Registry workers made from the visit (before the responses that name them).
    var workers: [[any Encodable & Sendable]]
    var responses: [ResponseRow]
    var answers: [AnswerRow]
    var problems: [NewProblemRow]
    var event: [any Encodable & Sendable]
    var audits: [[any Encodable & Sendable]]
    var taskID: UUID?
    /// What the visit adds to the tallies, handed to them once it is committed.
    var tally: NewVisitTallies.Entry
    /// On an SQLite file: the rows of each table of `VisitWriter.layout` as SQLite values.
    var sqlite: [[[SQLiteData]]] = []
}

/// Writes new visits in groups: the visits that arrive while one group is being written go
/// together in the next transaction, table by table. Each visit is noted in `tally_pending` and,
/// once committed, handed to the tallies' buffer (`NewVisitTallies`). Thirty-two phones
/// submitting at once then cost a handful of statements and one commit instead of thirty-two
/// transactions queued one behind another (one at a time, a visit took a dozen round trips to
/// the database and the server managed about a hundred a second). Each submitter still hears
/// about its own visit only once its group has committed. If a group fails, its visits are
/// written one by one, so that one bad visit fails alone.
///
/// On an SQLite file the writer has a connection and a thread of its own, and writes a group
/// in one blocking call (`SQLiteWriter`): Fluent keeps one SQLite connection per event loop,
/// and a group written through one of them made every request on that loop wait for the whole
/// transaction; written statement by statement through SQLiteNIO, each of a group's nine
/// statements waited for a thread and then for the actor, and the writer — not the CPU — set
/// the server's visit rate.
actor VisitWriter {
    private var queue: [(rows: VisitRows, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    /// The writer's connection, opened on first use; touched only on `thread`.
    private final class Connection: @unchecked Sendable { var sqlite: SQLiteWriter? }
    private let connection = Connection()
    private let thread = NIOThreadPool(numberOfThreads: 1)
    static let maxGroup = 256

    init() {
        thread.start()
    }

    func close() async throws {
        let connection = self.connection
        try await thread.runIfActive {
            connection.sqlite?.close()
            connection.sqlite = nil
        }
        try await thread.shutdownGracefully()
    }

    /// Runs `body` on the writer's thread with its connection, in the write turn.
    private func withConnection<T: Sendable>(path: String, in app: Application, _ body: @escaping @Sendable (SQLiteWriter) throws -> T) async throws -> T {
        let (connection, thread) = (self.connection, self.thread)
        return try await app.writeGate.turn {
            try await thread.runIfActive {
                if connection.sqlite == nil { connection.sqlite = try SQLiteWriter(path: path) }
                return try body(connection.sqlite!)
            }
        }
    }

    nonisolated func write(_ rows: VisitRows, in app: Application) async throws {
        var rows = rows
        if case .sqliteFile = app.config.database {
            // Converted here, in the submitting request's task: the writer's one thread is the
            // narrowest part of the server, and these casts were a tenth of its time.
            rows.sqlite = try Self.layout.map { try $0.rows(rows).map { try $0.map(BulkInsert.sqliteData) } }
        }
        try await enqueue(rows, in: app)
    }

    private func enqueue(_ rows: VisitRows, in app: Application) async throws {
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
            try await withConnection(path: path, in: app) { connection in
                try connection.transaction {
                    for (i, table) in Self.layout.enumerated() {
                        try connection.insert(into: table.name, columns: table.columns, group.flatMap { $0.sqlite[i] })
                    }
                    for task in group.compactMap(\.taskID) {
                        try connection.run("UPDATE visit_tasks SET status = 'done' WHERE id = ?", [.text(task.upperHex)])
                    }
                }
            }
            // After the write turn: a catch-up that finds these visits noted and not yet buffered
            // counts them from their rows, and the buffered entries then add nothing.
            Self.committed(group, in: app)
            return
        }
        try await app.serializedTransaction(on: app.db) { db in
            try await Self.insert(group, on: db)
        }
        Self.committed(group, in: app)
    }

    /// A batch of new visits into the tallies on an SQLite file, through the writer's own
    /// connection: each upsert prepared once and run row by row, as the visits themselves are
    /// written (through SQLKit each of a batch's two thousand rows was serialized and its values
    /// encoded one by one, and new visits waited for it). Writes nothing and says false when some
    /// of the batch's visits are no longer waiting (`VisitTally.Batch.write` then counts the rest).
    func writeTallies(_ batch: VisitTally.Batch, path: String, in app: Application) async throws -> Bool {
        let additions = batch.additions
        let rows = try await app.threadPool.runIfActive { try additions.sqliteRows() }
        let visits = batch.visits.map { SQLiteData.text($0.upperHex) }
        struct NotAllWaiting: Error {}
        do {
            try await withConnection(path: path, in: app) { connection in
                // The units the rows name come from the units' own paths: each of a batch's
                // thousands of rows need not be looked up in org_units again.
                try connection.exec("PRAGMA foreign_keys = OFF")
                defer { try? connection.exec("PRAGMA foreign_keys = ON") }
                try connection.transaction {
                    var taken = 0
                    for visit in visits { taken += try connection.run("DELETE FROM tally_pending WHERE visit_id = ?", [visit]) }
                    guard taken == visits.count else { throw NotAllWaiting() }
                    try rows.write(connection)
                }
            }
            return true
        } catch is NotAllWaiting {
            return false
        }
    }

    private static func committed(_ group: [VisitRows], in app: Application) {
        Tallies.committed(group.map(\.tally), in: app)
    }

    private static func insert(_ group: [VisitRows], on db: any Database) async throws {
        for table in layout { try await BulkInsert.rows(into: table.name, columns: table.columns, group.flatMap(table.rows), on: db) }
        let tasks = group.compactMap(\.taskID)
        if !tasks.isEmpty {
            try await db.sql.raw("UPDATE visit_tasks SET status = 'done' WHERE id IN \(SQLBind.group(tasks))").run()
        }
    }

    /// What a visit writes, table by table, in an order the foreign keys accept.
    private static let layout: [(name: String, columns: [String], rows: @Sendable (VisitRows) -> [[any Encodable & Sendable]])] = [
        (NewVisitRow.table, NewVisitRow.columns, { [$0.visit.values] }),
        ("workers", WorkerStore.columns, { $0.workers }),
        (ResponseRow.table, ResponseRow.columns, { $0.responses.map(\.values) }),
        (AnswerRow.table, AnswerRow.columns, { $0.answers.map(\.values) }),
        (NewProblemRow.table, NewProblemRow.columns, { $0.problems.map(\.values) }),
        ("visit_events", VisitService.eventColumns, { [$0.event] }),
        ("tally_pending", ["visit_id"], { [[$0.visit.id]] }),
        ("audit_events", AuditLog.columns, { $0.audits }),
    ]
}
