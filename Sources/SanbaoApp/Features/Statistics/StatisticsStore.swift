import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Questionnaire statistics over the visits that count (submitted or accepted) in a unit's
/// subtree, optionally narrowed to a stage and to days: each question's distribution, a
/// question crossed with district, industry, size class or another question, the free-text
/// answers with their enterprises, and every response as a row. Questions are followed by key
/// across versions (`QuestionCatalogue`).
///
/// Distributions and cross-tabulations by units, industry or size of a big subtree (a unit down
/// to `AnswerTally.maxDepth`) over whole stages are read from the answer tallies (crossed with
/// another question, from the pair tallies); those of smaller subtrees and of chosen days are
/// counted from the answers.
struct StatisticsStore {
    let db: any Database

    /// A reader of the answer tallies with every committed visit counted: the one way to start
    /// one where figures are shown (the tallies take in what waits first).
    static func fresh(_ app: Application, _ db: any Database) async throws -> StatisticsStore {
        try await Tallies.fresh(app, db)
        return StatisticsStore(db: db)
    }

    var sql: any SQLDatabase { db.sql }

    struct Filter: Sendable {
        var questionnaire: String
        var unitID: UUID
        var unitPath: String
        var unitDepth: Int = 0
        var stage: Stage?
        var from, to: Day?

        /// Whether the answer tallies hold what is asked.
        var tallied: Bool { from == nil && to == nil && unitDepth <= AnswerTally.maxDepth }
    }

    /// The tallies of units (`t`) for the filter's stage (all stages without one).
    private func tallies(_ f: Filter, units: [UUID]) -> SQLQueryString {
        var q = SQLQueryString("t.unit_id IN \(SQLBind.group(units)) AND t.questionnaire_key = \(bind: f.questionnaire)")
        if let stage = f.stage { q = SQLQueryString("\(q) AND t.stage_key = \(bind: stage.id?.uuidString ?? "")") }
        return q
    }

    /// The visits (`v`) the filter takes in; without `subtree`, the caller names the units.
    func visits(_ f: Filter, subtree: Bool = true) -> SQLQueryString {
        var q = SQLQueryString("v.status IN ('submitted', 'accepted')")
        if subtree { q = SQLQueryString("\(q) AND v.unit_id IN (SELECT su.id FROM org_units su WHERE su.path LIKE \(bind: f.unitPath + "%"))") }
        if let stage = f.stage { q = SQLQueryString("\(q) AND \(ProgressStore.inStage(stage))") }
        if let from = f.from { q = SQLQueryString("\(q) AND v.finished_at >= \(bind: ShanghaiTime.start(of: from))") }
        if let to = f.to { q = SQLQueryString("\(q) AND v.finished_at < \(bind: ShanghaiTime.start(of: to).addingTimeInterval(86_400))") }
        return q
    }

    func catalogue(_ key: String) async throws -> QuestionCatalogue {
        let versions = try await QuestionnaireVersion.query(on: db).filter(\.$key == key).all()
        return QuestionCatalogue(try versions.map { try $0.questionnaire() })
    }

    func responses(_ f: Filter) async throws -> Int {
        struct N: Decodable { var n: Int? }
        if f.tallied {
            return try await sql.raw("""
                SELECT CAST(SUM(t.n) AS BIGINT) AS n FROM answer_tallies t WHERE \(tallies(f, units: [f.unitID])) AND t.question_key = '' AND t.value = '*'
                """).first(decoding: N.self)?.n ?? 0
        }
        return try await sql.raw("""
            SELECT COUNT(*) AS n FROM responses r JOIN visits v ON v.id = r.visit_id WHERE r.questionnaire_key = \(bind: f.questionnaire) AND \(visits(f))
            """).first(decoding: N.self)?.n ?? 0
    }

