import Fluent

/// A deadline may be extended once: the responsible unit asks (working days and a reason), the
/// unit above it decides; the deadline first set is kept beside the extended one.
struct AddProblemExtensions: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("original_deadline", .string), ("extension_state", .string), ("extension_days", .int), ("extension_reason", .string),
    ]

    func prepare(on database: any Database) async throws {
        // One column at a time: SQLite adds one per ALTER TABLE.
        for (name, type) in Self.columns {
            try await database.schema("problems").field(.definition(name: .key(.string(name)), dataType: type, constraints: [])).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.columns { try await database.schema("problems").deleteField(.string(name)).update() }
    }
}
