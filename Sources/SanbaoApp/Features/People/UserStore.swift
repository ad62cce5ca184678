import Fluent
import Foundation
import SQLKit

/// The people's hand-written SQL (users and cadres are otherwise Fluent models, read through `Scope`).
struct UserStore {
    let db: any Database
    var sql: any SQLDatabase { db.sql }

    /// Users whose username is this one but for case.
    func countUsers(named username: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await sql.raw("SELECT COUNT(*) AS n FROM users WHERE lower(username) = lower(\(bind: username))")
            .first(decoding: N.self)?.n ?? 0
    }
}
