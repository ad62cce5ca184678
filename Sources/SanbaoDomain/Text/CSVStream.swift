/// A CSV file read piece by piece in whatever encoding it came in, so that a million-row
/// list never has to be in memory at once. Pieces are cut after a newline byte: 0x0A is never
/// part of a multi-byte character in UTF-8 or GB18030, so each piece decodes on its own,
/// and the parser carries quoted fields across pieces.
public struct CSVStream: Sendable {
    public private(set) var encoding: SourceEncoding?
    private var parser: CSVParser
    private var carry: [UInt8] = []
    private var started = false
    /// While every byte so far was ASCII, a later non-UTF-8 byte can still mean GB18030.
    private var asciiSoFar = true
    /// A line longer than this cannot hold fields within the length limit: stop reading it.
    private let maxLineBytes: Int

    public init(maxFieldLength: Int = 4_096) {
        parser = CSVParser(maxFieldLength: maxFieldLength)
        maxLineBytes = max(1 << 20, maxFieldLength * 4 * 64)
    }

    /// Feeds the next bytes of the file; returns the records they complete.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [CSVRecord] {
        carry.append(contentsOf: bytes)
        guard let lastNewline = carry.lastIndex(of: 0x0A) else {
            if carry.count > maxLineBytes { throw CSVSyntaxError(line: parser.currentLine, reason: "field_too_long") }
            return []
        }
        let piece = Array(carry[...lastNewline])
        carry.removeSubrange(...lastNewline)
        return try parse(piece[...], final: false)
    }

    /// The end of the file: the last record may have no newline.
    public mutating func finish() throws -> [CSVRecord] {
        let rest = carry
        carry = []
        return try parse(rest[...], final: true)
    }

    private mutating func parse(_ piece: ArraySlice<UInt8>, final: Bool) throws -> [CSVRecord] {
        var body = piece
        if !started {
            started = true
            if body.starts(with: [0xEF, 0xBB, 0xBF]) {
                encoding = .utf8BOM
                body = body.dropFirst(3)
            }
        }
        let validUTF8 = encoding == .gb18030 ? false : String(validating: body, as: UTF8.self) != nil
        if validUTF8 {
            if encoding == nil { encoding = .utf8 }
        } else if encoding != .utf8BOM && (encoding == nil || encoding == .gb18030 || asciiSoFar), let text = GB18030.decode(Array(body)) {
            encoding = .gb18030
            asciiSoFar = false
            return try parser.feed(text[...], final: final)
        } else {
            throw UndecodableText(line: parser.currentLine - 1 + TextDecoding.firstInvalidUTF8Line(Array(body)))
        }
        if asciiSoFar { asciiSoFar = body.allSatisfy { $0 < 0x80 } }
        return try parser.feed(bytes: body, final: final)
    }
}

extension String {
    /// Without surrounding white space (the Unicode White_Space property: spaces of every
    /// width, tabs, newlines). Cheap when there is none, which is nearly always.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !first.isSpace && !last.isSpace { return self }
        guard let start = scalars.firstIndex(where: { !$0.isSpace }),
              let end = scalars.lastIndex(where: { !$0.isSpace }) else { return "" }
        return String(scalars[start...end])
    }
}

extension Unicode.Scalar {
    /// White space, answered for ASCII without a look-up in Unicode's property tables.
    var isSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace
    }
}
