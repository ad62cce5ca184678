import Fluent
import Foundation

/// A recorded visit. `unit` is the cadre's unit when they submitted it: that unit's admin
/// reviews it, and the units above see it.
final class Visit: Model, @unchecked Sendable {
    static let schema = "visits"

    enum Status: String {
        case submitted, returned, accepted
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "client_id") var clientID: String
    @Field(key: "request_digest") var requestDigest: String
    @Parent(key: "cadre_user_id") var cadre: User
    @Parent(key: "unit_id") var unit: OrgUnit
    @Parent(key: "enterprise_id") var enterprise: Enterprise
    @OptionalField(key: "task_id") var taskID: UUID?
    @Field(key: "ad_hoc_reason") var adHocReason: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @OptionalField(key: "accuracy_m") var accuracyM: Double?
    @Field(key: "people_met") var peopleMet: String
    @Field(key: "status") var status: String
    @Field(key: "review_comment") var reviewComment: String
    @Field(key: "revision") var revision: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// One step on a visit's timeline: submitted, returned (with the reviewer's comment),
/// resubmitted, accepted.
final class VisitEvent: Model, @unchecked Sendable {
    static let schema = "visit_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "visit_id") var visit: Visit
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "comment") var comment: String

    init() {}

    init(visitID: UUID, by principal: Principal, action: String, comment: String = "") {
        $visit.id = visitID
        at = Date()
        actorUserID = principal.userID
        actorName = principal.displayName
        self.action = action
        self.comment = comment
    }
}
