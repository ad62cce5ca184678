import Foundation
import SanbaoDomain
import Vapor

/// A user as lists and the API show them: the phone only masked.
struct UserDTO: Content {
    var username, displayName, unitCode, unitName: String
    var roles: [String]
    var phone: String?
    var cadre: CadreDTO?
    var retired, locked: Bool

    struct CadreDTO: Content {
        var staffNo: String
        var lat, lon: Double?
        var capacity: Int

        enum CodingKeys: String, CodingKey { case staffNo = "staff_no", lat, lon, capacity }
    }

    /// - Parameter preciseHome: a cadre's home to six decimals is where they live; it is for
    ///   those who manage people (and import these coordinates). Others get it to two decimals,
    ///   about a kilometre: enough to see which district, not which door.
    init(_ user: User, unit: OrgUnit, cadre: Cadre?, preciseHome: Bool) {
        username = user.username
        displayName = user.displayName
        unitCode = unit.code
        unitName = unit.name
        roles = user.roles.sorted().map(\.rawValue)
        phone = user.phoneMasked
        func home(_ v: Double?) -> Double? { preciseHome ? v : v.map { ($0 * 100).rounded() / 100 } }
        self.cadre = cadre.map { CadreDTO(staffNo: $0.staffNo, lat: home($0.lat), lon: home($0.lon), capacity: $0.capacity) }
        retired = user.retiredAt != nil
        locked = (user.lockedUntil ?? .distantPast) > Date()
    }

    enum CodingKeys: String, CodingKey {
        case username, displayName = "display_name", unitCode = "unit_code", unitName = "unit_name", roles, phone, cadre,
             retired, locked
    }
}

struct UserInput: Content {
    var username, displayName, unitCode: String?
    var roles: [String]?
    var password, phone: String?

    enum CodingKeys: String, CodingKey {
        case username, displayName = "display_name", unitCode = "unit_code", roles, password, phone
    }
}
