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

    /// As the API writes it: the counts and the rates they give (null where nothing counts yet).
    enum CodingKeys: String, CodingKey {
        case received, resolved, resolvedOnTime = "resolved_on_time", overdueNow = "overdue_now",
             workingDaysToResolve = "working_days_to_resolve", reworked, callbacks, satisfiedCallbacks = "satisfied_callbacks",
             onTimeRate = "on_time_rate", averageWorkingDays = "average_working_days", reworkRate = "rework_rate",
             satisfactionRate = "satisfaction_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(received, forKey: .received)
        try c.encode(resolved, forKey: .resolved)
        try c.encode(resolvedOnTime, forKey: .resolvedOnTime)
        try c.encode(overdueNow, forKey: .overdueNow)
        try c.encode(workingDaysToResolve, forKey: .workingDaysToResolve)
        try c.encode(reworked, forKey: .reworked)
        try c.encode(callbacks, forKey: .callbacks)
        try c.encode(satisfiedCallbacks, forKey: .satisfiedCallbacks)
        try c.encode(onTimeRate, forKey: .onTimeRate)
        try c.encode(averageWorkingDays, forKey: .averageWorkingDays)
        try c.encode(reworkRate, forKey: .reworkRate)
        try c.encode(satisfactionRate, forKey: .satisfactionRate)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        received = try c.decode(Int.self, forKey: .received)
        resolved = try c.decode(Int.self, forKey: .resolved)
        resolvedOnTime = try c.decode(Int.self, forKey: .resolvedOnTime)
        overdueNow = try c.decode(Int.self, forKey: .overdueNow)
        workingDaysToResolve = try c.decode(Int.self, forKey: .workingDaysToResolve)
        reworked = try c.decode(Int.self, forKey: .reworked)
        callbacks = try c.decode(Int.self, forKey: .callbacks)
        satisfiedCallbacks = try c.decode(Int.self, forKey: .satisfiedCallbacks)
    }
}
