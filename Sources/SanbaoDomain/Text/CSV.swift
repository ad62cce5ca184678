/// RFC 4180 CSV, read incrementally so a caller can feed a file chunk by chunk and keep
/// memory bounded. Records remember the line they started on, because every import error
/// must say where it is.
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// A record that is only separators or nothing at all: spreadsheets leave these behind.
    public var isBlank: Bool { fields.allSatisfy { $0.trimmed.isEmpty } }
}

public struct CSVSyntaxError: Error, Sendable, Equatable {
    public var line: Int
    public var reason: String
}

public struct CSVParser: Sendable {
    private var field: [UInt8] = []
    private var fieldScalars = 0
    private var fields: [String] = []
    private var inQuotes = false
    private var quoteJustClosed = false
    private var pendingCR = false
    private var line = 1
    private var recordLine = 1
    private var fieldStarted = false
    public let maxFieldLength: Int

    public init(maxFieldLength: Int = 4_096) {
        self.maxFieldLength = maxFieldLength
    }

    /// Lines begun so far: where a caller that reads the bytes itself is in the file.
    public var currentLine: Int { line }

    /// Feeds the next chunk; returns the records completed by it. Pass `final: true` with the
    /// last chunk (which may be empty) to flush a record that has no trailing newline.
    public mutating func feed(_ chunk: Substring, final: Bool = false) throws -> [CSVRecord] {
        var text = chunk
        return try text.withUTF8 { try feed(bytes: $0, final: final) }
    }

    /// The same over UTF-8 bytes, which is how files arrive: every byte that matters to CSV is
    /// ASCII, and no byte of a multi-byte UTF-8 sequence is, so the bytes are scanned as they
    /// are and only whole fields become strings.
    public mutating func feed(bytes: some Collection<UInt8>, final: Bool = false) throws -> [CSVRecord] {
        var out: [CSVRecord] = []
        for b in bytes {
            if pendingCR {
                pendingCR = false
                if b == 0x0A { continue }
            }
            if inQuotes {
                if b == 0x22 {
                    inQuotes = false
                    quoteJustClosed = true
                } else if b == 0x0A || b == 0x0D {
                    line += 1
                    if b == 0x0D { pendingCR = true }
                    try append(0x0A)
                } else {
                    try append(b)
                }
                continue
            }
            switch b {
            case 0x22:
                if quoteJustClosed {
                    // A doubled quote inside a quoted field is a literal quote.
                    quoteJustClosed = false
                    inQuotes = true
                    try append(0x22)
                } else if !fieldStarted {
                    inQuotes = true
                    fieldStarted = true
                } else {
                    throw CSVSyntaxError(line: line, reason: "quote_inside_unquoted_field")
                }
            case 0x2C:
                endField()
            case 0x0A, 0x0D:
                endField()
                out.append(CSVRecord(line: recordLine, fields: fields))
                fields = []
                fields.reserveCapacity(out.last!.fields.count)
                line += 1
                recordLine = line
                if b == 0x0D { pendingCR = true }
            default:
                if quoteJustClosed {
                    throw CSVSyntaxError(line: line, reason: "text_after_closing_quote")
                }
                fieldStarted = true
                try append(b)
            }
        }
        if final {
            if inQuotes { throw CSVSyntaxError(line: recordLine, reason: "unclosed_quote") }
            if fieldStarted || !fields.isEmpty || quoteJustClosed {
                endField()
                out.append(CSVRecord(line: recordLine, fields: fields))
                fields = []
            }
        }
        return out
    }

    @inline(__always)
    private mutating func append(_ b: UInt8) throws {
        field.append(b)
        // Lengths count characters (scalars), not bytes: a continuation byte starts none.
        if b & 0xC0 != 0x80 {
            fieldScalars += 1
            if fieldScalars > maxFieldLength { throw CSVSyntaxError(line: recordLine, reason: "field_too_long") }
        }
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        fieldScalars = 0
        fieldStarted = false
        quoteJustClosed = false
    }

    /// Parses a whole text at once.
    public static func records(in text: String, maxFieldLength: Int = 4_096) throws -> [CSVRecord] {
        var parser = CSVParser(maxFieldLength: maxFieldLength)
        return try parser.feed(text[...], final: true)
    }
}

public enum CSVWriter {
    /// One line, quoted where the field needs it, with CRLF as RFC 4180 asks.
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public static func document(_ rows: [[String]]) -> String {
        rows.map(line).joined()
    }

    public static func escape(_ field: String) -> String {
        // A leading =, +, -, @, TAB or CR makes spreadsheets run the cell as a formula
        // ("-2+3+cmd|' /C calc'!A0"); a quote prefix keeps exported data inert (OWASP "CSV
        // injection"). A plain negative number stays a number.
        var value = field
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(value) {
            value = "'" + value
        }
        let needsQuotes = value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// "-12", "-0.5": a sign, digits and at most one point, nothing a spreadsheet could run.
    static func isPlainNumber(_ s: String) -> Bool {
        var digits = 0, points = 0
        for (i, c) in s.unicodeScalars.enumerated() {
            switch c {
            case "-" where i == 0: continue
            case "0"..."9": digits += 1
            case ".": points += 1
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }
}
