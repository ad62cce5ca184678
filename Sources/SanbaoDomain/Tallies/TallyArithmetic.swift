import Foundation

/// The tallies' arithmetic, with no database: what visits add to the progress tallies (visits,
/// workers, questionnaires, problems per unit and everything above it, stage and day; the
/// enterprises each unit's subtree visited once per stage) and to the answer tallies (each
/// answer's value, number and pair counts). One `Contribution` per counting visit feeds both,
/// whether it came from memory or was read back from the rows; the app's `Tallies` writes what
/// these functions work out.
public enum TallyArithmetic {
    /// What one counting visit adds.
    public struct Contribution: Sendable, Equatable {
        public var unitPath, stageKey, day: String
        public var enterpriseID: UUID
        public var workers, questionnaires, problems: Int
        /// For the answer tallies: the visited enterprise's industry section and size class, and the answers.
        public var section: String
        public var size: String
        public var answers: [Answer]

        public init(unitPath: String, stageKey: String, day: String, enterpriseID: UUID, workers: Int, questionnaires: Int, problems: Int,
                    section: String = "", size: String = "", answers: [Answer] = []) {
            self.unitPath = unitPath; self.stageKey = stageKey; self.day = day; self.enterpriseID = enterpriseID
            self.workers = workers; self.questionnaires = questionnaires; self.problems = problems
            self.section = section; self.size = size; self.answers = answers
        }
    }

    /// One answer as the tallies see it: a value to count (a choice, yes/no, a scale point) and/or a number.
    public struct Answer: Sendable, Equatable {
        public var response: UUID
        public var questionnaire, question: String
        public var category: String?
        public var number: Double?

        public init(response: UUID, questionnaire: String, question: String, category: String? = nil, number: Double? = nil) {
            self.response = response; self.questionnaire = questionnaire; self.question = question; self.category = category; self.number = number
        }
    }

    /// A row of `visit_tallies`: a unit (its whole subtree), a stage, a day.
    public struct Key: Hashable, Sendable {
        public var unit: UUID
        public var stage, day: String
        public init(unit: UUID, stage: String, day: String) { self.unit = unit; self.stage = stage; self.day = day }
    }

    public struct Counts: Sendable, Equatable {
        public var visits = 0, workers = 0, questionnaires = 0, problems = 0
        public var isZero: Bool { visits == 0 && workers == 0 && questionnaires == 0 && problems == 0 }
        public init() {}
    }

    /// An enterprise visited in a stage by a unit's subtree.
    public struct Claim: Hashable, Sendable {
        public var stage: String
        public var enterprise, unit: UUID
        public init(stage: String, enterprise: UUID, unit: UUID) { self.stage = stage; self.enterprise = enterprise; self.unit = unit }
    }

    /// Enterprises per unit and stage.
    public struct StageKey: Hashable, Sendable {
        public var unit: UUID
        public var stage: String
        public init(unit: UUID, stage: String) { self.unit = unit; self.stage = stage }
    }

    /// The unit and every unit above it, read from its path ("/root/…/unit/").
    public static func ancestors(_ path: String) -> [UUID] { UnitPath(path).ids }

    /// Visits, workers and questionnaires for every unit above each contribution, times `sign`.
    public static func deltas(_ cs: [Contribution], sign: Int) -> [Key: Counts] {
        var out: [Key: Counts] = [:]
        var above: [String: [UUID]] = [:]
        for c in cs {
            let units = above[c.unitPath] ?? ancestors(c.unitPath)
            above[c.unitPath] = units
            for unit in units {
                let key = Key(unit: unit, stage: c.stageKey, day: c.day)
                out[key, default: Counts()].visits += sign
                out[key, default: Counts()].workers += sign * c.workers
                out[key, default: Counts()].questionnaires += sign * c.questionnaires
                out[key, default: Counts()].problems += sign * c.problems
            }
        }
        return out
    }

