import Fluent
import Foundation
import SQLKit
import Vapor

/// Everything one new visit writes, made ready before it reaches the writer.
struct VisitRows: Sendable {
    var visit: [any Encodable & Sendable]
    var responses: [[any Encodable & Sendable]]
    var answers: [[any Encodable & Sendable]]
    var problems: [[any Encodable & Sendable]]
    var event: [any Encodable & Sendable]
    var audit: [any Encodable & Sendable]
    var taskID: UUID?
}

/// Writes new visits in groups: the visits that arrive while one group is being written go
/// together in the next transaction, a multi-row insert per table. Thirty-two phones
/// submitting at once then cost a handful of statements and one commit instead of thirty-two
/// transactions queued one behind another (one at a time, a visit took a dozen round trips to
/// the database and the server managed about a hundred a second). Each submitter still hears
/// about its own visit only once its group has committed. If a group fails, its visits are
/// written one by one, so that one bad visit fails alone.
actor VisitWriter {
    private var queue: [(rows: VisitRows, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    static let maxGroup = 256

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
                try await Self.insert(group.map(\.rows), in: app)
                for item in group { item.done.resume() }
            } catch {
                for item in group {
                    do {
                        try await Self.insert([item.rows], in: app)
                        item.done.resume()
                    } catch {
                        item.done.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }

    private static func insert(_ group: [VisitRows], in app: Application) async throws {
        try await app.serializedTransaction(on: app.db) { db in
            try await BulkInsert.rows(into: "visits", columns: VisitService.visitColumns, group.map(\.visit), on: db)
            try await BulkInsert.rows(into: "responses", columns: VisitService.responseColumns, group.flatMap(\.responses), on: db)
            try await BulkInsert.rows(into: "answers", columns: VisitService.answerColumns, group.flatMap(\.answers), on: db)
            try await BulkInsert.rows(into: "problems", columns: VisitService.problemColumns, group.flatMap(\.problems), on: db)
            try await BulkInsert.rows(into: "visit_events", columns: VisitService.eventColumns,
                                      group.map(\.event), on: db)
            try await BulkInsert.rows(into: "audit_events", columns: AuditLog.columns, group.map(\.audit), on: db)
            let tasks = group.compactMap(\.taskID)
            if !tasks.isEmpty {
                try await (db as! any SQLDatabase).raw("UPDATE visit_tasks SET status = 'done' WHERE id IN \(SQLBind.group(tasks))").run()
            }
        }
    }
}

extension Application {
    private struct VisitWriterKey: StorageKey { typealias Value = VisitWriter }

    var visitWriter: VisitWriter {
        if let writer = storage[VisitWriterKey.self] { return writer }
        let writer = VisitWriter()
        storage[VisitWriterKey.self] = writer
        return writer
    }
}
