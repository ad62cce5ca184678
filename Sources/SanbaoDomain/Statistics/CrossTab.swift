/// Counts of one question's answers (the columns) in each group of another dimension (the
/// rows): district, industry, size class or another question. Rows and columns keep the order
/// given; a row's share is of the answers in that row.
public struct CrossTab: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var key, label: String
        public var counts: [Int]
        public var total: Int { counts.reduce(0, +) }
        public init(key: String, label: String, counts: [Int]) {
            self.key = key
            self.label = label
            self.counts = counts
        }
    }

    public var rowTitle: String
    public var columns: [(key: String, label: String)]
    public var rows: [Row]

    public init(rowTitle: String, columns: [(key: String, label: String)], rows: [Row]) {
        self.rowTitle = rowTitle
        self.columns = columns
        self.rows = rows
    }

    /// From counted cells (row key, column key, count), with the rows named by `rowLabel`; cells
    /// of unknown columns are left out, rows without any count too.
    public init(rowTitle: String, columns: [(key: String, label: String)], cells: [(row: String, column: String, count: Int)],
                rowOrder: [String]? = nil, rowLabel: (String) -> String) {
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.key, $0) })
        var counts: [String: [Int]] = [:]
        for cell in cells {
            guard let c = index[cell.column] else { continue }
            counts[cell.row, default: Array(repeating: 0, count: columns.count)][c] += cell.count
        }
        let keys = rowOrder.map { order in order.filter { counts[$0] != nil } + counts.keys.filter { !order.contains($0) }.sorted() }
            ?? counts.keys.sorted()
        self.init(rowTitle: rowTitle, columns: columns, rows: keys.map { Row(key: $0, label: rowLabel($0), counts: counts[$0]!) })
    }

    public var columnTotals: [Int] { columns.indices.map { c in rows.reduce(0) { $0 + $1.counts[c] } } }
    public var total: Int { rows.reduce(0) { $0 + $1.total } }

    public static func == (a: CrossTab, b: CrossTab) -> Bool {
        a.rowTitle == b.rowTitle && a.rows == b.rows && a.columns.map(\.key) == b.columns.map(\.key) && a.columns.map(\.label) == b.columns.map(\.label)
    }

    /// The table as text for a spreadsheet: a header, each row with its counts, its total and
    /// each count's share of the row, then the column totals.
    public func table(totalLabel: String, shareSuffix: String) -> [[String]] {
        var out = [[rowTitle] + columns.map(\.label) + [totalLabel] + columns.map { $0.label + shareSuffix }]
        for row in rows {
            out.append([row.label] + row.counts.map(String.init) + [String(row.total)]
                       + row.counts.map { row.total > 0 ? Self.percent(Double($0) / Double(row.total)) : "" })
        }
        let totals = columnTotals
        out.append([totalLabel] + totals.map(String.init) + [String(total)] + totals.map { total > 0 ? Self.percent(Double($0) / Double(total)) : "" })
        return out
    }

    public static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))%" : "\(tenths)%"
    }
}
