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
/// The body is read for the token only after the request is known to come from someone signed
/// in (or to be the sign-in form itself), and only up to the route's own limit: an anonymous
/// post is refused before its body is read, so nobody can make the server hold 25 MB bodies
/// without an account (40 such posts once took it from 81 to 1,170 MB).
struct CSRFMiddleware: AsyncMiddleware {
    /// The largest body any page takes (a spreadsheet upload).
    static let maxBody = 25 * 1024 * 1024
    /// The pages that take a form from someone not signed in.
    static let anonymousPaths: Set<String> = [Site.signIn.path, Site.signOut.path]

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method) else { return try await next.respond(to: req) }
        let anonymous = Self.anonymousPaths.contains(req.url.path)
        guard req.principal != nil || anonymous else {
            throw AppError(.unauthorized, req.storage[SessionMiddleware.ExpiredKey.self] == true ? "error.session_expired" : "error.unauthorized")
        }
        let limit = anonymous ? 64 * 1024 : (req.route?.userInfo[AnySendableHashable(Self.bodyLimitKey)] as? Int ?? req.application.routes.defaultMaxBodySize.value)
        let body: ByteBuffer?
        do { body = try await req.body.collect(max: limit).get() } catch { throw AppError(.payloadTooLarge, "error.too_large") }
        // A body that came whole (not streamed) was not counted by `collect`.
        if let body, body.readableBytes > limit { throw AppError(.payloadTooLarge, "error.too_large") }
        let sent = req.headers.first(name: CSRF.header) ?? (try? req.content.get(String.self, at: CSRF.field))
        guard let binding = CSRF.binding(req), let sent,
              sent == CSRF.token(for: binding, key: req.application.config.key(for: "csrf")) else {
            throw AppError(.forbidden, "error.csrf")
        }
        return try await next.respond(to: req)
    }

    static let bodyLimitKey = "sanbao.body_limit"
}
