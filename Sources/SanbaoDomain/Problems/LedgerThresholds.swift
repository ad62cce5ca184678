/// The office's thresholds for the ledger as a whole (per-category working days live with the
/// categories): how late, in working days, a problem goes one level up the tree; how many
/// reworks do the same; and within how many days the same enterprise and category reported
/// again is proposed for merging.
public struct LedgerThresholds: Sendable, Equatable {
    public var overdueDaysPerLevel, reworksPerLevel, mergeWindowDays: Int

    public static let standard = LedgerThresholds(overdueDaysPerLevel: 2, reworksPerLevel: 2, mergeWindowDays: 30)

    public init(overdueDaysPerLevel: Int, reworksPerLevel: Int, mergeWindowDays: Int) {
        self.overdueDaysPerLevel = overdueDaysPerLevel
        self.reworksPerLevel = reworksPerLevel
        self.mergeWindowDays = mergeWindowDays
    }

    /// The stored keys, in the order a settings page shows them, with each one's allowed range.
    public static let keys: [(key: String, range: ClosedRange<Int>)] = [
        ("overdue_days_per_level", 1...30), ("reworks_per_level", 1...10), ("merge_window_days", 1...365),
    ]

    public subscript(key: String) -> Int? {
        get {
            switch key {
            case "overdue_days_per_level": overdueDaysPerLevel
            case "reworks_per_level": reworksPerLevel
            case "merge_window_days": mergeWindowDays
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch key {
            case "overdue_days_per_level": overdueDaysPerLevel = newValue
            case "reworks_per_level": reworksPerLevel = newValue
            case "merge_window_days": mergeWindowDays = newValue
            default: break
            }
        }
    }
}
