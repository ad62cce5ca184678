/// A questionnaire as the campaign office publishes it: sections of questions with stable keys.
/// Versions are immutable once published; answers name the version they were given to, and
/// statistics follow a question by its key across versions.
public struct Questionnaire: Codable, Sendable, Equatable {
    public enum Subject: String, Codable, Sendable {
        case enterprise, worker
    }

    /// Stable across versions: "enterprise", "worker", or the office's own.
    public var key: String
    public var version: Int
    public var subject: Subject
    public var title: Text
    public var sections: [Section]

    public init(key: String, version: Int, subject: Subject, title: Text, sections: [Section]) {
        self.key = key
        self.version = version
        self.subject = subject
        self.title = title
        self.sections = sections
    }

    /// Text in both of the product's languages.
    public struct Text: Codable, Sendable, Equatable {
        public var zh, en: String
        public init(_ zh: String, _ en: String) {
            self.zh = zh
            self.en = en
        }
    }

    public struct Section: Codable, Sendable, Equatable {
        public var key: String
        public var title: Text
        public var questions: [Question]
        public init(key: String, title: Text, questions: [Question]) {
            self.key = key
            self.title = title
            self.questions = questions
        }
    }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case single, multiple, number, money, text, date
        case yesNo = "yes_no"
        /// 1 to 5.
        case scale
    }

    public struct Option: Codable, Sendable, Equatable {
        public var key: String
        public var title: Text
        public init(_ key: String, _ zh: String, _ en: String) {
            self.key = key
            title = Text(zh, en)
        }
    }

    /// Asked only when an earlier question's answer is one of `anyOf` (an option key, or
    /// "yes"/"no" for a yes/no question; for multiple choice, when any of them was chosen).
    public struct Condition: Codable, Sendable, Equatable {
        public var question: String
        public var anyOf: [String]
        public init(_ question: String, anyOf: [String]) {
            self.question = question
            self.anyOf = anyOf
        }
    }

    public struct Question: Codable, Sendable, Equatable {
        public var key: String
        public var kind: Kind
        public var title: Text
        public var help: Text?
        public var required: Bool
        public var options: [Option]
        /// Bounds for numbers and money (money in yuan).
        public var min, max: Double?
        /// What a number counts: "人", "万元"… shown beside the field.
        public var unit: String?
        public var showIf: Condition?

        public init(_ key: String, _ kind: Kind, _ zh: String, _ en: String, required: Bool = false, options: [Option] = [],
                    min: Double? = nil, max: Double? = nil, unit: String? = nil, help: Text? = nil, showIf: Condition? = nil) {
            self.key = key
            self.kind = kind
            title = Text(zh, en)
            self.help = help
            self.required = required
            self.options = options
            self.min = min
            self.max = max
            self.unit = unit
            self.showIf = showIf
        }
    }

    public var questions: [Question] { sections.flatMap(\.questions) }

    /// Looked up section by section, without gathering every question first (it runs per answer).
    public func question(_ key: String) -> Question? {
        for section in sections { if let q = section.questions.first(where: { $0.key == key }) { return q } }
        return nil
    }
}

/// One answer as a form or the API sends it.
public enum Answer: Codable, Sendable, Equatable {
    case text(String)
    case number(Double)
    case choices([String])
    case yes(Bool)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .yes(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else { self = .choices(try c.decode([String].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .choices(let a): try c.encode(a)
        case .yes(let b): try c.encode(b)
        }
    }

    /// The values a condition compares with: option keys, or "yes"/"no".
    var conditionValues: [String] {
        switch self {
        case .text(let s): [s]
        case .choices(let a): a
        case .yes(let b): [b ? "yes" : "no"]
        case .number: []
        }
    }
}

public struct AnswerIssue: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Codable, Error {
        case required, wrongType = "wrong_type", notAnOption = "not_an_option", outOfRange = "out_of_range"
        case badDate = "bad_date", unknownQuestion = "unknown_question", tooLong = "too_long"
    }

    public var question: String
    public var reason: Reason
    public init(question: String, reason: Reason) {
        self.question = question
        self.reason = reason
    }
}
