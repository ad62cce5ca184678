import Fluent
import SQLKit
import NIOConcurrencyHelpers
import SanbaoDomain
import Vapor

/// One write transaction at a time on SQLite. SQLite lets one connection write; when two of
/// the pool's connections both begin writing, the loser's busy handler retries at once, over
/// and over, and under load that spinning took a quarter of the server's time. Waiting here
/// instead costs nothing. PostgreSQL locks rows, not the database, and passes straight through.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    /// Runs `body` when it is this caller's turn to write.
    nonisolated func turn<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

extension Application {
    /// A transaction that waits its turn on SQLite.
    func serializedTransaction<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // Inside a transaction already (a service called by another's): it holds the turn.
        if db.inTransaction { return try await body(db) }
        guard (db as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await db.transaction(body) }
        return try await writeGate.turn { try await db.transaction(body) }
    }
}

struct CachedQuestionnaire: Sendable {
    var id: UUID
    var questionnaire: Questionnaire
}
