import Foundation
import SQLKit
import Vapor

/// A cadre's published visit tasks, nearest first: what a cadre sees after signing in.
struct VisitTaskRow: Content {
    var id: UUID
    var credit_code, name, address, stage: String
    var distance_m: Int
    var status: String

    var distanceKm: String { String(format: "%.1f", Double(distance_m) / 1000) }

    static func forUser(_ userID: UUID, on sql: any SQLDatabase) async throws -> [VisitTaskRow] {
        try await sql.raw("""
            SELECT v.id, e.credit_code, e.name, e.address, s.name AS stage, v.distance_m, v.status
            FROM visit_tasks v JOIN cadres c ON c.id = v.cadre_id JOIN enterprises e ON e.id = v.enterprise_id
            JOIN stages s ON s.id = v.stage_id
            WHERE c.user_id = \(bind: userID) ORDER BY v.status DESC, v.distance_m, e.credit_code
            """).all(decoding: VisitTaskRow.self)
    }
}
