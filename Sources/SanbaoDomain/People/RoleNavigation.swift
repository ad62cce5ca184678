/// The pages of the app, as the navigation names them.
public enum Section: String, Sendable, CaseIterable {
    case home, dashboard, assignment, visits, problems, supervision, reports, statistics, enterprises, workers,
         units, people, campaign, questionnaires, tokens, audit
}

extension Role {
    /// This role's own work first, then what it reads: a cadre on a phone sees four items, not
    /// sixteen. The rest of what a user may open is one tap further, under "more".
    public var mainSections: [Section] {
        switch self {
        case .cadre: [.home, .visits, .problems, .enterprises]
        case .unitAdmin: [.home, .visits, .problems, .reports, .dashboard]
        case .office: [.home, .dashboard, .assignment, .problems, .supervision, .reports]
        case .inspector: [.home, .dashboard, .problems, .supervision, .visits]
        case .assistance: [.home, .workers, .problems, .visits]
        case .viewer: [.home, .dashboard, .statistics, .enterprises]
        }
    }

    /// The main sections of all of a user's roles, in the order of the roles' weight (the office's
    /// first), then every other section, each once.
    public static func navigation(for roles: Set<Role>) -> (main: [Section], more: [Section]) {
        var main: [Section] = []
        for role in roles.sorted() { for s in role.mainSections where !main.contains(s) { main.append(s) } }
        return (main, Section.allCases.filter { !main.contains($0) })
    }
}
