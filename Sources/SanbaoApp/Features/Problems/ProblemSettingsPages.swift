import Foundation
import SanbaoDomain
import Vapor

/// The office's settings for the ledger: the working days each category gets and whether a
/// referral's wait stops its clock, how late or how often reworked a problem must be to go a
/// level up, and the window for proposing merges. A change of working days applies to problems
/// that come in afterwards; deadlines already set stay as they were.
struct ProblemSettingsPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.problemSettings, use: show)
        routes.post(Site.problemSettings, use: save)
    }

    struct Row: Codable {
        var category: String
        var days: Int
        var pause: Bool
    }

    struct Threshold: Codable {
        var key: String
        var value, min, max: Int
    }

    struct Page: PageModel {

        static let template = "problems/settings"
        var shell: Shell
        var rows: [Row]
        var thresholds: [Threshold]
        var mayEdit: Bool
        /// The settings this page shows, as an `EditBasis`.
        var basis: String
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let rules = try await ProblemRules.current(req.application, req.db)
        let rows = ProblemCategory.allCases.map {
            Row(category: $0.rawValue, days: rules.workingDays[$0] ?? $0.defaultWorkingDays, pause: rules.pausesOnReferral[$0] ?? false)
        }
        let thresholds = LedgerThresholds.keys.map {
            Threshold(key: $0.key, value: rules.thresholds[$0.key] ?? 0, min: $0.range.lowerBound, max: $0.range.upperBound)
        }
        let basis = try await ProblemSettingsService.basis(ProblemSettingsStore(db: req.db))
        return try await req.render(Page(shell: Shell(req, title: req.t("problems.settings")), rows: rows,
                                                                   thresholds: thresholds, mayEdit: principal.can(.manageAssignment),
                                                                   basis: basis))
    }

    /// Form fields `days.<category>` for every category, `pause.<category>` (a checkbox: present
    /// means on), `threshold.<key>` for each of `LedgerThresholds.keys`, and the page's `basis`.
    func save(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let settings = LedgerSettings(
            days: Dictionary(uniqueKeysWithValues: ProblemCategory.allCases.map { ($0, form["days.\($0.rawValue)"] ?? "") }),
            pauses: Set(ProblemCategory.allCases.filter { form["pause.\($0.rawValue)"] != nil }),
            thresholds: Dictionary(uniqueKeysWithValues: LedgerThresholds.keys.map { ($0.key, form["threshold.\($0.key)"] ?? "") }))
        try await ProblemSettingsService(app: req.application, db: req.db, principal: try req.requirePrincipal())
            .save(settings, basis: form[EditBasis.field])
        return req.redirect(to: Site.problemSettings.flash("problem_settings_saved"))
    }
}
