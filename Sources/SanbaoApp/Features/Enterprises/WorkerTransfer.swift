@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain

/// Worker files in and out: `name,id_number,phone,enterprise_code,job,migrant,household,hardship`.
extension WorkerService {
    func importCSV(_ bytes: [UInt8], mode: ImportMode) async throws -> ImportOutcome {
        try principal.require(.manageRegistry)
        let file = ImportFile.open(bytes)
        if let refusal = file.refusal { return refusal }

        let (enterpriseID, visible) = try await store.enterpriseCodes()
        let codeOf = Dictionary(uniqueKeysWithValues: enterpriseID.map { ($1, $0) })
        let stored = Dictionary(uniqueKeysWithValues: try await Worker.query(on: db).all().map { ($0.idDigest, $0) })
        let cipher = app.fieldCipher
        let privateDigest: @Sendable (WorkerRecord) -> String = { cipher.digest($0.phone + "\u{1F}" + $0.household) }

        let plan = WorkerImportPlan(records: file.records, today: Self.today, existing: { id in
            stored[cipher.digest(id)].map {
                WorkerRecord(name: $0.name, idNumber: id, phone: "", enterpriseCode: codeOf[$0.$enterprise.id] ?? "", job: $0.job,
                             migrant: $0.migrant, household: "", hardship: .init(rawValue: $0.hardship) ?? .none)
            }
        }, samePrivate: { r in stored[cipher.digest(r.idNumber)]?.privateDigest == privateDigest(r) }, enterprise: { code in
            guard let id = enterpriseID[code] else { return .unknown }
            return visible.contains(id) ? .visible : .outsideScope
        })
        let summary = plan.summary.with(encoding: file.summary.encoding)
        let outcome = ImportOutcome(summary: summary, issues: plan.issues)
        if TableHeader.isFatal(plan.issues) { return outcome.nothingWritten() }
        if mode == .allOrNothing && summary.rejected > 0 { return outcome.nothingWritten(rolledBack: true) }

        let now = Date()
        let fileDigest = Hex.lower(SHA256.hash(data: bytes).prefix(8))
        try await app.serializedTransaction(on: db) { db in
            let store = WorkerStore(db: db, principal: principal)
            var inserts: [[any Encodable & Sendable]] = []
            var created = 0
            for row in plan.rows where row.action != .unchanged {
                let r = row.record
                let id = try ResidentID.check(r.idNumber, today: Self.today).get()
                let digest = cipher.digest(r.idNumber)
                let phoneCipher: String? = r.phone.isEmpty ? nil : try cipher.seal(r.phone)
                let phoneDigest: String? = r.phone.isEmpty ? nil : cipher.digest(r.phone)
                let household: String? = r.household.isEmpty ? nil : try cipher.seal(r.household)
                let after = ["name": r.name, "id_number": id.masked, "phone": r.phone.isEmpty ? "" : Phone.mask(r.phone),
                             "enterprise_code": r.enterpriseCode, "job": r.job, "migrant": "\(r.migrant)", "hardship": r.hardship.rawValue]
                if let old = stored[digest] {
                    try await store.update(old.id!, .init(name: r.name, phoneCipher: phoneCipher, phoneDigest: phoneDigest,
                                                          phoneMasked: r.phone.isEmpty ? "" : Phone.mask(r.phone),
                                                          enterprise: enterpriseID[r.enterpriseCode]!, job: r.job, migrant: r.migrant,
                                                          householdCipher: household, privateDigest: privateDigest(r),
                                                          hardship: r.hardship.rawValue), now: now)
                    try await AuditLog.record(db, by: principal, action: "worker.import_update", subjectType: "worker",
                                              subjectID: old.id!.uuidString,
                                              before: ["name": old.name, "job": old.job, "hardship": old.hardship,
                                                       "enterprise_code": codeOf[old.$enterprise.id] ?? "", "migrant": "\(old.migrant)"],
                                              after: after)
                } else {
                    inserts.append(try Self.newRow(id: UUID(), name: r.name, resident: id, phone: r.phone, enterpriseID: enterpriseID[r.enterpriseCode]!,
                                                   job: r.job, migrant: r.migrant, household: r.household, hardship: r.hardship,
                                                   cipher: cipher, now: now))
                    created += 1
                }
            }
            try await store.insert(inserts)
            if created > 0 {
                try await AuditLog.record(db, by: principal, action: "worker.import_create", subjectType: "worker_file",
                                          subjectID: fileDigest, after: ["created": "\(created)"])
            }
        }
        return outcome
    }

    /// A new registry worker as a row: the ID number, phone and household sealed, masked
    /// copies for lists, digests to find them again. From an import or from a visit.
    static func newRow(id: UUID, name: String, resident: ResidentID, phone: String, enterpriseID: UUID, job: String, migrant: Bool,
                       household: String, hardship: WorkerRecord.Hardship, cipher: FieldCipher, now: Date) throws -> [any Encodable & Sendable] {
        [id, name, try cipher.seal(resident.value), resident.masked, cipher.digest(resident.value),
         phone.isEmpty ? nil : try cipher.seal(phone), phone.isEmpty ? "" : Phone.mask(phone), phone.isEmpty ? nil : cipher.digest(phone),
         resident.isMale ? "m" : "f", resident.birthYear, enterpriseID, job, migrant, household.isEmpty ? nil : try cipher.seal(household),
         cipher.digest(phone + "\u{1F}" + household), hardship.rawValue, now, now]
    }

    /// Masked ID numbers, phones and no household text, unless `clear` is asked for by the
    /// assistance centre or the office (audited); only a clear export re-imports.
    func exportCSV(clear: Bool = false) async throws -> String { CSVWriter.document(try await exportRows(clear: clear)) }

    func exportRows(clear: Bool = false) async throws -> [[String]] {
        if clear { try principal.require(.revealWorkerData) }
        var out = [WorkerRecord.header.columns.map(\.key)]
        let cipher = app.fieldCipher
        var count = 0
        // Keyset pages by id: constant cost per page however many workers there are.
        var last: UUID?
        while true {
            let page = try await store.exportPage(after: last)
            guard let tail = page.last else { break }
            for w in page {
                var record = WorkerRecord(name: w.name, idNumber: w.id_masked, phone: w.phone_masked, enterpriseCode: w.enterprise_code,
                                          job: w.job, migrant: w.migrant, household: "", hardship: .init(rawValue: w.hardship) ?? .none)
                if clear {
                    record.idNumber = try cipher.open(w.id_cipher)
                    record.phone = try w.phone_cipher.map(cipher.open) ?? ""
                    record.household = try w.household_cipher.map(cipher.open) ?? ""
                }
                var fields = record.csvFields
                // Hardship is the assistance centre's and the office's to know (as on the pages).
                if !hardshipShown { fields[fields.count - 1] = "" }
                out.append(fields)
            }
            count += page.count
            last = tail.id
        }
        if clear {
            try await AuditLog.record(db, by: principal, action: "personal_data.export", subjectType: "worker", subjectID: "*",
                                      after: ["field": "id_number,phone,household", "rows": "\(count)"])
        }
        return out
    }
}
