import Fluent
import SQLKit

/// The official working-day calendar as data: the listed exceptions to "Monday–Friday" (holidays
/// and swapped working weekends) and the years an official file was imported for. The 2026 file
/// ships with the product (Resources/Calendar) and is loaded at start; the office imports the
/// next year's when it is published.
struct CreateWorkingCalendar: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_days")
            .field("day", .string, .required)
            .field("year", .int, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .unique(on: "day")
            .create()
        try await database.schema("calendar_years")
            .field("year", .int, .required)
            .field("exceptions", .int, .required)
            .field("imported_at", .datetime, .required)
            .field("imported_by", .string, .required)
            .unique(on: "year")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_years").delete()
        try await database.schema("calendar_days").delete()
    }
}
