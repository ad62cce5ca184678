import Fluent

/// Two values given together in one response, per unit down to the districts and per stage
/// (`AnswerTally`), so that a province's question crossed with another sums a few hundred rows
/// instead of joining a million answers with a million answers. The last of the tally
/// migrations: it fills every tally from the rows.
struct CreatePairTallies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("pair_tallies")
            .field("unit_id", .uuid, .required, .references("org_units", "id"))
            .field("stage_key", .string, .required)
            .field("questionnaire_key", .string, .required)
            // The two questions in key order, each with the value given.
            .field("first_key", .string, .required)
            .field("first_value", .string, .required)
            .field("second_key", .string, .required)
            .field("second_value", .string, .required)
            .field("n", .int, .required)
            .unique(on: "unit_id", "stage_key", "questionnaire_key", "first_key", "first_value", "second_key", "second_value")
            .create()
        try await VisitTally.rebuildAll(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("pair_tallies").delete()
    }
}
