import Fluent
import Foundation
import SanbaoDomain
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct EnterpriseTests {
    @Test(arguments: TestDatabase.all) func enterprisesAreLinkedToTheMostSpecificCoveringUnits(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let (_, unitsA) = try await EnterpriseService(app: app, db: app.db, principal: .system("t")).detail(creditCode: Fixture.enterpriseA)
            #expect(unitsA.map(\.code).sorted() == ["340104001001", "IND-JX"])
            let (_, unitsB) = try await EnterpriseService(app: app, db: app.db, principal: .system("t")).detail(creditCode: Fixture.enterpriseB)
            #expect(unitsB.map(\.code) == ["340102001"])
            // The machinery union sees A (its sector) but not B; 蜀山区's admin sees A; 瑶海区's sees B.
            let jx = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "adminB"), ip: "t")!
            let seen = try await EnterpriseService(app: app, db: app.db, principal: jx).list(PageRequest(), filter: .init()).items.map(\.credit_code)
            #expect(seen == [Fixture.enterpriseB])
        }
    }

    @Test(arguments: TestDatabase.all) func aMessyFileGetsARowByRowReportAndReimportsChangeNothing(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let office = EnterpriseService(app: app, db: app.db, principal: .system("t"))
            let good = CreditCode.withCheck("91340104MA2N0CCC1")
            let badCheck = String(good.dropLast()) + (good.last == "1" ? "2" : "1")
            let messy = """
            统一社会信用代码,企业名称,行政区划代码,行业代码,企业规模,规模以上,职工人数,农民工人数,备注
            \(good.lowercased()),合肥新源电子有限公司,340104001,3985,小型,是,120,30,x
            \(badCheck),校验位错,340104001,3985,small,no,10,,
            91340104MA2N0CC,长度不对,340104001,3985,small,no,10,,
            340100000123456,旧注册号,340104001,3985,small,no,10,,
            \(CreditCode.withCheck("91340104MA2N0DDD1")),坏字段,3401x,99,huge,maybe,-3,5,
            \(CreditCode.withCheck("91340104MA2N0EEE1")),农民工多于职工,340104001,C39,micro,no,5,9,
            """
            let outcome = try await office.importCSV(Array(messy.utf8), mode: .validRows)
            #expect(outcome.summary.created == 1 && outcome.summary.rejected == 5)
            let byLine = Dictionary(grouping: outcome.issues, by: \.row).mapValues { Set($0.map(\.reason)) }
            #expect(byLine[1] == [.unknownColumn])
            #expect(byLine[3] == [.badCreditCode] && byLine[4] == [.badCreditCode] && byLine[5] == [.legacyCode])
            #expect(byLine[6] == [.badFormat, .badSector, .badChoice, .outOfRange])
            #expect(byLine[7] == [.outOfRange])
            let stored = try await Enterprise.query(on: app.db).filter(\.$creditCode == good).first()
            #expect(stored?.sizeClass == "small", "lower-case code normalised, Chinese size read")

            let export = try await office.exportCSV()
            #expect(export.contains("王经理 139****6666") && !export.contains("13955556666"))
            let again = try await office.importCSV(Array(export.utf8), mode: .validRows)
            #expect(again.summary.unchanged == 3 && again.summary.updated == 0 && again.issues.isEmpty)
            let contact = try await office.revealContact(creditCode: Fixture.enterpriseA)
            #expect(contact == "王经理 13955556666", "a masked export read back keeps the stored contact")
        }
    }

    @Test(arguments: TestDatabase.all) func aChangedRowUpdatesAndIsAudited(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let changed = Fixture.enterprisesCSV.replacingOccurrences(of: ",420,", with: ",450,")
            let outcome = try await EnterpriseService(app: app, db: app.db, principal: .system("t")).importCSV(Array(changed.utf8), mode: .validRows)
            #expect(outcome.summary.updated == 1 && outcome.summary.unchanged == 1)
            let event = try await AuditEvent.query(on: app.db).filter(\.$action == "enterprise.import_update").first()
            #expect(event?.summary.contains("450") == true && event?.summary.contains("13955556666") == false)
        }
    }

    @Test(arguments: TestDatabase.all) func pagesListFilterAndShowCoveringUnits(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("adminA")
            let list = try await page.send(.GET, "/enterprises?q=华源").body.string
            #expect(list.contains("合肥华源机械有限公司") && !list.contains("瑶海食品"))
            let detail = try await page.send(.GET, "/enterprises/\(Fixture.enterpriseA)").body.string
            #expect(detail.contains("光明社区工会") && detail.contains("市机械冶金工会") && detail.contains("139****6666"))
            let revealed = try await page.send(.POST, "/enterprises/\(Fixture.enterpriseA)/reveal-contact", form: [:])
            #expect(revealed.body.string.contains("13955556666"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "personal_data.reveal").count() == 1)
            var viewer = TestClient(app)
            try await viewer.signIn("viewerA")
            try await viewer.open("/enterprises/\(Fixture.enterpriseA)")
            #expect(try await viewer.send(.POST, "/enterprises/\(Fixture.enterpriseA)/reveal-contact", form: [:]).status == .forbidden)
        }
    }
}

