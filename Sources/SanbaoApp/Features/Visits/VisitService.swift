@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Recording and reviewing visits. A submission is taken whole and exactly once: the phone's
/// Idempotency-Key names it, and the same key with the same body answers with the visit
/// already made (with a different body it is refused: a key is for one submission only).
struct VisitService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    var sql: any SQLDatabase { db as! any SQLDatabase }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// - Returns: the visit, and whether this call made it.
    func submit(body: [UInt8], idempotencyKey key: String) async throws -> (visit: Visit, created: Bool) {
        try principal.require(.recordVisits)
        guard let userID = principal.userID, let unitID = principal.unitID else { throw AppError(.forbidden, "error.forbidden") }
        guard (8...100).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.invalid([AppError.field("Idempotency-Key", "visit.reason.bad_key")])
        }
        let digest = SHA256Digest.hex(body)
        if let done = try await existing(userID: userID, key: key, digest: digest) { return (done, false) }

        let submission: VisitSubmission
        do { submission = try Self.decoder.decode(VisitSubmission.self, from: Data(body)) } catch {
            throw AppError.invalid([AppError.field(QuestionnaireJSON.describe(error), "visit.reason.bad_json")])
        }
        let (enterpriseID, taskID) = try await target(of: submission, userID: userID)
        let versions = try await questionnaireVersions(for: submission)
        let (enterpriseAnswers, workerAnswers, found) = submission.check(now: Date()) { versions["\($0) \($1)"]?.questionnaire }
        var issues = found
        issues += try await workerIssues(submission, enterpriseID: enterpriseID)
        guard issues.isEmpty else {
            throw AppError.invalid(issues.map { AppError.field($0.field, "visit.reason.\($0.reason)") })
        }

        let visit = Visit()
        visit.id = UUID()
        visit.clientID = key
        visit.requestDigest = digest
        visit.$cadre.id = userID
        visit.$unit.id = unitID
        visit.$enterprise.id = enterpriseID
        visit.taskID = taskID
        visit.adHocReason = taskID == nil ? (submission.adHocReason ?? "").trimmed : ""
        visit.startedAt = submission.startedAt
        visit.finishedAt = submission.finishedAt
        visit.lat = submission.location?.lat
        visit.lon = submission.location?.lon
        visit.accuracyM = submission.location?.accuracyM
        visit.peopleMet = submission.peopleMet.trimmed
        visit.status = Visit.Status.submitted.rawValue
        visit.reviewComment = ""
        visit.revision = 1
        do {
            try await db.transaction { db in
                try await visit.create(on: db)
                try await writeContent(of: submission, visitID: visit.id!, enterpriseID: enterpriseID, unitID: unitID,
                                       enterpriseAnswers: enterpriseAnswers, workerAnswers: workerAnswers, versions: versions, on: db)
                if let taskID {
                    try await (db as! any SQLDatabase).raw("UPDATE visit_tasks SET status = 'done' WHERE id = \(bind: taskID)").run()
                }
                try await VisitEvent(visitID: visit.id!, by: principal, action: "submitted").create(on: db)
                try await AuditLog.record(db, by: principal, action: "visit.submit", subjectType: "visit", subjectID: visit.id!.uuidString,
                                          after: ["client_id": key, "problems": "\(submission.problems.count)",
                                                  "worker_responses": "\(submission.workerResponses.count)"])
            }
        } catch {
            // The same submission racing itself: the other one won, and this one is it.
            if let done = try await existing(userID: userID, key: key, digest: digest) { return (done, false) }
            throw error
        }
        return (visit, true)
    }

    /// The visit this cadre already made with this key; a different body under it is a mistake.
    private func existing(userID: UUID, key: String, digest: String) async throws -> Visit? {
        guard let visit = try await Visit.query(on: db).filter(\.$cadre.$id == userID).filter(\.$clientID == key).first() else { return nil }
        guard visit.requestDigest == digest else { throw AppError(.conflict, "visit.key_reused") }
        return visit
    }

    /// The enterprise visited and the task fulfilled: the cadre's own open or done task, or,
    /// ad hoc, an enterprise the cadre's unit can see.
    private func target(of s: VisitSubmission, userID: UUID) async throws -> (enterprise: UUID, task: UUID?) {
        if let taskID = s.taskID {
            struct Row: Decodable { var enterprise_id: UUID }
            guard let row = try await sql.raw("""
                SELECT t.enterprise_id FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id
                WHERE t.id = \(bind: taskID) AND c.user_id = \(bind: userID)
                """).first(decoding: Row.self) else { throw AppError(.notFound, "error.not_found") }
            return (row.enterprise_id, taskID)
        }
        let service = EnterpriseService(app: app, db: db, principal: principal)
        struct Row: Decodable { var id: UUID }
        guard let row = try await sql.raw("""
            SELECT e.id FROM enterprises e WHERE e.credit_code = \(bind: (s.enterprise ?? "").trimmed.uppercased()) AND \(service.visible)
            """).first(decoding: Row.self) else {
            throw AppError.invalid([AppError.field("enterprise", "visit.reason.unknown_enterprise")])
        }
        return (row.id, nil)
    }

    func questionnaireVersions(for s: VisitSubmission) async throws -> [String: (row: QuestionnaireVersion, questionnaire: Questionnaire)] {
        var out: [String: (row: QuestionnaireVersion, questionnaire: Questionnaire)] = [:]
        for r in [s.enterpriseResponse] + s.workerResponses where out["\(r.questionnaire) \(r.version)"] == nil {
            if let row = try await QuestionnaireVersion.query(on: db).filter(\.$key == r.questionnaire).filter(\.$version == r.version).first() {
                out["\(r.questionnaire) \(r.version)"] = (row, try row.questionnaire())
            }
        }
        return out
    }

    /// Workers named in the submission must be this enterprise's.
    func workerIssues(_ s: VisitSubmission, enterpriseID: UUID) async throws -> [VisitSubmission.Issue] {
        let named = s.workerResponses.enumerated().compactMap { i, r in r.workerID.map { ("worker_responses[\(i)].worker_id", $0) } }
            + s.problems.enumerated().compactMap { i, p in p.workerID.map { ("problems[\(i)].worker_id", $0) } }
        guard !named.isEmpty else { return [] }
        let ids = Set(try await Worker.query(on: db).filter(\.$id ~~ named.map(\.1)).filter(\.$enterprise.$id == enterpriseID).all().compactMap(\.id))
        return named.filter { !ids.contains($0.1) }.map { VisitSubmission.Issue($0.0, "unknown_worker") }
    }

    /// Responses, their answers one row per value, and the problems found. A resubmission
    /// replaces all three.
    func writeContent(of s: VisitSubmission, visitID: UUID, enterpriseID: UUID, unitID: UUID,
                              enterpriseAnswers: [String: Answer], workerAnswers: [[String: Answer]],
                              versions: [String: (row: QuestionnaireVersion, questionnaire: Questionnaire)], on db: any Database) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var responses: [[any Encodable & Sendable]] = []
        var answers: [[any Encodable & Sendable]] = []
        let all = [(s.enterpriseResponse, enterpriseAnswers)] + zip(s.workerResponses, workerAnswers).map { ($0, $1) }
        for (position, (response, kept)) in all.enumerated() {
            let id = UUID()
            let version = versions["\(response.questionnaire) \(response.version)"]!.row
            responses.append([id, visitID, version.id!, response.questionnaire, response.version, response.workerID,
                              position, String(decoding: try encoder.encode(kept), as: UTF8.self)])
            for (question, answer) in kept.sorted(by: { $0.key < $1.key }) {
                for (number, text) in Self.values(answer) {
                    answers.append([UUID(), id, visitID, response.questionnaire, question, number, text])
                }
            }
        }
        try await BulkInsert.rows(into: "responses", columns: ["id", "visit_id", "questionnaire_id", "questionnaire_key", "version",
                                                               "worker_id", "position", "answers"], responses, on: db)
        try await BulkInsert.rows(into: "answers", columns: ["id", "response_id", "visit_id", "questionnaire_key", "question_key",
                                                             "number_value", "text_value"], answers, on: db)
        let now = Date()
        let problems: [[any Encodable & Sendable]] = s.problems.map { p in
            [UUID(), visitID, enterpriseID, p.workerID, unitID, principal.userID!, p.category.rawValue, p.description.trimmed,
             p.severity.rawValue, "reported", now, now]
        }
        try await BulkInsert.rows(into: "problems", columns: ["id", "visit_id", "enterprise_id", "worker_id", "unit_id", "reporter_user_id",
                                                              "category", "description", "severity", "status", "created_at", "updated_at"],
                                  problems, on: db)
    }

    /// How an answer is stored for statistics: numbers as numbers, yes/no as 1/0 with its
    /// text, each choice of a multiple choice on its own row.
    static func values(_ answer: Answer) -> [(Double?, String?)] {
        switch answer {
        case .number(let n): [(n, nil)]
        case .text(let t): [(nil, t)]
        case .yes(let b): [(b ? 1 : 0, b ? "yes" : "no")]
        case .choices(let keys): keys.map { (nil, $0) }
        }
    }
}
