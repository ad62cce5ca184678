import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// Keeps `visit_tallies`, `visited_enterprises`, `enterprise_tallies` and `task_tallies` in step with the visits and
/// tasks, so that a dashboard sums a few rows instead of counting a province's visits.
///
/// A visit counts while it is submitted or accepted (a returned one is being corrected). It
/// belongs to its task's stage, or, ad hoc, to the stage whose dates hold the day it finished
/// ("" when none does). What it adds — one visit, its worker responses, its questionnaires, the
/// problems found — is added to its unit and to every unit above it, on its day: the row of a
/// unit is its whole subtree. An enterprise counts once per stage at every level: a visit that
/// counts claims it for each unit above that has not yet (`visited_enterprises`,
/// `enterprise_tallies`), and when a visit stops counting the enterprise's claims are worked
/// out again from the visits left. Claims do not depend on the order visits arrive in, so a
/// rebuild from the rows gives the same tallies.
enum VisitTally {
    typealias Contribution = TallyArithmetic.Contribution
    typealias Key = TallyArithmetic.Key
    typealias Counts = TallyArithmetic.Counts
    typealias Claim = TallyArithmetic.Claim
    typealias StageKey = TallyArithmetic.StageKey

    static func ancestors(_ path: String) -> [UUID] { TallyArithmetic.ancestors(path) }

    /// The stages ad-hoc visits are placed in by day.
    struct StageDates: Sendable {
        var id: UUID
        var start, end: String
    }

    static func stages(on db: any Database) async throws -> [StageDates] {
        struct Row: Decodable { var id: UUID; var starts_on: String; var ends_on: String }
        return try await db.sql.raw("SELECT id, starts_on, ends_on FROM stages ORDER BY starts_on, id")
            .all(decoding: Row.self).map { StageDates(id: $0.id, start: $0.starts_on, end: $0.ends_on) }
    }

    static func stageKey(taskStage: UUID?, day: String, stages: [StageDates]) -> String {
        if let taskStage { return taskStage.uuidString }
        return stages.first { $0.start <= day && day <= $0.end }?.id.uuidString ?? ""
    }

    static func day(_ date: Date) -> String { ShanghaiTime.day(date).description }

    static func deltas(_ cs: [Contribution], sign: Int) -> [Key: Counts] { TallyArithmetic.deltas(cs, sign: sign) }
    static func candidateClaims(_ cs: [Contribution]) -> [Claim] { TallyArithmetic.candidateClaims(cs) }
    static func sortedRows(_ d: [Key: Counts]) -> [(key: Key, value: Counts)] { TallyArithmetic.sortedRows(d) }
    static func sortedRows(_ d: [StageKey: Int]) -> [(key: StageKey, value: Int)] { TallyArithmetic.sortedRows(d) }

    // MARK: Visits read back

    /// What the stored visits add (those that count), read from their rows: visits the tallies
    /// take in that are not in memory (`NewVisitTallies`), such as those written before a restart,
    /// and a visit being returned or corrected.
    static func stored(_ ids: [UUID], on db: any Database) async throws -> [Contribution] {
        guard !ids.isEmpty else { return [] }
        let sql = db.sql
        let kinds = try await AnswerTally.kinds(on: db)
        let stages = try await Self.stages(on: db)
        var out: [Contribution] = []
        for chunk in ids.chunked(2000) {
            let ids = SQLBind.group(Array(chunk))
            struct V: Decodable {
                var id: UUID; var path: String; var enterprise_id: UUID; var finished_at: Date; var stage_id: UUID?; var industry_code: String; var size_class: String
            }
            let visits = try await sql.raw("""
                SELECT v.id, o.path, v.enterprise_id, v.finished_at, t.stage_id, e.industry_code, e.size_class FROM visits v
                JOIN org_units o ON o.id = v.unit_id JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN visit_tasks t ON t.id = v.task_id
                WHERE v.id IN \(ids) AND v.status IN ('submitted', 'accepted')
                """).all(decoding: V.self)
            struct N: Decodable { var visit_id: UUID; var n: Int }
            struct R: Decodable { var visit_id: UUID; var n: Int; var workers: Int? }
            let responses = Dictionary(try await sql.raw("""
                SELECT visit_id, COUNT(*) AS n, SUM(CASE WHEN questionnaire_key = 'worker' THEN 1 ELSE 0 END) AS workers FROM responses
                WHERE visit_id IN \(ids) GROUP BY visit_id
                """).all(decoding: R.self).map { ($0.visit_id, $0) }, uniquingKeysWith: { a, _ in a })
            let problems = Dictionary(try await sql.raw("""
                SELECT visit_id, COUNT(*) AS n FROM problems WHERE visit_id IN \(ids) GROUP BY visit_id
                """).all(decoding: N.self).map { ($0.visit_id, $0.n) }, uniquingKeysWith: { a, _ in a })
            let answers = Dictionary(grouping: try await sql.raw("""
                SELECT visit_id, response_id, questionnaire_key, question_key, number_value, text_value FROM answers WHERE visit_id IN \(ids)
                """).all(decoding: AnswerTally.StoredRow.self), by: \.visit)
            out += visits.map { v in
                let day = day(v.finished_at)
                let stored = (answers[v.id] ?? []).map(\.answer)
                return Contribution(
                    unitPath: v.path, stageKey: stageKey(taskStage: v.stage_id, day: day, stages: stages), day: day, enterpriseID: v.enterprise_id,
                    workers: responses[v.id]?.workers ?? 0, questionnaires: responses[v.id]?.n ?? 0, problems: problems[v.id] ?? 0,
                    section: AnswerTally.section(v.industry_code), size: v.size_class,
                    answers: AnswerTally.values(stored) { kinds[$0]?[$1] })
            }
        }
        return out
    }

