import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// New visits on their way into the tallies.
///
/// The writer notes each visit it commits in `tally_pending`, so that none is forgotten if the
/// server stops, and hands what the visit adds — as the request already had it — to this
/// buffer. The tallies take buffered visits in without reading them back: reading a visit's
/// answers back and decoding them was a third of the cost of bringing it in. A batch is worked
/// out before the write turn and only written within it, so that new visits wait for a few
/// upserts, not for the arithmetic.
///
/// A visit is counted by the transaction that deletes its `tally_pending` row, and only by it.
/// A batch whose rows are no longer all there (a review's catch-up or another server process
/// took some first) counts those still there from their stored rows instead. Visits noted but
/// not in memory — written before a restart — are read back from the rows.
final class NewVisitTallies: Sendable {
    /// What one committed visit adds, before its unit's place and its stage are looked up.
    struct Entry: Sendable {
        var visit, unit: UUID
        var taskStage: UUID?
        var finishedAt: Date
        var enterprise: UUID
        var industryCode, sizeClass: String
        var workers, questionnaires, problems: Int
        var answers: [AnswerTally.Stored]
    }

    private struct State {
        var entries: [Entry] = []
        var catchingUp = false
    }

    private let state = NIOLockedValueBox(State())
    /// Visits per batch: 250 of the benchmark's visits hold the write turn for about 20 ms
    /// (6,000 answer rows, 700 pair rows); a dozen took 10–20 ms (the pair rows hardly shrink).
    static let batch = 250

    /// Visits the writer has just committed. Says whether the caller should start a catch-up: a
    /// batch is waiting and no catch-up runs.
    func add(_ entries: [Entry]) -> Bool {
        state.withLockedValue { s in
            s.entries += entries
            guard s.entries.count >= Self.batch, !s.catchingUp else { return false }
            s.catchingUp = true
            return true
        }
    }

    /// Up to `n` visits; none unless there are `n` when `whole` (a catch-up that runs on its
    /// own leaves a part batch for the next: batches of a dozen cost nearly as much as full ones).
    func take(_ n: Int, whole: Bool = false) -> [Entry] {
        state.withLockedValue { s in
            guard !whole || s.entries.count >= n else { return [] }
            let taken = Array(s.entries.prefix(n))
            s.entries.removeFirst(taken.count)
            return taken
        }
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Entries a reader took but could not count (another writer had the turn): first in line again.
    func putBack(_ entries: [Entry]) { state.withLockedValue { $0.entries.insert(contentsOf: entries, at: 0) } }

    fileprivate func caughtUp() { state.withLockedValue { $0.catchingUp = false } }

    /// Takes whole batches in while there are any, then lets the next full batch start another
    /// catch-up. A failure is logged: the visits stay in `tally_pending` and are read back later.
    func catchUp(_ app: Application) {
        Task {
            defer { caughtUp() }
            do { try await VisitTally.takeInBuffered(app, app.db, wholeBatches: true) } catch {
                app.logger.error("tally catch-up failed: \(String(reflecting: error))")
            }
        }
    }
}


extension VisitTally {
    /// Brings the tallies up to date with what was committed before the call: this process's
    /// buffer as it stands, then the visits only noted in `tally_pending`, as many as were
    /// waiting when it began — never chasing visits that keep arriving. With a `budget` it stops
    /// when that is spent; without `waitForTurn` it stops as soon as another writer has the turn.
    static func upToDate(_ app: Application, _ db: any Database, budget: TimeAmount?, waitForTurn: Bool) async throws {
        let deadline = budget.map { NIODeadline.now() + $0 }
        func timeLeft() -> Bool { deadline.map { NIODeadline.now() < $0 } ?? true }
        var buffered = app.newVisitTallies.count
        while buffered > 0, timeLeft() {
            let entries = app.newVisitTallies.take(min(NewVisitTallies.batch, buffered))
            guard !entries.isEmpty else { break }
            buffered -= entries.count
            guard try await write(entries, app, db, waitForTurn: waitForTurn) else {
                app.newVisitTallies.putBack(entries)
                return
            }
        }
        // Counted only as far as one call can take in: a reader's page must not scan a backlog.
        var noted = try await Tallies.waiting(on: db, upTo: budget == nil ? 100_000 : 2_000)
        var first = true   // one pass of what is only noted, however long the buffer took
        while noted > 0, first || timeLeft() {
            first = false
            let limit = min(500, noted)
            let taken = try await app.serializedTransaction(on: db) { db in try await takeInStored(limit: limit, waitForTurn: waitForTurn, on: db) }
            guard let taken, taken > 0 else { return }
            noted -= taken
        }
    }

