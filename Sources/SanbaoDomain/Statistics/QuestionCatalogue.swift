/// A questionnaire's questions followed by key across its versions: statistics count every
/// answer given to a key, whichever version asked it. The newest version names the question
/// and its options and gives the order; a question or option the newest version dropped keeps
/// the name it last had, after the current ones.
public struct QuestionCatalogue: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var kind: Questionnaire.Kind
        public var title: Questionnaire.Text
        public var options: [Questionnaire.Option]
        public var unit: String?
        /// The versions that ask it, oldest first.
        public var versions: [Int]

        /// Answers counted by value: choices, yes/no.
        public var isCategorical: Bool { kind == .single || kind == .multiple || kind == .yesNo }
        /// Answers summarised as numbers: numbers, money, the 1–5 scale.
        public var isNumeric: Bool { kind == .number || kind == .money || kind == .scale }

        /// The values an answer can take, named: the options, or yes and no.
        public var values: [(key: String, title: Questionnaire.Text)] {
            kind == .yesNo ? [("yes", .init("是", "Yes")), ("no", .init("否", "No"))] : options.map { ($0.key, $0.title) }
        }
    }

    public let key: String
    public let entries: [Entry]

    /// `versions` in any order; an empty list gives an empty catalogue.
    public init(_ versions: [Questionnaire]) {
        let ordered = versions.sorted { $0.version < $1.version }
        key = ordered.last?.key ?? ""
        var byKey: [String: Entry] = [:]
        var lastSeen: [String: Int] = [:]
        for (age, q) in ordered.enumerated() {
            for question in q.questions {
                var entry = byKey[question.key] ?? Entry(key: question.key, kind: question.kind, title: question.title, options: [],
                                                         unit: question.unit, versions: [])
                // Newer names win; options the newer version no longer offers stay, after its own.
                let kept = entry.options.filter { old in !question.options.contains { $0.key == old.key } }
                entry.kind = question.kind
                entry.title = question.title
                entry.unit = question.unit
                entry.options = question.options + kept
                entry.versions.append(q.version)
                byKey[question.key] = entry
                lastSeen[question.key] = age
            }
        }
        let newest = ordered.last?.questions.map(\.key) ?? []
        let dropped = byKey.keys.filter { !newest.contains($0) }.sorted { (lastSeen[$0]!, $0) > (lastSeen[$1]!, $1) }
        entries = (newest + dropped).compactMap { byKey[$0] }
    }

    public func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }
}
