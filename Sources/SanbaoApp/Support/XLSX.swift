import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SanbaoDomain
import ZIPFoundation

/// Excel workbooks (Office Open XML), read into the same records a CSV file gives, and written
/// from rows of text. Only the first sheet is read; every cell is written as text so that codes
/// keep their leading zeros and long digit strings are not turned into numbers.
enum XLSX {
    /// "PK\u{3}\u{4}": a zip archive, whatever the file's name says.
    static func looksLikeZip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    struct Problem: Error, Equatable {
        var detail: String
        var line = 0
    }

    /// What a workbook may inflate to, all parts together: at most `maxExpansion` times the
    /// upload and never more than `maxInflated`. The sizes an archive declares are the sender's
    /// word (a zip bomb declares 1,000 bytes and inflates to gigabytes), so the bytes are counted
    /// as they come out and the reading stops at the limit. Real sheets compress 5–20 times.
    static let maxExpansion = 100
    static let maxInflated = 256 * 1024 * 1024

    /// The inflated bytes a workbook still may produce.
    final class Budget {
        private(set) var left: Int
        init(archiveSize: Int) { left = min(maxInflated, max(archiveSize, 64 * 1024) * maxExpansion) }
        func take(_ count: Int, _ path: String) throws {
            left -= count
            if left < 0 { throw Problem(detail: "\(path) expands beyond what a workbook of this size can hold (a damaged or hostile file)") }
        }
    }

