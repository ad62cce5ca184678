import Fluent

/// New visits whose answers are still to be added to the answer tallies: the visit writer notes
/// them here instead of adding a few hundred counts per visit inside its transaction; the counts
/// are added a group at a time before statistics are read and before a visit is reviewed.
struct AddTallyPending: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tally_pending")
            .field("visit_id", .uuid, .required)
            .unique(on: "visit_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tally_pending").delete()
    }
}