    // MARK: Adding and taking off

    /// What visits add, worked out before the write turn: the counts, the enterprises they may
    /// claim, their answers' counts.
    struct Additions: Sendable {
        var counts: [Key: Counts]
        var claims: [Claim]
        var answers: AnswerTally.Deltas

        init(_ cs: [Contribution]) {
            counts = deltas(cs, sign: 1)
            claims = candidateClaims(cs)
            answers = AnswerTally.deltas(cs, sign: 1)
        }
    }

    /// Adds what the visits bring, their answers' counts too.
    static func add(_ cs: [Contribution], on db: any Database) async throws {
        guard !cs.isEmpty else { return }
        try await add(Additions(cs), on: db)
    }

    static func add(_ a: Additions, on db: any Database) async throws {
        try await apply(a.counts, on: db)
        var claimed: [StageKey: Int] = [:]
        for claim in try await claim(a.claims, on: db) { claimed[StageKey(unit: claim.unit, stage: claim.stage), default: 0] += 1 }
        try await apply(claimed, on: db)
        try await AnswerTally.apply(a.answers, on: db)
    }

    /// Inserts the claims not yet made; returns those it made.
    private static func claim(_ claims: [Claim], on db: any Database) async throws -> [Claim] {
        let sql = db.sql
        struct Made: Decodable { var stage_key: String; var enterprise_id: UUID; var unit_id: UUID }
        var made: [Claim] = []
        for chunk in claims.chunked(200) {
            var values = SQLQueryString("")
            for (i, c) in chunk.enumerated() {
                values = SQLQueryString("\(values)\(unsafeRaw: i == 0 ? "" : ", ")(\(bind: c.stage), \(bind: c.enterprise), \(bind: c.unit))")
            }
            made += try await sql.raw("""
                INSERT INTO visited_enterprises (stage_key, enterprise_id, unit_id) VALUES \(values)
                ON CONFLICT (stage_key, enterprise_id, unit_id) DO NOTHING RETURNING stage_key, enterprise_id, unit_id
                """).all(decoding: Made.self).map { Claim(stage: $0.stage_key, enterprise: $0.enterprise_id, unit: $0.unit_id) }
        }
        return made
    }

    /// The rows of `visit_tallies` the counts make, in key order.
    static func rows(_ d: [Key: Counts]) -> [[any Encodable & Sendable]] {
        sortedRows(d).map { k, c in [k.unit, k.stage, k.day, c.visits, c.workers, c.questionnaires, c.problems] }
    }

    /// The rows of `enterprise_tallies` the new claims make, in key order.
    static func rows(_ d: [StageKey: Int]) -> [[any Encodable & Sendable]] {
        sortedRows(d).map { k, n in [k.unit, k.stage, n] }
    }

    /// Adds the counts to their rows.
    static func apply(_ d: [Key: Counts], on db: any Database) async throws {
        try await TallyTable.visits.add(rows(d), on: db)
    }

    static func apply(_ d: [StageKey: Int], on db: any Database) async throws {
        try await TallyTable.enterprises.add(rows(d), chunk: 200, on: db)
    }

    /// A visit stopped counting (returned): its counts come off, and its enterprise's claims in
    /// that stage are worked out again from the visits that still count.
    static func remove(_ c: Contribution, on db: any Database) async throws {
        try await apply(deltas([c], sign: -1), on: db)
        try await AnswerTally.apply(AnswerTally.deltas([c], sign: -1), on: db)
        try await reclaim(stage: c.stageKey, enterprise: c.enterpriseID, on: db)
    }

