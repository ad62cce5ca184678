import Foundation

/// Plausible visits for the demo: answers drawn question by question (so show-if conditions
/// hold), with rates like a slowing local economy's — a few in ten enterprises with falling
/// orders, about one in twelve with wage arrears — and the problems those answers imply.
public enum DemoVisits {
    /// How often a yes/no question is answered yes.
    static let yesRate: [String: Int] = [
        "financing_need": 30, "layoffs_planned": 12, "pay_cuts": 10, "wage_arrears": 8, "social_insurance_arrears": 7,
        "restructuring": 5, "closing_workshops": 6, "hiring_need": 35, "safety_issues": 6, "union_established": 75,
        "collective_contract": 55, "congress_held": 60, "pledge_signed": 50,
        "wages_on_time": 90, "contract_signed": 88, "social_insurance": 85, "overtime": 40, "overtime_paid": 70,
        "safety_concern": 15, "training_wish": 45, "job_seeking": 12, "union_member": 70,
    ]
    /// How often a single choice takes its first option (the rest share what is left).
    static let firstRate: [String: Int] = ["family_hardship": 88, "orders": 25, "headcount_change": 30]
    /// Typical ranges for numbers.
    static let ranges: [String: ClosedRange<Int>] = [
        "financing_amount": 50...800, "layoffs_count": 2...60, "arrears_workers": 3...80, "arrears_amount": 5...120,
        "hiring_count": 2...50, "weekly_hours": 40...60, "union_satisfaction": 2...5,
    ]
    static let texts: [String: [String]] = [
        "hiring_posts": ["数控车工", "电焊工", "普工", "叉车司机", "质检员", "电工", "缝纫工"],
        "safety_note": ["车间通风不良", "消防通道堆放杂物", "噪声超标未配发耳塞"],
        "suggestions": ["希望落实稳岗返还政策", "希望组织招聘会", "希望协调银行贷款", "希望开展技能培训"],
        "training_kind": ["电工证", "叉车证", "电商直播", "数控编程"],
        "wants_note": ["希望多组织文体活动", "希望帮助孩子入学", "家属住院，希望申请帮扶"],
    ]

    /// Answers to `q`, drawn in question order.
    public static func answers(to q: Questionnaire, rng: inout SeededRandom) -> [String: Answer] {
        var answers: [String: Answer] = [:]
        for question in q.questions where q.isAsked(question, in: answers) {
            // Optional questions are left blank now and then, as people do.
            if !question.required && rng.int(1...10) <= 2 { continue }
            switch question.kind {
            case .yesNo:
                answers[question.key] = .yes(rng.int(1...100) <= (yesRate[question.key] ?? 50))
            case .single:
                // The first options are the common ones ("normal", "none").
                let roll = rng.int(1...100), first = firstRate[question.key] ?? 55
                let n = question.options.count
                let i = roll <= first ? 0 : roll <= first + (100 - first) / 2 ? 1 : rng.int(min(2, n - 1)...(n - 1))
                answers[question.key] = .text(question.options[min(i, n - 1)].key)
            case .multiple:
                let picks = Set((0..<rng.int(1...2)).map { _ in rng.pick(question.options).key })
                answers[question.key] = .choices(question.options.map(\.key).filter(picks.contains))
            case .number, .money, .scale:
                let range = ranges[question.key] ?? Int(question.min ?? 1)...Int(min(question.max ?? 100, 100))
                answers[question.key] = .number(Double(rng.int(range)))
            case .text:
                guard let options = texts[question.key] else { continue }
                answers[question.key] = .text(rng.pick(options))
            case .date:
                continue
            }
        }
        return answers
    }

    /// The problems an enterprise's answers (and its workers') point to.
    public static func problems(enterprise: [String: Answer], workers: [[String: Answer]]) -> [VisitSubmission.Problem] {
        var out: [VisitSubmission.Problem] = []
        func number(_ key: String) -> Int { if case .number(let n)? = enterprise[key] { return Int(n) }; return 0 }
        if enterprise["wage_arrears"] == .yes(true) {
            out.append(.init(category: .wageArrears, description: "拖欠\(number("arrears_workers"))名职工工资", severity: .high))
        }
        if enterprise["layoffs_planned"] == .yes(true) {
            out.append(.init(category: .layoffs, description: "计划裁员\(number("layoffs_count"))人，需协调再就业", severity: .medium))
        }
        if enterprise["safety_issues"] == .yes(true) {
            out.append(.init(category: .safety, description: "存在安全生产隐患，需督促整改", severity: .high))
        }
        if enterprise["financing_need"] == .yes(true) && number("financing_amount") >= 300 {
            out.append(.init(category: .financing, description: "融资需求约\(number("financing_amount"))万元", severity: .low))
        }
        if enterprise["hiring_need"] == .yes(true) && number("hiring_count") >= 20 {
            out.append(.init(category: .hiring, description: "招工\(number("hiring_count"))人", severity: .low))
        }
        for w in workers {
            if case .text(let h)? = w["family_hardship"], h != "none" {
                out.append(.init(category: .hardship, description: "职工家庭困难，需建档帮扶", severity: .medium))
            }
        }
        return out
    }
}
