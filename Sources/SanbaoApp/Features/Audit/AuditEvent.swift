import Fluent
import Foundation

/// One write, as the office reads it later: who, from which unit and address, did what to
/// which record, with a before/after summary.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "unit_id") var unitID: UUID?
    @Field(key: "action") var action: String
    @Field(key: "subject_type") var subjectType: String
    @Field(key: "subject_id") var subjectID: String
    @Field(key: "summary") var summary: String
    @Field(key: "ip") var ip: String

    init() {}
}
