/// What an enterprise file would do: rows to create, update or leave, and refused rows with
/// their reasons. The same credit code twice in one file is one enterprise: the later row wins
/// and the earlier is reported as merged, not counted twice.
public struct EnterpriseImportPlan: Sendable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var record: EnterpriseRecord
        public var action: ImportAction
    }

    public private(set) var rows: [Row] = []
    public private(set) var issues: [ImportIssue] = []
    /// Lines whose code appeared again later in the file (the later line was kept).
    public private(set) var merged: [Int] = []

    public var summary: ImportSummary { ImportSummary(actions: rows.map(\.action), issues: issues) }

    /// - Parameters:
    ///   - existing: stored enterprises by credit code.
    ///   - sameContact: whether the stored enterprise with this code has this contact (stored
    ///     contacts are encrypted, so the app answers; by default the records are compared).
    public init(records: [CSVRecord], existing: (String) -> EnterpriseRecord?, allowLegacyCodes: Bool = false,
                sameContact: ((String, String) -> Bool)? = nil) {

        var header = EnterpriseRecord.header
        let (data, headerIssues) = header.dataRecords(of: records)
        issues = headerIssues
        guard let data else { return }
        var indexOfCode: [String: Int] = [:]
        for record in data {
            let (parsed, rowIssues) = EnterpriseRecord.parse(line: record.line, allowLegacyCodes: allowLegacyCodes) {
                header.value($0, in: record)
            }
            issues += rowIssues
            guard let enterprise = parsed else { continue }
            let action: ImportAction
            if var old = existing(enterprise.creditCode) {
                old.contact = enterprise.contact
                let contactSame = sameContact?(enterprise.creditCode, enterprise.contact) ?? (existing(enterprise.creditCode)?.contact == enterprise.contact)
                action = old == enterprise && contactSame ? .unchanged : .update
            } else {
                action = .create
            }
            let row = Row(line: record.line, record: enterprise, action: action)
            if let i = indexOfCode[enterprise.creditCode] {
                merged.append(rows[i].line)
                rows[i] = row
            } else {
                indexOfCode[enterprise.creditCode] = rows.count
                rows.append(row)
            }
        }
    }
}

/// Which units' jurisdictions cover an enterprise. Only the most specific are kept (a town,
/// not also its district and the city): their ancestors see the enterprise through the tree.
public struct Coverage: Sendable {
    public struct Unit: Sendable {
        public var code: String
        public var parentCode: String?
        public var jurisdiction: Jurisdiction
        public init(code: String, parentCode: String?, jurisdiction: Jurisdiction) {
            self.code = code
            self.parentCode = parentCode
            self.jurisdiction = jurisdiction
        }
    }

    let ancestors: [String: Set<String>]
    /// Units by territory (every prefix length a division code can have), so a lookup checks
    /// at most a dozen prefixes instead of every unit: a province has tens of thousands.
    let byTerritory: [String: [Unit]]

    public init(units: [Unit]) {
        let parent = Dictionary(units.map { ($0.code, $0.parentCode) }, uniquingKeysWith: { a, _ in a })
        var ancestors: [String: Set<String>] = [:]
        for unit in units {
            var set: Set<String> = []
            var cursor = unit.parentCode
            while let c = cursor, !set.contains(c) {
                set.insert(c)
                cursor = parent[c] ?? nil
            }
            ancestors[unit.code] = set
        }
        self.ancestors = ancestors
        byTerritory = Dictionary(grouping: units, by: \.jurisdiction.territory)
    }

    public func covering(divisionCode: String, industry: IndustryCode) -> [String] {
        var all: [String] = []
        for length in 0...divisionCode.count {
            for unit in byTerritory[String(divisionCode.prefix(length))] ?? []
            where unit.jurisdiction.covers(divisionCode: divisionCode, industry: industry) {
                all.append(unit.code)
            }
        }
        let dropped = all.reduce(into: Set<String>()) { $0.formUnion(ancestors[$1] ?? []) }
        return all.filter { !dropped.contains($0) }.sorted()
    }
}
