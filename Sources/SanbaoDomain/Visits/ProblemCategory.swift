/// What a problem found on a visit is about. The categories follow the speech's "三保" concerns;
/// the working days each gets to be solved are the problem ledger's defaults (an office setting).
public enum ProblemCategory: String, Codable, Sendable, CaseIterable {
    case wageArrears = "wage_arrears"
    case safety
    case layoffs
    case payCuts = "pay_cuts"
    case restructuring
    case policyLegal = "policy_legal"
    case hardship
    case hiring
    case financing
    case other

    public var chineseName: String {
        switch self {
        case .wageArrears: "欠薪"
        case .safety: "安全生产"
        case .layoffs: "裁员"
        case .payCuts: "降薪"
        case .restructuring: "重组改制"
        case .policyLegal: "政策法律咨询"
        case .hardship: "困难帮扶"
        case .hiring: "用工需求"
        case .financing: "融资需求"
        case .other: "其他"
        }
    }

    /// Working days to solve, before the office changes them.
    public var defaultWorkingDays: Int {
        switch self {
        case .wageArrears, .safety: 3
        case .layoffs, .payCuts, .restructuring, .policyLegal: 5
        case .hardship: 10
        case .hiring, .other: 15
        case .financing: 20
        }
    }
}

extension ProblemCategory {
    /// Whether time spent waiting on a referral's reply (a labour inspectorate, a bank) stops the
    /// clock by default: where the answer is another department's to give, not the unit's.
    public var pausesOnReferral: Bool {
        switch self {
        case .financing, .policyLegal, .restructuring: true
        default: false
        }
    }
}

public enum ProblemSeverity: String, Codable, Sendable, CaseIterable {
    case low, medium, high

    public var chineseName: String {
        switch self {
        case .low: "一般"
        case .medium: "较重"
        case .high: "严重"
        }
    }
}
