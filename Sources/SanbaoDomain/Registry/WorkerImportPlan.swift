/// What a worker file would do. Workers are matched by ID number; the same number twice in a
/// file is one worker (the later row wins).
public struct WorkerImportPlan: Sendable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var record: WorkerRecord
        public var action: ImportAction
    }

    public private(set) var rows: [Row] = []
    public private(set) var issues: [ImportIssue] = []

    public var summary: ImportSummary { ImportSummary(actions: rows.map(\.action), issues: issues) }

    /// - Parameters:
    ///   - existing: the stored worker with this ID number, phone and household left empty
    ///     (they are stored encrypted; `samePrivate` compares them for a given record).
    ///   - enterprise: whether an enterprise code is known, and visible to the importer.
    public init(records: [CSVRecord], today: (Int, Int, Int), existing: (String) -> WorkerRecord?,
                samePrivate: (WorkerRecord) -> Bool, enterprise: (String) -> EnterpriseAccess) {
        var header = WorkerRecord.header
        let (data, headerIssues) = header.dataRecords(of: records)
        issues = headerIssues
        guard let data else { return }
        var indexOfID: [String: Int] = [:]
        for record in data {
            var (parsed, rowIssues) = WorkerRecord.parse(line: record.line, today: today) { header.value($0, in: record) }
            if let w = parsed {
                switch enterprise(w.enterpriseCode) {
                case .visible: break
                case .unknown: rowIssues.append(ImportIssue(row: record.line, column: "enterprise_code", value: w.enterpriseCode, reason: .unknownEnterprise))
                case .outsideScope: rowIssues.append(ImportIssue(row: record.line, column: "enterprise_code", value: w.enterpriseCode, reason: .outsideScope))
                }
                if !rowIssues.isEmpty { parsed = nil }
            }
            issues += rowIssues
            guard let worker = parsed else { continue }
            let action: ImportAction
            if var old = existing(worker.idNumber) {
                old.phone = worker.phone
                old.household = worker.household
                action = old == worker && samePrivate(worker) ? .unchanged : .update
            } else {
                action = .create
            }
            let row = Row(line: record.line, record: worker, action: action)
            if let i = indexOfID[worker.idNumber] {
                rows[i] = row
            } else {
                indexOfID[worker.idNumber] = rows.count
                rows.append(row)
            }
        }
    }

    public enum EnterpriseAccess: Sendable { case visible, unknown, outsideScope }
}