    static func reclaim(stage: String, enterprise: UUID, on db: any Database) async throws {
        let sql = db.sql
        struct Held: Decodable { var unit_id: UUID }
        var d: [StageKey: Int] = [:]
        for held in try await sql.raw("""
            SELECT unit_id FROM visited_enterprises WHERE stage_key = \(bind: stage) AND enterprise_id = \(bind: enterprise)
            """).all(decoding: Held.self) {
            d[StageKey(unit: held.unit_id, stage: stage), default: 0] -= 1
        }
        try await sql.raw("DELETE FROM visited_enterprises WHERE stage_key = \(bind: stage) AND enterprise_id = \(bind: enterprise)").run()
        struct Left: Decodable { var path: String; var finished_at: Date; var stage_id: UUID? }
        let stages = try await stages(on: db)
        let left = try await sql.raw("""
            SELECT o.path, v.finished_at, t.stage_id FROM visits v JOIN org_units o ON o.id = v.unit_id LEFT JOIN visit_tasks t ON t.id = v.task_id
            WHERE v.enterprise_id = \(bind: enterprise) AND v.status IN ('submitted', 'accepted')
            """).all(decoding: Left.self).compactMap { v -> Contribution? in
                let day = day(v.finished_at)
                let key = stageKey(taskStage: v.stage_id, day: day, stages: stages)
                return key == stage ? Contribution(unitPath: v.path, stageKey: key, day: day, enterpriseID: enterprise, workers: 0, questionnaires: 0, problems: 0) : nil
            }
        for claim in try await claim(candidateClaims(left), on: db) { d[StageKey(unit: claim.unit, stage: claim.stage), default: 0] += 1 }
        try await apply(d, on: db)
    }

    // MARK: Tasks

    /// The tasks of a stage per unit and everything above it, counted again (after publishing).
    static func retallyTasks(stage: UUID, on db: any Database) async throws {
        let sql = db.sql
        struct Row: Decodable { var path: String; var n: Int }
        let rows = try await sql.raw("""
            SELECT o.path, COUNT(*) AS n FROM visit_tasks t JOIN org_units o ON o.id = t.unit_id WHERE t.stage_id = \(bind: stage) GROUP BY o.path
            """).all(decoding: Row.self)
        var totals: [UUID: Int] = [:]
        for r in rows { for unit in ancestors(r.path) { totals[unit, default: 0] += r.n } }
        try await sql.raw("DELETE FROM task_tallies WHERE stage_id = \(bind: stage)").run()
        try await BulkInsert.rows(into: "task_tallies", columns: ["unit_id", "stage_id", "tasks"],
                                  totals.sorted { $0.key.uuidString < $1.key.uuidString }.map { [$0.key, stage, $0.value] }, on: db)
    }

    // MARK: Everything again

