@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain

/// Enterprise files in and out. A file is read, checked and written in batches inside one
/// transaction, so a province's million-row list takes bounded memory and a file that turns
/// out unreadable halfway leaves nothing behind. New enterprises go in multi-row inserts;
/// changed ones one by one, each audited with what changed.
extension EnterpriseService {
    static let importBatch = 5_000

    func importCSV(_ bytes: [UInt8], mode: ImportMode, allowLegacyCodes: Bool = false) async throws -> ImportOutcome {
        try await importFile(.bytes(bytes), mode: mode, allowLegacyCodes: allowLegacyCodes)
    }

    /// - Parameters:
    ///   - batchSize, pieceSize: rows checked and written at a time, and bytes read at a time
    ///     (tests make them small to cross batch and piece boundaries with a small file).
    func importFile(_ source: ImportSource, mode: ImportMode, allowLegacyCodes: Bool = false,
                    batchSize: Int = importBatch, pieceSize: Int = RecordBatches.pieceSize) async throws -> ImportOutcome {
        try principal.require(.manageRegistry)
        let run = Run(plan: EnterpriseImportPlan(allowLegacyCodes: allowLegacyCodes))
        do { run.batches = try RecordBatches(source, pieceSize: pieceSize) } catch let e as UnreadableFile {
            run.plan.refuse(e.issue)
            run.encoding = "XLSX"
            return run.outcome(writing: false)
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
        let cipher = app.fieldCipher
        let now = Date()
        do {
            // One long write: other writers in this process wait for it instead of spinning.
            try await app.serializedTransaction(on: db) { db in
                try await EnterpriseStore(db: db, principal: principal).withBulkSettings {
                    // Reading and checking the next batch overlaps with writing the last one.
                    var writing: Task<Int, any Error>?
                    do {
                        var ids = TimeOrderedID()
                        while let records = try run.batches!.next(batchSize) {
                            run.encoding = run.batches!.encoding ?? ""
                            var parsed = run.plan.read(records)
                            if run.plan.isUnreadable { throw Stop.unreadable }
                            var covering: [String: [OrgUnit]] = [:]
                            parsed.removeAll { row in
                                let units = coverage.covering(divisionCode: row.record.divisionCode, industry: row.record.industry).compactMap { unitByCode[$0] }
                                if !scope.isEverything && !units.contains(where: scope.contains) {
                                    run.plan.refuse(ImportIssue(row: row.line, column: "division_code", value: row.record.divisionCode, reason: .outsideScope))
                                    return true
                                }
                                covering[row.record.creditCode] = units
                                return false
                            }
                            // New rows are made ready while the last batch is still being written
                            // (skipped while a re-import finds everything already there).
                            let ready = run.expectNew ? try prepareInserts(parsed, covering: covering, ids: &ids, now: now, on: db) : [:]
                            // The last batch must be in before this one is compared with what is stored.
                            if let last = writing {
                                let created = try await last.value
                                run.created += created
                                run.expectNew = created > 0
                            }
                            writing = nil
                            let stored = try await Enterprise.query(on: db).filter(\.$creditCode ~~ parsed.map(\.record.creditCode)).all()
                            let byCode = Dictionary(stored.map { ($0.creditCode, $0) }, uniquingKeysWith: { a, _ in a })
                            let rows = run.plan.decide(parsed, existing: { byCode[$0]?.maskedRecord }) { code, contact in
                                guard let e = byCode[code] else { return false }
                                // A masked export read back in leaves the stored contact as it is.
                                return contact == e.contactMasked || (contact.isEmpty ? e.contactDigest == nil : cipher.digest(contact) == e.contactDigest)
                            }
                            // With all-or-nothing, a refused row means nothing will be kept: read on
                            // for the report, write no more.
                            if mode == .allOrNothing && run.plan.refusedAny { continue }
                            var inserts: [Insertion] = []
                            for row in rows where row.action == .create {
                                inserts.append(try ready[row.record.creditCode]
                                    ?? prepareInserts([(row.line, row.record)], covering: covering, ids: &ids, now: now, on: db)[row.record.creditCode]!)
                            }
                            let updates = rows.filter { $0.action == .update }
                            let units = covering
                            writing = Task {
                                try await update(updates, covering: units, stored: byCode, now: now, on: db)
                                try await insert(inserts, on: db)
                                return inserts.count
                            }
                        }
                        if let last = writing { run.created += try await last.value }
                    } catch {
                        _ = try? await writing?.value
                        throw error
                    }
                }
                run.plan.finish()
                run.encoding = run.batches!.encoding ?? run.encoding
                if run.plan.isUnreadable { throw Stop.unreadable }
                if mode == .allOrNothing && run.plan.refusedAny { throw Stop.rolledBack }
                // New records are one event for the whole file (a city list has tens of thousands);
                // each changed record has its own, with what changed.
                if run.created > 0 {
                    try await AuditLog.record(db, by: principal, action: "enterprise.import_create", subjectType: "enterprise_file",
                                              subjectID: run.batches!.digest, after: ["created": "\(run.created)"])
                }
            }
        } catch let e as UnreadableFile {
            run.plan.refuse(e.issue)
            run.encoding = run.batches?.encoding ?? run.encoding
            return run.outcome(writing: false)
        } catch Stop.unreadable {
            return run.outcome(writing: false)
        } catch Stop.rolledBack {
            return run.outcome(writing: false, rolledBack: true)
        }
        return run.outcome(writing: true)
    }

    /// One import's state as it reads on; the transaction's closure runs it step by step,
    /// never two steps at once.
    private final class Run: @unchecked Sendable {
        var plan: EnterpriseImportPlan
        var batches: RecordBatches?
        var encoding = ""
        var created = 0
        /// Whether the next batch is likely to hold new enterprises (it is until one has none).
        var expectNew = true

        init(plan: EnterpriseImportPlan) { self.plan = plan }

        func outcome(writing: Bool, rolledBack: Bool = false) -> ImportOutcome {
            let issues = plan.issues.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
            let result = ImportOutcome(summary: plan.summary.with(encoding: encoding), issues: issues)
            return writing ? result : result.nothingWritten(rolledBack: rolledBack)
        }
    }

    private enum Stop: Error { case unreadable, rolledBack }

    /// A new enterprise and its links to the covering units, ready to insert.
    private struct Insertion: Sendable {
        var enterprise: BulkInsert.Row
        var links: [BulkInsert.Row]
    }

    private func prepareInserts(_ parsed: [(line: Int, record: EnterpriseRecord)], covering: [String: [OrgUnit]],
                                ids: inout TimeOrderedID, now: Date, on db: any Database) throws -> [String: Insertion] {
        let cipher = app.fieldCipher
        var out: [String: Insertion] = [:]
        out.reserveCapacity(parsed.count)
        for (_, r) in parsed {
            let id = ids.next(now: now)
            let enterprise = try BulkInsert.Row([
                id, r.creditCode, r.name, EnterpriseName.key(r.name), r.aliases.joined(separator: ";"), r.address,
                EnterpriseName.addressKey(r.address), r.divisionCode, r.industry.description, r.sizeClass.rawValue, r.aboveScale,
                r.employees, r.migrantWorkers, r.unionEstablished, r.legalRep, r.contact.isEmpty ? nil : try cipher.seal(r.contact),
                ContactMask.mask(r.contact), r.contact.isEmpty ? nil : cipher.digest(r.contact), r.lat, r.lon,
                r.tags.joined(separator: ";"), now, now], for: db)
            let links = try (covering[r.creditCode] ?? []).map { try BulkInsert.Row([ids.next(now: now), id, $0.id!], for: db) }
            out[r.creditCode] = Insertion(enterprise: enterprise, links: links)
        }
        return out
    }

    private func insert(_ inserts: [Insertion], on db: any Database) async throws {
        try await EnterpriseStore(db: db, principal: principal).insert(inserts.map(\.enterprise), units: inserts.flatMap(\.links))
    }

    /// Changed enterprises one by one, each audited with what changed.
    private func update(_ rows: [EnterpriseImportPlan.Row], covering: [String: [OrgUnit]], stored byCode: [String: Enterprise],
                        now: Date, on db: any Database) async throws {
        let store = EnterpriseStore(db: db, principal: principal)
        let cipher = app.fieldCipher
        for row in rows {
            let r = row.record
            let old = byCode[r.creditCode]!
            let keepContact = r.contact == old.contactMasked
            let contactCipher: String? = keepContact ? old.contactCipher : (r.contact.isEmpty ? nil : try cipher.seal(r.contact))
            let contactDigest: String? = keepContact ? old.contactDigest : (r.contact.isEmpty ? nil : cipher.digest(r.contact))
            let contactMasked = keepContact ? old.contactMasked : ContactMask.mask(r.contact)
            var after = Self.auditFields(r)
            after["contact"] = contactMasked
            try await store.update(old.id!, to: r, contact: (contactCipher, contactMasked, contactDigest),
                                   covering: (covering[r.creditCode] ?? []).map { $0.id! }, now: now)
            try await AuditLog.record(db, by: principal, action: "enterprise.import_update", subjectType: "enterprise",
                                      subjectID: r.creditCode, before: Self.auditFields(old.maskedRecord), after: after)
        }
    }

    /// Enterprises in scope, as a file that re-imports unchanged. Contacts are masked unless
    /// `clearContacts` is asked for by someone allowed to see them (audited).
    func exportCSV(filter: Filter = Filter(), clearContacts: Bool = false) async throws -> String {
        CSVWriter.document(try await exportRows(filter: filter, clearContacts: clearContacts))
    }

    func exportRows(filter: Filter = Filter(), clearContacts: Bool = false) async throws -> [[String]] {
        let all = RowCollector()
        try await exportPages(filter: filter, clearContacts: clearContacts) { all.rows += $0 }
        return all.rows
    }

    /// The export a page at a time (the header first), so that a million rows go out in
    /// constant memory: the command line writes each page to the file, a download streams it.
    func exportPages(filter: Filter = Filter(), clearContacts: Bool = false,
                     _ sink: @Sendable ([[String]]) async throws -> Void) async throws {
        if clearContacts { try principal.require(.revealPersonalData) }
        let conditions = try await store.conditions(for: filter)
        let cipher = app.fieldCipher
        try await sink([EnterpriseRecord.header.columns.map(\.key)])
        var count = 0
        // Keyset pages (code > last code): each page costs the same however deep the export is.
        var last = ""
        while true {
            let page = try await store.exportPage(conditions, after: last)
            guard let tail = page.last else { break }
            try await sink(try page.map { e in
                let contact = clearContacts ? try e.contact_cipher.map(cipher.open) ?? "" : e.contact_masked
                return [e.credit_code, e.name, e.aliases, e.address, e.division_code, e.industry_code, e.size_class,
                        e.above_scale ? "yes" : "no", "\(e.employees)", "\(e.migrant_workers)", e.union_established ? "yes" : "no",
                        e.legal_rep, contact, e.lat.map(Coordinates.format) ?? "", e.lon.map(Coordinates.format) ?? "", e.tags]
            })
            count += page.count
            last = tail.credit_code
        }
        if clearContacts {
            try await AuditLog.record(db, by: principal, action: "personal_data.export", subjectType: "enterprise", subjectID: "*",
                                      after: ["field": "contact", "rows": "\(count)"])
        }
    }
}
