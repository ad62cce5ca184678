import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The task decomposition table of the current campaign, in and out as a file.
extension CampaignService {
    /// Sets quotas from a file: the campaign office's (it decides between units). Each changed
    /// row is audited; the write is one transaction.
    func importQuotas(_ bytes: [UInt8], mode: ImportMode) async throws -> ImportOutcome {
        try principal.require(.manageAssignment)
        let campaign = try await campaign(nil)
        let stages = try await stages(of: campaign)
        let file = ImportFile.open(bytes)
        if let refusal = file.refusal { return refusal }

        let units = try await OrgUnit.query(on: db).filter(\.$retiredAt == nil).all()
        let unitID = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.id!) })
        let stageID = Dictionary(uniqueKeysWithValues: stages.map { ($0.position, $0.id!) })
        var stageKeys: [String: Int] = [:]
        for s in stages { stageKeys["\(s.position)"] = s.position; stageKeys[s.name] = s.position }
        let stored = try await Quota.query(on: db).filter(\.$stage.$id ~~ stages.compactMap(\.id)).all()
        let positionOf = Dictionary(uniqueKeysWithValues: stages.map { ($0.id!, $0.position) })
        let codeOf = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.code) })
        var existing: [String: QuotaFigures] = [:]
        for q in stored { if let code = codeOf[q.$unit.id], let p = positionOf[q.$stage.id] { existing["\(code)\u{1}\(p)"] = q.figures } }

        let plan = QuotaImportPlan(records: file.records, stages: stageKeys, unit: { unitID[$0] == nil ? .unknown : .writable },
                                   existing: { existing["\($0)\u{1}\($1)"] })
        let summary = plan.summary.with(encoding: file.summary.encoding)
        let outcome = ImportOutcome(summary: summary, issues: plan.issues)
        if TableHeader.isFatal(plan.issues) { return outcome.nothingWritten() }
        if mode == .allOrNothing && summary.rejected > 0 { return outcome.nothingWritten(rolledBack: true) }
        try await app.serializedTransaction(on: db) { db in
            for row in plan.rows where row.action != .unchanged {
                let stage = stageID[row.stage]!, unit = unitID[row.unitCode]!
                let quota = try await Quota.query(on: db).filter(\.$stage.$id == stage).filter(\.$unit.$id == unit).first()
                    ?? Quota(stageID: stage, unitID: unit, figures: .zero)
                let before = quota.id == nil ? nil : Self.auditFields(quota.figures)
                quota.enterprises = row.figures.enterprises
                quota.workers = row.figures.workers
                quota.questionnaires = row.figures.questionnaires
                quota.problems = row.figures.problems
                try await quota.save(on: db)
                try await AuditLog.record(db, by: principal, action: "quota.import", subjectType: "quota",
                                          subjectID: "\(row.unitCode)/\(row.stage)", before: before, after: Self.auditFields(row.figures))
            }
        }
        return outcome
    }

    static func auditFields(_ f: QuotaFigures) -> [String: String] {
        ["enterprises": "\(f.enterprises)", "workers": "\(f.workers)", "questionnaires": "\(f.questionnaires)", "problems": "\(f.problems)"]
    }

    /// Every quota row of the current campaign the principal may see, parents first; the file
    /// re-imports unchanged.
    func exportQuotaRows() async throws -> [[String]] {
        let campaign = try await campaign(nil)
        let rows = try await store.quotaRows(campaign: campaign.id!)
        return [QuotaImportPlan.header.columns.map(\.key)]
            + rows.map { ["\($0.code)", "\($0.position)", "\($0.enterprises)", "\($0.workers)", "\($0.questionnaires)", "\($0.problems)"] }
    }
}
