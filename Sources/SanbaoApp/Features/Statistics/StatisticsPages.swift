import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Vapor

/// `/statistics`: a questionnaire's answers over a unit's subtree (`?q=KEY&unit=CODE&stage=N&
/// from=&to=`): every question's distribution, one question crossed with district, industry,
/// size class or another question (`question=KEY&by=…`), free-text answers with their
/// enterprises (`/statistics/texts`), and each table as CSV or XLSX
/// (`/statistics/export/{distributions|crosstab|texts|responses}.{csv|xlsx}`).
struct StatisticsPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.statistics, use: index)
        routes.get(Site.statisticsTexts, use: texts)
        routes.get(Site.statisticsExport(":file"), use: export)
    }

    struct ValueRow: Codable {
        var label: String
        var count: Int
        var share: String
        var width: Int
    }

    struct NumericView: Codable {
        var count: Int
        var mean, min, q1, median, q3, max: String
    }

    struct QuestionCard: Codable {
        var key, title, kind, unit, versions: String
        var answered: Int
        var values: [ValueRow]
        var numeric: NumericView?
        var crossable: Bool
    }

    struct CrossCell: Codable {
        var n: Int
        var share: String
    }

    struct CrossRow: Codable {
        var label: String
        var cells: [CrossCell]
        var total: Int
    }

    struct CrossView: Codable {
        var question, rowTitle: String
        var columns: [String]
        var rows: [CrossRow]
        var totals: [Int]
        var total: Int
        var chart: String
    }

    struct Page: PageModel {

        static let template = "statistics/index"
        var shell: Shell
        var questionnaires: [Choice]
        var questionnaire, unitCode, unitName: String
        var stages: [Choice]
        var stage, from, to: String
        var responses: Int
        var cards: [QuestionCard]
        var questions: [Choice]
        var question: String
        var dimensions: [Choice]
        var by: String
        var cross: CrossView?
        var query, crossQuery: String
    }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "—" }
        return v == v.rounded() && abs(v) < 1e12 ? String(Int64(v)) : String(format: "%.2f", v)
    }

    func index(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let present = StatisticsPresentation(req: req, principal: principal)
        let (f, unit, stage) = try await present.filter()
        let query = try await StatisticsStore.fresh(req.application, req.db)
        let catalogue = try await query.catalogue(f.questionnaire)
        guard !catalogue.entries.isEmpty else { throw AppError(.notFound, "error.not_found") }
        let responses = try await query.responses(f)
        let distributions = try await query.distributions(f, catalogue)
        let cards = distributions.map { d in
            let top = max(1, d.counts.map(\.count).max() ?? 1)
            return QuestionCard(
                key: d.entry.key, title: present.text(d.entry.title), kind: d.entry.kind.rawValue, unit: d.entry.unit ?? "",
                versions: d.entry.versions.map { "v\($0)" }.joined(separator: "、"), answered: d.answered,
                values: d.counts.map { c in
                    ValueRow(label: present.valueLabel(d.entry, c.key), count: c.count,
                             share: d.answered > 0 ? CrossTab.percent(Double(c.count) / Double(d.answered)) : "—",
                             width: Int((Double(c.count) / Double(top) * 100).rounded()))
                },
                numeric: d.numeric.map { n in
                    NumericView(count: n.count, mean: Self.number(n.mean), min: Self.number(n.min), q1: Self.number(n.q1),
                                median: Self.number(n.median), q3: Self.number(n.q3), max: Self.number(n.max))
                },
                crossable: d.entry.isCategorical || d.entry.kind == .scale)
        }
        let crossable = catalogue.entries.filter { $0.isCategorical || $0.kind == .scale }
        let question = req.query[String.self, at: "question"].flatMap { k in crossable.first { $0.key == k } } ?? crossable.first
        let by = StatisticsStore.Dimension(req.query[String.self, at: "by"] ?? "") ?? .district
        var cross: CrossView?
        if let question {
            let tab = try await present.crossTab(query, f, catalogue, question: question, by: by)
            let totals = tab.columnTotals
            let chart = tab.rows.isEmpty ? "" : SVGChart.bars(
                // Long names cut short under the bars; the table beside has them whole.
                title: present.text(question.title), categories: tab.rows.map { $0.label.count > 8 ? $0.label.prefix(7) + "…" : $0.label },
                series: tab.columns.enumerated().map { i, c in .init(c.label, tab.rows.map { Double($0.counts[i]) }) },
                stacked: true, width: max(640, tab.rows.count * 44), height: 360)
            cross = CrossView(question: present.text(question.title), rowTitle: tab.rowTitle, columns: tab.columns.map(\.label),
                              rows: tab.rows.map { r in
                                  CrossRow(label: r.label, cells: r.counts.map {
                                      CrossCell(n: $0, share: r.total > 0 ? CrossTab.percent(Double($0) / Double(r.total)) : "—")
                                  }, total: r.total)
                              },
                              totals: totals, total: tab.total, chart: chart)
        }
        let campaigns = CampaignService(app: req.application, db: req.db, principal: principal)
        let stages = (try? await campaigns.stages(of: try await campaigns.campaign(nil))) ?? []
        let questionnaires = try await QuestionnaireService(app: req.application, db: req.db, principal: principal).current()
        var dimensions = [Choice(value: "district", label: req.t("statistics.by.district")), Choice(value: "industry", label: req.t("statistics.by.industry")),
                          Choice(value: "size", label: req.t("statistics.by.size"))]
        dimensions += crossable.filter { $0.key != question?.key }.map { Choice(value: "q:" + $0.key, label: req.t("statistics.by.question", present.text($0.title))) }
        return try await req.render(Page(
            shell: Shell(req, title: req.t("statistics.title")),
            questionnaires: questionnaires.map { Choice(value: $0.key, label: $0.title) }, questionnaire: f.questionnaire,
            unitCode: unit?.code ?? "", unitName: unit?.name ?? "",
            stages: stages.map { Choice(value: "\($0.position)", label: $0.name) }, stage: stage.map { "\($0.position)" } ?? "",
            from: f.from?.description ?? "", to: f.to?.description ?? "", responses: responses, cards: cards,
            questions: crossable.map { Choice(value: $0.key, label: present.text($0.title)) }, question: question?.key ?? "",
            dimensions: dimensions, by: by.key, cross: cross,
            query: Self.filterQuery(f, unit: unit, stage: stage),
            crossQuery: Self.filterQuery(f, unit: unit, stage: stage) + "&question=\(question?.key ?? "")&by=\(by.key)"))
    }

    /// The filter again, for links to exports and lists.
    static func filterQuery(_ f: StatisticsStore.Filter, unit: OrgUnit?, stage: Stage?) -> String {
        var items = [URLQueryItem(name: "q", value: f.questionnaire)]
        if let unit { items.append(.init(name: "unit", value: unit.code)) }
        if let stage { items.append(.init(name: "stage", value: "\(stage.position)")) }
        if let from = f.from { items.append(.init(name: "from", value: from.description)) }
        if let to = f.to { items.append(.init(name: "to", value: to.description)) }
        var c = URLComponents()
        c.queryItems = items
        return c.percentEncodedQuery ?? ""
    }

    struct TextRow: Codable {
        var enterprise, creditCode, unit, day, text: String
    }

    struct TextsPage: PageModel {

        static let template = "statistics/texts"
        var shell: Shell
        var question, key, unitName: String
        var total: Int
        var rows: [TextRow]
        var query: String
        var pager: Pager
    }

    func texts(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let present = StatisticsPresentation(req: req, principal: principal)
        let (f, unit, stage) = try await present.filter()
        let query = StatisticsStore(db: req.db)
        let catalogue = try await query.catalogue(f.questionnaire)
        guard let key = req.query[String.self, at: "question"], let entry = catalogue.entry(key) else { throw AppError(.notFound, "error.not_found") }
        let paging = PageRequest(page: try PageRequest(req).page, per: 100)   // the page asked for, always 100 answers
        let filter = Self.filterQuery(f, unit: unit, stage: stage) + "&question=\(key)"
        let (rows, total) = try await query.texts(f, question: key, limit: paging.per, offset: paging.offset)
        return try await req.render(TextsPage(
            shell: Shell(req, title: req.t("statistics.texts")), question: present.text(entry.title), key: key, unitName: unit?.name ?? "",
            total: total, rows: rows.map { TextRow(enterprise: $0.enterprise, creditCode: $0.credit_code, unit: $0.unit,
                                                     day: ShanghaiTime.day($0.finished_at).description, text: $0.text_value) },
            query: filter,
            pager: Pager(page: paging.page, hasNext: paging.offset + rows.count < total) { Site.statisticsTexts.path + "?\(filter)&page=\($0)" }))
    }

    /// Spreadsheets of what the page shows; `responses` (every response as a row) is streamed
    /// as CSV however many there are, and as XLSX up to `xlsxResponseLimit`.
    static let xlsxResponseLimit = 100_000

    func export(req: Request) async throws -> Response {
        let file = req.parameters.get("file") ?? ""
        let parts = file.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let format = TableFormat(rawValue: parts[1]),
              ["distributions", "crosstab", "texts", "responses"].contains(parts[0]) else { throw AppError(.notFound, "error.not_found") }
        let principal = try req.requirePrincipal()
        let present = StatisticsPresentation(req: req, principal: principal)
        let (f, _, _) = try await present.filter()
        let query = try await StatisticsStore.fresh(req.application, req.db)
        let catalogue = try await query.catalogue(f.questionnaire)
        guard !catalogue.entries.isEmpty else { throw AppError(.notFound, "error.not_found") }
        let name = "\(f.questionnaire)-\(parts[0]).\(format.rawValue)"
        switch parts[0] {
        case "distributions":
            return try Download.table(present.distributionTable(try await query.distributions(f, catalogue)), as: format, named: name)
        case "crosstab":
            guard let key = req.query[String.self, at: "question"], let entry = catalogue.entry(key), entry.isCategorical || entry.kind == .scale,
                  let by = StatisticsStore.Dimension(req.query[String.self, at: "by"] ?? "district") else {
                throw AppError.invalid([AppError.field("question", "statistics.reason.not_crossable")])
            }
            let tab = try await present.crossTab(query, f, catalogue, question: entry, by: by)
            // Counts as numbers a spreadsheet can sum; names and shares as text.
            let table = tab.table(totalLabel: req.t("statistics.total"), shareSuffix: req.t("statistics.share_suffix"))
            let rows: [[XLSX.Cell]] = [[.text(present.text(entry.title))], table[0].map(XLSX.Cell.text)]
                + table.dropFirst().map { row in row.enumerated().map { i, v in i > 0 && Int(v) != nil ? .number(Double(v)!) : .text(v) } }
            return try Download.table(rows, as: format, named: name)
        case "texts":
            guard let key = req.query[String.self, at: "question"], catalogue.entry(key) != nil else {
                throw AppError.invalid([AppError.field("question", "statistics.reason.unknown_question")])
            }
            let (rows, _) = try await query.texts(f, question: key, limit: 100_000, offset: 0)
            let table = [[req.t("statistics.col.enterprise"), req.t("statistics.col.credit_code"), req.t("statistics.col.unit"),
                          req.t("statistics.col.day"), req.t("statistics.col.answer")]]
                + rows.map { [$0.enterprise, $0.credit_code, $0.unit, ShanghaiTime.day($0.finished_at).description, $0.text_value] }
            return try Download.table(table, as: format, named: name)
        default:
            let header = present.responseHeader(catalogue)
            if format == .csv {
                // The application's database, not the request's: the body is written after the handler returns.
                let app = req.application
                return Download.csvStream(named: name, header: header) { emit in
                    try await StatisticsStore(db: app.db).eachResponsePage(f) { page in try await emit(page.map { present.responseRow($0, catalogue) }) }
                }
            } else {
                guard try await query.responses(f) <= Self.xlsxResponseLimit else {
                    throw AppError(.unprocessableEntity, "statistics.too_many_for_xlsx", ["\(Self.xlsxResponseLimit)"])
                }
                var rows = [header]
                try await query.eachResponsePage(f) { page in rows += page.map { present.responseRow($0, catalogue) } }
                return try Download.table(rows, as: format, named: name)
            }
        }
    }
}
