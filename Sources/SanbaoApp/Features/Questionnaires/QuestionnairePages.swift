import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// The questionnaires: everyone may read them and see each version as a cadre's phone shows
/// it; the campaign office edits one as JSON and publishes it as the next version. Earlier
/// versions, and the answers given to them, never change.
struct QuestionnairePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.questionnaires, use: index)
        routes.get(Site.questionnaire(":key"), use: show)
        routes.get(Site.questionnaireAction(":key", "export"), use: export)
        routes.post(Site.questionnaire(":key"), use: publish)
        routes.post(Site.questionnaireAction(":key", "preview"), use: preview)
    }

    struct Row: Codable {
        var key, title: String
        var version, questions: Int
    }

    struct ListPage: PageModel {

        static let template = "questionnaires/index"
        var shell: Shell
        var questionnaires: [Row]
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let english = req.locale == .en
        let rows = try await QuestionnaireService(app: req.application, db: req.db, principal: principal).current().map { v in
            let q = try v.questionnaire()
            return Row(key: v.key, title: QuestionnaireForm.text(q.title, english), version: v.version, questions: q.questions.count)
        }
        return try await req.render(ListPage(shell: Shell(req, title: req.t("questionnaires.title")), questionnaires: rows))
    }

    struct ShowPage: PageModel {

        static let template = "questionnaires/show"
        var shell: Shell
        var key, title: String
        var version, latest: Int
        var next: String
        var versions: [Int]
        var preview, definition: String
        var mayPublish: Bool
        var problems: [String]
        var english: Bool
        var kinds: [Choice]
    }

    func show(req: Request) async throws -> Response {
        try await page(req, definition: nil, problems: [])
    }

    private func page(_ req: Request, definition: String?, problems: [String]) async throws -> Response {
        let principal = try req.requirePrincipal()
        let service = QuestionnaireService(app: req.application, db: req.db, principal: principal)
        let key = req.parameters.get("key")!
        let latest = try await service.version(key: key)
        let shown = try await service.version(key: key, version: req.query[Int.self, at: "version"] ?? latest.version)
        let q = try shown.questionnaire()
        let english = req.locale == .en
        let versions = try await QuestionnaireVersion.query(on: req.db).filter(\.$key == key).sort(\.$version).all().map(\.version)
        let text = try definition ?? String(decoding: QuestionnaireJSON.encode(latest.questionnaire()), as: UTF8.self)
        let page = ShowPage(shell: Shell(req, title: QuestionnaireForm.text(q.title, english)), key: key,
                            title: QuestionnaireForm.text(q.title, english), version: shown.version, latest: latest.version,
                            next: "v\(latest.version + 1)", versions: versions, preview: QuestionnaireForm.html(q, prefix: "preview", english: english),
                            definition: text,
                            mayPublish: principal.can(.manageAssignment), problems: problems, english: english,
                            kinds: Questionnaire.Kind.allCases.map { Choice(value: $0.rawValue, label: req.t("questionnaires.kind." + $0.rawValue)) })
        return try await req.render(page)
    }

    /// The phone form for a definition being edited, before it is published: the editor's
    /// preview, drawn by the same code as the visit form. A broken definition answers 422 with
    /// its problems, one per line.
    func preview(req: Request) async throws -> Response {
        struct Form: Content { var definition: String }
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let text = try req.content.decode(Form.self).definition
        let problems: [String]
        do {
            let q = try QuestionnaireJSON.decode(Data(text.utf8))
            problems = q.structuralProblems
            if problems.isEmpty {
                let response = Response(status: .ok, body: .init(string: QuestionnaireForm.html(q, prefix: "preview", english: req.locale == .en)))
                response.headers.contentType = .html
                return response
            }
        } catch {
            problems = [QuestionnaireJSON.describe(error)]
        }
        let response = Response(status: .unprocessableEntity, body: .init(string: problems.joined(separator: "\n")))
        response.headers.contentType = .plainText
        return response
    }

    func export(req: Request) async throws -> Response {
        let service = QuestionnaireService(app: req.application, db: req.db, principal: try req.requirePrincipal())
        let v = try await service.version(key: req.parameters.get("key")!, version: req.query[Int.self, at: "version"])
        return Download.bytes(try QuestionnaireJSON.encode(try v.questionnaire()), contentType: "application/json; charset=utf-8",
                              named: "\(v.key)-v\(v.version).json")
    }

    /// The edited JSON (pasted, or a file) published as the next version.
    func publish(req: Request) async throws -> Response {
        struct Form: Content {
            var definition: String?
            var file: File?
        }
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let form = try req.content.decode(Form.self)
        let text = form.file.flatMap { $0.data.readableBytes > 0 ? String(buffer: $0.data) : nil } ?? form.definition ?? ""
        let key = req.parameters.get("key")!
        let q: Questionnaire
        do { q = try QuestionnaireJSON.decode(Data(text.utf8)) } catch {
            return try await page(req, definition: text, problems: [QuestionnaireJSON.describe(error)])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard q.key == key else {
            return try await page(req, definition: text, problems: [req.t("questionnaires.wrong_key", q.key, key)])
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            switch try await QuestionnaireService(app: req.application, db: req.db, principal: principal).publish(q) {
            case .unchanged: return req.redirect(to: Site.questionnaire(key).flash("questionnaire_unchanged"))
            case .published(let v): return req.redirect(to: Site.questionnaire(key).with(["version": "\(v)", "flash": "questionnaire_published"]))
            }
        } catch let e as AppError where e.status == .unprocessableEntity {
            let problems = e.fields.map { req.application.localizer.text($0.key, req.locale, $0.params) }
            return try await page(req, definition: text, problems: problems).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}
