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
    var store: VisitStore { VisitStore(db: db, principal: principal) }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// - Returns: the visit, and whether this call made it.
    func submit(body: [UInt8], idempotencyKey key: String) async throws -> (receipt: VisitReceipt, created: Bool) {
        try principal.require(.recordVisits)
        guard let userID = principal.userID, let unitID = principal.unitID else { throw AppError(.forbidden, "error.forbidden") }
        guard (8...100).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.invalid([AppError.field("Idempotency-Key", "visit.reason.bad_key")])
        }
        let digest = SHA256Digest.hex(body)
        do {
            return (try await record(body: body, key: key, digest: digest, userID: userID, unitID: unitID), true)
        } catch {
            // Sent again (the phone never heard back), it is the visit already made — even if the
            // task is done or the enterprise moved since. Looked up only when this submission could
            // not be recorded (the key is unique per cadre), so a new visit costs one query less.
            if let done = try await existing(userID: userID, key: key, digest: digest) { return (done, false) }
            throw error
        }
    }

    private func record(body: [UInt8], key: String, digest: String, userID: UUID, unitID: UUID) async throws -> VisitReceipt {
        var submission: VisitSubmission
        do { submission = try Self.decoder.decode(VisitSubmission.self, from: Data(body)) } catch {
            throw AppError.invalid([AppError.field(QuestionnaireJSON.describe(error), "visit.reason.bad_json")])
        }
        let (enterprise, taskID) = try await target(of: submission, userID: userID)
        let enterpriseID = enterprise.id
        let versions = try await questionnaireVersions(for: submission)
        let (enterpriseAnswers, workerAnswers, found) = submission.check(now: Date()) { versions["\($0) \($1)"]?.questionnaire }
        var issues = found
        issues += try await workerIssues(submission, enterpriseID: enterpriseID)
        guard issues.isEmpty else {
            throw AppError.invalid(issues.map { AppError.field($0.field, "visit.reason.\($0.reason)") })
        }

        let now = Date()
        // Time-ordered, so that each visit's key lands at the end of the indexes on visit_id.
        var visitIDs = TimeOrderedID()
        let visitID = visitIDs.next(now: now)
        let newWorkers = try await registerNewWorkers(in: &submission, enterpriseID: enterpriseID, visitID: visitID, now: now)
        let rules = submission.problems.isEmpty ? nil : try await ProblemRules.current(app, db)
        let content = try contentRows(of: submission, visitID: visitID, enterpriseID: enterpriseID, unitID: unitID,
                                      enterpriseAnswers: enterpriseAnswers, workerAnswers: workerAnswers, versions: versions,
                                      rules: rules, now: now)
        let location = submission.location
        let rows = VisitRows(
            visit: NewVisitRow(id: visitID, clientID: key, requestDigest: digest, cadre: userID, unit: unitID, enterprise: enterpriseID,
                               task: taskID, adHocReason: taskID == nil ? (submission.adHocReason ?? "").trimmed : "",
                               startedAt: submission.startedAt, finishedAt: submission.finishedAt, lat: location?.lat, lon: location?.lon,
                               accuracyM: location?.accuracyM, peopleMet: submission.peopleMet.trimmed, status: Visit.Status.submitted.rawValue,
                               now: now),
            workers: newWorkers.rows, responses: content.responses, answers: content.answers, problems: content.problems,
            event: [visitIDs.next(now: now), visitID, now, userID, principal.displayName, "submitted", ""],
            audits: [AuditLog.row(by: principal, action: "visit.submit", subjectType: "visit", subjectID: visitID.uuidString,
                                  after: ["client_id": key, "problems": "\(submission.problems.count)",
                                          "worker_responses": "\(submission.workerResponses.count)"])] + newWorkers.audits,
            taskID: taskID,
            tally: NewVisitTallies.Entry(
                visit: visitID, unit: unitID, taskStage: enterprise.stage_id, finishedAt: submission.finishedAt, enterprise: enterpriseID,
                industryCode: enterprise.industry_code, sizeClass: enterprise.size_class,
                workers: submission.workerResponses.count { $0.questionnaire == "worker" }, questionnaires: 1 + submission.workerResponses.count,
                problems: submission.problems.count, answers: content.stored))
        do {
            try await app.visitWriter.write(rows, in: app)
        } catch {
            // Another visit made for the task meanwhile (the caller then checks whether it was this same submission).
            if let taskID { try await refuseSecondVisit(task: taskID) }
            throw error
        }
        // Answered from what was just written, without reading it back.
        return VisitReceipt(id: visitID, client_id: key, status: Visit.Status.submitted.rawValue, revision: 1,
                            url: APIRoute.visit(visitID.uuidString).path, worker_ids: submission.workerResponses.map(\.workerID),
                            problem_ids: content.problems.map(\.id))
    }

    /// A task is done by one visit; a correction goes through the review, not a second visit.
    private func refuseSecondVisit(task: UUID) async throws {
        if let other = try await Visit.query(on: db).filter(\.$taskID == task).first() {
            throw AppError(.conflict, "visit.task_done", [other.id!.uuidString])
        }
    }

    /// The visit this cadre already made with this key; a different body under it is a mistake.
    private func existing(userID: UUID, key: String, digest: String) async throws -> VisitReceipt? {
        guard let row = try await store.visit(cadre: userID, key: key) else { return nil }
        guard row.request_digest == digest else { throw AppError(.conflict, "visit.key_reused") }
        return VisitReceipt(id: row.id, client_id: key, status: row.status, revision: row.revision, url: APIRoute.visit(row.id.uuidString).path,
                            worker_ids: try await store.responseWorkers(of: row.id), problem_ids: try await store.problemIDs(of: row.id))
    }

    /// The enterprise visited and the task fulfilled: the cadre's own open or done task, or,
    /// ad hoc, an enterprise the cadre's unit can see.
    private func target(of s: VisitSubmission, userID: UUID) async throws -> (enterprise: VisitStore.Target, task: UUID?) {
        if let taskID = s.taskID {
            guard let row = try await store.target(task: taskID, cadre: userID) else { throw AppError(.notFound, "error.not_found") }
            try await refuseSecondVisit(task: taskID)
            return (row, taskID)
        }
        guard let row = try await store.target(code: (s.enterprise ?? "").trimmed.uppercased()) else {
            throw AppError.invalid([AppError.field("enterprise", "visit.reason.unknown_enterprise")])
        }
        return (row, nil)
    }

    func questionnaireVersions(for s: VisitSubmission) async throws -> [String: CachedQuestionnaire] {
        let cache = app.questionnaireCache
        var out: [String: CachedQuestionnaire] = [:]
        for r in [s.enterpriseResponse] + s.workerResponses where out["\(r.questionnaire) \(r.version)"] == nil {
            let key = "\(r.questionnaire) \(r.version)"
            if let hit = cache.withLockedValue({ $0[key] }) {
                out[key] = hit
            } else if let row = try await QuestionnaireVersion.query(on: db).filter(\.$key == r.questionnaire).filter(\.$version == r.version).first() {
                let parsed = CachedQuestionnaire(id: row.id!, questionnaire: try row.questionnaire())
                cache.withLockedValue { $0[key] = parsed }
                out[key] = parsed
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

    /// Workers met on the visit and entered by the cadre: a worker already in the registry with
    /// that ID number at this enterprise is that worker; at another enterprise the cadre may see
    /// it is refused (a move is the registry's business, not a visit's), and at one the cadre may
    /// not see the response stays unlinked, saying nothing; otherwise a registry worker is made
    /// with the visit. Each response is then linked by `worker_id`.
    func registerNewWorkers(in s: inout VisitSubmission, enterpriseID: UUID, visitID: UUID, now: Date) async throws
        -> (rows: [[any Encodable & Sendable]], audits: [[any Encodable & Sendable]]) {
        let named = s.workerResponses.indices.filter { s.workerResponses[$0].newWorker != nil }
        guard !named.isEmpty else { return ([], []) }
        let cipher = app.fieldCipher
        let residents = try named.map { try ResidentID.check(s.workerResponses[$0].newWorker!.idNumber, today: ResidentID.day(of: now)).get() }
        let digests = residents.map { cipher.digest($0.value) }
        let known = Dictionary(try await store.workers(withDigests: digests).map { ($0.id_digest, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [[any Encodable & Sendable]] = []
        var audits: [[any Encodable & Sendable]] = []
        var refused: [AppError.FieldIssue] = []
        var ids = TimeOrderedID()
        for (n, i) in named.enumerated() {
            let w = s.workerResponses[i].newWorker!
            if let old = known[digests[n]] {
                guard old.enterprise_id == enterpriseID else {
                    // At an enterprise the cadre may see: say so. Outside it the cadre may not
                    // learn that the number is registered at all (the answer was an oracle for
                    // every ID number in the city): the response is kept without a registry
                    // link and the audit log tells the office, which reconciles the registry.
                    if old.visible == 1 {
                        refused.append(AppError.field("worker_responses[\(i)].new_worker.id_number", "visit.reason.worker_elsewhere"))
                    } else {
                        audits.append(AuditLog.row(by: principal, action: "worker.met_elsewhere", subjectType: "worker",
                                                   subjectID: old.id.uuidString,
                                                   after: ["id_number": residents[n].masked, "visit": visitID.uuidString]))
                    }
                    continue
                }
                s.workerResponses[i].workerID = old.id
                continue
            }
            let id = ids.next(now: now)
            let phone = (w.phone ?? "").trimmed.isEmpty ? "" : Phone.normalise(w.phone!)!
            rows.append(try WorkerService.newRow(id: id, name: w.name.trimmed, resident: residents[n], phone: phone, enterpriseID: enterpriseID,
                                                 job: (w.job ?? "").trimmed, migrant: false, household: "", hardship: .none, cipher: cipher, now: now))
            audits.append(AuditLog.row(by: principal, action: "worker.create", subjectType: "worker", subjectID: id.uuidString,
                                       after: ["name": w.name.trimmed, "id_number": residents[n].masked,
                                               "phone": phone.isEmpty ? "" : Phone.mask(phone), "visit": visitID.uuidString]))
            s.workerResponses[i].workerID = id
        }
        guard refused.isEmpty else { throw AppError.invalid(refused) }
        return (rows, audits)
    }

    static let eventColumns = ["id", "visit_id", "at", "actor_user_id", "actor_name", "action", "comment"]
    /// Responses, their answers one row per value, and the problems found, as rows to insert.
    func contentRows(of s: VisitSubmission, visitID: UUID, enterpriseID: UUID, unitID: UUID,
                     enterpriseAnswers: [String: Answer], workerAnswers: [[String: Answer]],
                     versions: [String: CachedQuestionnaire], rules: ProblemRules?, now: Date)
        throws -> (responses: [ResponseRow], answers: [AnswerRow], problems: [NewProblemRow], stored: [AnswerTally.Stored]) {
        var responses: [ResponseRow] = []
        var answers: [AnswerRow] = []
        var stored: [AnswerTally.Stored] = []
        var ids = TimeOrderedID()
        let all = [(s.enterpriseResponse, enterpriseAnswers)] + zip(s.workerResponses, workerAnswers).map { ($0, $1) }
        for (position, (response, kept)) in all.enumerated() {
            let id = ids.next(now: now)
            let version = versions["\(response.questionnaire) \(response.version)"]!
            responses.append(ResponseRow(id: id, visit: visitID, questionnaire: version.id, questionnaireKey: response.questionnaire,
                                         version: response.version, worker: response.workerID, position: position, answers: AnswerJSON.encode(kept)))
            for (question, answer) in kept.sorted(by: { $0.key < $1.key }) {
                for (number, text) in Self.values(answer) {
                    answers.append(AnswerRow(response: id, visit: visitID, questionnaireKey: response.questionnaire, questionKey: question,
                                             number: number, text: text))
                    stored.append(AnswerTally.Stored(response: id, questionnaire: response.questionnaire, question: question, number: number, text: text))
                }
            }
        }
        // The deadline is fixed when the problem comes in, on the calendar and settings of that day.
        let reportedOn = ProblemRules.today(now)
        let problems = s.problems.map { p in
            NewProblemRow(id: ids.next(now: now), visit: visitID, enterprise: enterpriseID, worker: p.workerID, unit: unitID,
                          reporter: principal.userID!, category: p.category.rawValue, description: p.description.trimmed,
                          severity: p.severity.rawValue, now: now, reportedOn: reportedOn.description,
                          deadline: rules.map { $0.deadline(p.category, from: reportedOn).description })
        }
        return (responses, answers, problems, stored)
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
