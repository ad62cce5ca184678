import Fluent
import Foundation
import SanbaoDomain

/// An enterprise in the registry, keyed by its credit code. The contact (usually a person's
/// phone) is personal data: encrypted, with a masked copy and a keyed digest.
final class Enterprise: Model, @unchecked Sendable {
    static let schema = "enterprises"

    @ID(key: .id) var id: UUID?
    @Field(key: "credit_code") var creditCode: String
    @Field(key: "name") var name: String
    @Field(key: "name_key") var nameKey: String
    @Field(key: "aliases") var aliases: String
    @Field(key: "address") var address: String
    @Field(key: "address_key") var addressKey: String
    /// Set when a person confirmed this record duplicates another: lists then show only that one.
    @OptionalParent(key: "merged_into_id") var mergedInto: Enterprise?
    @Field(key: "division_code") var divisionCode: String
    @Field(key: "industry_code") var industryCode: String
    @Field(key: "size_class") var sizeClass: String
    @Field(key: "above_scale") var aboveScale: Bool
    @Field(key: "employees") var employees: Int
    @Field(key: "migrant_workers") var migrantWorkers: Int
    @Field(key: "union_established") var unionEstablished: Bool
    @Field(key: "legal_rep") var legalRep: String
    @OptionalField(key: "contact_cipher") var contactCipher: String?
    @Field(key: "contact_masked") var contactMasked: String
    @OptionalField(key: "contact_digest") var contactDigest: String?
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @Field(key: "tags") var tags: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    /// The record as stored, with the contact left masked (the clear value needs a reveal).
    var maskedRecord: EnterpriseRecord {
        EnterpriseRecord(creditCode: creditCode, name: name, aliases: aliases.isEmpty ? [] : aliases.components(separatedBy: ";"),
                         address: address, divisionCode: divisionCode,
                         industry: IndustryCode(parsing: industryCode) ?? IndustryCode(parsing: "S")!,
                         sizeClass: .init(rawValue: sizeClass) ?? .micro, aboveScale: aboveScale, employees: employees,
                         migrantWorkers: migrantWorkers, unionEstablished: unionEstablished, legalRep: legalRep,
                         contact: contactMasked, lat: lat, lon: lon, tags: tags.isEmpty ? [] : tags.components(separatedBy: ";"))
    }
}

/// A unit whose jurisdiction covers an enterprise (the most specific ones; see `Coverage`).
final class EnterpriseUnit: Model, @unchecked Sendable {
    static let schema = "enterprise_units"

    @ID(key: .id) var id: UUID?
    @Parent(key: "enterprise_id") var enterprise: Enterprise
    @Parent(key: "unit_id") var unit: OrgUnit

    init() {}
}

/// Masks the digits of a free-text contact ("张经理 13912345678" → "张经理 139****5678").
enum ContactMask {
    static func mask(_ text: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            out += digits.count >= 7 ? Phone.mask(digits) : digits
            digits = ""
        }
        for ch in text {
            if ch.isASCII && ch.isNumber { digits.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }
}
