import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// All of the enterprise registry's SQL: lists and files limited to the enterprises the
/// principal may see (covered by a unit in their subtree), the import's writes, the duplicate
/// decisions. `EnterpriseService` decides; this reads and writes.
struct EnterpriseStore {
    let db: any Database
    let principal: Principal
    var sql: any SQLDatabase { db.sql }

    /// The WHERE conditions of a filtered view of the registry (`enterprises e`), scope included.
    func conditions(for filter: EnterpriseService.Filter) async throws -> [any SQLExpression] {
        var conditions: [any SQLExpression] = [principal.scope.sqlCondition(enterpriseAlias: "e"), SQLRaw("e.merged_into_id IS NULL")]
        let like = { (s: String) in s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") }
        if !filter.search.isEmpty {
            let s = like(filter.search)
            conditions.append(SQLQueryString("(e.name LIKE \(bind: "%" + s + "%") ESCAPE '\\' OR e.aliases LIKE \(bind: "%" + s + "%") ESCAPE '\\' OR e.credit_code LIKE \(bind: CreditCode.normalise(filter.search) + "%"))"))
        }
        if !filter.unitCode.isEmpty {
            let unit = try await principal.scope.unit(code: filter.unitCode, on: db)
            conditions.append(SQLQueryString("EXISTS (SELECT 1 FROM enterprise_units eu2 JOIN org_units o2 ON o2.id = eu2.unit_id WHERE eu2.enterprise_id = e.id AND o2.path LIKE \(bind: unit.path + "%"))"))
        }
        if let code = IndustryCode(parsing: filter.industry) {
            conditions.append(SQLQueryString("e.industry_code LIKE \(bind: code.description + "%")"))
        }
        if let size = EnterpriseRecord.SizeClass(parsing: filter.size) {
            conditions.append(SQLQueryString("e.size_class = \(bind: size.rawValue)"))
        }
        if !filter.tag.isEmpty {
            conditions.append(SQLQueryString("(';' || e.tags || ';') LIKE \(bind: "%;" + like(filter.tag) + ";%") ESCAPE '\\'"))
        }
        return conditions
    }

    func list(_ page: PageRequest, filter: EnterpriseService.Filter) async throws -> Page<EnterpriseService.Row> {
        let conditions = try await conditions(for: filter)
        let rows = try await sql.raw("""
            SELECT e.credit_code, e.name, e.division_code, e.industry_code, e.size_class, e.above_scale, e.employees,
                   e.union_established, COUNT(*) OVER () AS total
            FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY e.name LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: EnterpriseService.Row.self)
        var total = rows.first?.total ?? 0
        if rows.isEmpty && page.page > 1 {
            struct N: Decodable { var n: Int }
            total = try await sql.raw("SELECT COUNT(*) AS n FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))")
                .first(decoding: N.self)?.n ?? 0
        }
        return Page(items: rows.map { var r = $0; r.total = nil; return r }, page: page.page, per: page.per, total: total)
    }

    /// The id of the enterprise with this (normalised) credit code, if the principal may see it.
    func id(creditCode: String) async throws -> UUID? {
        struct ID: Decodable { var id: UUID }
        return try await sql.raw("""
            SELECT e.id FROM enterprises e WHERE e.credit_code = \(bind: creditCode) AND \(principal.scope.sqlCondition(enterpriseAlias: "e"))
            """).first(decoding: ID.self)?.id
    }

    // MARK: Duplicates

    func duplicateCandidates(limit: Int) async throws -> [EnterpriseService.Candidate] {
        let visible = principal.scope.sqlCondition(enterpriseAlias:)
        return try await sql.raw("""
            SELECT a.credit_code AS first_code, a.name AS first_name, b.credit_code AS second_code, b.name AS second_name,
                   a.address AS address
            FROM enterprises a JOIN enterprises b
              ON a.name_key = b.name_key AND a.address_key = b.address_key AND a.credit_code < b.credit_code
            WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL AND a.address_key <> ''
              AND \(visible("a")) AND \(visible("b"))
              AND NOT EXISTS (SELECT 1 FROM enterprise_duplicates d WHERE d.first_id = a.id AND d.second_id = b.id)
            ORDER BY a.name LIMIT \(bind: limit)
            """).all(decoding: EnterpriseService.Candidate.self)
    }

    func recordDuplicate(first: UUID, second: UUID, _ decision: EnterpriseService.Decision) async throws {
        try await sql.raw("""
            INSERT INTO enterprise_duplicates (id, first_id, second_id, decision, decided_by, decided_at)
            VALUES (\(bind: UUID()), \(bind: first), \(bind: second), \(bind: decision.rawValue), \(bind: principal.username), \(bind: Date()))
            """).run()
    }

    /// `other` is `kept` from now on: its workers move over and lists show only `kept`, known also by `aliases`.
    func merge(_ other: UUID, into kept: UUID, aliases: [String]) async throws {
        try await sql.raw("UPDATE enterprises SET aliases = \(bind: aliases.joined(separator: ";")) WHERE id = \(bind: kept)").run()
        try await sql.raw("UPDATE enterprises SET merged_into_id = \(bind: kept) WHERE id = \(bind: other)").run()
        try await sql.raw("UPDATE workers SET enterprise_id = \(bind: kept) WHERE enterprise_id = \(bind: other)").run()
    }

    // MARK: Imports

    static let columns = ["id", "credit_code", "name", "name_key", "aliases", "address", "address_key", "division_code", "industry_code",
                          "size_class", "above_scale", "employees", "migrant_workers", "union_established", "legal_rep", "contact_cipher",
                          "contact_masked", "contact_digest", "lat", "lon", "tags", "created_at", "updated_at"]
    static let unitColumns = ["id", "enterprise_id", "unit_id"]

    func insert(_ enterprises: [BulkInsert.Row], units: [BulkInsert.Row]) async throws {
        try await BulkInsert.rows(into: "enterprises", columns: Self.columns, enterprises, on: db)
        try await BulkInsert.rows(into: "enterprise_units", columns: Self.unitColumns, units, on: db)
    }

    /// An imported record over a stored one; the contact already sealed (or kept) by the caller.
    func update(_ id: UUID, to r: EnterpriseRecord, contact: (cipher: String?, masked: String, digest: String?),
                covering units: [UUID], now: Date) async throws {
        try await sql.raw("""
            UPDATE enterprises SET name = \(bind: r.name), name_key = \(bind: EnterpriseName.key(r.name)),
            aliases = \(bind: r.aliases.joined(separator: ";")), address = \(bind: r.address),
            address_key = \(bind: EnterpriseName.addressKey(r.address)),
            division_code = \(bind: r.divisionCode), industry_code = \(bind: r.industry.description),
            size_class = \(bind: r.sizeClass.rawValue), above_scale = \(bind: r.aboveScale), employees = \(bind: r.employees),
            migrant_workers = \(bind: r.migrantWorkers), union_established = \(bind: r.unionEstablished),
            legal_rep = \(bind: r.legalRep), contact_cipher = \(bind: contact.cipher), contact_masked = \(bind: contact.masked),
            contact_digest = \(bind: contact.digest), lat = \(bind: r.lat), lon = \(bind: r.lon),
            tags = \(bind: r.tags.joined(separator: ";")), updated_at = \(bind: now) WHERE id = \(bind: id)
            """).run()
        try await sql.raw("DELETE FROM enterprise_units WHERE enterprise_id = \(bind: id)").run()
        let links: [[any Encodable & Sendable]] = units.map { [UUID(), id, $0] }
        try await BulkInsert.rows(into: "enterprise_units", columns: Self.unitColumns, links, on: db)
    }

    /// SQLite keeps 2 MB of pages per connection by default, and each multi-row insert that
    /// could fail halfway opens a statement journal in a temporary file; a large import inserts
    /// into half a dozen indexes, and with that little cache each insert reads and spills
    /// pages. The import's connection gets 160 MB of cache and journals in memory while `body` runs.
    func withBulkSettings(_ body: () async throws -> Void) async throws {
        guard sql.dialect.name == "sqlite" else { return try await body() }
        struct Size: Decodable { var cache_size: Int }
        struct Store: Decodable { var temp_store: Int }
        let cache = try await sql.raw("PRAGMA cache_size").first(decoding: Size.self)?.cache_size ?? -2000
        let store = try await sql.raw("PRAGMA temp_store").first(decoding: Store.self)?.temp_store ?? 0
        try await sql.raw("PRAGMA cache_size = -163840").run()
        // SQLite refuses to move temporary storage inside a transaction once the connection has
        // used it (a migration's table rebuild does): then statement journals stay on disk,
        // which is slower but the same import.
        let movedTemp = (try? await sql.raw("PRAGMA temp_store = MEMORY").run()) != nil
        func restore() async throws {
            try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(cache))").run()
            if movedTemp { try await sql.raw("PRAGMA temp_store = \(unsafeRaw: String(store))").run() }
            try await sql.raw("PRAGMA shrink_memory").run()
        }
        do { try await body() } catch {
            try? await restore()
            throw error
        }
        try await restore()
    }

    // MARK: Exports

    struct Stored: Decodable {
        var credit_code: String, name: String, aliases: String, address: String, division_code: String, industry_code: String
        var size_class: String, above_scale: Bool, employees: Int, migrant_workers: Int, union_established: Bool
        var legal_rep: String, contact_masked: String, contact_cipher: String?, lat: Double?, lon: Double?, tags: String
    }

    /// One page of an export in credit-code order after `last` (keyset pages: each costs the same however deep).
    func exportPage(_ conditions: [any SQLExpression], after last: String) async throws -> [Stored] {
        try await sql.raw("""
            SELECT e.credit_code, e.name, e.aliases, e.address, e.division_code, e.industry_code, e.size_class, e.above_scale,
                   e.employees, e.migrant_workers, e.union_established, e.legal_rep, e.contact_masked, e.contact_cipher,
                   e.lat, e.lon, e.tags
            FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND "))) AND e.credit_code > \(bind: last)
            ORDER BY e.credit_code LIMIT 5000
            """).all(decoding: Stored.self)
    }
}
