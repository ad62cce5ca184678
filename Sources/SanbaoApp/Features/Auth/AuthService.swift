@preconcurrency import Crypto
import Fluent
import Foundation
import SanbaoDomain
import Vapor

/// Sign-in, sessions and API tokens.
struct AuthService {
    let app: Application
    let db: any Database
    var store: AuthStore { AuthStore(db: db) }

    static let sessionCookie = "sanbao_session"
    static let tokenPrefix = "sb_"
    static let minPasswordLength = 8

    static func hash(_ token: String) -> String {
        Hex.lower(SHA256.hash(data: Data(token.utf8)))
    }

    static func randomToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    enum SignInResult {
        case signedIn(token: String, user: User)
        case wrongCredentials
        case locked(minutes: Int)
        /// The address made too many attempts too fast; nothing was checked.
        case throttled
    }

    /// Checks the password, counts failures, locks after `lockoutThreshold` of them, and on
    /// success opens a session. An unknown username, a locked one and a wrong password all cost
    /// one bcrypt check and answer alike, so neither the words nor the time tell whether a
    /// username exists.
    ///
    /// Each attempt is counted *before* its password is checked, by one atomic increment that
    /// only an unlocked account takes: of 40 guesses sent at once, the first `lockoutThreshold`
    /// are checked and the rest find the account locked (reading the counter, checking, then
    /// saving `+1` let 27 of 40 through and never locked).
    func signIn(username: String, password: String, ip: String) async throws -> SignInResult {
        let config = app.config
        guard app.signInGuard.admit(ip) else { return .throttled }
        let user = try await User.query(on: db).filter(\.$username == username).filter(\.$retiredAt == nil)
            .with(\.$unit).first()
        guard let user, let hash = user.passwordHash, !user.unit.isRetired else {
            _ = try? await verify(password, against: app.signInGuard.timingDummy)
            let locked = app.signInGuard.unknownNameFailed(username, threshold: config.lockoutThreshold,
                                                           duration: config.lockoutDuration)
            try await AuditLog.record(db, by: anonymous(ip, username), action: "auth.sign_in_failed",
                                      subjectType: "user", subjectID: username)
            return locked.map { .locked(minutes: $0) } ?? .wrongCredentials
        }
        let now = Date()
        let id = try user.requireID()
        let attempt = try await store.countAttempt(id, now: now)
        guard let attempt, attempt <= config.lockoutThreshold else {
            // Locked already, or other attempts at once used up what was left: not checked.
            _ = try? await verify(password, against: app.signInGuard.timingDummy)
            if attempt != nil { try await lock(id, now: now) }
            let until = try await User.find(id, on: db)?.lockedUntil ?? now.addingTimeInterval(config.lockoutDuration)
            return .locked(minutes: max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up))))
        }
        guard try await verify(password, against: hash) else {
            let locks = attempt >= config.lockoutThreshold
            if locks { try await lock(id, now: now) }
            try await AuditLog.record(db, by: principal(for: user, ip: ip), action: locks ? "auth.locked" : "auth.sign_in_failed",
                                      subjectType: "user", subjectID: user.username)
            return locks ? .locked(minutes: Int(config.lockoutDuration / 60)) : .wrongCredentials
        }
        try await store.clearAttempts(id)
        let token = Self.randomToken()
        let session = UserSession()
        session.tokenHash = Self.hash(token)
        session.$user.id = id
        session.createdAt = now
        session.lastSeenAt = now
        session.ip = ip
        try await session.create(on: db)
        try await AuditLog.record(db, by: principal(for: user, ip: ip), action: "auth.sign_in", subjectType: "user",
                                  subjectID: user.username)
        return .signedIn(token: token, user: user)
    }

    /// Locks the account from `now` unless a lock is already running; the count starts again.
    private func lock(_ id: UUID, now: Date) async throws {
        try await store.lock(id, until: now.addingTimeInterval(app.config.lockoutDuration), now: now)
    }

    func signOut(tokenHash: String, principal: Principal) async throws {
        try await UserSession.query(on: db).filter(\.$tokenHash == tokenHash).delete()
        try await AuditLog.record(db, by: principal, action: "auth.sign_out", subjectType: "user", subjectID: principal.username)
    }

    /// The principal behind a session cookie, or nil when the session is unknown, idle too
    /// long, too old, or its user or unit retired.
    func principal(sessionToken: String, ip: String) async throws -> Principal? {
        let hash = Self.hash(sessionToken)
        guard let row = try await store.credential("user_sessions", createdColumn: "created_at", seenColumn: "last_seen_at", hash: hash) else {
            return nil
        }
        let now = Date()
        let config = app.config
        if !row.principalIsActive
            || now.timeIntervalSince(row.last_seen_at ?? .distantPast) > config.sessionIdleTimeout
            || now.timeIntervalSince(row.created_at ?? .distantPast) > config.sessionMaxAge {
            try await store.endSession(row.credential_id)
            return nil
        }
        // Writing on every request would serialise reads behind writes; a minute's
        // precision is plenty for an idle timeout of hours.
        if now.timeIntervalSince(row.last_seen_at ?? .distantPast) > 60 {
            try await store.touchSession(row.credential_id, at: now)
        }
        var p = row.principal(ip: ip)
        p.sessionTokenHash = hash
        return p
    }

    func principal(bearer token: String, ip: String) async throws -> Principal? {
        guard token.hasPrefix(Self.tokenPrefix) else { return nil }
        guard let row = try await store.credential("api_tokens", createdColumn: "created_at", seenColumn: "last_used_at",
                                             hash: Self.hash(token), extra: "AND c.revoked_at IS NULL"),
              row.principalIsActive else { return nil }
        let now = Date()
        if now.timeIntervalSince(row.last_seen_at ?? .distantPast) > 60 {
            try await store.touchToken(row.credential_id, at: now)
        }
        return row.principal(ip: ip)
    }

    /// Creates a token for the principal's own user; the clear token is returned once.
    func createToken(for principal: Principal, name: String) async throws -> (clear: String, token: ApiToken) {
        guard let userID = principal.userID else { throw AppError(.badRequest, "error.invalid") }
        return try await createToken(userID: userID, name: name, by: principal)
    }

    func createToken(userID: UUID, name: String, by principal: Principal) async throws -> (clear: String, token: ApiToken) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let reason = FieldRules.nameIssue(trimmed) {
            throw AppError.invalid([AppError.field("name", "import.reason.\(reason.rawValue)")])
        }
        let clear = Self.tokenPrefix + Self.randomToken()
        let token = ApiToken()
        token.$user.id = userID
        token.name = trimmed
        token.tokenHash = Self.hash(clear)
        token.prefix = String(clear.prefix(10))
        token.createdAt = Date()
        try await app.serializedTransaction(on: db) { db in
            try await token.create(on: db)
            try await AuditLog.record(db, by: principal, action: "token.create", subjectType: "api_token",
                                      subjectID: token.id!.uuidString, after: ["name": trimmed, "prefix": token.prefix])
        }
        return (clear, token)
    }

    /// Only the token's owner revokes it (the office may revoke anyone's).
    func revokeToken(id: UUID, by principal: Principal) async throws {
        guard let token = try await ApiToken.find(id, on: db),
              token.$user.id == principal.userID || principal.roles.contains(.office) else {
            throw AppError(.notFound, "error.not_found")
        }
        guard token.revokedAt == nil else { return }
        token.revokedAt = Date()
        try await app.serializedTransaction(on: db) { db in
            try await token.update(on: db)
            try await AuditLog.record(db, by: principal, action: "token.revoke", subjectType: "api_token",
                                      subjectID: id.uuidString, before: ["name": token.name])
        }
    }

    func hashPassword(_ password: String) async throws -> String {
        let cost = app.config.bcryptCost
        return try await app.signInGuard.hashing.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    private func verify(_ password: String, against hash: String) async throws -> Bool {
        try await app.signInGuard.hashing.runIfActive { try Bcrypt.verify(password, created: hash) }
    }

    static func principal(user: User, unit: OrgUnit, ip: String) -> Principal {
        Principal(userID: user.id, username: user.username, displayName: user.displayName, unitID: unit.id,
                  unitCode: unit.code, unitName: unit.name, unitPath: unit.path, roles: user.roles, ip: ip,
                  sessionTokenHash: nil)
    }

    private func principal(for user: User, ip: String) -> Principal {
        Self.principal(user: user, unit: user.unit, ip: ip)
    }

    private func anonymous(_ ip: String, _ username: String) -> Principal {
        Principal(userID: nil, username: "anonymous:" + String(username.prefix(64)), displayName: "", unitID: nil,
                  unitCode: "", unitName: "", unitPath: "/", roles: [], ip: ip, sessionTokenHash: nil)
    }
}

extension Request {
    var authService: AuthService { AuthService(app: application, db: db) }
}
