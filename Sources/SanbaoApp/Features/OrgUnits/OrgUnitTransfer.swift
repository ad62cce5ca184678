import Fluent
import Foundation
import SanbaoDomain

/// Org-unit files in and out: `code,name,kind,parent_code,territory,sectors,lat,lon`.
extension OrgUnitService {
    func importCSV(_ bytes: [UInt8], mode: ImportMode) async throws -> ImportOutcome {
        try principal.require(.manageUnits)
        let file = ImportFile.open(bytes)
        if let refusal = file.refusal { return refusal }

        // The plan needs the whole tree to find parents and loops; scope is applied by
        // `scopeRoot`, and codes outside the scope come back only as "outside scope".
        let all = try await OrgUnit.query(on: db).all()
        let codeOf = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0.code) })
        var existing: [String: OrgUnitImportPlan.Existing] = [:]
        for unit in all {
            existing[unit.code] = .init(record: unit.record(parentCode: unit.$parent.id.flatMap { codeOf[$0] }),
                                        retired: unit.isRetired)
        }
        let plan = OrgUnitImportPlan(records: file.records, existing: existing, scopeRoot: scope.isEverything ? nil : principal.unitCode)
        let summary = plan.summary.with(encoding: file.summary.encoding)
        let outcome = ImportOutcome(summary: summary, issues: plan.issues)
        if TableHeader.isFatal(plan.issues) || plan.issues.contains(where: { $0.row == 0 }) {
            return outcome.nothingWritten()
        }
        if mode == .allOrNothing && summary.rejected > 0 { return outcome.nothingWritten(rolledBack: true) }

        let before = existing
        try await app.serializedTransaction(on: db) { db in
            // The progress tallies roll up the tree: a move changes whose figures they are.
            var moved = false
            for row in plan.rows where row.action != .unchanged {
                // Read the parent now, not before the loop: an earlier row may have just moved it.
                var parent: OrgUnit?
                if let code = row.record.parentCode {
                    parent = try await OrgUnit.query(on: db).filter(\.$code == code).first()
                }
                if row.action == .create {
                    try await Self.insert(row.record, under: parent, into: OrgUnit(), on: db)
                    try await AuditLog.record(db, by: principal, action: "org_unit.import_create", subjectType: "org_unit",
                                              subjectID: row.record.code, after: Self.auditFields(row.record))
                    continue
                }
                guard let unit = try await OrgUnit.query(on: db).filter(\.$code == row.record.code).first() else { continue }
                let old = before[row.record.code]!.record
                unit.apply(row.record)
                unit.retiredAt = nil
                try await unit.update(on: db)
                if let parent, parent.id != unit.$parent.id {
                    try await Self.reparent(unit, under: parent, on: db)
                    moved = true
                }
                try await AuditLog.record(db, by: principal, action: "org_unit.import_update", subjectType: "org_unit",
                                          subjectID: row.record.code, before: Self.auditFields(old),
                                          after: Self.auditFields(row.record))
            }
            if moved { try await Tallies.rebuild(.visits, on: db) }
        }
        return outcome
    }

    /// Active units in scope, parents before children, so the file re-imports as it is.
    func exportRows() async throws -> [[String]] {
        let units = try await scope.query(OrgUnit.self, on: db).filter(\.$retiredAt == nil).sort(\.$depth).sort(\.$code).all()
        let codes = try await parentCodes(of: units)
        return [OrgUnitRecord.header.columns.map(\.key)] + units.map { $0.record(parentCode: $0.$parent.id.flatMap { codes[$0] }).csvFields }
    }

    func exportCSV() async throws -> String { CSVWriter.document(try await exportRows()) }
}

extension ImportSummary {
    func with(encoding: String) -> ImportSummary {
        var s = self
        s.encoding = encoding
        return s
    }
}

extension ImportOutcome {
    /// Nothing was written: the counts of what would have been created or updated go to zero.
    func nothingWritten(rolledBack: Bool = false) -> ImportOutcome {
        var s = ImportSummary()
        s.encoding = summary.encoding
        s.rejected = summary.rejected
        s.rolledBack = rolledBack
        return ImportOutcome(summary: s, issues: issues)
    }
}
