import Foundation

/// The rows a visit writes into its hot tables, typed. Each names its table and columns and gives
/// its values in that order, side by side: the visit writer's SQLite connection and SQLKit's bulk
/// insert (`BulkInsert.insert`) both take them from here.
struct NewVisitRow: TableRow {
    static let table = "visits"
    static let columns = ["id", "client_id", "request_digest", "cadre_user_id", "unit_id", "enterprise_id", "task_id", "ad_hoc_reason",
                          "started_at", "finished_at", "lat", "lon", "accuracy_m", "people_met", "status", "review_comment",
                          "revision", "created_at", "updated_at"]
    var id: UUID
    var clientID, requestDigest: String
    var cadre, unit, enterprise: UUID
    var task: UUID?
    var adHocReason: String
    var startedAt, finishedAt: Date
    var lat, lon, accuracyM: Double?
    var peopleMet, status: String
    var now: Date

    var values: [any Encodable & Sendable] {
        [id, clientID, requestDigest, cadre, unit, enterprise, task, adHocReason, startedAt, finishedAt, lat, lon, accuracyM, peopleMet,
         status, "", 1, now, now]
    }
}

/// One questionnaire filled in on a visit (the enterprise's, or a worker's), its answers as JSON.
struct ResponseRow: TableRow {
    static let table = "responses"
    static let columns = ["id", "visit_id", "questionnaire_id", "questionnaire_key", "version", "worker_id", "position", "answers"]
    var id, visit, questionnaire: UUID
    var questionnaireKey: String
    var version: Int
    var worker: UUID?
    var position: Int
    var answers: String

    var values: [any Encodable & Sendable] { [id, visit, questionnaire, questionnaireKey, version, worker, position, answers] }
}

/// One value of one answer, for the statistics (a multiple choice gives a row per choice).
struct AnswerRow: TableRow {
    static let table = "answers"
    static let columns = ["response_id", "visit_id", "questionnaire_key", "question_key", "number_value", "text_value"]
    var response, visit: UUID
    var questionnaireKey, questionKey: String
    var number: Double?
    var text: String?

    var values: [any Encodable & Sendable] { [response, visit, questionnaireKey, questionKey, number, text] }
}

/// A problem as it enters the ledger: found on a visit, or entered by a unit (no visit).
struct NewProblemRow: TableRow {
    static let table = "problems"
    static let columns = ["id", "visit_id", "enterprise_id", "worker_id", "unit_id", "reporter_user_id", "category", "description",
                          "severity", "status", "created_at", "updated_at", "reported_on", "deadline"]
    var id: UUID
    var visit: UUID?
    var enterprise: UUID
    var worker: UUID?
    var unit, reporter: UUID
    var category, description, severity: String
    var now: Date
    var reportedOn: String
    var deadline: String?

    var values: [any Encodable & Sendable] {
        [id, visit, enterprise, worker, unit, reporter, category, description, severity, "reported", now, now, reportedOn, deadline]
    }
}
