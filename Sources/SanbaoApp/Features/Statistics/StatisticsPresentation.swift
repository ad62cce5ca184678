import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// The statistics as people read them: the filter taken from the request (within the user's
/// reach), values and groups named in the user's language, and the tables as they are
/// exported.
struct StatisticsPresentation {
    let req: Request
    let principal: Principal

    var zh: Bool { req.locale == .zhHans }

    func text(_ t: Questionnaire.Text) -> String { zh ? t.zh : t.en }

    /// `?q=KEY&unit=CODE&stage=N&from=YYYY-MM-DD&to=…`: the enterprise questionnaire over the
    /// user's unit, every stage and day, when left out. A bad date is an error naming its field.
    func filter() async throws -> (StatisticsStore.Filter, unit: OrgUnit?, stage: Stage?) {
        let key = (req.query[String.self, at: "q"] ?? "").trimmed
        var issues: [AppError.FieldIssue] = []
        func day(_ name: String) -> Day? {
            guard let raw = req.query[String.self, at: name]?.trimmed, !raw.isEmpty else { return nil }
            guard let d = Day(raw) else { issues.append(AppError.field(name, "problem.reason.bad_date")); return nil }
            return d
        }
        let from = day("from"), to = day("to")
        guard issues.isEmpty else { throw AppError.invalid(issues) }
        var unit: OrgUnit?
        if let code = req.query[String.self, at: "unit"]?.trimmed, !code.isEmpty {
            unit = try await principal.scope.unit(code: code, on: req.db)
        } else if let id = principal.unitID {
            unit = try await OrgUnit.find(id, on: req.db)
        } else {
            unit = try await OrgUnit.query(on: req.db).filter(\.$depth == 0).sort(\.$path).first()
        }
        guard let unit else { throw AppError(.notFound, "error.not_found") }
        var stage: Stage?
        if let s = req.query[String.self, at: "stage"], !s.isEmpty {
            let campaigns = CampaignService(app: req.application, db: req.db, principal: principal)
            stage = try await campaigns.stage(of: try await campaigns.campaign(nil), s)
        }
        return (.init(questionnaire: key.isEmpty ? "enterprise" : key, unitID: try unit.requireID(), unitPath: unit.path, unitDepth: unit.depth,
                      stage: stage, from: from, to: to), unit, stage)
    }

    func valueLabel(_ entry: QuestionCatalogue.Entry, _ key: String) -> String {
        if key.isEmpty { return "—" }
        return StatisticsStore.values(entry).first { $0.key == key }.map { text($0.title) } ?? key
    }

    func dimensionLabel(_ d: StatisticsStore.Dimension, _ catalogue: QuestionCatalogue) -> String {
        switch d {
        case .district: req.t("statistics.by.district")
        case .industry: req.t("statistics.by.industry")
        case .size: req.t("statistics.by.size")
        case .question(let k): catalogue.entry(k).map { text($0.title) } ?? k
        }
    }

    /// The cross-tabulation with its rows named: units under the filter's unit (its own visits
    /// as "本级"), industry sections, size classes, or the other question's values.
    func crossTab(_ query: StatisticsStore, _ f: StatisticsStore.Filter, _ catalogue: QuestionCatalogue,
                  question entry: QuestionCatalogue.Entry, by dimension: StatisticsStore.Dimension) async throws -> CrossTab {
        var cells = try await query.crossCells(f, question: entry.key, by: dimension)
        let columns = StatisticsStore.values(entry).map { (key: $0.key, label: text($0.title)) }
        let title = dimensionLabel(dimension, catalogue)
        switch dimension {
        case .district:
            let children = try await query.children(f)
            let names = Dictionary(uniqueKeysWithValues: children.map { ($0.path, $0.name) })
            return CrossTab(rowTitle: title, columns: columns, cells: cells, rowOrder: [f.unitPath] + children.map(\.path)) {
                $0 == f.unitPath ? req.t("statistics.own_level") : names[$0] ?? $0
            }
        case .industry:
            // Grouped by division; counted by section.
            cells = cells.map { (IndustryCode(parsing: $0.row).map { String($0.section) } ?? "", $0.column, $0.count) }
            let sections = IndustryCode.sectionNames.keys.sorted().map(String.init)
            return CrossTab(rowTitle: title, columns: columns, cells: cells, rowOrder: sections) { key in
                guard let c = key.first, let name = IndustryCode.sectionNames[c] else { return req.t("statistics.unknown") }
                return "\(key) \(zh ? name.zh : name.en)"
            }
        case .size:
            return CrossTab(rowTitle: title, columns: columns, cells: cells, rowOrder: ["large", "medium", "small", "micro"]) {
                $0.isEmpty ? req.t("statistics.unknown") : req.t("size." + $0)
            }
        case .question(let k):
            let other = catalogue.entry(k)
            let order = other.map { StatisticsStore.values($0).map(\.key) }
            return CrossTab(rowTitle: title, columns: columns, cells: cells, rowOrder: order) { key in
                other.map { valueLabel($0, key) } ?? key
            }
        }
    }

    /// Every question's distribution in long form: question, value, count, share of those who answered.
    func distributionTable(_ ds: [StatisticsStore.Distribution]) -> [[XLSX.Cell]] {
        var rows: [[XLSX.Cell]] = [[.text(req.t("statistics.col.key")), .text(req.t("statistics.col.question")), .text(req.t("statistics.col.value")),
                                    .text(req.t("statistics.col.count")), .text(req.t("statistics.col.share")), .text(req.t("statistics.answered"))]]
        for d in ds {
            let title = text(d.entry.title)
            for c in d.counts {
                rows.append([.text(d.entry.key), .text(title), .text(valueLabel(d.entry, c.key)), .number(Double(c.count)),
                             .text(d.answered > 0 ? CrossTab.percent(Double(c.count) / Double(d.answered)) : ""), .number(Double(d.answered))])
            }
            if let n = d.numeric {
                for (name, value) in [("n", Double(n.count)), ("mean", n.mean), ("min", n.min), ("q1", n.q1), ("median", n.median), ("q3", n.q3), ("max", n.max)] {
                    rows.append([.text(d.entry.key), .text(title), .text(req.t("statistics.numeric." + name)),
                                 value.map { .number(($0 * 100).rounded() / 100) } ?? .text(""), .text(""), .number(Double(d.answered))])
                }
            }
        }
        return rows
    }

    /// A response as a row: where and when, then each question's answer in words.
    func responseHeader(_ catalogue: QuestionCatalogue) -> [String] {
        [req.t("statistics.col.enterprise"), req.t("statistics.col.credit_code"), req.t("statistics.col.unit"), req.t("statistics.col.day"),
         req.t("statistics.col.version")] + catalogue.entries.map { text($0.title) + "（\($0.key)）" }
    }

    func responseRow(_ r: StatisticsStore.ResponseRow, _ catalogue: QuestionCatalogue) -> [String] {
        let answers = (try? JSONDecoder().decode([String: Answer].self, from: Data(r.answers.utf8))) ?? [:]
        return [r.enterprise, r.credit_code, r.unit, ShanghaiTime.day(r.finished_at).description, "\(r.version)"]
            + catalogue.entries.map { entry in
                switch answers[entry.key] {
                case .none: ""
                case .text(let t): t
                case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
                case .yes(let b): valueLabel(entry, b ? "yes" : "no")
                case .choices(let keys): keys.map { valueLabel(entry, $0) }.joined(separator: "；")
                }
            }
    }
}

extension XLSX.Cell {
    /// As text, for CSV.
    var plain: String {
        switch self {
        case .text(let t): t
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        }
    }
}
