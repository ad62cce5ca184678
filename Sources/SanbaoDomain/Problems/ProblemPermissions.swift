/// Which of a problem's steps a user may take now: the side of the problem they act from, and
/// the problem's state. The ledger's service refuses a step with it and the problem's page
/// offers buttons with it, so the two cannot drift apart.
public enum ProblemMove: String, Sendable, CaseIterable {
    case dispatch, accept, giveBack = "give_back", note, refer, referralAnswered = "referral_answered", merge, resolve, callback
    case requestExtension = "request_extension", decideExtension = "decide_extension"
}

/// Where the acting user stands towards one problem.
public struct ProblemSide: Sendable, Equatable {
    /// The reporting unit or above it, with the right to hand problems out (dispatch, call back, merge).
    public var reporting: Bool
    /// The responsible unit or above it, with the right to handle problems.
    public var responsible: Bool
    /// On the responsible side but not the responsible unit itself (extensions are decided above).
    public var aboveResponsible: Bool

    public init(reporting: Bool, responsible: Bool, aboveResponsible: Bool) {
        (self.reporting, self.responsible, self.aboveResponsible) = (reporting, responsible, aboveResponsible)
    }
}

/// What of the problem's state, besides its status, decides a step.
public struct ProblemState: Sendable, Equatable {
    public var status: ProblemStatus
    /// nil, requested, approved or refused.
    public var extensionState: String?
    /// Whether it was ever referred to a department.
    public var referred: Bool

    public init(status: ProblemStatus, extensionState: String?, referred: Bool) {
        (self.status, self.extensionState, self.referred) = (status, extensionState, referred)
    }
}

extension ProblemMove {
    /// Whether the side may take this step at all (else: 403, "not your side").
    public func isOnSide(_ side: ProblemSide) -> Bool {
        switch self {
        case .dispatch, .callback, .merge: side.reporting
        case .accept, .giveBack, .note, .refer, .referralAnswered, .resolve, .requestExtension: side.responsible
        case .decideExtension: side.responsible && side.aboveResponsible
        }
    }

    /// Why the step cannot be taken in this state (a `problem.refused.<reason>` key), nil when it can.
    public func refusal(in state: ProblemState) -> String? {
        switch self {
        case .requestExtension:
            guard state.status == .accepted || state.status == .inProgress else { return "not_now" }
            return state.extensionState == nil ? nil : "extended_once"
        case .decideExtension:
            return state.extensionState == "requested" ? nil : "no_request"
        case .referralAnswered:
            guard state.referred else { return "not_now" }
            return ProblemLifecycle.allows(.referralAnswered, from: state.status) ? nil : "not_now"
        default:
            return ProblemLifecycle.allows(step!, from: state.status) ? nil : "not_now"
        }
    }

    /// The lifecycle step this move is (extensions move no status). A callback's and a give-back's
    /// details do not change whether they may be taken.
    var step: ProblemStep? {
        switch self {
        case .dispatch: .dispatch
        case .accept: .accept
        case .giveBack: .giveBack(reason: "—")
        case .note: .note
        case .refer: .refer
        case .referralAnswered: .referralAnswered
        case .merge: .merge
        case .resolve: .resolve
        case .callback: .callback(.satisfied)
        case .requestExtension, .decideExtension: nil
        }
    }

    /// The steps a user on `side` may take on a problem in `state`: the buttons its page shows.
    public static func open(to side: ProblemSide, in state: ProblemState) -> Set<ProblemMove> {
        Set(allCases.filter { $0.isOnSide(side) && $0.refusal(in: state) == nil })
    }
}

extension ProblemLifecycle {
    public static func allows(_ step: ProblemStep, from status: ProblemStatus) -> Bool {
        if case .success = self.step(step, from: status) { return true }
        return false
    }
}
