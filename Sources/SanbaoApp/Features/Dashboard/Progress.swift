import Foundation
import SanbaoDomain
import Vapor

/// What the dashboard page and the progress API both show, read once for a request
/// (`?campaign=&stage=&unit=`): the campaign and stage, the unit and its figures, and the units
/// directly under it with theirs.
struct Progress {
    var campaign: Campaign
    var stage: Stage
    var unit: ProgressStore.Unit
    var figures: ProgressStore.Figures
    var children: [(unit: ProgressStore.Unit, figures: ProgressStore.Figures)]
    /// The reader it came from (for what else a page draws, such as visits per day).
    var store: ProgressStore

    static func read(_ req: Request) async throws -> Progress {
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
        return Progress(campaign: campaign, stage: stage, unit: unit, figures: figures,
                        children: children.compactMap { c in childFigures[c.id].map { (c, $0) } }, store: store)
    }
}
