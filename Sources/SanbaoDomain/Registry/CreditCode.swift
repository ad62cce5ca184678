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
            if (0x61...0x7A).contains(v) { v -= 0x20 }
            return Unicode.Scalar(v)
        }))
    }

    /// Value of each ASCII byte in the alphabet, -1 where it is not a code character.
    static let values: [Int8] = (0..<128).map { b in Int8(alphabet.firstIndex(of: Character(Unicode.Scalar(UInt8(b)))) ?? -1) }

    public static func check(_ text: String, allowLegacy: Bool = false) -> Result<CreditCode, Problem> {
        let code = normalise(text)
        let scalars = Array(code.unicodeScalars)
        if scalars.count == 15, scalars.allSatisfy({ (0x30...0x39).contains($0.value) }) {
            return allowLegacy ? .success(CreditCode(value: code)) : .failure(.legacy)
        }
        guard scalars.count == 18 else { return .failure(.wrongLength(code.count)) }
        var sum = 0
        for (i, s) in scalars.enumerated() {
            let v = s.value < 128 ? Int(values[Int(s.value)]) : -1
            guard v >= 0 else { return .failure(.badCharacter(Character(s))) }
            if i < 17 { sum += v * weights[i] }
        }
        let expected = alphabet[(31 - sum % 31) % 31]
        guard Character(scalars[17]) == expected else { return .failure(.badCheck(expected: expected)) }
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

extension CreditCode {
    /// A checked code (18 characters, or a 15-digit legacy number) packed into 128 bits, six
    /// to a character: an import remembers every code it has seen, and a million of these
    /// take a sixth of the memory strings would.
    public struct Key: Hashable, Sendable {
        var high: UInt64 = 0
        var low: UInt64 = 0

        public init(_ code: String) {
            for (i, b) in code.utf8.prefix(18).enumerated() {
                let v = UInt64(b >= 0x41 ? b &- 0x41 &+ 11 : b &- 0x30 &+ 1) & 0x3F
                if i < 9 { high = high << 6 | v } else { low = low << 6 | v }
            }
        }
    }
}
