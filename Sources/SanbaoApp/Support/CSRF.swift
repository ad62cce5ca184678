@preconcurrency import Crypto
import Foundation
import Vapor

/// Signed tokens for every form: HMAC of the session (or, before sign-in, of a random
/// pre-session cookie) under a key derived from the app secret. Nothing to store, and a
/// token from one session is worthless in another.
enum CSRF {
    static let field = "_csrf"
    static let header = "X-CSRF-Token"
    static let preSessionCookie = "sanbao_pre"

    static func token(for binding: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(binding.utf8), using: key)
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func binding(_ req: Request) -> String? {
        req.principal?.sessionTokenHash ?? req.cookies[preSessionCookie]?.string
    }
}

extension Request {
    /// The token to put in this page's forms ("" before a binding exists; the sign-in page
    /// creates one).
    var csrfToken: String {
        guard let binding = CSRF.binding(self) else { return "" }
        return CSRF.token(for: binding, key: application.config.key(for: "csrf"))
    }
}

/// Refuses any state-changing page request whose form or header lacks the right token.
/// Collects the body first (uploads included) so the token can be read from it.
struct CSRFMiddleware: AsyncMiddleware {
    static let maxBody = 25 * 1024 * 1024

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method) else { return try await next.respond(to: req) }
        _ = try await req.body.collect(max: Self.maxBody).get()
        let sent = req.headers.first(name: CSRF.header) ?? (try? req.content.get(String.self, at: CSRF.field))
        guard let binding = CSRF.binding(req), let sent,
              sent == CSRF.token(for: binding, key: req.application.config.key(for: "csrf")) else {
            throw AppError(.forbidden, "error.csrf")
        }
        return try await next.respond(to: req)
    }
}
