@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import SQLKit

/// Enterprise files in and out. New enterprises are written in multi-row inserts (a city
/// list is tens of thousands of rows); changed ones one by one, each audited with what changed.
extension EnterpriseService {
    func importCSV(_ bytes: [UInt8], mode: ImportMode, allowLegacyCodes: Bool = false) async throws -> ImportOutcome {
        try principal.require(.manageRegistry)
        let (records, encoding, fileIssue) = ImportFile.records(bytes)
        var summary = ImportSummary()
        summary.encoding = encoding ?? ""
        if let fileIssue { return ImportOutcome(summary: summary, issues: [fileIssue]) }

        let stored = try await Enterprise.query(on: db).all()
        let byCode = Dictionary(uniqueKeysWithValues: stored.map { ($0.creditCode, $0) })
        let cipher = app.fieldCipher
        let plan = EnterpriseImportPlan(records: records, existing: { byCode[$0]?.maskedRecord }, allowLegacyCodes: allowLegacyCodes) { code, contact in
            guard let e = byCode[code] else { return false }
            // A masked export read back in leaves the stored contact as it is.
            return contact == e.contactMasked || (contact.isEmpty ? e.contactDigest == nil : cipher.digest(contact) == e.contactDigest)
        }

        // Coverage and scope: each enterprise goes to the most specific covering units; a unit
        // admin may only import enterprises that land somewhere in their subtree.
        let units = try await OrgUnit.query(on: db).filter(\.$retiredAt == nil).all()
        let unitByID = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })
        let unitByCode = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0) })
        let coverage = Coverage(units: units.map {
            .init(code: $0.code, parentCode: $0.$parent.id.flatMap { unitByID[$0]?.code },
                  jurisdiction: Jurisdiction(territory: $0.territory, sectors: $0.sectors))
        })
        var issues = plan.issues
        var rows: [(row: EnterpriseImportPlan.Row, units: [OrgUnit])] = []
        for row in plan.rows {
            let covering = coverage.covering(divisionCode: row.record.divisionCode, industry: row.record.industry).compactMap { unitByCode[$0] }
            if !scope.isEverything && !covering.contains(where: scope.contains) {
                issues.append(ImportIssue(row: row.line, column: "division_code", value: row.record.divisionCode, reason: .outsideScope))
                continue
            }
            rows.append((row, covering))
        }
        issues.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        summary = ImportSummary(actions: rows.map(\.row.action), issues: issues).with(encoding: summary.encoding)
        let outcome = ImportOutcome(summary: summary, issues: issues)
        if TableHeader.isFatal(issues) { return outcome.nothingWritten() }
        if mode == .allOrNothing && summary.rejected > 0 { return outcome.nothingWritten(rolledBack: true) }

        let now = Date()
        let accepted = rows
        let fileDigest = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            var newEnterprises: [[any Encodable & Sendable]] = []
            var newLinks: [[any Encodable & Sendable]] = []
            var created = 0
            for (row, covering) in accepted where row.action != .unchanged {
                let r = row.record
                let old = byCode[r.creditCode]
                let keepContact = old.map { r.contact == $0.contactMasked } ?? false
                let contactCipher: String? = keepContact ? old?.contactCipher : (r.contact.isEmpty ? nil : try cipher.seal(r.contact))
                let contactDigest: String? = keepContact ? old?.contactDigest : (r.contact.isEmpty ? nil : cipher.digest(r.contact))
                let contactMasked = keepContact ? old!.contactMasked : ContactMask.mask(r.contact)
                var after = Self.auditFields(r)
                after["contact"] = contactMasked
                if let old {
                    try await sql.raw("""
                        UPDATE enterprises SET name = \(bind: r.name), name_key = \(bind: EnterpriseName.key(r.name)),
                        aliases = \(bind: r.aliases.joined(separator: ";")), address = \(bind: r.address),
                        address_key = \(bind: EnterpriseName.addressKey(r.address)),
                        division_code = \(bind: r.divisionCode), industry_code = \(bind: r.industry.description),
                        size_class = \(bind: r.sizeClass.rawValue), above_scale = \(bind: r.aboveScale), employees = \(bind: r.employees),
                        migrant_workers = \(bind: r.migrantWorkers), union_established = \(bind: r.unionEstablished),
                        legal_rep = \(bind: r.legalRep), contact_cipher = \(bind: contactCipher), contact_masked = \(bind: contactMasked),
                        contact_digest = \(bind: contactDigest), lat = \(bind: r.lat), lon = \(bind: r.lon),
                        tags = \(bind: r.tags.joined(separator: ";")), updated_at = \(bind: now) WHERE id = \(bind: old.id!)
                        """).run()
                    try await sql.raw("DELETE FROM enterprise_units WHERE enterprise_id = \(bind: old.id!)").run()
                    for unit in covering { newLinks.append([UUID(), old.id!, unit.id!]) }
                    try await AuditLog.record(db, by: principal, action: "enterprise.import_update", subjectType: "enterprise",
                                              subjectID: r.creditCode, before: Self.auditFields(old.maskedRecord), after: after)
                } else {
                    let id = UUID()
                    newEnterprises.append([id, r.creditCode, r.name, EnterpriseName.key(r.name), r.aliases.joined(separator: ";"),
                                           r.address, EnterpriseName.addressKey(r.address), r.divisionCode, r.industry.description, r.sizeClass.rawValue, r.aboveScale,
                                           r.employees, r.migrantWorkers, r.unionEstablished, r.legalRep, contactCipher,
                                           contactMasked, contactDigest, r.lat, r.lon, r.tags.joined(separator: ";"), now, now])
                    for unit in covering { newLinks.append([UUID(), id, unit.id!]) }
                    created += 1
                }
            }
            try await Self.insert(into: "enterprises", columns: ["id", "credit_code", "name", "name_key", "aliases", "address",
                "address_key", "division_code", "industry_code", "size_class", "above_scale", "employees", "migrant_workers", "union_established",
                "legal_rep", "contact_cipher", "contact_masked", "contact_digest", "lat", "lon", "tags", "created_at", "updated_at"],
                rows: newEnterprises, on: sql)
            try await Self.insert(into: "enterprise_units", columns: ["id", "enterprise_id", "unit_id"], rows: newLinks, on: sql)
            // New records are one event for the whole file (a city list has tens of thousands);
            // each changed record has its own, with what changed.
            if created > 0 {
                try await AuditLog.record(db, by: principal, action: "enterprise.import_create", subjectType: "enterprise_file",
                                          subjectID: fileDigest, after: ["created": "\(created)"])
            }
        }
        return outcome
    }

    /// Multi-row INSERTs, in chunks that stay under SQLite's and PostgreSQL's bind limits.
    static func insert(into table: String, columns: [String], rows: [[any Encodable & Sendable]], on sql: any SQLDatabase) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var insert = sql.insert(into: table).columns(columns)
            for row in chunk { insert = insert.values(row) }
            try await insert.run()
            start += perStatement
        }
    }

    /// Enterprises in scope, as a file that re-imports unchanged. Contacts are masked unless
    /// `clearContacts` is asked for by someone allowed to see them (audited).
    func exportCSV(filter: Filter = Filter(), clearContacts: Bool = false) async throws -> String {
        CSVWriter.document(try await exportRows(filter: filter, clearContacts: clearContacts))
    }

    func exportRows(filter: Filter = Filter(), clearContacts: Bool = false) async throws -> [[String]] {
        if clearContacts { try principal.require(.revealPersonalData) }
        struct Stored: Decodable {
            var credit_code: String, name: String, aliases: String, address: String, division_code: String, industry_code: String
            var size_class: String, above_scale: Bool, employees: Int, migrant_workers: Int, union_established: Bool
            var legal_rep: String, contact_masked: String, contact_cipher: String?, lat: Double?, lon: Double?, tags: String
        }
        let conditions = try await conditions(for: filter)
        let cipher = app.fieldCipher
        var out = [EnterpriseRecord.header.columns.map(\.key)]
        // Keyset pages (code > last code): each page costs the same however deep the export is.
        var last = ""
        while true {
            let page = try await sql.raw("""
                SELECT e.credit_code, e.name, e.aliases, e.address, e.division_code, e.industry_code, e.size_class, e.above_scale,
                       e.employees, e.migrant_workers, e.union_established, e.legal_rep, e.contact_masked, e.contact_cipher,
                       e.lat, e.lon, e.tags
                FROM enterprises e WHERE \(SQLList(conditions, separator: SQLRaw(" AND "))) AND e.credit_code > \(bind: last)
                ORDER BY e.credit_code LIMIT 5000
                """).all(decoding: Stored.self)
            guard let tail = page.last else { break }
            for e in page {
                let contact = clearContacts ? try e.contact_cipher.map(cipher.open) ?? "" : e.contact_masked
                out.append([e.credit_code, e.name, e.aliases, e.address, e.division_code, e.industry_code, e.size_class,
                            e.above_scale ? "yes" : "no", "\(e.employees)", "\(e.migrant_workers)", e.union_established ? "yes" : "no",
                            e.legal_rep, contact, e.lat.map(Coordinates.format) ?? "", e.lon.map(Coordinates.format) ?? "", e.tags])
            }
            last = tail.credit_code
        }
        if clearContacts {
            try await AuditLog.record(db, by: principal, action: "personal_data.export", subjectType: "enterprise", subjectID: "*",
                                      after: ["field": "contact", "rows": "\(out.count - 1)"])
        }
        return out
    }
}
