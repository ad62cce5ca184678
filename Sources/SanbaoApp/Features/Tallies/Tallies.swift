import Fluent
import Foundation
import SQLKit
import Vapor

/// The tallies: running sums that let a dashboard, a report or the statistics read a few rows
/// instead of counting a province's visits and problems. This is the one door to them; the
/// families behind it are
///
/// - progress (`VisitTally`): visits, workers, questionnaires and problems found per unit and
///   everything below it, stage and day; enterprises visited once per stage; tasks;
/// - answers (`AnswerTally`): each answer's value, number and pair counts per unit, stage,
///   industry section and size class;
/// - problems (`ProblemTally`): each unit's ledger figures.
///
/// What one visit adds is a `VisitTally.Contribution`, worked out by the same arithmetic whether
/// it came from the writer's buffer (`NewVisitTallies`), from the rows (a restart, a review, a
/// rebuild). Writers hand new visits in (`committed`), take a visit out or count it again inside
/// their transaction (`settle`, then `uncount` or `recount`), and rebuild a family after a bulk change
/// (`rebuild`). Readers never bring the tallies up to date themselves: they ask for a fresh
/// reader (`ProgressStore.fresh`, `StatisticsStore.fresh`, `ReportStore.fresh`), which
/// calls `fresh` first.
enum Tallies {
    enum Family: Sendable {
        /// Progress and answers, from every visit and task.
        case visits
        /// The tasks' counts of one stage (after an assignment is published).
        case tasks(stage: UUID)
        /// The ledger's figures of these units (all when nil).
        case problems(units: [UUID]?)

        var turn: Turn { if case .problems = self { .problems } else { .visits } }
    }

    /// For a reader (a dashboard, a report's live figures, statistics): what was committed before
    /// the read began taken in, as far as it can be without waiting — never behind another
    /// writer's turn, and for at most about a second; what is left is counted by the catch-up
    /// (`catchUp`, every few seconds) and shown as waiting (`waiting`).
    static func fresh(_ app: Application, _ db: any Database) async throws {
        try await VisitTally.upToDate(app, db, budget: .seconds(1), waitForTurn: false)
    }

    /// Everything committed before the call counted, waiting for the turn if another writer has
    /// it: the repeating catch-up, the demo loader, the command line.
    static func catchUp(_ app: Application, _ db: any Database) async throws {
        try await VisitTally.upToDate(app, db, budget: nil, waitForTurn: true)
    }

    /// Visits committed and not yet in the figures (counted as far as `upTo`).
    static func waiting(on db: any Database, upTo limit: Int = 10_000) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM (SELECT 1 FROM tally_pending LIMIT \(bind: limit)) AS w")
            .first(decoding: N.self)?.n ?? 0
    }

    /// Visits the writer has just committed (and noted in `tally_pending`): buffered, and taken
    /// in by a catch-up once a batch is waiting.
    static func committed(_ entries: [NewVisitTallies.Entry], in app: Application) {
        let buffer = app.newVisitTallies
        if buffer.add(entries) { buffer.catchUp(app) }
    }

    /// Inside a serialized transaction, before a visit stops counting (returned for correction):
    /// taken out of the figures — off the tallies if it was counted, out of `tally_pending` if it
    /// was still waiting (then whoever holds it in memory finds it gone and leaves it out).
    static func stopCounting(visit id: UUID, on db: any Database) async throws {
        // Still waiting: taking its row is all (no tally is written, so no turn is needed; a
        // batch that holds it finds it gone). Counted: its contribution comes off, in turn.
        struct P: Decodable { var visit_id: UUID }
        let waited = try await db.sql.raw("DELETE FROM tally_pending WHERE visit_id = \(bind: id) RETURNING visit_id").first(decoding: P.self)
        guard waited == nil else { return }
        try await takeTurn(.visits, on: db)
        guard let counted = try await VisitTally.stored([id], on: db).first else { return }
        try await VisitTally.remove(counted, on: db)
    }

    /// Inside a serialized transaction: a visit counted again from its rows (after a correction).
    static func recount(visit id: UUID, on db: any Database) async throws {
        try await takeTurn(.visits, on: db)
        try await VisitTally.add(try await VisitTally.stored([id], on: db), on: db)
    }

    /// A family worked out again from the rows, inside the caller's transaction.
    static func rebuild(_ family: Family, on db: any Database) async throws {
        try await takeTurn(family.turn, on: db)
        switch family {
        case .visits: try await VisitTally.rebuildAll(on: db)
        case .tasks(let stage): try await VisitTally.retallyTasks(stage: stage, on: db)
        case .problems(let units): try await ProblemTally.rebuild(db.sql, units: units)
        }
    }

    /// Whose turn it is to write a family's tables. On PostgreSQL every instance's writers of the
    /// visit tallies (catch-up batches, reviews, corrections, rebuilds) take turns through a lock
    /// held to the end of the transaction: their upserts and `tally_pending` deletes would
    /// otherwise cross and deadlock, and a rebuild would meet another's new rows. A batch holds
    /// it for tens of milliseconds. On SQLite the write gate already lets one writer in at a time.
    /// The lock is one per family and schema (the tests give each test a schema of its own).
    enum Turn: Int32 { case visits = 0x5A4E_0001, problems = 0x5A4E_0002 }

    static func takeTurn(_ turn: Turn, on db: any Database) async throws {
        guard db.sql.dialect.name == "postgresql" else { return }
        try await db.sql.raw("SELECT pg_advisory_xact_lock(\(bind: turn.rawValue), hashtext(current_schema()))").run()
    }

    /// The turn if it is free now (a reader that must not wait); always on SQLite.
    static func tryTurn(_ turn: Turn, on db: any Database) async throws -> Bool {
        guard db.sql.dialect.name == "postgresql" else { return true }
        struct Got: Decodable { var got: Bool }
        return try await db.sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: turn.rawValue), hashtext(current_schema())) AS got")
            .first(decoding: Got.self)?.got ?? false
    }

    /// How many rows a family's main table holds (what a rebuild reports).
    static func rows(_ family: Family, on db: any Database) async throws -> Int {
        struct N: Decodable { var n: Int }
        let table = switch family { case .visits, .tasks: "visit_tallies"; case .problems: "problem_tallies" }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: N.self)?.n ?? 0
    }
}

/// A store that reads the tallies (a dashboard's, a report's figures): started with `fresh`,
/// which counts every committed visit first.
protocol TallyReader {
    init(app: Application, db: any Database, principal: Principal)
}

extension TallyReader {
    static func fresh(_ app: Application, _ db: any Database, _ principal: Principal) async throws -> Self {
        try await Tallies.fresh(app, db)
        return Self(app: app, db: db, principal: principal)
    }
}
