import Foundation
import NIOCore
import VaporTesting
@testable import SanbaoApp

/// A browser stand-in: keeps cookies, reads the CSRF token from pages, posts forms.
struct TestClient {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf = ""
    var bearer: String?

    init(_ app: Application, bearer: String? = nil) {
        self.app = app
        self.bearer = bearer
    }

    @discardableResult
    mutating func send(_ method: HTTPMethod, _ path: String, form: [String: String]? = nil, json: String? = nil, bytes: [UInt8]? = nil,
                       headers extra: HTTPHeaders = [:], withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var headers = extra
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        var body = ByteBuffer()
        if var form {
            if withCSRF && form["_csrf"] == nil { form["_csrf"] = csrf }
            headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
            body = ByteBuffer(string: form.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&"))
        } else if let json {
            headers.replaceOrAdd(name: .contentType, value: "application/json")
            body = ByteBuffer(string: json)
        } else if let bytes {
            body = ByteBuffer(bytes: bytes)
        }
        let response = try await app.testing().performTest(request: TestingHTTPRequest(method: method, url: URI(path: path),
                                                                                        headers: headers, body: body))
        for cookie in response.headers[.setCookie] {
            let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1].isEmpty || cookie.contains("Expires=Thu, 01 Jan 1970") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    @discardableResult
    mutating func signIn(_ username: String, _ password: String = Fixture.password) async throws -> TestingHTTPResponse {
        try await send(.GET, "/sign-in")
        return try await send(.POST, "/sign-in", form: ["username": username, "password": password])
    }

    /// Loads a page so the next form post carries that page's token, as a browser would.
    @discardableResult
    mutating func open(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path)
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    private func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
