import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Solving, explaining and publishing a stage's assignment: the campaign office's, since it
/// decides between units. A result is returned only once its optimality certificate holds.
struct AssignmentService {
    let app: Application
    let db: any Database
    let principal: Principal

    var store: AssignmentStore { AssignmentStore(db: db) }

    struct Summary: Content {
        var campaign, stage: String
        var enterprises, placed: Int
        var unplaced: [String: Int]
        var totalMetres, meanMetres, penalty: Int64
        var locked, excludedCadres: Int
        var solveSeconds, totalSeconds: Double
        var changes: Changes?
        var conflicts: ConflictReport
    }

    struct Changes: Content, Equatable {
        var added, moved, removed: Int
    }

    /// Reads the instance, solves it, checks the optimality certificate, and (unless
    /// `dryRun`) replaces the stage's draft. The published tasks are not touched.
    func solve(stage: Stage, campaign: Campaign, dryRun: Bool) async throws -> Summary {
        let started = Date()
        let (instance, solver, locked, solveSeconds) = try await run(stage: stage, campaign: campaign)
        let proof = solver.verify()
        if let proof { throw Abort(.internalServerError, reason: "assignment certificate failed: \(proof)") }

        var rows: [[any Encodable & Sendable]] = []
        var unplaced: [String: Int] = [:]
        var placed = 0
        for (e, enterprise) in instance.enterprises.enumerated() {
            if let c = solver.cadre(of: e) {
                placed += 1
                let cadre = instance.cadres[c]
                rows.append([UUID(), stage.id!, enterprise.id, cadre.id, cadre.unit_id, Int(solver.distance(of: e)!), String?.none])
            } else {
                let reason = Self.reason(solver.outcome(of: e), linked: !instance.links[e].isEmpty)
                unplaced[reason, default: 0] += 1
                rows.append([UUID(), stage.id!, enterprise.id, UUID?.none, UUID?.none, Int?.none, reason])
            }
        }
        let changes = try await changes(stageID: stage.id!, draft: Dictionary(uniqueKeysWithValues: instance.enterprises.enumerated().compactMap { e, row in
            solver.cadre(of: e).map { (row.id, instance.cadres[$0].id) }
        }))
        let (draftRows, placedCount, metres) = (rows, placed, solver.totalDistance)
        if !dryRun {
            let rows = draftRows, placed = placedCount
            try await app.serializedTransaction(on: db) { db in
                try await AssignmentStore(db: db).replaceDraft(stage: stage.id!, rows)
                try await AuditLog.record(db, by: principal, action: "assignment.solve", subjectType: "stage", subjectID: stage.id!.uuidString,
                                          after: ["placed": "\(placed)", "unplaced": "\(instance.enterprises.count - placed)",
                                                  "metres": "\(metres)"])
            }
        }
        let total = solver.totalDistance
        return Summary(campaign: campaign.name, stage: stage.name, enterprises: instance.enterprises.count, placed: placed,
                       unplaced: unplaced, totalMetres: total, meanMetres: placed > 0 ? total / Int64(placed) : 0,
                       penalty: solver.totalPenalty, locked: locked, excludedCadres: instance.excluded.count,
                       solveSeconds: solveSeconds, totalSeconds: Date().timeIntervalSince(started), changes: changes,
                       conflicts: try await ConflictReport.load(from: store))
    }

    /// Reads the instance and solves it with the stage's exclusions and locks (and the
    /// enterprises already visited, which stay with their cadre).
    private func run(stage: Stage, campaign: Campaign) async throws -> (AssignmentInstance, AssignmentSolver, Int, Double) {
        try principal.require(.manageAssignment)
        let instance = try await store.instance(stage: stage.id!, fairness: campaign.fairness)
        let solveStart = Date()
        let solver = AssignmentSolver(instance.problem)
        let cadreIndex = Dictionary(uniqueKeysWithValues: instance.cadres.enumerated().map { ($1.id, $0) })
        for (c, cadre) in instance.cadres.enumerated() where instance.excluded.contains(cadre.id) { solver.exclude(cadre: c) }
        var locked = 0
        for (e, enterprise) in instance.enterprises.enumerated() {
            // A recorded visit outranks a lock: that enterprise was visited by that cadre.
            guard let cadreID = instance.done[enterprise.id] ?? instance.locks[enterprise.id], let c = cadreIndex[cadreID] else { continue }
            if solver.lock(enterprise: e, toCadre: c) { locked += 1 }
        }
        solver.solve()
        return (instance, solver, locked, Date().timeIntervalSince(solveStart))
    }

