import Fluent
import Foundation

/// Writes the audit trail. Called by services inside the same transaction as the write it
/// describes, so a write and its record stand or fall together.
enum AuditLog {
    static func record(_ db: any Database, by principal: Principal, action: String, subjectType: String,
                       subjectID: String, before: [String: String]? = nil, after: [String: String]? = nil) async throws {
        let event = AuditEvent()
        event.at = Date()
        event.actorID = principal.userID
        event.actorName = principal.username
        event.unitID = principal.unitID
        event.action = action
        event.subjectType = subjectType
        event.subjectID = subjectID
        event.summary = summary(before: before, after: after)
        event.ip = principal.ip
        try await event.create(on: db)
    }

    /// The same record as the values of one `audit_events` row, for writers that insert many
    /// records in one statement (the visit writer's batches).
    static func row(by principal: Principal, action: String, subjectType: String, subjectID: String,
                    before: [String: String]? = nil, after: [String: String]) -> [any Encodable & Sendable] {
        // Time-ordered: each new row lands at the end of the table's key index, not on a random page.
        [TimeOrderedID.one(), Date(), principal.userID, principal.username, principal.unitID, action, subjectType, subjectID,
         summary(before: before, after: after), principal.ip]
    }

    static let columns = ["id", "at", "actor_id", "actor_name", "unit_id", "action", "subject_type", "subject_id", "summary", "ip"]

    /// Only the fields that changed, so a rename reads as `name: 旧 → 新`.
    static func summary(before: [String: String]?, after: [String: String]?) -> String {
        var changedBefore: [String: String] = [:]
        var changedAfter: [String: String] = [:]
        let keys = Set((before ?? [:]).keys).union((after ?? [:]).keys)
        for key in keys where before?[key] != after?[key] {
            if let b = before?[key] { changedBefore[key] = b }
            if let a = after?[key] { changedAfter[key] = a }
        }
        var object: [String: [String: String]] = [:]
        if before != nil { object["before"] = changedBefore }
        if after != nil { object["after"] = changedAfter }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(object), as: UTF8.self)) ?? "{}"
    }
}
