import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// People in the principal's scope: listing, creating, resetting passwords, retiring, and
/// the audited reveal of a phone number.
struct UserService {
    let app: Application
    let db: any Database
    let principal: Principal

    var scope: Scope { principal.scope }

    func list(_ page: PageRequest, unitCode: String? = nil, role: Role? = nil, search: String? = nil,
              includeRetired: Bool = false) async throws -> Page<UserDTO> {
        let query = scope.query(User.self, on: db)
        if !includeRetired { query.filter(\.$retiredAt == nil) }
        if let unitCode, !unitCode.isEmpty {
            let unit = try await scope.unit(code: unitCode, on: db)
            query.filter(\.$unit.$id == unit.id!)
        }
        if let role { query.filter(\.$rolesText ~~ role.rawValue) }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            query.group(.or) { $0.filter(\.$displayName ~~ search).filter(\.$username =~ search) }
        }
        let total = try await query.count()
        let users = try await query.sort(\.$username).range(page.offset..<(page.offset + page.per)).with(\.$unit).all()
        let cadres = try await cadresByUser(users)
        let items = users.map { UserDTO($0, unit: $0.unit, cadre: cadres[$0.id!], preciseHome: principal.can(.manageUsers)) }
        return Page(items: items, page: page.page, per: page.per, total: total)
    }

    func detail(username: String) async throws -> UserDTO {
        let user = try await scope.user(username: username, on: db)
        let cadre = try await cadresByUser([user])[user.id!]
        return UserDTO(user, unit: user.unit, cadre: cadre, preciseHome: principal.can(.manageUsers))
    }

    private func cadresByUser(_ users: [User]) async throws -> [UUID: Cadre] {
        let ids = users.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let cadres = try await Cadre.query(on: db).filter(\.$user.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: cadres.map { ($0.$user.id, $0) })
    }

    func create(_ input: UserInput) async throws -> User {
        try principal.require(.manageUsers)
        var issues: [AppError.FieldIssue] = []
        let username = (input.username ?? "").trimmingCharacters(in: .whitespaces)
        if username.isEmpty { issues.append(AppError.field("username", "import.reason.required", ["", ""])) }
        else if !FieldRules.isValidCode(username) { issues.append(AppError.field("username", "import.reason.bad_format", [username, ""])) }
        else if try await Self.usernameTaken(username, on: db) {
            issues.append(AppError.field("username", "import.reason.username_taken", [username, ""]))
        }
        let name = (input.displayName ?? "").trimmingCharacters(in: .whitespaces)
        if let reason = FieldRules.nameIssue(name) { issues.append(AppError.field("display_name", "import.reason.\(reason.rawValue)", [name, ""])) }
        var roles: Set<Role> = []
        for text in input.roles ?? [] {
            guard let role = Role(parsing: text) else {
                issues.append(AppError.field("roles", "error.bad_role", [text]))
                continue
            }
            roles.insert(role)
        }
        if roles.isEmpty { issues.append(AppError.field("roles", "import.reason.required", ["", ""])) }
        // Nobody hands out a power they do not hold (an assistance user reads ID numbers; an office user the city).
        for role in roles.sorted() where !role.isGrantable(by: principal.roles) {
            issues.append(AppError.field("roles", "error.role_not_yours", [role.rawValue]))
        }
        var phone: String?
        if let text = input.phone?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            phone = Phone.normalise(text)
            if phone == nil { issues.append(AppError.field("phone", "import.reason.bad_phone", [text, ""])) }
        }
        let password = input.password ?? ""
        if !password.isEmpty && password.count < AuthService.minPasswordLength {
            issues.append(AppError.field("password", "error.password_short", ["\(AuthService.minPasswordLength)"]))
        }
        let unitCode = (input.unitCode ?? "").trimmingCharacters(in: .whitespaces)
        if unitCode.isEmpty && principal.unitCode.isEmpty {
            throw AppError.invalid(issues + [AppError.field("unit_code", "import.reason.required", ["", ""])])
        }
        let unit = try await scope.unit(code: unitCode.isEmpty ? principal.unitCode : unitCode, on: db)
        if unit.isRetired { issues.append(AppError.field("unit_code", "import.reason.retired_parent", [unit.code, ""])) }
        guard issues.isEmpty else { throw AppError.invalid(issues) }

        let granted = roles
        let user = User(username: username, displayName: name, unitID: unit.id!, roles: granted)
        if !password.isEmpty { user.passwordHash = try await AuthService(app: app, db: db).hashPassword(password) }
        if let phone { try setPhone(phone, on: user) }
        try await UniqueViolation.named("username", "import.reason.username_taken", [username, ""]) {
            try await app.serializedTransaction(on: db) { db in
                try await user.create(on: db)
                try await AuditLog.record(db, by: principal, action: "user.create", subjectType: "user", subjectID: username,
                                          after: ["display_name": name, "unit_code": unit.code, "roles": Role.encode(granted),
                                                  "phone": user.phoneMasked ?? ""])
            }
        }
        return user
    }

    /// Usernames differ by more than case: "OFFICE" beside "office" is one person's sign-in
    /// mistyped or another's impersonation.
    static func usernameTaken(_ username: String, on db: any Database) async throws -> Bool {
        try await UserStore(db: db).countUsers(named: username) > 0
    }

    func setPhone(_ phone: String, on user: User) throws {
        let cipher = app.fieldCipher
        user.phoneCipher = try cipher.seal(phone)
        user.phoneMasked = Phone.mask(phone)
        user.phoneDigest = cipher.digest(phone)
    }

    func resetPassword(username: String, to password: String) async throws {
        try principal.require(.manageUsers)
        let user = try await scope.user(username: username, on: db)
        guard password.count >= AuthService.minPasswordLength else {
            throw AppError.invalid([AppError.field("password", "error.password_short", ["\(AuthService.minPasswordLength)"])])
        }
        try requireNotHigher(user)
        user.passwordHash = try await AuthService(app: app, db: db).hashPassword(password)
        user.failedAttempts = 0
        user.lockedUntil = nil
        try await app.serializedTransaction(on: db) { db in
            try await user.update(on: db)
            // A new password ends every session and token the old one could have opened.
            try await UserSession.query(on: db).filter(\.$user.$id == user.id!).delete()
            try await ApiToken.query(on: db).filter(\.$user.$id == user.id!).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: Date()).update()
            try await AuditLog.record(db, by: principal, action: "user.reset_password", subjectType: "user", subjectID: username)
        }
    }

    func retire(username: String) async throws {
        try principal.require(.manageUsers)
        let user = try await scope.user(username: username, on: db)
        guard user.id != principal.userID else { throw AppError(.forbidden, "error.retire_self") }
        try requireNotHigher(user)
        guard user.retiredAt == nil else { return }
        user.retiredAt = Date()
        try await app.serializedTransaction(on: db) { db in
            try await user.update(on: db)
            try await UserSession.query(on: db).filter(\.$user.$id == user.id!).delete()
            try await ApiToken.query(on: db).filter(\.$user.$id == user.id!).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: Date()).update()
            try await AuditLog.record(db, by: principal, action: "user.retire", subjectType: "user", subjectID: username,
                                      before: ["retired": "false"], after: ["retired": "true"])
        }
    }

    /// The clear phone number, for those allowed to see it; every reveal is in the audit log.
    func revealPhone(username: String) async throws -> String? {
        try principal.require(.revealPersonalData)
        let user = try await scope.user(username: username, on: db)
        guard let stored = user.phoneCipher else { return nil }
        let clear = try app.fieldCipher.open(stored)
        try await AuditLog.record(db, by: principal, action: "personal_data.reveal", subjectType: "user",
                                  subjectID: username, after: ["field": "phone"])
        return clear
    }

    /// A user the principal could not have made is not theirs to manage either (an office or
    /// assistance user who happens to sit in a unit admin's subtree). Nor is a peer: a unit
    /// admin manages the units below and the non-admins of their own unit, but resetting another
    /// admin of the same unit would let them sign in as that admin — that is for the unit above.
    private func requireNotHigher(_ user: User) throws {
        if user.roles.contains(where: { !$0.isGrantable(by: principal.roles) }) {
            throw AppError(.forbidden, "error.forbidden")
        }
        if !principal.roles.contains(.office), user.roles.contains(.unitAdmin), user.$unit.id == principal.unitID,
           user.id != principal.userID {
            throw AppError(.forbidden, "error.peer_admin")
        }
    }
}