    struct Explanation: Content {
        struct Alternative: Content {
            var cadre, unit: String
            var metres: Int64
            var reason: String
            var extraMetres: Int64?
        }
        var enterprise: String
        var cadre, unit: String?
        var metres: Int64?
        var unplaced: String?
        var nearer: [Alternative]
    }

    /// Why an enterprise went to its cadre: for every nearer covering cadre, whether they are
    /// away, locked out, full, or simply dearer for the whole, and by how many metres the
    /// total would rise if the enterprise went to them anyway.
    func explain(stage: Stage, campaign: Campaign, creditCode: String) async throws -> Explanation {
        let (instance, solver, _, _) = try await run(stage: stage, campaign: campaign)
        guard let e = instance.enterprises.firstIndex(where: { $0.credit_code == CreditCode.normalise(creditCode) }) else {
            throw AppError(.notFound, "error.not_found")
        }
        func name(_ c: Int) -> (String, String) {
            let cadre = instance.cadres[c]
            return ("\(cadre.staff_no) \(cadre.display_name)", instance.units[cadre.unit_id].map { "\($0.code) \($0.name)" } ?? "")
        }
        let chosen = solver.cadre(of: e).map(name)
        return Explanation(enterprise: "\(instance.enterprises[e].credit_code) \(instance.enterprises[e].name)",
                           cadre: chosen?.0, unit: chosen?.1, metres: solver.distance(of: e),
                           unplaced: chosen == nil ? Self.reason(solver.outcome(of: e), linked: !instance.links[e].isEmpty) : nil,
                           nearer: solver.alternatives(for: e).map { alt in
                               let (cadre, unit) = name(alt.cadre)
                               return .init(cadre: cadre, unit: unit, metres: alt.distance, reason: alt.reason.rawValue, extraMetres: alt.extraCost)
                           })
    }

    static func reason(_ outcome: AssignmentSolver.Outcome, linked: Bool) -> String {
        switch outcome {
        case .noCandidates: linked ? "no_cadre" : "no_unit"
        default: "all_full"
        }
    }

    /// What publishing the draft would change for the cadres: enterprises newly given a task,
    /// moved to another cadre, or no longer assigned. Nil before the first publication.
    func changes(stageID: UUID, draft: [UUID: UUID]) async throws -> Changes? {
        let before = try await store.published(stage: stageID)
        guard !before.isEmpty else { return nil }
        var changes = Changes(added: 0, moved: 0, removed: 0)
        for (e, c) in draft {
            if let old = before[e] { if old != c { changes.moved += 1 } } else { changes.added += 1 }
        }
        changes.removed = before.keys.filter { draft[$0] == nil }.count
        return changes
    }

    /// Turns the draft into the cadres' visit tasks. Tasks whose visit is done stay as they
    /// are (the solve kept them on their cadre); every open task is replaced.
    func publish(stage: Stage) async throws -> Changes {
        try principal.require(.manageAssignment)
        let draft = try await store.draft(stage: stage.id!)
        guard !draft.isEmpty else { throw AppError(.badRequest, "assignment.nothing_to_publish") }
        let changes = try await changes(stageID: stage.id!, draft: draft) ?? Changes(added: draft.count, moved: 0, removed: 0)
        try await app.serializedTransaction(on: db) { db in
            try await AssignmentStore(db: db).publish(stage: stage.id!, at: Date())
            try await Tallies.rebuild(.tasks(stage: stage.id!), on: db)
            try await AuditLog.record(db, by: principal, action: "assignment.publish", subjectType: "stage", subjectID: stage.id!.uuidString,
                                      after: ["added": "\(changes.added)", "moved": "\(changes.moved)", "removed": "\(changes.removed)"])
        }
        return changes
    }
}
