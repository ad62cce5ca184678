/// A unit's problem figures, for its whole subtree: what the office and each level read to see
/// whether problems are solved, on time and to the satisfaction of those who raised them.
/// Rates are nil where nothing counts yet — a satisfaction rate comes only from real callbacks.
public struct ProblemFigures: Sendable, Equatable, Codable {
    /// Problems handed to units in the subtree.
    public var received = 0
    /// Of those, resolved at least once; and of those, the first time by the deadline.
    public var resolved = 0
    public var resolvedOnTime = 0
    /// Open now and past the deadline.
    public var overdueNow = 0
    /// Working days from coming in to the first resolution, summed over `resolved`.
    public var workingDaysToResolve = 0
    /// Resolved problems reopened at least once by an unsatisfied callback.
    public var reworked = 0
    /// Callbacks recorded, and how many were satisfied or basically satisfied.
    public var callbacks = 0
    public var satisfiedCallbacks = 0

    public init() {}

    public var onTimeRate: Double? { resolved == 0 ? nil : Double(resolvedOnTime) / Double(resolved) }
    public var averageWorkingDays: Double? { resolved == 0 ? nil : Double(workingDaysToResolve) / Double(resolved) }
    public var reworkRate: Double? { resolved == 0 ? nil : Double(reworked) / Double(resolved) }
    public var satisfactionRate: Double? { callbacks == 0 ? nil : Double(satisfiedCallbacks) / Double(callbacks) }
}
