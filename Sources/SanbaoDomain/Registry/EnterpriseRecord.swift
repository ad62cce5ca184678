/// One enterprise as registry files carry it.
public struct EnterpriseRecord: Sendable, Equatable {
    public enum SizeClass: String, Sendable, CaseIterable {
        case large, medium, small, micro

        public var chineseName: String {
            switch self {
            case .large: "大型"
            case .medium: "中型"
            case .small: "小型"
            case .micro: "微型"
            }
        }

        public init?(parsing text: String) {
            let t = text.trimmed
            if let s = SizeClass(rawValue: t.lowercased()) { self = s; return }
            guard let s = SizeClass.allCases.first(where: { $0.chineseName == t || $0.chineseName + "企业" == t }) else { return nil }
            self = s
        }
    }

    public var creditCode, name: String
    public var aliases: [String]
    public var address, divisionCode: String
    public var industry: IndustryCode
    public var sizeClass: SizeClass
    public var aboveScale: Bool
    public var employees, migrantWorkers: Int
    public var unionEstablished: Bool
    public var legalRep, contact: String
    public var lat, lon: Double?
    public var tags: [String]

    public init(creditCode: String, name: String, aliases: [String] = [], address: String = "", divisionCode: String,
                industry: IndustryCode, sizeClass: SizeClass, aboveScale: Bool, employees: Int, migrantWorkers: Int = 0,
                unionEstablished: Bool = false, legalRep: String = "", contact: String = "", lat: Double? = nil,
                lon: Double? = nil, tags: [String] = []) {
        self.creditCode = creditCode
        self.name = name
        self.aliases = aliases
        self.address = address
        self.divisionCode = divisionCode
        self.industry = industry
        self.sizeClass = sizeClass
        self.aboveScale = aboveScale
        self.employees = employees
        self.migrantWorkers = migrantWorkers
        self.unionEstablished = unionEstablished
        self.legalRep = legalRep
        self.contact = contact
        self.lat = lat
        self.lon = lon
        self.tags = tags
    }

    public static let header = TableHeader(columns: [
        .init("credit_code", "统一社会信用代码"),
        .init("name", "企业名称"),
        .init("aliases", "曾用名", required: false),
        .init("address", "地址", required: false),
        .init("division_code", "行政区划代码"),
        .init("industry_code", "行业代码"),
        .init("size_class", "企业规模"),
        .init("above_scale", "规模以上", required: false),
        .init("employees", "职工人数"),
        .init("migrant_workers", "农民工人数", required: false),
        .init("union_established", "已建工会", required: false),
        .init("legal_rep", "法定代表人", required: false),
        .init("contact", "联系方式", required: false),
        .init("lat", "纬度", required: false),
        .init("lon", "经度", required: false),
        .init("tags", "标签", required: false),
    ])

    public var csvFields: [String] {
        [creditCode, name, aliases.joined(separator: ";"), address, divisionCode, industry.description, sizeClass.rawValue,
         aboveScale ? "yes" : "no", "\(employees)", "\(migrantWorkers)", unionEstablished ? "yes" : "no", legalRep, contact,
         lat.map(Coordinates.format) ?? "", lon.map(Coordinates.format) ?? "", tags.joined(separator: ";")]
    }

    public static let maxEmployees = 2_000_000

    /// Validates one enterprise's fields by column key, however they arrived.
    public static func parse(line: Int, allowLegacyCodes: Bool = false,
                             _ field: (String) -> String) -> (EnterpriseRecord?, [ImportIssue]) {
        var found: [ImportIssue] = []
        func issue(_ column: String, _ value: String, _ reason: ImportIssue.Reason, _ detail: String = "") {
            found.append(ImportIssue(row: line, column: column, value: String(value.prefix(120)), reason: reason, detail: detail))
        }
        let codeText = field("credit_code")
        var code = ""
        switch CreditCode.check(codeText, allowLegacy: allowLegacyCodes) {
        case .success(let c): code = c.value
        case .failure(.wrongLength(let n)): issue("credit_code", codeText, codeText.isEmpty ? .required : .badCreditCode, "length \(n)")
        case .failure(.badCharacter(let ch)): issue("credit_code", codeText, .badCreditCode, "character \(ch)")
        case .failure(.badCheck(let expected)): issue("credit_code", codeText, .badCreditCode, "check \(expected)")
        case .failure(.legacy): issue("credit_code", codeText, .legacyCode)
        }
        let name = field("name")
        if let reason = FieldRules.nameIssue(name) { issue("name", name, reason) }
        let aliases = split(field("aliases"))
        let address = field("address")
        if address.count > 200 { issue("address", address, .tooLong) }
        let division = field("division_code")
        if division.isEmpty { issue("division_code", division, .required) }
        else if !(6...12).contains(division.count) || !Jurisdiction.isValidTerritory(division) { issue("division_code", division, .badFormat) }
        let industryText = field("industry_code")
        let industry = IndustryCode(parsing: industryText)
        if industry == nil { issue("industry_code", industryText, industryText.isEmpty ? .required : .badSector) }
        let sizeText = field("size_class")
        let size = SizeClass(parsing: sizeText)
        if size == nil { issue("size_class", sizeText, sizeText.isEmpty ? .required : .badChoice, "large/medium/small/micro") }
        func flag(_ column: String) -> Bool {
            let t = field(column)
            guard let b = parseBool(t) else { issue(column, t, .badChoice, "yes/no"); return false }
            return b
        }
        func count(_ column: String, required: Bool) -> Int {
            let t = field(column)
            if t.isEmpty { if required { issue(column, t, .required) }; return 0 }
            guard let n = Int(t) else { issue(column, t, .badNumber); return 0 }
            guard (0...maxEmployees).contains(n) else { issue(column, t, .outOfRange, "0–\(maxEmployees)"); return 0 }
            return n
        }
        let aboveScale = flag("above_scale")
        let employees = count("employees", required: true)
        let migrants = count("migrant_workers", required: false)
        if migrants > employees { issue("migrant_workers", field("migrant_workers"), .outOfRange, "≤ \(employees)") }
        let union = flag("union_established")
        let legalRep = field("legal_rep")
        if legalRep.count > 50 { issue("legal_rep", legalRep, .tooLong) }
        let contact = field("contact")
        if contact.count > 100 { issue("contact", contact, .tooLong) }
        let (lat, lon, coordinateIssues) = Coordinates.parsePair(line: line, field)
        found += coordinateIssues
        let tags = split(field("tags"))
        guard found.isEmpty, let industry, let size else { return (nil, found) }
        return (EnterpriseRecord(creditCode: code, name: name, aliases: aliases, address: address, divisionCode: division,
                                 industry: industry, sizeClass: size, aboveScale: aboveScale, employees: employees,
                                 migrantWorkers: migrants, unionEstablished: union, legalRep: legalRep, contact: contact,
                                 lat: lat, lon: lon, tags: tags), [])
    }

    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { ";；".contains($0) }).map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    /// Yes/no as spreadsheets write it; empty is no.
    static func parseBool(_ text: String) -> Bool? {
        switch text.trimmed.lowercased() {
        case "", "no", "n", "false", "0", "否", "无", "未建": false
        case "yes", "y", "true", "1", "是", "有", "已建": true
        default: nil
        }
    }
}