    /// Answered counts, value counts and numbers per question from the tallies.
    private func talliedDistributions(_ f: Filter, _ catalogue: QuestionCatalogue) async throws -> [Distribution] {
        struct Count: Decodable { var question_key: String; var value: String; var n: Int }
        let counts = try await sql.raw("""
            SELECT t.question_key, t.value, CAST(SUM(t.n) AS BIGINT) AS n FROM answer_tallies t
            WHERE \(tallies(f, units: [f.unitID])) AND t.question_key <> '' GROUP BY t.question_key, t.value
            """).all(decoding: Count.self)
        struct Number: Decodable { var question_key: String; var value: Double; var n: Int }
        let numbers = Dictionary(grouping: try await sql.raw("""
            SELECT t.question_key, t.value, CAST(SUM(t.n) AS BIGINT) AS n FROM number_tallies t
            WHERE \(tallies(f, units: [f.unitID])) GROUP BY t.question_key, t.value
            """).all(decoding: Number.self), by: \.question_key)
        var answered: [String: Int] = [:], byValue: [String: [String: Int]] = [:]
        for c in counts where c.n != 0 {
            if c.value == "*" { answered[c.question_key, default: 0] += c.n } else { byValue[c.question_key, default: [:]][c.value, default: 0] += c.n }
        }
        return catalogue.entries.map { entry in
            var d = Distribution(entry: entry, answered: answered[entry.key] ?? 0, counts: [], numeric: nil)
            if entry.isCategorical || entry.kind == .scale {
                let values = byValue[entry.key] ?? [:]
                let known = Self.values(entry).map(\.key)
                d.counts = known.map { ($0, values[$0] ?? 0) } + values.keys.filter { !known.contains($0) }.sorted().map { ($0, values[$0]!) }
            }
            if entry.isNumeric, let rows = numbers[entry.key], !rows.isEmpty {
                d.numeric = NumericSummary(frequencies: rows.map { ($0.value, $0.n) })
            }
            return d
        }
    }

    /// An answer's value as a category: the option key or yes/no, the 1–5 of a scale as text.
    static let category = "COALESCE(a.text_value, CAST(CAST(a.number_value AS INTEGER) AS TEXT))"

    struct Distribution: Sendable {
        var entry: QuestionCatalogue.Entry
        /// Responses that answered it.
        var answered: Int
        /// Per value, in the catalogue's order (answers with a value no version offers last).
        var counts: [(key: String, count: Int)]
        var numeric: NumericSummary?
    }

    func distributions(_ f: Filter, _ catalogue: QuestionCatalogue) async throws -> [Distribution] {
        if f.tallied { return try await talliedDistributions(f, catalogue) }
        let v = visits(f)
        struct Answered: Decodable { var question_key: String; var answered: Int; var numbers: Int; var total: Double?; var low: Double?; var high: Double? }
        let answered = Dictionary(try await sql.raw("""
            SELECT a.question_key, COUNT(DISTINCT a.response_id) AS answered, COUNT(a.number_value) AS numbers,
                   SUM(a.number_value) AS total, MIN(a.number_value) AS low, MAX(a.number_value) AS high
            FROM answers a JOIN visits v ON v.id = a.visit_id WHERE a.questionnaire_key = \(bind: f.questionnaire) AND \(v)
            GROUP BY a.question_key
            """).all(decoding: Answered.self).map { ($0.question_key, $0) }, uniquingKeysWith: { a, _ in a })
        let categorical = catalogue.entries.filter { $0.isCategorical || $0.kind == .scale }.map(\.key)
        struct Count: Decodable { var question_key: String; var value: String?; var n: Int }
        var counts: [String: [String: Int]] = [:]
        if !categorical.isEmpty {
            for c in try await sql.raw("""
                SELECT a.question_key, \(unsafeRaw: Self.category) AS value, COUNT(*) AS n
                FROM answers a JOIN visits v ON v.id = a.visit_id
                WHERE a.questionnaire_key = \(bind: f.questionnaire) AND a.question_key IN \(SQLBind.group(categorical)) AND \(v)
                GROUP BY a.question_key, \(unsafeRaw: Self.category)
                """).all(decoding: Count.self) {
                counts[c.question_key, default: [:]][c.value ?? "", default: 0] += c.n
            }
        }
        var out: [Distribution] = []
        for entry in catalogue.entries {
            let a = answered[entry.key]
            var d = Distribution(entry: entry, answered: a?.answered ?? 0, counts: [], numeric: nil)
            if let byValue = counts[entry.key] {
                let known = Self.values(entry).map(\.key)
                d.counts = known.map { ($0, byValue[$0] ?? 0) } + byValue.keys.filter { !known.contains($0) }.sorted().map { ($0, byValue[$0]!) }
            } else if entry.isCategorical || entry.kind == .scale {
                d.counts = Self.values(entry).map { ($0.key, 0) }
            }
            if entry.isNumeric, let a, a.numbers > 0 {
                var s = NumericSummary(count: a.numbers, mean: (a.total ?? 0) / Double(a.numbers), min: a.low, max: a.high)
                (s.q1, s.median, s.q3) = (try await quantile(f, entry.key, 0.25, of: a.numbers), try await quantile(f, entry.key, 0.5, of: a.numbers),
                                          try await quantile(f, entry.key, 0.75, of: a.numbers))
                d.numeric = s
            }
            out.append(d)
        }
        return out
    }

