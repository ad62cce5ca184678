import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The problem ledger (问题诉求台账). A problem is seen by the units above the one that reported
/// it and by those above the one responsible for it. Each step goes through
/// `ProblemLifecycle` (an illegal one is refused with its reason), names the revision it was
/// taken on (a stale one is a conflict), and is written with its timeline entry and audit
/// record in one transaction.
struct ProblemService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }
    /// The ledger's SQL, as the principal may see it.
    var store: ProblemStore { ProblemStore(db: db, principal: principal) }

    typealias Row = ProblemStore.Row

    /// A step as a page or the API asks for it.
    enum Action: Sendable {
        case dispatch(unitCode: String)
        case accept
        case giveBack(reason: String)
        case note(String)
        case refer(department: String, replyBy: Day?, note: String)
        /// The department answered; where the category's clock stopped for the wait, it runs
        /// again and the deadline moves by the working days it stood.
        case referralAnswered(note: String)
        case resolve(summary: String)
        case callback(Satisfaction, note: String)
        /// Joins this problem into another about the same enterprise and category (并单).
        case merge(into: UUID)
        /// Once per problem, by the responsible unit; decided by a unit above it.
        case requestExtension(workingDays: Int, reason: String)
        case decideExtension(approve: Bool, note: String)

        /// The lifecycle step, for those that move the status.
        var step: ProblemStep? {
            switch self {
            case .dispatch: .dispatch
            case .accept: .accept
            case .giveBack(let reason): .giveBack(reason: reason)
            case .note: .note
            case .refer: .refer
            case .referralAnswered: .referralAnswered
            case .merge: .merge
            case .resolve: .resolve
            case .callback(let s, _): .callback(s)
            case .requestExtension, .decideExtension: nil
            }
        }

        /// Which move this is, for `ProblemMove`'s rule of who may take it when.
        var move: ProblemMove {
            switch self {
            case .dispatch: .dispatch
            case .accept: .accept
            case .giveBack: .giveBack
            case .note: .note
            case .refer: .refer
            case .referralAnswered: .referralAnswered
            case .merge: .merge
            case .resolve: .resolve
            case .callback: .callback
            case .requestExtension: .requestExtension
            case .decideExtension: .decideExtension
            }
        }

        var name: String {
            switch self {
            case .requestExtension: "request_extension"
            case .decideExtension(let approve, _): approve ? "approve_extension" : "refuse_extension"
            default: step!.name
            }
        }
    }

    struct DTO: Content {
        var problem: Row
        /// Working days past the deadline today (0 when not late or no longer open).
        var overdue_days: Int
        var timeline: [ProblemStore.Event]
        /// Photos added to the problem itself (its visit's are on the visit).
        var evidence: [EvidenceDTO]
    }

    /// The problem, if the principal may see it (another unit's is not found).
    func row(_ id: UUID) async throws -> Row { try await store.row(id) }

    func detail(_ id: UUID) async throws -> DTO {
        let row = try await row(id)
        let events = try await store.timeline(id)
        let rules = try await ProblemRules.current(app, db)
        return DTO(problem: row, overdue_days: Self.overdueDays(row, rules: rules, today: ProblemRules.today()), timeline: events,
                   evidence: try await evidence(of: id))
    }

    static func overdueDays(_ row: Row, rules: ProblemRules, today: Day) -> Int {
        guard let status = ProblemStatus(rawValue: row.status), status.isOpen, row.paused_since == nil,
              let deadline = row.deadline.flatMap(Day.init) else { return 0 }
        return rules.calendar.workingDays(from: deadline, to: today)
    }

    /// Where the principal stands towards the problem: on its reporting side (with the right to
    /// hand problems out), its responsible side (with the right to handle them), above the
    /// responsible unit.
    func side(of row: Row) -> ProblemSide {
        ProblemSide(reporting: scope.contains(path: row.reporter_unit_path) && principal.can(.dispatchProblems),
                    responsible: (row.responsible_unit_path.map { scope.contains(path: $0) } ?? false) && principal.can(.handleProblems),
                    aboveResponsible: scope.isEverything || row.responsible_unit_path != principal.unitPath)
    }

    /// One step on a problem, taken on `revision`; the problem as it is after it.
    func take(_ request: Action, on id: UUID, revision: Int, now: Date = Date()) async throws -> DTO {
        _ = try await step(request, on: id, revision: revision, now: now)
        return try await detail(id)
    }

    /// One step on a problem, taken on `revision`; the revision after it.
    func step(_ request: Action, on id: UUID, revision: Int, now: Date = Date()) async throws -> Int {
        let row = try await row(id)
        guard row.revision == revision else { throw AppError(.conflict, "problem.conflict", ["\(row.revision)"]) }
        let status = ProblemStatus(rawValue: row.status) ?? .reported
        // Who may, and when: the same rule the problem's page draws its buttons with.
        let move = request.move
        switch move {
        case .dispatch, .callback, .merge: try principal.require(.dispatchProblems)
        default: try principal.require(.handleProblems)
        }
        let side = side(of: row)
        guard move.isOnSide(side) else {
            let reason = switch move {
            case .dispatch, .callback, .merge: "problem.not_reporting_side"
            case .decideExtension: "problem.not_parent_side"
            default: "problem.not_responsible_side"
            }
            throw AppError(.forbidden, reason)
        }
        // Whether it was referred matters only to an answered referral: read only for that.
        let state = ProblemState(status: status, extensionState: row.extension_state,
                                 referred: move == .referralAnswered ? try await store.wasReferred(id) : false)
        if let reason = move.refusal(in: state) {
            throw AppError(.conflict, "problem.refused.\(reason)", [status.rawValue, request.name])
        }
        var next: (status: ProblemStatus, rework: Bool) = (status, false)
        if let lifecycleStep = request.step {
            switch ProblemLifecycle.step(lifecycleStep, from: status) {
            case .success(let n): next = n
            case .failure(let refusal): throw AppError(.conflict, "problem.refused.\(refusal.reason)", [status.rawValue, refusal.step])
            }
        }
        let rules = try await ProblemRules.current(app, db)
        let today = ProblemRules.today(now)
        var set: [(String, any Encodable & Sendable)] = [("status", next.status.rawValue), ("revision", row.revision + 1), ("updated_at", now)]
        var target: UUID?
        var note = ""
        var department, replyBy, satisfied: String?
        var mergedInto: (id: UUID, status: String)?
        switch request {
        case .dispatch(let code):
            let unit = try await scope.unit(code: code.trimmed, on: db)
            guard unit.retiredAt == nil else { throw AppError.invalid([AppError.field("unit", "problem.reason.retired_unit")]) }
            target = unit.id
            set += [("responsible_unit_id", unit.id!), ("dispatcher_unit_id", principal.unitID)]
        case .giveBack(let reason):
            note = reason.trimmed
            try Self.limit(note, "reason")
        case .note(let text):
            note = text.trimmed
            guard !note.isEmpty else { throw AppError.invalid([AppError.field("note", "problem.reason.required")]) }
            try Self.limit(note, "note")
        case .refer(let dept, let by, let text):
            guard !dept.trimmed.isEmpty else { throw AppError.invalid([AppError.field("department", "problem.reason.required")]) }
            department = String(dept.trimmed.prefix(100))
            replyBy = by?.description
            set.append(("referral_reply_by", replyBy))
            note = text.trimmed
            try Self.limit(note, "note")
            if row.paused_since == nil, rules.pausesOnReferral[ProblemCategory(rawValue: row.category) ?? .other] == true {
                set.append(("paused_since", today.description))
            }
        case .referralAnswered(let text):
            note = text.trimmed
            guard !note.isEmpty else { throw AppError.invalid([AppError.field("note", "problem.reason.required")]) }
            try Self.limit(note, "note")
            set += Self.resume(row, rules: rules, today: today)
            set.append(("referral_reply_by", nil as String?))
        case .merge(let survivorID):
            guard survivorID != id else { throw AppError.invalid([AppError.field("into", "problem.reason.merge_self")]) }
            let survivor = try await self.row(survivorID)
            let workers = try await store.namedWorkers(of: [id, survivorID])
            guard survivor.enterprise_code == row.enterprise_code, survivor.category == row.category, workers.count <= 1 else {
                throw AppError.invalid([AppError.field("into", "problem.reason.merge_other_matter")])
            }
            guard ProblemStatus(rawValue: survivor.status)?.isOpen == true || survivor.status == "resolved" else {
                throw AppError(.conflict, "problem.refused.merge_target_closed")
            }
            guard scope.contains(path: survivor.reporter_unit_path) || survivor.responsible_unit_path.map(scope.contains(path:)) == true else {
                throw AppError(.forbidden, "problem.not_reporting_side")
            }
            target = survivor.responsible_unit_id
            mergedInto = (survivorID, survivor.status)
            set.append(("merged_into_id", survivorID))
            note = survivorID.uuidString
        case .resolve(let summary):
            note = summary.trimmed
            guard !note.isEmpty else { throw AppError.invalid([AppError.field("summary", "problem.reason.required")]) }
            try Self.limit(note, "summary")
            set += [("resolved_on", today.description), ("referral_reply_by", nil as String?)]
            let resumed = Self.resume(row, rules: rules, today: today)
            set += resumed
            if row.first_resolved_on == nil {
                // The first resolution's figures stay, whatever a rework does later.
                let moved = resumed.first { $0.0 == "deadline" }?.1 as? String
                let deadline = (moved ?? row.deadline).flatMap(Day.init) ?? today
                let took = row.reported_on.flatMap(Day.init).map { rules.calendar.workingDays(from: $0, to: today) }
                set += [("first_resolved_on", today.description), ("first_on_time", today <= deadline), ("working_days_to_resolve", took)]
            }
        case .callback(let satisfaction, let text):
            note = text.trimmed
            try Self.limit(note, "note")
            set.append(("satisfaction", satisfaction.rawValue))
            satisfied = satisfaction.rawValue
            set += [("callbacks", row.callbacks + 1), ("satisfied_callbacks", row.satisfied_callbacks + (satisfaction == .unsatisfied ? 0 : 1))]
            if next.rework {
                // Reopened: counted, and given a new deadline from today.
                let category = ProblemCategory(rawValue: row.category) ?? .other
                set += [("rework_count", row.rework_count + 1), ("deadline", rules.deadline(category, from: today).description)]
            }
        case .requestExtension(let days, let reason):
            guard (1...60).contains(days) else { throw AppError.invalid([AppError.field("days", "problem.reason.bad_days")]) }
            note = reason.trimmed
            guard !note.isEmpty else { throw AppError.invalid([AppError.field("reason", "problem.reason.required")]) }
            try Self.limit(note, "reason")
            set += [("extension_state", "requested"), ("extension_days", days), ("extension_reason", note)]
        case .decideExtension(let approve, let text):
            note = text.trimmed
            try Self.limit(note, "note")
            set.append(("extension_state", approve ? "approved" : "refused"))
            if approve, let deadline = row.deadline.flatMap(Day.init) {
                set += [("original_deadline", deadline.description),
                        ("deadline", rules.calendar.adding(workingDays: row.extension_days ?? 0, to: deadline).description)]
            }
        case .accept:
            break
        }
        let event: [any Encodable & Sendable] = [UUID(), id, now, principal.userID, principal.displayName, principal.unitID,
                                                 request.name, status.rawValue, next.status.rawValue, target, note, department, replyBy,
                                                 satisfied]
        let assignments = set
        var after = ["status": next.status.rawValue, "note": note]
        if let target { after["unit"] = target.uuidString }
        let audit = after
        let merged = mergedInto
        let touched = Array(Set([row.responsible_unit_id, target].compactMap { $0 }))
        try await app.serializedTransaction(on: db) { db in
            let store = ProblemStore(db: db, principal: principal)
            try await store.update(id, revision: revision, set: assignments)
            try await store.addEvents([event])
            // The figures of the unit it left and of the unit it went to.
            try await Tallies.rebuild(.problems(units: touched), on: db)
            if let survivor = merged {
                // The problem it joined says so on its own timeline; its revision moves too.
                try await store.touch(survivor.id, at: now)
                try await store.addEvents([[UUID(), survivor.id, now, principal.userID, principal.displayName, principal.unitID, "merged_in",
                                            survivor.status, survivor.status, nil as UUID?, id.uuidString, nil as String?, nil as String?, nil as String?]])
            }
            try await AuditLog.record(db, by: principal, action: "problem.\(request.name)", subjectType: "problem",
                                      subjectID: id.uuidString, before: ["status": status.rawValue], after: audit)
        }
        return revision + 1
    }

    /// The columns that start a stopped clock again: the deadline moves by the working days it
    /// stood still (none when it was not stopped).
    static func resume(_ row: Row, rules: ProblemRules, today: Day) -> [(String, any Encodable & Sendable)] {
        guard let since = row.paused_since.flatMap(Day.init) else { return [] }
        let stood = rules.calendar.workingDays(from: since, to: today)
        var set: [(String, any Encodable & Sendable)] = [("paused_since", nil as String?), ("paused_days", row.paused_days + stood)]
        if let deadline = row.deadline.flatMap(Day.init), stood > 0 {
            set.append(("deadline", rules.calendar.adding(workingDays: stood, to: deadline).description))
        }
        return set
    }

    static let eventColumns = ["id", "problem_id", "at", "actor_user_id", "actor_name", "actor_unit_id", "step", "from_status", "to_status",
                               "unit_id", "note", "department", "reply_by", "satisfaction"]

    private static func limit(_ text: String, _ field: String) throws {
        guard text.count <= 2_000 else { throw AppError.invalid([AppError.field(field, "problem.reason.too_long")]) }
    }
}

