import Foundation
import SanbaoDomain
import Vapor

/// Who is acting: a signed-in user, an API token's user, or the command line.
struct Principal: Sendable {
    var userID: UUID?
    var username, displayName: String
    var unitID: UUID?
    var unitCode, unitName, unitPath: String
    var roles: Set<Role>
    var ip: String
    /// The session this request came with; CSRF tokens are bound to it.
    var sessionTokenHash: String?

    func can(_ permission: Permission) -> Bool { permission.isGranted(to: roles) }

    /// Everything the principal may read: the whole federation for the office and the CLI,
    /// otherwise the own unit's subtree.
    var scope: Scope {
        if userID == nil || roles.contains(.office) { return Scope(pathPrefix: nil, ownPath: unitPath) }
        return Scope(pathPrefix: unitPath, ownPath: unitPath)
    }

    /// Whether the principal sits at a top unit of the tree (the federation itself). Pages that
    /// show the whole city with no per-unit scope (the assignment) let inspectors in only here:
    /// an inspector below the root sees their own subtree, like everyone else.
    var isAtRoot: Bool { userID == nil || UnitPath(unitPath).isRoot }

    /// Reads the city-wide assignment: the office, and inspectors at the root.
    var readsAssignment: Bool { can(.manageAssignment) || (roles.contains(.inspector) && isAtRoot) }

    /// The command line acts with the office's reach, and is named in the audit log.
    static func system(_ label: String) -> Principal {
        Principal(userID: nil, username: label, displayName: label, unitID: nil, unitCode: "", unitName: "",
                  unitPath: "/", roles: [.office], ip: "cli", sessionTokenHash: nil)
    }

    func require(_ permission: Permission) throws {
        guard can(permission) else { throw AppError(.forbidden, "error.forbidden") }
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in principal; a request that reaches a handler without one is a bug in
    /// route registration, answered as 401 rather than trusted.
    func requirePrincipal() throws -> Principal {
        guard let p = principal else { throw AppError(.unauthorized, "error.unauthorized") }
        return p
    }

    var clientIP: String { remoteAddress?.ipAddress ?? "-" }
}
