import Fluent
import SanbaoDomain
import SQLKit

/// The ledger's figures kept per responsible unit, so that a unit's figures over its subtree
/// add up a few hundred rows instead of reading every problem: each problem carries what it
/// adds (working days to its first resolution, its callbacks), `problem_tallies` sums them per
/// unit and `problem_open` counts open problems per unit and deadline (overdue depends on the
/// day asked). Both are rebuilt for a unit whenever one of its problems changes.
struct CreateProblemTallies: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
        ("working_days_to_resolve", .int, []),
        ("callbacks", .int, [.required, .sql(.default(0))]),
        ("satisfied_callbacks", .int, [.required, .sql(.default(0))]),
    ]

    func prepare(on database: any Database) async throws {
        for (name, type, constraints) in Self.columns {
            try await database.schema("problems").field(.definition(name: .key(.string(name)), dataType: type, constraints: constraints)).update()
        }
        try await database.schema("problem_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("received", .int, .required)
            .field("resolved", .int, .required)
            .field("on_time", .int, .required)
            .field("reworked", .int, .required)
            .field("working_days", .int, .required)
            .field("callbacks", .int, .required)
            .field("satisfied", .int, .required)
            .unique(on: "unit_id")
            .create()
        try await database.schema("problem_open")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("deadline", .string, .required)
            .field("n", .int, .required)
            .unique(on: "unit_id", "deadline")
            .create()
        let sql = database as! any SQLDatabase
        // The scan counts its reminders per kind and day, and reads reworked problems by count.
        try await sql.create(index: "notifications_day").on("notifications").column("day").column("kind").run()
        try await sql.create(index: "problems_rework").on("problems").column("rework_count").run()
        // The ledger's lists, in deadline order without sorting a province: every problem, the
        // open ones, those being worked on (partial indexes: SQLite and PostgreSQL both have them).
        try await sql.create(index: "problems_by_deadline").on("problems").column("deadline").column("id").run()
        try await sql.raw("""
            CREATE INDEX problems_open_by_deadline ON problems (deadline, id)
            WHERE status IN ('reported', 'returned', 'dispatched', 'accepted', 'in_progress')
            """).run()
        // These serve what the (status, deadline) index did, and keep newer SQLite planners from
        // sorting a province's open problems through it instead of reading one in order.
        try await sql.drop(index: "problems_deadline").run()
        try await sql.raw("""
            CREATE INDEX problems_working_by_deadline ON problems (deadline, id) WHERE status IN ('dispatched', 'accepted', 'in_progress')
            """).run()
        try await sql.raw("CREATE INDEX problems_resolved_by_deadline ON problems (deadline, id) WHERE status = 'resolved'").run()

        // What problems already in the ledger add: their callbacks from the timeline, their
        // working days on the stored calendar.
        try await sql.raw("""
            UPDATE problems SET
              callbacks = (SELECT COUNT(*) FROM problem_events ev WHERE ev.problem_id = problems.id AND ev.step = 'callback'),
              satisfied_callbacks = (SELECT COUNT(*) FROM problem_events ev WHERE ev.problem_id = problems.id AND ev.step = 'callback'
                                     AND ev.satisfaction IN ('satisfied', 'basically_satisfied'))
            WHERE EXISTS (SELECT 1 FROM problem_events ev WHERE ev.problem_id = problems.id AND ev.step = 'callback')
            """).run()
        let calendar = try await CalendarService.read(sql)
        struct Span: Decodable { var reported_on: String; var first_resolved_on: String }
        for span in try await sql.raw("""
            SELECT DISTINCT reported_on, first_resolved_on FROM problems WHERE reported_on IS NOT NULL AND first_resolved_on IS NOT NULL
            """).all(decoding: Span.self) {
            guard let from = Day(span.reported_on), let to = Day(span.first_resolved_on) else { continue }
            try await sql.raw("""
                UPDATE problems SET working_days_to_resolve = \(bind: calendar.workingDays(from: from, to: to))
                WHERE reported_on = \(bind: span.reported_on) AND first_resolved_on = \(bind: span.first_resolved_on)
                """).run()
        }
        try await ProblemTally.rebuild(sql, units: nil)
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "notifications_day").run()
        try await sql.drop(index: "problems_rework").run()
        for index in ["problems_by_deadline", "problems_open_by_deadline", "problems_working_by_deadline", "problems_resolved_by_deadline"] { try await sql.drop(index: index).run() }
        try await sql.create(index: "problems_deadline").on("problems").column("status").column("deadline").run()
        try await database.schema("problem_open").delete()
        try await database.schema("problem_tallies").delete()
        for (name, _, _) in Self.columns.reversed() { try await database.schema("problems").deleteField(.string(name)).update() }
    }
}
