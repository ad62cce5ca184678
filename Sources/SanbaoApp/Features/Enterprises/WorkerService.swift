import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Workers of the enterprises a principal sees. Lists show masked ID numbers and phones;
/// the clear values need the assistance centre's or the office's role, and each reveal or
/// clear export is audited.
struct WorkerService {
    let app: Application
    let db: any Database
    let principal: Principal

    var enterprises: EnterpriseService { EnterpriseService(app: app, db: db, principal: principal) }
    var store: WorkerStore { WorkerStore(db: db, principal: principal) }

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
        var filter = WorkerStore.Filter()
        if !enterpriseCode.isEmpty {
            // Naming an enterprise the caller cannot see is "not found", as for units.
            filter.enterprise = try await enterprises.detail(creditCode: enterpriseCode).0.id
        }
        // Filtering by hardship would tell as much as showing it.
        if hardshipShown, let h = WorkerRecord.Hardship(parsing: hardship), !hardship.isEmpty { filter.hardship = h }
        if !search.isEmpty {
            let id = CreditCode.normalise(search)
            if id.count == 18, case .success = ResidentID.check(id, today: Self.today) {
                filter.idDigest = app.fieldCipher.digest(id)
            } else {
                filter.name = search
            }
        }
        let found = try await store.list(page, filter)
        return Page(items: found.items.map(shown), page: found.page, per: found.per, total: found.total)
    }

    func detail(id: UUID) async throws -> Row {
        guard let row = try await store.row(id) else { throw AppError(.notFound, "error.not_found") }
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
        return try await store.hardshipCounts()
    }

    static var today: (Int, Int, Int) { ResidentID.day(of: Date()) }
}
