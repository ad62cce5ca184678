/// Decides, without touching a database, what an org-unit file would do to the tree: which
/// rows create or update a unit, which change nothing, and which are refused and why.
/// Rows are returned parents-first so the app can write them in order.
public struct OrgUnitImportPlan: Sendable {
    public typealias Action = ImportAction

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var record: OrgUnitRecord
        public var action: Action
    }

    /// What the tree holds now, by code.
    public struct Existing: Sendable {
        public var record: OrgUnitRecord
        public var retired: Bool
        public init(record: OrgUnitRecord, retired: Bool) {
            self.record = record
            self.retired = retired
        }
    }

    public private(set) var rows: [Row] = []
    public private(set) var issues: [ImportIssue] = []

    public var summary: ImportSummary { ImportSummary(actions: rows.map(\.action), issues: issues) }

    /// - Parameter scopeRoot: the importer's own unit code, or nil for the campaign office.
    ///   Rows must end up strictly below it.
    public init(records: [CSVRecord], existing: [String: Existing], scopeRoot: String?) {
        var header = OrgUnitRecord.header
        let (data, headerIssues) = header.dataRecords(of: records)
        issues = headerIssues
        guard let data else { return }

        var candidates: [(line: Int, record: OrgUnitRecord)] = []
        var firstLineOfCode: [String: Int] = [:]
        for record in data {
            let (parsed, rowIssues) = OrgUnitRecord.parse(line: record.line) { header.value($0, in: record) }
            issues.append(contentsOf: rowIssues)
            if let unit = parsed {
                if let earlier = firstLineOfCode[unit.code] {
                    issues.append(ImportIssue(row: record.line, column: "code", value: unit.code, reason: .duplicateCode,
                                              detail: "\(earlier)"))
                } else {
                    firstLineOfCode[unit.code] = record.line
                    candidates.append((record.line, unit))
                }
            }
        }
        resolveTree(candidates, existing: existing, scopeRoot: scopeRoot)
    }

    /// Parents, roots, cycles and scope need the whole file and the tree together. A row
    /// refused here can orphan others, so we repeat until nothing more is refused.
    private mutating func resolveTree(_ candidates: [(line: Int, record: OrgUnitRecord)],
                                      existing: [String: Existing], scopeRoot: String?) {
        var accepted = candidates
        while true {
            var parentOf: [String: String?] = existing.mapValues { $0.record.parentCode }
            var lineOf: [String: Int] = [:]
            for c in accepted {
                parentOf[c.record.code] = c.record.parentCode
                lineOf[c.record.code] = c.line
            }
            var refused: [ImportIssue] = []
            // One tree, one root: the stored root if there is one, else the file's first.
            let root = existing.values.first { $0.record.parentCode == nil && !$0.retired }?.record.code
                ?? accepted.first { $0.record.parentCode == nil }?.record.code
            for c in accepted {
                let unit = c.record
                func refuse(_ column: String, _ value: String, _ reason: ImportIssue.Reason, _ detail: String = "") {
                    refused.append(ImportIssue(row: c.line, column: column, value: value, reason: reason, detail: detail))
                }
                guard let parent = unit.parentCode else {
                    if let root, root != unit.code { refuse("parent_code", "", .secondRoot, root) }
                    if scopeRoot != nil { refuse("code", unit.code, .outsideScope) }
                    continue
                }
                guard let grand = parentOf[parent] else {
                    let wasInFile = candidates.contains { $0.record.code == parent }
                    refuse("parent_code", parent, wasInFile ? .parentRejected : .unknownParent)
                    continue
                }
                if lineOf[parent] == nil, existing[parent]?.retired == true {
                    refuse("parent_code", parent, .retiredParent)
                    continue
                }
                // Walk up from the parent; meeting the unit again means the file closes a loop.
                var seen: Set<String> = [unit.code]
                var cursor: String? = parent
                var next: String?? = grand
                var inScope = scopeRoot == nil
                var loop = false
                while let current = cursor {
                    if current == scopeRoot { inScope = true }
                    if seen.contains(current) { loop = true; break }
                    seen.insert(current)
                    cursor = next ?? nil
                    next = cursor.flatMap { parentOf[$0] }
                }
                if loop {
                    // Blame the rows that change a parent: the stored tree has no loops, so
                    // a row keeping its stored parent cannot have made one.
                    if existing[unit.code]?.record.parentCode != unit.parentCode {
                        refuse("parent_code", parent, .cycle, seen.sorted().joined(separator: ","))
                    }
                } else if !inScope || unit.code == scopeRoot {
                    refuse("code", unit.code, .outsideScope)
                }
            }
            if refused.isEmpty { break }
            issues.append(contentsOf: refused)
            let refusedLines = Set(refused.map(\.row))
            accepted.removeAll { refusedLines.contains($0.line) }
        }
        // Parents first: order by depth in the final tree.
        var parentOf: [String: String?] = existing.mapValues { $0.record.parentCode }
        for c in accepted { parentOf[c.record.code] = c.record.parentCode }
        func depth(_ code: String) -> Int {
            var d = 0
            var cursor = parentOf[code] ?? nil
            while let c = cursor, d < 1_000 { d += 1; cursor = parentOf[c] ?? nil }
            return d
        }
        rows = accepted
            .map { c -> (Int, Row) in
                let action: Action
                if let old = existing[c.record.code] {
                    action = (old.record == c.record && !old.retired) ? .unchanged : .update
                } else {
                    action = .create
                }
                return (depth(c.record.code), Row(line: c.line, record: c.record, action: action))
            }
            .sorted { ($0.0, $0.1.line) < ($1.0, $1.1.line) }
            .map(\.1)
        issues.sort { ($0.row, $0.column) < ($1.row, $1.column) }
    }
}
