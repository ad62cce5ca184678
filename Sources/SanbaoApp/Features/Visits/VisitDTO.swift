import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// What a submission gets back: that the visit is stored, under which id and revision, and the
/// ids given to what it made (the registry worker of each worker questionnaire, if any, and
/// each problem). Not the visit again: the phone has just sent it, and on a poor network a
/// short answer is likelier to arrive. The whole visit is at `url`.
struct VisitReceipt: Content {
    var id: UUID
    var client_id, status: String
    var revision: Int
    var url: String
    var worker_ids: [UUID?]
    var problem_ids: [UUID]
}

/// A visit as the API and the pages show it, with what was answered, what was found and its
/// review timeline. Times are ISO 8601.
struct VisitDTO: Content {
    struct ResponseDTO: Content {
        var questionnaire: String
        var version: Int
        var worker_id: UUID?
        var answers: [String: Answer]
    }

    struct ProblemDTO: Content {
        var id: UUID
        var category, description, severity, status: String
        var worker_id: UUID?
    }

    struct EventDTO: Content {
        var at, actor, action, comment: String
    }

    var id: UUID
    var client_id, status: String
    var revision: Int
    var enterprise_code, enterprise_name, cadre, unit_code: String
    var task_id: UUID?
    var ad_hoc_reason, started_at, finished_at: String
    var lat, lon, accuracy_m: Double?
    var people_met, review_comment: String
    var responses: [ResponseDTO]
    var problems: [ProblemDTO]
    var photos: [VisitService.PhotoDTO]
    var timeline: [EventDTO]

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}

/// One line of a visit list.
struct VisitRow: Content {
    var id: UUID
    var status: String
    var revision: Int
    var enterprise_code, enterprise_name, cadre, unit_code: String
    var finished_at: Date
    var problems: Int
    var total: Int?
}

extension VisitService {
    func dto(_ visit: Visit) async throws -> VisitDTO {
        let id = visit.id!
        let enterprise = try await Enterprise.find(visit.$enterprise.id, on: db)!
        let cadre = try await User.find(visit.$cadre.id, on: db)!
        let unit = try await OrgUnit.find(visit.$unit.id, on: db)!
        struct R: Decodable { var questionnaire_key: String; var version: Int; var worker_id: UUID?; var answers: String }
        let responses = try await sql.raw("""
            SELECT questionnaire_key, version, worker_id, answers FROM responses WHERE visit_id = \(bind: id) ORDER BY position
            """).all(decoding: R.self).map {
            VisitDTO.ResponseDTO(questionnaire: $0.questionnaire_key, version: $0.version, worker_id: $0.worker_id,
                                 answers: (try? JSONDecoder().decode([String: Answer].self, from: Data($0.answers.utf8))) ?? [:])
        }
        struct P: Decodable { var id: UUID; var category: String; var description: String; var severity: String; var status: String; var worker_id: UUID? }
        let problems = try await sql.raw("""
            SELECT id, category, description, severity, status, worker_id FROM problems WHERE visit_id = \(bind: id) ORDER BY created_at, id
            """).all(decoding: P.self).map {
            VisitDTO.ProblemDTO(id: $0.id, category: $0.category, description: $0.description, severity: $0.severity,
                                status: $0.status, worker_id: $0.worker_id)
        }
        let events = try await VisitEvent.query(on: db).filter(\.$visit.$id == id).sort(\.$at).all().map {
            VisitDTO.EventDTO(at: VisitDTO.iso($0.at), actor: $0.actorName, action: $0.action, comment: $0.comment)
        }
        return VisitDTO(id: id, client_id: visit.clientID, status: visit.status, revision: visit.revision,
                        enterprise_code: enterprise.creditCode, enterprise_name: enterprise.name, cadre: cadre.displayName,
                        unit_code: unit.code, task_id: visit.taskID, ad_hoc_reason: visit.adHocReason,
                        started_at: VisitDTO.iso(visit.startedAt), finished_at: VisitDTO.iso(visit.finishedAt),
                        lat: visit.lat, lon: visit.lon, accuracy_m: visit.accuracyM, people_met: visit.peopleMet,
                        review_comment: visit.reviewComment, responses: responses, problems: problems,
                        photos: try await photos(of: id), timeline: events)
    }

    /// The visits the principal may see (their own, and their subtree's), newest first.
    func list(_ page: PageRequest, status: String?) async throws -> Page<VisitRow> {
        var conditions: [any SQLExpression] = [
            SQLQueryString("(v.cadre_user_id = \(bind: principal.userID ?? UUID()) OR \(scope.sqlCondition(unitAlias: "o")))"),
        ]
        if let status, !status.isEmpty { conditions.append(SQLQueryString("v.status = \(bind: status)")) }
        let rows = try await sql.raw("""
            SELECT v.id, v.status, v.revision, e.credit_code AS enterprise_code, e.name AS enterprise_name, u.display_name AS cadre,
                   o.code AS unit_code, v.finished_at,
                   (SELECT COUNT(*) FROM problems p WHERE p.visit_id = v.id) AS problems, COUNT(*) OVER () AS total
            FROM visits v JOIN enterprises e ON e.id = v.enterprise_id JOIN users u ON u.id = v.cadre_user_id
            JOIN org_units o ON o.id = v.unit_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY v.finished_at DESC, v.id LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: VisitRow.self)
        return Page(items: rows.map { var r = $0; r.total = nil; return r }, page: page.page, per: page.per, total: rows.first?.total ?? 0)
    }
}
