import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Workers of the enterprises a principal sees. Lists show masked ID numbers and phones;
/// the clear values need the assistance centre's or the office's role, and each reveal or
/// clear export is audited.
struct WorkerService {
    let app: Application
    let db: any Database
    let principal: Principal

    var enterprises: EnterpriseService { EnterpriseService(app: app, db: db, principal: principal) }
    var sql: any SQLDatabase { db as! any SQLDatabase }

    struct Row: Content {
        var id: UUID
        var name, id_masked, phone_masked, gender: String
        var birth_year: Int
        var enterprise_code, enterprise_name, job: String
        var migrant: Bool
        /// Only for those who may see it (the assistance centre, the office); nil for others.
        var hardship: String?
        var total: Int?
    }

    /// Workers' hardship is declared the assistance centre's and the office's to know.
    var hardshipShown: Bool { principal.can(.revealWorkerData) }

    private func shown(_ row: Row) -> Row {
        var r = row
        r.total = nil
        if !hardshipShown { r.hardship = nil }
        return r
    }

    func list(_ page: PageRequest, enterpriseCode: String = "", hardship: String = "", search: String = "") async throws -> Page<Row> {
        var conditions: [any SQLExpression] = [enterprises.visible]
        if !enterpriseCode.isEmpty {
            // Naming an enterprise the caller cannot see is "not found", as for units.
            let (enterprise, _) = try await enterprises.detail(creditCode: enterpriseCode)
            conditions.append(SQLQueryString("e.id = \(bind: enterprise.id!)"))
        }
        // Filtering by hardship would tell as much as showing it.
        if hardshipShown, let h = WorkerRecord.Hardship(parsing: hardship), !hardship.isEmpty { conditions.append(SQLQueryString("w.hardship = \(bind: h.rawValue)")) }
        if !search.isEmpty {
            let id = CreditCode.normalise(search)
            if id.count == 18, case .success = ResidentID.check(id, today: Self.today) {
                // An exact ID number finds its worker through the keyed digest, never by decrypting.
                conditions.append(SQLQueryString("w.id_digest = \(bind: app.fieldCipher.digest(id))"))
            } else {
                conditions.append(SQLQueryString("w.name LIKE \(bind: "%" + search.replacingOccurrences(of: "%", with: "") + "%")"))
            }
        }
        let rows = try await sql.raw("""
            SELECT w.id, w.name, w.id_masked, w.phone_masked, w.gender, w.birth_year, e.credit_code AS enterprise_code,
                   e.name AS enterprise_name, w.job, w.migrant, w.hardship, COUNT(*) OVER () AS total
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE \(SQLList(conditions, separator: SQLRaw(" AND "))) ORDER BY w.name, w.id
            LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        return Page(items: rows.map(shown), page: page.page, per: page.per, total: rows.first?.total ?? 0)
    }

    func detail(id: UUID) async throws -> Row {
        guard let row = try await sql.raw("""
            SELECT w.id, w.name, w.id_masked, w.phone_masked, w.gender, w.birth_year, e.credit_code AS enterprise_code,
                   e.name AS enterprise_name, w.job, w.migrant, w.hardship
            FROM workers w JOIN enterprises e ON e.id = w.enterprise_id WHERE w.id = \(bind: id) AND \(enterprises.visible)
            """).first(decoding: Row.self) else { throw AppError(.notFound, "error.not_found") }
        return shown(row)
    }

    struct Revealed: Codable {
        var idNumber, phone, household: String
    }

    func reveal(id: UUID) async throws -> Revealed {
        try principal.require(.revealWorkerData)
        _ = try await detail(id: id)
        guard let w = try await Worker.find(id, on: db) else { throw AppError(.notFound, "error.not_found") }
        let cipher = app.fieldCipher
        let revealed = Revealed(idNumber: try cipher.open(w.idCipher), phone: try w.phoneCipher.map(cipher.open) ?? "",
                                household: try w.householdCipher.map(cipher.open) ?? "")
        try await AuditLog.record(db, by: principal, action: "personal_data.reveal", subjectType: "worker", subjectID: id.uuidString,
                                  after: ["field": "id_number,phone,household"])
        return revealed
    }

    /// Workers in each hardship category in the principal's part of the tree (none for those
    /// who may not know it).
    func hardshipCounts() async throws -> [(category: String, n: Int)] {
        guard hardshipShown else { return [] }
        struct C: Decodable { var hardship: String; var n: Int }
        return try await sql.raw("""
            SELECT w.hardship, COUNT(*) AS n FROM workers w JOIN enterprises e ON e.id = w.enterprise_id
            WHERE w.hardship <> 'none' AND \(enterprises.visible) GROUP BY w.hardship ORDER BY w.hardship
            """).all(decoding: C.self).map { ($0.hardship, $0.n) }
    }

    static var today: (Int, Int, Int) { ResidentID.day(of: Date()) }
}