    /// The values a question's answers are counted by: options, yes/no, or 1 to 5.
    static func values(_ entry: QuestionCatalogue.Entry) -> [(key: String, title: Questionnaire.Text)] {
        entry.kind == .scale ? (1...5).map { ("\($0)", Questionnaire.Text("\($0)", "\($0)")) } : entry.values
    }

    /// Two answers around the quantile, in the numbers' index order.
    private func quantile(_ f: Filter, _ key: String, _ p: Double, of n: Int) async throws -> Double? {
        let (lower, fraction) = NumericSummary.position(p, of: n)
        struct Value: Decodable { var number_value: Double }
        let two = try await sql.raw("""
            SELECT a.number_value FROM answers a JOIN visits v ON v.id = a.visit_id
            WHERE a.questionnaire_key = \(bind: f.questionnaire) AND a.question_key = \(bind: key) AND a.number_value IS NOT NULL AND \(visits(f))
            ORDER BY a.number_value LIMIT 2 OFFSET \(unsafeRaw: String(lower))
            """).all(decoding: Value.self).map(\.number_value)
        guard let first = two.first else { return nil }
        return NumericSummary.interpolate(first, two.count > 1 ? two[1] : nil, fraction)
    }

    // MARK: Cross-tabulation

    enum Dimension: Sendable, Equatable {
        /// The units directly under the filter's unit (the counties, districts, industry unions of the city).
        case district
        /// The industry section (GB/T 4754) of the visited enterprise.
        case industry
        case size
        /// Another question of the same questionnaire, answered in the same response.
        case question(String)

        init?(_ text: String) {
            switch text {
            case "district": self = .district
            case "industry": self = .industry
            case "size": self = .size
            default:
                guard text.hasPrefix("q:"), text.count > 2 else { return nil }
                self = .question(String(text.dropFirst(2)))
            }
        }

        var key: String {
            switch self {
            case .district: "district"
            case .industry: "industry"
            case .size: "size"
            case .question(let k): "q:" + k
            }
        }
    }

