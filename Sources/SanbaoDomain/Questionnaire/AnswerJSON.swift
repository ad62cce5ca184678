/// Answers as stored with a response: a JSON object with sorted keys, written directly. Every
/// visit stores four or five of these, and `JSONEncoder` (boxing each value through `Encodable`)
/// cost more than the rest of building the visit's rows together. `JSONDecoder` reads them back.
public enum AnswerJSON {
    public static func encode(_ answers: [String: Answer]) -> String {
        var out = "{"
        for (i, key) in answers.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            string(key, into: &out)
            out += ":"
            switch answers[key]! {
            case .text(let s): string(s, into: &out)
            case .yes(let b): out += b ? "true" : "false"
            case .number(let n): out += number(n)
            case .choices(let keys):
                out += "["
                for (j, k) in keys.enumerated() {
                    if j > 0 { out += "," }
                    string(k, into: &out)
                }
                out += "]"
            }
        }
        return out + "}"
    }

    /// Whole numbers without a fraction; others in Swift's shortest form, which is valid JSON
    /// (answers are checked finite before they get here).
    static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func string(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
