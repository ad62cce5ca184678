import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// The scheduled scan over open problems: reminders to the unit that holds each one when it
/// falls due next working day, today, or has just gone overdue; and escalation up the tree —
/// every `overdueDaysPerLevel` working days late, and every `reworksPerLevel` reworks (the
/// office's `LedgerThresholds`), one level higher (to the responsible unit's parent, then the
/// next), each on the timeline, in the audit log and as a notice to the unit it reached. Runs inside the server; running it
/// twice in a day changes nothing the second time.
///
/// The work is set-based: problems are taken by deadline day (an index on status and
/// deadline), each day's lateness is counted once on the calendar, and only problems whose
/// level must rise are read one by one — the backlog of a province is not walked every run.
struct ProblemScan {
    let app: Application
    let db: any Database

    struct Outcome: Sendable, Equatable {
        var dueTomorrow = 0
        var dueToday = 0
        var overdue = 0
        var escalated = 0
        /// Problems whose department promised its answer for today.
        var referralsDue = 0
    }

    /// The scan works on the whole federation.
    var store: ProblemStore { ProblemStore(db: db, principal: .system("scan")) }

    func run(today: Day = ProblemRules.today(), now: Date = Date()) async throws -> Outcome {
        let rules = try await ProblemRules.current(app, db)
        try await app.serializedTransaction(on: db) { db in _ = try await SupervisionStore(db: db).coverNewProblems() }
        let next = rules.calendar.adding(workingDays: 1, to: today)
        let days = try await store.runningDeadlines(upTo: next)
        var outcome = Outcome()
        var levels: [Day: Int] = [:]
        for day in days {
            let late = rules.calendar.workingDays(from: day, to: today)
            let kind: String? = day == next && next != today ? "due_tomorrow" : day == today ? "due_today" : late == 1 ? "overdue" : nil
            if let kind {
                let made = try await notify(kind: kind, deadline: day, today: today, detail: late > 0 ? "\(late)" : "", now: now)
                switch kind {
                case "due_tomorrow": outcome.dueTomorrow += made
                case "due_today": outcome.dueToday += made
                default: outcome.overdue += made
                }
            }
            let per = rules.thresholds.overdueDaysPerLevel
            if late >= per { levels[day] = late / per }
        }
        outcome.escalated = try await escalate(levels: levels, rules: rules, today: today, now: now)
        outcome.referralsDue = try await remindReferrals(today: today, now: now)
        return outcome
    }

    /// One notice per problem due on `deadline`, to the unit holding it (the responsible unit,
    /// or the reporting unit while nobody is responsible yet).
    private func notify(kind: String, deadline: Day, today: Day, detail: String, now: Date) async throws -> Int {
        let before = try await store.noticeCount(kind: kind, day: today)
        try await app.serializedTransaction(on: db) { db in
            try await ProblemStore(db: db, principal: .system("scan")).noticeDue(kind: kind, deadline: deadline, today: today, detail: detail, now: now)
        }
        return try await store.noticeCount(kind: kind, day: today) - before
    }

    /// The unit working a problem is reminded on the day its department promised to answer.
    private func remindReferrals(today: Day, now: Date) async throws -> Int {
        let before = try await store.noticeCount(kind: "referral_due", day: today)
        try await app.serializedTransaction(on: db) { db in
            try await ProblemStore(db: db, principal: .system("scan")).noticeReferralsDue(today: today, now: now)
        }
        return try await store.noticeCount(kind: "referral_due", day: today) - before
    }

    private func escalate(levels: [Day: Int], rules: ProblemRules, today: Day, now: Date) async throws -> Int {
        let reworks = rules.thresholds.reworksPerLevel
        let candidates = try await store.escalationCandidates(levels: levels, reworksPerLevel: reworks)
        guard !candidates.isEmpty else { return 0 }
        let units = try await store.units(atPaths: Set(candidates.flatMap { Self.ancestors(of: $0.path) }))
        let system = Principal.system("scan")
        struct Rise { var id: UUID; var to: Int; var events: [any Encodable & Sendable]; var notice: [any Encodable & Sendable]
                      var audit: [any Encodable & Sendable] }
        var rises: [Rise] = []
        for c in candidates {
            // A clock stopped for a referral is not late.
            let byLateness = c.paused_since == nil ? c.deadline.flatMap(Day.init).flatMap { levels[$0] } ?? 0 : 0
            let wanted = max(byLateness, c.rework_count / reworks)
            let ancestors = Self.ancestors(of: c.path)            // nearest first
            let level = min(wanted, ancestors.count)
            guard level > c.escalation_level, let target = units[ancestors[level - 1]] else { continue }
            let late = c.deadline.flatMap(Day.init).map { rules.calendar.workingDays(from: $0, to: today) } ?? 0
            let why = byLateness >= level ? "超期 \(late) 个工作日" : "返工 \(c.rework_count) 次"
            rises.append(Rise(
                id: c.id, to: level,
                events: [UUID(), c.id, now, nil as UUID?, "scan", nil as UUID?, "escalate", c.status, c.status, target.id,
                         why, nil as String?, nil as String?, nil as String?],
                notice: [target.id, c.id, "escalated", today.description, why, now],
                audit: AuditLog.row(by: system, action: "problem.escalate", subjectType: "problem", subjectID: c.id.uuidString,
                                    before: ["level": "\(c.escalation_level)"], after: ["level": "\(level)", "unit": target.name, "why": why])))
        }
        // All of a run's escalations in one transaction: a day's thousands cost one commit.
        let all = rises
        return try await app.serializedTransaction(on: db) { db in
            let store = ProblemStore(db: db, principal: system)
            var raised = Set<UUID>()
            for (level, group) in Dictionary(grouping: all, by: \.to) { raised.formUnion(try await store.escalate(group.map(\.id), to: level, now: now)) }
            let made = all.filter { raised.contains($0.id) }
            for chunk in made.chunked(200) {
                try await store.insert(events: chunk.map(\.events), notices: chunk.map(\.notice), audits: chunk.map(\.audit))
            }
            return made.count
        }
    }

    /// "/3401/340104/340104001/" → ["/3401/340104/", "/3401/"]: the units above, nearest first.
    static func ancestors(of path: String) -> [String] { UnitPath(path).ancestors.map(\.text) }
}
