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
        let utf8 = Array("名称".utf8)
        #expect(try TextDecoding.decode(utf8) == ("名称", .utf8))
        #expect(try TextDecoding.decode([0xEF, 0xBB, 0xBF] + utf8) == ("名称", .utf8BOM))
        // "名称" in GB18030.
        #expect(try TextDecoding.decode([0xC3, 0xFB, 0xB3, 0xC6]) == ("名称", .gb18030))
        #expect(throws: UndecodableText(line: 2)) { try TextDecoding.decode(Array("ok\n".utf8) + [0xFF, 0xFF, 0xFF]) }
    }
}
