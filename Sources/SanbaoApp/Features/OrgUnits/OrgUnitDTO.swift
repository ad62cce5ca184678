import Foundation
import SanbaoDomain
import Vapor

/// An org unit as the API returns it.
struct OrgUnitDTO: Content {
    var code, name, kind, kindName: String
    var parentCode: String?
    var territory: String
    var sectors: [String]
    var lat, lon: Double?
    var depth: Int
    var retired: Bool

    init(_ unit: OrgUnit, parentCode: String?, locale: AppLocale) {
        self.init(code: unit.code, name: unit.name, kind: unit.kind, parentCode: parentCode, territory: unit.territory,
                  sectors: unit.sectorsText, lat: unit.lat, lon: unit.lon, depth: unit.depth, retired: unit.isRetired,
                  locale: locale)
    }

    init(code: String, name: String, kind: OrgUnitKind, parentCode: String?, territory: String, sectors: String,
         lat: Double?, lon: Double?, depth: Int, retired: Bool, locale: AppLocale) {
        self.code = code
        self.name = name
        self.kind = kind.rawValue
        kindName = locale == .zhHans ? kind.chineseName : kind.rawValue.replacingOccurrences(of: "_", with: " ")
        self.parentCode = parentCode
        self.territory = territory
        self.sectors = sectors.isEmpty ? [] : sectors.split(separator: ";").map(String.init)
        self.lat = lat
        self.lon = lon
        self.depth = depth
        self.retired = retired
    }

    enum CodingKeys: String, CodingKey {
        case code, name, kind, kindName = "kind_name", parentCode = "parent_code", territory, sectors, lat, lon, depth, retired
    }
}

/// What a create form or JSON body carries; validated by the same rules as a file row.
struct OrgUnitInput: Content {
    var code, name, kind, parentCode, territory, sectors, lat, lon: String?

    enum CodingKeys: String, CodingKey {
        case code, name, kind, parentCode = "parent_code", territory, sectors, lat, lon
    }

    init(code: String? = nil, name: String? = nil, kind: String? = nil, parentCode: String? = nil, territory: String? = nil,
         sectors: String? = nil, lat: String? = nil, lon: String? = nil) {
        (self.code, self.name, self.kind, self.parentCode, self.territory, self.sectors, self.lat, self.lon)
            = (code, name, kind, parentCode, territory, sectors, lat, lon)
    }

    /// Coordinates come as text from forms and files, and as numbers from JSON clients: both
    /// are read as the text the file rules check.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String? { try c.decodeIfPresent(String.self, forKey: key) }
        func coordinate(_ key: CodingKeys) throws -> String? {
            if let s = try? c.decodeIfPresent(String.self, forKey: key) { return s }
            return try c.decodeIfPresent(Double.self, forKey: key).map { String($0) }
        }
        self.init(code: try text(.code), name: try text(.name), kind: try text(.kind), parentCode: try text(.parentCode),
                  territory: try text(.territory), sectors: try text(.sectors), lat: try coordinate(.lat), lon: try coordinate(.lon))
    }

    func value(_ key: String) -> String {
        let v: String? = switch key {
        case "code": code
        case "name": name
        case "kind": kind
        case "parent_code": parentCode
        case "territory": territory
        case "sectors": sectors
        case "lat": lat
        case "lon": lon
        default: nil
        }
        return (v ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension ImportIssue {
    /// The same issue as a form/API field error.
    var fieldIssue: AppError.FieldIssue {
        AppError.field(column.isEmpty ? "file" : column, "import.reason.\(reason.rawValue)", [value, detail])
    }
}
