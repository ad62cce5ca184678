import Vapor

/// Pages: turns the session cookie into `req.principal`. A cookie that no longer opens a
/// session is remembered so the sign-in page can say the session expired.
struct SessionMiddleware: AsyncMiddleware {
    struct ExpiredKey: StorageKey { typealias Value = Bool }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = req.cookies[AuthService.sessionCookie]?.string, !token.isEmpty {
            if let principal = try await req.authService.principal(sessionToken: token, ip: req.clientIP) {
                req.principal = principal
            } else {
                req.storage[ExpiredKey.self] = true
            }
        }
        return try await next.respond(to: req)
    }
}

/// Pages that need a signed-in user send others to the sign-in page, and back afterwards.
struct RequireSignIn: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.principal == nil else { return try await next.respond(to: req) }
        if req.method != .GET {
            throw AppError(.unauthorized, req.storage[SessionMiddleware.ExpiredKey.self] == true ? "error.session_expired" : "error.unauthorized")
        }
        let expired = req.storage[SessionMiddleware.ExpiredKey.self] == true
        return req.redirect(to: Site.signIn.with(["next": req.url.path, "expired": expired ? "1" : nil]))
    }
}

/// `/api/v1`: a bearer token is required; cookies are not accepted, so the API needs no CSRF.
struct BearerMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = req.headers.bearerAuthorization else { throw AppError(.unauthorized, "error.bad_token") }
        let cache = req.application.readCaches.principals
        let key = AuthService.hash(bearer.token)
        if var cached = cache.get(key) {
            cached.ip = req.clientIP
            req.principal = cached
        } else {
            let generation = cache.generation
            guard let principal = try await req.authService.principal(bearer: bearer.token, ip: req.clientIP) else {
                throw AppError(.unauthorized, "error.bad_token")
            }
            cache.put(key, principal, readAt: generation)
            req.principal = principal
        }
        return try await next.respond(to: req)
    }
}
