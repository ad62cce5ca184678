import Foundation
import SanbaoDomain
import Testing
import ZIPFoundation
@testable import SanbaoApp

@Suite struct XLSXTests {
    @Test func whatWeWriteWeReadBackCellForCell() throws {
        let rows = [["code", "name", "note"], ["0340", "合肥 & <华源>", ""], ["X1", "line\nbreak", "\u{1}ctl"]]
        let data = try XLSX.render(rows)
        let records = try XLSX.records(Array(data), maxFieldLength: 100)
        #expect(records.map(\.fields) == [["code", "name", "note"], ["0340", "合肥 & <华源>", ""], ["X1", "line\nbreak", "ctl"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    /// A workbook as Excel writes it: shared strings, a number, a formula with its cached value,
    /// rich text, a skipped cell.
    static func excelLike(merged: Bool = false) throws -> [UInt8] {
        let sheet = """
        <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
        <row r="3"><c r="A3" t="s"><v>3</v></c><c r="C3"><f>1+1</f><v>2</v></c></row>
        </sheetData>\(merged ? #"<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>"# : "")</worksheet>
        """
        let shared = """
        <?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
        <si><t>code</t></si><si><t>name</t></si><si><t>count</t></si><si><r><t>合肥</t></r><r><t>华源</t></r></si></sst>
        """
        let workbook = #"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId7"/></sheets></workbook>"#
        let rels = #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="x" Target="worksheets/list.xml"/></Relationships>"#
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in [("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels), ("xl/sharedStrings.xml", shared),
                             ("xl/worksheets/list.xml", sheet)] {
            let d = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { p, n in
                d.subdata(in: Int(p)..<Int(p) + n)
            }
        }
        return Array(archive.data!)
    }

    @Test func excelsOwnShapesAreRead() throws {
        let records = try XLSX.records(try Self.excelLike(), maxFieldLength: 100)
        #expect(records.map(\.fields) == [["code", "name", "count"], ["合肥华源", "", "2"]])
        #expect(records.map(\.line) == [1, 3])
    }

    @Test func mergedHeaderCellsAndNonWorkbooksAreRefusedClearly() throws {
        #expect(throws: XLSX.Problem(detail: "merged header cells A1:B1", line: 1)) {
            try XLSX.records(try Self.excelLike(merged: true), maxFieldLength: 100)
        }
        let notExcel = try Archive(data: Data(), accessMode: .create)
        let hi = Data("hi".utf8)
        try notExcel.addEntry(with: "readme.txt", type: .file, uncompressedSize: Int64(hi.count), compressionMethod: .deflate) { p, n in
            hi.subdata(in: Int(p)..<Int(p) + n)
        }
        let (_, encoding, issue) = ImportFile.records(Array(notExcel.data!))
        #expect(encoding == "XLSX" && issue?.reason == .badSpreadsheet)
        let (_, _, truncated) = ImportFile.records([0x50, 0x4B, 0x03, 0x04, 0, 0])
        #expect(truncated?.reason == .badSpreadsheet)
    }

    @Test(arguments: TestDatabase.all) func anExcelExportOfEnterprisesReimportsUnchanged(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("office")
            let res = try await page.send(.GET, "/export/enterprises.xlsx")
            #expect(res.headers.contentType?.description.contains("spreadsheetml") == true)
            let bytes = Array(res.body.readableBytesView)
            #expect(XLSX.looksLikeZip(bytes))
            let again = try await EnterpriseService(app: app, db: app.db, principal: .system("t")).importCSV(bytes, mode: .validRows)
            #expect(again.summary.encoding == "XLSX" && again.summary.unchanged == 2 && again.issues.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all) func aStreamedCSVExportOfEnterprisesReimportsUnchanged(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var page = TestClient(app)
            try await page.signIn("office")
            let res = try await page.send(.GET, "/export/enterprises.csv")
            #expect(res.status == .ok && res.headers.contentType?.description.contains("text/csv") == true)
            let bytes = Array(res.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && res.body.string.contains("合肥华源机械有限公司"))
            #expect(!res.body.string.contains("13955556666"), "contacts masked")
            let again = try await EnterpriseService(app: app, db: app.db, principal: .system("t")).importCSV(bytes, mode: .validRows)
            #expect(again.summary.encoding == "UTF-8 (BOM)" && again.summary.unchanged == 2 && again.issues.isEmpty)
            // Clear values need the right to see them, and are refused before anything is sent.
            var viewer = TestClient(app)
            try await viewer.signIn("viewerA")
            #expect(try await viewer.send(.GET, "/export/enterprises.csv?clear=1").status == .forbidden)
        }
    }
}
