/// One org unit as files carry it. The app's model converts to and from this.
public struct OrgUnitRecord: Sendable, Equatable {
    public var code, name: String
    public var kind: OrgUnitKind
    public var parentCode: String?
    public var territory: String
    public var sectors: [IndustryCode]
    public var lat, lon: Double?

    public init(code: String, name: String, kind: OrgUnitKind, parentCode: String?, territory: String = "",
                sectors: [IndustryCode] = [], lat: Double? = nil, lon: Double? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parentCode = parentCode
        self.territory = territory
        self.sectors = sectors
        self.lat = lat
        self.lon = lon
    }

    public static let header = TableHeader(columns: [
        .init("code", "编码"),
        .init("name", "名称"),
        .init("kind", "类型"),
        .init("parent_code", "上级编码"),
        .init("territory", "辖区代码", required: false),
        .init("sectors", "行业", required: false),
        .init("lat", "纬度", required: false),
        .init("lon", "经度", required: false),
    ])

    /// Validates one unit's fields, however they arrived (file row, form, JSON), by column key.
    public static func parse(line: Int, _ field: (String) -> String) -> (OrgUnitRecord?, [ImportIssue]) {
        var found: [ImportIssue] = []
        func issue(_ column: String, _ value: String, _ reason: ImportIssue.Reason, _ detail: String = "") {
            found.append(ImportIssue(row: line, column: column, value: value, reason: reason, detail: detail))
        }
        let code = field("code")
        if code.isEmpty { issue("code", code, .required) } else if !FieldRules.isValidCode(code) { issue("code", code, .badFormat) }
        let name = field("name")
        if let reason = FieldRules.nameIssue(name) { issue("name", String(name.prefix(120)), reason) }
        let kindText = field("kind")
        let kind = OrgUnitKind(parsing: kindText)
        if kind == nil { issue("kind", kindText, kindText.isEmpty ? .required : .badKind) }
        let parent = field("parent_code")
        if !parent.isEmpty && !FieldRules.isValidCode(parent) { issue("parent_code", parent, .badFormat) }
        let territory = field("territory")
        if !Jurisdiction.isValidTerritory(territory) { issue("territory", territory, .badFormat) }
        let sectorsText = field("sectors")
        let (sectors, invalid) = Jurisdiction.parseSectors(sectorsText)
        for bad in invalid { issue("sectors", bad, .badSector) }
        let (lat, lon, coordinateIssues) = Coordinates.parsePair(line: line, field)
        found += coordinateIssues
        if code == parent && !code.isEmpty { issue("parent_code", parent, .cycle, code) }
        guard found.isEmpty, let kind else { return (nil, found) }
        return (OrgUnitRecord(code: code, name: name, kind: kind, parentCode: parent.isEmpty ? nil : parent,
                              territory: territory, sectors: sectors, lat: lat, lon: lon), [])
    }

    public var csvFields: [String] {
        [code, name, kind.rawValue, parentCode ?? "", territory, Jurisdiction.format(sectors),
         lat.map(Coordinates.format) ?? "", lon.map(Coordinates.format) ?? ""]
    }
}

/// Field rules shared by imports, forms and the API, so that a value refused in one is
/// refused in all.
public enum FieldRules {
    public static let maxNameLength = 100

    /// Codes appear in URLs, files and paths: letters, digits, "-", "_" and ".", 1–32 long.
    public static func isValidCode(_ code: String) -> Bool {
        func isAlnum(_ c: Unicode.Scalar) -> Bool {
            ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c)
        }
        guard (1...32).contains(code.unicodeScalars.count), let first = code.unicodeScalars.first, isAlnum(first) else {
            return false
        }
        return code.unicodeScalars.allSatisfy { isAlnum($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// A name is required, at most `maxNameLength` characters, without control characters.
    public static func nameIssue(_ name: String) -> ImportIssue.Reason? {
        if name.isEmpty { return .required }
        if name.count > maxNameLength { return .tooLong }
        if name.unicodeScalars.contains(where: { Self.hiddenCategories.contains($0.properties.generalCategory) }) { return .badFormat }
        return nil
    }

    /// Characters a reader cannot see or that reorder what they see: controls, format
    /// characters (bidi overrides U+202A–202E and isolates U+2066–2069, zero-width spaces and
    /// joiners, U+FEFF), line and paragraph separators, private use. A unit named only U+FEFF,
    /// or a name that displays reversed, would deceive whoever picks it from a list.
    static let hiddenCategories: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator,
                                                                 .privateUse, .surrogate]
}

public enum Coordinates {
    /// Latitude and longitude from their columns; either may be empty.
    public static func parsePair(line: Int, _ field: (String) -> String) -> (lat: Double?, lon: Double?, issues: [ImportIssue]) {
        var issues: [ImportIssue] = []
        func one(_ column: String, _ limit: Double) -> Double? {
            let text = field(column)
            switch parse(text, limit: limit) {
            case .success(let v): return v
            case .failure(let reason):
                issues.append(ImportIssue(row: line, column: column, value: text, reason: reason))
                return nil
            }
        }
        let lat = one("lat", 90)
        let lon = one("lon", 180)
        return (lat, lon, issues)
    }

    public static func parse(_ text: String, limit: Double) -> Result<Double?, ImportIssue.Reason> {
        if text.isEmpty { return .success(nil) }
        guard let v = Double(text), v.isFinite else { return .failure(.badNumber) }
        guard abs(v) <= limit else { return .failure(.outOfRange) }
        return .success(v)
    }

    public static func format(_ v: Double) -> String {
        let s = String(format: "%.6f", v)
        // Trim trailing zeros so that an export re-imports byte for byte.
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
