import Foundation
import Vapor

/// One of a cadre's published visit tasks (`AssignmentStore.tasks(ofUser:)`): what a cadre sees after signing in.
struct VisitTaskRow: Content {
    var id: UUID
    var credit_code, name, address, stage: String
    var distance_m: Int
    var status: String

    var distanceKm: String { String(format: "%.1f", Double(distance_m) / 1000) }
}
