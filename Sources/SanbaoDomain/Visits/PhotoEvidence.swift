/// A photo taken on a visit, made safe to serve: JPEG or PNG only (by content, not by name),
/// the location and time the camera wrote kept as evidence, and every metadata block removed
/// from the bytes that are stored and served — a photo of a workshop should not tell the
/// world where a worker lives.
public struct PhotoEvidence: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case jpeg = "image/jpeg"
        case png = "image/png"
    }

    public enum Problem: Error, Sendable, Equatable {
        case notAnImage
        case tooLarge(limit: Int)
        case damaged
    }

    public var kind: Kind
    /// The image without its metadata.
    public var bytes: [UInt8]
    public var latitude, longitude: Double?
    /// As the camera wrote it: "2026:11:20 09:41:07".
    public var takenAt: String?

    public static let maxBytes = 8 * 1024 * 1024

    public init(_ data: [UInt8]) throws(Problem) {
        guard data.count <= Self.maxBytes else { throw .tooLarge(limit: Self.maxBytes) }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            kind = .jpeg
            (bytes, latitude, longitude, takenAt) = try Self.jpeg(data)
        } else if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            kind = .png
            bytes = try Self.png(data)
        } else {
            throw .notAnImage
        }
    }

    /// JPEG: keeps SOI, the JFIF header, tables and the image up to its end (EOI); drops
    /// APP1–APP15 (EXIF, XMP, ICC, maker notes), comments, and whatever follows the end — some
    /// phones append a trailer there, GPS EXIF included — reading the GPS position and time
    /// from EXIF first. A progressive image has several scans, each after its own tables.
    static func jpeg(_ d: [UInt8]) throws(Problem) -> ([UInt8], Double?, Double?, String?) {
        var out: [UInt8] = [0xFF, 0xD8]
        var i = 2
        var lat: Double?, lon: Double?, taken: String?
        while i + 2 <= d.count {
            guard d[i] == 0xFF else { throw .damaged }
            let marker = d[i + 1]
            if marker == 0xFF { i += 1; continue }   // fill byte before a marker
            if marker == 0xD9 {                      // end of image: nothing after it is kept
                out += [0xFF, 0xD9]
                return (out, lat, lon, taken)
            }
            guard i + 4 <= d.count else { throw .damaged }
            let length = Int(d[i + 2]) << 8 | Int(d[i + 3])
            guard length >= 2, i + 2 + length <= d.count else { throw .damaged }
            let segment = d[(i + 4)..<(i + 2 + length)]
            if marker == 0xE1, segment.starts(with: Array("Exif\0\0".utf8)) {
                (lat, lon, taken) = Exif.read(Array(segment.dropFirst(6)))
            }
            let metadata = (0xE1...0xEF).contains(marker) || marker == 0xFE
            if !metadata { out += d[i..<(i + 2 + length)] }
            i += 2 + length
            if marker == 0xDA {                      // start of scan: entropy-coded data up to the next marker
                let start = i
                while i + 1 < d.count {
                    if d[i] == 0xFF, d[i + 1] != 0x00, !(0xD0...0xD7).contains(d[i + 1]) { break }
                    i += 1
                }
                if i + 1 >= d.count {                // cut short with no end marker: keep the data, close it
                    out += d[start..<d.count]
                    out += [0xFF, 0xD9]
                    return (out, lat, lon, taken)
                }
                out += d[start..<i]
            }
        }
        throw .damaged
    }

    /// PNG: keeps the image chunks, drops eXIf and the text chunks.
    static func png(_ d: [UInt8]) throws(Problem) -> [UInt8] {
        var out = Array(d[0..<8])
        var i = 8
        while i + 12 <= d.count {
            let length = Int(d[i]) << 24 | Int(d[i + 1]) << 16 | Int(d[i + 2]) << 8 | Int(d[i + 3])
            guard length >= 0, i + 12 + length <= d.count else { throw .damaged }
            let type = String(decoding: d[(i + 4)..<(i + 8)], as: UTF8.self)
            if !["eXIf", "tEXt", "iTXt", "zTXt", "tIME"].contains(type) { out += d[i..<(i + 12 + length)] }
            i += 12 + length
            if type == "IEND" { return out }
        }
        throw .damaged
    }
}

/// Just enough of EXIF (a TIFF structure) to find the GPS position and the time taken.
enum Exif {
    static func read(_ t: [UInt8]) -> (Double?, Double?, String?) {
        guard t.count >= 8 else { return (nil, nil, nil) }
        let little = t[0] == 0x49
        func u16(_ o: Int) -> Int? { o + 2 <= t.count ? (little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])) : nil }
        func u32(_ o: Int) -> Int? {
            guard o + 4 <= t.count else { return nil }
            let b = t[o..<(o + 4)].map(Int.init)
            return little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
        }
        /// Tag → (type, count, value or offset field position) of one IFD.
        func entries(_ ifd: Int) -> [Int: (type: Int, count: Int, at: Int)] {
            guard let n = u16(ifd) else { return [:] }
            var out: [Int: (type: Int, count: Int, at: Int)] = [:]
            for k in 0..<min(n, 200) {
                let e = ifd + 2 + k * 12
                guard let tag = u16(e), let type = u16(e + 2), let count = u32(e + 4) else { break }
                out[tag] = (type, count, e + 8)
            }
            return out
        }
        func ascii(_ e: (type: Int, count: Int, at: Int)) -> String? {
            let start = e.count <= 4 ? e.at : (u32(e.at) ?? t.count)
            guard e.type == 2, start + e.count <= t.count else { return nil }
            return String(decoding: t[start..<(start + e.count)].prefix { $0 != 0 }, as: UTF8.self)
        }
        func degrees(_ e: (type: Int, count: Int, at: Int)?) -> Double? {
            guard let e, e.type == 5, e.count == 3, let o = u32(e.at), o + 24 <= t.count else { return nil }
            var parts: [Double] = []
            for k in 0..<3 {
                guard let num = u32(o + k * 8), let den = u32(o + k * 8 + 4), den != 0 else { return nil }
                parts.append(Double(num) / Double(den))
            }
            return parts[0] + parts[1] / 60 + parts[2] / 3600
        }
        guard let first = u32(4) else { return (nil, nil, nil) }
        let ifd0 = entries(first)
        var taken: String?
        if let exifIFD = ifd0[0x8769].flatMap({ u32($0.at) }), let original = entries(exifIFD)[0x9003] { taken = ascii(original) }
        if taken == nil, let dateTime = ifd0[0x0132] { taken = ascii(dateTime) }
        guard let gpsIFD = ifd0[0x8825].flatMap({ u32($0.at) }) else { return (nil, nil, taken) }
        let gps = entries(gpsIFD)
        guard var lat = degrees(gps[2]), var lon = degrees(gps[4]) else { return (nil, nil, taken) }
        if gps[1].flatMap(ascii) == "S" { lat = -lat }
        if gps[3].flatMap(ascii) == "W" { lon = -lon }
        guard (-90...90).contains(lat), (-180...180).contains(lon) else { return (nil, nil, taken) }
        return (lat, lon, taken)
    }
}
