import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Campaigns, stages and the task decomposition table.
struct CampaignService {
    let app: Application
    let db: any Database
    let principal: Principal

    var store: CampaignStore { CampaignStore(db: db, principal: principal) }

    /// The stage's whole table, in tree order (every unit's row: the gaps need them all).
    func quotaTable(stageID: UUID) async throws -> [CampaignStore.QuotaTableRow] { try await store.quotaTable(stage: stageID) }

    /// The table as one digest (`EditBasis`): what a grid was filled in against.
    static func basis(_ table: [CampaignStore.QuotaTableRow]) -> String {
        EditBasis.of(table.map { "\($0.code)=\($0.enterprises),\($0.workers),\($0.questionnaires),\($0.problems)" }.sorted())
    }

    /// Every unit's parent's code, by the unit's code.
    func parentCodes() async throws -> [String: String] {
        try await store.parentCodes()
    }

    func campaigns() async throws -> [Campaign] {
        try await Campaign.query(on: db).sort(\.$startsOn, .descending).all()
    }

    /// A campaign by id, or the only/latest one when `id` is nil (the common case: one city,
    /// one campaign at a time).
    func campaign(_ id: String?) async throws -> Campaign {
        if let id {
            guard let uuid = UUID(uuidString: id), let found = try await Campaign.find(uuid, on: db) else {
                throw AppError(.notFound, "error.not_found")
            }
            return found
        }
        guard let latest = try await campaigns().first else { throw AppError(.notFound, "campaign.none") }
        return latest
    }

    func stages(of campaign: Campaign) async throws -> [Stage] {
        try await Stage.query(on: db).filter(\.$campaign.$id == campaign.id!).sort(\.$position).all()
    }

    /// A stage by position (1, 2, …) or name; without one, the stage with the most enterprise
    /// visits in its quotas (the visiting stage).
    func stage(of campaign: Campaign, _ key: String?) async throws -> Stage {
        let stages = try await stages(of: campaign)
        if let key {
            guard let stage = stages.first(where: { "\($0.position)" == key || $0.name == key || $0.id?.uuidString == key }) else {
                throw AppError(.notFound, "error.not_found")
            }
            return stage
        }
        let totals = try await store.enterpriseQuotas(campaign: campaign.id!)
        let best = totals.max { ($0.n, $1.stage_id.uuidString) < ($1.n, $0.stage_id.uuidString) }
        guard let stage = stages.first(where: { $0.id == best?.stage_id }) ?? stages.first else { throw AppError(.notFound, "campaign.no_stage") }
        return stage
    }

    /// The assignment's workload fairness: past `percent` of a cadre's capacity, each further
    /// enterprise costs `penalty` metres more (0 turns it off).
    func setFairness(_ campaign: Campaign, percent: Int, penalty: Int) async throws {
        try principal.require(.manageAssignment)
        var issues: [AppError.FieldIssue] = []
        if !(0...100).contains(percent) { issues.append(AppError.field("percent", "campaign.fairness_percent_range")) }
        if !(0...1_000_000).contains(penalty) { issues.append(AppError.field("penalty", "campaign.fairness_penalty_range")) }
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        let before = ["percent": "\(campaign.fairnessPercent)", "penalty": "\(campaign.fairnessPenalty)"]
        campaign.fairnessPercent = percent
        campaign.fairnessPenalty = penalty
        try await app.serializedTransaction(on: db) { db in
            try await campaign.save(on: db)
            try await AuditLog.record(db, by: principal, action: "campaign.fairness", subjectType: "campaign", subjectID: campaign.id!.uuidString,
                                      before: before, after: ["percent": "\(percent)", "penalty": "\(penalty)"])
        }
    }

    /// A new campaign with its stages (the office's). Quotas come next, from a file or the page.
    func create(name: String, startsOn: String, endsOn: String, stages: [StageSpec]) async throws -> Campaign {
        try principal.require(.manageAssignment)
        return try await app.serializedTransaction(on: db) { db in
            let campaign = Campaign(name: name, startsOn: startsOn, endsOn: endsOn)
            try await campaign.create(on: db)
            for (i, s) in stages.enumerated() {
                try await Stage(campaignID: campaign.id!, position: i + 1, name: s.name, startsOn: s.startsOn, endsOn: s.endsOn, goals: "").create(on: db)
            }
            try await AuditLog.record(db, by: principal, action: "campaign.create", subjectType: "campaign", subjectID: campaign.id!.uuidString,
                                      after: ["name": name, "stages": stages.map(\.name).joined(separator: ";")])
            return campaign
        }
    }

    /// The demo city's campaign, its stages and quotas that add up.
    func createDemo(units records: [OrgUnitRecord], cadres: [CadreRecord]) async throws -> Campaign {
        let plan = DemoCampaign(today: ProblemRules.today())
        let units = try await OrgUnit.query(on: db).all()
        let unitID = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.id!) })
        let quotas = plan.quotas(units: records, cadres: cadres)
        return try await app.serializedTransaction(on: db) { db in
            let campaign = Campaign(name: plan.name, startsOn: plan.startsOn, endsOn: plan.endsOn)
            try await campaign.create(on: db)
            for (i, s) in plan.stages.enumerated() {
                let stage = Stage(campaignID: campaign.id!, position: i + 1, name: s.name, startsOn: s.startsOn, endsOn: s.endsOn, goals: s.goals)
                try await stage.create(on: db)
                guard s.visits else { continue }
                let rows: [[any Encodable & Sendable]] = quotas.sorted { $0.key < $1.key }.compactMap { code, f in
                    unitID[code].map { [UUID(), stage.id!, $0, f.enterprises, f.workers, f.questionnaires, f.problems] }
                }
                try await BulkInsert.rows(into: "quotas", columns: ["id", "stage_id", "unit_id", "enterprises", "workers", "questionnaires", "problems"],
                                          rows, on: db)
            }
            try await AuditLog.record(db, by: principal, action: "campaign.create", subjectType: "campaign", subjectID: campaign.id!.uuidString,
                                      after: ["name": campaign.name])
            return campaign
        }
    }
}
