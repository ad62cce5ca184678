import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The cadre's phone pages and the review pages. The form posts the same JSON the API takes,
/// from `visit.js`, which keeps the draft in the browser until the server has it.
struct VisitPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.visits, use: index)
        routes.get(Site.newVisit, use: new)
        routes.on(.POST, Site.visits, upTo: "2mb", use: submit)
        routes.get(Site.visit(":id"), use: show)
        routes.get(Site.visitAction(":id", "edit"), use: edit)
        routes.on(.PUT, Site.visit(":id"), upTo: "2mb", use: resubmit)
        routes.post(Site.visitAction(":id", "accept"), use: accept)
        routes.post(Site.visitAction(":id", "return"), use: giveBack)
        routes.on(.POST, Site.visitAction(":id", "photos"), upTo: "9mb", use: addPhoto)
        routes.get(Site.photo(":sha"), use: photo)
    }

    func addPhoto(req: Request) async throws -> Response {
        struct Form: Content { var photo: File? }
        let s = try service(req)
        try s.principal.require(.recordVisits)
        let id = try id(req)
        _ = try await s.visit(id)
        guard let file = try req.content.decode(Form.self).photo, file.data.readableBytes > 0 else {
            throw AppError.invalid([AppError.field("photo", "visit.reason.required")])
        }
        let photo = try await s.addPhoto(to: id, data: Array(file.data.readableBytesView))
        // The visit form sends the photos kept in its draft with fetch and wants the answer.
        if req.headers.accept.mediaTypes.contains(.json) { return try await photo.encodeResponse(for: req) }
        return req.redirect(to: Site.visit(id.uuidString).flash("photo_added"))
    }

    /// A photo's stored bytes (without the camera's metadata), to whoever may see its visit.
    func photo(req: Request) async throws -> Response {
        let (type, data) = try await service(req).photo(req.parameters.get("sha") ?? "")
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400, immutable")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    private func service(_ req: Request) throws -> VisitService {
        VisitService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    private func id(_ req: Request) throws -> UUID { try req.visitID() }

    struct ListPage: PageModel {

        static let template = "visits/index"
        var shell: Shell
        var visits: [Row]
        var status: String
        var total: Int
    }

    func index(req: Request) async throws -> Response {
        let status: String = req.query["status"] ?? ""
        let page = try await service(req).list(try PageRequest(req), status: status)
        let rows = page.items.map {
            Row(id: $0.id.uuidString, enterprise_name: $0.enterprise_name, cadre: $0.cadre,
                finished: $0.finished_at.formatted(.iso8601.year().month().day().dateSeparator(.dash)), problems: $0.problems, status: $0.status)
        }
        return try await req.render(ListPage(shell: Shell(req, title: req.t("visits.title")), visits: rows,
                                                                   status: status, total: page.total))
    }

    struct Row: Codable {
        var id, enterprise_name, cadre, finished: String
        var problems: Int
        var status: String
    }

    struct FormPage: PageModel {

        static let template = "visits/form"
        var shell: Shell
        var enterpriseName, enterpriseCode, address, taskID: String
        var adHoc: Bool
        /// The draft's key in the browser: one draft per task, per ad-hoc enterprise, per correction.
        var draftKey, visitID: String
        var revision: Int
        var peopleMet, adHocReason, enterpriseForm, workerForm: String
        var workerForms: [String]
        var problems: [VisitDTO.ProblemDTO]
        var categories, severities: [Choice]
    }

    /// `?task=ID` (the cadre's own task) or `?enterprise=CODE` (ad hoc, in the cadre's subtree).
    func new(req: Request) async throws -> Response {
        let s = try service(req)
        try s.principal.require(.recordVisits)
        let enterprise: VisitStore.FormEnterprise
        var taskID = ""
        if let task = req.query[UUID.self, at: "task"] {
            enterprise = try await s.enterprise(ofTask: task)
            taskID = task.uuidString
        } else {
            enterprise = try await s.enterprise(code: req.query["enterprise"] ?? "")
        }
        return try await form(req, s, enterprise: (enterprise.credit_code, enterprise.name, enterprise.address), taskID: taskID,
                              draftKey: taskID.isEmpty ? "adhoc-" + enterprise.credit_code : "task-" + taskID, visit: nil)
    }

    /// The form again, filled with a returned visit, for its cadre to correct.
    func edit(req: Request) async throws -> Response {
        let s = try service(req)
        let dto = try await s.dto(try await s.visit(try id(req)))
        return try await form(req, s, enterprise: (dto.enterprise_code, dto.enterprise_name, ""), taskID: dto.task_id?.uuidString ?? "",
                              draftKey: "visit-\(dto.id.uuidString)-\(dto.revision)", visit: dto)
    }

    private func form(_ req: Request, _ s: VisitService, enterprise: (code: String, name: String, address: String), taskID: String,
                      draftKey: String, visit: VisitDTO?) async throws -> Response {
        let latest = try await QuestionnaireService(app: req.application, db: req.db, principal: s.principal).current()
        let english = req.locale == .en
        func questionnaire(_ key: String, version: Int?) async throws -> Questionnaire {
            if let version, let v = try? await QuestionnaireService(app: req.application, db: req.db, principal: s.principal).version(key: key, version: version) {
                return try v.questionnaire()
            }
            guard let v = latest.first(where: { $0.key == key }) else { throw AppError(.notFound, "error.not_found") }
            return try v.questionnaire()
        }
        let enterpriseResponse = visit?.responses.first
        let enterpriseQ = try await questionnaire("enterprise", version: enterpriseResponse?.version)
        let workerQ = try await questionnaire("worker", version: nil)
        let registry = try await s.registryWorkers(ofEnterprise: enterprise.code)
        func picker(_ prefix: String, _ selected: UUID?) -> String {
            QuestionnaireForm.workerPicker(prefix: prefix, workers: registry, selected: selected) { req.t($0) }
        }
        var workerForms: [String] = []
        for (i, r) in (visit?.responses.dropFirst() ?? []).enumerated() {
            let q = try await questionnaire(r.questionnaire, version: r.version)
            workerForms.append(QuestionnaireForm.html(q, prefix: "w\(i)", english: english, answers: r.answers, lead: picker("w\(i)", r.worker_id)))
        }
        let page = FormPage(
            shell: Shell(req, title: req.t("visits.record")), enterpriseName: enterprise.name, enterpriseCode: enterprise.code,
            address: enterprise.address, taskID: taskID, adHoc: taskID.isEmpty, draftKey: draftKey,
            visitID: visit?.id.uuidString ?? "", revision: visit?.revision ?? 0, peopleMet: visit?.people_met ?? "",
            adHocReason: visit?.ad_hoc_reason ?? "",
            enterpriseForm: QuestionnaireForm.html(enterpriseQ, prefix: "e", english: english, answers: enterpriseResponse?.answers ?? [:]),
            workerForm: QuestionnaireForm.html(workerQ, prefix: "w__", english: english, lead: picker("w__", nil)), workerForms: workerForms,
            problems: visit?.problems ?? [],
            categories: ProblemCategory.allCases.map { Choice(value: $0.rawValue, label: req.t("problem.category." + $0.rawValue)) },
            severities: ProblemSeverity.allCases.map { Choice(value: $0.rawValue, label: req.t("problem.severity." + $0.rawValue)) })
        return try await req.render(page)
    }

    func submit(req: Request) async throws -> Response {
        let s = try service(req)
        try s.principal.require(.recordVisits)
        guard let key = req.headers.first(name: "Idempotency-Key") else {
            throw AppError.invalid([AppError.field("Idempotency-Key", "visit.reason.required")])
        }
        req.keepsReadCaches = true
        let (receipt, created) = try await s.submit(body: req.bodyBytes, idempotencyKey: key)
        let response = try await receipt.encodeResponse(status: created ? .created : .ok, for: req)
        response.headers.replaceOrAdd(name: .location, value: receipt.url)
        return response
    }

    func resubmit(req: Request) async throws -> VisitDTO {
        let s = try service(req)
        try s.principal.require(.recordVisits)
        let id = try id(req)
        _ = try await s.visit(id)
        return try await s.dto(try await s.resubmit(id, body: req.bodyBytes, revision: try req.ifMatchRevision()))
    }

    struct ShowPage: PageModel {

        static let template = "visits/show"
        var shell: Shell
        var visit: VisitDTO
        /// When, in the campaign's time zone: "2026-11-20 09:00–10:30".
        var when: String
        var timeline: [VisitDTO.EventDTO]
        var sections: [AnswerSection]
        var mayReview, mayCorrect, mayAddPhotos: Bool
        var statusLabel: String
        /// Where the phone was, and how far from the enterprise's registered place: a reviewer's
        /// first check against a visit made from the office (走过场).
        var whereabouts: String
        var farFromEnterprise: Bool
    }

    struct AnswerSection: Codable {
        var title: String
        var rows: [AnswerRow]
    }

    struct AnswerRow: Codable {
        var question, answer: String
    }

    func show(req: Request) async throws -> Response {
        let s = try service(req)
        let visit = try await s.visit(try id(req))
        let dto = try await s.dto(visit)
        let english = req.locale == .en
        var sections: [AnswerSection] = []
        let workerNames = try await s.workerNames(dto.responses.compactMap(\.worker_id))
        for (i, r) in dto.responses.enumerated() {
            guard let q = try? await QuestionnaireService(app: req.application, db: req.db, principal: s.principal).version(key: r.questionnaire, version: r.version)
                .questionnaire() else { continue }
            let rows = q.questions.compactMap { question -> AnswerRow? in
                guard let a = r.answers[question.key] else { return nil }
                let labels = QuestionnaireForm.values(a).map { v in
                    question.options.first { $0.key == v }.map { QuestionnaireForm.text($0.title, english) }
                        ?? (v == "yes" ? req.t("answer.yes") : v == "no" ? req.t("answer.no") : v + (question.unit.map { " " + $0 } ?? ""))
                }
                return AnswerRow(question: QuestionnaireForm.text(question.title, english), answer: labels.joined(separator: "、"))
            }
            let who = r.worker_id.flatMap { workerNames[$0] }.map { " · " + $0 } ?? ""
            let title = QuestionnaireForm.text(q.title, english) + (i > 0 ? " \(i)" : "") + who + " · v\(r.version)"
            sections.append(AnswerSection(title: title, rows: rows))
        }
        var whereabouts = req.t("visits.not_located")
        var far = false
        if let lat = dto.lat, let lon = dto.lon {
            whereabouts = req.t("visits.located", String(format: "%.5f", lat), String(format: "%.5f", lon),
                                dto.accuracy_m.map { String(format: "%.0f", $0) } ?? "?")
            let e = try await Enterprise.find(visit.$enterprise.id, on: req.db)
            if let w = VisitWhereabouts(lat: lat, lon: lon, accuracyM: dto.accuracy_m, enterpriseLat: e?.lat, enterpriseLon: e?.lon) {
                whereabouts += req.t("visits.from_enterprise", String(format: "%.1f", Double(w.metres) / 1000))
                far = w.isFar
            }
        }
        let p = s.principal
        let mayReview = p.can(.reviewVisits) && visit.$cadre.id != p.userID && s.scope.contains(visit.unit) && dto.status == "submitted"
        let mayCorrect = visit.$cadre.id == p.userID && dto.status == "returned"
        let mayAddPhotos = visit.$cadre.id == p.userID
        let started = Self.local(dto.started_at), finished = Self.local(dto.finished_at)
        let when = started.prefix(10) == finished.prefix(10) ? started + "–" + finished.dropFirst(11) : started + " – " + finished
        let timeline = dto.timeline.map { var e = $0; e.at = Self.local(e.at); return e }
        return try await req.render(ShowPage(shell: Shell(req, title: dto.enterprise_name), visit: dto, when: when,
                                                                  timeline: timeline, sections: sections,
                                                                  mayReview: mayReview, mayCorrect: mayCorrect, mayAddPhotos: mayAddPhotos,
                                                                  statusLabel: req.t("visits.status." + dto.status),
                                                                  whereabouts: whereabouts, farFromEnterprise: far))
    }

    /// An ISO 8601 time as the campaign reads it, in China's time zone.
    static func local(_ iso: String) -> String {
        guard let date = try? Date(iso, strategy: .iso8601) else { return iso }
        return ShanghaiTime.minute(date)
    }

    struct ReviewForm: Content {
        var revision: Int
        var comment: String?
    }

    func accept(req: Request) async throws -> Response {
        let form = try req.content.decode(ReviewForm.self)
        let visit = try await service(req).review(try id(req), accept: true, comment: form.comment ?? "", revision: form.revision)
        return req.redirect(to: Site.visit(visit.id!.uuidString).flash("visit_accepted"))
    }

    func giveBack(req: Request) async throws -> Response {
        let form = try req.content.decode(ReviewForm.self)
        let visit = try await service(req).review(try id(req), accept: false, comment: form.comment ?? "", revision: form.revision)
        return req.redirect(to: Site.visit(visit.id!.uuidString).flash("visit_returned"))
    }
}
