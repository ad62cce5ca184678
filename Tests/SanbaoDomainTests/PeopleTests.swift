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
