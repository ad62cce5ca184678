import Foundation
import LeafKit
import SanbaoDomain
import Vapor

/// A place in the app a request can go to. One case names one path; the same case registers
/// the route (written with ":name" where a parameter goes: `.problem(":id")`) and builds every
/// link to it (`.problem(id.uuidString).path`). Nothing else in the app writes an internal path.
protocol SitePath: Sendable {
    /// The path's segments after the leading "/".
    var segments: [String] { get }
}

extension SitePath {
    /// "/problems/…": what a link, a redirect or a `Location` header carries.
    var path: String { "/" + segments.joined(separator: "/") }

    /// The path with a query, the empty values left out and the rest in the order given:
    /// `Site.problems.with(["view": "overdue", "unit": code])`.
    func with(_ query: KeyValuePairs<String, String?>) -> String {
        Link.make(path, query.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : URLQueryItem(name: k, value: $0) } })
    }

    /// The path with a list's filters, in a stable order.
    func with(filters query: [String: String]) -> String {
        Link.make(path, query.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }.map { URLQueryItem(name: $0.key, value: $0.value) })
    }

    /// The path with the page's notice (`?flash=saved`, read by `Shell`).
    func flash(_ key: String) -> String { with(["flash": key]) }

    var pathComponents: [PathComponent] { segments.map { PathComponent(stringLiteral: $0) } }
}

/// A path with a query string.
enum Link {
    static func make(_ path: String, _ items: [URLQueryItem]) -> String {
        guard !items.isEmpty else { return path }
        return path + "?" + items.map { escape($0.name) + "=" + escape($0.value ?? "") }.joined(separator: "&")
    }

    /// A query name or value: everything but letters, digits and `-._~/:` percent-encoded
    /// (so "&", "=", "+" and "#" inside a value stay inside it).
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? ""
    }

    private static let queryValueAllowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/:")
}

/// The pages (behind the session and the form token).
enum Site: SitePath, Hashable {
    case home, healthz
    case signIn, signOut
    case units, unit(String), unitAction(String, String)
    case people, person(String), personAction(String, String)
    case enterprises, enterprise(String), enterpriseAction(String, String), enterpriseDuplicates
    case workers, worker(String), workerAction(String, String)
    case campaign, campaignQuotas
    /// `explain`, `solve`, `publish`, `locks`, `locks/delete`, …
    case assignment, assignmentAction(String)
    case tokens, tokenAction(String, String)
    case audit
    case visits, newVisit, visit(String), visitAction(String, String), photo(String)
    case problems, problemsOverview, newProblem, problem(String), problemAction(String, String), problemSettings
    case supervision, newSupervision, supervisionOrder(String), supervisionAction(String, String)
    case reports, reportsCompleteness, reportsRemind, reportsSettings
    case report(unit: String, period: String), reportAction(unit: String, period: String, String)
    case statistics, statisticsTexts, statisticsExport(String)
    case importFile(String), exportFile(String)
    case dashboard
    case questionnaires, questionnaire(String), questionnaireAction(String, String)
    case stylesheet(String), script(String)

