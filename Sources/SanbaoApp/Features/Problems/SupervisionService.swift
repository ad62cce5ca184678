import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Supervision orders (督办): a unit above the one that must act — the office, or any unit on
/// the way up — puts one problem, a group of problems, or a whole category in an area (专项督查,
/// e.g. a hotspot) under supervision, with its own deadline and a report-back it requires.
///
/// open → reported (the target unit reports what it did) → closed (the issuer accepts the
/// report) — or back to open when the issuer sends the report back. An open order past its
/// deadline is overdue. Every step is on the order's timeline, on each covered problem's
/// timeline when the order is issued, and in the audit log.
struct SupervisionService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    var store: SupervisionStore { SupervisionStore(db: db, principal: principal) }

    enum Kind: String, Sendable, CaseIterable {
        /// One problem; the target is its responsible unit.
        case problem
        /// Problems picked by the issuer; one target unit answers for all of them.
        case group
        /// 专项督查: every open problem of a category in an area (a unit's subtree), including
        /// those reported while the order is open.
        case special
    }

    struct Issue: Sendable {
        var kind: Kind
        var title, instruction: String
        var deadline: Day
        var problemIDs: [UUID] = []
        var targetUnitCode: String? = nil
        var category: ProblemCategory? = nil
        var areaUnitCode: String? = nil
    }

    enum Step: String, Sendable {
        case report
        case close
        case sendBack = "send-back"
    }

    struct Order: Content {
        var id: UUID
        var kind, title, instruction, issuer_unit_name, issuer_unit_path, target_unit_code, target_unit_name: String
        var target_unit_path: String
        var category, area_unit_name: String?
        var issued_on, deadline, status: String
        var report, reported_on, closed_on: String?
        var revision, problems: Int
    }

    struct EventDTO: Content {
        var at: Date
        var actor_name, step, note: String
    }

    struct DTO: Content {
        var order: Order
        /// Open and past its deadline.
        var overdue: Bool
        var problems: [ProblemService.Row]
        var timeline: [EventDTO]
    }

    enum View: String, Sendable, CaseIterable {
        /// Addressed to the principal's subtree and waiting for its report.
        case toReport = "to_report"
        /// Issued by the principal's subtree.
        case issued
        case all
    }

    func list(_ page: PageRequest, view: View) async throws -> Page<Order> { try await store.list(page, view: view) }

    func order(_ id: UUID) async throws -> Order {
        guard let order = try await store.order(id) else { throw AppError(.notFound, "error.not_found") }
        return order
    }

    func detail(_ id: UUID, today: Day = ProblemRules.today()) async throws -> DTO {
        let order = try await order(id)
        let problems = ProblemService(app: app, db: db, principal: principal)
        let covered = try await problems.store.rows(coveredBy: id)
        let events = try await store.timeline(of: id)
        return DTO(order: order, overdue: Self.isOverdue(order, today: today), problems: covered, timeline: events)
    }

    /// The orders covering a problem that the principal may see, in one read.
    func orders(covering problem: UUID) async throws -> [Order] {
        try await store.orders(covering: problem)
    }

    static func isOverdue(_ order: Order, today: Day) -> Bool {
        order.status == "open" && (Day(order.deadline).map { $0 < today } ?? false)
    }

    /// Issues an order; its id.
    func issue(_ r: Issue, now: Date = Date()) async throws -> UUID {
        try principal.require(.superviseProblems)
        let today = ProblemRules.today(now)
        var issues: [AppError.FieldIssue] = []
        let title = r.title.trimmed
        let instruction = r.instruction.trimmed
        if title.isEmpty { issues.append(AppError.field("title", "problem.reason.required")) }
        if title.count > 200 { issues.append(AppError.field("title", "problem.reason.too_long")) }
        if instruction.count > 2_000 { issues.append(AppError.field("instruction", "problem.reason.too_long")) }
        if r.deadline < today { issues.append(AppError.field("deadline", "supervision.reason.past_deadline")) }
        guard issues.isEmpty else { throw AppError.invalid(issues) }

        let problems = ProblemService(app: app, db: db, principal: principal)
        var target: OrgUnit
        var area: OrgUnit?
        var covered: [UUID] = []
        switch r.kind {
        case .problem, .group:
            let ids = Array(Set(r.problemIDs))
            guard !ids.isEmpty, r.kind == .group || ids.count == 1 else {
                throw AppError.invalid([AppError.field("problems", "supervision.reason.problems")])
            }
            var rows: [ProblemService.Row] = []
            for id in ids { rows.append(try await problems.row(id)) }
            if let code = r.targetUnitCode?.trimmed, !code.isEmpty {
                target = try await scope.unit(code: code, on: db)
            } else {
                // Without a named target: the unit responsible for them all.
                let responsible = Set(rows.compactMap(\.responsible_unit_id))
                guard responsible.count == 1, rows.allSatisfy({ $0.responsible_unit_id != nil }), let only = responsible.first,
                      let unit = try await OrgUnit.find(only, on: db) else {
                    throw AppError.invalid([AppError.field("target", "supervision.reason.no_target")])
                }
                target = unit
            }
            for row in rows where !(ProblemStatus(rawValue: row.status)?.isOpen ?? false) && row.status != "resolved" {
                throw AppError.invalid([AppError.field("problems", "supervision.reason.problem_closed")])
            }
            covered = rows.map(\.id)
        case .special:
            guard let category = r.category else { throw AppError.invalid([AppError.field("category", "problem.reason.required")]) }
            guard let code = r.areaUnitCode?.trimmed, !code.isEmpty else {
                throw AppError.invalid([AppError.field("area", "problem.reason.required")])
            }
            let unit = try await scope.unit(code: code, on: db)
            area = unit
            if let code = r.targetUnitCode?.trimmed, !code.isEmpty {
                target = try await scope.unit(code: code, on: db)
            } else {
                target = unit
            }
            covered = try await store.openProblems(of: category, in: unit.path)
        }
        // Supervision comes from above: never the unit's own order to itself.
        guard scope.mayRestructure(target) else { throw AppError(.forbidden, "supervision.not_above") }
        guard target.retiredAt == nil else { throw AppError.invalid([AppError.field("target", "problem.reason.retired_unit")]) }
        // The command line acts for the federation: its orders come from the root unit.
        var issuer = principal.unitID
        if issuer == nil { issuer = try await store.rootUnit() }
        guard let issuerID = issuer else { throw AppError(.forbidden, "supervision.not_above") }
        let id = UUID()
        let targetID = try target.requireID()
        let targetCode = target.code
        let areaID = area?.id
        let kind = r.kind
        let covering = covered
        let category = r.category?.rawValue
        try await app.serializedTransaction(on: db) { db in
            let store = SupervisionStore(db: db, principal: principal)
            // Each covered problem shows it is under supervision, on its own timeline.
            let marks: [[any Encodable & Sendable]] = covering.map {
                [UUID(), $0, now, principal.userID, principal.displayName, principal.unitID, "supervise", "", "", targetID,
                 title, nil as String?, r.deadline.description, nil as String?]
            }
            try await store.insert(order: [id, kind.rawValue, title, instruction, issuerID, principal.userID, targetID, category, areaID,
                                           today.description, r.deadline.description, "open", 1, now], covering: covering, marks: marks)
            try await store.addEvent(order: id, step: "issue", note: instruction, now: now)
            try await AuditLog.record(db, by: principal, action: "supervision.issue", subjectType: "supervision_order", subjectID: id.uuidString,
                                      before: [:], after: ["kind": kind.rawValue, "target": targetCode, "deadline": r.deadline.description,
                                                           "problems": "\(covering.count)"])
        }
        return id
    }

    /// The report-back (by the target unit's side), or the issuer's decision on it.
    func step(_ step: Step, on id: UUID, revision: Int, note: String, now: Date = Date()) async throws -> Int {
        let order = try await order(id)
        guard order.revision == revision else { throw AppError(.conflict, "problem.conflict", ["\(order.revision)"]) }
        let text = note.trimmed
        guard text.count <= 2_000 else { throw AppError.invalid([AppError.field("note", "problem.reason.too_long")]) }
        let today = ProblemRules.today(now)
        var set: [(String, any Encodable & Sendable)] = [("revision", revision + 1)]
        switch step {
        case .report:
            try principal.require(.handleProblems)
            guard scope.contains(path: order.target_unit_path) else { throw AppError(.forbidden, "supervision.not_target") }
            guard order.status == "open" else { throw AppError(.conflict, "supervision.refused.not_open") }
            guard !text.isEmpty else { throw AppError.invalid([AppError.field("note", "problem.reason.required")]) }
            set += [("status", "reported"), ("report", text), ("reported_on", today.description)]
        case .close, .sendBack:
            try principal.require(.superviseProblems)
            guard scope.contains(path: order.issuer_unit_path) else { throw AppError(.forbidden, "supervision.not_issuer") }
            guard order.status == "reported" else { throw AppError(.conflict, "supervision.refused.no_report") }
            if step == .sendBack {
                guard !text.isEmpty else { throw AppError.invalid([AppError.field("note", "problem.reason.required")]) }
                set.append(("status", "open"))
            } else {
                set += [("status", "closed"), ("closed_on", today.description)]
            }
        }
        let assignments = set
        try await app.serializedTransaction(on: db) { db in
            let store = SupervisionStore(db: db, principal: principal)
            try await store.update(id, revision: revision, set: assignments)
            try await store.addEvent(order: id, step: step.rawValue, note: text, now: now)
            try await AuditLog.record(db, by: principal, action: "supervision.\(step.rawValue)", subjectType: "supervision_order",
                                      subjectID: id.uuidString, before: ["status": order.status],
                                      after: ["status": assignments.first { $0.0 == "status" }?.1 as? String ?? order.status, "note": text])
        }
        return revision + 1
    }
}
