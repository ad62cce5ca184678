import Foundation
/// 居民身份证号码 (GB 11643-1999): 6-digit division, 8-digit birth date, 3-digit sequence
/// (odd for men), and an ISO 7064 MOD 11-2 check character (0–9 or X).
public struct ResidentID: Sendable, Hashable {
    public let value: String
    public let birthYear, birthMonth, birthDay: Int
    public var isMale: Bool { Int(String(Array(value)[16]))! % 2 == 1 }
    public var birthDate: String { String(format: "%04d-%02d-%02d", birthYear, birthMonth, birthDay) }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks = Array("10X98765432")

    public enum Problem: Error, Sendable, Equatable {
        case wrongLength(Int)
        case badCharacter
        case impossibleDate(String)
        case badCheck(expected: Character)
    }

    /// The calendar day in China of `date`, as `check` takes it.
    public static func day(of date: Date) -> (Int, Int, Int) {
        ShanghaiTime.day(date).parts
    }

    /// - Parameter today: (year, month, day) to refuse birth dates in the future.
    public static func check(_ text: String, today: (Int, Int, Int)) -> Result<ResidentID, Problem> {
        let id = CreditCode.normalise(text)
        guard id.count == 18 else { return .failure(.wrongLength(id.count)) }
        let chars = Array(id)
        guard chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }), chars[17].isNumber || chars[17] == "X" else {
            return .failure(.badCharacter)
        }
        let y = Int(String(chars[6..<10]))!, m = Int(String(chars[10..<12]))!, d = Int(String(chars[12..<14]))!
        guard y >= 1900, (1...12).contains(m), (1...daysIn(m, y)).contains(d),
              (y, m, d) <= today else {
            return .failure(.impossibleDate(String(chars[6..<14])))
        }
        var sum = 0
        for i in 0..<17 { sum += Int(String(chars[i]))! * weights[i] }
        let expected = checks[sum % 11]
        guard chars[17] == expected else { return .failure(.badCheck(expected: expected)) }
        return .success(ResidentID(value: id, birthYear: y, birthMonth: m, birthDay: d))
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// "340104199003071234" → "3401**********1234".
    public var masked: String { String(value.prefix(4)) + String(repeating: "*", count: 10) + String(value.suffix(4)) }

    /// Completes 17 digits with their check character.
    public static func withCheck(_ first17: String) -> String {
        var sum = 0
        for (i, ch) in first17.enumerated() { sum += Int(String(ch))! * weights[i] }
        return first17 + String(checks[sum % 11])
    }
}
