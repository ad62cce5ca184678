import Foundation
import SanbaoDomain
import Vapor

/// `GET /api/v1/progress?unit=&stage=&campaign=`: the dashboard's figures for a unit over its
/// subtree in a stage, and for each unit directly under it — what a province's data platform
/// reads instead of the page.
struct ProgressAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.progress, use: show)
    }

    struct UnitProgress: Content {
        var code, name: String
        var figures: ProgressStore.Figures
    }

    struct DTO: Content {
        var campaign, stage, starts_on, ends_on: String
        var unit: UnitProgress
        var children: [UnitProgress]
        /// Visits committed and not yet in these figures (counted within seconds).
        var waiting: Int
    }

    func show(req: Request) async throws -> DTO {
        let principal = try req.requirePrincipal()
        let campaigns = CampaignService(app: req.application, db: req.db, principal: principal)
        let campaign = try await campaigns.campaign(req.query["campaign"])
        let stage = try await campaigns.stage(of: campaign, req.query["stage"])
        let unit = try await ProgressStore(app: req.application, db: req.db, principal: principal).unit(code: req.query["unit"])
        let store = try await ProgressStore.fresh(req.application, req.db, principal)
        let rules = try await ProblemRules.current(req.application, req.db)
        let today = ProblemRules.today()
        let figures = try await store.figures(for: unit, stage: stage, rules: rules, today: today)
        let children = try await store.children(of: unit)
        let childFigures = try await store.figures(for: children, stage: stage, rules: rules, today: today)
        let waiting = try await Tallies.waiting(on: req.db)
        return DTO(campaign: campaign.name, stage: stage.name, starts_on: stage.startsOn, ends_on: stage.endsOn,
                   unit: UnitProgress(code: unit.code, name: unit.name, figures: figures),
                   children: children.compactMap { c in childFigures[c.id].map { UnitProgress(code: c.code, name: c.name, figures: $0) } },
                   waiting: waiting)
    }
}
