import Fluent
import Foundation
import SanbaoDomain

/// Anyone who signs in. Belongs to one unit and holds roles there. The phone is personal
/// data: stored encrypted, with a masked copy for lists so showing one needs no decryption.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Parent(key: "unit_id") var unit: OrgUnit
    @Field(key: "roles") var rolesText: String
    @OptionalField(key: "password_hash") var passwordHash: String?
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    /// Keyed hash of the phone: lets an import tell "same phone" without decrypting it.
    @OptionalField(key: "phone_digest") var phoneDigest: String?
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(username: String, displayName: String, unitID: UUID, roles: Set<Role>) {
        self.username = username
        self.displayName = displayName
        self.$unit.id = unitID
        self.rolesText = Role.encode(roles)
        self.failedAttempts = 0
    }

    var roles: Set<Role> {
        get { Role.decode(rolesText) }
        set { rolesText = Role.encode(newValue) }
    }
}

/// A user who visits: where they start from and how many enterprises they can take on.
final class Cadre: Model, @unchecked Sendable {
    static let schema = "cadres"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "staff_no") var staffNo: String
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @Field(key: "capacity") var capacity: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
