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
    static let maxDepth = 2

    /// One answer as the tallies see it: a value to count (a choice, yes/no, a scale point) and/or a number.
    struct Value: Sendable, Equatable {
        var response: UUID
        var questionnaire: String
        var question: String
        var category: String?
        var number: Double?
    }

    /// Classifies stored answer rows by their questions' kinds; free text is counted as answered only.
    static func values(_ rows: [(response: UUID, questionnaire: String, question: String, number: Double?, text: String?)],
                       kind: (String, String) -> Questionnaire.Kind?) -> [Value] {
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

    struct Key: Hashable, Sendable {
        var unit: UUID
        var stage: String
        var questionnaire: String
        var question: String
        var value: String
        var section: String
        var size: String
    }

    struct NumberKey: Hashable, Sendable {
        var unit: UUID
        var stage: String
        var questionnaire: String
        var question: String
        var value: Double
    }

    /// The units whose tallies a visit of the unit at `path` feeds.
    static func units(_ path: String) -> ArraySlice<UUID> { VisitTally.ancestors(path).prefix(maxDepth + 1) }

    /// Two answers given in one response, the questions in key order: what a cross-tabulation
    /// of one question by another counts.
    struct PairKey: Hashable, Sendable {
        var unit: UUID
        var stage: String
        var questionnaire: String
        var first: String
        var firstValue: String
        var second: String
        var secondValue: String
    }

    /// What contributions add to (or, with sign -1, take off) the three tallies.
    struct Deltas: Sendable {
        var counts: [Key: Int] = [:]
        var numbers: [NumberKey: Int] = [:]
        var pairs: [PairKey: Int] = [:]

        mutating func merge(_ other: Deltas) {
            for (k, n) in other.counts { counts[k, default: 0] += n }
            for (k, n) in other.numbers { numbers[k, default: 0] += n }
            for (k, n) in other.pairs { pairs[k, default: 0] += n }
        }
    }

    static func deltas(_ cs: [VisitTally.Contribution], sign: Int) -> Deltas {
        var d = Deltas()
        for c in cs {
            struct Answered: Hashable { var response: UUID; var questionnaire: String; var question: String }
            var answered = Set<Answered>(), responses = Set<Answered>()
            var categories: [UUID: [(question: String, value: String)]] = [:]
            for v in c.answers {
                answered.insert(Answered(response: v.response, questionnaire: v.questionnaire, question: v.question))
                responses.insert(Answered(response: v.response, questionnaire: v.questionnaire, question: ""))
                if let category = v.category { categories[v.response, default: []].append((v.question, category)) }
            }
            // The pairs each response gave, once; added below for every unit above.
            let questionnaireOf = Dictionary(c.answers.map { ($0.response, $0.questionnaire) }, uniquingKeysWith: { a, _ in a })
            var pairs: [(questionnaire: String, a: (question: String, value: String), b: (question: String, value: String))] = []
            for (response, given) in categories {
                let sorted = given.sorted { ($0.question, $0.value) < ($1.question, $1.value) }
                for (i, a) in sorted.enumerated() {
                    for b in sorted[(i + 1)...] where b.question != a.question { pairs.append((questionnaireOf[response] ?? "", a, b)) }
                }
            }
            for unit in units(c.unitPath) {
                func count(_ q: String, _ question: String, _ value: String) {
                    d.counts[Key(unit: unit, stage: c.stageKey, questionnaire: q, question: question, value: value, section: c.section, size: c.size),
                             default: 0] += sign
                }
                for v in c.answers {
                    if let category = v.category { count(v.questionnaire, v.question, category) }
                    if let n = v.number { d.numbers[NumberKey(unit: unit, stage: c.stageKey, questionnaire: v.questionnaire, question: v.question, value: n), default: 0] += sign }
                }
                for a in answered { count(a.questionnaire, a.question, "*") }
                for r in responses { count(r.questionnaire, "", "*") }
                for p in pairs {
                    d.pairs[PairKey(unit: unit, stage: c.stageKey, questionnaire: p.questionnaire, first: p.a.question, firstValue: p.a.value,
                                    second: p.b.question, secondValue: p.b.value), default: 0] += sign
                }
            }
        }
        return d
    }

    /// The non-zero rows of each tally in one order (two writers never wait on each other in a
    /// circle). Each row's sort text is made once (`upperHex` sorts like `uuidString`, without
    /// its sprintf): building it in every comparison was a seventh of bringing visits in.
    static func sorted(_ d: Deltas) -> (counts: [(key: Key, value: Int)], numbers: [(key: NumberKey, value: Int)], pairs: [(key: PairKey, value: Int)]) {
        func ordered<K>(_ rows: [K: Int], _ text: (K) -> String) -> [(key: K, value: Int)] {
            rows.filter { $0.value != 0 }.map { (text($0.key), $0.key, $0.value) }.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
        // "\u{1}" between fields: below every character a key or value holds, so shorter fields sort first.
        return (ordered(d.counts) { [$0.unit.upperHex, $0.stage, $0.questionnaire, $0.question, $0.value, $0.section, $0.size].joined(separator: "\u{1}") },
                d.numbers.filter { $0.value != 0 }.map { ($0.key.unit.upperHex, $0) }.sorted { a, b in
                    (a.0, a.1.key.stage, a.1.key.questionnaire, a.1.key.question, a.1.key.value) < (b.0, b.1.key.stage, b.1.key.questionnaire, b.1.key.question, b.1.key.value)
                }.map(\.1),
                ordered(d.pairs) { [$0.unit.upperHex, $0.stage, $0.questionnaire, $0.first, $0.firstValue, $0.second, $0.secondValue].joined(separator: "\u{1}") })
    }

    /// The three tallies as tables: each row's columns, the count `n` last.
    static let countColumns = ["unit_id", "stage_key", "questionnaire_key", "question_key", "value", "section", "size_class", "n"]
    static let numberColumns = ["unit_id", "stage_key", "questionnaire_key", "question_key", "value", "n"]
    static let pairColumns = ["unit_id", "stage_key", "questionnaire_key", "first_key", "first_value", "second_key", "second_value", "n"]

    static func rows(_ d: Deltas) -> (counts: [[any Encodable & Sendable]], numbers: [[any Encodable & Sendable]], pairs: [[any Encodable & Sendable]]) {
        let (counts, numbers, pairs) = sorted(d)
        return (counts.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.question, $0.key.value, $0.key.section, $0.key.size, $0.value] },
                numbers.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.question, $0.key.value, $0.value] },
                pairs.map { [$0.key.unit, $0.key.stage, $0.key.questionnaire, $0.key.first, $0.key.firstValue, $0.key.second, $0.key.secondValue, $0.value] })
    }

    /// Adds the counts to the rows already there (a new visit, a return, a correction).
    static func apply(_ d: Deltas, on db: any Database) async throws {
        let (counts, numbers, pairs) = rows(d)
        try await add(counts, into: "answer_tallies", countColumns, on: db)
        try await add(numbers, into: "number_tallies", numberColumns, on: db)
        try await add(pairs, into: "pair_tallies", pairColumns, on: db)
    }

    /// One multi-row upsert per hundred rows: the count is added where the rest of the row is there.
    private static func add(_ rows: [[any Encodable & Sendable]], into table: String, _ columns: [String], on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let key = SQLList(columns.dropLast().map { SQLIdentifier($0) as any SQLExpression })
        for chunk in rows.chunked(100) {
            let values = SQLList(chunk.map { row in SQLGroupExpression(SQLList(row.map { SQLBind($0) as any SQLExpression })) as any SQLExpression })
            try await sql.raw("""
                INSERT INTO \(ident: table) (\(SQLList(columns.map { SQLIdentifier($0) as any SQLExpression }))) VALUES \(values)
                ON CONFLICT (\(key)) DO UPDATE SET n = \(ident: table).n + excluded.n
                """).run()
        }
    }

    /// Writes a whole rebuild's rows into the emptied tallies.
    static func insert(_ d: Deltas, on db: any Database) async throws {
        let (counts, numbers, pairs) = rows(d)
        try await BulkInsert.rows(into: "answer_tallies", columns: countColumns, counts, on: db)
        try await BulkInsert.rows(into: "number_tallies", columns: numberColumns, numbers, on: db)
        try await BulkInsert.rows(into: "pair_tallies", columns: pairColumns, pairs, on: db)
    }

    /// A stored visit's answers and its enterprise's section and size (for a contribution read back).
    static func stored(visit: UUID, on db: any Database) async throws -> (values: [Value], section: String, size: String) {
        let sql = db as! any SQLDatabase
        struct E: Decodable { var industry_code: String; var size_class: String }
        let e = try await sql.raw("SELECT e.industry_code, e.size_class FROM visits v JOIN enterprises e ON e.id = v.enterprise_id WHERE v.id = \(bind: visit)")
            .first(decoding: E.self)
        struct A: Decodable { var response_id: UUID; var questionnaire_key: String; var question_key: String; var number_value: Double?; var text_value: String? }
        let rows = try await sql.raw("""
            SELECT response_id, questionnaire_key, question_key, number_value, text_value FROM answers WHERE visit_id = \(bind: visit)
            """).all(decoding: A.self)
        let kinds = try await kinds(on: db)
        return (values(rows.map { ($0.response_id, $0.questionnaire_key, $0.question_key, $0.number_value, $0.text_value) }) { kinds[$0]?[$1] },
                section(e?.industry_code ?? ""), e?.size_class ?? "")
    }

    /// The industry section of a code as enterprises store it ("C3411", "3411"), or "".
    static func section(_ code: String) -> String { IndustryCode(parsing: code).map { String($0.section) } ?? "" }
}
