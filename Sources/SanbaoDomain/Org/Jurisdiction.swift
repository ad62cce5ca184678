/// What a unit is responsible for: a territory (administrative division code prefix, empty
/// for no limit) and sectors (empty for all industries). The registry uses it to link each
/// enterprise to every unit whose jurisdiction covers it.
public struct Jurisdiction: Sendable, Equatable {
    public var territory: String
    public var sectors: [IndustryCode]

    public init(territory: String, sectors: [IndustryCode]) {
        self.territory = territory
        self.sectors = sectors
    }

    public func covers(divisionCode: String, industry: IndustryCode?) -> Bool {
        guard divisionCode.hasPrefix(territory) else { return false }
        if sectors.isEmpty { return true }
        guard let industry else { return false }
        return sectors.contains { $0.covers(industry) }
    }

    /// Sectors as stored and exported: normalised codes joined by ";".
    public static func format(_ sectors: [IndustryCode]) -> String {
        sectors.map(\.description).joined(separator: ";")
    }

    /// Splits "C34;3411; C35" (also accepting "，" and "；" from Chinese keyboards);
    /// returns the codes and the parts that are not codes.
    public static func parseSectors(_ text: String) -> (codes: [IndustryCode], invalid: [String]) {
        var codes: [IndustryCode] = []
        var invalid: [String] = []
        let parts = text.split(whereSeparator: { ";；,，".contains($0) })
        for part in parts {
            let p = part.trimmingCharacters(in: .whitespaces)
            if p.isEmpty { continue }
            if let code = IndustryCode(parsing: p) {
                if !codes.contains(code) { codes.append(code) }
            } else {
                invalid.append(p)
            }
        }
        return (codes.sorted(), invalid)
    }

    /// Territory codes are the digits of an administrative division code (2 to 12).
    public static func isValidTerritory(_ text: String) -> Bool {
        text.isEmpty || (text.count <= 12 && text.allSatisfy { $0.isASCII && $0.isNumber })
    }
}