    /// Raw cells: the row's key as the database groups it, the column value, the count.
    func crossCells(_ f: Filter, question: String, by dimension: Dimension) async throws -> [(row: String, column: String, count: Int)] {
        if f.tallied, let cells = try await talliedCells(f, question: question, by: dimension) { return cells }
        let group: String, join: String
        var bindQuestion: String?
        switch dimension {
        case .district:
            // The subtree's first level below the unit: the first 37 characters after its path.
            group = "SUBSTR(o.path, 1, \(f.unitPath.count + 37))"
            join = "JOIN org_units o ON o.id = v.unit_id"
        case .industry:
            group = "SUBSTR(e.industry_code, 1, 3)"
            join = "JOIN enterprises e ON e.id = v.enterprise_id"
        case .size:
            group = "e.size_class"
            join = "JOIN enterprises e ON e.id = v.enterprise_id"
        case .question(let other):
            group = "COALESCE(b.text_value, CAST(CAST(b.number_value AS INTEGER) AS TEXT))"
            // Through the visit: answers are indexed by visit, not by response.
            join = "JOIN answers b ON b.visit_id = a.visit_id AND b.response_id = a.response_id"
            bindQuestion = other
        }
        let other = bindQuestion.map { SQLQueryString("AND b.question_key = \(bind: $0)") } ?? SQLQueryString("")
        struct Cell: Decodable { var g: String?; var c: String?; var n: Int }
        return try await sql.raw("""
            SELECT \(unsafeRaw: group) AS g, \(unsafeRaw: Self.category) AS c, COUNT(*) AS n
            FROM answers a JOIN visits v ON v.id = a.visit_id \(unsafeRaw: join)
            WHERE a.questionnaire_key = \(bind: f.questionnaire) AND a.question_key = \(bind: question) \(other) AND \(visits(f))
            GROUP BY \(unsafeRaw: group), \(unsafeRaw: Self.category)
            """).all(decoding: Cell.self).map { ($0.g ?? "", $0.c ?? "", $0.n) }
    }

    /// Cross-tabulation cells from the tallies; nil where they do not hold them (units below
    /// the tallied depth; a question crossed with itself).
    private func talliedCells(_ f: Filter, question: String, by dimension: Dimension) async throws -> [(row: String, column: String, count: Int)]? {
        struct Cell: Decodable { var g: String; var value: String; var n: Int }
        func cells(_ group: String, units: [UUID]) async throws -> [Cell] {
            try await sql.raw("""
                SELECT \(unsafeRaw: group) AS g, t.value, CAST(SUM(t.n) AS BIGINT) AS n FROM answer_tallies t
                WHERE \(tallies(f, units: units)) AND t.question_key = \(bind: question) AND t.value <> '*' GROUP BY \(unsafeRaw: group), t.value
                """).all(decoding: Cell.self)
        }
        switch dimension {
        case .industry: return try await cells("t.section", units: [f.unitID]).map { ($0.g, $0.value, $0.n) }
        case .size: return try await cells("t.size_class", units: [f.unitID]).map { ($0.g, $0.value, $0.n) }
        case .question(let other):
            // Pairs are kept with the questions in key order; the other question's value is the row.
            guard other != question else { return nil }
            let (first, second) = question < other ? (question, other) : (other, question)
            let (row, column) = question < other ? ("t.second_value", "t.first_value") : ("t.first_value", "t.second_value")
            return try await sql.raw("""
                SELECT \(unsafeRaw: row) AS g, \(unsafeRaw: column) AS value, CAST(SUM(t.n) AS BIGINT) AS n FROM pair_tallies t
                WHERE \(tallies(f, units: [f.unitID])) AND t.first_key = \(bind: first) AND t.second_key = \(bind: second)
                GROUP BY \(unsafeRaw: row), \(unsafeRaw: column)
                """).all(decoding: Cell.self).filter { $0.n != 0 }.map { ($0.g, $0.value, $0.n) }
        case .district:
            guard f.unitDepth + 1 <= AnswerTally.maxDepth else { return nil }
            struct U: Decodable { var id: UUID; var path: String }
            let children = try await sql.raw("SELECT id, path FROM org_units WHERE parent_id = \(bind: f.unitID)").all(decoding: U.self)
            let paths = Dictionary(uniqueKeysWithValues: children.map { ($0.id.uuidString, $0.path) })
            var out: [(row: String, column: String, count: Int)] = children.isEmpty ? [] : try await cells("CAST(t.unit_id AS TEXT)", units: children.map(\.id))
                .map { (paths[UUID(uuidString: $0.g)?.uuidString ?? $0.g] ?? $0.g, $0.value, $0.n) }
            // The unit's own visits: its totals less its children's.
            var own: [String: Int] = [:]
            for c in try await cells("t.question_key", units: [f.unitID]) { own[c.value, default: 0] += c.n }
            for c in out { own[c.column, default: 0] -= c.count }
            out += own.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { (f.unitPath, $0.key, $0.value) }
            return out
        }
    }

