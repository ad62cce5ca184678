import SanbaoDomain
import Vapor

/// What every page's layout needs: who is signed in, the navigation, the language switch
/// and the form token. Each page model carries one.
struct Shell: Encodable {
    struct NavItem: Encodable {
        var label: String
        var href: String
        var active: Bool
    }

    var title: String
    var lang: String
    var switchLabel: String
    var switchHref: String
    var csrf: String
    /// A fresh one-time key for a form that files a record (`FormOnce`).
    var once = UUID().uuidString
    var signedIn: Bool
    var userName: String
    var unitName: String
    var nav: [NavItem]
    var flash: String?

    init(_ req: Request, title: String, flash: String? = nil, csrf: String? = nil) {
        self.title = title
        lang = req.locale.rawValue
        let other: AppLocale = req.locale == .zhHans ? .en : .zhHans
        switchLabel = other == .en ? "English" : "中文"
        var components = URLComponents(string: req.url.string) ?? URLComponents()
        var items = (components.queryItems ?? []).filter { $0.name != "lang" }
        items.append(URLQueryItem(name: "lang", value: other.rawValue))
        components.queryItems = items
        switchHref = components.string ?? "/?lang=\(other.rawValue)"
        self.csrf = csrf ?? req.csrfToken
        let p = req.principal
        signedIn = p != nil
        userName = p?.displayName ?? ""
        unitName = p?.unitName ?? ""
        self.flash = flash ?? req.query[String.self, at: "flash"].map { req.t("flash." + $0) }
        var nav: [NavItem] = []
        if let p {
            let path = req.url.path
            func item(_ key: String, _ href: String) {
                let active = href == "/" ? path == "/" : path.hasPrefix(href)
                nav.append(NavItem(label: req.t(key), href: href, active: active))
            }
            item("nav.home", "/")
            item("nav.dashboard", "/dashboard")
            item("nav.units", "/units")
            item("nav.people", "/people")
            item("nav.enterprises", "/enterprises")
            item("nav.workers", "/workers")
            item("nav.visits", "/visits")
            item("nav.problems", "/problems")
            item("nav.supervision", "/supervision")
            item("nav.reports", "/reports")
            item("nav.statistics", "/statistics")
            item("nav.campaign", "/campaign")
            item("nav.questionnaires", "/questionnaires")
            if p.readsAssignment { item("nav.assignment", "/assignment") }
            item("nav.tokens", "/tokens")
            if p.can(.readAudit) { item("nav.audit", "/audit") }
        }
        self.nav = nav
    }
}
