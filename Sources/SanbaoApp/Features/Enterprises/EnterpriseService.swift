import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The enterprise registry as a principal sees it: enterprises covered by a unit in their
/// subtree (the office: all, including those no unit covers).
struct EnterpriseService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    var sql: any SQLDatabase { db as! any SQLDatabase }

    /// The scope rule for enterprises, for hand-written SQL on `enterprises e`.
    var visible: any SQLExpression { visible("e") }

    func visible(_ alias: String) -> any SQLExpression {
        if scope.isEverything { return SQLRaw("1 = 1") }
        return SQLQueryString("EXISTS (SELECT 1 FROM enterprise_units eu JOIN org_units o ON o.id = eu.unit_id WHERE eu.enterprise_id = \(unsafeRaw: alias).id AND \(scope.sqlCondition(unitAlias: "o")))")
    }

    struct Filter: Sendable {
        var search = ""
        var unitCode = ""
        var industry = ""
        var size = ""
        var tag = ""
    }

    struct Row: Content {
        var credit_code, name, division_code, industry_code, size_class: String
        var above_scale: Bool
        var employees: Int
        var union_established: Bool
        var total: Int?
    }

    func list(_ page: PageRequest, filter: Filter) async throws -> Page<Row> {
        let conditions = try await conditions(for: filter)
        let rows = try await sql.raw("""
            SELECT e.credit_code, e.name, e.division_code, e.industry_code, e.size_class, e.above_scale, e.employees,
                   e.union_established, COUNT(*) OVER () AS total
            FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY e.name LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        var total = rows.first?.total ?? 0
        if rows.isEmpty && page.page > 1 {
            struct N: Decodable { var n: Int }
            total = try await sql.raw("SELECT COUNT(*) AS n FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))")
                .first(decoding: N.self)?.n ?? 0
        }
        return Page(items: rows.map { var r = $0; r.total = nil; return r }, page: page.page, per: page.per, total: total)
    }

    /// The WHERE conditions of a filtered view of the registry (`enterprises e`), scope included.
    func conditions(for filter: Filter) async throws -> [any SQLExpression] {
        var conditions: [any SQLExpression] = [visible, SQLRaw("e.merged_into_id IS NULL")]
        let like = { (s: String) in s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") }
        if !filter.search.isEmpty {
            let s = like(filter.search)
            conditions.append(SQLQueryString("(e.name LIKE \(bind: "%" + s + "%") ESCAPE '\\' OR e.aliases LIKE \(bind: "%" + s + "%") ESCAPE '\\' OR e.credit_code LIKE \(bind: CreditCode.normalise(filter.search) + "%"))"))
        }
        if !filter.unitCode.isEmpty {
            let unit = try await scope.unit(code: filter.unitCode, on: db)
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

    /// The enterprise with this code if the principal may see it, and the units covering it.
    func detail(creditCode: String) async throws -> (Enterprise, [OrgUnit]) {
        struct ID: Decodable { var id: UUID }
        guard let row = try await sql.raw("SELECT e.id FROM enterprises e WHERE e.credit_code = \(bind: CreditCode.normalise(creditCode)) AND \(visible)")
            .first(decoding: ID.self), let enterprise = try await Enterprise.find(row.id, on: db) else {
            throw AppError(.notFound, "error.not_found")
        }
        let units = try await EnterpriseUnit.query(on: db).filter(\.$enterprise.$id == row.id).with(\.$unit).all().map(\.unit)
        return (enterprise, units.sorted { $0.path < $1.path })
    }

    func revealContact(creditCode: String) async throws -> String {
        try principal.require(.revealPersonalData)
        let (enterprise, _) = try await detail(creditCode: creditCode)
        let clear = try enterprise.contactCipher.map(app.fieldCipher.open) ?? ""
        try await AuditLog.record(db, by: principal, action: "personal_data.reveal", subjectType: "enterprise",
                                  subjectID: enterprise.creditCode, after: ["field": "contact"])
        return clear
    }

    static func auditFields(_ r: EnterpriseRecord) -> [String: String] {
        var f = Dictionary(uniqueKeysWithValues: zip(EnterpriseRecord.header.columns.map(\.key), r.csvFields))
        f["contact"] = ContactMask.mask(r.contact)
        return f
    }
}

extension EnterpriseService.Filter {
    /// `?q=&unit=&industry=&size=&tag=`, as the list page and the export read them.
    init(_ req: Request) {
        func text(_ key: String) -> String { (req.query[String.self, at: key] ?? "").trimmingCharacters(in: .whitespaces) }
        self.init(search: text("q"), unitCode: text("unit"), industry: text("industry"), size: text("size"), tag: text("tag"))
    }
}
