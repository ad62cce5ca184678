import Fluent
import Foundation
import SanbaoDomain

/// A worker met on a visit or listed by an enterprise. The ID number, phone and household
/// situation are encrypted; masked copies serve lists, keyed digests serve exact lookups.
/// Birth year and gender come from the ID number and are kept in clear for statistics.
final class Worker: Model, @unchecked Sendable {
    static let schema = "workers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "id_cipher") var idCipher: String
    @Field(key: "id_masked") var idMasked: String
    @Field(key: "id_digest") var idDigest: String
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @Field(key: "phone_masked") var phoneMasked: String
    @OptionalField(key: "phone_digest") var phoneDigest: String?
    @Field(key: "gender") var gender: String
    @Field(key: "birth_year") var birthYear: Int
    @Parent(key: "enterprise_id") var enterprise: Enterprise
    @Field(key: "job") var job: String
    @Field(key: "migrant") var migrant: Bool
    @OptionalField(key: "household_cipher") var householdCipher: String?
    /// Keyed digest of phone and household together: tells an import "unchanged" without decrypting.
    @Field(key: "private_digest") var privateDigest: String
    @Field(key: "hardship") var hardship: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
