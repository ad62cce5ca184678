/// Which encoding an uploaded file turned out to be in. Lists from districts arrive as UTF-8
/// from newer tools and as GB18030 from older Excel exports; we say which we read.
public enum SourceEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 (BOM)"
    case gb18030 = "GB18030"
}

public struct UndecodableText: Error, Sendable, Equatable {
    /// 1-based line of the first byte sequence that is neither UTF-8 nor GB18030.
    public var line: Int
}

enum TextDecoding {
    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
            line += 1
            start = i + 1
        }
        return line
    }
}
