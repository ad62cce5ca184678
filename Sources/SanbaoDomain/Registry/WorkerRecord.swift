/// One worker as worker lists carry them. The ID number and phone are personal data: the app
/// encrypts them; this type only validates.
public struct WorkerRecord: Sendable, Equatable {
    public enum Hardship: String, Sendable, CaseIterable {
        case none
        case modelWorker = "model_worker"
        case extremePoverty = "extreme_poverty"
        case migrant
        case singleMother = "single_mother"
        case seriousIllness = "serious_illness"

        public var chineseName: String {
            switch self {
            case .none: "无"
            case .modelWorker: "困难劳模"
            case .extremePoverty: "特困职工"
            case .migrant: "困难农民工"
            case .singleMother: "单亲困难女职工"
            case .seriousIllness: "大病致困职工"
            }
        }

        public init?(parsing text: String) {
            let t = text.trimmed
            if t.isEmpty { self = .none; return }
            if let h = Hardship(rawValue: t.lowercased()) { self = h; return }
            guard let h = Hardship.allCases.first(where: { $0.chineseName == t }) else { return nil }
            self = h
        }
    }

    public var name, idNumber, phone, enterpriseCode, job: String
    public var migrant: Bool
    public var household: String
    public var hardship: Hardship

    public init(name: String, idNumber: String, phone: String = "", enterpriseCode: String, job: String = "",
                migrant: Bool = false, household: String = "", hardship: Hardship = .none) {
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.enterpriseCode = enterpriseCode
        self.job = job
        self.migrant = migrant
        self.household = household
        self.hardship = hardship
    }

    public static let header = TableHeader(columns: [
        .init("name", "姓名"),
        .init("id_number", "身份证号"),
        .init("phone", "电话", required: false),
        .init("enterprise_code", "企业信用代码"),
        .init("job", "岗位", required: false),
        .init("migrant", "农民工", required: false),
        .init("household", "家庭情况", required: false),
        .init("hardship", "困难类别", required: false),
    ])

    public var csvFields: [String] {
        [name, idNumber, phone, enterpriseCode, job, migrant ? "yes" : "no", household, hardship.rawValue]
    }

    /// - Parameter today: for refusing birth dates in the future.
    public static func parse(line: Int, today: (Int, Int, Int), _ field: (String) -> String) -> (WorkerRecord?, [ImportIssue]) {
        var found: [ImportIssue] = []
        func issue(_ column: String, _ value: String, _ reason: ImportIssue.Reason, _ detail: String = "") {
            found.append(ImportIssue(row: line, column: column, value: value, reason: reason, detail: detail))
        }
        let name = field("name")
        if let reason = FieldRules.nameIssue(name) { issue("name", String(name.prefix(120)), reason) }
        // The value is personal data: reports name the problem, never echo the number.
        let idText = field("id_number")
        var id = ""
        switch ResidentID.check(idText, today: today) {
        case .success(let r): id = r.value
        case .failure(.wrongLength(let n)): issue("id_number", "", idText.isEmpty ? .required : .badIDNumber, "length \(n)")
        case .failure(.badCharacter): issue("id_number", "", .badIDNumber, "character")
        case .failure(.impossibleDate(let d)): issue("id_number", "", .badIDNumber, "date \(d)")
        case .failure(.badCheck): issue("id_number", "", .badIDNumber, "check")
        }
        let phoneText = field("phone")
        let phone = phoneText.isEmpty ? "" : Phone.normalise(phoneText)
        if phone == nil { issue("phone", "", .badPhone) }
        let codeText = field("enterprise_code")
        var code = ""
        switch CreditCode.check(codeText, allowLegacy: true) {
        case .success(let c): code = c.value
        case .failure: issue("enterprise_code", codeText, codeText.isEmpty ? .required : .badCreditCode, "")
        }
        let job = field("job")
        if job.count > 50 { issue("job", job, .tooLong) }
        let migrantText = field("migrant")
        let migrant = EnterpriseRecord.parseBool(migrantText)
        if migrant == nil { issue("migrant", migrantText, .badChoice, "yes/no") }
        let household = field("household")
        if household.count > 500 { issue("household", String(household.prefix(20)), .tooLong) }
        let hardshipText = field("hardship")
        let hardship = Hardship(parsing: hardshipText)
        if hardship == nil {
            issue("hardship", hardshipText, .badChoice, Hardship.allCases.map(\.chineseName).joined(separator: "/"))
        }
        guard found.isEmpty, let phone, let migrant, let hardship else { return (nil, found) }
        return (WorkerRecord(name: name, idNumber: id, phone: phone, enterpriseCode: code, job: job, migrant: migrant,
                             household: household, hardship: hardship), [])
    }
}
