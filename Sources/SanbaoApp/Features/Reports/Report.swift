import Fluent
import Foundation
import SanbaoDomain

/// A unit's periodic report (定期报告) for one period of a campaign. A draft shows live figures;
/// submitting freezes them on the report; the parent unit accepts it (locked from then on) or
/// returns it with a comment; a correction to an accepted report needs the parent to reopen it.
final class Report: Model, @unchecked Sendable {
    static let schema = "reports"

    enum Status: String, CaseIterable {
        case draft, submitted, returned, accepted
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "period_key") var periodKey: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "status") var status: String
    @Field(key: "work_done") var workDone: String
    @Field(key: "difficulties") var difficulties: String
    @Field(key: "next_steps") var nextSteps: String
    @Field(key: "experience") var experience: String
    @Field(key: "figures") var figuresJSON: String
    /// The day it was first submitted: timeliness is judged on it, not on a resubmission.
    @OptionalField(key: "first_submitted_on") var firstSubmittedOn: String?
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// The parent's comment when it returned or reopened the report.
    @Field(key: "comment") var comment: String
    @Field(key: "revision") var revision: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(campaignID: UUID, unitID: UUID, period: ReportPeriod, due: Day) {
        self.campaignID = campaignID
        self.unitID = unitID
        periodKey = period.key
        startsOn = period.start.description
        endsOn = period.end.description
        dueOn = due.description
        status = Status.draft.rawValue
        (workDone, difficulties, nextSteps, experience, figuresJSON, comment) = ("", "", "", "", "", "")
        revision = 0
    }

    var state: Status { Status(rawValue: status) ?? .draft }

    /// Submitted or accepted: the figures are those kept on it.
    var isFrozen: Bool { state == .submitted || state == .accepted }

    var narrative: ReportNarrative {
        ReportNarrative(workDone: workDone, difficulties: difficulties, nextSteps: nextSteps, experience: experience)
    }
}

/// What the unit writes: work done, difficulties, next steps, typical experience (典型经验).
struct ReportNarrative: Codable, Sendable, Equatable {
    var workDone, difficulties, nextSteps, experience: String

    static let fields = ["work_done", "difficulties", "next_steps", "experience"]
    static let empty = ReportNarrative(workDone: "", difficulties: "", nextSteps: "", experience: "")
    static let maxLength = 4_000

    enum CodingKeys: String, CodingKey {
        case workDone = "work_done", difficulties, nextSteps = "next_steps", experience
    }

    var values: [String] { [workDone, difficulties, nextSteps, experience] }

    var trimmed: ReportNarrative {
        ReportNarrative(workDone: workDone.trimmed, difficulties: difficulties.trimmed, nextSteps: nextSteps.trimmed, experience: experience.trimmed)
    }

    /// Too long anywhere, or (to submit) no word on the work done.
    func issues(submitting: Bool) -> [AppError.FieldIssue] {
        var issues = zip(Self.fields, values).filter { $0.1.count > Self.maxLength }
            .map { AppError.field($0.0, "report.reason.too_long", ["\(Self.maxLength)"]) }
        if submitting && workDone.trimmed.isEmpty { issues.append(AppError.field("work_done", "report.reason.work_done_required")) }
        return issues
    }
}

/// One step on a report's timeline.
final class ReportEvent: Model, @unchecked Sendable {
    static let schema = "report_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "comment") var comment: String

    init() {}

    init(reportID: UUID, by principal: Principal, action: String, comment: String = "", at: Date = Date()) {
        self.reportID = reportID
        self.at = at
        actorUserID = principal.userID
        actorName = principal.displayName
        self.action = action
        self.comment = comment
    }
}
