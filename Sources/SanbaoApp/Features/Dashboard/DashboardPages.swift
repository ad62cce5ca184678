import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// `/dashboard`: the campaign's progress for the user's unit (or `?unit=CODE` below it) in a
/// stage (`?stage=N`): the figures against the task decomposition table with completion bars,
/// the units directly under it ranked from the furthest behind, visits per day, and the
/// problems — each chart with its numbers in a table beside it, each figure a link to the list
/// behind it.
struct DashboardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.dashboard, use: show)
    }

    struct Tile: Codable {
        var key: String
        /// With thousands separators.
        var done, target: String
        var percent: Int?
        var href: String?
    }

    struct ChildRow: Codable {
        var code, name: String
        var visited, quota, assigned: Int
        var percent: String
        var overdue: Int
    }

    struct DayRow: Codable {
        var day: String
        var visits: Int
    }

    struct Page: PageModel {

        static let template = "dashboard"
        var shell: Shell
        var unitName, unitCode: String
        var stages: [Choice]
        var stage, stageDates: String
        var tiles: [Tile]
        var overdue: Int
        var children: [ChildRow]
        var days: [DayRow]
        var childChart, visitedMap, dayChart, problemChart: String
        var problemsFound, problemsResolved: Int
        /// Visits committed and not yet in these figures (the catch-up counts them within seconds).
        var waiting: Int
    }

    func show(req: Request) async throws -> Response {
        let progress = try await Progress.read(req)
        let (campaign, stage, unit, f, query) = (progress.campaign, progress.stage, progress.unit, progress.figures, progress.store)
        let campaigns = CampaignService(app: req.application, db: req.db, principal: try req.requirePrincipal())
        var ranked: [(ProgressStore.Unit, ProgressStore.Figures)] = progress.children.filter { _, cf in
            cf.enterprisesQuota > 0 || cf.assigned > 0 || cf.visited > 0
        }.map { ($0.unit, $0.figures) }
        // Who is behind: the lowest completion first; units with nothing to measure against last.
        ranked.sort { ($0.1.completion ?? 2, $0.0.code) < ($1.1.completion ?? 2, $1.0.code) }
        let days = try await query.visitsPerDay(for: unit, stage: stage).suffix(60)
        let stageKey = "\(stage.position)"
        func tile(_ key: String, _ done: Int, _ target: Int, _ href: String?) -> Tile {
            Tile(key: key, done: SVGChart.number(Double(done)), target: SVGChart.number(Double(target)), percent: target > 0 ? Int((Double(done) / Double(target) * 100).rounded()) : nil, href: href)
        }
        let tiles = [
            tile("enterprises", f.visited, f.enterprisesQuota > 0 ? f.enterprisesQuota : f.assigned, nil),
            tile("workers", f.workers, f.workersQuota, nil),
            tile("questionnaires", f.questionnaires, f.questionnairesQuota, nil),
            tile("problems", f.problemsResolved, f.problemsQuota > 0 ? f.problemsQuota : f.problemsFound, Site.problems.with(["view": "all", "unit": unit.code])),
        ]
        let names = ranked.map { $0.0.name.replacingOccurrences(of: "总工会", with: "").replacingOccurrences(of: "工会", with: "") }
        let childChart = SVGChart.bars(title: req.t("dashboard.children_chart"), categories: names, series: [
            .init(req.t("dashboard.visited"), ranked.map { Double($0.1.visited) }),
            .init(req.t("dashboard.quota"), ranked.map { Double($0.1.enterprisesQuota > 0 ? $0.1.enterprisesQuota : $0.1.assigned) }),
        ], width: max(640, ranked.count * 36), height: 380)
        // The areas below on a map (counties, districts, towns, streets, communities — not the
        // industry unions and other sectoral units, which have no area): each circle what it
        // must visit, the green inside what it has.
        let territorial: Set<String> = [OrgUnitKind.county, .district, .town, .street, .community].map(\.rawValue).reduce(into: []) { $0.insert($1) }
        let areas = ranked.filter { $0.0.lat != nil && territorial.contains($0.0.kind ?? "") }
        let visitedMap = !areas.isEmpty ? VisitedMap(areas: areas.compactMap { u, f in
            guard let lat = u.lat, let lon = u.lon else { return nil }
            return .init(name: u.name.replacingOccurrences(of: "总工会", with: "").replacingOccurrences(of: "工会", with: ""), lat: lat, lon: lon,
                         visited: f.visited, target: f.enterprisesQuota > 0 ? f.enterprisesQuota : f.assigned, href: Site.dashboard.with(["unit": u.code, "stage": "\(stage.position)"]))
        }).svg(title: req.t("dashboard.map"), visitedLabel: req.t("dashboard.map_visited"), notVisitedLabel: req.t("dashboard.map_not_visited")) : ""
        let dayChart = SVGChart.line(title: req.t("dashboard.days_chart"), labels: days.map { String($0.day.description.dropFirst(5)) },
                                     series: [.init(req.t("dashboard.visits"), days.map { Double($0.visits) })])
        let problemChart = SVGChart.donut(title: req.t("dashboard.problems_chart"), slices: [
            (req.t("dashboard.resolved"), Double(f.problemsResolved)),
            (req.t("dashboard.open"), Double(max(0, f.problemsFound - f.problemsResolved))),
        ])
        let stages = try await campaigns.stages(of: campaign).map { Choice(value: "\($0.position)", label: $0.name) }
        let waiting = try await Tallies.waiting(on: req.db)
        return try await req.render(Page(
            shell: Shell(req, title: req.t("dashboard.title")), unitName: unit.name, unitCode: unit.code, stages: stages, stage: stageKey,
            stageDates: "\(stage.startsOn) — \(stage.endsOn)", tiles: tiles, overdue: f.problemsOverdue,
            children: ranked.map {
                ChildRow(code: $0.0.code, name: $0.0.name, visited: $0.1.visited, quota: $0.1.enterprisesQuota, assigned: $0.1.assigned,
                         percent: $0.1.completion.map { String(format: "%.0f%%", $0 * 100) } ?? "—", overdue: $0.1.problemsOverdue)
            },
            days: days.map { DayRow(day: $0.day.description, visits: $0.visits) },
            childChart: childChart, visitedMap: visitedMap, dayChart: dayChart, problemChart: problemChart,
            problemsFound: f.problemsFound, problemsResolved: f.problemsResolved, waiting: waiting))
    }
}
