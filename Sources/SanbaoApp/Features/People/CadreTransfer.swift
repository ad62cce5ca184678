import Fluent
import Foundation
import SanbaoDomain

/// Cadre lists in and out: `staff_no,name,unit_code,phone,lat,lon,capacity`. A cadre is a
/// user (sign-in name = staff number, role cadre) with a home location and a capacity.
extension UserService {
    func importCadres(_ bytes: [UInt8], mode: ImportMode) async throws -> ImportOutcome {
        try principal.require(.importCadres)
        let file = ImportFile.open(bytes)
        if let refusal = file.refusal { return refusal }

        let units = try await OrgUnit.query(on: db).filter(\.$retiredAt == nil).all()
        let knownUnits = Set(units.map(\.code))
        let writable = Set(units.filter { scope.contains($0) }.map(\.code))
        let unitByID = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })
        let cadres = try await Cadre.query(on: db).with(\.$user).all()
        let cipher = app.fieldCipher
        var existing: [String: CadreRecord] = [:]
        var phoneDigestOf: [String: String?] = [:]
        for c in cadres {
            // Compare phones by digest: no decryption needed to tell "unchanged".
            existing[c.staffNo] = CadreRecord(staffNo: c.staffNo, name: c.user.displayName,
                                              unitCode: unitByID[c.user.$unit.id]?.code ?? "", phone: "",
                                              lat: c.lat, lon: c.lon, capacity: c.capacity)
            phoneDigestOf[c.staffNo] = c.user.phoneDigest
        }
        let cadreUserIDs = Set(cadres.map { $0.$user.id })
        let others = try await User.query(on: db).all().filter { !cadreUserIDs.contains($0.id!) }.map(\.username)
        let plan = CadreImportPlan(records: file.records, existing: existing, writableUnits: writable, knownUnits: knownUnits,
                                   takenUsernames: Set(others)) { staffNo, phone in
            (phoneDigestOf[staffNo] ?? nil) == (phone.isEmpty ? nil : cipher.digest(phone))
        }
        let summary = plan.summary.with(encoding: file.summary.encoding)
        let outcome = ImportOutcome(summary: summary, issues: plan.issues)
        if TableHeader.isFatal(plan.issues) { return outcome.nothingWritten() }
        if mode == .allOrNothing && summary.rejected > 0 { return outcome.nothingWritten(rolledBack: true) }

        let unitByCode = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0) })
        let stored = existing
        let cadreByStaffNo = Dictionary(uniqueKeysWithValues: cadres.map { ($0.staffNo, $0) })
        try await app.serializedTransaction(on: db) { db in
            for row in plan.rows where row.action != .unchanged {
                let r = row.record
                let unit = unitByCode[r.unitCode]!
                let cadre = cadreByStaffNo[r.staffNo] ?? Cadre()
                let user = row.action == .create ? User(username: r.staffNo, displayName: r.name, unitID: unit.id!, roles: [.cadre]) : cadre.user
                user.displayName = r.name
                user.$unit.id = unit.id!
                user.roles.insert(.cadre)
                if r.phone.isEmpty {
                    user.phoneCipher = nil
                    user.phoneMasked = nil
                    user.phoneDigest = nil
                } else {
                    try setPhone(r.phone, on: user)
                }
                try await user.save(on: db)
                cadre.$user.id = user.id!
                cadre.staffNo = r.staffNo
                cadre.lat = r.lat
                cadre.lon = r.lon
                cadre.capacity = r.capacity
                try await cadre.save(on: db)
                var after = Self.auditFields(r)
                after["phone"] = user.phoneMasked ?? ""
                let before = stored[r.staffNo].map(Self.auditFields)
                try await AuditLog.record(db, by: principal, action: row.action == .create ? "cadre.import_create" : "cadre.import_update",
                                          subjectType: "cadre", subjectID: r.staffNo, before: before, after: after)
            }
        }
        return outcome
    }

    /// The export carries clear phone numbers, so it needs the right to see them and is audited.
    func exportCadres() async throws -> String { CSVWriter.document(try await exportCadreRows()) }

    func exportCadreRows() async throws -> [[String]] {
        try principal.require(.revealPersonalData)
        let cadres = try await scope.query(Cadre.self, on: db).with(\.$user) { $0.with(\.$unit) }.sort(\.$staffNo).all()
        let cipher = app.fieldCipher
        var out = [CadreRecord.header.columns.map(\.key)]
        for c in cadres where c.user.retiredAt == nil {
            let phone = try c.user.phoneCipher.map(cipher.open) ?? ""
            out.append(CadreRecord(staffNo: c.staffNo, name: c.user.displayName, unitCode: c.user.unit.code,
                                   phone: phone, lat: c.lat, lon: c.lon, capacity: c.capacity).csvFields)
        }
        try await AuditLog.record(db, by: principal, action: "personal_data.export", subjectType: "cadre",
                                  subjectID: "*", after: ["field": "phone", "rows": "\(cadres.count)"])
        return out
    }

    static func auditFields(_ r: CadreRecord) -> [String: String] {
        ["name": r.name, "unit_code": r.unitCode, "lat": r.lat.map(Coordinates.format) ?? "",
         "lon": r.lon.map(Coordinates.format) ?? "", "capacity": "\(r.capacity)"]
    }
}
