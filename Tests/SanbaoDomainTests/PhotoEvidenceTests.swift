import Testing
@testable import SanbaoDomain

@Suite struct PhotoEvidenceTests {
    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func rational(_ n: Int, _ d: Int) -> [UInt8] { be32(n) + be32(d) }

    /// A big-endian EXIF block with a GPS position 31°51'36"N 117°15'0"E.
    static var exif: [UInt8] {
        var t: [UInt8] = Array("MM".utf8) + be16(42) + be32(8)
        t += be16(1) + be16(0x8825) + be16(4) + be32(1) + be32(26) + be32(0)          // IFD0 → GPS IFD at 26
        t += be16(4)
        t += be16(1) + be16(2) + be32(2) + Array("N".utf8) + [0, 0, 0]
        t += be16(2) + be16(5) + be32(3) + be32(80)
        t += be16(3) + be16(2) + be32(2) + Array("E".utf8) + [0, 0, 0]
        t += be16(4) + be16(5) + be32(3) + be32(104)
        t += be32(0)
        t += rational(31, 1) + rational(51, 1) + rational(36, 1)
        t += rational(117, 1) + rational(15, 1) + rational(0, 1)
        return Array("Exif\0\0".utf8) + t
    }

    static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] { [0xFF, marker] + be16(body.count + 2) + body }

    static var jpeg: [UInt8] {
        [0xFF, 0xD8] + segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]) + segment(0xE1, exif)
            + segment(0xFE, Array("home address".utf8)) + segment(0xDB, [0] + Array(repeating: 1, count: 64))
            + [0xFF, 0xDA] + be16(8) + [1, 1, 0, 0, 63, 0] + [0x12, 0x34, 0x56] + [0xFF, 0xD9]
    }

    @Test func aJPEGKeepsItsPositionAsEvidenceAndLosesItsMetadata() throws {
        let photo = try PhotoEvidence(Self.jpeg)
        #expect(photo.kind == .jpeg)
        #expect(abs(photo.latitude! - 31.86) < 1e-9 && abs(photo.longitude! - 117.25) < 1e-9)
        #expect(!photo.bytes.contains(0xE1) || !String(decoding: photo.bytes, as: UTF8.self).contains("Exif"))
        #expect(!String(decoding: photo.bytes, as: UTF8.self).contains("home address"))
        #expect(photo.bytes.starts(with: [0xFF, 0xD8, 0xFF, 0xE0]) && photo.bytes.suffix(2) == [0xFF, 0xD9])
        #expect(photo.bytes.count == Self.jpeg.count - (Self.exif.count + 4) - ("home address".utf8.count + 4))
    }

    /// Security issue, defect 14: some phones write a trailer after the image's end, GPS EXIF
    /// included; it was served unchanged.
    @Test func bytesAfterTheEndOfAJPEGAreNotKept() throws {
        let trailer = Array("Exif\0\0".utf8) + Self.exif + Array("trailer-home".utf8)
        let photo = try PhotoEvidence(Self.jpeg + trailer)
        #expect(photo.bytes == (try PhotoEvidence(Self.jpeg)).bytes)
        #expect(photo.bytes.suffix(2) == [0xFF, 0xD9])
        #expect(!String(decoding: photo.bytes, as: UTF8.self).contains("trailer-home"))
    }

    /// A progressive JPEG: tables between scans, stuffed 0xFF00 and restart markers in the data.
    @Test func everyScanOfAProgressiveJPEGIsKept() throws {
        let scan1: [UInt8] = [0xFF, 0xDA] + Self.be16(8) + [1, 1, 0, 0, 63, 0] + [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]
        let tables = Self.segment(0xC4, [0x10] + Array(repeating: 0, count: 16))
        let scan2: [UInt8] = [0xFF, 0xDA] + Self.be16(8) + [1, 1, 0, 1, 63, 0] + [0x77, 0x88]
        let image: [UInt8] = [0xFF, 0xD8] + Self.segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
            + Self.segment(0xDB, [0] + Array(repeating: 1, count: 64)) + scan1 + tables + scan2 + [0xFF, 0xD9]
        let photo = try PhotoEvidence(image + Array("after".utf8))
        #expect(photo.bytes == image)
    }

    @Test func aPNGLosesItsTextChunks() throws {
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] { Self.be32(body.count) + Array(type.utf8) + body + [0, 0, 0, 0] }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", Array(repeating: 0, count: 13))
            + chunk("tEXt", Array("Author\0someone".utf8)) + chunk("IDAT", [1, 2, 3]) + chunk("IEND", [])
        let photo = try PhotoEvidence(png)
        #expect(photo.kind == .png && !String(decoding: photo.bytes, as: UTF8.self).contains("someone"))
        #expect(photo.bytes.count == png.count - (12 + "Author\0someone".utf8.count))
    }

    @Test func otherFilesAreRefused() {
        #expect(throws: PhotoEvidence.Problem.notAnImage) { try PhotoEvidence(Array("GIF89a....".utf8)) }
        #expect(throws: PhotoEvidence.Problem.damaged) { try PhotoEvidence([0xFF, 0xD8, 0xFF, 0xE0, 0x00]) }
        #expect(throws: PhotoEvidence.Problem.tooLarge(limit: PhotoEvidence.maxBytes)) {
            try PhotoEvidence([0xFF, 0xD8, 0xFF] + Array(repeating: 0, count: PhotoEvidence.maxBytes))
        }
    }
}

@Suite struct VisitWhereaboutsTests {
    @Test func aVisitFarFromTheEnterpriseBeyondThePhonesAccuracyIsMarked() {
        let near = VisitWhereabouts(lat: 31.8600, lon: 117.2500, accuracyM: 15, enterpriseLat: 31.8610, enterpriseLon: 117.2500)
        #expect(near?.isFar == false && (near?.metres ?? 0) > 100)
        let far = VisitWhereabouts(lat: 31.8600, lon: 117.2500, accuracyM: 15, enterpriseLat: 31.8800, enterpriseLon: 117.2500)
        #expect(far?.isFar == true)
        let vague = VisitWhereabouts(lat: 31.8600, lon: 117.2500, accuracyM: 5_000, enterpriseLat: 31.8800, enterpriseLon: 117.2500)
        #expect(vague?.isFar == false, "the phone itself said it could be 5 km off")
        #expect(VisitWhereabouts(lat: nil, lon: 117.25, accuracyM: nil, enterpriseLat: 31.88, enterpriseLon: 117.25) == nil)
    }
}
