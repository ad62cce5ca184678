import Fluent
import Foundation
import SQLKit
import Vapor

/// A page form that files a record (a problem, a supervision order) carries a one-time key
/// (`_once`, a fresh UUID in every page the shell renders). The first post with the key claims
/// it and acts; the same form sent again — a double click, a post retried by the browser — does
/// not act again but is sent where the first one went. Visits have their Idempotency-Key; this
/// is the same promise for page forms. A post without a key (a script) acts as before.
enum FormOnce {
    static let field = "_once"

    /// Runs `act` once per key; `act` returns where its result is (the new record's page).
    static func run(_ req: Request, _ act: () async throws -> String) async throws -> Response {
        guard let text = try? req.content.get(String.self, at: field), let key = UUID(uuidString: text),
              let userID = try req.requirePrincipal().userID else {
            return req.redirect(to: try await act())
        }
        let sql = req.db.sql
        let now = Date()
        do {
            try await sql.insert(into: "form_submissions").columns("key", "user_id", "created_at")
                .values(SQLBind(key.uuidString), SQLBind(userID), SQLBind(now)).run()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return req.redirect(to: try await firstResult(key, userID, sql))
        }
        let location: String
        do {
            location = try await act()
        } catch {
            // Nothing was filed: the key is free again, so the corrected form can be sent.
            try? await sql.delete(from: "form_submissions").where("key", .equal, key.uuidString).run()
            throw error
        }
        try await sql.update("form_submissions").set("location", to: location).where("key", .equal, key.uuidString).run()
        try await sql.delete(from: "form_submissions").where("created_at", .lessThan, now.addingTimeInterval(-2 * 86_400)).run()
        return req.redirect(to: location)
    }

    /// Where the first post of the key went, waiting a few seconds for it to finish.
    private static func firstResult(_ key: UUID, _ userID: UUID, _ sql: any SQLDatabase) async throws -> String {
        struct Row: Decodable { var user_id: UUID; var location: String? }
        for _ in 0..<50 {
            guard let row = try await sql.select().columns("user_id", "location").from("form_submissions")
                .where("key", .equal, key.uuidString).first(decoding: Row.self) else { break }
            guard row.user_id == userID else { break }
            if let location = row.location { return location }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw AppError(.conflict, "error.sent_twice")
    }
}
