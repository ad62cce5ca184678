/// The demo city's campaign: the four stages of the speech and a task decomposition table
/// that adds up. A unit's enterprise quota is 95 % of the capacity of its own cadres plus its
/// children's quotas, so the quotas bind a little without making the city infeasible.
public struct DemoCampaign: Sendable {
    public struct StagePlan: Sendable {
        public var name, startsOn, endsOn, goals: String
        /// Whether the stage's quotas carry the enterprise visits (the visiting stage).
        public var visits: Bool
    }

    public let name = "千名工会干部“双走访、促三保”行动"
    public let startsOn, endsOn: String
    public let stages: [StagePlan]

    /// The campaign as planned: December to May.
    public init() {
        self.init(stageDays: [
            Day(year: 2026, month: 12, day: 1)!, Day(year: 2026, month: 12, day: 16)!, Day(year: 2027, month: 3, day: 1)!,
            Day(year: 2027, month: 5, day: 1)!, Day(year: 2027, month: 5, day: 31)!,
        ])
    }

    /// The campaign as a demo loaded on `today` shows it: begun on the Monday five weeks
    /// before, a week of mobilisation, then thirteen weeks of visits (the demo's visits of the
    /// past four weeks fall in them), nine of solving problems and four of summing up, so that
    /// the dashboard and the weekly reports have weeks behind them and ahead.
    public init(today: Day) {
        let monday = today.adding(-35).adding(1 - today.weekday)
        self.init(stageDays: [monday, monday.adding(7), monday.adding(7 + 91), monday.adding(7 + 91 + 63), monday.adding(7 + 91 + 63 + 28 - 1)])
    }

    /// Stage i runs from `days[i]` to the day before `days[i + 1]`; the last to `days[4]`.
    private init(stageDays d: [Day]) {
        startsOn = d[0].description
        endsOn = d[4].description
        stages = [
            StagePlan(name: "动员部署", startsOn: d[0].description, endsOn: d[1].adding(-1).description,
                      goals: "成立领导小组和办公室，层层动员，制订方案，分解任务。", visits: false),
            StagePlan(name: "走访调研", startsOn: d[1].description, endsOn: d[2].adding(-1).description,
                      goals: "按照不交叉、不重复、不重叠的原则走访万户企业，回收职工和企业调查问卷。", visits: true),
            StagePlan(name: "解决问题", startsOn: d[2].description, endsOn: d[3].adding(-1).description,
                      goals: "对热点难点问题专项督查、跟踪检查、限期解决。", visits: false),
            StagePlan(name: "总结提高", startsOn: d[3].description, endsOn: d[4].description,
                      goals: "总结典型经验，宣传先进典型，督促整改。", visits: false),
        ]
    }

    /// Quotas of the visiting stage by unit code.
    public func quotas(for city: DemoCity) -> [String: QuotaFigures] { quotas(units: city.units, cadres: city.cadres) }

    public func quotas(units: [OrgUnitRecord], cadres: [CadreRecord]) -> [String: QuotaFigures] {
        var own: [String: Int] = [:]
        for cadre in cadres { own[cadre.unitCode, default: 0] += cadre.capacity }
        var children: [String: [String]] = [:]
        for unit in units { if let p = unit.parentCode { children[p, default: []].append(unit.code) } }
        var result: [String: QuotaFigures] = [:]
        func enterprises(_ code: String) -> Int {
            let below = (children[code] ?? []).reduce(0) { $0 + enterprises($1) }
            let total = below + (own[code] ?? 0) * 95 / 100
            if total > 0 {
                result[code] = QuotaFigures(enterprises: total, workers: total * 3, questionnaires: total * 4,
                                            problems: max(1, total / 5))
            }
            return total
        }
        for unit in units where unit.parentCode == nil { _ = enterprises(unit.code) }
        return result
    }
}
