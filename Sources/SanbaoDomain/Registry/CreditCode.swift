/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-letter alphabet (no I, O, S, V, Z),
/// the last a check character over the first 17. Lists type them in lower case, full-width or
/// with spaces; we normalise first, then check.
public struct CreditCode: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Error, Sendable, Equatable {
        case wrongLength(Int)
        case badCharacter(Character)
        case badCheck(expected: Character)
        /// A 15-digit registration number from before 2015: accepted only when asked for.
        case legacy
    }

    /// Upper-cases, turns full-width letters and digits into ASCII and drops spaces and dashes.
    public static func normalise(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { s -> Unicode.Scalar? in
            var v = s.value
            if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }        // full-width ASCII block
            if v == 0x3000 || v == 0x20 || v == 0x2D || v == 0x09 { return nil }
            guard let out = Unicode.Scalar(v) else { return nil }
            return Character(out).isLowercase ? Unicode.Scalar(Character(out).uppercased().unicodeScalars.first!.value) : out
        }))
    }

    public static func check(_ text: String, allowLegacy: Bool = false) -> Result<CreditCode, Problem> {
        let code = normalise(text)
        if code.count == 15, code.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return allowLegacy ? .success(CreditCode(value: code)) : .failure(.legacy)
        }
        guard code.count == 18 else { return .failure(.wrongLength(code.count)) }
        var sum = 0
        let chars = Array(code)
        for (i, ch) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: ch) else { return .failure(.badCharacter(ch)) }
            if i < 17 { sum += v * weights[i] }
        }
        let expected = alphabet[(31 - sum % 31) % 31]
        guard chars[17] == expected else { return .failure(.badCheck(expected: expected)) }
        return .success(CreditCode(value: code))
    }

    /// Completes 17 characters with their check character (the demo city makes codes this way).
    public static func withCheck(_ first17: String) -> String {
        let chars = Array(first17)
        var sum = 0
        precondition(chars.count == 17 && chars.allSatisfy(alphabet.contains), "withCheck needs 17 characters of the GB 32100 alphabet")
        for i in 0..<17 { sum += alphabet.firstIndex(of: chars[i])! * weights[i] }
        return first17 + String(alphabet[(31 - sum % 31) % 31])
    }

    private init(value: String) { self.value = value }
}
