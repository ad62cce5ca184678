/// What a user may do. A user holds one or more roles inside their unit.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    /// 领导小组办公室: configures the campaign and sees the whole city.
    case office
    case unitAdmin = "unit_admin"
    case cadre
    case inspector
    case assistance
    case viewer

    public var chineseName: String {
        switch self {
        case .office: "领导小组办公室"
        case .unitAdmin: "单位管理员"
        case .cadre: "走访干部"
        case .inspector: "督查组"
        case .assistance: "帮扶中心"
        case .viewer: "只读用户"
        }
    }

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let r = Role(rawValue: t.lowercased()) { self = r; return }
        guard let r = Role.allCases.first(where: { $0.chineseName == t }) else { return nil }
        self = r
    }

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Roles stored as one text column ("cadre,unit_admin"): portable across SQLite and
    /// PostgreSQL, and no role key is a substring of another, so LIKE '%cadre%' is exact.
    /// Whether a user holding `grantor` may give this role to someone (or manage a user who
    /// holds it): only when every power the role brings is one the grantor holds, so nobody hands
    /// out more than they have — a unit admin cannot make an assistance user, who may read
    /// workers' ID numbers, nor an office user. Recording visits is the cadre's own work, not a
    /// power over others, so a unit admin makes cadres. Reach is the grantor's too: a user made
    /// at a unit sees that unit's subtree, whatever the role.
    public func isGrantable(by grantor: Set<Role>) -> Bool {
        if grantor.contains(.office) { return true }
        if self == .office { return false }
        return Permission.allCases.allSatisfy { p in
            p == .recordVisits || !p.isGranted(to: [self]) || p.isGranted(to: grantor)
        }
    }

    public static func encode(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }

    public static func decode(_ text: String) -> Set<Role> {
        Set(text.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }
}

/// The actions the foundation guards. Later capabilities add their own.
public enum Permission: Sendable, CaseIterable {
    case manageUnits
    case manageUsers
    case importCadres
    case manageRegistry
    case readAudit
    case revealPersonalData
    /// Workers' ID numbers, phones and hardship: the assistance centre and the office only.
    case revealWorkerData
    /// Campaigns, the task decomposition table and the assignment: they decide between units,
    /// so only the campaign office.
    case manageAssignment
    /// Recording visits: the cadres who make them.
    case recordVisits
    /// Accepting or returning a unit's visits: its admin.
    case reviewVisits
    /// Problems: handing one to a responsible unit, calling back, entering one directly — the
    /// reporting unit's admin or any unit above it.
    case dispatchProblems
    /// Problems: accepting, giving back, working on and resolving those handed to the unit.
    case handleProblems
    /// Supervision orders (督办): issued by a unit above the one that must act, and accepted or
    /// sent back by the unit that issued them.
    case superviseProblems
    /// Periodic reports: writing and submitting the unit's own, and accepting, returning or
    /// reopening those of the units directly under it: the unit's admin.
    case writeReports

    public func isGranted(to roles: Set<Role>) -> Bool {
        if roles.contains(.office) { return true }
        switch self {
        case .manageUnits, .manageUsers, .importCadres, .manageRegistry, .revealPersonalData: return roles.contains(.unitAdmin)
        case .readAudit, .manageAssignment: return false
        case .revealWorkerData: return roles.contains(.assistance)
        case .recordVisits: return roles.contains(.cadre)
        case .reviewVisits, .dispatchProblems, .handleProblems, .superviseProblems, .writeReports: return roles.contains(.unitAdmin)
        }
    }
}
