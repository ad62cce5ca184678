import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The ledger's pages: a unit's lists (to work on, to hand out, to call back, late) and a
/// problem with its timeline and the steps the signed-in user may take now.
struct ProblemPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.problems, use: index)
        routes.get(Site.problemsOverview, use: overview)
        routes.get(Site.newProblem, use: new)
        routes.post(Site.problems, use: report)
        routes.get(Site.problem(":id"), use: show)
        routes.on(.POST, Site.problemAction(":id", "evidence"), upTo: "9mb", use: addEvidence)
        routes.post(Site.problemAction(":id", ":step"), use: step)
    }

    private func service(_ req: Request) throws -> ProblemService {
        ProblemService(app: req.application, db: req.db, principal: try req.requirePrincipal())
    }

    struct ListRow: Codable {
        var id, category, enterprise, description, status, responsible, deadline: String
        var overdue, rework: Int
        var paused: Bool

        init(_ row: ProblemService.Row, rules: ProblemRules, today: Day) {
            id = row.id.uuidString
            category = row.category
            enterprise = row.enterprise_name
            description = String(row.description.prefix(60))
            status = row.status
            responsible = row.responsible_unit_name ?? ""
            deadline = row.deadline ?? ""
            overdue = ProblemService.overdueDays(row, rules: rules, today: today)
            rework = row.rework_count
            paused = row.paused_since != nil
        }
    }

    /// Lists count this far, then say "10000+".
    static let countUpTo = 10_000

    struct ListPage: PageModel {

        static let template = "problems/index"
        var shell: Shell
        var view: String
        var views: [String]
        var rows: [ListRow]
        var total: String
        /// What the scan left for the signed-in user's own unit this past week.
        var notices: [ProblemStore.Notice]
        var figures: [FigureRow]
        /// The unit the list is narrowed to, if any.
        var within: String?
    }

    /// One line of the figures table: the user's unit first, then each unit under it.
    struct FigureRow: Codable {
        var unit: String
        var own: Bool
        var received, resolved: Int
        var onTime: String
        var overdue: Int
        var averageDays, rework, satisfaction: String

        init(unit: String, own: Bool, _ f: ProblemFigures) {
            func percent(_ r: Double?) -> String { r.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
            self.unit = unit
            self.own = own
            received = f.received
            resolved = f.resolved
            onTime = percent(f.onTimeRate)
            overdue = f.overdueNow
            averageDays = f.averageWorkingDays.map { String(format: "%.1f", $0) } ?? "—"
            rework = percent(f.reworkRate)
            satisfaction = percent(f.satisfactionRate)
        }
    }

    func index(req: Request) async throws -> Response {
        let s = try service(req)
        // A cadre starts from what they reported; a unit from what it must work on.
        let start: ProblemStore.View = s.principal.can(.handleProblems) || s.principal.can(.dispatchProblems) ? .toHandle : .mine
        let view = ProblemStore.View(rawValue: req.query["view"] ?? "") ?? start
        // `?unit=CODE`: one unit's subtree within the user's (a dashboard figure drilled into).
        var within: OrgUnit?
        if let code = req.query[String.self, at: "unit"], !code.isEmpty { within = try await s.scope.unit(code: code, on: req.db) }
        let page = try await s.store.list(try PageRequest(req), status: nil, view: view, countUpTo: Self.countUpTo, within: within?.path)
        let rules = try await ProblemRules.current(req.application, req.db)
        let today = ProblemRules.today()
        let rows = page.items.map { ListRow($0, rules: rules, today: today) }
        let notices = try await s.store.notices(today: today)
        // The figures: the user's unit (or the one the list is narrowed to) over its whole
        // subtree, then each unit directly under it.
        let figures = try await s.figureTable(code: within?.code, rules: rules, today: today).enumerated().map {
            FigureRow(unit: $0.element.name, own: $0.offset == 0, $0.element.figures)
        }
        return try await req.render(ListPage(shell: Shell(req, title: req.t("problems.title")), view: view.rawValue,
                                                                    views: ProblemStore.View.allCases.map(\.rawValue), rows: rows,
                                                                    total: page.total > Self.countUpTo ? "\(Self.countUpTo)+" : "\(page.total)",
                                                                    notices: notices, figures: figures,
                                                                    within: within.map { "\($0.name)（\($0.code)）" }))
    }

    struct NewPage: PageModel {

        static let template = "problems/new"
        var shell: Shell
        var enterprise: String
        var categories: [Choice]
    }

    /// A problem entered by the unit itself (`?enterprise=CODE` fills the enterprise).
    func new(req: Request) async throws -> Response {
        _ = try req.requirePrincipal()
        return try await req.render(NewPage(
            shell: Shell(req, title: req.t("problems.new")), enterprise: req.query[String.self, at: "enterprise"] ?? "",
            categories: ProblemCategory.allCases.map { Choice(value: $0.rawValue, label: req.t("problem.category." + $0.rawValue)) }))
    }

    func report(req: Request) async throws -> Response {
        try await FormOnce.run(req) {
            let id = try await service(req).report(try req.content.decode(ProblemAPI.ReportBody.self).report)
            return Site.problem(id.uuidString).flash("problem_reported")
        }
    }

    struct OverviewPage: PageModel {

        static let template = "problems/overview"
        var shell: Shell
        var place, week, previousWeek: String
        var nextWeek: String?
        var hotspots: [ProblemStore.HotspotRow]
        var proposals: [ProblemStore.MergeProposal]
        var mayIssue: Bool
    }

    /// The office's view across the subtree: this week's rising hotspots (by area or industry)
    /// with a special inspection a click away, and the proposed merges.
    func overview(req: Request) async throws -> Response {
        let s = try service(req)
        let place = ProblemStore.HotspotPlace(rawValue: req.query["place"] ?? "") ?? .district
        let thisWeek = Hotspots.weekStart(of: ProblemRules.today())
        let week = Hotspots.weekStart(of: req.query[String.self, at: "week"].flatMap(Day.init) ?? thisWeek)
        let rules = try await ProblemRules.current(req.application, req.db)
        let hotspots = try await s.store.hotspots(by: place, week: week)
        let proposals = try await s.store.mergeProposals(windowDays: rules.thresholds.mergeWindowDays)
        return try await req.render(OverviewPage(
            shell: Shell(req, title: req.t("problems.hotspots")), place: place.rawValue, week: week.description,
            previousWeek: week.adding(-7).description, nextWeek: week < thisWeek ? week.adding(7).description : nil,
            hotspots: hotspots, proposals: proposals,
            mayIssue: s.principal.can(.superviseProblems)))
    }

    struct ShowPage: PageModel {

        static let template = "problems/show"
        var shell: Shell
        var problem: ProblemService.Row
        var overdue: Int
        var timeline: [Event]
        var reporterSide, responsibleSide: Bool
        var units: [Choice]
        var canDispatch, canAccept, canWork, canCallBack, canRequestExtension, canDecideExtension: Bool
        /// A referral went out; its answer can be recorded (and a stopped clock restarted).
        var canAnswerReferral, canSupervise: Bool
        var orders: [SupervisionService.Order]
        var mergeCandidates, mergedIn: [ProblemService.Row]
        var canMerge: Bool
        var evidence: [ProblemService.EvidenceDTO]
        var canAddEvidence: Bool
    }

    /// A timeline entry as the page shows it, its time in the campaign's zone.
    struct Event: Codable {
        var at, actor, step, unit, department, replyBy, satisfaction, note: String
    }

    func show(req: Request) async throws -> Response {
        let s = try service(req)
        let dto = try await s.detail(try req.problemID())
        let p = s.principal
        let row = dto.problem
        let side = s.side(of: row)
        let (reporterSide, responsibleSide) = (side.reporting, side.responsible)
        let status = ProblemStatus(rawValue: row.status) ?? .reported
        // The buttons are the steps the service would take: one rule for both (`ProblemMove`).
        let moves = ProblemMove.open(to: side, in: ProblemState(status: status, extensionState: row.extension_state,
                                                                 referred: dto.timeline.contains { $0.step == "refer" }))
        let canDispatch = moves.contains(.dispatch)
        let units = canDispatch ? try await OrgUnitService(app: req.application, db: req.db, principal: p).choices() : []
        let rules = try await ProblemRules.current(req.application, req.db)
        let open = status.isOpen
        let canMerge = moves.contains(.merge)
        // Supervision comes from above the responsible unit (or the reporting one, before dispatch).
        let actingPath = row.responsible_unit_path ?? row.reporter_unit_path
        let canSupervise = (open || status == .resolved) && p.can(.superviseProblems) && row.responsible_unit_path != nil
            && p.scope.contains(path: actingPath) && (p.scope.isEverything || actingPath != p.unitPath)
        let orders = try await SupervisionService(app: req.application, db: req.db, principal: p).orders(covering: row.id)
        let mergeCandidates = canMerge ? try await s.store.mergeCandidates(for: row, windowDays: rules.thresholds.mergeWindowDays) : []
        let mergedIn = try await s.store.mergedIn(row.id)
        let page = ShowPage(shell: Shell(req, title: req.t("problem.category." + row.category)), problem: row, overdue: dto.overdue_days,
                            timeline: dto.timeline.map {
                                Event(at: VisitPages.local($0.at.formatted(.iso8601)), actor: $0.actor_name, step: $0.step,
                                      unit: $0.unit_name ?? "", department: $0.department ?? "", replyBy: $0.reply_by ?? "",
                                      satisfaction: $0.satisfaction ?? "", note: $0.note)
                            }, reporterSide: reporterSide, responsibleSide: responsibleSide, units: units,
                            canDispatch: canDispatch, canAccept: moves.contains(.accept),
                            canWork: moves.contains(.resolve),
                            canCallBack: moves.contains(.callback),
                            canRequestExtension: moves.contains(.requestExtension),
                            canDecideExtension: moves.contains(.decideExtension),
                            canAnswerReferral: moves.contains(.referralAnswered),
                            canSupervise: canSupervise, orders: orders, mergeCandidates: mergeCandidates, mergedIn: mergedIn, canMerge: canMerge, evidence: dto.evidence,
                            canAddEvidence: s.mayAddEvidence(to: row))
        return try await req.render(page)
    }

    func addEvidence(req: Request) async throws -> Response {
        struct Form: Content { var photo: File? }
        let id = try req.problemID()
        _ = try await service(req).row(id)   // another unit's problem is not found, whatever was sent
        guard let file = try req.content.decode(Form.self).photo, file.data.readableBytes > 0 else {
            throw AppError.invalid([AppError.field("photo", "visit.reason.required")])
        }
        _ = try await service(req).addEvidence(to: id, data: Array(file.data.readableBytesView))
        return req.redirect(to: Site.problem(id.uuidString).flash("photo_added"))
    }

    /// The same steps as the API's, from the page's forms.
    func step(req: Request) async throws -> Response {
        let id = try req.problemID()
        let form = try req.content.decode(ProblemAPI.StepBody.self)
        _ = try await service(req).step(try ProblemAPI.request(req.parameters.get("step") ?? "", form), on: id, revision: form.revision)
        return req.redirect(to: Site.problem(id.uuidString).flash("problem_updated"))
    }
}
