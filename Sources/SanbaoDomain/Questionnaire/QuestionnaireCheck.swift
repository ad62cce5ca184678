import Foundation

extension Questionnaire {
    /// Whether a question is asked, given the answers: its condition holds, and the question the
    /// condition looks at is itself asked.
    public func isAsked(_ question: Question, in answers: [String: Answer]) -> Bool {
        guard let condition = question.showIf else { return true }
        guard let earlier = self.question(condition.question), isAsked(earlier, in: answers),
              let answer = answers[condition.question] else { return false }
        return !Set(answer.conditionValues).isDisjoint(with: condition.anyOf)
    }

    /// Checks a set of answers against this version: answers to questions that are not asked
    /// (their condition does not hold) are dropped, the rest are normalised (an option key as
    /// text, numbers as numbers), and each problem is named by its question.
    public func check(_ answers: [String: Answer]) -> (kept: [String: Answer], issues: [AnswerIssue]) {
        var issues: [AnswerIssue] = []
        let all = questions
        let known = Set(all.map(\.key))
        for key in answers.keys.sorted() where !known.contains(key) {
            issues.append(AnswerIssue(question: key, reason: .unknownQuestion))
        }
        var kept: [String: Answer] = [:]
        for q in all {
            // Conditions look at the answers as checked so far: questions come in order, and an
            // earlier question that was not asked has no answer kept (what `isAsked` walks).
            if let condition = q.showIf {
                guard let earlier = kept[condition.question],
                      !Set(earlier.conditionValues).isDisjoint(with: condition.anyOf) else { continue }
            }
            guard let raw = answers[q.key], !raw.isEmpty else {
                if q.required { issues.append(AnswerIssue(question: q.key, reason: .required)) }
                continue
            }
            switch Self.normalise(raw, for: q) {
            case .success(let value): kept[q.key] = value
            case .failure(let reason): issues.append(AnswerIssue(question: q.key, reason: reason))
            }
        }
        return (kept, issues)
    }

    static func normalise(_ answer: Answer, for q: Question) -> Result<Answer, AnswerIssue.Reason> {
        let keys = Set(q.options.map(\.key))
        switch (q.kind, answer) {
        case (.single, .text(let k)):
            return keys.contains(k) ? .success(.text(k)) : .failure(.notAnOption)
        case (.single, .choices(let ks)) where ks.count == 1:
            return keys.contains(ks[0]) ? .success(.text(ks[0])) : .failure(.notAnOption)
        case (.multiple, .choices(let ks)):
            return ks.allSatisfy(keys.contains) ? .success(.choices(Array(Set(ks)).sorted { a, b in
                q.options.firstIndex { $0.key == a }! < q.options.firstIndex { $0.key == b }!
            })) : .failure(.notAnOption)
        case (.multiple, .text(let k)):
            return keys.contains(k) ? .success(.choices([k])) : .failure(.notAnOption)
        case (.number, _), (.money, _), (.scale, _):
            let value: Double
            switch answer {
            case .number(let n): value = n
            case .text(let t):
                guard let n = Double(t.trimmed) else { return .failure(.wrongType) }
                value = n
            default: return .failure(.wrongType)
            }
            guard value.isFinite else { return .failure(.wrongType) }
            let low = q.kind == .scale ? 1 : q.min ?? (q.kind == .money ? 0 : -.greatestFiniteMagnitude)
            let high = q.kind == .scale ? 5 : q.max ?? .greatestFiniteMagnitude
            if q.kind == .scale && value != value.rounded() { return .failure(.wrongType) }
            return (low...high).contains(value) ? .success(.number(value)) : .failure(.outOfRange)
        case (.text, .text(let t)):
            return t.count <= 2_000 ? .success(.text(t.trimmed)) : .failure(.tooLong)
        case (.date, .text(let t)):
            return Self.isDate(t.trimmed) ? .success(.text(t.trimmed)) : .failure(.badDate)
        case (.yesNo, .yes(let b)):
            return .success(.yes(b))
        case (.yesNo, .text(let t)):
            switch t.trimmed.lowercased() {
            case "yes", "true", "是": return .success(.yes(true))
            case "no", "false", "否": return .success(.yes(false))
            default: return .failure(.wrongType)
            }
        default:
            return .failure(.wrongType)
        }
    }

    /// YYYY-MM-DD and a real day of the calendar.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1 else { return false }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    /// What is wrong with the questionnaire itself, in the office's terms (checked on import and
    /// before a version is published): keys unique, choices with options, conditions on an
    /// earlier choice or yes/no question and on values it can take, bounds in order.
    public var structuralProblems: [String] {
        var problems: [String] = []
        var seen: [String: Question] = [:]
        if key.isEmpty { problems.append("the questionnaire has no key") }
        if Set(sections.map(\.key)).count != sections.count { problems.append("two sections share a key") }
        for q in questions {
            if q.key.isEmpty || q.key.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
                problems.append("question key '\(q.key)' must be letters, digits and _")
            }
            if seen[q.key] != nil { problems.append("two questions share the key '\(q.key)'") }
            if (q.kind == .single || q.kind == .multiple) && q.options.count < 2 {
                problems.append("'\(q.key)' is a choice with fewer than two options")
            }
            if Set(q.options.map(\.key)).count != q.options.count { problems.append("'\(q.key)' has two options with the same key") }
            if let low = q.min, let high = q.max, low > high { problems.append("'\(q.key)' has its minimum above its maximum") }
            if let c = q.showIf {
                if let earlier = seen[c.question] {
                    let values = earlier.kind == .yesNo ? ["yes", "no"] : earlier.options.map(\.key)
                    if values.isEmpty { problems.append("'\(q.key)' depends on '\(c.question)', which is not a choice or yes/no") }
                    else if c.anyOf.isEmpty || !c.anyOf.allSatisfy(values.contains) {
                        problems.append("'\(q.key)' depends on values '\(c.question)' cannot take")
                    }
                } else {
                    problems.append("'\(q.key)' depends on '\(c.question)', which is not an earlier question")
                }
            }
            seen[q.key] = q
        }
        return problems
    }
}

extension Answer {
    /// An empty text or an empty choice is no answer.
    var isEmpty: Bool {
        switch self {
        case .text(let t): t.trimmed.isEmpty
        case .choices(let a): a.isEmpty
        default: false
        }
    }
}
