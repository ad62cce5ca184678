import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Answers counted as they come in, for the statistics of big subtrees: for the units down to
/// `maxDepth` (the province, its cities, their districts and industry unions), per stage, how
/// many counting visits' answers gave each value to each question, split by the visited
/// enterprise's industry section and size class (`answer_tallies`), each number given
/// (`number_tallies`), and each two values given together in one response (`pair_tallies`, for
/// a question crossed with another). A value "*" counts the responses that answered a question; the question
/// "" counts responses. Kept with the progress tallies (`VisitTally`): added when new visits are
/// brought into the tallies or a visit is corrected, taken off when it is returned, rebuilt with them.
///
/// Deeper units' subtrees are small enough to count from the answers themselves, and so are
/// statistics narrowed to days.
enum AnswerTally {
    static let maxDepth = TallyArithmetic.maxDepth

    typealias Value = TallyArithmetic.Answer

    /// An answer as it is stored, one row per value (`answers`), read from the row's columns.
    struct Stored: Sendable, Decodable {
        var response: UUID
        var questionnaire, question: String
        var number: Double?
        var text: String?

        enum CodingKeys: String, CodingKey {
            case response = "response_id", questionnaire = "questionnaire_key", question = "question_key", number = "number_value", text = "text_value"
        }
    }

    /// A stored answer with its visit: `SELECT visit_id, response_id, questionnaire_key, question_key, number_value, text_value`.
    struct StoredRow: Decodable {
        var visit: UUID
        var answer: Stored

        enum CodingKeys: String, CodingKey { case visit = "visit_id" }

        init(from decoder: any Decoder) throws {
            visit = try decoder.container(keyedBy: CodingKeys.self).decode(UUID.self, forKey: .visit)
            answer = try Stored(from: decoder)
        }
    }

    /// Classifies stored answer rows by their questions' kinds; free text is counted as answered only.
    static func values(_ rows: [Stored], kind: (String, String) -> Questionnaire.Kind?) -> [Value] {
        rows.map { r in
            var v = Value(response: r.response, questionnaire: r.questionnaire, question: r.question, category: nil, number: nil)
            switch kind(r.questionnaire, r.question) {
            case .single?, .multiple?, .yesNo?: v.category = r.text
            case .scale?: v.category = r.number.map { String(Int($0)) }; v.number = r.number
            case .number?, .money?: v.number = r.number
            default: break
            }
            return v
        }
    }

    /// The kinds of every question of every questionnaire, newest version winning.
    static func kinds(on db: any Database) async throws -> [String: [String: Questionnaire.Kind]] {
        var out: [String: [String: Questionnaire.Kind]] = [:]
        for row in try await QuestionnaireVersion.query(on: db).sort(\.$version).all() {
            for q in try row.questionnaire().questions { out[row.key, default: [:]][q.key] = q.kind }
        }
        return out
    }

    typealias Key = TallyArithmetic.AnswerKey
    typealias NumberKey = TallyArithmetic.NumberKey
    typealias PairKey = TallyArithmetic.PairKey
    typealias Deltas = TallyArithmetic.AnswerDeltas

    static func deltas(_ cs: [VisitTally.Contribution], sign: Int) -> Deltas { TallyArithmetic.answerDeltas(cs, sign: sign) }
    static func sorted(_ d: Deltas) -> (counts: [(key: Key, value: Int)], numbers: [(key: NumberKey, value: Int)], pairs: [(key: PairKey, value: Int)]) {
        TallyArithmetic.sorted(d)
    }

    /// Each tally's rows, in `TallyTable.answers`, `.numbers` and `.pairs` column order.
    static func rows(_ d: Deltas) -> (counts: [[any Encodable & Sendable]], numbers: [[any Encodable & Sendable]], pairs: [[any Encodable & Sendable]]) {
        let (counts, numbers, pairs) = sorted(d)
        return (counts.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.question, $0.key.value, $0.key.section, $0.key.size, $0.value] },
                numbers.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.question, $0.key.value, $0.value] },
                pairs.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.first, $0.key.firstValue, $0.key.second, $0.key.secondValue, $0.value] })
    }

    /// Adds the counts to the rows already there (a new visit, a return, a correction).
    static func apply(_ d: Deltas, on db: any Database) async throws {
        let (counts, numbers, pairs) = rows(d)
        try await TallyTable.answers.add(counts, on: db)
        try await TallyTable.numbers.add(numbers, on: db)
        try await TallyTable.pairs.add(pairs, on: db)
    }

    /// Writes a whole rebuild's rows into the emptied tallies.
    static func insert(_ d: Deltas, on db: any Database) async throws {
        let (counts, numbers, pairs) = rows(d)
        try await TallyTable.answers.insert(counts, on: db)
        try await TallyTable.numbers.insert(numbers, on: db)
        try await TallyTable.pairs.insert(pairs, on: db)
    }

    /// The industry section of a code as enterprises store it ("C3411", "3411"), or "".
    static func section(_ code: String) -> String { IndustryCode(parsing: code).map { String($0.section) } ?? "" }
}
