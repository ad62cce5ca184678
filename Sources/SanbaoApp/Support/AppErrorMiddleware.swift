import Vapor

/// Errors in the caller's language: `application/problem+json` under `/api`, a page
/// elsewhere. Unexpected errors are logged and shown without internals.
struct AppErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            return try await response(for: error, req)
        }
    }

    private func response(for error: any Error, _ req: Request) async throws -> Response {
        let (status, key, params, fields) = Self.describe(error)
        if status == .internalServerError {
            req.logger.report(error: error)
        }
        let localizer = req.application.localizer
        let title = localizer.text(key, req.locale, params)
        if APIRoute.contains(req.url.path) || req.headers.accept.mediaTypes.contains(where: { $0.subType == "problem+json" }) {
            let problem = ProblemDetails(
                type: "https://sanbao.example/problems/" + key.replacingOccurrences(of: ".", with: "-"),
                title: title, status: Int(status.code), detail: nil,
                errors: fields.map { .init(field: $0.field, code: $0.key, reason: localizer.text($0.key, req.locale, $0.params)) })
            let response = Response(status: status, body: .init(data: try JSONEncoder().encode(problem)))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
            if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            return response
        }
        let page = ErrorPage(shell: Shell(req, title: title), status: Int(status.code), message: title,
                             fields: fields.map { localizer.text("field.\($0.field)", req.locale) + ": " + localizer.text($0.key, req.locale, $0.params) })
        let response = try await req.render(page)
        response.status = status
        return response
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, String, [String], [AppError.FieldIssue]) {
        switch error {
        case let e as AppError:
            return (e.status, e.key, e.params, e.fields)
        case let e as DecodingError:
            // Before AbortError (Vapor makes DecodingError one): the body's fault, named by its path.
            return (.badRequest, "error.bad_body", [], [fieldIssue(e)])
        case let e as any AbortError:
            let key: String = switch e.status {
            case .notFound: "error.not_found"
            case .payloadTooLarge: "error.too_large"
            case .unauthorized: "error.unauthorized"
            case .forbidden: "error.forbidden"
            case .unsupportedMediaType: "error.bad_body"
            default: e.status.code < 500 ? "error.bad_request" : "error.internal"
            }
            return (e.status, key, [], [])
        default:
            return (.internalServerError, "error.internal", [], [])
        }
    }
}

extension AppErrorMiddleware {
    /// "narrative.next_steps" is missing, "lat" is not of the right type: the field a decoder
    /// stopped at, as a path into the body (`items[2].name`).
    static func fieldIssue(_ error: DecodingError) -> AppError.FieldIssue {
        func path(_ keys: [any CodingKey]) -> String {
            keys.enumerated().map { i, k in k.intValue.map { "[\($0)]" } ?? (i == 0 ? "" : ".") + k.stringValue }.joined()
        }
        switch error {
        case .keyNotFound(let key, let c):
            return AppError.field(path(c.codingPath + [key]), "error.field_missing")
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return AppError.field(path(c.codingPath).isEmpty ? "body" : path(c.codingPath), "error.field_type")
        case .dataCorrupted(let c):
            return AppError.field(path(c.codingPath).isEmpty ? "body" : path(c.codingPath), "error.field_unreadable")
        @unknown default:
            return AppError.field("body", "error.field_unreadable")
        }
    }
}

struct ErrorPage: PageModel {

    static let template = "error"
    var shell: Shell
    var status: Int
    var message: String
    var fields: [String]
}