    static func records(_ bytes: [UInt8], maxFieldLength: Int) throws -> [CSVRecord] {
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch { throw Problem(detail: "not a readable zip archive") }
        let budget = Budget(archiveSize: bytes.count)
        let sheetPath = try firstSheetPath(archive, budget)
        let shared = try archive["xl/sharedStrings.xml"].map { try SharedStrings.parse(try read($0, from: archive, budget)) } ?? []
        guard let sheetEntry = archive[sheetPath] else { throw Problem(detail: "the workbook names \(sheetPath) but it is missing") }
        let sheet = SheetReader(shared: shared, maxFieldLength: maxFieldLength)
        // The sheet, the one part that grows with the rows, is inflated to a temporary file and
        // parsed from there as a stream, so its XML is never held in memory whole.
        let file = NSTemporaryDirectory() + "sanbao-sheet-" + UUID().uuidString + ".xml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try inflate(sheetEntry, from: archive, to: file, budget)
        guard let stream = InputStream(fileAtPath: file) else { throw Problem(detail: "\(sheetPath) could not be read") }
        let parser = XMLParser(stream: stream)
        parser.delegate = sheet
        guard parser.parse() else { throw sheet.problem ?? Problem(detail: "the sheet is not well-formed XML") }
        if let problem = sheet.problem { throw problem }
        if let merged = sheet.merged.first(where: { $0.hasPrefix("A1:") || $0.range(of: #"^[A-Z]+1:"#, options: .regularExpression) != nil }) {
            throw Problem(detail: "merged header cells \(merged)", line: 1)
        }
        let width = sheet.rows.first?.fields.count ?? 0
        return sheet.rows.map { row in
            var fields = row.fields
            while fields.count > width, fields.last == "" { fields.removeLast() }
            while fields.count < width { fields.append("") }
            return CSVRecord(line: row.line, fields: fields)
        }
    }

    /// A parser fed as a stream: on Linux, XMLParser(data:) fails at the end of documents
    /// over about 10 MB (a 10,000-row sheet), while the streamed form reads them whole.
    static func xmlParser(_ data: Data) -> XMLParser {
        XMLParser(stream: InputStream(data: data))
    }

    /// A small part (the workbook, its relationships, the shared strings), counted against the budget.
    private static func read(_ entry: Entry, from archive: Archive, _ budget: Budget) throws -> Data {
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            try budget.take(chunk.count, entry.path)
            data.append(chunk)
        }
        return data
    }

    private static func inflate(_ entry: Entry, from archive: Archive, to path: String, _ budget: Budget) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw Problem(detail: "no room to read \(entry.path)")
        }
        defer { try? out.close() }
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            try budget.take(chunk.count, entry.path)
            try out.write(contentsOf: chunk)
        }
    }

    private static func firstSheetPath(_ archive: Archive, _ budget: Budget) throws -> String {
        guard let workbook = archive["xl/workbook.xml"] else { throw Problem(detail: "no xl/workbook.xml: not an Excel workbook") }
        let names = AttributeCollector(element: "sheet", attribute: "r:id")
        let p = xmlParser(try read(workbook, from: archive, budget))
        p.delegate = names
        _ = p.parse()
        if let id = names.values.first, let rels = archive["xl/_rels/workbook.xml.rels"] {
            let targets = RelationshipCollector()
            let r = xmlParser(try read(rels, from: archive, budget))
            r.delegate = targets
            _ = r.parse()
            if let target = targets.targets[id] {
                return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        return "xl/worksheets/sheet1.xml"
    }

    // MARK: Writing

    /// A cell to write: text, or a number a spreadsheet can sum.
    enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
    }

    static func render(_ rows: [[String]]) throws -> Data {
        try render(cells: rows.map { $0.map(Cell.text) })
    }

    static func render(cells rows: [[Cell]]) throws -> Data {
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in rows.enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                switch cell {
                case .text(let value) where !value.isEmpty:
                    sheet += "<c r=\"\(column(c))\(r + 1)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Markup.escape(value))</t></is></c>"
                case .number(let n) where n.isFinite:
                    let text = n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
                    sheet += "<c r=\"\(column(c))\(r + 1)\"><v>\(text)</v></c>"
                default: break
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#),
            ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="\#(main)" xmlns:r="\#(rel)"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(rel)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\#(rel)/styles" Target="styles.xml"/></Relationships>"#),
            ("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="\#(main)"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }

    /// 0 → "A", 25 → "Z", 26 → "AA".
    static func column(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    static func columnIndex(_ reference: String) -> Int {
        var n = 0
        for ch in reference.unicodeScalars {
            guard ("A"..."Z").contains(ch) else { break }
            n = n * 26 + Int(ch.value - 64)
        }
        return n - 1
    }
}

/// Reads `<row>`/`<c>` elements: shared, inline and formula strings, numbers, booleans.
private final class SheetReader: NSObject, XMLParserDelegate {
    let shared: [String]
    let maxFieldLength: Int
    var rows: [(line: Int, fields: [String])] = []
    var merged: [String] = []
    var problem: XLSX.Problem?

    private var rowNumber = 0
    private var fields: [String] = []
    private var cellType = ""
    private var cellColumn = 0
    private var text = ""
    private var inValue = false
    private var value = ""

    init(shared: [String], maxFieldLength: Int) {
        self.shared = shared
        self.maxFieldLength = maxFieldLength
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "row":
            rowNumber = Int(attributes["r"] ?? "") ?? rowNumber + 1
            fields = []
        case "c":
            cellType = attributes["t"] ?? "n"
            cellColumn = attributes["r"].map(XLSX.columnIndex) ?? fields.count
            value = ""
        case "v", "t":
            inValue = true
            text = ""
        case "mergeCell":
            if let ref = attributes["ref"] { merged.append(ref) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t":
            inValue = false
            value += text
        case "c":
            var cell = value
            if cellType == "s" {
                guard let i = Int(value), shared.indices.contains(i) else {
                    problem = XLSX.Problem(detail: "cell refers to a missing shared string", line: rowNumber)
                    parser.abortParsing()
                    return
                }
                cell = shared[i]
            }
            if cell.count > maxFieldLength {
                problem = XLSX.Problem(detail: "field_too_long", line: rowNumber)
                parser.abortParsing()
                return
            }
            while fields.count < cellColumn { fields.append("") }
            if fields.count == cellColumn { fields.append(cell.trimmingCharacters(in: .whitespaces)) }
        case "row":
            rows.append((rowNumber, fields))
        default: break
        }
    }
}

private enum SharedStrings {
    static func parse(_ data: Data) throws -> [String] {
        let collector = Collector()
        let parser = XLSX.xmlParser(data)
        parser.delegate = collector
        guard parser.parse() else { throw XLSX.Problem(detail: "xl/sharedStrings.xml is not well-formed") }
        return collector.strings
    }

    /// One `<si>` per string; rich text splits it into several `<t>` runs.
    final class Collector: NSObject, XMLParserDelegate {
        var strings: [String] = []
        private var current = ""
        private var inText = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "si" { current = "" }
            if name == "t" { inText = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { current += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "t" { inText = false }
            if name == "si" { strings.append(current) }
        }
    }
}

private final class AttributeCollector: NSObject, XMLParserDelegate {
    let element, attribute: String
    var values: [String] = []

    init(element: String, attribute: String) {
        self.element = element
        self.attribute = attribute
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == element, let v = attributes[attribute] { values.append(v) }
    }
}

private final class RelationshipCollector: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}
