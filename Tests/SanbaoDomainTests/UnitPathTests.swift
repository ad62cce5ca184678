import Foundation
import Testing
@testable import SanbaoDomain

@Suite struct UnitPathTests {
    let root = UUID(), district = UUID(), street = UUID()

    @Test func aPathIsBuiltFromTheIdsAndReadBackIntoThem() {
        let r = UnitPath(parent: nil, id: root)
        let d = UnitPath(parent: r, id: district)
        let s = UnitPath(parent: d, id: street)
        #expect(s.text == "/\(root.uuidString)/\(district.uuidString)/\(street.uuidString)/")
        #expect(s.ids == [root, district, street] && s.depth == 2 && !s.isRoot && r.isRoot && r.depth == 0)
        #expect(s.ancestors == [d, r] && r.ancestors.isEmpty)
        #expect(s.prefix(2) == d && s.prefix(9) == s)
        #expect(r.contains(s) && d.contains(s) && s.contains(s) && !s.contains(d))
    }

    @Test func idsReadEitherCaseAndSkipWhatIsNotAnId() {
        let lower = UnitPath("/" + root.uuidString.lowercased() + "/x/")
        #expect(lower.ids == [root])
        #expect(UUID(hex: "not-a-uuid"[...]) == nil)
    }
}
