/// What an enterprise file does, decided as it is read: rows to create, update or leave, and
/// refused rows with their reasons. A file is read in batches (a province list has a million
/// rows), so the plan keeps only counts, issues and the codes it has seen.
///
/// The same credit code twice in one file is one enterprise: the later row wins and the
/// earlier is merged into it, not counted twice — also when the two rows land in different
/// batches and the earlier one has already been written.
public struct EnterpriseImportPlan: Sendable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var record: EnterpriseRecord
        public var action: ImportAction
    }

    public let allowLegacyCodes: Bool
    public private(set) var issues: [ImportIssue] = []
    /// Rows whose code came again later in the file.
    public private(set) var merged = 0
    private var counts = ImportSummary()
    private var header = EnterpriseRecord.header
    private var headerRead = false
    /// What each code seen so far was counted as.
    private var seen: [CreditCode.Key: ImportAction] = [:]

    public init(allowLegacyCodes: Bool = false) {
        self.allowLegacyCodes = allowLegacyCodes
    }

    /// Empty, or a required column missing or doubled: nothing in the file can be read.
    public var isUnreadable: Bool { TableHeader.isFatal(issues) || issues.contains { $0.reason == .emptyFile } }

    /// Whether any row has been refused so far (all-or-nothing stops writing at the first).
    public var refusedAny: Bool { issues.contains { $0.row > 0 && $0.reason != .unknownColumn } }

    public var summary: ImportSummary {
        var s = ImportSummary(actions: [], issues: issues)
        s.created = counts.created
        s.updated = counts.updated
        s.unchanged = counts.unchanged
        return s
    }

    /// Reads the next records of the file, the header first; returns the rows that parse
    /// (their action still to be decided) and keeps the issues of those that do not.
    public mutating func read(_ records: [CSVRecord]) -> [(line: Int, record: EnterpriseRecord)] {
        var data = records[...]
        if !headerRead, let first = data.first {
            headerRead = true
            issues += header.bind(first)
            data = data.dropFirst()
        }
        guard !isUnreadable else { return [] }
        var out: [(line: Int, record: EnterpriseRecord)] = []
        out.reserveCapacity(data.count)
        for record in data where !record.isBlank {
            if let issue = header.shapeIssue(record) {
                issues.append(issue)
                continue
            }
            let (parsed, rowIssues) = EnterpriseRecord.parse(line: record.line, allowLegacyCodes: allowLegacyCodes) {
                header.value($0, in: record)
            }
            issues += rowIssues
            if let parsed { out.append((record.line, parsed)) }
        }
        return out
    }

    /// The file has ended: one without even a header says so.
    public mutating func finish() {
        if !headerRead { issues.append(ImportIssue(row: 0, reason: .emptyFile)) }
    }

    /// A row the caller refuses for a reason the file alone does not show (a unit admin's
    /// scope, say).
    public mutating func refuse(_ issue: ImportIssue) { issues.append(issue) }

    /// Decides each row against the stored enterprises and counts it.
    /// - Parameters:
    ///   - existing: stored enterprises by credit code, including rows this file has written.
    ///   - sameContact: whether the stored enterprise with this code has this contact (stored
    ///     contacts are encrypted, so the app answers; by default the records are compared).
    public mutating func decide(_ batch: [(line: Int, record: EnterpriseRecord)], existing: (String) -> EnterpriseRecord?,
                                sameContact: ((String, String) -> Bool)? = nil) -> [Row] {
        var rows: [Row] = []
        var indexOfCode: [String: Int] = [:]
        for (line, enterprise) in batch {
            let action: ImportAction
            if let stored = existing(enterprise.creditCode) {
                var old = stored
                old.contact = enterprise.contact
                let contactSame = sameContact?(enterprise.creditCode, enterprise.contact) ?? (stored.contact == enterprise.contact)
                action = old == enterprise && contactSame ? .unchanged : .update
            } else {
                action = .create
            }
            let row = Row(line: line, record: enterprise, action: action)
            if let i = indexOfCode[enterprise.creditCode] {
                merged += 1
                rows[i] = row
            } else {
                indexOfCode[enterprise.creditCode] = rows.count
                rows.append(row)
            }
        }
        for row in rows { count(row) }
        return rows
    }

    private mutating func count(_ row: Row) {
        let key = CreditCode.Key(row.record.creditCode)
        guard let earlier = seen[key] else {
            seen[key] = row.action
            switch row.action {
            case .create: counts.created += 1
            case .update: counts.updated += 1
            case .unchanged: counts.unchanged += 1
            }
            return
        }
        // The code came earlier in the file, in a batch already written: this row is a merge.
        // Only an earlier "unchanged" can still turn into an update.
        merged += 1
        if earlier == .unchanged && row.action == .update {
            counts.unchanged -= 1
            counts.updated += 1
            seen[key] = .update
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
