/// Maps a file's header to the columns an importer knows, by English key or Chinese name,
/// in any order. Unknown columns are reported, not fatal; missing required ones are.
public struct TableHeader: Sendable {
    public struct Column: Sendable {
        public var key, chineseName: String
        public var required: Bool

        public init(_ key: String, _ chineseName: String, required: Bool = true) {
            self.key = key
            self.chineseName = chineseName
            self.required = required
        }
    }

    public let columns: [Column]
    /// Position of each known key in the file's records.
    public private(set) var positions: [String: Int] = [:]
    public private(set) var width = 0

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// Reads the header record; returns the issues found (missing columns make the file
    /// unreadable, so the caller stops when any issue is `.missingColumn` or `.duplicateColumn`).
    public mutating func bind(_ header: CSVRecord) -> [ImportIssue] {
        var issues: [ImportIssue] = []
        width = header.fields.count
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let column = columns.first(where: { $0.key == name.lowercased() || $0.chineseName == name }) else {
                if !name.isEmpty {
                    issues.append(ImportIssue(row: header.line, column: name, value: name, reason: .unknownColumn))
                }
                continue
            }
            if positions[column.key] != nil {
                issues.append(ImportIssue(row: header.line, column: column.key, value: name, reason: .duplicateColumn))
            }
            positions[column.key] = index
        }
        for column in columns where column.required && positions[column.key] == nil {
            issues.append(ImportIssue(row: header.line, column: column.key, reason: .missingColumn))
        }
        return issues
    }

    /// Binds the first record as the header and returns the data records that have as many
    /// fields as the header, with the issues found on the way. `records` is nil when the file
    /// cannot be read at all (empty, or a required column missing).
    public mutating func dataRecords(of all: [CSVRecord]) -> (records: [CSVRecord]?, issues: [ImportIssue]) {
        guard let first = all.first else { return (nil, [ImportIssue(row: 0, reason: .emptyFile)]) }
        var issues = bind(first)
        if Self.isFatal(issues) { return (nil, issues) }
        var records: [CSVRecord] = []
        for record in all.dropFirst() where !record.isBlank {
            if let issue = shapeIssue(record) { issues.append(issue) } else { records.append(record) }
        }
        return (records, issues)
    }

    /// Why a data record cannot be read against the bound header (nil when it can): it must
    /// have as many fields as the header. Blank records are the caller's to skip.
    public func shapeIssue(_ record: CSVRecord) -> ImportIssue? {
        record.fields.count == width ? nil
            : ImportIssue(row: record.line, value: "\(record.fields.count)", reason: .wrongFieldCount, detail: "\(width)")
    }

    public static func isFatal(_ issues: [ImportIssue]) -> Bool {
        issues.contains { $0.reason == .missingColumn || $0.reason == .duplicateColumn }
    }

    /// The trimmed value of `key` in `record` ("" when the column is absent or short).
    public func value(_ key: String, in record: CSVRecord) -> String {
        guard let i = positions[key], i < record.fields.count else { return "" }
        return record.fields[i].trimmed
    }
}
