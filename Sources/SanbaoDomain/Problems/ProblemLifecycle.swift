/// Where a problem (问题诉求) is in its life, and which steps may follow which. The ledger's
/// pages, API and scheduled job all go through `ProblemLifecycle.step`, so an illegal
/// transition is refused the same way everywhere, with a reason a user can act on.
public enum ProblemStatus: String, Sendable, Codable, CaseIterable {
    /// Found on a visit or entered by a unit; nobody is responsible yet.
    case reported
    /// Handed to a responsible unit, which has not answered yet.
    case dispatched
    /// The responsible unit said it is not theirs; the dispatcher decides again.
    case returned
    /// The responsible unit took it on; the deadline runs.
    case accepted
    /// Being worked on: notes, steps, referrals to departments.
    case inProgress = "in_progress"
    /// Done, by the unit's account; waiting for the callback (回访).
    case resolved
    /// The enterprise or worker was called back and is satisfied (or basically).
    case closed
    /// Joined another problem about the same enterprise and matter (并单); its reporter and
    /// evidence count there, and it is no longer counted on its own.
    case merged

    /// Still someone's work (counts for overdue and reminders).
    public var isOpen: Bool { self != .resolved && self != .closed && self != .merged }
}

public enum Satisfaction: String, Sendable, Codable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case unsatisfied
}

public enum ProblemStep: Sendable, Equatable {
    case dispatch
    case accept
    case giveBack(reason: String)
    case note
    case refer
    /// The department a referral went to has answered (a paused clock runs again).
    case referralAnswered
    case resolve
    case callback(Satisfaction)
    case merge

    public var name: String {
        switch self {
        case .dispatch: "dispatch"
        case .accept: "accept"
        case .giveBack: "give_back"
        case .note: "note"
        case .refer: "refer"
        case .referralAnswered: "referral_answered"
        case .merge: "merge"
        case .resolve: "resolve"
        case .callback: "callback"
        }
    }
}

public struct ProblemRefusal: Error, Sendable, Equatable {
    /// A key for the reason (`problem.refused.<reason>`): `not_now`, `reason_required`.
    public var reason: String
    public var status: ProblemStatus
    public var step: String
}

public enum ProblemLifecycle {
    /// The status after `step`, and whether it is a rework (an unsatisfied callback reopens
    /// the problem: it keeps its history and its first deadline figures, and counts once more).
    public static func step(_ step: ProblemStep, from status: ProblemStatus) -> Result<(status: ProblemStatus, rework: Bool), ProblemRefusal> {
        func refuse(_ reason: String = "not_now") -> Result<(status: ProblemStatus, rework: Bool), ProblemRefusal> {
            .failure(ProblemRefusal(reason: reason, status: status, step: step.name))
        }
        switch (step, status) {
        case (.dispatch, .reported), (.dispatch, .returned), (.dispatch, .dispatched):
            return .success((.dispatched, false))
        case (.accept, .dispatched):
            return .success((.accepted, false))
        case (.giveBack(let reason), .dispatched):
            return reason.trimmed.isEmpty ? refuse("reason_required") : .success((.returned, false))
        case (.note, .accepted), (.note, .inProgress), (.refer, .accepted), (.refer, .inProgress):
            return .success((.inProgress, false))
        case (.referralAnswered, .inProgress):
            return .success((.inProgress, false))
        case (.merge, let from) where from.isOpen:
            return .success((.merged, false))
        case (.resolve, .accepted), (.resolve, .inProgress):
            return .success((.resolved, false))
        case (.callback(.unsatisfied), .resolved):
            return .success((.inProgress, true))
        case (.callback, .resolved):
            return .success((.closed, false))
        default:
            return refuse()
        }
    }
}
