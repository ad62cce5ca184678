import FluentKit

/// A write that a unique index may refuse because someone else wrote the same key a moment
/// earlier (two admins creating one username at once): the refusal becomes the same 422 the
/// check before the write gives, naming the field, instead of a 500.
enum UniqueViolation {
    static func named<T>(_ field: String, _ key: String, _ params: [String], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.invalid([AppError.field(field, key, params)])
        }
    }
}
