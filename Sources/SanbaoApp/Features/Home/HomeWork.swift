import Foundation
import SanbaoDomain
import Vapor

/// What waits on the signed-in user, by role, for the top of the home page: each item a
/// count and the list that holds it. Counting stops at 1,000 ("1000+"): a province's backlog
/// is not counted exactly on every home page.
struct HomeWork {
    struct Item: Codable, Sendable {
        var key, label, count, href: String
        /// Something to act on now (drawn as a warning), not just to look at.
        var urgent: Bool
    }

    let req: Request
    let principal: Principal

    static let countUpTo = 1_000

    func items() async throws -> [Item] {
        let roles = principal.roles
        var out: [Item] = []
        func add(_ key: String, _ n: Int, _ href: String, urgent: Bool = true, always: Bool = false) {
            guard n > 0 || always else { return }
            out.append(Item(key: key, label: req.t("home.work." + key), count: n >= Self.countUpTo ? "\(Self.countUpTo)+" : "\(n)",
                            href: href, urgent: urgent && n > 0))
        }
        let app = req.application, db = req.db
        let problems = ProblemService(app: app, db: db, principal: principal)
        func problemCount(_ view: ProblemStore.View) async throws -> Int {
            try await problems.store.list(PageRequest(page: 1, per: 1), status: nil, view: view, countUpTo: Self.countUpTo).total
        }
        let visits = VisitService(app: app, db: db, principal: principal)
        if roles.contains(.cadre) {
            add("visits_returned", try await visits.count(status: .returned, ownOnly: true, upTo: Self.countUpTo), Site.visits.with(["status": "returned"]))
            add("problems_mine", try await problemCount(.mine), Site.problems.with(["view": "mine"]), urgent: false)
        }
        if principal.can(.reviewVisits) {
            add("visits_to_review", try await visits.count(status: .submitted, upTo: Self.countUpTo), Site.visits.with(["status": "submitted"]))
        }
        if principal.can(.handleProblems) {
            add("problems_to_dispatch", try await problemCount(.toDispatch), Site.problems.with(["view": "to_dispatch"]))
            add("problems_to_handle", try await problemCount(.toHandle), Site.problems.with(["view": "to_handle"]))
            add("problems_to_call_back", try await problemCount(.toCallBack), Site.problems.with(["view": "to_call_back"]))
            add("supervision_to_report", try await SupervisionService(app: app, db: db, principal: principal)
                .list(PageRequest(page: 1, per: 1), view: .toReport).total, Site.supervision.with(["view": "to_report"]))
        }
        if roles.contains(.office) || roles.contains(.inspector) {
            add("problems_overdue", try await problemCount(.overdue), Site.problems.with(["view": "overdue"]), always: true)
            add("problems_escalated", try await problemCount(.escalated), Site.problems.with(["view": "escalated"]))
            add("problems_supervised", try await problemCount(.supervised), Site.problems.with(["view": "supervised"]), urgent: false)
        }
        if principal.can(.revealWorkerData) {
            for (category, n) in try await WorkerService(app: app, db: db, principal: principal).hardshipCounts() {
                out.append(Item(key: "hardship_" + category, label: req.t("home.work.hardship") + " · " + req.t("hardship." + category), count: "\(n)",
                                href: Site.workers.with(["hardship": category]), urgent: false))
            }
        }
        return out
    }
}