    var segments: [String] {
        switch self {
        case .home: []
        case .healthz: ["healthz"]
        case .signIn: ["sign-in"]
        case .signOut: ["sign-out"]
        case .units: ["units"]
        case .unit(let code): ["units", code]
        case .unitAction(let code, let action): ["units", code] + Self.split(action)
        case .people: ["people"]
        case .person(let username): ["people", username]
        case .personAction(let username, let action): ["people", username] + Self.split(action)
        case .enterprises: ["enterprises"]
        case .enterprise(let code): ["enterprises", code]
        case .enterpriseAction(let code, let action): ["enterprises", code] + Self.split(action)
        case .enterpriseDuplicates: ["enterprises", "duplicates"]
        case .workers: ["workers"]
        case .worker(let id): ["workers", id]
        case .workerAction(let id, let action): ["workers", id] + Self.split(action)
        case .campaign: ["campaign"]
        case .campaignQuotas: ["campaign", "quotas"]
        case .assignment: ["assignment"]
        case .assignmentAction(let action): ["assignment"] + Self.split(action)
        case .tokens: ["tokens"]
        case .tokenAction(let id, let action): ["tokens", id] + Self.split(action)
        case .audit: ["audit"]
        case .visits: ["visits"]
        case .newVisit: ["visits", "new"]
        case .visit(let id): ["visits", id]
        case .visitAction(let id, let action): ["visits", id] + Self.split(action)
        case .photo(let sha): ["photos", sha]
        case .problems: ["problems"]
        case .problemsOverview: ["problems", "overview"]
        case .newProblem: ["problems", "new"]
        case .problem(let id): ["problems", id]
        case .problemAction(let id, let action): ["problems", id] + Self.split(action)
        case .problemSettings: ["problem-settings"]
        case .supervision: ["supervision"]
        case .newSupervision: ["supervision", "new"]
        case .supervisionOrder(let id): ["supervision", id]
        case .supervisionAction(let id, let action): ["supervision", id] + Self.split(action)
        case .reports: ["reports"]
        case .reportsCompleteness: ["reports", "completeness"]
        case .reportsRemind: ["reports", "completeness", "remind"]
        case .reportsSettings: ["reports", "settings"]
        case .report(let unit, let period): ["reports", unit, period]
        case .reportAction(let unit, let period, let action): ["reports", unit, period] + Self.split(action)
        case .statistics: ["statistics"]
        case .statisticsTexts: ["statistics", "texts"]
        case .statisticsExport(let file): ["statistics", "export", file]
        case .importFile(let kind): ["import", kind]
        case .exportFile(let file): ["export", file]
        case .dashboard: ["dashboard"]
        case .questionnaires: ["questionnaires"]
        case .questionnaire(let key): ["questionnaires", key]
        case .questionnaireAction(let key, let action): ["questionnaires", key] + Self.split(action)
        case .stylesheet(let file): ["css", file]
        case .script(let file): ["js", file]
        }
    }

    /// The page a navigation section opens.
    init(_ section: Section) {
        self = switch section {
        case .home: .home
        case .dashboard: .dashboard
        case .assignment: .assignment
        case .visits: .visits
        case .problems: .problems
        case .supervision: .supervision
        case .reports: .reports
        case .statistics: .statistics
        case .enterprises: .enterprises
        case .workers: .workers
        case .units: .units
        case .people: .people
        case .campaign: .campaign
        case .questionnaires: .questionnaires
        case .tokens: .tokens
        case .audit: .audit
        }
    }

    /// An action of two words ("locks/delete") is two segments.
    static func split(_ action: String) -> [String] { action.split(separator: "/").map(String.init) }
}

/// The API under `/api/v1` (behind a bearer token).
enum APIRoute: SitePath, Hashable {
    /// The OpenAPI document (no sign-in needed).
    case openAPI
    case me
    case users, user(String), userAction(String, String)
    case orgUnits, orgUnit(String), orgUnitAction(String, String)
    case enterprises, enterprise(String)
    case workers, worker(String)
    case auditEvents
    case visits, visit(String), visitAction(String, String)
    case problems, problemFigures, problem(String), problemAction(String, String)
    case supervision, supervisionOrder(String), supervisionAction(String, String)
    case reports, report(unit: String, period: String), reportAction(unit: String, period: String, String)
    case progress
    case assignment, assignmentAction(String)
    case campaigns, campaignQuotas(String)

    static let prefix = ["api", "v1"]

    /// Whether a request is for the API (answered in JSON, its language from `Accept-Language`).
    static func contains(_ path: String) -> Bool { path.hasPrefix("/api/") }

