import Foundation
import SanbaoDomain
import Vapor

/// The assignment for a token (the campaign office's, as on the page): the draft of a stage,
/// solving it, why an enterprise went where it did, locks and exclusions, publishing. The stage
/// is `stage` (its number or name; the visiting stage without) of the latest campaign.
struct AssignmentAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.assignment, use: show)
        routes.get(APIRoute.assignmentAction("explain"), use: explain)
        routes.post(APIRoute.assignmentAction("solve"), use: solve)
        routes.post(APIRoute.assignmentAction("publish"), use: publish)
        routes.post(APIRoute.assignmentAction("locks"), use: lock)
        routes.post(APIRoute.assignmentAction("locks/delete"), use: unlock)
        routes.post(APIRoute.assignmentAction("exclusions"), use: exclude)
        routes.post(APIRoute.assignmentAction("exclusions/delete"), use: include)
    }

    /// A stage's draft as the review page shows it.
    struct Draft: Content {
        var campaign, stage: String
        var totals: AssignmentStore.Totals
        var unplaced: [AssignmentStore.Unplaced]
        var locks: [AssignmentStore.Lock]
        var exclusions: [AssignmentStore.Exclusion]
        var conflicts: ConflictReport
    }

    /// `stage` (number or name) and what a decision names.
    struct Body: Content {
        var stage: String?
        var dry_run: Bool?
        var credit_code, staff_no, reason: String?
    }

    private func context(_ req: Request, stage key: String?) async throws -> (AssignmentService, Campaign, Stage) {
        let principal = try req.requirePrincipal()
        guard principal.readsAssignment else { throw AppError(.forbidden, "error.forbidden") }
        let campaigns = CampaignService(app: req.application, db: req.db, principal: principal)
        let campaign = try await campaigns.campaign(nil)
        return (AssignmentService(app: req.application, db: req.db, principal: principal), campaign, try await campaigns.stage(of: campaign, key))
    }

    func show(req: Request) async throws -> Draft {
        let (service, campaign, stage) = try await context(req, stage: req.query["stage"])
        return try await draft(service, campaign, stage)
    }

    private func draft(_ service: AssignmentService, _ campaign: Campaign, _ stage: Stage) async throws -> Draft {
        let store = service.store, id = stage.id!
        return Draft(campaign: campaign.name, stage: stage.name, totals: try await store.totals(stage: id), unplaced: try await store.unplaced(stage: id),
                     locks: try await store.locks(stage: id), exclusions: try await store.exclusions(stage: id),
                     conflicts: try await ConflictReport.load(from: store))
    }

    func explain(req: Request) async throws -> AssignmentService.Explanation {
        let (service, campaign, stage) = try await context(req, stage: req.query["stage"])
        try service.principal.require(.manageAssignment)
        return try await service.explain(stage: stage, campaign: campaign, creditCode: try req.query.get(String.self, at: "code"))
    }

    func solve(req: Request) async throws -> AssignmentService.Summary {
        let body = try req.content.decode(Body.self)
        let (service, campaign, stage) = try await context(req, stage: body.stage)
        try service.principal.require(.manageAssignment)
        return try await service.solve(stage: stage, campaign: campaign, dryRun: body.dry_run ?? false)
    }

    func publish(req: Request) async throws -> AssignmentService.Changes {
        let body = try req.content.decode(Body.self)
        let (service, _, stage) = try await context(req, stage: body.stage)
        return try await service.publish(stage: stage)
    }

    func lock(req: Request) async throws -> Draft {
        try await decide(req) { s, stage, b in try await s.lock(stage: stage, creditCode: b.credit_code ?? "", staffNo: b.staff_no ?? "") }
    }

    func unlock(req: Request) async throws -> Draft {
        try await decide(req) { s, stage, b in try await s.unlock(stage: stage, creditCode: b.credit_code ?? "") }
    }

    func exclude(req: Request) async throws -> Draft {
        try await decide(req) { s, stage, b in try await s.exclude(stage: stage, staffNo: b.staff_no ?? "", reason: b.reason ?? "") }
    }

    func include(req: Request) async throws -> Draft {
        try await decide(req) { s, stage, b in try await s.include(stage: stage, staffNo: b.staff_no ?? "") }
    }

    /// A decision (the service checks the right to it), answered with the draft it changed.
    private func decide(_ req: Request, _ body: (AssignmentService, Stage, Body) async throws -> Void) async throws -> Draft {
        let b = try req.content.decode(Body.self)
        let (service, campaign, stage) = try await context(req, stage: b.stage)
        try await body(service, stage, b)
        return try await draft(service, campaign, stage)
    }
}
