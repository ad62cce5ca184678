import Fluent
import Foundation
import SQLiteNIO
import SQLKit

/// A tally table declared once: the columns that name a row and the counts added to it. The one
/// declaration gives both ways a batch reaches the table — the visit writer's statement on its
/// own SQLite connection (`sqliteUpsert`, values from `sqliteValues`) and SQLKit's multi-row
/// upsert on PostgreSQL or a pooled connection (`add`) — so the two cannot drift.
struct TallyTable: Sendable {
    let name: String
    let key, counts, columns: [String]
    /// One row's upsert for the visit writer's SQLite connection: made once, since the writer
    /// runs it for each of a batch's thousands of rows while it holds the write turn.
    let sqliteUpsert: String
    /// The counts added to the row with this key, or the row made.
    private let onConflict: String

    init(name: String, key: [String], counts: [String]) {
        self.name = name
        self.key = key
        self.counts = counts
        columns = key + counts
        onConflict = " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET "
            + counts.map { "\($0) = \(name).\($0) + excluded.\($0)" }.joined(separator: ", ")
        sqliteUpsert = "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
            + onConflict
    }

    static let visits = TallyTable(name: "visit_tallies", key: ["unit_id", "stage_key", "day"],
                                   counts: ["visits", "workers", "questionnaires", "problems"])
    static let enterprises = TallyTable(name: "enterprise_tallies", key: ["unit_id", "stage_key"], counts: ["enterprises"])
    static let answers = TallyTable(name: "answer_tallies",
                                    key: ["unit_id", "stage_key", "questionnaire_key", "question_key", "value", "section", "size_class"], counts: ["n"])
    static let numbers = TallyTable(name: "number_tallies", key: ["unit_id", "stage_key", "questionnaire_key", "question_key", "value"],
                                    counts: ["n"])
    static let pairs = TallyTable(name: "pair_tallies",
                                  key: ["unit_id", "stage_key", "questionnaire_key", "first_key", "first_value", "second_key", "second_value"],
                                  counts: ["n"])

    /// Rows (key values, then counts, in `columns` order) as the SQLite connection takes them.
    static func sqliteValues(_ rows: [[any Encodable & Sendable]]) throws -> [[SQLiteData]] {
        try rows.map { try $0.map(BulkInsert.sqliteData) }
    }

    /// Adds rows through SQLKit, one multi-row upsert per `chunk` rows. Rows come sorted by key,
    /// so that two writers never wait on each other in a circle.
    func add(_ rows: [[any Encodable & Sendable]], chunk: Int = 100, on db: any Database) async throws {
        let sql = db.sql
        let names = SQLList(columns.map { SQLIdentifier($0) as any SQLExpression })
        for part in rows.chunked(chunk) {
            let values = SQLList(part.map { row in SQLGroupExpression(SQLList(row.map { SQLBind($0) as any SQLExpression })) as any SQLExpression })
            try await sql.raw("INSERT INTO \(ident: name) (\(names)) VALUES \(values)\(unsafeRaw: onConflict)").run()
        }
    }

    /// Writes rows into an emptied table (a rebuild).
    func insert(_ rows: [[any Encodable & Sendable]], on db: any Database) async throws {
        try await BulkInsert.rows(into: name, columns: columns, rows, on: db)
    }
}