    /// Whole batches of the buffer, while there are (the catch-up a full batch starts).
    static func takeInBuffered(_ app: Application, _ db: any Database, wholeBatches: Bool) async throws {
        while case let entries = app.newVisitTallies.take(NewVisitTallies.batch, whole: wholeBatches), !entries.isEmpty {
            _ = try await write(entries, app, db, waitForTurn: true)
        }
    }

    /// Buffered visits counted; false when the turn was taken and `waitForTurn` is not set.
    private static func write(_ entries: [NewVisitTallies.Entry], _ app: Application, _ db: any Database, waitForTurn: Bool) async throws -> Bool {
        let batch = try await Batch(entries, in: app, on: db)
        if case .sqliteFile(let path) = app.config.database, try await app.visitWriter.writeTallies(batch, path: path, in: app) { return true }
        return try await app.serializedTransaction(on: db) { db in
            guard try await turn(waitForTurn, on: db) else { return false }
            try await batch.write(on: db)
            return true
        }
    }

    /// The visits' turn: waited for, or taken only if free now.
    private static func turn(_ wait: Bool, on db: any Database) async throws -> Bool {
        if wait { try await Tallies.takeTurn(.visits, on: db); return true }
        return try await Tallies.tryTurn(.visits, on: db)
    }

    /// Up to `limit` of the visits noted and not buffered, read back from their rows: how many
    /// were taken (nil when the turn was not free and not waited for).
    private static func takeInStored(limit: Int, waitForTurn: Bool, on db: any Database) async throws -> Int? {
        guard try await turn(waitForTurn, on: db) else { return nil }
        struct P: Decodable { var visit_id: UUID }
        let taken = try await db.sql.raw("""
            DELETE FROM tally_pending WHERE visit_id IN (SELECT visit_id FROM tally_pending ORDER BY visit_id LIMIT \(unsafeRaw: String(limit)))
            RETURNING visit_id
            """).all(decoding: P.self).map(\.visit_id)
        if !taken.isEmpty { try await add(try await stored(taken, on: db), on: db) }
        return taken.count
    }

    /// Buffered visits with what they add worked out.
    struct Batch: Sendable {
        var visits: [UUID]
        var additions: Additions

        init(_ entries: [NewVisitTallies.Entry], in app: Application, on db: any Database) async throws {
            let sql = db.sql
            let kinds = try await AnswerTally.kinds(on: db)
            let stages = try await VisitTally.stages(on: db)
            struct Unit: Decodable { var id: UUID; var path: String }
            let paths = Dictionary(try await sql.raw("SELECT id, path FROM org_units WHERE id IN \(SQLBind.group(Array(Set(entries.map(\.unit)))))")
                .all(decoding: Unit.self).map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
            visits = entries.map(\.visit)
            let contributions = entries.compactMap { e -> Contribution? in
                guard let path = paths[e.unit] else { return nil }
                let day = VisitTally.day(e.finishedAt)
                return Contribution(unitPath: path, stageKey: stageKey(taskStage: e.taskStage, day: day, stages: stages), day: day,
                                    enterpriseID: e.enterprise, workers: e.workers, questionnaires: e.questionnaires, problems: e.problems,
                                    section: AnswerTally.section(e.industryCode), size: e.sizeClass,
                                    answers: AnswerTally.values(e.answers) { kinds[$0]?[$1] })
            }
            // Tens of milliseconds of arithmetic for a whole batch: on the pool for blocking work,
            // not on one of the threads that run the requests' tasks, which it would hold up.
            additions = try await app.threadPool.runIfActive { Additions(contributions) }
        }

        /// Inside the write turn (`Tallies.takeTurn`): counts the batch if all its visits are
        /// still waiting, else those still waiting from their rows.
        func write(on db: any Database) async throws {
            struct P: Decodable { var visit_id: UUID }
            var taken: [UUID] = []
            for chunk in visits.chunked(2000) {
                taken += try await db.sql.raw("DELETE FROM tally_pending WHERE visit_id IN \(SQLBind.group(Array(chunk))) RETURNING visit_id")
                    .all(decoding: P.self).map(\.visit_id)
            }
            if taken.count == visits.count {
                try await add(additions, on: db)
            } else if !taken.isEmpty {
                try await add(try await stored(taken, on: db), on: db)
            }
        }
    }
}