    var segments: [String] {
        Self.prefix + {
            switch self {
            case .openAPI: ["openapi.json"]
            case .me: ["me"]
            case .users: ["users"]
            case .user(let username): ["users", username]
            case .userAction(let username, let action): ["users", username, action]
            case .orgUnits: ["org-units"]
            case .orgUnit(let code): ["org-units", code]
            case .orgUnitAction(let code, let action): ["org-units", code, action]
            case .enterprises: ["enterprises"]
            case .enterprise(let code): ["enterprises", code]
            case .workers: ["workers"]
            case .worker(let id): ["workers", id]
            case .auditEvents: ["audit-events"]
            case .visits: ["visits"]
            case .visit(let id): ["visits", id]
            case .visitAction(let id, let action): ["visits", id, action]
            case .problems: ["problems"]
            case .problemFigures: ["problems", "figures"]
            case .problem(let id): ["problems", id]
            case .problemAction(let id, let action): ["problems", id, action]
            case .supervision: ["supervision"]
            case .supervisionOrder(let id): ["supervision", id]
            case .supervisionAction(let id, let action): ["supervision", id, action]
            case .reports: ["reports"]
            case .report(let unit, let period): ["reports", unit, period]
            case .reportAction(let unit, let period, let action): ["reports", unit, period, action]
            case .progress: ["progress"]
            case .campaigns: ["campaigns"]
            case .campaignQuotas(let id): ["campaigns", id, "quotas"]
            case .assignment: ["assignment"]
            case .assignmentAction(let action): ["assignment"] + action.split(separator: "/").map(String.init)
            }
        }()
    }
}

extension RoutesBuilder {
    /// Registers a handler at a place: `routes.get(Site.problem(":id"), use: show)`.
    @discardableResult
    func get<R: AsyncResponseEncodable>(_ place: some SitePath, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.GET, place.pathComponents, use: handler)
    }

    @discardableResult
    func post<R: AsyncResponseEncodable>(_ place: some SitePath, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.POST, place.pathComponents, use: handler)
    }

    @discardableResult
    func patch<R: AsyncResponseEncodable>(_ place: some SitePath, use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.PATCH, place.pathComponents, use: handler)
    }

    /// A route that takes a body larger than the default 1 MB (a visit, a photo, a file): the
    /// limit is kept on the route so that the CSRF check reads no more than the route takes.
    @discardableResult
    func on<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ place: some SitePath, upTo limit: ByteCount,
                                       use handler: @Sendable @escaping (Request) async throws -> R) -> Route {
        let route = on(method, place.pathComponents, body: .collect(maxSize: limit), use: handler)
        route.userInfo[AnySendableHashable(CSRFMiddleware.bodyLimitKey)] = limit.value
        return route
    }
}

extension Request {
    /// A redirect to a place in the app (303 after a form, so the browser GETs it).
    func redirect(to place: some SitePath) -> Response { redirect(to: place.path) }
}

extension Site {
    /// A place named in a template: `#path("problem", r.id)` is `.problem(r.id)`; a name this
    /// does not know, or the wrong number of values, is nil and fails the render.
    static func named(_ name: String, _ v: [String]) -> Site? {
        switch (name, v.count) {
        case ("unit", 1): .unit(v[0])
        case ("unitAction", 2): .unitAction(v[0], v[1])
        case ("person", 1): .person(v[0])
        case ("personAction", 2): .personAction(v[0], v[1])
        case ("enterprise", 1): .enterprise(v[0])
        case ("enterpriseAction", 2): .enterpriseAction(v[0], v[1])
        case ("worker", 1): .worker(v[0])
        case ("workerAction", 2): .workerAction(v[0], v[1])
        case ("tokenAction", 2): .tokenAction(v[0], v[1])
        case ("visit", 1): .visit(v[0])
        case ("visitAction", 2): .visitAction(v[0], v[1])
        case ("photo", 1): .photo(v[0])
        case ("problem", 1): .problem(v[0])
        case ("problemAction", 2): .problemAction(v[0], v[1])
        case ("supervisionOrder", 1): .supervisionOrder(v[0])
        case ("supervisionAction", 2): .supervisionAction(v[0], v[1])
        case ("report", 2): .report(unit: v[0], period: v[1])
        case ("reportAction", 3): .reportAction(unit: v[0], period: v[1], v[2])
        case ("statisticsExport", 1): .statisticsExport(v[0])
        case ("importFile", 1): .importFile(v[0])
        case ("exportFile", 1): .exportFile(v[0])
        case ("questionnaire", 1): .questionnaire(v[0])
        case ("questionnaireAction", 2): .questionnaireAction(v[0], v[1])
        default: Links.fixed[name].flatMap { v.isEmpty ? $0 : nil }
        }
    }
}

