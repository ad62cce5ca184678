import SanbaoDomain
import Vapor

struct HomePage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.home, use: home)
    }

    struct Page: PageModel {

        static let template = "home"
        var shell: Shell
        var unit: UnitRow
        var roles: [String]
        var children: [UnitRow]
        var people: [UserDTO]
        var peopleTotal: Int
        var tasks: [Task]
        var unitCode: String
        var reminders: [ReportPages.ReminderRow]
        var awaiting: Int
        /// What waits on this user, by role (`HomeWork`).
        var work: [HomeWork.Item]
    }

    struct Task: Codable {
        var id, credit_code, name, address, stage, km: String
        var done: Bool
    }

    func home(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let units = OrgUnitService(app: req.application, db: req.db, principal: principal)
        let unit = try await units.home()
        let children = try await units.children(of: unit)
        let counts = try await units.subtreeCounts(of: [unit] + children)
        let people = try await UserService(app: req.application, db: req.db, principal: principal)
            .list(PageRequest(page: 1, per: 20), unitCode: unit.code)
        var tasks: [VisitTaskRow] = []
        if let userID = principal.userID { tasks = try await AssignmentStore(db: req.db).tasks(ofUser: userID) }
        // Report work that waits on this unit: the reminders it got, its children's reports to decide.
        var reminders: [ReportPages.ReminderRow] = [], awaiting = 0
        if principal.can(.writeReports), let campaign = try await CampaignService(app: req.application, db: req.db, principal: principal).campaigns().first {
            let reports = ReportService(app: req.application, db: req.db, principal: principal)
            reminders = try await ReportPages.reminderRows(reports, campaign, ReportPresentation(req: req))
            awaiting = try await reports.awaitingDecision(campaign).count
        }
        let page = Page(shell: Shell(req, title: req.t("home.title")),
                        unit: UnitRow(unit, counts[unit.id!], req),
                        roles: principal.roles.sorted().map { req.t("role." + $0.rawValue) },
                        children: children.map { UnitRow($0, counts[$0.id!], req) },
                        people: people.items, peopleTotal: people.total,
                        tasks: tasks.map { Task(id: $0.id.uuidString, credit_code: $0.credit_code, name: $0.name, address: $0.address, stage: $0.stage,
                                                km: $0.distanceKm, done: $0.status == "done") },
                        unitCode: unit.code, reminders: reminders, awaiting: awaiting,
                        work: try await HomeWork(req: req, principal: principal).items())
        return try await req.render(page)
    }
}

/// A unit as lists on pages show it, with its subtree counts.
struct UnitRow: Codable {
    var code, name, kind, territory, sectors: String
    var units, people, cadres: Int
    var retired: Bool

    init(_ unit: OrgUnit, _ counts: OrgUnitStore.Counts?, _ req: Request) {
        code = unit.code
        name = unit.name
        kind = req.t("kind." + unit.kind.rawValue)
        territory = unit.territory
        sectors = unit.sectorsText.isEmpty ? req.t("units.all_sectors") : unit.sectorsText.replacingOccurrences(of: ";", with: "、")
        units = counts?.units ?? 0
        people = counts?.people ?? 0
        cadres = counts?.cadres ?? 0
        retired = unit.isRetired
    }
}
