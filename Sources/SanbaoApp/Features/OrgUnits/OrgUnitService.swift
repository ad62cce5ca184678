import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Reading and restructuring the org tree, for pages, the API and the command line alike.
/// Every read goes through the principal's `Scope`; every write checks it and is audited.
struct OrgUnitService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    var store: OrgUnitStore { OrgUnitStore(db: db, principal: principal) }

    // MARK: Reading

    func list(_ page: PageRequest, parentCode: String? = nil, search: String? = nil, includeRetired: Bool = false,
              locale: AppLocale) async throws -> Page<OrgUnitDTO> {
        var parent: UUID?
        if let parentCode, !parentCode.isEmpty { parent = try await scope.unit(code: parentCode, on: db).id }
        let (rows, total) = try await store.list(page, parent: parent, search: search?.trimmingCharacters(in: .whitespaces) ?? "",
                                                 includeRetired: includeRetired)
        let items = rows.map { r in
            OrgUnitDTO(code: r.code, name: r.name, kind: OrgUnitKind(rawValue: r.kind) ?? .enterpriseUnion, parentCode: r.parent_code,
                       territory: r.territory, sectors: r.sectors, lat: r.lat, lon: r.lon, depth: r.depth,
                       retired: r.retired_at != nil, locale: locale)
        }
        return Page(items: items, page: page.page, per: page.per, total: total)
    }

    func parentCodes(of units: [OrgUnit]) async throws -> [UUID: String] {
        let ids = Set(units.compactMap { $0.$parent.id })
        guard !ids.isEmpty else { return [:] }
        // Parent codes are not secret: a unit's own record names its parent.
        let parents = try await OrgUnit.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: parents.map { ($0.id!, $0.code) })
    }

    /// The unit's ancestors from the root down, as far as the principal may see them.
    func ancestors(of unit: OrgUnit) async throws -> [OrgUnit] {
        let ids = UnitPath(unit.path).ids.dropLast()
        guard !ids.isEmpty else { return [] }
        let found = try await scope.query(OrgUnit.self, on: db).filter(\.$id ~~ ids).all()
        return found.sorted { $0.depth < $1.depth }
    }

    /// Active units, people and cadres in each given unit's subtree, by unit id.
    func subtreeCounts(of units: [OrgUnit]) async throws -> [UUID: OrgUnitStore.Counts] { try await store.subtreeCounts(of: units) }

    func children(of unit: OrgUnit, includeRetired: Bool = false) async throws -> [OrgUnit] {
        let query = scope.query(OrgUnit.self, on: db).filter(\.$parent.$id == unit.id)
        if !includeRetired { query.filter(\.$retiredAt == nil) }
        return try await query.sort(\.$code).all()
    }

    /// The active units in the principal's part of the tree, as a form's choices ("name（code）"),
    /// the tree's upper levels first; `below`: only those under the principal's own unit (an
    /// order goes down the tree).
    func choices(below: Bool = false, limit: Int = 1000) async throws -> [Choice] {
        try await store.active(below: below, limit: limit).map { Choice(value: $0.code, label: "\($0.name)（\($0.code)）") }
    }

    /// Where a tree walk starts: the principal's unit, or the root for the CLI.
    func home() async throws -> OrgUnit {
        if let id = principal.unitID, let unit = try await scope.query(OrgUnit.self, on: db).filter(\.$id == id).first() {
            return unit
        }
        guard let root = try await scope.query(OrgUnit.self, on: db).filter(\.$parent.$id == nil).first() else {
            throw AppError(.notFound, "error.no_tree")
        }
        return root
    }

    // MARK: Writing

    func create(_ input: OrgUnitInput) async throws -> OrgUnit {
        try principal.require(.manageUnits)
        let (parsed, issues) = OrgUnitRecord.parse(line: 0, input.value)
        guard let record = parsed else { throw AppError.invalid(issues.map(\.fieldIssue)) }
        let parent: OrgUnit?
        if let parentCode = record.parentCode {
            let p = try await scope.unit(code: parentCode, on: db)
            guard !p.isRetired else { throw AppError.invalid([AppError.field("parent_code", "import.reason.retired_parent", [parentCode, ""])]) }
            parent = p
        } else {
            guard scope.isEverything, try await OrgUnit.query(on: db).filter(\.$parent.$id == nil).count() == 0 else {
                throw AppError.invalid([AppError.field("parent_code", "import.reason.second_root", ["", ""])])
            }
            parent = nil
        }
        if try await OrgUnit.query(on: db).filter(\.$code == record.code).count() > 0 {
            throw AppError.invalid([AppError.field("code", "import.reason.duplicate_code", [record.code, ""])])
        }
        let unit = OrgUnit()
        // The check above answers the common case; two creating the same code at once meet the
        // unique index, and the second hears the same "taken" instead of a 500.
        try await UniqueViolation.named("code", "import.reason.duplicate_code", [record.code, ""]) {
            try await app.serializedTransaction(on: db) { db in
                try await Self.insert(record, under: parent, into: unit, on: db)
                try await AuditLog.record(db, by: principal, action: "org_unit.create", subjectType: "org_unit",
                                          subjectID: record.code, after: Self.auditFields(record))
            }
        }
        return unit
    }

    static func insert(_ record: OrgUnitRecord, under parent: OrgUnit?, into unit: OrgUnit, on db: any Database) async throws {
        let id = UUID()
        unit.id = id
        unit.apply(record)
        unit.$parent.id = parent?.id
        unit.path = OrgUnit.path(parentPath: parent?.path, id: id)
        unit.depth = (parent?.depth ?? -1) + 1
        try await unit.create(on: db)
    }

    func rename(code: String, to newName: String) async throws {
        try principal.require(.manageUnits)
        let unit = try await restructurable(code)
        let name = newName.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason = FieldRules.nameIssue(name) {
            throw AppError.invalid([AppError.field("name", "import.reason.\(reason.rawValue)", [name, ""])])
        }
        let old = unit.name
        guard old != name else { return }
        unit.name = name
        try await app.serializedTransaction(on: db) { db in
            try await unit.update(on: db)
            try await AuditLog.record(db, by: principal, action: "org_unit.rename", subjectType: "org_unit", subjectID: code,
                                      before: ["name": old], after: ["name": name])
        }
    }

    func move(code: String, under newParentCode: String) async throws {
        try principal.require(.manageUnits)
        let unit = try await restructurable(code)
        let parent = try await scope.unit(code: newParentCode, on: db)
        guard !parent.isRetired else {
            throw AppError.invalid([AppError.field("parent_code", "import.reason.retired_parent", [newParentCode, ""])])
        }
        guard !parent.path.hasPrefix(unit.path) else {
            throw AppError.invalid([AppError.field("parent_code", "import.reason.cycle", [newParentCode, code])])
        }
        let oldParentCode = try await parentCodes(of: [unit]).values.first ?? ""
        guard parent.id != unit.$parent.id else { return }
        try await app.serializedTransaction(on: db) { db in
            try await Self.reparent(unit, under: parent, on: db)
            // The progress tallies roll up the tree: a move changes whose figures they are.
            try await Tallies.rebuild(.visits, on: db)
            try await AuditLog.record(db, by: principal, action: "org_unit.move", subjectType: "org_unit", subjectID: code,
                                      before: ["parent_code": oldParentCode], after: ["parent_code": newParentCode])
        }
    }

    /// Moves a unit and rewrites the paths and depths of its whole subtree in one statement.
    static func reparent(_ unit: OrgUnit, under parent: OrgUnit, on db: any Database) async throws {
        let oldPath = unit.path
        let newPath = OrgUnit.path(parentPath: parent.path, id: unit.id!)
        let delta = parent.depth + 1 - unit.depth
        unit.$parent.id = parent.id
        try await unit.update(on: db)
        try await OrgUnitStore.movePaths(from: oldPath, to: newPath, depthDelta: delta, on: db)
        unit.path = newPath
        unit.depth += delta
    }

    func retire(code: String) async throws {
        try principal.require(.manageUnits)
        let unit = try await restructurable(code)
        guard !unit.isRetired else { return }
        let activeChildren = try await OrgUnit.query(on: db).filter(\.$parent.$id == unit.id).filter(\.$retiredAt == nil).count()
        let activeUsers = try await User.query(on: db).filter(\.$unit.$id == unit.id!).filter(\.$retiredAt == nil).count()
        guard activeChildren == 0, activeUsers == 0 else {
            throw AppError(.conflict, "error.retire_nonempty", ["\(activeChildren)", "\(activeUsers)"])
        }
        unit.retiredAt = Date()
        try await app.serializedTransaction(on: db) { db in
            try await unit.update(on: db)
            try await AuditLog.record(db, by: principal, action: "org_unit.retire", subjectType: "org_unit", subjectID: code,
                                      before: ["retired": "false"], after: ["retired": "true"])
        }
    }

    /// A unit the principal may restructure: visible and strictly below their own unit
    /// (the office: anywhere). Others' units are "not found"; their own unit is "forbidden".
    private func restructurable(_ code: String) async throws -> OrgUnit {
        let unit = try await scope.unit(code: code, on: db)
        guard scope.mayRestructure(unit) else { throw AppError(.forbidden, "error.own_unit") }
        return unit
    }

    static func auditFields(_ r: OrgUnitRecord) -> [String: String] {
        ["code": r.code, "name": r.name, "kind": r.kind.rawValue, "parent_code": r.parentCode ?? "",
         "territory": r.territory, "sectors": Jurisdiction.format(r.sectors),
         "lat": r.lat.map(Coordinates.format) ?? "", "lon": r.lon.map(Coordinates.format) ?? ""]
    }
}
