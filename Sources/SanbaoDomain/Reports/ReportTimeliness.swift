/// Whether a unit's report for a period came in on time (DHIS2's completeness and
/// timeliness): judged on the day it was first submitted, so a report returned for a
/// correction and sent again later is still on time.
public enum ReportTimeliness: String, Sendable, Codable, CaseIterable {
    case onTime = "on_time"
    case late
    /// Past its due day and never submitted.
    case missing
    /// Not submitted, and not due yet.
    case notDue = "not_due"

    public init(firstSubmitted: Day?, due: Day, today: Day) {
        if let first = firstSubmitted {
            self = first <= due ? .onTime : .late
        } else {
            self = today > due ? .missing : .notDue
        }
    }
}
