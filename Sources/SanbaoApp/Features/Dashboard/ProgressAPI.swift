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
        let p = try await Progress.read(req)
        return DTO(campaign: p.campaign.name, stage: p.stage.name, starts_on: p.stage.startsOn, ends_on: p.stage.endsOn,
                   unit: UnitProgress(code: p.unit.code, name: p.unit.name, figures: p.figures),
                   children: p.children.map { UnitProgress(code: $0.unit.code, name: $0.unit.name, figures: $0.figures) },
                   waiting: try await Tallies.waiting(on: req.db))
    }
}
