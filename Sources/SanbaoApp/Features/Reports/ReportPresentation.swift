import Foundation
import SanbaoDomain
import Vapor

/// How a report's period and figures read on its page, its printed copy and its spreadsheet:
/// one set of lines for all three.
struct ReportPresentation {
    let req: Request

    /// "2026年第10周（3月2日—3月8日）", "2026年3月"; "Week 10, 2026 (2 Mar – 8 Mar)", "March 2026".
    func label(_ p: ReportPeriod) -> String {
        let key = p.key
        switch p.cadence {
        case .weekly:
            let year = key.prefix(4), week = Int(key.suffix(2)) ?? 0
            return req.t("report.period.week", String(year), "\(week)", day(p.start), day(p.end))
        case .monthly:
            return req.t("report.period.month", "\(p.start.year)", "\(p.start.parts.month)")
        }
    }

    private func day(_ d: Day) -> String { req.t("report.period.day", "\(d.parts.month)", "\(d.parts.day)") }

    struct Line: Codable {
        var key, label: String
        var period: Int?
        var cumulative: Int
        var target: Int?
        var percent: String?
    }

    func lines(_ f: ReportFigures) -> [Line] {
        func line(_ key: String, _ period: Int?, _ cumulative: Int, _ target: Int?) -> Line {
            let t = target.flatMap { $0 > 0 ? $0 : nil }
            return Line(key: key, label: req.t("report.figure." + key), period: period, cumulative: cumulative, target: t,
                        percent: t.map { String(format: "%.1f%%", Double(cumulative) / Double($0) * 100) })
        }
        return [
            line("enterprises", f.period.enterprises, f.cumulative.enterprises, f.targets.enterprises),
            line("visits", f.period.visits, f.cumulative.visits, nil),
            line("workers", f.period.workers, f.cumulative.workers, f.targets.workers),
            line("questionnaires", f.period.questionnaires, f.cumulative.questionnaires, f.targets.questionnaires),
            line("problems_found", f.period.problemsFound, f.cumulative.problemsFound, nil),
            line("problems_resolved", f.period.problemsResolved, f.cumulative.problemsResolved, f.targets.problems),
            line("overdue_now", nil, f.overdueNow, nil),
        ]
    }

    struct CategoryLine: Codable {
        var name: String
        var found, resolved, open: Int
    }

    func categories(_ f: ReportFigures) -> [CategoryLine] {
        f.categories.map { CategoryLine(name: categoryName($0.category), found: $0.found, resolved: $0.resolved, open: $0.open) }
    }

    func categoryName(_ key: String) -> String {
        ProblemCategory(rawValue: key).map { req.t("problem.category." + $0.rawValue) } ?? key
    }

    struct CaseLine: Codable {
        var id, enterprise, category, severity, status, reportedOn, deadline: String
        var overdue: Bool
    }

    func cases(_ f: ReportFigures) -> [CaseLine] {
        f.cases.map {
            CaseLine(id: $0.problemID.lowercased(), enterprise: $0.enterprise, category: categoryName($0.category),
                     severity: req.t("problem.severity." + $0.severity), status: req.t("problems.status." + $0.status),
                     reportedOn: $0.reportedOn, deadline: $0.deadline ?? "—", overdue: $0.overdue)
        }
    }

    /// Problems by category as a grouped bar chart (found and resolved in the period, open now).
    func categoryChart(_ f: ReportFigures, width: Int = 640) -> String {
        guard !f.categories.isEmpty else { return "" }
        let lines = categories(f)
        return SVGChart.bars(title: req.t("report.categories"), categories: lines.map(\.name), series: [
            .init(req.t("report.found_in_period"), lines.map { Double($0.found) }),
            .init(req.t("report.resolved_in_period"), lines.map { Double($0.resolved) }),
            .init(req.t("report.open_now"), lines.map { Double($0.open) }),
        ], width: width, height: 320)
    }

    /// The figures as a spreadsheet: a heading block, the figures, then the categories.
    func workbook(unit: String, period: ReportPeriod, status: String, _ f: ReportFigures) throws -> Data {
        typealias C = XLSX.Cell
        func n(_ v: Int?) -> C { v.map { .number(Double($0)) } ?? .text("") }
        var rows: [[C]] = [
            [.text(req.t("report.xlsx.unit")), .text(unit)],
            [.text(req.t("report.xlsx.period")), .text(label(period)), .text(period.start.description), .text(period.end.description)],
            [.text(req.t("report.xlsx.status")), .text(status)],
            [.text(req.t("report.xlsx.taken_at")), .text(f.takenAt)],
            [],
            [.text(req.t("report.figure")), .text(req.t("report.this_period")), .text(req.t("report.cumulative")), .text(req.t("report.target")),
             .text(req.t("report.completion"))],
        ]
        for l in lines(f) { rows.append([.text(l.label), n(l.period), n(l.cumulative), n(l.target), .text(l.percent ?? "")]) }
        rows.append([])
        rows.append([.text(req.t("report.category")), .text(req.t("report.found_in_period")), .text(req.t("report.resolved_in_period")),
                     .text(req.t("report.open_now"))])
        for c in categories(f) { rows.append([.text(c.name), n(c.found), n(c.resolved), n(c.open)]) }
        return try XLSX.render(cells: rows)
    }
}
