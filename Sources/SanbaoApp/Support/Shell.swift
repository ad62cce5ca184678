import SanbaoDomain
import Vapor

/// What every page's layout needs: who is signed in, the navigation, the language switch
/// and the form token. Each page model carries one.
struct Shell: Codable {
    struct NavItem: Codable {
        var label, href: String
        var active: Bool
    }

    var title, lang, switchLabel, switchHref, csrf: String
    /// A fresh one-time key for a form that files a record (`FormOnce`).
    var once = UUID().uuidString
    var signedIn: Bool
    var userName, unitName: String
    /// The user's own sections first; the rest under "more" (a compact menu on a phone).
    var nav, more: [NavItem]
    var flash: String?
    /// The fixed places a template links to.
    var links = Links()

    init(_ req: Request, title: String, flash: String? = nil, csrf: String? = nil) {
        self.title = title
        lang = req.locale.rawValue
        let other: AppLocale = req.locale == .zhHans ? .en : .zhHans
        switchLabel = other == .en ? "English" : "中文"
        var components = URLComponents(string: req.url.string) ?? URLComponents()
        var items = (components.queryItems ?? []).filter { $0.name != "lang" }
        items.append(URLQueryItem(name: "lang", value: other.rawValue))
        components.queryItems = items
        switchHref = components.string ?? Site.home.with(["lang": other.rawValue])
        self.csrf = csrf ?? req.csrfToken
        let p = req.principal
        signedIn = p != nil
        userName = p?.displayName ?? ""
        unitName = p?.unitName ?? ""
        self.flash = flash ?? req.query[String.self, at: "flash"].map { req.t("flash." + $0) }
        var nav: [NavItem] = [], more: [NavItem] = []
        if let p {
            let path = req.url.path
            // What the user may not open is not offered: the assignment (office and the root's
            // inspectors), the audit log (office).
            func offered(_ s: Section) -> Bool {
                switch s {
                case .assignment: p.readsAssignment
                case .audit: p.can(.readAudit)
                default: true
                }
            }
            func item(_ s: Section) -> NavItem {
                let href = Site(s).path
                return NavItem(label: req.t("nav." + s.rawValue), href: href, active: s == .home ? path == "/" : path.hasPrefix(href))
            }
            let sections = Role.navigation(for: p.roles)
            nav = sections.main.filter(offered).map(item)
            more = sections.more.filter(offered).map(item)
        }
        self.nav = nav
        self.more = more
    }
}
