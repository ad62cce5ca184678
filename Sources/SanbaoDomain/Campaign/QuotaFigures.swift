/// One row of the task decomposition table (任务分解表): what a unit is to do in a stage.
public struct QuotaFigures: Sendable, Equatable, Codable {
    public var enterprises, workers, questionnaires, problems: Int

    public init(enterprises: Int, workers: Int, questionnaires: Int, problems: Int) {
        self.enterprises = enterprises
        self.workers = workers
        self.questionnaires = questionnaires
        self.problems = problems
    }

    public static let zero = QuotaFigures(enterprises: 0, workers: 0, questionnaires: 0, problems: 0)

    public enum Field: String, CaseIterable, Sendable {
        case enterprises, workers, questionnaires, problems
    }

    public subscript(field: Field) -> Int {
        switch field {
        case .enterprises: enterprises
        case .workers: workers
        case .questionnaires: questionnaires
        case .problems: problems
        }
    }

    public static func + (a: QuotaFigures, b: QuotaFigures) -> QuotaFigures {
        QuotaFigures(enterprises: a.enterprises + b.enterprises, workers: a.workers + b.workers,
                     questionnaires: a.questionnaires + b.questionnaires, problems: a.problems + b.problems)
    }
}

/// "A parent's figures must cover its children's": where a unit's quota is less than the sum of
/// the quotas of the units directly below it (units without a row count as their own rows'
/// sum, so a gap two levels down still shows at the level where it is).
public struct QuotaGap: Sendable, Equatable {
    public var unit: String
    public var field: QuotaFigures.Field
    public var own, children: Int

    public static func find(parentOf: [String: String], quotas: [String: QuotaFigures]) -> [QuotaGap] {
        var childQuotas: [String: QuotaFigures] = [:]
        for (unit, figures) in quotas {
            // Add each row to its nearest ancestor that has a row.
            var p = parentOf[unit]
            while let parent = p, quotas[parent] == nil { p = parentOf[parent] }
            if let parent = p { childQuotas[parent, default: .zero] = childQuotas[parent, default: .zero] + figures }
        }
        var gaps: [QuotaGap] = []
        for (unit, sum) in childQuotas {
            let own = quotas[unit]!
            for field in QuotaFigures.Field.allCases where own[field] < sum[field] {
                gaps.append(QuotaGap(unit: unit, field: field, own: own[field], children: sum[field]))
            }
        }
        return gaps.sorted { ($0.unit, $0.field.rawValue) < ($1.unit, $1.field.rawValue) }
    }
}
