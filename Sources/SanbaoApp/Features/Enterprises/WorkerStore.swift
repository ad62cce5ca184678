import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// All of the worker registry's SQL. Every read is limited to the workers of enterprises the
/// principal may see; `WorkerService` decides what of a row is shown and who may write.
struct WorkerStore {
    let db: any Database
    let principal: Principal
    var sql: any SQLDatabase { db.sql }

    private var visible: any SQLExpression { principal.scope.sqlCondition(enterpriseAlias: "e") }

    static let columns = ["id", "name", "id_cipher", "id_masked", "id_digest", "phone_cipher", "phone_masked", "phone_digest", "gender",
                          "birth_year", "enterprise_id", "job", "migrant", "household_cipher", "private_digest", "hardship",
                          "created_at", "updated_at"]

    /// What a list narrows by, each optional.
    struct Filter: Sendable {
        var enterprise: UUID?
        var hardship: WorkerRecord.Hardship?
        /// An exact ID number's keyed digest (never decrypted to search).
        var idDigest: String?
        var name: String?
    }

    func list(_ page: PageRequest, _ filter: Filter) async throws -> Page<WorkerService.Row> {
        var conditions: [any SQLExpression] = [visible]
        if let e = filter.enterprise { conditions.append(SQLQueryString("e.id = \(bind: e)")) }
        if let h = filter.hardship { conditions.append(SQLQueryString("w.hardship = \(bind: h.rawValue)")) }
        if let d = filter.idDigest { conditions.append(SQLQueryString("w.id_digest = \(bind: d)")) }
        if let n = filter.name { conditions.append(SQLQueryString("w.name LIKE \(bind: "%" + n.replacingOccurrences(of: "%", with: "") + "%")")) }
        let rows = try await sql.raw("""
            SELECT w.id, w.name, w.id_masked, w.phone_masked, w.gender, w.birth_year, e.credit_code AS enterprise_code,
                   e.name AS enterprise_name, w.job, w.migrant, w.hardship, COUNT(*) OVER () AS total
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND "))) ORDER BY w.name, w.id
            LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: WorkerService.Row.self)
        return Page(items: rows, page: page.page, per: page.per, total: rows.first?.total ?? 0)
    }

    func row(_ id: UUID) async throws -> WorkerService.Row? {
        try await sql.raw("""
            SELECT w.id, w.name, w.id_masked, w.phone_masked, w.gender, w.birth_year, e.credit_code AS enterprise_code,
                   e.name AS enterprise_name, w.job, w.migrant, w.hardship
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id WHERE w.id = \(bind: id) AND \(visible)
            """).first(decoding: WorkerService.Row.self)
    }

    /// Workers in each hardship category (other than none).
    func hardshipCounts() async throws -> [(category: String, n: Int)] {
        struct C: Decodable { var hardship: String; var n: Int }
        return try await sql.raw("""
            SELECT w.hardship, COUNT(*) AS n FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE w.hardship <> 'none' AND \(visible) GROUP BY w.hardship ORDER BY w.hardship
            """).all(decoding: C.self).map { ($0.hardship, $0.n) }
    }

    /// Every enterprise's id by credit code, and which of them the principal may see (an import's lookups).
    func enterpriseCodes() async throws -> (all: [String: UUID], visible: Set<UUID>) {
        struct E: Decodable { var id: UUID; var credit_code: String }
        let all = try await sql.raw("SELECT e.id, e.credit_code FROM enterprises e").all(decoding: E.self)
        let visible = try await sql.raw("SELECT e.id, e.credit_code FROM enterprises e WHERE \(visible)").all(decoding: E.self)
        return (Dictionary(uniqueKeysWithValues: all.map { ($0.credit_code, $0.id) }), Set(visible.map(\.id)))
    }

    /// A registry worker's changed fields, already sealed and masked by the caller.
    struct Change: Sendable {
        var name: String
        var phoneCipher, phoneDigest: String?
        var phoneMasked: String
        var enterprise: UUID
        var job: String
        var migrant: Bool
        var householdCipher: String?
        var privateDigest, hardship: String
    }

    func update(_ id: UUID, _ c: Change, now: Date) async throws {
        try await sql.raw("""
            UPDATE workers SET name = \(bind: c.name), phone_cipher = \(bind: c.phoneCipher),
            phone_masked = \(bind: c.phoneMasked), phone_digest = \(bind: c.phoneDigest),
            enterprise_id = \(bind: c.enterprise), job = \(bind: c.job), migrant = \(bind: c.migrant),
            household_cipher = \(bind: c.householdCipher), private_digest = \(bind: c.privateDigest),
            hardship = \(bind: c.hardship), updated_at = \(bind: now) WHERE id = \(bind: id)
            """).run()
    }

    func insert(_ rows: [[any Encodable & Sendable]]) async throws {
        try await BulkInsert.rows(into: "workers", columns: Self.columns, rows, on: db)
    }

    /// One page of an export in id order, after `last` (keyset pages: each costs the same however deep).
    struct Stored: Decodable {
        var id: UUID, name: String, id_masked: String, phone_masked: String, enterprise_code: String, job: String
        var migrant: Bool, hardship: String, id_cipher: String, phone_cipher: String?, household_cipher: String?
    }
    func exportPage(after last: UUID?) async throws -> [Stored] {
        let after: any SQLExpression = last.map { SQLQueryString("w.id > \(bind: $0)") } ?? SQLRaw("1 = 1")
        return try await sql.raw("""
            SELECT w.id, w.name, w.id_masked, w.phone_masked, e.credit_code AS enterprise_code, w.job, w.migrant, w.hardship,
                   w.id_cipher, w.phone_cipher, w.household_cipher
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE \(visible) AND \(after) ORDER BY w.id LIMIT 5000
            """).all(decoding: Stored.self)
    }
}
