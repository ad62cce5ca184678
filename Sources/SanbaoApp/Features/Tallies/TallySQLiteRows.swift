import Foundation
import SQLiteNIO

extension VisitTally.Additions {
    /// What a batch adds as SQLite values, made before the write turn, written row by row by the
    /// visit writer's connection (`VisitWriter.writeTallies`). The same rows, in the same order,
    /// as `VisitTally.add(_:on:)` writes through SQLKit: both from `TallyTable`.
    struct SQLiteRows: Sendable {
        var counts: [[SQLiteData]] = []
        var claims: [(stage: VisitTally.StageKey, values: [SQLiteData])] = []
        var answers: [[SQLiteData]] = []
        var numbers: [[SQLiteData]] = []
        var pairs: [[SQLiteData]] = []

        static let claim = """
            INSERT INTO visited_enterprises (stage_key, enterprise_id, unit_id) VALUES (?, ?, ?)
            ON CONFLICT (stage_key, enterprise_id, unit_id) DO NOTHING
            """

        func write(_ connection: SQLiteWriter) throws {
            for row in counts { try connection.run(TallyTable.visits.sqliteUpsert, row) }
            var claimed: [VisitTally.StageKey: Int] = [:]
            for claim in claims where try connection.run(Self.claim, claim.values) == 1 { claimed[claim.stage, default: 0] += 1 }
            for row in try TallyTable.sqliteValues(VisitTally.rows(claimed)) { try connection.run(TallyTable.enterprises.sqliteUpsert, row) }
            for row in answers { try connection.run(TallyTable.answers.sqliteUpsert, row) }
            for row in numbers { try connection.run(TallyTable.numbers.sqliteUpsert, row) }
            for row in pairs { try connection.run(TallyTable.pairs.sqliteUpsert, row) }
        }
    }

    func sqliteRows() throws -> SQLiteRows {
        let (answers, numbers, pairs) = AnswerTally.rows(self.answers)
        return SQLiteRows(
            counts: try TallyTable.sqliteValues(VisitTally.rows(counts)),
            claims: claims.map { c in (VisitTally.StageKey(unit: c.unit, stage: c.stage), [.text(c.stage), .text(c.enterprise.upperHex), .text(c.unit.upperHex)]) },
            answers: try TallyTable.sqliteValues(answers), numbers: try TallyTable.sqliteValues(numbers), pairs: try TallyTable.sqliteValues(pairs))
    }
}
