import Fluent
import Foundation
import SanbaoDomain

/// A union unit in the federation's tree. `path` holds the ids from the root down
/// ("/root/…/self/"), so a subtree is one indexed prefix match — the basis of scoping.
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "org_units"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "kind") var kindKey: String
    @OptionalParent(key: "parent_id") var parent: OrgUnit?
    @Field(key: "path") var path: String
    @Field(key: "depth") var depth: Int
    @Field(key: "territory") var territory: String
    @Field(key: "sectors") var sectorsText: String
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @OptionalField(key: "retired_at") var retiredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var kind: OrgUnitKind { OrgUnitKind(rawValue: kindKey) ?? .enterpriseUnion }
    var isRetired: Bool { retiredAt != nil }
    var sectors: [IndustryCode] { Jurisdiction.parseSectors(sectorsText).codes }

    /// Paths are built from ids, which never change, so renaming a code cannot break them.
    static func path(parentPath: String?, id: UUID) -> String {
        UnitPath(parent: parentPath.map(UnitPath.init), id: id).text
    }

    func record(parentCode: String?) -> OrgUnitRecord {
        OrgUnitRecord(code: code, name: name, kind: kind, parentCode: parentCode, territory: territory,
                      sectors: sectors, lat: lat, lon: lon)
    }

    func apply(_ record: OrgUnitRecord) {
        code = record.code
        name = record.name
        kindKey = record.kind.rawValue
        territory = record.territory
        sectorsText = Jurisdiction.format(record.sectors)
        lat = record.lat
        lon = record.lon
    }
}