    /// Rebuilds every tally from the rows: after a migration, a bulk load, a unit moved in the
    /// tree, or stage dates changed. Reads the visits a page of enterprises at a time.
    /// The visits waiting to be counted are counted here too: their `tally_pending` rows go first.
    /// Visits committed while it runs (other servers do not stop) keep theirs, are left out here
    /// and counted as usual once the rebuild's turn ends — each visit exactly once.
    static func rebuildAll(on db: any Database) async throws {
        let sql = db.sql
        let notWaiting = "NOT EXISTS (SELECT 1 FROM tally_pending tp WHERE tp.visit_id = v.id)"
        for table in ["visit_tallies", "visited_enterprises", "enterprise_tallies", "task_tallies", "answer_tallies", "number_tallies", "pair_tallies"] { try await sql.raw("DELETE FROM \(ident: table)").run() }
        try await sql.raw("DELETE FROM tally_pending").run()
        let stages = try await stages(on: db)
        struct Unit: Decodable { var id: UUID; var path: String }
        let paths = Dictionary(uniqueKeysWithValues: try await sql.raw("SELECT id, path FROM org_units").all(decoding: Unit.self).map { ($0.id, $0.path) })
        struct Visit: Decodable {
            var id: UUID; var enterprise_id: UUID; var unit_id: UUID; var finished_at: Date; var stage_id: UUID?; var questionnaires: Int?; var workers: Int?
            var problems: Int?; var industry_code: String; var size_class: String
        }
        let kinds = try await AnswerTally.kinds(on: db)
        var answerDeltas = AnswerTally.Deltas()
        var after: UUID?
        var d: [Key: Counts] = [:]
        var enterprises: [StageKey: Int] = [:]
        while true {
            let from = after.map { SQLQueryString("AND v.enterprise_id > \(bind: $0)") } ?? SQLQueryString("")
            struct E: Decodable { var enterprise_id: UUID }
            let page = try await sql.raw("""
                SELECT DISTINCT v.enterprise_id FROM visits v WHERE v.status IN ('submitted', 'accepted') AND \(unsafeRaw: notWaiting) \(from)
                ORDER BY v.enterprise_id LIMIT 5000
                """).all(decoding: E.self).map(\.enterprise_id)
            guard let first = page.first, let last = page.last else { break }
            let visits = try await sql.raw("""
                SELECT v.id, v.enterprise_id, v.unit_id, v.finished_at, t.stage_id, rc.questionnaires, rc.workers, pc.problems, e.industry_code, e.size_class
                FROM visits v JOIN enterprises e ON e.id = v.enterprise_id LEFT JOIN visit_tasks t ON t.id = v.task_id
                LEFT JOIN (SELECT p.visit_id, COUNT(*) AS problems FROM problems p JOIN visits pv ON pv.id = p.visit_id
                           WHERE pv.enterprise_id >= \(bind: first) AND pv.enterprise_id <= \(bind: last) GROUP BY p.visit_id) pc ON pc.visit_id = v.id
                LEFT JOIN (SELECT r.visit_id, COUNT(*) AS questionnaires, SUM(CASE WHEN r.questionnaire_key = 'worker' THEN 1 ELSE 0 END) AS workers
                           FROM responses r JOIN visits rv ON rv.id = r.visit_id
                           WHERE rv.enterprise_id >= \(bind: first) AND rv.enterprise_id <= \(bind: last) GROUP BY r.visit_id) rc ON rc.visit_id = v.id
                WHERE v.status IN ('submitted', 'accepted') AND \(unsafeRaw: notWaiting)
                  AND v.enterprise_id >= \(bind: first) AND v.enterprise_id <= \(bind: last)
                """).all(decoding: Visit.self)
            var answers: [UUID: [AnswerTally.Value]] = [:]
            let rows = try await sql.raw("""
                SELECT a.visit_id, a.response_id, a.questionnaire_key, a.question_key, a.number_value, a.text_value
                FROM answers a JOIN visits v ON v.id = a.visit_id
                WHERE v.status IN ('submitted', 'accepted') AND \(unsafeRaw: notWaiting)
                  AND v.enterprise_id >= \(bind: first) AND v.enterprise_id <= \(bind: last)
                """).all(decoding: AnswerTally.StoredRow.self)
            for (visit, group) in Dictionary(grouping: rows, by: \.visit) {
                answers[visit] = AnswerTally.values(group.map(\.answer)) { kinds[$0]?[$1] }
            }
            let contributions = visits.compactMap { v -> Contribution? in
                guard let path = paths[v.unit_id] else { return nil }
                let day = day(v.finished_at)
                return Contribution(unitPath: path, stageKey: stageKey(taskStage: v.stage_id, day: day, stages: stages), day: day,
                                    enterpriseID: v.enterprise_id, workers: v.workers ?? 0, questionnaires: v.questionnaires ?? 0, problems: v.problems ?? 0,
                                    section: AnswerTally.section(v.industry_code), size: v.size_class, answers: answers[v.id] ?? [])
            }
            answerDeltas.merge(AnswerTally.deltas(contributions, sign: 1))
            for (k, c) in deltas(contributions, sign: 1) {
                d[k, default: Counts()].visits += c.visits
                d[k, default: Counts()].workers += c.workers
                d[k, default: Counts()].questionnaires += c.questionnaires
                d[k, default: Counts()].problems += c.problems
            }
            let claims = candidateClaims(contributions)
            for c in claims { enterprises[StageKey(unit: c.unit, stage: c.stage), default: 0] += 1 }
            try await BulkInsert.rows(into: "visited_enterprises", columns: ["stage_key", "enterprise_id", "unit_id"],
                                      claims.map { [$0.stage, $0.enterprise, $0.unit] }, on: db)
            after = last
        }
        try await BulkInsert.rows(into: "visit_tallies", columns: ["unit_id", "stage_key", "day", "visits", "workers", "questionnaires", "problems"],
                                  sortedRows(d).map { [$0.key.unit, $0.key.stage, $0.key.day, $0.value.visits, $0.value.workers,
                                                       $0.value.questionnaires, $0.value.problems] }, on: db)
        try await BulkInsert.rows(into: "enterprise_tallies", columns: ["unit_id", "stage_key", "enterprises"],
                                  sortedRows(enterprises).map { [$0.key.unit, $0.key.stage, $0.value] }, on: db)
        try await AnswerTally.insert(answerDeltas, on: db)
        struct S: Decodable { var id: UUID }
        for stage in try await sql.raw("SELECT DISTINCT stage_id AS id FROM visit_tasks").all(decoding: S.self) {
            try await retallyTasks(stage: stage.id, on: db)
        }
    }
}
