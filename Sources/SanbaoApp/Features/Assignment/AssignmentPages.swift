import Fluent
import SanbaoDomain
import Vapor

/// The assignment review: the campaign office (and the inspectors, read only) see the draft
/// of a stage, solve it again, lock and exclude, and publish it as the cadres' visit tasks.
struct AssignmentPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.assignment, use: review)
        routes.get(Site.assignmentAction("explain"), use: explain)
        routes.post(Site.assignmentAction("solve"), use: solve)
        routes.post(Site.assignmentAction("publish"), use: publish)
        routes.post(Site.assignmentAction("locks"), use: lock)
        routes.post(Site.assignmentAction("locks/delete"), use: unlock)
        routes.post(Site.assignmentAction("exclusions"), use: exclude)
        routes.post(Site.assignmentAction("exclusions/delete"), use: include)
        routes.post(Site.assignmentAction("fairness"), use: fairness)
    }

    struct Page: PageModel {

        static let template = "assignment/review"
        var shell: Shell
        var campaign, stage: String
        var stagePosition: Int
        var stages: [StageLink]
        var canManage: Bool
        var totals: AssignmentStore.Totals
        var km, meanKm: String
        var changes: String?
        var loads: [Load]
        var unplaced: [Reasoned]
        var conflicts: ConflictReport
        var locks: [AssignmentStore.Lock]
        var exclusions: [AssignmentStore.Exclusion]
        var districts: [StageLink]
        var district, map: String
        var cadres: [CadreRow]
        var fairnessPercent, fairnessPenalty: Int
    }

    struct StageLink: Codable { var key: String; var name: String; var active: Bool }
    struct Load: Codable { var name: String; var total: Bool; var assigned: Int; var quota: String; var hasQuota: Bool; var high: Int; var capacity: Int }
    struct CadreRow: Codable { var staffNo: String; var name: String; var unit: String; var load: Int; var capacity: Int; var km: String }
    struct Reasoned: Codable { var credit_code: String; var name: String; var reason: String }

    /// Who may look: the office and the root's inspectors see the whole city's assignment.
    private func reader(_ req: Request) throws -> Principal {
        let principal = try req.requirePrincipal()
        guard principal.readsAssignment else { throw AppError(.forbidden, "error.forbidden") }
        return principal
    }

    private func stage(_ req: Request, _ principal: Principal) async throws -> (Campaign, Stage, [Stage]) {
        let campaigns = CampaignService(app: req.application, db: req.db, principal: principal)
        let campaign = try await campaigns.campaign(nil)
        let key: String? = req.query["stage"] ?? (try? req.content.get(String.self, at: "stage"))
        return (campaign, try await campaigns.stage(of: campaign, key), try await campaigns.stages(of: campaign))
    }

    func review(req: Request) async throws -> Response {
        let principal = try reader(req)
        let (campaign, stage, stages) = try await stage(req, principal)
        let service = AssignmentService(app: req.application, db: req.db, principal: principal)
        let review = service.store, id = stage.id!
        let totals = try await review.totals(stage: id)
        let changes = try await service.changes(stageID: id, draft: try await review.draft(stage: id))
        let districts = try await OrgUnit.query(on: req.db).filter(\.$depth == 1).filter(\.$retiredAt == nil)
            .filter(\.$territory != "").sort(\.$code).all()
            .filter { $0.kind.jurisdiction == .territorial }
        let chosen = districts.first { $0.code == req.query[String.self, at: "district"] } ?? districts.first
        var map = ""
        var cadres: [CadreRow] = []
        if let chosen {
            map = try await service.map(stage: id, district: chosen)
            cadres = try await review.cadreLoads(stage: id, district: chosen).map {
                CadreRow(staffNo: $0.staff_no, name: $0.name, unit: $0.unit, load: $0.load, capacity: $0.capacity,
                         km: String(format: "%.1f", Double($0.metres ?? 0) / 1000))
            }
        }
        let loads = try await service.unitLoads(stage: id), unplaced = try await review.unplaced(stage: id)
        let conflicts = try await ConflictReport.load(from: review)
        let locks = try await review.locks(stage: id), exclusions = try await review.exclusions(stage: id)
        let page = Page(shell: Shell(req, title: req.t("assignment.title")), campaign: campaign.name, stage: stage.name,
                        stagePosition: stage.position,
                        stages: stages.map { StageLink(key: "\($0.position)", name: $0.name, active: $0.id == stage.id) },
                        canManage: principal.can(.manageAssignment), totals: totals,
                        km: String(format: "%.0f", Double(totals.metres) / 1000),
                        meanKm: String(format: "%.2f", totals.placed > 0 ? Double(totals.metres) / Double(totals.placed) / 1000 : 0),
                        changes: changes.map { req.t("assignment.changes", "\($0.added)", "\($0.moved)", "\($0.removed)") },
                        loads: loads.map {
                            Load(name: $0.name, total: $0.depth == 0, assigned: $0.assigned, quota: $0.quota.map(String.init) ?? "—",
                                 hasQuota: $0.quota != nil, high: $0.quota ?? $0.capacity, capacity: $0.capacity)
                        },
                        unplaced: unplaced.map { Reasoned(credit_code: $0.credit_code, name: $0.name, reason: req.t("assignment.reason." + $0.reason)) },
                        conflicts: conflicts, locks: locks,
                        exclusions: exclusions,
                        districts: districts.map { StageLink(key: $0.code, name: $0.name, active: $0.id == chosen?.id) },
                        district: chosen?.name ?? "", map: map, cadres: cadres,
                        fairnessPercent: campaign.fairnessPercent, fairnessPenalty: campaign.fairnessPenalty)
        return try await req.render(page)
    }

    struct ExplainPage: PageModel {

        static let template = "assignment/explain"
        var shell: Shell
        var stagePosition: Int
        var enterprise: String
        var placed: Bool
        var outcome: String
        var locked: Bool
        var nearer: [Row]
    }

    struct Row: Codable { var cadre: String; var unit: String; var metres: Int64; var why: String }

    func explain(req: Request) async throws -> Response {
        let principal = try reader(req)
        guard principal.can(.manageAssignment) else { throw AppError(.forbidden, "error.forbidden") }
        let (campaign, stage, _) = try await stage(req, principal)
        let code = try req.query.get(String.self, at: "code")
        let why = try await AssignmentService(app: req.application, db: req.db, principal: principal).explain(stage: stage, campaign: campaign, creditCode: code)
        let outcome = why.cadre.map { req.t("assignment.goes_to", $0, why.unit ?? "", "\(why.metres ?? 0)") }
            ?? req.t("assignment.reason." + (why.unplaced ?? "all_full"))
        return try await req.render(ExplainPage(
            shell: Shell(req, title: req.t("assignment.explain_title")), stagePosition: stage.position, enterprise: why.enterprise,
            placed: why.cadre != nil, outcome: outcome, locked: why.nearer.contains { $0.reason == "locked" },
            nearer: why.nearer.filter { $0.reason != "locked" }.map { alt in
                let base = req.t("assignment.why." + alt.reason)
                return Row(cadre: alt.cadre, unit: alt.unit, metres: alt.metres,
                           why: alt.extraMetres.map { base + " " + req.t("assignment.extra", "\($0)") } ?? base)
            }))
    }

    func solve(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let (campaign, stage, _) = try await stage(req, principal)
        _ = try await AssignmentService(app: req.application, db: req.db, principal: principal).solve(stage: stage, campaign: campaign, dryRun: false)
        return req.redirect(to: Site.assignment.with(["stage": "\(stage.position)", "flash": "solved"]))
    }

    func publish(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let (_, stage, _) = try await stage(req, principal)
        _ = try await AssignmentService(app: req.application, db: req.db, principal: principal).publish(stage: stage)
        return req.redirect(to: Site.assignment.with(["stage": "\(stage.position)", "flash": "published"]))
    }

    func fairness(req: Request) async throws -> Response {
        struct Form: Content { var percent: Int?; var penalty: Int? }
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let (campaign, stage, _) = try await stage(req, principal)
        let form = try req.content.decode(Form.self)
        try await CampaignService(app: req.application, db: req.db, principal: principal).setFairness(campaign, percent: form.percent ?? -1, penalty: form.penalty ?? -1)
        return req.redirect(to: Site.assignment.with(["stage": "\(stage.position)", "flash": "saved"]))
    }

    struct DecisionForm: Content {
        var credit_code, staff_no, reason: String?
    }

    func lock(req: Request) async throws -> Response {
        try await decide(req) { service, stage, form in
            try await service.lock(stage: stage, creditCode: form.credit_code ?? "", staffNo: form.staff_no ?? "")
        }
    }

    func unlock(req: Request) async throws -> Response {
        try await decide(req) { service, stage, form in try await service.unlock(stage: stage, creditCode: form.credit_code ?? "") }
    }

    func exclude(req: Request) async throws -> Response {
        try await decide(req) { service, stage, form in
            try await service.exclude(stage: stage, staffNo: form.staff_no ?? "", reason: form.reason ?? "")
        }
    }

    func include(req: Request) async throws -> Response {
        try await decide(req) { service, stage, form in try await service.include(stage: stage, staffNo: form.staff_no ?? "") }
    }

    private func decide(_ req: Request, _ body: (AssignmentService, Stage, DecisionForm) async throws -> Void) async throws -> Response {
        let principal = try req.requirePrincipal()
        try principal.require(.manageAssignment)
        let (_, stage, _) = try await stage(req, principal)
        try await body(AssignmentService(app: req.application, db: req.db, principal: principal), stage, try req.content.decode(DecisionForm.self))
        return req.redirect(to: Site.assignment.with(["stage": "\(stage.position)", "flash": "saved"]))
    }
}
