import Foundation
import SQLiteNIO

extension VisitTally.Additions {
    /// What a batch adds as SQLite values, made before the write turn, written row by row by the
    /// visit writer's connection (`VisitWriter.writeTallies`). The same rows, in the same order,
    /// as `VisitTally.add(_:on:)` writes through SQLKit.
    struct SQLiteRows: Sendable {
        var counts: [[SQLiteData]] = []
        var claims: [(stage: VisitTally.StageKey, values: [SQLiteData])] = []
        var answers: [[SQLiteData]] = []
        var numbers: [[SQLiteData]] = []
        var pairs: [[SQLiteData]] = []

        static let countUpsert = upsert("visit_tallies", ["unit_id", "stage_key", "day"], adding: ["visits", "workers", "questionnaires", "problems"])
        static let enterpriseUpsert = upsert("enterprise_tallies", ["unit_id", "stage_key"], adding: ["enterprises"])
        static let claim = """
            INSERT INTO visited_enterprises (stage_key, enterprise_id, unit_id) VALUES (?, ?, ?)
            ON CONFLICT (stage_key, enterprise_id, unit_id) DO NOTHING
            """
        static let answerUpsert = upsert("answer_tallies", AnswerTally.countColumns.dropLast(), adding: ["n"])
        static let numberUpsert = upsert("number_tallies", AnswerTally.numberColumns.dropLast(), adding: ["n"])
        static let pairUpsert = upsert("pair_tallies", AnswerTally.pairColumns.dropLast(), adding: ["n"])

        /// One row's upsert: the counts added to the row with this key, or the row made.
        static func upsert(_ table: String, _ key: some Collection<String>, adding counts: [String]) -> String {
            let columns = Array(key) + counts
            return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
                + " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET "
                + counts.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        }

        func write(_ connection: SQLiteWriter) throws {
            for row in counts { try connection.run(Self.countUpsert, row) }
            var claimed: [VisitTally.StageKey: Int] = [:]
            for claim in claims where try connection.run(Self.claim, claim.values) == 1 { claimed[claim.stage, default: 0] += 1 }
            for (key, n) in VisitTally.sortedRows(claimed) {
                try connection.run(Self.enterpriseUpsert, [.text(key.unit.upperHex), .text(key.stage), .integer(n)])
            }
            for row in answers { try connection.run(Self.answerUpsert, row) }
            for row in numbers { try connection.run(Self.numberUpsert, row) }
            for row in pairs { try connection.run(Self.pairUpsert, row) }
        }
    }

    func sqliteRows() throws -> SQLiteRows {
        let (answers, numbers, pairs) = AnswerTally.rows(self.answers)
        func values(_ rows: [[any Encodable & Sendable]]) throws -> [[SQLiteData]] { try rows.map { try $0.map(BulkInsert.sqliteData) } }
        return SQLiteRows(
            counts: VisitTally.sortedRows(counts).map { k, c in
                [.text(k.unit.upperHex), .text(k.stage), .text(k.day), .integer(c.visits), .integer(c.workers), .integer(c.questionnaires), .integer(c.problems)]
            },
            claims: claims.map { c in (VisitTally.StageKey(unit: c.unit, stage: c.stage), [.text(c.stage), .text(c.enterprise.upperHex), .text(c.unit.upperHex)]) },
            answers: try values(answers), numbers: try values(numbers), pairs: try values(pairs))
    }
}
