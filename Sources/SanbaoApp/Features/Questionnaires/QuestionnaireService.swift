import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Questionnaire versions: everyone reads them (a cadre's form is drawn from one); only the
/// campaign office publishes, because a version is shared by every unit.
struct QuestionnaireService {
    let app: Application
    let db: any Database
    let principal: Principal

    /// The latest version of each questionnaire.
    func current() async throws -> [QuestionnaireVersion] {
        let all = try await QuestionnaireVersion.query(on: db).sort(\.$key).sort(\.$version, .descending).all()
        var seen: Set<String> = []
        return all.filter { seen.insert($0.key).inserted }
    }

    func version(key: String, version: Int? = nil) async throws -> QuestionnaireVersion {
        var query = QuestionnaireVersion.query(on: db).filter(\.$key == key)
        if let version { query = query.filter(\.$version == version) }
        guard let found = try await query.sort(\.$version, .descending).first() else { throw AppError(.notFound, "error.not_found") }
        return found
    }

    enum Published: Equatable {
        case unchanged(version: Int)
        case published(version: Int)
    }

    /// Publishes `q` as the next version of its key, unless it asks exactly what the latest
    /// version asks. Whatever version number the file carries, the next free one is used.
    func publish(_ q: Questionnaire) async throws -> Published {
        try principal.require(.manageAssignment)
        let problems = q.structuralProblems
        guard problems.isEmpty else {
            throw AppError.invalid(problems.map { AppError.field("definition", "questionnaire.problem", [$0]) })
        }
        let latest = try? await version(key: q.key)
        if let latest, var stored = try? latest.questionnaire() {
            stored.version = q.version
            if stored == q { return .unchanged(version: latest.version) }
            guard stored.subject == q.subject else {
                throw AppError.invalid([AppError.field("subject", "questionnaire.subject_changed", [latest.subject])])
            }
        }
        var numbered = q
        numbered.version = (latest?.version ?? 0) + 1
        let next = numbered
        let row = try QuestionnaireVersion(next, by: principal.username)
        try await app.serializedTransaction(on: db) { db in
            try await row.create(on: db)
            try await AuditLog.record(db, by: principal, action: "questionnaire.publish", subjectType: "questionnaire",
                                      subjectID: "\(next.key) v\(next.version)",
                                      after: ["questions": "\(next.questions.count)", "title": next.title.zh])
        }
        return .published(version: next.version)
    }
}
