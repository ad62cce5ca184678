import Foundation
import SanbaoDomain
import Vapor

/// `sanbao assign [--campaign ID] [--stage S] [--dry-run] [--json] [--publish]`: solves the
/// stage's assignment from the database and stores it as the draft (unless --dry-run); with
/// --publish, turns the draft into the cadres' visit tasks; --explain CODE says why an
/// enterprise went where it did.
struct AssignCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "campaign", help: "Campaign id (default: the latest campaign).") var campaign: String?
        @Option(name: "stage", help: "Stage position or name (default: the stage with the enterprise visits).") var stage: String?
        @Flag(name: "dry-run", help: "Solve and report without storing the draft.") var dryRun: Bool
        @Flag(name: "json", help: "Print the summary as JSON.") var json: Bool
        @Flag(name: "publish", help: "After solving, publish the draft as visit tasks.") var publish: Bool
        @Option(name: "explain", help: "Credit code: why this enterprise goes to its cadre and not a nearer one (stores nothing).") var explain: String?
    }

    var help: String { "Assign every enterprise to one covering cadre (不交叉、不重复、不重叠), optimally." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let principal = Commands.principal
        let campaigns = CampaignService(app: app, db: app.db, principal: principal)
        let campaign = try await campaigns.campaign(signature.campaign)
        let stage = try await campaigns.stage(of: campaign, signature.stage)
        let service = AssignmentService(app: app, db: app.db, principal: principal)
        if let code = signature.explain {
            let why = try await service.explain(stage: stage, campaign: campaign, creditCode: code)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.console.print(String(decoding: try encoder.encode(why), as: UTF8.self))
            return
        }
        var summary = try await service.solve(stage: stage, campaign: campaign, dryRun: signature.dryRun)
        if signature.publish && !signature.dryRun {
            summary.changes = try await service.publish(stage: stage)
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.console.print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            return
        }
        context.console.print(Self.describe(summary, stored: !signature.dryRun, published: signature.publish && !signature.dryRun))
    }

    static func describe(_ s: AssignmentService.Summary, stored: Bool, published: Bool) -> String {
        var lines = ["\(s.campaign) · \(s.stage)"]
        lines.append("enterprises \(s.enterprises), placed \(s.placed), not placed \(s.enterprises - s.placed)"
                     + (s.unplaced.isEmpty ? "" : " (" + s.unplaced.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"))
        lines.append("total \(s.totalMetres) m, mean \(s.meanMetres) m" + (s.penalty > 0 ? ", fairness penalty \(s.penalty)" : "")
                     + ", locked \(s.locked), cadres excluded \(s.excludedCadres), optimal (certificate checked)")
        lines.append("conflicts: \(s.conflicts.coveredBySeveral) enterprises covered by several units, \(s.conflicts.coveredByNone) by none")
        for overlap in s.conflicts.overlaps.prefix(8) {
            lines.append("  \(overlap.enterprises) × " + overlap.units.joined(separator: " + "))
        }
        if let c = s.changes {
            lines.append((published ? "published" : "against the published tasks") + ": \(c.added) added, \(c.moved) moved, \(c.removed) removed")
        }
        lines.append(String(format: "solve %.3f s, total %.3f s", s.solveSeconds, s.totalSeconds) + (stored ? ", draft stored" : ", dry run"))
        return lines.joined(separator: "\n")
    }
}

/// `sanbao campaign create --name N --starts D --ends D --stages "名称:起:止;…"`: a new campaign
/// (it becomes the current one); then `sanbao import quotas FILE` fills its task table.
struct CampaignCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "name", help: "The campaign's name.") var name: String?
        @Option(name: "starts", help: "First day, YYYY-MM-DD.") var starts: String?
        @Option(name: "ends", help: "Last day, YYYY-MM-DD.") var ends: String?
        @Option(name: "stages", help: "NAME:YYYY-MM-DD:YYYY-MM-DD;… in order.") var stages: String?
    }

    var help: String { "Create a campaign with its stages." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let name = signature.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
            context.console.error("--name is required (at most 100 characters).")
            throw ExitCode(2)
        }
        switch StageSpec.parse(signature.stages ?? "", campaignStarts: signature.starts ?? "", campaignEnds: signature.ends ?? "") {
        case .failure(let error):
            context.console.error(error.description)
            throw ExitCode(2)
        case .success(let stages):
            let campaign = try await CampaignService(app: context.application, db: context.application.db, principal: Commands.principal)
                .create(name: name, startsOn: signature.starts!, endsOn: signature.ends!, stages: stages)
            context.console.print("campaign \(campaign.id!.uuidString): \(name), \(stages.count) stages")
        }
    }
}
