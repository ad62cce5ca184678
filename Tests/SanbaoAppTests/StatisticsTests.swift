import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

/// Questionnaire statistics: distributions and numeric summaries recounted from the stored
/// responses, cross-tabulations by district, industry, size and another question, a question
/// followed across two versions, scoping, free text, and the exports.
@Suite struct StatisticsTests {
    /// The visit's enterprise answers: the base ones with some replaced or removed.
    static func answers(_ changes: [String: String], removing: [String] = []) -> String {
        var base = try! JSONSerialization.jsonObject(with: Data(VisitTests.enterpriseAnswers.utf8)) as! [String: Any]
        for key in removing { base.removeValue(forKey: key) }
        for (key, json) in changes { base[key] = try! JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) }
        return String(decoding: try! JSONSerialization.data(withJSONObject: base, options: .sortedKeys), as: UTF8.self)
    }

    static func load(_ app: Application) async throws {
        var a = TestClient(app, bearer: try await Fixture.token(app, "A001"))
        var b = TestClient(app, bearer: try await Fixture.token(app, "B001"))
        let visits: [(String, String)] = [
            ("A", answers(["financing_need": "true", "financing_amount": "100", "suggestions": "\"希望减免房租\""])),
            ("A", answers(["layoffs_planned": "false", "financing_need": "true", "financing_amount": "300"], removing: ["layoffs_count"])),
            ("A", answers(["layoffs_count": "40"])),
            ("B", answers(["layoffs_planned": "false", "financing_need": "true", "financing_amount": "50", "suggestions": "\"希望加强技能培训\""],
                          removing: ["layoffs_count"])),
        ]
        for (i, (who, json)) in visits.enumerated() {
            let body = VisitTests.body(enterprise: json)
            let response = who == "A" ? try await VisitTests.post(&a, key: "statistics-\(i)", body)
                : try await VisitTests.post(&b, key: "statistics-\(i)", body.replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB))
            #expect(response.status == .created, "\(response.body.string)")
        }
    }

    @Test(arguments: TestDatabase.all) func distributionsCrossTabsAndExportsCountWhatWasAnswered(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            try await Self.load(app)
            // New visits' answers reach the tallies a group at a time, before statistics are read.
            #expect(try await VisitTests.count(app, "tally_pending") == 4)
            try await Tallies.catchUp(app, app.db)
            #expect(try await VisitTests.count(app, "tally_pending") == 0)
            let query = StatisticsStore(db: app.db)
            let root = try #require(try await OrgUnit.query(on: app.db).filter(\.$code == "3401").first())
            let f = StatisticsStore.Filter(questionnaire: "enterprise", unitID: root.id!, unitPath: root.path)
            let catalogue = try await query.catalogue("enterprise")
            #expect(try await query.responses(f) == 4)
            let ds = try await query.distributions(f, catalogue)
            func d(_ key: String) throws -> StatisticsStore.Distribution { try #require(ds.first { $0.entry.key == key }) }
            #expect(try d("layoffs_planned").counts.map(\.count) == [2, 2] && (try d("layoffs_planned")).answered == 4)
            #expect(try d("financing_amount").numeric == NumericSummary(values: [100, 300, 50]))
            #expect(try d("layoffs_count").numeric?.median == 26)
            #expect(try d("training_need").counts.first { $0.key == "skills" }?.count == 4, "each choice of a multiple choice counts")

            // Cross-check: every categorical distribution recounted from the responses as stored.
            struct Stored: Decodable { var answers: String }
            let stored = try await app.db.sql.raw("SELECT answers FROM responses WHERE questionnaire_key = 'enterprise'")
                .all(decoding: Stored.self).map { try JSONDecoder().decode([String: Answer].self, from: Data($0.answers.utf8)) }
            for dist in ds where dist.entry.isCategorical {
                var recount: [String: Int] = [:]
                for answers in stored {
                    switch answers[dist.entry.key] {
                    case .yes(let b): recount[b ? "yes" : "no", default: 0] += 1
                    case .text(let t): recount[t, default: 0] += 1
                    case .choices(let keys): for k in keys { recount[k, default: 0] += 1 }
                    default: break
                    }
                }
                #expect(Dictionary(uniqueKeysWithValues: dist.counts.filter { $0.count > 0 }.map { ($0.key, $0.count) }) == recount, "\(dist.entry.key)")
                #expect(dist.answered == stored.filter { $0[dist.entry.key] != nil }.count, "\(dist.entry.key)")
            }

            // The tallies (a big subtree over whole stages) say what the answers say.
            var raw = f
            raw.unitDepth = 99
            #expect(try await query.responses(raw) == 4)
            let counted = try await query.distributions(raw, catalogue)
            for (t, r) in zip(ds, counted) {
                #expect(t.answered == r.answered && t.counts.map(\.count) == r.counts.map(\.count) && t.counts.map(\.key) == r.counts.map(\.key)
                        && t.numeric == r.numeric, "\(t.entry.key)")
            }
            for by in [StatisticsStore.Dimension.district, .industry, .size, .question("financing_need"), .question("training_need"), .question("production")] {
                // Counted from the answers, industries come by division; the tallies keep sections.
                func cells(_ f: StatisticsStore.Filter) async throws -> [String: Int] {
                    var out: [String: Int] = [:]
                    for c in try await query.crossCells(f, question: "layoffs_planned", by: by) {
                        out[(by == .industry ? AnswerTally.section(c.row) : c.row) + " " + c.column, default: 0] += c.count
                    }
                    return out
                }
                #expect(try await cells(f) == (try await cells(raw)), "\(by)")
            }

            // Crossed with district, size, industry and another question.
            var page = TestClient(app)
            try await page.signIn("office")
            let present = StatisticsPresentation(req: Request(application: app, on: app.eventLoopGroup.next()), principal: .system("t"))
            let layoffs = try #require(catalogue.entry("layoffs_planned"))
            let byDistrict = try await present.crossTab(query, f, catalogue, question: layoffs, by: .district)
            #expect(byDistrict.rows.map(\.label) == ["瑶海区总工会", "蜀山区总工会"] && byDistrict.rows.map(\.counts) == [[0, 1], [2, 1]], "\(byDistrict.rows)")
            #expect(try await present.crossTab(query, f, catalogue, question: layoffs, by: .size).rows.map(\.key) == ["medium", "small"])
            let byIndustry = try await present.crossTab(query, f, catalogue, question: layoffs, by: .industry)
            #expect(byIndustry.rows.map(\.key) == ["C"] && byIndustry.rows[0].counts == [2, 2])
            let byFinancing = try await present.crossTab(query, f, catalogue, question: layoffs, by: .question("financing_need"))
            #expect(byFinancing.rows.map(\.key) == ["yes", "no"] && byFinancing.rows.map(\.counts) == [[1, 2], [1, 0]])

            // A second version renames a question; answers to both count under its key.
            let office = QuestionnaireService(app: app, db: app.db, principal: .system("t"))
            var v2 = try await office.version(key: "enterprise").questionnaire()
            v2.sections[0].questions[0].title = .init("目前生产经营情况", "Production now")
            #expect(try await office.publish(v2) == .published(version: 2))
            var a = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let body = VisitTests.body().replacingOccurrences(of: #""questionnaire": "enterprise", "version": 1"#, with: #""questionnaire": "enterprise", "version": 2"#)
            #expect(try await VisitTests.post(&a, key: "statistics-v2", body).status == .created)
            try await Tallies.catchUp(app, app.db)
            let after = try await query.catalogue("enterprise")
            #expect(after.entries.first?.versions == [1, 2] && after.entries.first?.title.zh == "目前生产经营情况")
            #expect(try await query.distributions(f, after).first?.answered == 5)

            // A district sees its own subtree only.
            var sibling = TestClient(app)
            try await sibling.signIn("adminB")
            #expect(try await sibling.send(.GET, "/statistics?unit=340104").status == .notFound)
            let own = try await sibling.send(.GET, "/statistics").body.string
            #expect(own.contains("共 1 份问卷"))

            // The page, free text and the exports.
            let html = try await page.send(.GET, "/statistics?question=layoffs_planned&by=industry").body.string
            #expect(html.contains("交叉分析") && html.contains("C 制造业") && html.contains("<svg"))
            let texts = try await page.send(.GET, "/statistics/texts?q=enterprise&question=suggestions").body.string
            #expect(texts.contains("希望减免房租") && texts.contains("合肥瑶海食品有限公司"))
            let xlsx = try await page.send(.GET, "/statistics/export/crosstab.xlsx?q=enterprise&question=layoffs_planned&by=industry")
            let rows = try XLSX.records(Array(xlsx.body.readableBytesView), maxFieldLength: 1_000).map(\.fields)
            #expect(rows.contains { $0.first == "行业门类" && $0.contains("是") && $0.contains("否") }, "\(rows)")
            #expect(rows.contains { $0.first == "C 制造业" && $0.dropFirst().prefix(2) == ["3", "2"] }, "\(rows)")
            let csv = try await page.send(.GET, "/statistics/export/responses.csv?q=enterprise").body.string
            #expect(csv.hasPrefix("\u{FEFF}企业") && csv.split(whereSeparator: \.isNewline).count == 6, "a header and five responses: \(csv)")
            let distributions = try await page.send(.GET, "/statistics/export/distributions.csv?q=enterprise").body.string
            #expect(distributions.contains("layoffs_planned"))
            #expect(try await page.send(.GET, "/statistics?from=2026-13-01").status == .unprocessableEntity)
        }
    }
}
