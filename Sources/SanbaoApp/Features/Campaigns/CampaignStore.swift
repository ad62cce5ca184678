import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The campaigns' hand-written SQL: the task decomposition table (任务分解表) of a stage, its
/// rows for a file, and the quotas' totals. Campaigns and stages themselves are Fluent models.
struct CampaignStore {
    let db: any Database
    let principal: Principal
    var sql: any SQLDatabase { db.sql }

    /// One unit's row of a stage's task decomposition table, with its place in the tree.
    struct QuotaTableRow: Content {
        var code: String; var name: String; var depth: Int; var parent: String?
        var enterprises: Int; var workers: Int; var questionnaires: Int; var problems: Int
    }

    /// The stage's whole table, in tree order (every unit's row: the gaps need them all).
    func quotaTable(stage: UUID) async throws -> [QuotaTableRow] {
        try await sql.raw("""
            SELECT o.code, o.name, o.depth, p.code AS parent, q.enterprises, q.workers, q.questionnaires, q.problems
            FROM quotas q JOIN org_units o ON o.id = q.unit_id LEFT JOIN org_units p ON p.id = o.parent_id
            WHERE q.stage_id = \(bind: stage) ORDER BY o.path
            """).all(decoding: QuotaTableRow.self)
    }

    /// Every unit's parent's code, by the unit's code.
    func parentCodes() async throws -> [String: String] {
        struct ParentRow: Decodable { var code: String; var parent: String }
        let rows = try await sql.raw("SELECT o.code, p.code AS parent FROM org_units o JOIN org_units p ON p.id = o.parent_id")
            .all(decoding: ParentRow.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.code, $0.parent) })
    }

    /// Each stage's enterprises to visit over all its quotas.
    struct StageTotal: Decodable { var stage_id: UUID; var n: Int }
    func enterpriseQuotas(campaign: UUID) async throws -> [StageTotal] {
        try await sql.raw("""
            SELECT q.stage_id, CAST(SUM(q.enterprises) AS BIGINT) AS n FROM quotas q JOIN stages s ON s.id = q.stage_id
            WHERE s.campaign_id = \(bind: campaign) GROUP BY q.stage_id
            """).all(decoding: StageTotal.self)
    }

    /// Every quota row of the campaign the principal may see, by stage, parents first.
    struct QuotaRow: Decodable { var code: String; var position: Int; var enterprises: Int; var workers: Int; var questionnaires: Int; var problems: Int }
    func quotaRows(campaign: UUID) async throws -> [QuotaRow] {
        try await sql.raw("""
            SELECT o.code, s.position, q.enterprises, q.workers, q.questionnaires, q.problems
            FROM quotas q JOIN stages s ON s.id = q.stage_id JOIN org_units o ON o.id = q.unit_id
            WHERE s.campaign_id = \(bind: campaign) AND \(principal.scope.sqlCondition(unitAlias: "o"))
            ORDER BY s.position, o.depth, o.code
            """).all(decoding: QuotaRow.self)
    }
}