    /// The units directly under the filter's unit, by path, in code order.
    func children(_ f: Filter) async throws -> [(path: String, name: String)] {
        struct U: Decodable { var path: String; var name: String }
        return try await sql.raw("SELECT path, name FROM org_units WHERE parent_id = \(bind: f.unitID) ORDER BY code")
            .all(decoding: U.self).map { ($0.path, $0.name) }
    }

    // MARK: Free text and responses

    struct TextAnswer: Decodable, Sendable {
        var enterprise, credit_code, unit: String
        var finished_at: Date
        var text_value: String
    }

    func texts(_ f: Filter, question: String, limit: Int, offset: Int) async throws -> (rows: [TextAnswer], total: Int) {
        let condition = SQLQueryString("""
            a.questionnaire_key = \(bind: f.questionnaire) AND a.question_key = \(bind: question) AND a.text_value IS NOT NULL AND a.text_value <> '' AND \(visits(f))
            """)
        struct N: Decodable { var n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM answers a JOIN visits v ON v.id = a.visit_id WHERE \(condition)")
            .first(decoding: N.self)?.n ?? 0
        let rows = try await sql.raw("""
            SELECT e.name AS enterprise, e.credit_code, o.name AS unit, v.finished_at, a.text_value
            FROM answers a JOIN visits v ON v.id = a.visit_id JOIN enterprises e ON e.id = v.enterprise_id JOIN org_units o ON o.id = v.unit_id
            WHERE \(condition) ORDER BY v.finished_at DESC, a.response_id LIMIT \(unsafeRaw: String(limit)) OFFSET \(unsafeRaw: String(offset))
            """).all(decoding: TextAnswer.self)
        return (rows, total)
    }

    struct ResponseRow: Decodable, Sendable {
        var id: UUID
        var version: Int
        var answers: String
        var finished_at: Date
        var enterprise, credit_code, unit: String
    }

    /// Every response the filter takes in, unit by unit of the subtree (in the tree's order), a
    /// few units at a time: each page is read down the visits' unit index, and a million
    /// responses go out without being held at once.
    func eachResponsePage(_ f: Filter, unitsPerPage: Int = 40, _ body: ([ResponseRow]) async throws -> Void) async throws {
        struct U: Decodable { var id: UUID }
        let units = try await sql.raw("SELECT id FROM org_units WHERE path LIKE \(bind: f.unitPath + "%") ORDER BY path")
            .all(decoding: U.self).map(\.id)
        for chunk in units.chunked(unitsPerPage) {
            let page = try await sql.raw("""
                SELECT r.id, r.version, r.answers, v.finished_at, e.name AS enterprise, e.credit_code, o.name AS unit
                FROM visits v JOIN responses r ON r.visit_id = v.id JOIN enterprises e ON e.id = v.enterprise_id JOIN org_units o ON o.id = v.unit_id
                WHERE v.unit_id IN \(SQLBind.group(Array(chunk))) AND r.questionnaire_key = \(bind: f.questionnaire) AND \(visits(f, subtree: false))
                ORDER BY o.path, v.finished_at, r.id
                """).all(decoding: ResponseRow.self)
            if !page.isEmpty { try await body(page) }
        }
    }
}
