import Vapor

struct SignInPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Site.signIn, use: form)
        routes.post(Site.signIn, use: signIn)
        routes.post(Site.signOut, use: signOut)
    }

    struct Page: PageModel {

        static let template = "sign-in"
        var shell: Shell
        var username, next: String
        var message: String?
    }

    func form(req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: Site.home) }
        let expired = req.query[String.self, at: "expired"] == "1" || req.storage[SessionMiddleware.ExpiredKey.self] == true
        return try await render(req, username: "", message: expired ? req.t("sign_in.expired") : nil, status: .ok)
    }

    /// Renders the form with a CSRF token bound to a pre-session cookie, created here if new.
    private func render(_ req: Request, username: String, message: String?, status: HTTPResponseStatus) async throws -> Response {
        let pre = req.cookies[CSRF.preSessionCookie]?.string ?? AuthService.randomToken()
        let csrf = CSRF.token(for: pre, key: req.application.config.key(for: "csrf"))
        let page = Page(shell: Shell(req, title: req.t("sign_in.title"), csrf: csrf), username: username,
                        next: Self.safeNext(req.query[String.self, at: "next"] ?? (try? req.content.get(String.self, at: "next"))),
                        message: message)
        let response = try await req.render(page, status: status)
        response.cookies[CSRF.preSessionCookie] = cookie(pre, req)
        return response
    }

    func signIn(req: Request) async throws -> Response {
        struct Form: Content {
            var username, password, next: String?
        }
        let form = try req.content.decode(Form.self)
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces)
        let result = try await req.authService.signIn(username: username, password: form.password ?? "", ip: req.clientIP)
        switch result {
        case .signedIn(let token, _):
            let response = req.redirect(to: Self.safeNext(form.next))
            response.cookies[AuthService.sessionCookie] = cookie(token, req)
            return response
        case .wrongCredentials:
            return try await render(req, username: username, message: req.t("sign_in.wrong"), status: .unauthorized)
        case .locked(let minutes):
            return try await render(req, username: username, message: req.t("sign_in.locked", "\(minutes)"), status: .tooManyRequests)
        case .throttled:
            return try await render(req, username: username, message: req.t("sign_in.throttled"), status: .tooManyRequests)
        }
    }

    func signOut(req: Request) async throws -> Response {
        if let principal = req.principal, let hash = principal.sessionTokenHash {
            try await req.authService.signOut(tokenHash: hash, principal: principal)
        }
        let response = req.redirect(to: Site.signIn)
        response.cookies[AuthService.sessionCookie] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0),
                                                                         path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }

    private func cookie(_ value: String, _ req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, path: "/", isSecure: req.application.config.secureCookies, isHTTPOnly: true,
                          sameSite: .lax)
    }

    /// Only a path on this site, of printable ASCII: "//evil.example", absolute URLs, a
    /// backslash, and any control character or space (a CR/LF would split the `Location`
    /// header; browsers drop a TAB, so "/\t/evil" would become "//evil") all go home instead.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.count <= 2_000,
              next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) else { return Site.home.path }
        return next
    }
}
