import Fluent
import Foundation
import SanbaoDomain
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
        let responses = try await store.responses(of: id).map {
            VisitDTO.ResponseDTO(questionnaire: $0.questionnaire_key, version: $0.version, worker_id: $0.worker_id,
                                 answers: (try? JSONDecoder().decode([String: Answer].self, from: Data($0.answers.utf8))) ?? [:])
        }
        let problems = try await store.problems(of: id)
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
    func list(_ page: PageRequest, status: String?) async throws -> Page<VisitRow> { try await store.list(page, status: status) }
}
