import Testing
@testable import SanbaoDomain

@Suite struct RegistryRulesTests {
    @Test func creditCodesAreNormalisedThenChecked() throws {
        let good = CreditCode.withCheck("91340100MA2N0XXX1")
        #expect(try CreditCode.check(good).get().value == good)
        // Published code of a real registration, to anchor the weights and alphabet.
        #expect((try? CreditCode.check("91350100M000100Y43").get()) != nil)
        #expect((try? CreditCode.check(" ９１３５０１００ｍ０００１００ｙ４３ ").get())?.value == "91350100M000100Y43")
        #expect(CreditCode.check("91350100M000100Y44") == .failure(.badCheck(expected: "3")))
        #expect(CreditCode.check("91350100M000100Y4") == .failure(.wrongLength(17)))
        #expect(CreditCode.check("91350100M000I00Y43") == .failure(.badCharacter("I")))
        #expect(CreditCode.check("340100000123456") == .failure(.legacy))
        #expect((try? CreditCode.check("340100000123456", allowLegacy: true).get()) != nil)
    }

    @Test func residentIDsCheckDigitDateAndGender() throws {
        let id = try ResidentID.check("11010519491231002X", today: (2026, 11, 25)).get()
        #expect(id.birthDate == "1949-12-31" && !id.isMale && id.masked == "1101**********002X")
        #expect(ResidentID.check("110105194912310021", today: (2026, 11, 25)) == .failure(.badCheck(expected: "X")))
        #expect(ResidentID.check(ResidentID.withCheck("34010419900230123"), today: (2026, 11, 25))
                == .failure(.impossibleDate("19900230")))
        #expect(ResidentID.check(ResidentID.withCheck("34010420300101123"), today: (2026, 11, 25))
                == .failure(.impossibleDate("20300101")))
        #expect(ResidentID.check("3401041990", today: (2026, 11, 25)) == .failure(.wrongLength(10)))
        #expect((try? ResidentID.check(ResidentID.withCheck("34010419920229123"), today: (2026, 11, 25)).get())?.isMale == true)
    }

    @Test func nearIdenticalNamesShareAKey() {
        let a = EnterpriseName.key("合肥市荣事达（集团）有限责任公司")
        let b = EnterpriseName.key("荣事达(集团)有限公司")
        let c = EnterpriseName.key("安徽荣事达集团")
        #expect(a == b && b == c && a == "荣事达")
        #expect(EnterpriseName.key("合肥华源机械厂") != EnterpriseName.key("合肥华源电子厂"))
    }
}

@Suite struct CoverageTests {
    @Test func theIndexAgreesWithCheckingEveryUnit() {
        let city = DemoCity()
        let units = city.units.map { Coverage.Unit(code: $0.code, parentCode: $0.parentCode,
                                                   jurisdiction: Jurisdiction(territory: $0.territory, sectors: $0.sectors)) }
        let coverage = Coverage(units: units)
        let parent = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.parentCode) })
        func ancestors(_ code: String) -> Set<String> {
            var set: Set<String> = []
            var c = parent[code] ?? nil
            while let p = c { set.insert(p); c = parent[p] ?? nil }
            return set
        }
        for e in city.enterprises.prefix(2_000) {
            let all = units.filter { $0.jurisdiction.covers(divisionCode: e.divisionCode, industry: e.industry) }.map(\.code)
            let dropped = all.reduce(into: Set<String>()) { $0.formUnion(ancestors($1)) }
            #expect(coverage.covering(divisionCode: e.divisionCode, industry: e.industry) == all.filter { !dropped.contains($0) }.sorted())
        }
    }
}
