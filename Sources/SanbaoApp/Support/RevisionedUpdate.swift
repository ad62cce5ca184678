import Foundation
import SQLKit

/// An update that names the revision it was decided on: inside the caller's transaction the
/// row is locked and its revision checked again, so of two people acting at once the second
/// hears of the first (409) instead of overwriting it.
enum RevisionedUpdate {
    static func apply(_ sql: any SQLDatabase, table: String, id: UUID, revision: Int,
                      set assignments: [(String, any Encodable & Sendable)], conflict: String = "problem.conflict") async throws {
        struct Current: Decodable { var revision: Int }
        let current = try await sql.select().column("revision").from(table).where("id", .equal, id).for(.update)
            .first(decoding: Current.self)
        guard current?.revision == revision else { throw AppError(.conflict, conflict, ["\(current?.revision ?? 0)"]) }
        var update = sql.update(table)
        for (column, value) in assignments { update = update.set(SQLIdentifier(column), to: value) }
        try await update.where("id", .equal, id).run()
    }
}