    /// The claims the contributions would make, one per enterprise, stage and unit above.
    public static func candidateClaims(_ cs: [Contribution]) -> [Claim] {
        var seen = Set<Claim>()
        var above: [String: [UUID]] = [:]
        for c in cs {
            let units = above[c.unitPath] ?? ancestors(c.unitPath)
            above[c.unitPath] = units
            for unit in units { seen.insert(Claim(stage: c.stageKey, enterprise: c.enterpriseID, unit: unit)) }
        }
        // The sort text made once per claim, not in every comparison.
        return seen.map { ($0.enterprise.upperHex + $0.unit.upperHex + $0.stage, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// In one order (two writers never wait on each other in a circle), without rows that add nothing.
    public static func sortedRows(_ d: [Key: Counts]) -> [(key: Key, value: Counts)] {
        d.filter { !$0.value.isZero }.sorted { ($0.key.unit.upperHex, $0.key.stage, $0.key.day) < ($1.key.unit.upperHex, $1.key.stage, $1.key.day) }
    }

    public static func sortedRows(_ d: [StageKey: Int]) -> [(key: StageKey, value: Int)] {
        d.filter { $0.value != 0 }.sorted { ($0.key.unit.upperHex, $0.key.stage) < ($1.key.unit.upperHex, $1.key.stage) }
    }

    // MARK: The answer tallies

    /// How far down the tree the answer tallies go (the root, districts, streets).
    public static let maxDepth = 2

    /// A row of `answer_tallies`.
    public struct AnswerKey: Hashable, Sendable {
        public var unit: UUID
        public var stage, questionnaire, question, value, section, size: String
        public init(unit: UUID, stage: String, questionnaire: String, question: String, value: String, section: String, size: String) {
            self.unit = unit; self.stage = stage; self.questionnaire = questionnaire; self.question = question; self.value = value
            self.section = section; self.size = size
        }
    }

    /// A row of `number_tallies`.
    public struct NumberKey: Hashable, Sendable {
        public var unit: UUID
        public var stage, questionnaire, question: String
        public var value: Double
        public init(unit: UUID, stage: String, questionnaire: String, question: String, value: Double) {
            self.unit = unit; self.stage = stage; self.questionnaire = questionnaire; self.question = question; self.value = value
        }
    }

    /// The units whose answer tallies a visit of the unit at `path` feeds.
    public static func answerUnits(_ path: String) -> ArraySlice<UUID> { ancestors(path).prefix(maxDepth + 1) }

    /// Two answers given in one response, the questions in key order: what a cross-tabulation
    /// of one question by another counts (a row of `pair_tallies`).
    public struct PairKey: Hashable, Sendable {
        public var unit: UUID
        public var stage, questionnaire, first, firstValue, second, secondValue: String
        public init(unit: UUID, stage: String, questionnaire: String, first: String, firstValue: String, second: String, secondValue: String) {
            self.unit = unit; self.stage = stage; self.questionnaire = questionnaire; self.first = first; self.firstValue = firstValue
            self.second = second; self.secondValue = secondValue
        }
    }

    /// What contributions add to (or, with sign -1, take off) the three answer tallies.
    public struct AnswerDeltas: Sendable {
        public var counts: [AnswerKey: Int] = [:]
        public var numbers: [NumberKey: Int] = [:]
        public var pairs: [PairKey: Int] = [:]

        public init() {}

        public mutating func merge(_ other: AnswerDeltas) {
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
    public static func answerDeltas(_ cs: [Contribution], sign: Int) -> AnswerDeltas {
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
                unitsOf.append(answerUnits(c.unitPath))
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
        var d = AnswerDeltas()
        for (k, n) in counts {
            for unit in unitsOf[Int(k.place)] {
                d.counts[AnswerKey(unit: unit, stage: names[k.stage], questionnaire: names[k.questionnaire], question: names[k.question],
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
    public static func sorted(_ d: AnswerDeltas) -> (counts: [(key: AnswerKey, value: Int)], numbers: [(key: NumberKey, value: Int)], pairs: [(key: PairKey, value: Int)]) {
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
}

extension UUID {
    /// `uuidString` without going through the C library's sprintf, which costs more than the
    /// insert itself when a file has a million rows.
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    public var upperHex: String {
        let digits = Self.hexDigits
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var i = 0
                for (n, b) in bytes.enumerated() {
                    if n == 4 || n == 6 || n == 8 || n == 10 { out[i] = 0x2D; i += 1 }
                    out[i] = digits[Int(b >> 4)]
                    out[i + 1] = digits[Int(b & 0x0F)]
                    i += 2
                }
                return i
            }
        }
    }
}

