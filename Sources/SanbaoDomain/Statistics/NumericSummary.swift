/// What a number question's answers come to: how many, mean, and the five-number summary.
/// Quartiles are interpolated between the two nearest answers (the method spreadsheets use,
/// "type 7"), so that the database only has to hand over two answers per quartile.
public struct NumericSummary: Sendable, Equatable, Codable {
    public var count: Int
    public var mean, min, q1, median, q3, max: Double?

    public init(count: Int, mean: Double? = nil, min: Double? = nil, q1: Double? = nil, median: Double? = nil, q3: Double? = nil, max: Double? = nil) {
        self.count = count
        self.mean = mean
        self.min = min
        self.q1 = q1
        self.median = median
        self.q3 = q3
        self.max = max
    }

    /// Where quantile `p` of `n` sorted answers lies: the 0-based position of the lower of the
    /// two answers and how far towards the next.
    public static func position(_ p: Double, of n: Int) -> (lower: Int, fraction: Double) {
        guard n > 1 else { return (0, 0) }
        let h = Double(n - 1) * p
        let lower = Int(h.rounded(.down))
        return (Swift.min(lower, n - 1), h - Double(lower))
    }

    /// The quantile from the lower answer and the one after it (nil past the end).
    public static func interpolate(_ lower: Double, _ upper: Double?, _ fraction: Double) -> Double {
        guard let upper, fraction > 0 else { return lower }
        return lower + (upper - lower) * fraction
    }

    /// The summary of a frequency table (each value with how many gave it), as exact as the
    /// values themselves: the quartiles are those of the values written out in order.
    public init(frequencies: [(value: Double, n: Int)]) {
        let table = frequencies.filter { $0.value.isFinite && $0.n > 0 }.sorted { $0.value < $1.value }
        let total = table.reduce(0) { $0 + $1.n }
        self.init(count: total)
        guard total > 0 else { return }
        mean = table.reduce(0) { $0 + $1.value * Double($1.n) } / Double(total)
        min = table.first?.value
        max = table.last?.value
        func value(at index: Int) -> Double {
            var seen = 0
            for row in table {
                seen += row.n
                if index < seen { return row.value }
            }
            return table[table.count - 1].value
        }
        func q(_ p: Double) -> Double {
            let (i, f) = Self.position(p, of: total)
            return Self.interpolate(value(at: i), i + 1 < total ? value(at: i + 1) : nil, f)
        }
        (q1, median, q3) = (q(0.25), q(0.5), q(0.75))
    }

    /// The summary of values in memory (tests, small groups).
    public init(values: [Double]) {
        let v = values.filter(\.isFinite).sorted()
        self.init(count: v.count)
        guard !v.isEmpty else { return }
        mean = v.reduce(0, +) / Double(v.count)
        min = v.first
        max = v.last
        func q(_ p: Double) -> Double {
            let (i, f) = Self.position(p, of: v.count)
            return Self.interpolate(v[i], i + 1 < v.count ? v[i + 1] : nil, f)
        }
        (q1, median, q3) = (q(0.25), q(0.5), q(0.75))
    }
}
