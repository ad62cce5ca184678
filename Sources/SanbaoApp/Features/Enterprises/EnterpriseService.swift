import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// The enterprise registry as a principal sees it: enterprises covered by a unit in their
/// subtree (the office: all, including those no unit covers).
struct EnterpriseService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    var store: EnterpriseStore { EnterpriseStore(db: db, principal: principal) }

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

    func list(_ page: PageRequest, filter: Filter) async throws -> Page<Row> { try await store.list(page, filter: filter) }

    /// Refuses a filter naming a unit the principal may not see (before a download starts).
    func check(_ filter: Filter) async throws { _ = try await store.conditions(for: filter) }

    /// The enterprise with this code if the principal may see it, and the units covering it.
    func detail(creditCode: String) async throws -> (Enterprise, [OrgUnit]) {
        guard let id = try await store.id(creditCode: CreditCode.normalise(creditCode)),
              let enterprise = try await Enterprise.find(id, on: db) else { throw AppError(.notFound, "error.not_found") }
        let units = try await EnterpriseUnit.query(on: db).filter(\.$enterprise.$id == id).with(\.$unit).all().map(\.unit)
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
