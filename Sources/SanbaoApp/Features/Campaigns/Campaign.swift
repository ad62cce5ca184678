import Fluent
import Foundation
import SanbaoDomain

/// A campaign (行动) with its ordered stages. Dates are calendar days in Asia/Shanghai,
/// stored as `YYYY-MM-DD`.
final class Campaign: Model, @unchecked Sendable {
    static let schema = "campaigns"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "status") var status: String
    @Field(key: "fairness_percent") var fairnessPercent: Int
    @Field(key: "fairness_penalty_m") var fairnessPenalty: Int
    /// Periodic reports: how often, due how many working days after the period, and from how
    /// many levels below the office.
    @Field(key: "report_cadence") var reportCadence: String
    @Field(key: "report_due_days") var reportDueDays: Int
    @Field(key: "report_depth") var reportDepth: Int
    @Children(for: \.$campaign) var stages: [Stage]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(name: String, startsOn: String, endsOn: String) {
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.status = "active"
        self.fairnessPercent = 0
        self.fairnessPenalty = 0
        self.reportCadence = ReportCadence.weekly.rawValue
        self.reportDueDays = 2
        self.reportDepth = 1
    }

    var cadence: ReportCadence { ReportCadence(rawValue: reportCadence) ?? .weekly }

    /// The convex workload penalty the assignment uses, if the office turned it on.
    var fairness: AssignmentProblem.Fairness? {
        fairnessPenalty > 0 ? .init(share: Double(fairnessPercent) / 100, penalty: Int64(fairnessPenalty)) : nil
    }
}

final class Stage: Model, @unchecked Sendable {
    static let schema = "stages"

    @ID(key: .id) var id: UUID?
    @Parent(key: "campaign_id") var campaign: Campaign
    @Field(key: "position") var position: Int
    @Field(key: "name") var name: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "goals") var goals: String

    init() {}

    init(campaignID: UUID, position: Int, name: String, startsOn: String, endsOn: String, goals: String) {
        self.$campaign.id = campaignID
        self.position = position
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.goals = goals
    }
}

/// A row of the task decomposition table.
final class Quota: Model, @unchecked Sendable {
    static let schema = "quotas"

    @ID(key: .id) var id: UUID?
    @Parent(key: "stage_id") var stage: Stage
    @Parent(key: "unit_id") var unit: OrgUnit
    @Field(key: "enterprises") var enterprises: Int
    @Field(key: "workers") var workers: Int
    @Field(key: "questionnaires") var questionnaires: Int
    @Field(key: "problems") var problems: Int

    init() {}

    init(stageID: UUID, unitID: UUID, figures: QuotaFigures) {
        self.$stage.id = stageID
        self.$unit.id = unitID
        enterprises = figures.enterprises
        workers = figures.workers
        questionnaires = figures.questionnaires
        problems = figures.problems
    }

    var figures: QuotaFigures {
        QuotaFigures(enterprises: enterprises, workers: workers, questionnaires: questionnaires, problems: problems)
    }
}
