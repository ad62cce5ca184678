import Fluent
import Foundation
import Vapor

/// The campaigns for a token: each with its stages and report settings, and a stage's task
/// decomposition table (任务分解表) as far as the caller's part of the tree goes.
struct CampaignAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.campaigns, use: list)
        routes.get(APIRoute.campaignQuotas(":id"), use: quotas)
    }

    struct StageDTO: Content {
        var position: Int
        var name, starts_on, ends_on, goals: String
    }

    struct DTO: Content {
        var id: UUID
        var name, starts_on, ends_on, status: String
        var report_cadence: String
        var report_due_days, report_depth: Int
        var stages: [StageDTO]
    }

    /// Every campaign, the latest first.
    func list(req: Request) async throws -> [DTO] {
        let s = CampaignService(app: req.application, db: req.db, principal: try req.requirePrincipal())
        var out: [DTO] = []
        for c in try await s.campaigns() {
            let stages = try await s.stages(of: c).map {
                StageDTO(position: $0.position, name: $0.name, starts_on: $0.startsOn, ends_on: $0.endsOn, goals: $0.goals)
            }
            out.append(DTO(id: try c.requireID(), name: c.name, starts_on: c.startsOn, ends_on: c.endsOn, status: c.status,
                           report_cadence: c.reportCadence, report_due_days: c.reportDueDays, report_depth: c.reportDepth, stages: stages))
        }
        return out
    }

    /// `?stage=` (number or name; the visiting stage without): the table's rows the caller's scope holds, in tree order.
    func quotas(req: Request) async throws -> [CampaignStore.QuotaTableRow] {
        let principal = try req.requirePrincipal()
        let s = CampaignService(app: req.application, db: req.db, principal: principal)
        let campaign = try await s.campaign(req.parameters.get("id"))
        let stage = try await s.stage(of: campaign, req.query["stage"])
        let visible = Set(try await principal.scope.query(OrgUnit.self, on: req.db).all().map(\.code))
        return try await s.quotaTable(stageID: try stage.requireID()).filter { visible.contains($0.code) }
    }
}
