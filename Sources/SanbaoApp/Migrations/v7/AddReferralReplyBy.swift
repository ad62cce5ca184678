import Fluent
import SQLKit

/// The day the department a problem was referred to promised to answer, kept on the problem
/// while it waits (the timeline has every referral; this is the one still open), so the scan
/// can remind the unit on that day without reading timelines.
struct AddReferralReplyBy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("problems").field("referral_reply_by", .string).update()
        try await (database as! any SQLDatabase).create(index: "problems_referral_reply_by").on("problems").column("referral_reply_by").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "problems_referral_reply_by").run()
        try await database.schema("problems").deleteField("referral_reply_by").update()
    }
}
