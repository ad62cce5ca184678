import Fluent
import Foundation
import SanbaoDomain
import SQLKit

/// Signing in's SQL: the failed-attempt count and the lock, raised and checked in one statement
/// so that attempts at once cannot slip past the threshold, and the one-query credential
/// lookup every request starts with. `AuthService` decides.
struct AuthStore {
    let db: any Database
    var sql: any SQLDatabase { db.sql }

    /// Counts a failed attempt unless the account is locked at `now`; the count so far (nil: locked).
    func countAttempt(_ user: UUID, now: Date) async throws -> Int? {
        struct Attempt: Decodable { var failed_attempts: Int }
        return try await sql.update("users").set(SQLIdentifier("failed_attempts"), to: SQLRaw("failed_attempts + 1"))
            .where("id", .equal, user)
            .where { $0.where("locked_until", .is, SQLLiteral.null).orWhere("locked_until", .lessThanOrEqual, now) }
            .returning("failed_attempts").first(decoding: Attempt.self)?.failed_attempts
    }

    func clearAttempts(_ user: UUID) async throws {
        try await sql.update("users").set("failed_attempts", to: 0).set("locked_until", to: SQLLiteral.null)
            .where("id", .equal, user).run()
    }

    /// Locks the account until `until` unless a lock is already running at `now`; the count starts again.
    func lock(_ user: UUID, until: Date, now: Date) async throws {
        try await sql.update("users")
            .set("locked_until", to: until).set("failed_attempts", to: 0)
            .where("id", .equal, user)
            .where { $0.where("locked_until", .is, SQLLiteral.null).orWhere("locked_until", .lessThanOrEqual, now) }
            .run()
    }

    /// Who a credential belongs to, read in one query: every page and API call starts here,
    /// so it avoids building Fluent models.
    struct CredentialRow: Decodable {
        var credential_id: UUID
        var created_at, last_seen_at: Date?
        var user_id: UUID
        var username, display_name, roles: String
        var user_retired_at: Date?
        var unit_id: UUID
        var unit_code, unit_name, unit_path: String
        var unit_retired_at: Date?

        var principalIsActive: Bool { user_retired_at == nil && unit_retired_at == nil }

        func principal(ip: String) -> Principal {
            Principal(userID: user_id, username: username, displayName: display_name, unitID: unit_id, unitCode: unit_code,
                      unitName: unit_name, unitPath: unit_path, roles: Role.decode(roles), ip: ip, sessionTokenHash: nil)
        }
    }

    func credential(_ table: String, createdColumn: String, seenColumn: String, hash: String,
                            extra: String = "") async throws -> CredentialRow? {
        try await sql.raw("""
            SELECT c.id AS credential_id, c.\(unsafeRaw: createdColumn) AS created_at, c.\(unsafeRaw: seenColumn) AS last_seen_at,
                   u.id AS user_id, u.username, u.display_name, u.roles, u.retired_at AS user_retired_at,
                   o.id AS unit_id, o.code AS unit_code, o.name AS unit_name, o.path AS unit_path, o.retired_at AS unit_retired_at
            FROM \(unsafeRaw: table) c JOIN users u ON u.id = c.user_id JOIN org_units o ON o.id = u.unit_id
            WHERE c.token_hash = \(bind: hash) \(unsafeRaw: extra)
            """).first(decoding: CredentialRow.self)
    }

    func endSession(_ id: UUID) async throws {
        try await sql.raw("DELETE FROM user_sessions WHERE id = \(bind: id)").run()
    }

    func touchSession(_ id: UUID, at now: Date) async throws {
        try await sql.raw("UPDATE user_sessions SET last_seen_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    func touchToken(_ id: UUID, at now: Date) async throws {
        try await sql.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
    }
}
