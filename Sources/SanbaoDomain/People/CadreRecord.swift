/// One cadre as the cadre list carries it: `staff_no,name,unit_code,phone,lat,lon,capacity`.
public struct CadreRecord: Sendable, Equatable {
    public var staffNo, name, unitCode: String
    /// Normalised; empty when the list gives none.
    public var phone: String
    public var lat, lon: Double?
    public var capacity: Int

    public init(staffNo: String, name: String, unitCode: String, phone: String, lat: Double?, lon: Double?, capacity: Int) {
        self.staffNo = staffNo
        self.name = name
        self.unitCode = unitCode
        self.phone = phone
        self.lat = lat
        self.lon = lon
        self.capacity = capacity
    }

    public static let header = TableHeader(columns: [
        .init("staff_no", "工号"),
        .init("name", "姓名"),
        .init("unit_code", "单位编码"),
        .init("phone", "电话", required: false),
        .init("lat", "纬度", required: false),
        .init("lon", "经度", required: false),
        .init("capacity", "走访容量"),
    ])

    public static let maxCapacity = 500

    public var csvFields: [String] {
        [staffNo, name, unitCode, phone, lat.map(Coordinates.format) ?? "", lon.map(Coordinates.format) ?? "", "\(capacity)"]
    }
}

/// Decides what a cadre file would do, like `OrgUnitImportPlan` does for units.
public struct CadreImportPlan: Sendable {
    public typealias Action = ImportAction

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var record: CadreRecord
        public var action: Action
    }

    public private(set) var rows: [Row] = []
    public private(set) var issues: [ImportIssue] = []

    public var summary: ImportSummary { ImportSummary(actions: rows.map(\.action), issues: issues) }

    /// - Parameters:
    ///   - existing: cadres already stored, by staff number.
    ///   - writableUnits: codes of the active units the importer may write to.
    ///   - knownUnits: codes of all units, to tell "no such unit" from "not yours".
    ///   - takenUsernames: sign-in names of users who are not cadres; a staff number becomes
    ///     the cadre's sign-in name, so it must not collide with one of them.
    ///   - samePhone: whether the stored cadre with this staff number has this phone. Stored
    ///     phones are encrypted, so the app answers with a keyed digest; by default the
    ///     `existing` records' phones are compared.
    public init(records: [CSVRecord], existing: [String: CadreRecord], writableUnits: Set<String>, knownUnits: Set<String>,
                takenUsernames: Set<String> = [], samePhone: ((String, String) -> Bool)? = nil) {
        let samePhone = samePhone ?? { staffNo, phone in existing[staffNo]?.phone == phone }
        var header = CadreRecord.header
        let (data, headerIssues) = header.dataRecords(of: records)
        issues = headerIssues
        guard let data else { return }
        var seen: [String: Int] = [:]
        // Sign-in names differ by more than case ("OFFICE" is not a new name beside "office").
        let taken = Set(takenUsernames.map { $0.lowercased() })
        let stored = Set(existing.keys.map { $0.lowercased() })
        for record in data {
            var found: [ImportIssue] = []
            func issue(_ column: String, _ value: String, _ reason: ImportIssue.Reason, _ detail: String = "") {
                found.append(ImportIssue(row: record.line, column: column, value: value, reason: reason, detail: detail))
            }
            let staffNo = header.value("staff_no", in: record)
            if staffNo.isEmpty { issue("staff_no", staffNo, .required) } else if !FieldRules.isValidCode(staffNo) { issue("staff_no", staffNo, .badFormat) }
            if let earlier = seen[staffNo], !staffNo.isEmpty { issue("staff_no", staffNo, .duplicateCode, "\(earlier)") }
            if taken.contains(staffNo.lowercased()) || (existing[staffNo] == nil && stored.contains(staffNo.lowercased())) {
                issue("staff_no", staffNo, .usernameTaken)
            }
            let name = header.value("name", in: record)
            if let reason = FieldRules.nameIssue(name) { issue("name", String(name.prefix(120)), reason) }
            let unit = header.value("unit_code", in: record)
            if unit.isEmpty { issue("unit_code", unit, .required) }
            else if !knownUnits.contains(unit) { issue("unit_code", unit, .unknownUnit) }
            else if !writableUnits.contains(unit) { issue("unit_code", unit, .outsideScope) }
            let phoneText = header.value("phone", in: record)
            let phone = phoneText.isEmpty ? "" : Phone.normalise(phoneText)
            if phone == nil { issue("phone", phoneText, .badPhone) }
            let (lat, lon, coordinateIssues) = Coordinates.parsePair(line: record.line) { header.value($0, in: record) }
            found += coordinateIssues
            let capText = header.value("capacity", in: record)
            let capacity = Int(capText)
            if capText.isEmpty { issue("capacity", capText, .required) }
            else if capacity == nil { issue("capacity", capText, .badNumber) }
            else if !(0...CadreRecord.maxCapacity).contains(capacity!) { issue("capacity", capText, .outOfRange, "0–\(CadreRecord.maxCapacity)") }
            guard found.isEmpty, let phone, let capacity else {
                issues.append(contentsOf: found)
                continue
            }
            seen[staffNo] = record.line
            let cadre = CadreRecord(staffNo: staffNo, name: name, unitCode: unit, phone: phone, lat: lat, lon: lon, capacity: capacity)
            let action: Action
            if var old = existing[staffNo] {
                old.phone = phone
                action = old == cadre && samePhone(staffNo, phone) ? .unchanged : .update
            } else {
                action = .create
            }
            rows.append(Row(line: record.line, record: cadre, action: action))
        }
    }
}
