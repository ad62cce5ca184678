@preconcurrency import Crypto
import Foundation
import Vapor

/// Everything the app reads from its environment, read once at start. Nothing else in the
/// app looks at environment variables.
public struct AppConfig: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(url: String, searchPath: String?)
    }

    public var database: DatabaseChoice
    /// Master secret; field encryption and CSRF tokens use keys derived from it.
    public var secret: SymmetricKey
    public var secretSource: String
    public var bcryptCost: Int
    public var defaultLocale: AppLocale
    public var sessionIdleTimeout: TimeInterval = 8 * 3600
    public var sessionMaxAge: TimeInterval = 7 * 24 * 3600
    public var lockoutThreshold = 5
    public var lockoutDuration: TimeInterval = 15 * 60
    /// Sign-in attempts an address may make at once, and how many a minute it gets back
    /// (`SignInGuard`): a person mistyping never meets it, a flood of guesses does.
    public var signInBurst = 20
    public var signInPerMinute = 20
    /// Served as `Secure` cookies when true (behind TLS in production).
    public var secureCookies: Bool
    /// Where visit photos are kept, one file per content hash (`SANBAO_PHOTO_DIR`; by default
    /// beside a SQLite file as `PATH.photos`, `photos` in the working directory with PostgreSQL).
    public var photoDirectory: String

    public init(database: DatabaseChoice, secret: SymmetricKey, secretSource: String, bcryptCost: Int = 12,
                defaultLocale: AppLocale = .zhHans, secureCookies: Bool = false) {
        self.database = database
        self.secret = secret
        self.secretSource = secretSource
        self.bcryptCost = bcryptCost
        self.defaultLocale = defaultLocale
        self.secureCookies = secureCookies
        switch database {
        case .sqliteFile(let path): photoDirectory = path + ".photos"
        case .sqliteMemory: photoDirectory = NSTemporaryDirectory() + "sanbao-photos-" + UUID().uuidString
        case .postgres: photoDirectory = "photos"
        }
    }

    public static func parseDatabaseURL(_ url: String) throws -> DatabaseChoice {
        if url == "sqlite::memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ConfigError("DATABASE_URL sqlite: needs a path, e.g. sqlite:sanbao.sqlite") }
            return .sqliteFile(path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return .postgres(url: url, searchPath: nil)
        }
        throw ConfigError("DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://user:pass@host:port/db (got \(url.prefix(20))…)")
    }

    /// Reads `DATABASE_URL` (default `sqlite:sanbao.sqlite`), `SANBAO_SECRET` (base64 of 32
    /// bytes), `SANBAO_BCRYPT_COST`, `SANBAO_LOCALE`, `SANBAO_SECURE_COOKIES`, `SANBAO_SIGNIN_PER_MINUTE`.
    /// Without `SANBAO_SECRET`, a SQLite database gets a key file beside it (`PATH.key`, mode
    /// 0600) so that a developer's database stays readable across restarts; PostgreSQL
    /// refuses to start without one.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let database = try parseDatabaseURL(env["DATABASE_URL"] ?? "sqlite:sanbao.sqlite")
        let secret: SymmetricKey
        let source: String
        if let text = env["SANBAO_SECRET"], !text.isEmpty {
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw ConfigError("SANBAO_SECRET must be 32 bytes in base64 (try: openssl rand -base64 32)")
            }
            secret = SymmetricKey(data: data)
            source = "SANBAO_SECRET"
        } else {
            switch database {
            case .sqliteFile(let path):
                secret = try keyFile(path + ".key")
                source = path + ".key"
            case .sqliteMemory:
                secret = SymmetricKey(size: .bits256)
                source = "ephemeral"
            case .postgres:
                throw ConfigError("SANBAO_SECRET is required with PostgreSQL (try: openssl rand -base64 32)")
            }
        }
        var config = AppConfig(database: database, secret: secret, secretSource: source)
        if let dir = env["SANBAO_PHOTO_DIR"], !dir.isEmpty { config.photoDirectory = dir }
        if let cost = env["SANBAO_BCRYPT_COST"].flatMap(Int.init) {
            guard (4...31).contains(cost) else { throw ConfigError("SANBAO_BCRYPT_COST must be 4…31") }
            config.bcryptCost = cost
        }
        if let locale = env["SANBAO_LOCALE"] {
            guard let l = AppLocale(rawValue: locale) else { throw ConfigError("SANBAO_LOCALE must be zh-Hans or en") }
            config.defaultLocale = l
        }
        config.secureCookies = env["SANBAO_SECURE_COOKIES"] == "1"
        if let text = env["SANBAO_SIGNIN_PER_MINUTE"], !text.isEmpty {
            guard let n = Int(text), (1...100_000).contains(n) else { throw ConfigError("SANBAO_SIGNIN_PER_MINUTE must be 1…100000") }
            (config.signInBurst, config.signInPerMinute) = (n, n)
        }
        return config
    }

    static func keyFile(_ path: String) throws -> SymmetricKey {
        if let data = FileManager.default.contents(atPath: path), let raw = Data(base64Encoded: data.trimmingSpaces()), raw.count == 32 {
            return SymmetricKey(data: raw)
        }
        if FileManager.default.fileExists(atPath: path) {
            throw ConfigError("\(path) exists but does not hold a base64 32-byte key")
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigError("cannot write the key file \(path)")
        }
        return key
    }

    /// What start-up logs: the effective settings with secrets and passwords left out.
    public var redactedDescription: String {
        let db: String
        switch database {
        case .sqliteFile(let path): db = "sqlite:\(path)"
        case .sqliteMemory: db = "sqlite::memory:"
        case .postgres(let url, let path):
            db = AppConfig.redact(url) + (path.map { " (schema \($0))" } ?? "")
        }
        return "database=\(db) secret=<redacted from \(secretSource)> bcrypt_cost=\(bcryptCost) locale=\(defaultLocale.rawValue) secure_cookies=\(secureCookies)"
    }

    static func redact(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "postgres://<unparsable>" }
        if parts.password != nil { parts.password = "***" }
        return parts.string ?? "postgres://<redacted>"
    }

    /// A subkey for one purpose, so that one leaked derived key does not expose another.
    func key(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("sanbao.\(purpose)".utf8), outputByteCount: 32)
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    init(_ text: String) { description = text }
}

extension Data {
    fileprivate func trimmingSpaces() -> Data {
        Data(String(decoding: self, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    /// The app's configuration, set once by `configure`.
    public var config: AppConfig {
        get {
            guard let config = storage[ConfigKey.self] else { fatalError("configure(_:config:) was not called") }
            return config
        }
        set { storage[ConfigKey.self] = newValue }
    }
}
