import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The demo's weekly reports for the weeks already past due: most units reported on time and
/// were accepted, some late, a few not at all; a handful wait for the city's decision or were
/// returned. 蜀山区 reported every week on time, and nobody has written the current week yet —
/// so the completeness page has something to show and the current week is left to try.
enum DemoReportLoader {
    static let workDone = [
        "本周组织走访干部深入企业和职工，逐户填写企业和职工调查问卷，建立“一企一档”走访台账。",
        "召开走访工作推进会，通报各街道走访进度，对进度滞后的单位点名督促。",
        "联合人社部门走访重点企业，宣讲稳岗返还和技能培训补贴政策。",
        "对走访中发现的欠薪、裁员等问题逐一登记，交办责任单位限期解决。",
    ]
    static let difficulties = [
        "部分小微企业负责人难以约见，需多次上门。",
        "个别企业对问卷填写有顾虑，需要做好解释工作。",
        "部分问题涉及多个部门，协调周期较长。",
    ]
    static let nextSteps = [
        "下周完成剩余企业的首轮走访，重点跟进超期未办结的问题。",
        "组织困难职工帮扶对接，落实送温暖资金。",
        "开展职业技能培训需求汇总，对接职业院校。",
    ]
    static let experience = [
        "“工会干部+网格员”结对走访，一次上门、一表登记。",
        "对欠薪问题建立“日跟踪、周通报”机制。",
        "",
    ]

    static func load(_ app: Application, seed: UInt64) async throws {
        let system = Principal.system("demo")
        let campaign = try await CampaignService(app: app, db: app.db, principal: system).campaign(nil)
        let today = ProblemRules.today()
        let rules = try await ProblemRules.current(app, app.db)
        let periods = ReportService.periods(of: campaign).filter { $0.due(after: campaign.reportDueDays, on: rules.calendar) < today }
        let units = try await OrgUnit.query(on: app.db).filter(\.$depth == 1).sort(\.$code).all().filter { ReportService.reports($0, campaign) }
        var rng = SeededRandom(seed: seed &+ 29)
        try await Tallies.catchUp(app, app.db)
        let query = ReportStore(app: app, db: app.db, principal: system)
        for unit in units {
            let actor = Principal(userID: nil, username: unit.code, displayName: unit.name + "管理员", unitID: unit.id, unitCode: unit.code,
                                  unitName: unit.name, unitPath: unit.path, roles: [.unitAdmin], ip: "demo", sessionTokenHash: nil)
            let city = Principal.system("合肥市总工会")
            for period in periods {
                let due = period.due(after: campaign.reportDueDays, on: rules.calendar)
                let roll = unit.code == "340104" ? 1 : rng.int(1...100)
                guard roll <= 88 else { continue }                                         // not reported
                let submitted = roll <= 75 ? min(due, period.end.adding(rng.int(0...2))) : min(today, due.adding(rng.int(1...3)))
                let report = Report(campaignID: campaign.id!, unitID: unit.id!, period: period, due: due)
                report.narrativeFields(ReportNarrative(workDone: rng.pick(workDone), difficulties: rng.pick(difficulties),
                                                       nextSteps: rng.pick(nextSteps), experience: rng.pick(experience)))
                let figures = try await query.figures(unitID: unit.id!, path: unit.path, campaign: campaign, period: period,
                                                      now: at(submitted, 17))
                report.figuresJSON = String(decoding: try JSONEncoder.sorted.encode(figures), as: UTF8.self)
                report.firstSubmittedOn = submitted.description
                report.submittedAt = at(submitted, 17)
                var events = [("submitted", actor, "", at(submitted, 17))]
                let decision = rng.int(1...20)
                let decidedOn = min(today, submitted.adding(1))
                if period == periods.last && decision > 14 {
                    report.status = Report.Status.submitted.rawValue                      // still with the city
                } else if decision == 1 {
                    report.status = Report.Status.returned.rawValue
                    report.comment = "请补充问题办理进展和下周重点企业名单。"
                    events.append(("returned", city, report.comment, at(decidedOn, 10)))
                } else {
                    report.status = Report.Status.accepted.rawValue
                    events.append(("accepted", city, "", at(decidedOn, 10)))
                }
                report.decidedAt = events.count > 1 ? events.last!.3 : nil
                report.revision = events.count
                let steps = events
                try await app.serializedTransaction(on: app.db) { db in
                    try await report.create(on: db)
                    for (action, who, comment, at) in steps {
                        try await ReportEvent(reportID: report.id!, by: who, action: action, comment: comment, at: at).create(on: db)
                    }
                }
            }
        }
    }

    /// `hour` o'clock on `day` in the campaign's zone.
    private static func at(_ day: Day, _ hour: Int) -> Date {
        ShanghaiTime.start(of: day).addingTimeInterval(Double(hour) * 3_600)
    }
}
