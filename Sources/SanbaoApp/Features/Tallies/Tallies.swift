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
    }

    /// Every committed visit counted: the buffer first, then any only noted in `tally_pending`.
    static func fresh(_ app: Application, _ db: any Database) async throws {
        try await VisitTally.upToDate(app, db)
    }

    /// Visits the writer has just committed (and noted in `tally_pending`): buffered, and taken
    /// in by a catch-up once a batch is waiting.
    static func committed(_ entries: [NewVisitTallies.Entry], in app: Application) {
        let buffer = app.newVisitTallies
        if buffer.add(entries) { buffer.catchUp(app) }
    }

    /// Inside a serialized transaction: everything waiting taken in (before a visit's rows change).
    static func settle(in app: Application, on db: any Database) async throws {
        try await VisitTally.flush(app, on: db)
    }

    /// What a visit adds now, read from its rows (nil when it does not count).
    static func contribution(of visit: UUID, on db: any Database) async throws -> VisitTally.Contribution? {
        try await VisitTally.stored([visit], on: db).first
    }

    /// Inside a serialized transaction, after the visit stopped counting (returned for
    /// correction): what it added taken off, and its enterprise's claims worked out again.
    static func uncount(_ counted: VisitTally.Contribution, on db: any Database) async throws {
        try await VisitTally.remove(counted, on: db)
    }

    /// Inside a serialized transaction: a visit counted again from its rows (after a correction).
    static func recount(visit id: UUID, on db: any Database) async throws {
        try await VisitTally.add(try await VisitTally.stored([id], on: db), on: db)
    }

    /// A family worked out again from the rows, inside the caller's transaction.
    static func rebuild(_ family: Family, on db: any Database) async throws {
        switch family {
        case .visits: try await VisitTally.rebuildAll(on: db)
        case .tasks(let stage): try await VisitTally.retallyTasks(stage: stage, on: db)
        case .problems(let units): try await ProblemTally.rebuild(db.sql, units: units)
        }
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