@Suite struct DuplicateTests {
    @Test(arguments: TestDatabase.all) func nearIdenticalNamesAtOneAddressAreProposedAndDecidedByAPerson(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let a = CreditCode.withCheck("91340104MA2N0FFF1"), b = CreditCode.withCheck("92340104MA2N0GGG1")
            let c = CreditCode.withCheck("91340104MA2N0HHH1"), d = CreditCode.withCheck("92340104MA2N0JJJ1")
            let file = """
            credit_code,name,address,division_code,industry_code,size_class,employees
            \(a),合肥荣达机械有限公司,三里庵街道 长江西路１号,340104001,3411,small,50
            \(b),安徽荣达机械有限责任公司,三里庵街道长江西路1号,340104001,3411,small,50
            \(c),合肥景和餐饮有限公司,长江西路2号,340104001,H6210,micro,8
            \(d),景和餐饮（集团）有限公司,长江西路2号,340104001,H6210,micro,8
            """
            let office = EnterpriseService(app: app, db: app.db, principal: .system("t"))
            #expect(try await office.importCSV(Array(file.utf8), mode: .allOrNothing).issues.isEmpty)
            let pairs = Set(try await office.duplicateCandidates().map { [$0.first_code, $0.second_code] })
            #expect(pairs == [[a, b], [c, d]])
            let other = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "adminB"), ip: "t")!
            #expect(try await EnterpriseService(app: app, db: app.db, principal: other).duplicateCandidates().isEmpty)

            _ = try await WorkerService(app: app, db: app.db, principal: .system("t")).importCSV(Array("""
                name,id_number,enterprise_code
                周工,\(ResidentID.withCheck("34010419880808808")),\(b)
                """.utf8), mode: .allOrNothing)
            var page = TestClient(app)
            try await page.signIn("adminA")
            try await page.open("/enterprises/duplicates")
            #expect(try await page.send(.POST, "/enterprises/duplicates", form: ["keep": a, "other": b, "decision": "merged"]).status == .seeOther)
            #expect(try await page.send(.POST, "/enterprises/duplicates", form: ["keep": c, "other": d, "decision": "distinct"]).status == .seeOther)
            #expect(try await office.duplicateCandidates().isEmpty)
            let listed = try await office.list(PageRequest(page: 1, per: 200), filter: .init()).items.map(\.credit_code)
            #expect(listed.contains(a) && !listed.contains(b) && listed.contains(c) && listed.contains(d))
            let kept = try await Enterprise.query(on: app.db).filter(\.$creditCode == a).first()!
            #expect(kept.aliases.contains("安徽荣达机械有限责任公司"))
            #expect(try await Worker.query(on: app.db).filter(\.$name == "周工").first()?.$enterprise.id == kept.id)
            #expect(try await page.send(.GET, "/enterprises/\(b)").body.string.contains("merged-into"))
            let again = try await page.send(.POST, "/enterprises/duplicates", form: ["keep": a, "other": b, "decision": "merged"])
            #expect(again.status == .conflict)
        }
    }
}
