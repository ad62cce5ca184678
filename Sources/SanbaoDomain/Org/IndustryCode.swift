/// GB/T 4754-2017 industry codes: a section letter (A–T), optionally followed by a 2-digit
/// division, 3-digit group or 4-digit class. Lists often drop the letter ("3411"); we restore it
/// from the division so that "C34" and "3411" compare as they should.
public struct IndustryCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let section: Character
    public let digits: String

    public var description: String { String(section) + digits }

    public init?(parsing text: String) {
        let raw = text.trimmed.uppercased()
        guard !raw.isEmpty else { return nil }
        let first = raw.first!
        if first.isLetter {
            let rest = String(raw.dropFirst())
            guard first >= "A", first <= "T", rest.isEmpty || Self.isDivisionDigits(rest),
                  rest.isEmpty || Self.section(ofDivision: Int(rest.prefix(2))!) == first else { return nil }
            section = first
            digits = rest
        } else {
            guard Self.isDivisionDigits(raw), let s = Self.section(ofDivision: Int(raw.prefix(2))!) else { return nil }
            section = s
            digits = raw
        }
    }

    private static func isDivisionDigits(_ s: String) -> Bool {
        (2...4).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// True when `other` lies inside this code (a section covers its divisions, a division
    /// its groups and classes).
    public func covers(_ other: IndustryCode) -> Bool {
        section == other.section && other.digits.hasPrefix(digits)
    }

    public static func < (a: IndustryCode, b: IndustryCode) -> Bool { a.description < b.description }

    /// The sections' names in GB/T 4754-2017, in Chinese and English.
    public static let sectionNames: [Character: (zh: String, en: String)] = [
        "A": ("农、林、牧、渔业", "Agriculture"), "B": ("采矿业", "Mining"), "C": ("制造业", "Manufacturing"),
        "D": ("电力、热力、燃气及水生产和供应业", "Utilities"), "E": ("建筑业", "Construction"), "F": ("批发和零售业", "Wholesale and retail"),
        "G": ("交通运输、仓储和邮政业", "Transport and logistics"), "H": ("住宿和餐饮业", "Hotels and catering"),
        "I": ("信息传输、软件和信息技术服务业", "Information technology"), "J": ("金融业", "Finance"), "K": ("房地产业", "Real estate"),
        "L": ("租赁和商务服务业", "Leasing and business services"), "M": ("科学研究和技术服务业", "Research and technical services"),
        "N": ("水利、环境和公共设施管理业", "Water, environment and public facilities"), "O": ("居民服务、修理和其他服务业", "Household and repair services"),
        "P": ("教育", "Education"), "Q": ("卫生和社会工作", "Health and social work"), "R": ("文化、体育和娱乐业", "Culture, sport and entertainment"),
        "S": ("公共管理、社会保障和社会组织", "Public administration"), "T": ("国际组织", "International organisations"),
    ]

    /// Division ranges of GB/T 4754-2017.
    static func section(ofDivision d: Int) -> Character? {
        switch d {
        case 1...5: "A"
        case 6...12: "B"
        case 13...43: "C"
        case 44...46: "D"
        case 47...50: "E"
        case 51...52: "F"
        case 53...60: "G"
        case 61...62: "H"
        case 63...65: "I"
        case 66...69: "J"
        case 70: "K"
        case 71...72: "L"
        case 73...75: "M"
        case 76...79: "N"
        case 80...82: "O"
        case 83: "P"
        case 84...85: "Q"
        case 86...90: "R"
        case 91...96: "S"
        case 97: "T"
        default: nil
        }
    }
}
