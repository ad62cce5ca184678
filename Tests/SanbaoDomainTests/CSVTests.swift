import Testing
@testable import SanbaoDomain

@Suite struct CSVTests {
    @Test func quotedFieldsCRLFAndEmbeddedNewlines() throws {
        let text = "a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n"
        let records = try CSVParser.records(in: text)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "he said \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func chunksSplitAnywhereGiveTheSameRecords() throws {
        let text = "code,name\n\"A1\",\"名称,一\"\r\nB2,名称二"
        let whole = try CSVParser.records(in: text)
        for cut in text.indices {
            var parser = CSVParser()
            let parts = try parser.feed(text[..<cut]) + parser.feed(text[cut...], final: true)
            #expect(parts == whole)
        }
    }

    @Test func syntaxErrorsSayWhere() {
        #expect(throws: CSVSyntaxError(line: 2, reason: "quote_inside_unquoted_field")) { try CSVParser.records(in: "a\nb\"c\n") }
        #expect(throws: CSVSyntaxError(line: 2, reason: "unclosed_quote")) { try CSVParser.records(in: "a\n\"open\n") }
        #expect(throws: CSVSyntaxError(line: 1, reason: "field_too_long")) {
            try CSVParser.records(in: String(repeating: "x", count: 30), maxFieldLength: 20)
        }
    }

    @Test func blankRecordsAreRecognised() throws {
        let records = try CSVParser.records(in: "a,b\n,\n\nc,d\n")
        #expect(records.filter { !$0.isBlank }.count == 2)
    }

    @Test func writerQuotesAndDefusesFormulas() {
        #expect(CSVWriter.line(["a,b", "say \"x\"", "=SUM(A1)", "plain"]) == "\"a,b\",\"say \"\"x\"\"\",'=SUM(A1),plain\r\n")
    }

    @Test func decodesUTF8WithAndWithoutBOMAndGB18030() throws {
        let utf8 = Array("名称\n".utf8)
        #expect(try CSVStreamTests.read(utf8, piece: 64).encoding == .utf8)
        #expect(try CSVStreamTests.read([0xEF, 0xBB, 0xBF] + utf8, piece: 64).encoding == .utf8BOM)
        // "名称" in GB18030.
        let gb = try CSVStreamTests.read([0xC3, 0xFB, 0xB3, 0xC6, 0x0A], piece: 64)
        #expect(gb.encoding == .gb18030 && gb.records.first?.fields == ["名称"])
        #expect(throws: UndecodableText(line: 2)) { try CSVStreamTests.read(Array("ok\n".utf8) + [0xFF, 0xFF, 0xFF], piece: 64) }
    }
}

@Suite struct CSVStreamTests {
    static func read(_ bytes: [UInt8], piece: Int) throws -> (records: [CSVRecord], encoding: SourceEncoding?) {
        var stream = CSVStream()
        var out: [CSVRecord] = []
        for start in stride(from: 0, to: bytes.count, by: piece) {
            out += try stream.feed(bytes[start..<min(start + piece, bytes.count)])
        }
        out += try stream.finish()
        return (out, stream.encoding)
    }

    @Test func piecesOfAnySizeGiveTheWholeFilesRecords() throws {
        let text = "code,name,note\r\nA1,\"名称,一\",\"两\n行\"\nB2,名称二,\"引\"\"号\"\nC3,最后一行,无换行"
        let whole = try CSVParser.records(in: text)
        for piece in [1, 2, 3, 5, 7, 16, 1000] {
            let (records, encoding) = try Self.read(Array(text.utf8), piece: piece)
            #expect(records == whole && encoding == .utf8, "piece size \(piece)")
        }
        let bom = try Self.read([0xEF, 0xBB, 0xBF] + Array(text.utf8), piece: 4)
        #expect(bom.records == whole && bom.encoding == .utf8BOM)
    }

    @Test func anASCIIStartThenGB18030ReadsAsGB18030() throws {
        // "code,name\n" + many ASCII lines, then "名称" in GB18030 well after the first piece.
        var bytes = Array("code,name\n".utf8)
        for i in 0..<50 { bytes += Array("X\(i),plain\n".utf8) }
        bytes += Array("Y,".utf8) + [0xC3, 0xFB, 0xB3, 0xC6] + [0x0A]
        let (records, encoding) = try Self.read(bytes, piece: 64)
        #expect(encoding == .gb18030 && records.last?.fields == ["Y", "名称"] && records.count == 52)
    }

    @Test func anUndecodableLineLateInTheFileIsNamed() throws {
        var bytes = Array("code,name\n".utf8)
        for i in 0..<30 { bytes += Array("名\(i),称\n".utf8) }
        bytes += [0xFF, 0xFE, 0x0A]
        #expect(throws: UndecodableText(line: 32)) { try Self.read(bytes, piece: 40) }
    }
}

@Suite struct EnterpriseImportPlanTests {
    static let header = CSVRecord(line: 1, fields: ["credit_code", "name", "division_code", "industry_code", "size_class", "above_scale", "employees"])
    static func row(_ line: Int, _ code: String, employees: Int) -> CSVRecord {
        CSVRecord(line: line, fields: [code, "合肥测试有限公司", "340104001", "C3411", "small", "no", "\(employees)"])
    }

    @Test func aCodeRepeatedInALaterBatchIsCountedOnce() {
        let a = CreditCode.withCheck("91340104MA2N0AAA1"), b = CreditCode.withCheck("91340104MA2N0BBB1")
        var plan = EnterpriseImportPlan()
        var stored: [String: EnterpriseRecord] = [:]
        func batch(_ records: [CSVRecord]) -> [EnterpriseImportPlan.Row] {
            let rows = plan.decide(plan.read(records), existing: { stored[$0] })
            for row in rows { stored[row.record.creditCode] = row.record }    // what the app writes
            return rows
        }
        #expect(batch([Self.header, Self.row(2, a, employees: 5), Self.row(3, a, employees: 6)]).map(\.line) == [3])
        #expect(batch([Self.row(4, b, employees: 7), Self.row(5, a, employees: 8)]).map(\.action) == [.create, .update])
        plan.finish()
        #expect(plan.summary.created == 2 && plan.summary.updated == 0 && plan.merged == 2 && stored[a]?.employees == 8)

        // Stored already: first unchanged, then changed later in the file, is one update.
        var again = EnterpriseImportPlan()
        _ = again.decide(again.read([Self.header, Self.row(2, a, employees: 8)]), existing: { stored[$0] })
        _ = again.decide(again.read([Self.row(3, a, employees: 9)]), existing: { stored[$0] })
        #expect(again.summary.unchanged == 0 && again.summary.updated == 1)
    }

    @Test func anEmptyFileOrAMissingColumnIsUnreadable() {
        var empty = EnterpriseImportPlan()
        empty.finish()
        #expect(empty.isUnreadable)
        var missing = EnterpriseImportPlan()
        #expect(missing.read([CSVRecord(line: 1, fields: ["name"]), Self.row(2, "x", employees: 1)]).isEmpty && missing.isUnreadable)
    }
}
