import Testing
@testable import SanbaoDomain

@Suite struct PeopleTests {
    @Test func phonesNormaliseAndMask() {
        #expect(Phone.normalise("+86 139-1234-5678") == "13912345678")
        #expect(Phone.normalise("0551-6543 2100") == "055165432100")
        #expect(Phone.normalise("12345") == nil)
        #expect(Phone.normalise("1391234567x") == nil)
        #expect(Phone.mask("13912345678") == "139****5678")
    }

    @Test func rolesRoundTripAndPermissionsFollowThem() {
        let roles: Set<Role> = [.unitAdmin, .cadre]
        #expect(Role.decode(Role.encode(roles)) == roles)
        #expect(Role.encode(roles) == "unit_admin,cadre")
        #expect(Permission.manageUnits.isGranted(to: [.unitAdmin]))
        #expect(!Permission.manageUnits.isGranted(to: [.cadre, .viewer]))
        #expect(!Permission.readAudit.isGranted(to: [.unitAdmin]))
        #expect(Permission.readAudit.isGranted(to: [.office]))
    }

    @Test func cadrePlanChecksEveryField() throws {
        let text = """
        staff_no,name,unit_code,phone,lat,lon,capacity
        A1,张伟,U1,13912345678,31.8,117.2,10
        A1,重复,U1,,,,5
        A2,,U9,123,91,,-1
        A3,王芳,U2,,,,x
        office,李四,U1,,,,3
        """
        let plan = CadreImportPlan(records: try CSVParser.records(in: text), existing: [:], writableUnits: ["U1"],
                                   knownUnits: ["U1", "U2"], takenUsernames: ["office"])
        let byLine = Dictionary(grouping: plan.issues, by: \.row).mapValues { Set($0.map(\.reason)) }
        #expect(plan.rows.map(\.record.staffNo) == ["A1"])
        #expect(byLine[3] == [.duplicateCode])
        #expect(byLine[4] == [.required, .unknownUnit, .badPhone, .outOfRange])
        #expect(byLine[5] == [.outsideScope, .badNumber])
        #expect(byLine[6] == [.usernameTaken])
    }

    @Test func unchangedCadresAreRecognised() throws {
        let cadre = CadreRecord(staffNo: "A1", name: "张伟", unitCode: "U1", phone: "13912345678", lat: 31.8, lon: 117.2, capacity: 10)
        let text = "staff_no,name,unit_code,phone,lat,lon,capacity\n" + CSVWriter.line(cadre.csvFields)
        let same = CadreImportPlan(records: try CSVParser.records(in: text), existing: ["A1": cadre], writableUnits: ["U1"], knownUnits: ["U1"])
        #expect(same.rows.map(\.action) == [.unchanged])
        let otherPhone = CadreImportPlan(records: try CSVParser.records(in: text), existing: ["A1": cadre], writableUnits: ["U1"],
                                         knownUnits: ["U1"]) { _, _ in false }
        #expect(otherPhone.rows.map(\.action) == [.update])
    }
}

@Suite struct DemoCityTests {
    @Test func theSameSeedGivesTheSameCity() {
        #expect(DemoCity(seed: 1).unitsCSV == DemoCity(seed: 1).unitsCSV)
        #expect(DemoCity(seed: 1).cadresCSV == DemoCity(seed: 1).cadresCSV)
        #expect(DemoCity(seed: 1).cadresCSV != DemoCity(seed: 2).cadresCSV)
    }

    @Test func theProvinceHasFiftyThousandCadresAndImportableEnterprises() throws {
        let province = DemoProvince()
        #expect((49_000...51_000).contains(province.cadres.count))
        #expect(province.units.filter { $0.kind == .cityFederation }.count == 17)
        #expect(Set(province.signIns.flatMap(\.roles)) == Set(Role.allCases))
        let units = OrgUnitImportPlan(records: try CSVParser.records(in: province.unitsCSV), existing: [:], scopeRoot: nil)
        #expect(units.issues.isEmpty && units.rows.count == province.units.count)
        let capacity = province.cadres.reduce(0) { $0 + $1.capacity }
        #expect(capacity > DemoProvince.enterpriseCount, "the cadres can take every enterprise")

        var text = ""
        let sample = province.writeEnterprises(count: 5_000) { text += $0 }
        var plan = EnterpriseImportPlan()
        let rows = plan.decide(plan.read(try CSVParser.records(in: text)), existing: { _ in nil })
        #expect(plan.issues.isEmpty && rows.count == 5_000 && !sample.isEmpty)
        let towns = Set(province.units.filter { $0.kind == .town || $0.kind == .street }.map(\.code))
        #expect(rows.allSatisfy { towns.contains($0.record.divisionCode) })
        #expect(Set(rows.map { String($0.record.name.prefix(2)) }).count > 10, "names begin with their own city")
    }

    @Test func theCityHasTheShapeTheCampaignNeeds() throws {
        let city = DemoCity()
        #expect(city.units.filter { $0.kind == .district || $0.kind == .county }.count == 12)
        #expect(city.units.filter { $0.kind == .industryUnion }.count == 8)
        #expect((950...1_150).contains(city.cadres.count))
        #expect(Set(city.signIns.flatMap(\.roles)) == Set(Role.allCases))
        let plan = OrgUnitImportPlan(records: try CSVParser.records(in: city.unitsCSV), existing: [:], scopeRoot: nil)
        #expect(plan.issues.isEmpty)
        let cadres = CadreImportPlan(records: try CSVParser.records(in: city.cadresCSV), existing: [:],
                                     writableUnits: Set(city.units.map(\.code)), knownUnits: Set(city.units.map(\.code)))
        #expect(cadres.issues.isEmpty)
    }
}
