/// The task decomposition table as a file: `unit_code,stage,enterprises,workers,questionnaires,problems`
/// (单位编码,阶段,走访企业数,走访职工数,回收问卷数,解决问题数); `stage` is the stage's number (1, 2, …)
/// or its name. A row per unit and stage; the same pair twice in a file is one row (the later
/// wins).
public struct QuotaImportPlan: Sendable {
    public static let header = TableHeader(columns: [
        .init("unit_code", "单位编码"),
        .init("stage", "阶段"),
        .init("enterprises", "走访企业数"),
        .init("workers", "走访职工数", required: false),
        .init("questionnaires", "回收问卷数", required: false),
        .init("problems", "解决问题数", required: false),
    ])

    public static let maxFigure = 10_000_000

    public struct Row: Sendable, Equatable {
        public var line: Int
        public var unitCode: String
        public var stage: Int
        public var figures: QuotaFigures
        public var action: ImportAction
    }

    public enum UnitAccess: Sendable { case writable, unknown, outsideScope }

    public private(set) var rows: [Row] = []
    public private(set) var issues: [ImportIssue] = []

    public var summary: ImportSummary { ImportSummary(actions: rows.map(\.action), issues: issues) }

    /// - Parameters:
    ///   - stages: stage positions by position ("2") and by name ("走访调研").
    ///   - unit: whether the importer may set a quota for the unit with this code.
    ///   - existing: the figures stored for a unit code and stage position, if any.
    public init(records: [CSVRecord], stages: [String: Int], unit: (String) -> UnitAccess,
                existing: (String, Int) -> QuotaFigures?) {
        var header = Self.header
        let (data, headerIssues) = header.dataRecords(of: records)
        issues = headerIssues
        guard let data else { return }
        var index: [String: Int] = [:]
        for record in data {
            let value = { (key: String) in header.value(key, in: record) }
            var rowIssues: [ImportIssue] = []
            let code = value("unit_code")
            switch code.isEmpty ? .unknown : unit(code) {
            case .writable: break
            case .unknown: rowIssues.append(ImportIssue(row: record.line, column: "unit_code", value: code, reason: code.isEmpty ? .required : .unknownUnit))
            case .outsideScope: rowIssues.append(ImportIssue(row: record.line, column: "unit_code", value: code, reason: .outsideScope))
            }
            let stageText = value("stage")
            let stage = stages[stageText]
            if stage == nil {
                rowIssues.append(ImportIssue(row: record.line, column: "stage", value: stageText, reason: stageText.isEmpty ? .required : .badChoice,
                                             detail: stages.keys.sorted().joined(separator: "/")))
            }
            var numbers: [Int] = []
            for key in ["enterprises", "workers", "questionnaires", "problems"] {
                let text = value(key)
                if text.isEmpty && key != "enterprises" { numbers.append(0); continue }
                guard let n = Int(text) else {
                    rowIssues.append(ImportIssue(row: record.line, column: key, value: text, reason: text.isEmpty ? .required : .badNumber))
                    continue
                }
                guard (0...Self.maxFigure).contains(n) else {
                    rowIssues.append(ImportIssue(row: record.line, column: key, value: text, reason: .outOfRange, detail: "0–\(Self.maxFigure)"))
                    continue
                }
                numbers.append(n)
            }
            issues += rowIssues
            guard rowIssues.isEmpty, let stage else { continue }
            let figures = QuotaFigures(enterprises: numbers[0], workers: numbers[1], questionnaires: numbers[2], problems: numbers[3])
            let action: ImportAction = switch existing(code, stage) {
            case nil: .create
            case figures?: .unchanged
            default: .update
            }
            let row = Row(line: record.line, unitCode: code, stage: stage, figures: figures, action: action)
            let key = "\(code)\u{1}\(stage)"
            if let i = index[key] { rows[i] = row } else { index[key] = rows.count; rows.append(row) }
        }
    }
}
