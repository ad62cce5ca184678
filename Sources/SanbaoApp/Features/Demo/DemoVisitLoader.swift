import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// The demo city's visits: the office's assignment solved and published, then a share of the
/// tasks visited by their own cadres through the same submission path a phone uses, and most
/// of those reviewed — accepted, a few returned — so the visit, problem and report pages have
/// something to show.
enum DemoVisitLoader {
    static func load(_ app: Application, count: Int, seed: UInt64) async throws -> Int {
        let system = Principal.system("demo")
        let campaigns = CampaignService(app: app, db: app.db, principal: system)
        let campaign = try await campaigns.campaign(nil)
        let stage = try await campaigns.stage(of: campaign, nil)
        let assignment = AssignmentService(app: app, db: app.db, principal: system)
        _ = try await assignment.solve(stage: stage, campaign: campaign, dryRun: false)
        _ = try await assignment.publish(stage: stage)

        struct Task: Decodable {
            var id: UUID, user_id: UUID, username: String, display_name: String, unit_id: UUID, code: String, name: String, path: String
        }
        let tasks = try await app.db.sql.raw("""
            SELECT t.id, u.id AS user_id, u.username, u.display_name, o.id AS unit_id, o.code, o.name, o.path
            FROM visit_tasks t JOIN cadres c ON c.id = t.cadre_id JOIN users u ON u.id = c.user_id JOIN org_units o ON o.id = u.unit_id
            WHERE t.stage_id = \(bind: stage.id!) ORDER BY t.id
            """).all(decoding: Task.self)
        var rng = SeededRandom(seed: seed &+ 7)
        let chosen = Array(tasks.shuffled(using: &rng).prefix(count))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let now = Date()
        var bodies: [(Task, [UInt8])] = []
        for task in chosen {
            let enterprise = DemoVisits.answers(to: DefaultQuestionnaires.enterprise, rng: &rng)
            let workers = (0..<rng.int(1...3)).map { _ in DemoVisits.answers(to: DefaultQuestionnaires.worker, rng: &rng) }
            // Over the last four weeks, in working hours.
            let day = now.addingTimeInterval(-Double(rng.int(1...28)) * 86_400)
            let start = Calendar(identifier: .gregorian).startOfDay(for: day).addingTimeInterval(Double(rng.int(1...7)) * 3_600)
            let submission = VisitSubmission(
                taskID: task.id, startedAt: start, finishedAt: start.addingTimeInterval(Double(rng.int(40...150)) * 60),
                peopleMet: rng.pick(["人事经理", "工会主席", "总经理", "行政主管"]) + "、\(rng.int(1...5))名职工",
                enterpriseResponse: .init(questionnaire: "enterprise", version: 1, answers: enterprise),
                workerResponses: workers.map { .init(questionnaire: "worker", version: 1, answers: $0) },
                problems: DemoVisits.problems(enterprise: enterprise, workers: workers))
            bodies.append((task, Array(try encoder.encode(submission))))
        }
        // Sixteen phones at a time, as the writer groups them.
        var made: [UUID] = []
        for slice in stride(from: 0, to: bodies.count, by: 16) {
            let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
                for (task, body) in bodies[slice..<min(slice + 16, bodies.count)] {
                    let cadre = Principal(userID: task.user_id, username: task.username, displayName: task.display_name, unitID: task.unit_id,
                                          unitCode: task.code, unitName: task.name, unitPath: task.path, roles: [.cadre], ip: "demo",
                                          sessionTokenHash: nil)
                    group.addTask {
                        try await VisitService(app: app, db: app.db, principal: cadre).submit(body: body, idempotencyKey: "demo-" + task.id.uuidString).receipt.id
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            made += ids
        }
        // Most reviewed: seven in ten accepted, one in ten returned for correction.
        let reviewer = VisitService(app: app, db: app.db, principal: system)
        for id in made.sorted(by: { $0.uuidString < $1.uuidString }) {
            let roll = rng.int(1...10)
            if roll <= 7 { _ = try await reviewer.review(id, accept: true, comment: "", revision: 1) }
            else if roll == 8 { _ = try await reviewer.review(id, accept: false, comment: "请补充职工问卷", revision: 1) }
        }
        return made.count
    }
}
