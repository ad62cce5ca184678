import Testing
@testable import SanbaoDomain

@Suite struct IndustryAndJurisdictionTests {
    @Test func industryCodesNormaliseToTheirSection() {
        #expect(IndustryCode(parsing: "3411")?.description == "C3411")
        #expect(IndustryCode(parsing: "c34")?.description == "C34")
        #expect(IndustryCode(parsing: "I")?.description == "I")
        #expect(IndustryCode(parsing: "D34") == nil)   // division 34 is manufacturing, not D
        #expect(IndustryCode(parsing: "Z") == nil)
        #expect(IndustryCode(parsing: "99") == nil)
        #expect(IndustryCode(parsing: "C34")!.covers(IndustryCode(parsing: "3411")!))
        #expect(!IndustryCode(parsing: "C34")!.covers(IndustryCode(parsing: "C35")!))
    }

    @Test func jurisdictionCoversByTerritoryAndSector() {
        let district = Jurisdiction(territory: "340104", sectors: [])
        let machinery = Jurisdiction(territory: "3401", sectors: Jurisdiction.parseSectors("C31；C34").codes)
        #expect(district.covers(divisionCode: "340104001", industry: nil))
        #expect(!district.covers(divisionCode: "340102001", industry: nil))
        #expect(machinery.covers(divisionCode: "340102001", industry: IndustryCode(parsing: "3411")))
        #expect(!machinery.covers(divisionCode: "340102001", industry: IndustryCode(parsing: "C13")))
        #expect(Jurisdiction.parseSectors("C34;X9;").invalid == ["X9"])
    }

    @Test func kindsParseFromEnglishOrChinese() {
        #expect(OrgUnitKind(parsing: "industry_union") == .industryUnion)
        #expect(OrgUnitKind(parsing: "Industry Union") == .industryUnion)
        #expect(OrgUnitKind(parsing: "街道工会") == .street)
        #expect(OrgUnitKind(parsing: "club") == nil)
    }
}

@Suite struct OrgUnitImportPlanTests {
    func plan(_ text: String, existing: [String: OrgUnitImportPlan.Existing] = [:], scope: String? = nil) throws -> OrgUnitImportPlan {
        OrgUnitImportPlan(records: try CSVParser.records(in: text), existing: existing, scopeRoot: scope)
    }

    let header = "code,name,kind,parent_code,territory,sectors,lat,lon\n"

    @Test func validTreeComesParentsFirst() throws {
        let p = try plan(header + "S1,街道,street,D1,340104001,,,\nD1,区,district,R,340104,,,\nR,市,市总工会,,3401,,31.8,117.2\n")
        #expect(p.issues.isEmpty)
        #expect(p.rows.map(\.record.code) == ["R", "D1", "S1"])
        #expect(p.summary.created == 3)
    }

    @Test func everyKindOfBadRowIsRefusedWithItsLine() throws {
        let text = header + """
        R,市,city_federation,,3401,,,
        A,甲,district,R,3401,,,
        A,甲二,district,R,3401,,,
        B,乙,planet,R,3401,,,
        C,丙,district,NOPE,3401,,,
        X,循环一,street,Y,,,,
        Y,循环二,street,X,,,,
        K,丁,industry_union,R,,C34;Q99,,
        G,戊,town,C,,,,
        L,己,town,R,12ab,,95,
        R2,第二个根,city_federation,,,,,
        """
        let p = try plan(text)
        let byLine = Dictionary(grouping: p.issues, by: \.row).mapValues { Set($0.map(\.reason)) }
        #expect(byLine[4] == [.duplicateCode])
        #expect(byLine[5] == [.badKind])
        #expect(byLine[6] == [.unknownParent])
        #expect(byLine[7] == [.cycle] && byLine[8] == [.cycle])
        #expect(byLine[9] == [.badSector])
        #expect(byLine[10] == [.parentRejected])   // its parent C was refused
        #expect(byLine[11] == [.badFormat, .outOfRange])
        #expect(byLine[12] == [.secondRoot])
        #expect(p.rows.map(\.record.code) == ["R", "A"])
    }

    @Test func existingTreeDecidesUpdatesMovesAndLoops() throws {
        let existing: [String: OrgUnitImportPlan.Existing] = [
            "R": .init(record: OrgUnitRecord(code: "R", name: "市", kind: .cityFederation, parentCode: nil, territory: "3401"), retired: false),
            "D": .init(record: OrgUnitRecord(code: "D", name: "区", kind: .district, parentCode: "R", territory: "340104"), retired: false),
            "S": .init(record: OrgUnitRecord(code: "S", name: "街", kind: .street, parentCode: "D"), retired: false),
        ]
        let p = try plan(header + "D,区,district,R,340104,,,\nS,新街,street,D,,,,\nR,市,city_federation,S,3401,,,\n", existing: existing)
        #expect(p.rows.map(\.action) == [.unchanged, .update])
        #expect(p.issues.map(\.reason) == [.cycle])
    }

    @Test func unitAdminsImportOnlyBelowTheirUnit() throws {
        let existing: [String: OrgUnitImportPlan.Existing] = [
            "R": .init(record: OrgUnitRecord(code: "R", name: "市", kind: .cityFederation, parentCode: nil), retired: false),
            "D": .init(record: OrgUnitRecord(code: "D", name: "区", kind: .district, parentCode: "R"), retired: false),
            "E": .init(record: OrgUnitRecord(code: "E", name: "另一区", kind: .district, parentCode: "R"), retired: false),
        ]
        let p = try plan(header + "S,街,street,D,,,,\nT,邻街,street,E,,,,\nD,改名,district,R,,,,\n", existing: existing, scope: "D")
        #expect(p.rows.map(\.record.code) == ["S"])
        #expect(p.issues.map(\.row) == [3, 4])
        #expect(p.issues.allSatisfy { $0.reason == .outsideScope })
    }

    @Test func headerMayUseChineseNamesInAnyOrderAndReportsStrangers() throws {
        let p = try plan("名称,编码,类型,上级编码,备注\n市,R,city_federation,,x\n")
        #expect(p.rows.first?.record.name == "市")
        #expect(p.issues.map(\.reason) == [.unknownColumn])
        let missing = try plan("code,name\nR,市\n")
        #expect(missing.issues.map(\.reason) == [.missingColumn, .missingColumn])
        #expect(missing.rows.isEmpty)
    }
}
