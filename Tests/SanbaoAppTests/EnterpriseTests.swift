import Fluent
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

/// Large files are read in pieces and written in batches inside one transaction; these use
/// tiny pieces and batches so that a small file crosses every boundary.
@Suite struct StreamingImportTests {
    static func code(_ n: Int) -> String { CreditCode.withCheck("91340104MA2T" + String(format: "%05d", n)) }

    static func file(_ lines: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "sanbao-stream-\(UUID().uuidString).csv"
        try ("credit_code,name,division_code,industry_code,size_class,above_scale,employees\n" + lines.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func count(_ app: Application) async throws -> Int { try await Enterprise.query(on: app.db).count() }

    /// Text as an old Excel saves it (Foundation on Linux cannot encode GB18030; iconv can).
    static func gb18030(_ text: String) -> [UInt8]? {
        guard let cd = iconv_open("GB18030", "UTF-8"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 4)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = inBuf.baseAddress, inLeft = inBuf.count
                var outPtr = outBuf.baseAddress, outLeft = outBuf.count
                guard iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1 else { return nil }
                return outBuf.count - outLeft
            }
        }
        return written.map { output[..<$0].map { UInt8(bitPattern: $0) } }
    }

    @Test(arguments: TestDatabase.all) func batchesMergeRepeatedCodesAndReportEveryBadRow(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let before = try await Self.count(app)
            let path = try Self.file([
                "\(Self.code(1)),一号有限公司,340104001,C3411,small,no,10",
                "\(Self.code(2)),二号有限公司,340104001,C3411,small,no,20",
                "\(Self.code(3)),三号有限公司,340102001,F5191,micro,no,3",
                "\(Self.code(4)),坏行,340104001,C3411,huge,no,5",
                "\(Self.code(1)),一号有限公司,340104001,C3411,small,no,11",   // line 6: the same code again, two batches later
                "\(Self.code(5)),五号有限公司,340104001,C3411,small,no,50",
            ])
            defer { try? FileManager.default.removeItem(atPath: path) }
            let office = EnterpriseService(app: app, db: app.db, principal: .system("t"))
            let outcome = try await office.importFile(.file(path), mode: .validRows, batchSize: 2, pieceSize: 64)
            #expect(outcome.summary.created == 4 && outcome.summary.updated == 0 && outcome.summary.rejected == 1)
            #expect(outcome.issues.map(\.row) == [5])
            #expect(try await Self.count(app) == before + 4)
            let one = try await Enterprise.query(on: app.db).filter(\.$creditCode == Self.code(1)).first()
            #expect(one?.employees == 11, "the later row wins")
            let links = try await EnterpriseUnit.query(on: app.db).filter(\.$enterprise.$id == one!.id!).count()
            #expect(links == 2, "its covering units once each, not twice")

            let again = try await office.importFile(.file(path), mode: .validRows, batchSize: 100)
            #expect(again.summary.created == 0 && again.summary.unchanged == 4 && again.summary.rejected == 1)
        }
    }

    @Test(arguments: TestDatabase.all) func aFailureLateInTheFileLeavesNothingBehind(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let before = try await Self.count(app)
            let rows = (10..<30).map { "\(Self.code($0)),企业\($0)有限公司,340104001,C3411,small,no,\($0)" }
            let office = EnterpriseService(app: app, db: app.db, principal: .system("t"))

            // A refused row at the end with all-or-nothing: the batches written before it go too.
            let strict = try Self.file(rows + ["\(Self.code(99)),坏行,340104001,C3411,small,maybe,1"])
            defer { try? FileManager.default.removeItem(atPath: strict) }
            let refused = try await office.importFile(.file(strict), mode: .allOrNothing, batchSize: 3, pieceSize: 100)
            #expect(refused.summary.rolledBack && refused.summary.created == 0 && refused.issues.map(\.row) == [22])
            #expect(try await Self.count(app) == before)

            // Broken CSV near the end: the whole file is unreadable, whatever was written goes.
            let broken = try Self.file(rows + ["\(Self.code(98)),坏\"引号,340104001,C3411,small,no,1"])
            defer { try? FileManager.default.removeItem(atPath: broken) }
            let unreadable = try await office.importFile(.file(broken), mode: .validRows, batchSize: 3, pieceSize: 100)
            #expect(unreadable.issues.map(\.row) == [22] && unreadable.issues.first?.reason == .syntax)
            #expect(unreadable.summary.created == 0)
            #expect(try await Self.count(app) == before)
        }
    }

    @Test(arguments: TestDatabase.all) func gb18030FilesReadInPieces(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let text = "统一社会信用代码,企业名称,行政区划代码,行业代码,企业规模,规模以上,职工人数\n"
                + (40..<46).map { "\(Self.code($0)),合肥第\($0)号电子有限公司,340104001,C3985,小型,否,\($0)" }.joined(separator: "\n")
            let path = NSTemporaryDirectory() + "sanbao-gb-\(UUID().uuidString).csv"
            try Data(try #require(Self.gb18030(text))).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let outcome = try await EnterpriseService(app: app, db: app.db, principal: .system("t"))
                .importFile(.file(path), mode: .validRows, batchSize: 4, pieceSize: 50)
            #expect(outcome.summary.encoding == "GB18030" && outcome.summary.created == 6 && outcome.issues.isEmpty)
        }
    }
}
