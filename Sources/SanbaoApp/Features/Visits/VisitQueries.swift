import Foundation
import SanbaoDomain
import Vapor

/// What the visit pages read besides the visit itself: the enterprise a form is for, its
/// registry workers to pick from, the names of the workers a visit's questionnaires are about,
/// and how many visits wait in a status (the home page).
extension VisitService {
    /// The enterprise of one of the principal's own visit tasks.
    func enterprise(ofTask task: UUID) async throws -> VisitStore.FormEnterprise {
        guard let e = try await store.enterprise(ofTask: task) else { throw AppError(.notFound, "error.not_found") }
        return e
    }

    /// An enterprise the principal may see, by its credit code (an ad hoc visit).
    func enterprise(code: String) async throws -> VisitStore.FormEnterprise {
        guard let e = try await store.enterprise(code: code) else { throw AppError(.notFound, "error.not_found") }
        return e
    }

    func registryWorkers(ofEnterprise code: String) async throws -> [QuestionnaireForm.RegistryWorker] {
        try await store.registryWorkers(ofEnterprise: code)
    }

    func count(status: Visit.Status, ownOnly: Bool = false, upTo limit: Int) async throws -> Int {
        try await store.count(status: status, ownOnly: ownOnly, upTo: limit)
    }

    func workerNames(_ ids: [UUID]) async throws -> [UUID: String] { try await store.workerNames(ids) }
}