/// `#path("problem", r.id)` in a template, and `#path("problems", "view", v)`: a place with its
/// parameters, then query names and values in pairs. Built by `Site`, so a template never
/// writes a path.
struct PathTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        let values = ctx.parameters.map { $0.string ?? "" }
        guard let name = values.first else { throw LeafError(.unknownError("#path needs a place")) }
        let rest = Array(values.dropFirst())
        // The parameters are the shortest prefix that names a place; the rest is the query.
        for n in 0...min(3, rest.count) where (rest.count - n) % 2 == 0 {
            guard let place = Site.named(name, Array(rest.prefix(n))) else { continue }
            let query = stride(from: n, to: rest.count, by: 2).map { (rest[$0], rest[$0 + 1]) }
            return .string(Link.make(place.path, query.filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }))
        }
        throw LeafError(.unknownError("#path: no place \(name) with \(rest.count) values"))
    }
}

/// A place in a page model (`Shell.links`) reaches its template as its path.
extension Site: Encodable {
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(path)
    }
}

/// The fixed places pages link to, in every page model's shell (`#(shell.links.newProblem)`).
/// A place with a parameter is built in the template by `#path` (`PathTag`).
struct Links: Codable, Sendable {
    var home = Site.home, signIn = Site.signIn, signOut = Site.signOut
    var units = Site.units, people = Site.people, enterprises = Site.enterprises, workers = Site.workers
    var enterpriseDuplicates = Site.enterpriseDuplicates
    var campaign = Site.campaign, campaignQuotas = Site.campaignQuotas
    var assignment = Site.assignment
    var assignmentExplain = Site.assignmentAction("explain"), assignmentSolve = Site.assignmentAction("solve")
    var assignmentPublish = Site.assignmentAction("publish"), assignmentLocks = Site.assignmentAction("locks")
    var assignmentUnlock = Site.assignmentAction("locks/delete"), assignmentExclusions = Site.assignmentAction("exclusions")
    var assignmentInclude = Site.assignmentAction("exclusions/delete"), assignmentFairness = Site.assignmentAction("fairness")
    var tokens = Site.tokens, audit = Site.audit
    var visits = Site.visits, newVisit = Site.newVisit
    var problems = Site.problems, problemsOverview = Site.problemsOverview, newProblem = Site.newProblem
    var problemSettings = Site.problemSettings
    var supervision = Site.supervision, newSupervision = Site.newSupervision
    var reports = Site.reports, reportsCompleteness = Site.reportsCompleteness, reportsRemind = Site.reportsRemind
    var reportsSettings = Site.reportsSettings
    var statistics = Site.statistics, statisticsTexts = Site.statisticsTexts, dashboard = Site.dashboard, questionnaires = Site.questionnaires
    var appCSS = Site.stylesheet("app.css"), printCSS = Site.stylesheet("print.css")
    var confirmJS = Site.script("confirm.js"), visitJS = Site.script("visit.js"), questionnaireEditorJS = Site.script("questionnaire-editor.js")
    var importOrgUnits = Site.importFile("org-units"), importCadres = Site.importFile("cadres")
    var importEnterprises = Site.importFile("enterprises"), importWorkers = Site.importFile("workers")
    var importQuotas = Site.importFile("quotas"), importCalendar = Site.importFile("calendar")
    var exportOrgUnits = Site.exportFile("org-units.csv"), exportCadres = Site.exportFile("cadres.csv")
    var exportWorkers = Site.exportFile("workers.csv"), exportWorkersClear = Site.exportFile("workers.csv").with(["clear": "1"])
    var exportQuotas = Site.exportFile("quotas.csv"), exportQuotasXLSX = Site.exportFile("quotas.xlsx")
    var exportCalendar = Site.exportFile("calendar.csv")

    /// Always these places, whatever a fixture says.
    init() {}
    init(from decoder: any Decoder) throws { self.init() }

    /// The fixed places by name, for `#path("problems", "view", v)`.
    static let fixed: [String: Site] = Dictionary(uniqueKeysWithValues: Mirror(reflecting: Links()).children.compactMap { child in
        (child.value as? Site).flatMap { site in child.label.map { ($0, site) } }
    })
}
