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
        var questionnaire, question: String
        var category: String?
        var number: Double?
    }

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

    struct Key: Hashable, Sendable {
        var unit: UUID
        var stage, questionnaire, question, value, section, size: String
    }

    struct NumberKey: Hashable, Sendable {
        var unit: UUID
        var stage, questionnaire, question: String
        var value: Double
    }

    /// The units whose tallies a visit of the unit at `path` feeds.
    static func units(_ path: String) -> ArraySlice<UUID> { VisitTally.ancestors(path).prefix(maxDepth + 1) }

    /// Two answers given in one response, the questions in key order: what a cross-tabulation
    /// of one question by another counts.
    struct PairKey: Hashable, Sendable {
        var unit: UUID
        var stage, questionnaire, first, firstValue, second, secondValue: String
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

    /// Strings numbered as they are first seen, so that what is counted per answer and per pair
    /// is keyed by a few integers: hashing seven strings for each of a visit's six hundred pairs,
    /// at each of three levels, was a third of bringing new visits into the tallies.
    private struct Names {
        private var numbers: [String: Int32] = [:]
        private var strings: [String] = []

        mutating func callAsFunction(_ s: String) -> Int32 {
            if let n = numbers[s] { return n }
            let n = Int32(strings.count)
            numbers[s] = n
            strings.append(s)
            return n
        }

        subscript(_ n: Int32) -> String { strings[Int(n)] }
    }

    /// What the contributions add (sign 1) or take off (-1). Counted first for each visit's own
    /// tallied unit (its "place": the unit itself, or its ancestor at `maxDepth`), then each
    /// place's rows are added to it and the units above it — once per row, not once per visit.
    static func deltas(_ cs: [VisitTally.Contribution], sign: Int) -> Deltas {
        struct PlaceCount: Hashable { var place, stage, questionnaire, question, value, section, size: Int32 }
        struct PlaceNumber: Hashable { var place, stage, questionnaire, question: Int32; var value: Double }
        struct PlacePair: Hashable { var place, stage, questionnaire, first, firstValue, second, secondValue: Int32 }
        struct Response { var id: UUID; var questionnaire: Int32; var answered: Set<Int32> = []; var given: [(question: Int32, value: Int32)] = [] }
        var names = Names()
        var places: [String: Int32] = [:]
        var unitsOf: [ArraySlice<UUID>] = []
        var counts: [PlaceCount: Int] = [:], numbers: [PlaceNumber: Int] = [:], pairs: [PlacePair: Int] = [:]
        let anyValue = names("*"), noQuestion = names("")
        for c in cs {
            let place: Int32
            if let known = places[c.unitPath] {
                place = known
            } else {
                place = Int32(unitsOf.count)
                places[c.unitPath] = place
                unitsOf.append(units(c.unitPath))
            }
            let stage = names(c.stageKey), section = names(c.section), size = names(c.size)
            func count(_ questionnaire: Int32, _ question: Int32, _ value: Int32) {
                counts[PlaceCount(place: place, stage: stage, questionnaire: questionnaire, question: question, value: value, section: section, size: size),
                       default: 0] += sign
            }
            var responses: [Response] = []
            for v in c.answers {
                let r: Int
                if let i = responses.lastIndex(where: { $0.id == v.response }) {
                    r = i
                } else {
                    responses.append(Response(id: v.response, questionnaire: names(v.questionnaire)))
                    r = responses.count - 1
                }
                let questionnaire = responses[r].questionnaire, question = names(v.question)
                responses[r].answered.insert(question)
                if let category = v.category {
                    let value = names(category)
                    responses[r].given.append((question, value))
                    count(questionnaire, question, value)
                }
                if let n = v.number {
                    numbers[PlaceNumber(place: place, stage: stage, questionnaire: questionnaire, question: question, value: n), default: 0] += sign
                }
            }
            for r in responses {
                count(r.questionnaire, noQuestion, anyValue)
                for question in r.answered { count(r.questionnaire, question, anyValue) }
                // Pairs with the questions in key order (the texts', not the numbers').
                let given = r.given.map { (names[$0.question], names[$0.value], $0) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
                for (i, a) in given.enumerated() {
                    for b in given[(i + 1)...] where b.question != a.question {
                        pairs[PlacePair(place: place, stage: stage, questionnaire: r.questionnaire, first: a.question, firstValue: a.value,
                                      second: b.question, secondValue: b.value), default: 0] += sign
                    }
                }
            }
        }
        var d = Deltas()
        for (k, n) in counts {
            for unit in unitsOf[Int(k.place)] {
                d.counts[Key(unit: unit, stage: names[k.stage], questionnaire: names[k.questionnaire], question: names[k.question],
                             value: names[k.value], section: names[k.section], size: names[k.size]), default: 0] += n
            }
        }
        for (k, n) in numbers {
            for unit in unitsOf[Int(k.place)] {
                d.numbers[NumberKey(unit: unit, stage: names[k.stage], questionnaire: names[k.questionnaire], question: names[k.question], value: k.value),
                          default: 0] += n
            }
        }
        for (k, n) in pairs {
            for unit in unitsOf[Int(k.place)] {
                d.pairs[PairKey(unit: unit, stage: names[k.stage], questionnaire: names[k.questionnaire], first: names[k.first],
                                firstValue: names[k.firstValue], second: names[k.second], secondValue: names[k.secondValue]), default: 0] += n
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
