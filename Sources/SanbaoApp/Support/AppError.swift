import Vapor

/// An error a user can act on. `key` names a sentence in the locale tables; `fields` lists
/// the form or JSON fields at fault, each with its own sentence.
struct AppError: AbortError, Sendable {
    struct FieldIssue: Sendable, Equatable {
        var field, key: String
        var params: [String]
    }

    var status: HTTPResponseStatus
    var key: String
    var params: [String]
    var fields: [FieldIssue]

    init(_ status: HTTPResponseStatus, _ key: String, _ params: [String] = [], fields: [FieldIssue] = []) {
        self.status = status
        self.key = key
        self.params = params
        self.fields = fields
    }

    var reason: String { key }

    static func invalid(_ fields: [FieldIssue]) -> AppError {
        AppError(.unprocessableEntity, "error.invalid", fields: fields)
    }

    static func field(_ field: String, _ key: String, _ params: [String] = []) -> FieldIssue {
        FieldIssue(field: field, key: key, params: params)
    }
}

/// `application/problem+json` (RFC 9457) with a field-level list, in the caller's language.
struct ProblemDetails: Content {
    struct FieldProblem: Content {
        var field, code, reason: String
    }

    var type, title: String
    var status: Int
    var detail: String?
    var errors: [FieldProblem]
}
